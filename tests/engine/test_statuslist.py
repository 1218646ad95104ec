"""Bitstring Status List encoding, and refusal of hostile lists."""

from __future__ import annotations

import base64
import gzip
import zlib

import pytest

from openedx_plugin.engine import jsonld, statuslist
from openedx_plugin.engine.errors import EngineError
from openedx_plugin.engine.statuslist import BitstringStatusList


def test_default_size_and_empty_encoding():
    bits = BitstringStatusList()
    assert bits.size == 131072 == len(bits)
    encoded = bits.encode()
    assert encoded.startswith("u") and "=" not in encoded
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert raw == bytes(16384)


def test_index_zero_is_the_left_most_bit():
    bits = BitstringStatusList()
    bits.set(0)
    bits.set(9)
    bits.set(131071)
    raw = bits.to_bytes()
    assert raw[0] == 0b1000_0000
    assert raw[1] == 0b0100_0000
    assert raw[-1] == 0b0000_0001
    assert bits.get(0) and bits.get(9) and not bits.get(1)
    bits.set(9, False)
    assert not bits.get(9)


def test_round_trip():
    bits = BitstringStatusList()
    for i in (0, 1, 7, 8, 1000, 65535, 131071):
        bits.set(i)
    decoded = BitstringStatusList.decode(bits.encode())
    assert decoded.to_bytes() == bits.to_bytes()
    assert [i for i in range(decoded.size) if decoded.get(i)] == [0, 1, 7, 8, 1000, 65535, 131071]


def test_decodes_a_list_from_another_implementation():
    # what the spec's algorithm produces with any gzip tool: bit 5 set in a 16 KiB list
    raw = bytearray(16384)
    raw[0] = 0b0000_0100
    encoded = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(raw))).decode().rstrip("=")
    decoded = BitstringStatusList.decode(encoded)
    assert decoded.get(5) and not decoded.get(4)


@pytest.mark.parametrize("index", [-1, 131072, True, "3"])
def test_out_of_range_index(index):
    with pytest.raises(IndexError):
        BitstringStatusList().get(index)


def _encode_raw(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).decode().rstrip("=")


def test_decompression_bomb_is_refused():
    bomb = zlib.compress(bytes(64 * 1024 * 1024), 9, wbits=31)  # 64 MiB of zeros, ~65 KB
    with pytest.raises(EngineError, match="more than"):
        BitstringStatusList.decode(_encode_raw(bomb))


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "zabc",
        "u!!!!",
        "uAAAA=",
        _encode_raw(b"not gzip at all"),
        _encode_raw(gzip.compress(bytes(100))[:-6]),
        _encode_raw(gzip.compress(bytes(100)) + b"trailing"),
        _encode_raw(gzip.compress(b"")),
        None,
    ],
)
def test_malformed_lists_are_refused(encoded):
    with pytest.raises(EngineError):
        BitstringStatusList.decode(encoded)


def test_status_entry():
    entry = statuslist.status_entry("https://lms.example.edu/status/1", 42)
    assert entry == {
        "id": "https://lms.example.edu/status/1#42",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "42",
        "statusListCredential": "https://lms.example.edu/status/1",
    }
    assert statuslist.status_entry("https://x.example/s", 1, "suspension")["statusPurpose"] == "suspension"
    with pytest.raises(EngineError):
        statuslist.status_entry("https://x.example/s", -1)
    with pytest.raises(EngineError):
        statuslist.status_entry("https://x.example/s", 1, "bogus")


def test_status_list_credential():
    encoded = BitstringStatusList().encode()
    cred = statuslist.build_status_list_credential(
        "https://lms.example.edu/status/1", {"id": "did:web:lms.example.edu"}, encoded, "2025-01-01T00:00:00Z"
    )
    assert cred["@context"] == [jsonld.VC_V2]
    assert cred["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert cred["issuer"] == "did:web:lms.example.edu"
    assert cred["credentialSubject"] == {
        "id": "https://lms.example.edu/status/1#list",
        "type": "BitstringStatusList",
        "statusPurpose": "revocation",
        "encodedList": encoded,
    }
    jsonld.check_signable(cred)
    with pytest.raises(EngineError):
        statuslist.build_status_list_credential("https://x.example/s", "did:web:x", "ubad", "2025-01-01T00:00:00Z")
