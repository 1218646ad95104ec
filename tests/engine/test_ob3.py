"""Open Badges 3.0.3 builders: shape, omission of absent fields, validation, signability."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from openedx_plugin.engine import jsonld, ob3, statuslist
from openedx_plugin.engine.errors import DataError

ISSUER = "https://lms.example.edu/badges/issuer"


def _walk(node):
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def full_credential():
    profile = ob3.build_profile(
        ISSUER,
        "Example University",
        "https://example.edu",
        email="badges@example.edu",
        description="A university.",
        image="https://example.edu/logo.png",
    )
    achievement = ob3.build_achievement(
        "https://lms.example.edu/badges/python",
        "Python",
        "Python course.",
        criteria_id="https://lms.example.edu/courses/python/criteria",
        criteria_narrative="Pass **all** units.\nThen the final exam.",
        image="data:image/png;base64,iVBORw0KGgo=",
        achievement_type="Course",
        alignment=[
            ob3.build_alignment(
                "Programming",
                "https://skills.example/prog",
                target_code="P1",
                target_framework="Skills",
                target_type="CFItem",
            )
        ],
        tag=["python", "programming"],
        creator=profile,
        in_language="en-US",
        human_code="PY101",
        field_of_study="Computer Science",
        result_description=[{"id": "https://lms.example.edu/rd/grade", "name": "Grade", "resultType": "LetterGrade"}],
    )
    return ob3.build_credential(
        "urn:uuid:00000000-0000-4000-8000-000000000001",
        profile,
        achievement,
        recipient_identity=ob3.hashed_email_identity("Learner@Example.com", "pepper"),
        subject_id="did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        valid_from=datetime(2025, 1, 2, 3, 4, 5, 678, tzinfo=UTC),
        valid_until=datetime(2030, 1, 1, tzinfo=timezone(timedelta(hours=2))),
        awarded_date="2025-01-02T03:04:05Z",
        name="Python",
        description="Awarded for Python.",
        image="https://lms.example.edu/badges/python.png",
        evidence=[
            ob3.build_evidence(
                evidence_id="https://lms.example.edu/e/1",
                name="Final project",
                narrative="Built a CLI.",
                genre="Project",
                audience="Employers",
            )
        ],
        results=[
            ob3.build_result(result_description="https://lms.example.edu/rd/grade", value="A", status="Completed")
        ],
        credential_status=statuslist.status_entry("https://lms.example.edu/status/1", 42),
    )


def test_full_credential_shape():
    cred = full_credential()
    assert cred["@context"] == [jsonld.VC_V2, jsonld.OB3_CONTEXT]
    assert cred["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert cred["issuer"]["type"] == ["Profile"]
    assert cred["validFrom"] == "2025-01-02T03:04:05Z"
    assert cred["validUntil"] == "2029-12-31T22:00:00Z"
    subject = cred["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["achievement"]["criteria"]["id"].endswith("/criteria")
    assert subject["achievement"]["image"] == {"id": "data:image/png;base64,iVBORw0KGgo=", "type": "Image"}
    assert subject["achievement"]["alignment"][0]["type"] == ["Alignment"]
    assert subject["result"][0] == {
        "type": ["Result"],
        "resultDescription": "https://lms.example.edu/rd/grade",
        "value": "A",
        "status": "Completed",
    }
    assert cred["credentialStatus"]["statusListIndex"] == "42"


def test_full_credential_is_signable():
    jsonld.check_signable(full_credential())


def test_no_nulls_or_empty_values():
    cred = ob3.build_credential(
        "urn:uuid:1",
        ob3.build_profile(ISSUER, "U", "https://u.example"),
        ob3.build_achievement("https://u.example/a", "A", "d", criteria_narrative="n"),
        subject_id="did:example:1",
        valid_from="2025-01-01T00:00:00Z",
        name="A",
        description=None,
    )
    for node in _walk(cred):
        assert node is not None and node not in ([], {})
    assert set(cred) == {"@context", "id", "type", "issuer", "validFrom", "name", "credentialSubject"}
    jsonld.check_signable(cred)


def test_hashed_email_identity():
    identity = ob3.hashed_email_identity("  Alice@Example.COM ", "salt")
    expected = hashlib.sha256(b"alice@example.comsalt").hexdigest()
    assert identity == {
        "type": "IdentityObject",
        "hashed": True,
        "identityHash": f"sha256${expected}",
        "identityType": "emailAddress",
        "salt": "salt",
    }
    assert ob3.hashed_email_identity("alice@example.com", "salt") == identity
    with pytest.raises(DataError):
        ob3.hashed_email_identity("alice@example.com", "")
    with pytest.raises(DataError):
        ob3.hashed_email_identity("not-an-email", "salt")


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: ob3.build_profile("relative", "U", "https://u.example"), "issuer.id"),
        (lambda: ob3.build_profile(ISSUER, " ", "https://u.example"), "issuer.name"),
        (lambda: ob3.build_profile(ISSUER, "U", "https://u.example", email="nope"), "issuer.email"),
        (lambda: ob3.build_achievement("https://a.example", "A", "d"), "credentialSubject.achievement.criteria"),
        (
            lambda: ob3.build_achievement("https://a.example", "", "d", criteria_narrative="n"),
            "credentialSubject.achievement.name",
        ),
        (
            lambda: ob3.build_achievement(
                "https://a.example", "A", "d", criteria_narrative="n", achievement_type="Trophy"
            ),
            "credentialSubject.achievement.achievementType",
        ),
        (
            lambda: ob3.build_achievement(
                "https://a.example", "A", "d", criteria_narrative="n", alignment=[{"targetName": "x"}]
            ),
            "credentialSubject.achievement.alignment[0].targetUrl",
        ),
        (lambda: ob3.build_alignment("x", "https://x.example", target_type="Bogus"), "alignment.targetType"),
        (ob3.build_evidence, "evidence"),
        (lambda: ob3.build_result(status="Passed"), "result.status"),
    ],
)
def test_validation_names_the_field(call, field):
    with pytest.raises(DataError) as info:
        call()
    assert info.value.field == field
    assert field in str(info.value)


def test_extension_achievement_type_is_allowed():
    a = ob3.build_achievement("https://a.example", "A", "d", criteria_narrative="n", achievement_type="ext:Workshop")
    assert a["achievementType"] == "ext:Workshop"


def _minimal(**kw):
    args = dict(valid_from="2025-01-01T00:00:00Z", name="A", subject_id="did:example:1")
    args.update(kw)
    return ob3.build_credential(
        "urn:uuid:1",
        ob3.build_profile(ISSUER, "U", "https://u.example"),
        ob3.build_achievement("https://u.example/a", "A", "d", criteria_narrative="n"),
        **args,
    )


def test_credential_validation():
    with pytest.raises(DataError, match="credentialSubject"):
        _minimal(subject_id=None)
    with pytest.raises(DataError, match="naive"):
        _minimal(valid_from=datetime(2025, 1, 1))
    with pytest.raises(DataError, match="validFrom"):
        _minimal(valid_from="2025-01-01")
    with pytest.raises(DataError, match="validUntil"):
        _minimal(valid_until="2024-01-01T00:00:00Z")
    with pytest.raises(DataError, match="credentialSubject.identifier"):
        _minimal(recipient_identity={"identityHash": "x"})
    with pytest.raises(DataError) as info:
        ob3.build_credential(
            "not a uri",
            {"id": ISSUER},
            {"id": "https://a.example"},
            subject_id="did:example:1",
            valid_from="2025-01-01T00:00:00Z",
            name="x",
        )
    assert info.value.field == "id"
