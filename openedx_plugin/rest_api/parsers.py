"""
The API's JSON parser: what DRF's accepts, minus what would make a 500 later.

``json.loads`` raises ``RecursionError`` (not ``ValueError``, which DRF catches) on a
deeply nested body, and accepts lone surrogates (``"\\ud800"``), which no response can
encode as UTF-8: an error message naming such a key would fail while rendering. Both
are refused here with 400, and nesting is capped far below the interpreter's limit.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def _check(document):
    """Walk without recursion: the depth of containers, and every string (keys too) as UTF-8."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ParseError(_("JSON text must be valid Unicode (a lone surrogate was sent).")) from exc
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth > MAX_DEPTH:
            raise ParseError(_("JSON nested more than %(depth)d levels deep.") % {"depth": MAX_DEPTH})
        items = value.items() if isinstance(value, dict) else ((None, item) for item in value)
        for key, item in items:
            if key is not None:
                stack.append((key, depth))
            stack.append((item, depth + 1))


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            document = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("JSON nested more than %(depth)d levels deep.") % {"depth": MAX_DEPTH}) from exc
        _check(document)
        return document
