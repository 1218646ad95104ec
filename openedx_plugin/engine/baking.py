"""Badge baking: carry an Open Badges 2.0 assertion or 3.0 credential inside the image.

PNG baking edits the chunk stream directly (one uncompressed ``iTXt`` chunk before IEND)
so the artwork is never re-encoded. SVG baking adds one namespaced element as the first
child of the root, as both specifications require.
"""

from __future__ import annotations

import json
import re
import zlib
from xml.dom import Node

from .errors import EngineError
from .images import (
    PNG_SIGNATURE,
    ImageError,
    PngChunk,
    build_png_chunk,
    iter_png_chunks,
    parse_svg,
)

__all__ = [
    "PNG_KEYWORDS",
    "SVG_ELEMENTS",
    "SVG_NAMESPACES",
    "BakingError",
    "bake_png",
    "bake_svg",
    "unbake_png",
    "unbake_svg",
]

PNG_KEYWORDS = {"ob2": b"openbadges", "ob3": b"openbadgecredential"}
SVG_NAMESPACES = {"ob2": "http://openbadges.org", "ob3": "https://purl.imsglobal.org/ob/v3p0"}
SVG_ELEMENTS = {"ob2": "assertion", "ob3": "credential"}
SVG_PREFIX = "openbadges"
_TEXT_CHUNKS = (b"iTXt", b"tEXt", b"zTXt")

# Compressed text chunks are never written here, but may be met when reading; cap them so a
# hostile badge cannot inflate to gigabytes.
MAX_PAYLOAD_BYTES = 8 * 1024 * 1024

_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+")
# Characters XML 1.0 cannot carry at all, plus CR, which parsers turn into LF.
_NOT_XML_SAFE = re.compile("[^\x09\x0a\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class BakingError(EngineError):
    """The image cannot be baked or read; the message says why."""


def _check_version(version: str) -> str:
    if version not in PNG_KEYWORDS:
        raise BakingError(f"unknown badge version {version!r}; use 'ob2' or 'ob3'")
    return version


def _chunks(png_bytes: bytes) -> list[PngChunk]:
    try:
        return list(iter_png_chunks(png_bytes))
    except ImageError as exc:
        raise BakingError(str(exc)) from exc


# --------------------------------------------------------------------------- PNG


def _itxt_keyword(chunk: PngChunk) -> bytes | None:
    if chunk.type not in _TEXT_CHUNKS:
        return None
    return chunk.data.split(b"\x00", 1)[0]


def bake_png(png_bytes: bytes, payload: str, *, version: str = "ob2") -> bytes:
    """Return the PNG with ``payload`` in one uncompressed iTXt chunk just before IEND.

    Existing text chunks with the same keyword are removed so a re-baked badge never
    carries two (possibly contradicting) assertions.
    """
    keyword = PNG_KEYWORDS[_check_version(version)]
    if not isinstance(payload, str) or not payload.strip():
        raise BakingError("payload must be a non-empty string")
    try:
        text = payload.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BakingError("payload is not valid Unicode text") from exc
    # keyword, NUL, compression flag 0, method 0, empty language tag, NUL, empty
    # translated keyword, NUL, then UTF-8 text.
    itxt = build_png_chunk(b"iTXt", keyword + b"\x00\x00\x00\x00\x00" + text)
    out = [PNG_SIGNATURE]
    for chunk in _chunks(png_bytes):
        if _itxt_keyword(chunk) == keyword:
            continue
        if chunk.type == b"IEND":
            out.append(itxt)
        out.append(chunk.encode())
    return b"".join(out)


def _read_text_chunk(chunk: PngChunk) -> str:
    data = chunk.data
    try:
        if chunk.type == b"tEXt":
            return data.split(b"\x00", 1)[1].decode("latin-1")
        if chunk.type == b"zTXt":
            _, rest = data.split(b"\x00", 1)
            if rest[:1] != b"\x00":
                raise BakingError("unknown zTXt compression method")
            return _inflate(rest[1:]).decode("latin-1")
        _, rest = data.split(b"\x00", 1)
        flag, method = rest[0], rest[1]
        _lang, rest = rest[2:].split(b"\x00", 1)
        _translated, text = rest.split(b"\x00", 1)
        if flag == 1:
            if method != 0:
                raise BakingError("unknown iTXt compression method")
            text = _inflate(text)
        elif flag != 0:
            raise BakingError("invalid iTXt compression flag")
        return text.decode("utf-8")
    except (ValueError, IndexError) as exc:
        raise BakingError(f"malformed {chunk.type.decode()} chunk: {exc}") from exc


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_PAYLOAD_BYTES + 1)
    except zlib.error as exc:
        raise BakingError(f"compressed text chunk is corrupt: {exc}") from exc
    if len(out) > MAX_PAYLOAD_BYTES or inflater.unconsumed_tail:
        raise BakingError("compressed text chunk is too large")
    return out


def unbake_png(png_bytes: bytes) -> tuple[str, str] | None:
    """Return ``(version, payload)`` from the first baked chunk, or None if not baked.

    Legacy ``tEXt``/``zTXt`` chunks are read too: older issuers used them.
    """
    by_keyword = {v: k for k, v in PNG_KEYWORDS.items()}
    for chunk in _chunks(png_bytes):
        keyword = _itxt_keyword(chunk)
        if keyword in by_keyword:
            return by_keyword[keyword], _read_text_chunk(chunk)
    return None


# --------------------------------------------------------------------------- SVG


def _to_text(svg: str | bytes) -> str | bytes:
    if not isinstance(svg, (str, bytes, bytearray)):
        raise BakingError("SVG must be str or bytes")
    return svg


def _parse(svg):
    try:
        return parse_svg(_to_text(svg))
    except ImageError as exc:
        raise BakingError(str(exc)) from exc


def _is_baked_element(node) -> bool:
    return node.nodeType == Node.ELEMENT_NODE and any(
        node.namespaceURI == SVG_NAMESPACES[v] and node.localName == SVG_ELEMENTS[v] for v in SVG_NAMESPACES
    )


def _cdata_nodes(doc, payload: str):
    """Split the payload so no CDATA section contains ``]]>`` (XML forbids it)."""
    pieces = payload.split("]]>")
    for i, piece in enumerate(pieces):
        text = (">" if i else "") + piece + ("]]" if i < len(pieces) - 1 else "")
        if text:
            yield doc.createCDATASection(text)


def bake_svg(svg_text: str | bytes, payload: str, *, version: str = "ob2", verify_url: str | None = None) -> str:
    """Return the SVG text with the payload embedded as the root's first child.

    A compact JWS goes in the ``verify`` attribute with an empty body; JSON goes in CDATA,
    with ``verify`` set to ``verify_url`` (or the JSON's ``id``) for hosted verification.
    """
    version = _check_version(version)
    if not isinstance(payload, str) or not payload.strip():
        raise BakingError("payload must be a non-empty string")
    bad = _NOT_XML_SAFE.search(payload)
    if bad:
        raise BakingError(f"payload contains a character XML cannot carry: {bad.group()!r}")
    doc = _parse(svg_text)
    root = doc.documentElement
    for child in list(root.childNodes):
        if _is_baked_element(child) and child.namespaceURI == SVG_NAMESPACES[version]:
            root.removeChild(child)
    ns = SVG_NAMESPACES[version]
    element = doc.createElementNS(ns, f"{SVG_PREFIX}:{SVG_ELEMENTS[version]}")
    declared = root.getAttribute(f"xmlns:{SVG_PREFIX}")
    if declared in ("", ns):
        root.setAttribute(f"xmlns:{SVG_PREFIX}", ns)
    else:  # the prefix already means the other version's namespace: declare it locally
        element.setAttribute(f"xmlns:{SVG_PREFIX}", ns)
    if _COMPACT_JWS.fullmatch(payload):
        element.setAttribute("verify", payload)
    else:
        if verify_url is None:
            verify_url = _json_id(payload)
        if verify_url:
            if _NOT_XML_SAFE.search(verify_url) or any(c.isspace() for c in verify_url):
                raise BakingError("verify_url contains whitespace or control characters")
            element.setAttribute("verify", verify_url)
        for node in _cdata_nodes(doc, payload):
            element.appendChild(node)
    root.insertBefore(element, root.firstChild)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + root.toxml()


def _json_id(payload: str) -> str | None:
    try:
        value = json.loads(payload)
    except ValueError:
        return None
    if isinstance(value, dict) and str(value.get("id", "")).startswith(("https://", "http://")):
        return value["id"]
    return None


def unbake_svg(svg_text: str | bytes) -> tuple[str, str] | None:
    """Return ``(version, payload)`` of the first baked element, or None if not baked.

    The payload is the CDATA body when there is one, otherwise the ``verify`` attribute
    (a JWS, or for old hosted badges the assertion URL).
    """
    root = _parse(svg_text).documentElement
    for child in root.childNodes:
        if not _is_baked_element(child):
            continue
        version = next(v for v, ns in SVG_NAMESPACES.items() if ns == child.namespaceURI)
        body = "".join(n.data for n in child.childNodes if n.nodeType in (Node.TEXT_NODE, Node.CDATA_SECTION_NODE))
        if body.strip():
            return version, body
        verify = child.getAttribute("verify")
        if verify:
            return version, verify
        raise BakingError("baked SVG element has neither content nor a verify attribute")
    return None
