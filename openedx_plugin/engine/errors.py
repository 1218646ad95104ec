"""Exceptions raised by the credential engine.

One small hierarchy so callers (views, tasks) can catch ``EngineError`` and still tell
"this data cannot be signed" apart from "this credential does not verify".
"""

from __future__ import annotations

__all__ = ["EngineError", "SigningError", "DataError", "VerificationError", "ContextError"]


class EngineError(Exception):
    """Base class for every error the engine raises on purpose."""


class _FieldError(EngineError):
    """An error about one field: the JSON path is kept so the UI can point at it."""

    def __init__(self, field: str, reason: str):
        self.field = field or "(document)"
        self.reason = reason
        super().__init__(f"{self.field}: {reason}")


class SigningError(_FieldError):
    """The document cannot be signed as is (it would be silently altered by JSON-LD)."""


class DataError(_FieldError, ValueError):
    """A builder was given missing or malformed input (a bug in the caller, not the data)."""


class VerificationError(EngineError):
    """A proof does not verify; the message says why."""


class ContextError(EngineError):
    """A JSON-LD context URL that is not shipped with the engine (never fetched)."""

    def __init__(self, url: str):
        self.url = url
        super().__init__(f"JSON-LD context not available offline: {url!r}")
