"""Tutor plugin for Open Badges for Open edX (the ``openedx-open-badges`` package)."""

from .__about__ import __version__

__all__ = ["__version__"]
