"""Badge image intake: accept only PNG and SVG that are safe to store, serve and bake.

Badge images come from course staff uploads and are later served from the LMS origin and
embedded in credentials, so anything that can run script, fetch remote resources or exhaust
memory while decoding is refused or stripped here, before the image is stored.

JPEG (and every other format) is refused: Open Badges baking is defined only for PNG and SVG.
"""

from __future__ import annotations

import io
import re
import struct
import warnings
import zlib
from collections.abc import Iterator
from typing import NamedTuple
from xml.dom import Node
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException
from defusedxml import minidom as safe_minidom

from .errors import EngineError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PIXELS",
    "DEFAULT_MAX_SIDE",
    "PNG_MIME",
    "PNG_SIGNATURE",
    "SVG_MIME",
    "ImageError",
    "PngChunk",
    "build_png_chunk",
    "iter_png_chunks",
    "parse_svg",
    "sanitize_image",
    "sniff_image_type",
]

PNG_MIME = "image/png"
SVG_MIME = "image/svg+xml"
JPEG_MIME = "image/jpeg"

# A badge is shown at a few hundred pixels; these limits leave room for print-quality
# artwork while keeping a decoded RGBA image under 16 MiB.
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_SIDE = 2048
DEFAULT_MAX_PIXELS = 2048 * 2048

# Deep nesting would make the recursive DOM serialiser overflow the stack.
MAX_SVG_DEPTH = 256

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XMLNS_NS = "http://www.w3.org/2000/xmlns/"

_MAX_CHUNK_LENGTH = 2**31 - 1


class ImageError(EngineError):
    """The image is not an acceptable, safe badge image; the message says why."""


# --------------------------------------------------------------------------- PNG chunks


class PngChunk(NamedTuple):
    type: bytes
    data: bytes

    def encode(self) -> bytes:
        return build_png_chunk(self.type, self.data)


def build_png_chunk(chunk_type: bytes, data: bytes) -> bytes:
    """Serialise one chunk with its length and CRC (CRC covers type and data)."""
    if len(chunk_type) != 4 or not chunk_type.isalpha():
        raise ImageError(f"invalid PNG chunk type {chunk_type!r}")
    if len(data) > _MAX_CHUNK_LENGTH:
        raise ImageError("PNG chunk too large")
    crc = zlib.crc32(chunk_type + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", crc)


def iter_png_chunks(data: bytes) -> Iterator[PngChunk]:
    """Walk the raw chunk stream, checking framing and every CRC.

    Working on chunks (rather than decoding) lets callers inspect or rewrite metadata
    without ever decompressing pixel data, and catches truncation and corruption early.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ImageError("PNG data must be bytes")
    data = bytes(data)
    if not data.startswith(PNG_SIGNATURE):
        raise ImageError("not a PNG file (bad signature)")
    pos = len(PNG_SIGNATURE)
    first = True
    while True:
        if pos + 8 > len(data):
            raise ImageError("truncated PNG: missing IEND chunk")
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        chunk_type = data[pos + 4 : pos + 8]
        if length > _MAX_CHUNK_LENGTH:
            raise ImageError("corrupt PNG: chunk length out of range")
        if not chunk_type.isalpha() or not chunk_type.isascii():
            raise ImageError(f"corrupt PNG: invalid chunk type {chunk_type!r}")
        end = pos + 8 + length + 4
        if end > len(data):
            raise ImageError(f"truncated PNG: chunk {chunk_type.decode('ascii')} is cut short")
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(chunk_type + body) & 0xFFFFFFFF != crc:
            raise ImageError(f"corrupt PNG: bad CRC in chunk {chunk_type.decode('ascii')}")
        if first and chunk_type != b"IHDR":
            raise ImageError("corrupt PNG: first chunk is not IHDR")
        first = False
        yield PngChunk(chunk_type, body)
        pos = end
        if chunk_type == b"IEND":
            if pos != len(data):
                raise ImageError("corrupt PNG: data after IEND")
            return


class _Ihdr(NamedTuple):
    width: int
    height: int
    bit_depth: int
    colour_type: int


_VALID_DEPTHS = {0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}


def _parse_ihdr(body: bytes) -> _Ihdr:
    if len(body) != 13:
        raise ImageError("corrupt PNG: IHDR has the wrong length")
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(">IIBBBBB", body)
    if width == 0 or height == 0:
        raise ImageError("corrupt PNG: zero width or height")
    if depth not in _VALID_DEPTHS.get(colour, ()):
        raise ImageError("corrupt PNG: invalid bit depth / colour type")
    if compression != 0 or filtering != 0 or interlace not in (0, 1):
        raise ImageError("corrupt PNG: unknown compression, filter or interlace method")
    return _Ihdr(width, height, depth, colour)


# Chunks kept in a cleaned PNG: the critical ones plus those that affect how pixels look.
# Text, EXIF, time and animation chunks are dropped (metadata leaks, stale baked
# assertions, and APNG frames nobody reviews).
_KEEP_CHUNKS = {
    b"IHDR",
    b"PLTE",
    b"IDAT",
    b"IEND",
    b"tRNS",
    b"gAMA",
    b"cHRM",
    b"sRGB",
    b"iCCP",
    b"sBIT",
    b"pHYs",
    b"bKGD",
    b"cICP",
}


def _sanitize_png(data: bytes, max_pixels: int, max_side: int) -> bytes:
    chunks = list(iter_png_chunks(data))
    ihdr = _parse_ihdr(chunks[0].data)
    if ihdr.width > max_side or ihdr.height > max_side:
        raise ImageError(f"PNG is {ihdr.width}x{ihdr.height} pixels; the largest side allowed is {max_side}")
    if ihdr.width * ihdr.height > max_pixels:
        raise ImageError(f"PNG has {ihdr.width * ihdr.height} pixels; at most {max_pixels} are allowed")
    for chunk in chunks:
        if chunk.type[0:1].isupper() and chunk.type not in _KEEP_CHUNKS:
            raise ImageError(f"unsupported critical PNG chunk {chunk.type.decode('ascii')}")
    if not any(c.type == b"IDAT" for c in chunks):
        raise ImageError("corrupt PNG: no image data")
    cleaned = PNG_SIGNATURE + b"".join(c.encode() for c in chunks if c.type in _KEEP_CHUNKS)
    _decode_check(cleaned, ihdr, max_pixels)
    return cleaned


def _decode_check(data: bytes, ihdr: _Ihdr, max_pixels: int) -> None:
    """Fully decode the image so a file that only looks like a PNG is refused.

    The size was already checked from IHDR; Pillow's own bomb guard is kept as a second
    line (its warning is turned into an error) without touching its global limit.
    """
    # Pillow is loaded only when an image is decoded: signing and verifying never need it.
    from PIL import Image  # pylint: disable=import-outside-toplevel

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["PNG"]) as img:
                if img.size != (ihdr.width, ihdr.height):
                    raise ImageError("corrupt PNG: decoded size differs from IHDR")
                if img.size[0] * img.size[1] > max_pixels:
                    raise ImageError("PNG has too many pixels")
                img.load()
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError(f"PNG refused as a decompression bomb: {exc}") from exc
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, MemoryError) as exc:
        raise ImageError(f"PNG does not decode: {exc}") from exc


# --------------------------------------------------------------------------- SVG

# The DOCTYPE exporters such as Illustrator write: no internal subset, so nothing to expand.
_PLAIN_SVG_DOCTYPE = re.compile(rb'<!DOCTYPE\s+svg\s+PUBLIC\s+"[^"<>\[\]]*"\s+"[^"<>\[\]]*"\s*>', re.IGNORECASE)


def parse_svg(data: bytes | str):
    """Parse SVG text into a minidom Document with DTDs, entities and external refs refused.

    A bare public DOCTYPE (as exported by drawing tools) is removed first; any other
    DTD, and so any entity declaration (billion laughs, XXE), makes parsing fail.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    data = _PLAIN_SVG_DOCTYPE.sub(b"", bytes(data), count=1)
    try:
        doc = safe_minidom.parseString(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ImageError(f"SVG refused: DTDs and entities are not allowed ({exc})") from exc
    except (ExpatError, ValueError, UnicodeError) as exc:
        raise ImageError(f"SVG is not well-formed XML: {exc}") from exc
    except RecursionError as exc:
        raise ImageError("SVG is nested too deeply") from exc
    root = doc.documentElement
    if root is None or root.localName != "svg" or root.namespaceURI not in (SVG_NS, None):
        raise ImageError("not an SVG document (root element must be <svg>)")
    return doc


_REMOVE_ELEMENTS = {"script", "foreignobject", "handler", "listener", "iframe", "embed", "object"}
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_IMPORT = re.compile(r"@import\b[^;]*;?", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_CONTROL_AND_SPACE = re.compile(r"[\x00-\x20\x7f]+")
_SAFE_DATA_URI = re.compile(r"data:image/(png|jpeg);base64,[a-z0-9+/=\s]*$", re.IGNORECASE)


def _safe_reference(value: str) -> bool:
    """Only in-document fragments and inline raster images may be referenced."""
    compact = _CONTROL_AND_SPACE.sub("", value)
    return compact.startswith("#") or bool(_SAFE_DATA_URI.match(value.strip()))


def _clean_css(css: str) -> str | None:
    """Return CSS with external loads removed, or None if it cannot be judged safely.

    Backslash escapes and image-set() are refused outright: they can spell url/@import in
    ways a pattern cannot see, and badge artwork has no need for them.
    """
    css = _CSS_COMMENT.sub("", css)
    lowered = css.lower()
    if "\\" in css or "image-set" in lowered or "expression(" in lowered or "<" in css:
        return None
    css = _CSS_IMPORT.sub("", css)

    def replace(match: re.Match) -> str:
        return match.group(0) if _safe_reference(match.group(2)) else "none"

    css = _CSS_URL.sub(replace, css)
    # Anything the pattern did not consume (e.g. an unclosed "url(") is refused whole.
    for found in re.finditer(r"url\(", css, re.IGNORECASE):
        match = _CSS_URL.match(css, found.start())
        if match is None or not _safe_reference(match.group(2)):
            return None
    return css


def _clean_attributes(element) -> None:
    """Drop event handlers, foreign attributes and any reference that leaves the document."""
    for attr in list(element.attributes.values()):
        name = attr.name
        local = (attr.localName or name).lower()
        ns = attr.namespaceURI
        if ns == XMLNS_NS or name == "xmlns" or name.startswith("xmlns:"):
            continue
        if ns not in (None, XLINK_NS, XML_NS):
            element.removeAttributeNode(attr)  # editor metadata (inkscape:*); nothing renders it
        elif ns == XML_NS and local not in ("space", "lang"):
            element.removeAttributeNode(attr)  # xml:base could re-anchor "#" references
        elif local.startswith("on"):
            element.removeAttributeNode(attr)
        elif local in ("href", "src"):
            if not _safe_reference(attr.value):
                element.removeAttributeNode(attr)
        else:
            lowered = attr.value.lower()
            if "javascript:" in lowered:
                element.removeAttributeNode(attr)
            elif local == "style" or "url(" in lowered or "@import" in lowered:
                # style="..." and presentation attributes such as fill="url(#g)".
                cleaned = _clean_css(attr.value)
                if cleaned is None:
                    element.removeAttributeNode(attr)
                else:
                    attr.value = cleaned
    # Animations can set href or event attributes at run time.
    if element.localName in ("set", "animate", "animateMotion", "animateTransform"):
        target = element.getAttribute("attributeName").split(":")[-1].lower()
        if target in ("href", "src") or target.startswith("on"):
            element.parentNode.removeChild(element)


def _sanitize_svg(data: bytes) -> bytes:
    doc = parse_svg(data)
    root = doc.documentElement
    if root.namespaceURI is None:
        raise ImageError("SVG root element lacks the SVG namespace (xmlns)")
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_SVG_DEPTH:
            raise ImageError("SVG is nested too deeply")
        for child in list(node.childNodes):
            if child.nodeType in (Node.PROCESSING_INSTRUCTION_NODE, Node.COMMENT_NODE):
                node.removeChild(child)
            elif child.nodeType == Node.ELEMENT_NODE:
                if child.namespaceURI != SVG_NS or (child.localName or "").lower() in _REMOVE_ELEMENTS:
                    node.removeChild(child)
                else:
                    stack.append((child, depth + 1))
        if node.nodeType == Node.ELEMENT_NODE:
            if node.localName == "style":
                css = "".join(c.data for c in node.childNodes if c.nodeType in (3, 4))
                cleaned = _clean_css(css)
                if cleaned is None:
                    node.parentNode.removeChild(node)
                    continue
                for c in list(node.childNodes):
                    node.removeChild(c)
                node.appendChild(doc.createTextNode(cleaned))
            else:
                _clean_attributes(node)
    try:
        body = root.toxml()
    except RecursionError as exc:  # pragma: no cover - depth is bounded above
        raise ImageError("SVG is nested too deeply") from exc
    out = ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")
    parse_svg(out)  # the result must still be a well-formed SVG
    return out


# --------------------------------------------------------------------------- entry points


def sniff_image_type(data: bytes) -> str | None:
    """Identify the format from the first bytes, never from a name or a declared type."""
    head = bytes(data[:512])
    if head.startswith(PNG_SIGNATURE):
        return PNG_MIME
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG_MIME
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    xml_start = (b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE", b"<!doctype")
    if text.startswith(xml_start) and b"<svg" in bytes(data[:8192]):
        return SVG_MIME
    return None


_DECLARED_ALIASES = {
    "image/png": PNG_MIME,
    "png": PNG_MIME,
    ".png": PNG_MIME,
    "image/svg+xml": SVG_MIME,
    "image/svg": SVG_MIME,
    "svg": SVG_MIME,
    ".svg": SVG_MIME,
    "image/jpeg": JPEG_MIME,
    "image/jpg": JPEG_MIME,
    "jpg": JPEG_MIME,
    "jpeg": JPEG_MIME,
}


def sanitize_image(
    data: bytes,
    *,
    declared_type: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_side: int = DEFAULT_MAX_SIDE,
) -> tuple[str, bytes]:
    """Check and clean an uploaded badge image, returning ``(mime, clean_bytes)``.

    ``declared_type`` is what the uploader claimed (a MIME type or file extension); a
    mismatch with the sniffed type is refused because browsers and storages trust it.
    PNGs keep their pixel data byte for byte (only ancillary metadata chunks are dropped);
    SVGs are re-serialised from the cleaned tree.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ImageError("image data must be bytes")
    data = bytes(data)
    if not data:
        raise ImageError("image is empty")
    if len(data) > max_bytes:
        raise ImageError(f"image is {len(data)} bytes; at most {max_bytes} are allowed")
    mime = sniff_image_type(data)
    if mime is None:
        raise ImageError("unrecognised image format: badge images must be PNG or SVG")
    if mime == JPEG_MIME:
        raise ImageError("JPEG is not accepted: badge images must be PNG or SVG (bakeable)")
    if declared_type is not None:
        declared = _DECLARED_ALIASES.get(declared_type.split(";")[0].strip().lower())
        if declared != mime:
            raise ImageError(f"declared type {declared_type!r} does not match content ({mime})")
    if mime == PNG_MIME:
        return mime, _sanitize_png(data, max_pixels, max_side)
    return mime, _sanitize_svg(data)
