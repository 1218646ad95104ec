"""W3C Bitstring Status List: revocation without telling the issuer who is checking.

A list of at least 131,072 bits gives herd privacy; index 0 is the left-most (most
significant) bit of the first byte. Decoding caps the decompressed size because the
list comes from the network and a small gzip can inflate to gigabytes.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from datetime import datetime
from typing import Any

from .dataintegrity import format_datetime
from .errors import EngineError
from .jsonld import VC_V2

__all__ = [
    "MIN_SIZE",
    "MAX_DECODED_BITS",
    "BitstringStatusList",
    "status_entry",
    "build_status_list_credential",
]

MIN_SIZE = 131072
# 16 Mibit (2 MiB): 128 times the minimum, far beyond any one issuer's needs.
MAX_DECODED_BITS = 16 * 1024 * 1024
_MAX_ENCODED_CHARS = 4 * 1024 * 1024
_PURPOSES = {"revocation", "suspension", "refresh", "message"}


class BitstringStatusList:
    def __init__(self, size: int = MIN_SIZE, *, _bits: bytearray | None = None):
        if _bits is not None:
            self._bits = _bits
            return
        if not isinstance(size, int) or size <= 0 or size % 8 or size > MAX_DECODED_BITS:
            raise EngineError(f"status list size must be a positive multiple of 8 up to {MAX_DECODED_BITS}")
        self._bits = bytearray(size // 8)

    @property
    def size(self) -> int:
        """How many entries the list holds (bits, a multiple of 8): status indexes run below it."""
        return len(self._bits) * 8

    def __len__(self) -> int:
        return self.size

    def _locate(self, index: int) -> tuple[int, int]:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self.size:
            raise IndexError(f"status index {index!r} outside 0..{self.size - 1}")
        return index // 8, 7 - index % 8

    def get(self, index: int) -> bool:
        """Whether entry ``index`` is set (revoked or suspended, by the list's purpose)."""
        byte, shift = self._locate(index)
        return bool(self._bits[byte] >> shift & 1)

    def set(self, index: int, value: bool = True) -> None:
        """Set or clear entry ``index``: revoking changes the list (re-signed by the caller), never the credential."""
        byte, shift = self._locate(index)
        if value:
            self._bits[byte] |= 1 << shift
        else:
            self._bits[byte] &= ~(1 << shift) & 0xFF

    def to_bytes(self) -> bytes:
        """The raw bits, most significant bit first: what a stored list keeps."""
        return bytes(self._bits)

    def encode(self) -> str:
        """``u`` + base64url (no padding) of the GZIP'd bits: the ``encodedList`` value."""
        compressed = zlib.compress(bytes(self._bits), 9, wbits=31)  # wbits=31: gzip container
        return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, encoded: str, *, max_bits: int = MAX_DECODED_BITS) -> BitstringStatusList:
        """A list from an ``encodedList``, refusing oversized or malformed input before decompressing it."""
        if not isinstance(encoded, str) or not encoded.startswith("u"):
            raise EngineError("encodedList must be multibase base64url ('u' prefix)")
        if len(encoded) > _MAX_ENCODED_CHARS:
            raise EngineError("encodedList is too large")
        body = encoded[1:]
        if "=" in body or not all(c.isalnum() or c in "-_" for c in body):
            raise EngineError("encodedList is not unpadded base64url")
        try:
            compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except (binascii.Error, ValueError) as exc:
            raise EngineError(f"encodedList is not base64url: {exc}") from exc
        limit = max_bits // 8
        inflater = zlib.decompressobj(wbits=31)
        try:
            raw = inflater.decompress(compressed, limit + 1)
        except zlib.error as exc:
            raise EngineError(f"encodedList is not GZIP data: {exc}") from exc
        if len(raw) > limit or inflater.unconsumed_tail:
            raise EngineError(f"encodedList decompresses to more than {max_bits} bits")
        if not inflater.eof:
            raise EngineError("encodedList GZIP data is truncated")
        if inflater.unused_data:
            raise EngineError("encodedList has trailing data after the GZIP stream")
        if not raw:
            raise EngineError("encodedList is empty")
        return cls(_bits=bytearray(raw))


def status_entry(list_url: str, index: int, purpose: str = "revocation") -> dict:
    """The ``credentialStatus`` pointing a credential at its bit in the list."""
    if purpose not in _PURPOSES:
        raise EngineError(f"unknown status purpose {purpose!r}")
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise EngineError("status index must be a non-negative integer")
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def build_status_list_credential(
    list_url: str,
    issuer: str | dict,
    encoded_list: str,
    valid_from: datetime | str,
    purpose: str = "revocation",
    *,
    valid_until: datetime | str | None = None,
) -> dict:
    """The unsigned BitstringStatusListCredential (VC v2 context only; sign it like a badge)."""
    if purpose not in _PURPOSES:
        raise EngineError(f"unknown status purpose {purpose!r}")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_id, str) or not issuer_id:
        raise EngineError("issuer id required")
    BitstringStatusList.decode(encoded_list)  # refuse to publish a list we could not read
    out: dict[str, Any] = {
        "@context": [VC_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": format_datetime(valid_from),
    }
    if valid_until is not None:
        out["validUntil"] = format_datetime(valid_until)
    out["credentialSubject"] = {
        "id": f"{list_url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": encoded_list,
    }
    return out
