"""
Issue 17, finding 9: verification checks the rest of the suite did not pin down.

Each test here fails when its check is taken out of ``engine/verify.py`` (the report of
issue 17 lists the deliberate bugs tried): a revoked key in the issuer's DID document,
a status list of another purpose, an expired status list, a list that is not a
BitstringStatusListCredential, and a list served under another id.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from openedx_plugin.engine import dataintegrity, statuslist, verify

NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)


def _verify(world, cred, now=NOW):
    return verify.verify_credential(cred, resolve_did=world.resolve_did, fetch_status_list=world.fetch_status_list,
                                    now=now)


def _errors(result):
    return " ".join(result.errors)


def _sign_list(world, unsigned):
    return dataintegrity.sign(unsigned, world.key, world.vm, created="2025-01-01T00:00:00Z")


def _list(world, purpose="revocation", **extra):
    unsigned = statuslist.build_status_list_credential(
        world.list_url, world.did, world.bits.encode(), "2025-01-01T00:00:00Z", purpose, **extra)
    return unsigned


def test_a_key_marked_revoked_in_the_did_document_is_refused(world):
    cred = world.issue()
    assert _verify(world, cred).ok
    document = copy.deepcopy(world.did_document)
    for method in document["verificationMethod"]:
        if method["id"].endswith("#key-2"):
            method["revoked"] = "2025-03-01T00:00:00Z"
    world.did_document = document
    result = _verify(world, cred)
    assert not result.ok
    assert "revoked" in _errors(result)


def test_a_status_list_of_another_purpose_is_not_trusted(world):
    """A clear bit in a suspension list says nothing about revocation: the check must fail closed."""
    cred = world.issue(index=9)
    world.status_list = _sign_list(world, _list(world, "suspension"))
    result = _verify(world, cred)
    assert not result.ok and result.revoked is None
    assert "purpose" in _errors(result)


def test_an_expired_status_list_is_not_trusted(world):
    cred = world.issue(index=9)
    world.status_list = _sign_list(world, _list(world, valid_until="2025-02-01T00:00:00Z"))
    assert _verify(world, cred, now=datetime(2025, 1, 15, tzinfo=UTC)).ok  # still valid then
    result = _verify(world, cred)
    assert not result.ok and result.revoked is None
    assert "expired" in _errors(result)


def test_a_credential_that_is_not_a_status_list_is_refused(world):
    cred = world.issue(index=9)
    unsigned = _list(world)
    unsigned["type"] = ["VerifiableCredential"]
    world.status_list = _sign_list(world, unsigned)
    result = _verify(world, cred)
    assert not result.ok and result.revoked is None
    assert "BitstringStatusListCredential" in _errors(result)


def test_a_status_list_served_under_another_id_is_refused(world):
    """The issuer's genuine list for other credentials, served at this credential's list URL."""
    cred = world.issue(index=9)
    world.bits.set(9)
    other = statuslist.build_status_list_credential(
        "https://lms.example.edu/status/2", world.did, statuslist.BitstringStatusList().encode(),
        "2025-01-01T00:00:00Z")
    world.status_list = _sign_list(world, other)
    result = _verify(world, cred)
    assert not result.ok and result.revoked is None
    assert "has id" in _errors(result)


def test_revocation_and_suspension_entries_are_read_from_their_own_lists(world):
    """New credentials carry two entries (issue 17): each bit is read from the list of its purpose."""
    suspension_url = "https://lms.example.edu/status/suspension"
    cred = world.issue(credential_status=[statuslist.status_entry(world.list_url, 4),
                                          statuslist.status_entry(suspension_url, 4, "suspension")])
    held = statuslist.BitstringStatusList()
    held.set(4)
    suspension = _sign_list(world, statuslist.build_status_list_credential(
        suspension_url, world.did, held.encode(), "2025-01-01T00:00:00Z", "suspension"))
    lists = {world.list_url: world.status_list, suspension_url: suspension}
    result = verify.verify_credential(cred, resolve_did=world.resolve_did, fetch_status_list=lists.get, now=NOW)
    assert not result.ok and result.suspended and result.revoked is False
