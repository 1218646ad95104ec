"""The Open Badges XBlock: a badge inside a course unit."""

from .block import BadgeXBlock

__all__ = ["BadgeXBlock"]
