"""Builders for Open Badges 3.0.3 credentials (VC Data Model 2.0) as plain dicts.

Optional fields are omitted rather than set to null: JSON-LD drops nulls, so a null
would be displayed but not signed. Inputs are validated here so mistakes surface with the
field's name instead of as a signing failure later.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from .dataintegrity import format_datetime, parse_datetime
from .errors import DataError, EngineError
from .jsonld import OB3_CONTEXT, VC_V2

__all__ = [
    "CREDENTIAL_CONTEXT",
    "ACHIEVEMENT_TYPES",
    "ALIGNMENT_TARGET_TYPES",
    "hashed_email_identity",
    "build_image",
    "build_profile",
    "build_alignment",
    "build_achievement",
    "build_evidence",
    "build_result",
    "build_credential",
]

CREDENTIAL_CONTEXT = [VC_V2, OB3_CONTEXT]

ACHIEVEMENT_TYPES = frozenset(
    """Achievement ApprenticeshipCertificate Assessment Assignment AssociateDegree Award Badge
    BachelorDegree Certificate CertificateOfCompletion Certification CommunityService Competency
    Course CoCurricular Degree Diploma DoctoralDegree Fieldwork GeneralEducationDevelopment
    JourneymanCertificate LearningProgram License Membership ProfessionalDoctorate
    QualityAssuranceCredential MasterCertificate MasterDegree MicroCredential ResearchDoctorate
    SecondarySchoolDiploma""".split()
)
ALIGNMENT_TARGET_TYPES = frozenset(
    "ceasn:Competency ceterms:Credential CFItem CFRubric CFRubricCriterion CFRubricCriterionLevel CTDL".split()
)
_EXT = re.compile(r"^ext:[A-Za-z0-9._-]+$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _require_text(field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DataError(field, "required non-empty text")
    return value


def _optional_text(out: dict, key: str, value: Any, field: str) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise DataError(field, "must be text")
    if value.strip():
        out[key] = value


def _require_iri(field: str, value: Any) -> str:
    if not isinstance(value, str) or not _IRI.match(value):
        raise DataError(field, f"must be an absolute URI, got {value!r}")
    return value


def _datetime(field: str, value: datetime | str) -> str:
    try:
        return format_datetime(value)
    except EngineError as exc:
        raise DataError(field, str(exc)) from exc


def hashed_email_identity(email: str, salt: str) -> dict:
    """An IdentityObject for an email, hashed so the credential does not disclose it.

    The address is normalised (strip, lower-case) so the same learner always hashes the
    same way, whatever the LMS stored.
    """
    if not isinstance(email, str) or not _EMAIL.match(email.strip()):
        raise DataError("email", "not an email address")
    if not isinstance(salt, str) or not salt:
        raise DataError("salt", "a non-empty salt is required (unsalted hashes are guessable)")
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return {
        "type": "IdentityObject",
        "hashed": True,
        "identityHash": "sha256$" + digest,
        "identityType": "emailAddress",
        "salt": salt,
    }


def build_image(image: str | Mapping, field: str = "image", caption: str | None = None) -> dict:
    """``{id, type: 'Image'}`` from a URL or data URI (or validate an existing dict)."""
    if isinstance(image, Mapping):
        out = dict(image)
        _require_iri(f"{field}.id", out.get("id"))
        out["type"] = "Image"
        return out
    out = {"id": _require_iri(field, image), "type": "Image"}
    _optional_text(out, "caption", caption, f"{field}.caption")
    return out


def build_profile(
    profile_id: str,
    name: str,
    url: str,
    *,
    email: str | None = None,
    description: str | None = None,
    image: str | Mapping | None = None,
    phone: str | None = None,
) -> dict:
    """The issuer Profile (embedded in each credential so wallets can show it offline)."""
    out: dict[str, Any] = {
        "id": _require_iri("issuer.id", profile_id),
        "type": ["Profile"],
        "name": _require_text("issuer.name", name),
        "url": _require_iri("issuer.url", url),
    }
    if email is not None:
        if not isinstance(email, str) or not _EMAIL.match(email):
            raise DataError("issuer.email", "not an email address")
        out["email"] = email
    _optional_text(out, "description", description, "issuer.description")
    if image is not None:
        out["image"] = build_image(image, "issuer.image")
    _optional_text(out, "phone", phone, "issuer.phone")
    return out


def build_alignment(
    target_name: str,
    target_url: str,
    *,
    target_code: str | None = None,
    target_framework: str | None = None,
    target_type: str | None = None,
    target_description: str | None = None,
    field: str = "alignment",
) -> dict:
    """An OB 3.0 Alignment: the skill or standard a badge maps to, as verifiers and wallets read it."""
    out: dict[str, Any] = {
        "type": ["Alignment"],
        "targetName": _require_text(f"{field}.targetName", target_name),
        "targetUrl": _require_iri(f"{field}.targetUrl", target_url),
    }
    _optional_text(out, "targetDescription", target_description, f"{field}.targetDescription")
    _optional_text(out, "targetCode", target_code, f"{field}.targetCode")
    _optional_text(out, "targetFramework", target_framework, f"{field}.targetFramework")
    if target_type is not None:
        if not isinstance(target_type, str) or (
            target_type not in ALIGNMENT_TARGET_TYPES and not _EXT.match(target_type)
        ):
            raise DataError(f"{field}.targetType", f"unknown alignment target type {target_type!r}")
        out["targetType"] = target_type
    return out


def _alignment_from(value: Any, field: str) -> dict:
    if not isinstance(value, Mapping):
        raise DataError(field, "must be an object")
    v = dict(value)
    return build_alignment(
        v.get("targetName"),
        v.get("targetUrl"),
        target_code=v.get("targetCode"),
        target_framework=v.get("targetFramework"),
        target_type=v.get("targetType"),
        target_description=v.get("targetDescription"),
        field=field,
    )


def build_achievement(
    achievement_id: str,
    name: str,
    description: str,
    *,
    criteria_id: str | None = None,
    criteria_narrative: str | None = None,
    image: str | Mapping | None = None,
    achievement_type: str | None = None,
    alignment: Iterable[Mapping] = (),
    tag: Iterable[str] = (),
    creator: Mapping | None = None,
    in_language: str | None = None,
    human_code: str | None = None,
    field_of_study: str | None = None,
    specialization: str | None = None,
    version: str | None = None,
    result_description: Iterable[Mapping] = (),
    credits_available: float | None = None,
) -> dict:
    """An OB 3.0 Achievement: what the badge stands for, embedded in every credential of the badge."""
    f = "credentialSubject.achievement"
    out: dict[str, Any] = {
        "id": _require_iri(f"{f}.id", achievement_id),
        "type": ["Achievement"],
        "name": _require_text(f"{f}.name", name),
        "description": _require_text(f"{f}.description", description),
    }
    criteria: dict[str, Any] = {}
    if criteria_id is not None:
        criteria["id"] = _require_iri(f"{f}.criteria.id", criteria_id)
    _optional_text(criteria, "narrative", criteria_narrative, f"{f}.criteria.narrative")
    if not criteria:
        raise DataError(f"{f}.criteria", "criteria needs an id (URL) and/or a narrative")
    out["criteria"] = criteria
    if image is not None:
        out["image"] = build_image(image, f"{f}.image")
    if achievement_type is not None:
        if not isinstance(achievement_type, str) or (
            achievement_type not in ACHIEVEMENT_TYPES and not _EXT.match(achievement_type)
        ):
            raise DataError(f"{f}.achievementType", f"unknown type {achievement_type!r} (use ext:Name to extend)")
        out["achievementType"] = achievement_type
    alignments = [_alignment_from(a, f"{f}.alignment[{i}]") for i, a in enumerate(alignment)]
    if alignments:
        out["alignment"] = alignments
    tags = list(tag)
    for i, t in enumerate(tags):
        _require_text(f"{f}.tag[{i}]", t)
    if tags:
        out["tag"] = tags
    if creator is not None:
        if not isinstance(creator, Mapping) or "id" not in creator:
            raise DataError(f"{f}.creator", "must be a Profile (see build_profile)")
        out["creator"] = dict(creator)
    if in_language is not None:
        if not isinstance(in_language, str) or not re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", in_language):
            raise DataError(f"{f}.inLanguage", f"not a BCP 47 language tag: {in_language!r}")
        out["inLanguage"] = in_language
    _optional_text(out, "humanCode", human_code, f"{f}.humanCode")
    _optional_text(out, "fieldOfStudy", field_of_study, f"{f}.fieldOfStudy")
    _optional_text(out, "specialization", specialization, f"{f}.specialization")
    _optional_text(out, "version", version, f"{f}.version")
    descriptions = []
    for i, rd in enumerate(result_description):
        if not isinstance(rd, Mapping) or not {"id", "name", "resultType"} <= set(rd):
            raise DataError(f"{f}.resultDescription[{i}]", "needs id, name and resultType")
        item = dict(rd)
        item.setdefault("type", ["ResultDescription"])
        descriptions.append(item)
    if descriptions:
        out["resultDescription"] = descriptions
    if credits_available is not None:
        number = isinstance(credits_available, (int, float)) and not isinstance(credits_available, bool)
        if not number or credits_available < 0:
            raise DataError(f"{f}.creditsAvailable", "must be a non-negative number")
        out["creditsAvailable"] = credits_available
    return out


def build_evidence(
    *,
    evidence_id: str | None = None,
    name: str | None = None,
    description: str | None = None,
    narrative: str | None = None,
    genre: str | None = None,
    audience: str | None = None,
) -> dict:
    """An OB 3.0 Evidence entry: what the learner did, so a verifier sees why the badge was earned."""
    out: dict[str, Any] = {"type": ["Evidence"]}
    if evidence_id is not None:
        out["id"] = _require_iri("evidence.id", evidence_id)
    _optional_text(out, "name", name, "evidence.name")
    _optional_text(out, "description", description, "evidence.description")
    _optional_text(out, "narrative", narrative, "evidence.narrative")
    _optional_text(out, "genre", genre, "evidence.genre")
    _optional_text(out, "audience", audience, "evidence.audience")
    if len(out) == 1:
        raise DataError("evidence", "evidence needs at least one of id, name, description, narrative")
    return out


def build_result(
    *,
    result_description: str | None = None,
    value: str | None = None,
    achieved_level: str | None = None,
    status: str | None = None,
) -> dict:
    """An OB 3.0 Result: the learner's value against a result description of the achievement."""
    out: dict[str, Any] = {"type": ["Result"]}
    if result_description is not None:
        out["resultDescription"] = _require_iri("result.resultDescription", result_description)
    _optional_text(out, "value", value, "result.value")
    if achieved_level is not None:
        out["achievedLevel"] = _require_iri("result.achievedLevel", achieved_level)
    if status is not None:
        allowed = {"Completed", "Enrolled", "Failed", "InProgress", "OnHold", "Provisional", "Withdrew"}
        if not isinstance(status, str) or status not in allowed:
            raise DataError("result.status", f"must be one of {sorted(allowed)}")
        out["status"] = status
    if len(out) == 1:
        raise DataError("result", "empty result")
    return out


def build_credential(
    credential_id: str,
    issuer_profile: Mapping,
    achievement: Mapping,
    *,
    recipient_identity: Mapping | None = None,
    subject_id: str | None = None,
    valid_from: datetime | str,
    valid_until: datetime | str | None = None,
    awarded_date: datetime | str | None = None,
    name: str,
    description: str | None = None,
    image: str | Mapping | None = None,
    evidence: Iterable[Mapping] = (),
    results: Iterable[Mapping] = (),
    credential_status: Mapping | Iterable[Mapping] | None = None,
) -> dict:
    """An unsigned OpenBadgeCredential; sign it with ``dataintegrity.sign``."""
    if not isinstance(issuer_profile, Mapping) or not isinstance(issuer_profile.get("id"), str):
        raise DataError("issuer", "an issuer Profile with an id is required (see build_profile)")
    if not isinstance(achievement, Mapping) or not isinstance(achievement.get("id"), str):
        raise DataError("credentialSubject.achievement", "an Achievement with an id is required")
    if recipient_identity is None and subject_id is None:
        raise DataError("credentialSubject", "give recipient_identity and/or subject_id")
    subject: dict[str, Any] = {}
    if subject_id is not None:
        subject["id"] = _require_iri("credentialSubject.id", subject_id)
    subject["type"] = ["AchievementSubject"]
    if recipient_identity is not None:
        if not isinstance(recipient_identity, Mapping) or recipient_identity.get("type") != "IdentityObject":
            raise DataError("credentialSubject.identifier", "must be an IdentityObject (see hashed_email_identity)")
        subject["identifier"] = [dict(recipient_identity)]
    subject["achievement"] = dict(achievement)
    result_list = [dict(r) for r in results]
    if result_list:
        subject["result"] = result_list

    out: dict[str, Any] = {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": _require_iri("id", credential_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": dict(issuer_profile),
        "validFrom": _datetime("validFrom", valid_from),
        "name": _require_text("name", name),
    }
    if valid_until is not None:
        out["validUntil"] = _datetime("validUntil", valid_until)
        if parse_datetime(out["validUntil"]) <= parse_datetime(out["validFrom"]):
            raise DataError("validUntil", "must be later than validFrom")
    if awarded_date is not None:
        out["awardedDate"] = _datetime("awardedDate", awarded_date)
    _optional_text(out, "description", description, "description")
    if image is not None:
        out["image"] = build_image(image, "image")
    out["credentialSubject"] = subject
    evidence_list = [dict(e) for e in evidence]
    if evidence_list:
        out["evidence"] = evidence_list
    if credential_status is not None:
        # one entry, or several (a revocation and a suspension entry: VC 2.0 allows a list)
        entries = [credential_status] if isinstance(credential_status, Mapping) else list(credential_status)
        if not entries or not all(isinstance(entry, Mapping) and "type" in entry for entry in entries):
            raise DataError("credentialStatus", "must be a status entry (statuslist.status_entry) or a list of them")
        purposes = [entry.get("statusPurpose") for entry in entries]
        if len(set(purposes)) != len(purposes):
            raise DataError("credentialStatus", "two entries with the same statusPurpose")
        out["credentialStatus"] = dict(entries[0]) if len(entries) == 1 else [dict(entry) for entry in entries]
    return out
