"""
Hostile input to the credential engine (issue 8, part 4), property-based with hypothesis:
control characters, huge (bounded) strings, odd Unicode and wrong types reach the
builders, the signer, the verifier, the unbakers, the status list decoder and the image
sanitiser. Each either succeeds or raises one of the engine's documented exceptions
(``EngineError`` subclasses, ``DataError``); ``verify_credential`` never raises.
"""

import base64
import gzip
import zlib
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openedx_plugin.engine import baking, dataintegrity, images, keys, ob3, statuslist, verify
from openedx_plugin.engine.errors import EngineError

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KEY = keys.ed25519_from_seed(bytes(range(32)))
DID = "did:key:" + keys.public_multibase(KEY)
VM = f"{DID}#{keys.public_multibase(KEY)}"

odd_text = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.text(alphabet=st.sampled_from(["\x00", "\x1b", "\u202e", "\ufeff", "\ud7ff", "\U0010ffff", "\u0301",
                                      "<", ">", "\"", "&", "\\", "\n", "\t"]), max_size=50),
    st.just("x" * 100_000),
)
junk = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), odd_text, st.binary(max_size=50)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12,
)
text_or_junk = st.one_of(odd_text, junk)
ALLOWED = (EngineError,)


def _only_engine_errors(call):
    try:
        return call()
    except ALLOWED:
        return None


@FUZZ
@given(name=text_or_junk, description=text_or_junk, achievement_id=text_or_junk, criteria=text_or_junk,
       tags=st.one_of(st.lists(odd_text, max_size=3), junk), alignment=st.one_of(st.lists(junk, max_size=3), junk))
def test_build_achievement(name, description, achievement_id, criteria, tags, alignment):
    _only_engine_errors(lambda: ob3.build_achievement(achievement_id, name, description, criteria_narrative=criteria,
                                                      tag=tags, alignment=alignment))


@FUZZ
@given(name=text_or_junk, credential_id=text_or_junk, valid_from=text_or_junk, evidence=junk, subject=text_or_junk)
def test_build_credential_and_sign(name, credential_id, valid_from, evidence, subject):
    issuer = {"id": DID, "type": ["Profile"], "name": "Issuer"}
    achievement = {"id": "https://example.org/a", "type": ["Achievement"], "name": "A", "description": "B",
                   "criteria": {"narrative": "C"}}
    credential = _only_engine_errors(lambda: ob3.build_credential(
        credential_id, issuer, achievement, subject_id=subject, valid_from=valid_from, name=name,
        evidence=evidence if isinstance(evidence, list) else ()))
    if credential is not None:
        _only_engine_errors(lambda: dataintegrity.sign(credential, KEY, VM, created="2026-01-01T00:00:00Z"))


@FUZZ
@given(document=junk, vm=text_or_junk)
def test_sign_arbitrary_documents(document, vm):
    _only_engine_errors(lambda: dataintegrity.sign(document, KEY, vm))


def _resolver(did):
    raise EngineError(f"unknown {did!r}")


@FUZZ
@given(credential=st.one_of(junk, st.fixed_dictionaries({
    "@context": st.one_of(junk, st.just(["https://www.w3.org/ns/credentials/v2"])),
    "type": st.one_of(junk, st.just(["VerifiableCredential", "OpenBadgeCredential"])),
    "issuer": text_or_junk, "validFrom": text_or_junk, "credentialSubject": junk,
    "credentialStatus": junk, "proof": junk})))
def test_verify_never_raises(credential):
    result = verify.verify_credential(credential, resolve_did=_resolver, fetch_status_list=_resolver,
                                      now=datetime(2026, 1, 1, tzinfo=UTC))
    assert result.ok is False


def _png_with_chunk(chunk_type, body):
    base = images.build_png_chunk(b"IHDR", b"\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")
    idat = images.build_png_chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00\x00"))
    return b"\x89PNG\r\n\x1a\n" + base + images.build_png_chunk(chunk_type, body) + idat + \
        images.build_png_chunk(b"IEND", b"")


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000),
                      st.builds(_png_with_chunk, st.sampled_from([b"iTXt", b"tEXt", b"zTXt", b"IHDR", b"IDAT"]),
                                st.binary(max_size=500)),
                      st.builds(lambda b: _png_with_chunk(b"iTXt", b"openbadges\x00\x01\x00\x00\x00" + b),
                                st.binary(max_size=300))))
def test_unbake_png(data):
    _only_engine_errors(lambda: baking.unbake_png(data))


svg_text = st.one_of(
    st.text(max_size=500), st.binary(max_size=500),
    st.builds(lambda inner: f'<svg xmlns="http://www.w3.org/2000/svg" '
                            f'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">{inner}</svg>', odd_text),
    st.builds(lambda payload: '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org'
                              f'/ob/v3p0"><openbadges:credential><![CDATA[{payload}]]></openbadges:credential></svg>',
              odd_text),
    st.just('<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><svg xmlns="http://www.w3.org/2000/svg">&c;</svg>'),
    st.just('<!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;'
            '</svg>'),
)


@FUZZ
@given(svg=svg_text)
def test_unbake_svg(svg):
    _only_engine_errors(lambda: baking.unbake_svg(svg))


@FUZZ
@given(encoded=st.one_of(text_or_junk,
                         st.builds(lambda b: "u" + base64.urlsafe_b64encode(gzip.compress(b)).decode().rstrip("="),
                                   st.binary(max_size=200)),
                         st.just("u" + base64.urlsafe_b64encode(gzip.compress(b"\x00" * 5_000_000)).decode())))
def test_status_list_decode(encoded):
    _only_engine_errors(lambda: statuslist.BitstringStatusList.decode(encoded))


@FUZZ
@given(data=st.one_of(st.binary(max_size=3000), svg_text.map(lambda s: s.encode() if isinstance(s, str) else s),
                      st.builds(_png_with_chunk, st.sampled_from([b"tEXt", b"IHDR", b"PLTE", b"IDAT"]),
                                st.binary(max_size=300))),
       declared=st.one_of(st.none(), st.sampled_from([".png", ".svg", "image/png", "image/svg+xml", ".gif", ""]),
                          odd_text))
def test_sanitize_image(data, declared):
    _only_engine_errors(lambda: images.sanitize_image(data, declared_type=declared))


@FUZZ
@given(value=junk)
def test_wrong_types_to_sanitize_and_unbake(value):
    for call in (lambda: images.sanitize_image(value), lambda: baking.unbake_png(value)):
        try:
            call()
        except (EngineError, TypeError):  # a non-bytes argument is a caller's type error, documented by the hints
            pass
