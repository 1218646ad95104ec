"""Baking and unbaking OB 2.0 / 3.0 payloads in PNG and SVG."""

import io
import json
import struct
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from openedx_plugin.engine.baking import (
    BakingError,
    bake_png,
    bake_svg,
    unbake_png,
    unbake_svg,
)
from openedx_plugin.engine.errors import EngineError

ASSERTION = json.dumps(
    {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://lms.example.org/badges/a/1",
        "narrative": "Ünïcödé ✓ ]]> <tag> & done",
    },
    ensure_ascii=False,
)
JWS = "eyJhbGciOiJSUzI1NiJ9.eyJpZCI6InVybjp1dWlkOjEifQ.c2lnbmF0dXJl"
SVG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    '<circle cx="5" cy="5" r="4" fill="red"/></svg>'
)


def make_png(size=(8, 6), mode="RGBA") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, (10, 20, 30, 255) if mode == "RGBA" else 0).save(buf, "PNG")
    return buf.getvalue()


def chunk_types(png: bytes):
    pos, out = 8, []
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        out.append((png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return out


def text_chunk(chunk_type: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", zlib.crc32(chunk_type + data) & 0xFFFFFFFF)
    )


def insert_before_iend(png: bytes, chunk: bytes) -> bytes:
    return png[:-12] + chunk + png[-12:]


# --------------------------------------------------------------------------- PNG


@pytest.mark.parametrize("version,keyword", [("ob2", b"openbadges"), ("ob3", b"openbadgecredential")])
@pytest.mark.parametrize("payload", [ASSERTION, JWS])
def test_png_round_trip(version, keyword, payload):
    original = make_png()
    baked = bake_png(original, payload, version=version)
    assert unbake_png(baked) == (version, payload)
    chunks = chunk_types(baked)
    assert chunks[-1][0] == b"IEND"
    assert chunks[-2][0] == b"iTXt"
    # keyword, NUL, uncompressed flag and method, empty language and translated keyword.
    assert chunks[-2][1].startswith(keyword + b"\x00\x00\x00\x00\x00")
    # The image data is untouched: baking only adds bytes before IEND.
    assert baked.startswith(original[:-12]) and baked.endswith(original[-12:])
    with Image.open(io.BytesIO(baked)) as img:
        img.load()
        assert img.size == (8, 6)


def test_png_bake_twice_keeps_one_chunk():
    baked = bake_png(bake_png(make_png(), "first"), "second")
    keywords = [data.split(b"\x00", 1)[0] for t, data in chunk_types(baked) if t == b"iTXt"]
    assert keywords == [b"openbadges"]
    assert unbake_png(baked) == ("ob2", "second")
    Image.open(io.BytesIO(baked)).load()


def test_png_other_version_chunk_is_left_alone():
    both = bake_png(bake_png(make_png(), "two"), "three", version="ob3")
    keywords = [data.split(b"\x00", 1)[0] for t, data in chunk_types(both) if t == b"iTXt"]
    assert keywords == [b"openbadges", b"openbadgecredential"]


def test_png_unbaked_returns_none():
    assert unbake_png(make_png()) is None


def test_png_reads_legacy_text_and_compressed_chunks():
    png = insert_before_iend(make_png(), text_chunk(b"tEXt", b"openbadges\x00https://x.org/a"))
    assert unbake_png(png) == ("ob2", "https://x.org/a")
    compressed = zlib.compress("héllo".encode())
    png = insert_before_iend(make_png(), text_chunk(b"iTXt", b"openbadgecredential\x00\x01\x00\x00\x00" + compressed))
    assert unbake_png(png) == ("ob3", "héllo")
    # Baking replaces the legacy chunk too.
    png = insert_before_iend(make_png(), text_chunk(b"tEXt", b"openbadges\x00old"))
    assert [t for t, _ in chunk_types(bake_png(png, "new"))].count(b"tEXt") == 0


def test_png_compressed_bomb_refused():
    bomb = zlib.compress(b"a" * (20 * 1024 * 1024), 9)
    png = insert_before_iend(make_png(), text_chunk(b"iTXt", b"openbadges\x00\x01\x00\x00\x00" + bomb))
    with pytest.raises(BakingError, match="too large"):
        unbake_png(png)


@pytest.mark.parametrize(
    "mutate,message",
    [
        (lambda p: b"GIF89a" + p[6:], "signature"),
        (lambda p: p[:40], "truncated"),
        (lambda p: p[:20] + bytes([p[20] ^ 0xFF]) + p[21:], "CRC"),
        (lambda p: p + b"junk", "after IEND"),
        (lambda p: p[:-12], "IEND"),
    ],
)
def test_png_malformed_refused(mutate, message):
    bad = mutate(make_png())
    for call in (lambda: bake_png(bad, "x"), lambda: unbake_png(bad)):
        with pytest.raises(BakingError, match=message):
            call()


def test_bad_version_and_payload():
    with pytest.raises(BakingError):
        bake_png(make_png(), "x", version="ob4")
    with pytest.raises(BakingError):
        bake_png(make_png(), "")
    with pytest.raises(BakingError):
        bake_png(make_png(), "\ud800")  # lone surrogate: not encodable
    assert issubclass(BakingError, EngineError)


PNG_BASE = make_png((2, 2))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(payload=st.text(min_size=1).filter(str.strip), version=st.sampled_from(["ob2", "ob3"]))
def test_png_round_trip_any_unicode(payload, version):
    assert unbake_png(bake_png(PNG_BASE, payload, version=version)) == (version, payload)


# --------------------------------------------------------------------------- SVG


def test_svg_ob2_json_round_trip():
    baked = bake_svg(SVG, ASSERTION, version="ob2")
    assert 'xmlns:openbadges="http://openbadges.org"' in baked
    assert 'verify="https://lms.example.org/badges/a/1"' in baked
    # First child of <svg>, JSON in CDATA.
    assert baked.split("<svg", 1)[1].split(">", 1)[1].startswith("<openbadges:assertion")
    assert "<![CDATA[" in baked
    assert unbake_svg(baked) == ("ob2", ASSERTION)
    assert "<circle" in baked


def test_svg_ob2_jws_goes_in_verify_attribute():
    baked = bake_svg(SVG, JWS, version="ob2")
    assert f'<openbadges:assertion verify="{JWS}"/>' in baked
    assert unbake_svg(baked) == ("ob2", JWS)


def test_svg_ob3_round_trip():
    credential = json.dumps({"type": ["VerifiableCredential", "OpenBadgeCredential"]})
    baked = bake_svg(SVG, credential, version="ob3")
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in baked
    assert "<openbadges:credential>" in baked
    assert unbake_svg(baked) == ("ob3", credential)


def test_svg_explicit_verify_url_and_rebake():
    once = bake_svg(SVG, "{}", version="ob2", verify_url="https://x.org/a/1")
    assert 'verify="https://x.org/a/1"' in once
    twice = bake_svg(once, '{"n": 2}', version="ob2")
    assert twice.count("<openbadges:assertion") == 1
    assert unbake_svg(twice) == ("ob2", '{"n": 2}')


def test_svg_both_versions_coexist():
    both = bake_svg(bake_svg(SVG, '{"v": 2}', version="ob2"), '{"v": 3}', version="ob3")
    assert unbake_svg(both) == ("ob3", '{"v": 3}')  # the newest is the first child
    assert both.count("<openbadges:") == 2


def test_svg_cdata_terminator_is_escaped():
    payload = "a]]>b]]]>c]]>"
    baked = bake_svg(SVG, payload)
    assert unbake_svg(baked) == ("ob2", payload)


def test_svg_unbaked_and_hostile():
    assert unbake_svg(SVG) is None
    with pytest.raises(BakingError):
        bake_svg("<html/>", "x")
    with pytest.raises(BakingError):
        unbake_svg("<svg xmlns='http://www.w3.org/2000/svg'>")
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>'
    )
    with pytest.raises(BakingError):
        unbake_svg(xxe)
    with pytest.raises(BakingError):
        bake_svg(SVG, "bad\x00char")
    with pytest.raises(BakingError):
        bake_svg(SVG, "carriage\rreturn")  # XML parsers would turn it into \n


_XML_CHARS = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0d\x0e\x0f"
    "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\ufffe\uffff",
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(payload=st.text(alphabet=_XML_CHARS, min_size=1).filter(str.strip), version=st.sampled_from(["ob2", "ob3"]))
def test_svg_round_trip_any_unicode(payload, version):
    assert unbake_svg(bake_svg(SVG, payload, version=version)) == (version, payload)
