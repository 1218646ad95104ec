"""
Tracking-log events for what happens to badges, in the platform's style.

Names follow the platform's own badge events (``edx.badge.assertion.created``,
``edx.badge.assertion.evidence_visited`` of lms/djangoapps/badges, now removed from the
platform but still the names analytics pipelines know) and its certificate events
(``edx.certificate.shared``): ``edx.badge.<object>.<past-tense verb>``. Payloads carry
ids the platform's events carry (``user_id``, ``course_id``, the badge's and award's
ids and names) and nothing more: no email, username or full name; the LMS's processors
add the request context. Every name and field is listed in docs/tracking-events.md.
"""


from .. import compat, conf

AWARDED = "edx.badge.assertion.created"
REVOKED = "edx.badge.assertion.revoked"
SUSPENDED = "edx.badge.assertion.suspended"
REINSTATED = "edx.badge.assertion.reinstated"
VISIBILITY = "edx.badge.assertion.visibility_changed"
SHARED = "edx.badge.assertion.shared"
DOWNLOADED = "edx.badge.assertion.downloaded"
PUSHED = "edx.badge.assertion.pushed"
PUSH_FAILED = "edx.badge.assertion.push_failed"
VIEWED = "edx.badge.assertion.viewed"
WALLET_VIEWED = "edx.badge.wallet.viewed"

SHARE_CHANNELS = ("linkedin", "copy_link", "copy_embed")
EVENT_NAMES = (AWARDED, REVOKED, SUSPENDED, REINSTATED, VISIBILITY, SHARED, DOWNLOADED, PUSHED, PUSH_FAILED,
               VIEWED, WALLET_VIEWED)


def enabled():
    """Whether badge events reach the tracking log (``OPENEDX_BADGES_TRACKING_ENABLED``), read at every event."""
    return conf.get("OPENEDX_BADGES_TRACKING_ENABLED")


def award_fields(award):
    """The award's fields every badge event carries (``course_id`` as the platform names it)."""
    badge = award.badge_class
    return {
        "user_id": award.user_id,
        "course_id": badge.course_key or None,
        "badge_uuid": str(badge.uuid),
        "badge_name": badge.name,
        "assertion_uuid": str(award.uuid),
        "issuer_uuid": str(badge.issuer.uuid) if badge.issuer_id else None,
    }


def emit(name, award=None, **fields):
    """Emit ``name`` with the award's fields and ``fields``; nothing when tracking is off. Every event passes here."""
    if not enabled():
        return
    data = award_fields(award) if award is not None else {}
    data.update(fields)
    compat.tracker_emit(name, data)


def awarded(award):
    """An award issued, with the component that issued it (``issuing_component``) and its sequence number."""
    source = (award.provenance or {}).get("source", "")
    emit(AWARDED, award, issuing_component=source or None, sequence=award.sequence)


def revoked(award):
    """An award revoked; the event carries the award's fields only, not the reason given."""
    emit(REVOKED, award)


def suspended(award):
    """An award suspended (held), sent once the suspension commits."""
    emit(SUSPENDED, award)


def reinstated(award, new_award=None):
    """A held or revoked award restored; ``new_assertion_uuid`` names the replacement when one was issued."""
    emit(REINSTATED, award, new_assertion_uuid=str(new_award.uuid) if new_award is not None else None)


def visibility_changed(award, public, show_name):
    """The learner changed who may see the award (``public``) or whether their name shows (``show_name``)."""
    emit(VISIBILITY, award, public=bool(public), show_name=bool(show_name))


def shared(award, channel):
    """The learner shared the award on ``channel`` (one of ``SHARE_CHANNELS``), as ``social_network``."""
    emit(SHARED, award, social_network=channel)


def downloaded(award, version, fmt, user_id=None):
    """A baked image downloaded, as ``<version>.<fmt>``; ``by_owner`` when ``user_id`` is the award's learner."""
    emit(DOWNLOADED, award, format=f"{version}.{fmt}", by_owner=user_id is not None and user_id == award.user_id)


def push_finished(attempt):
    """One push or revocation at a backpack, finished (sent) or given up (failed)."""
    provider = attempt.provider
    name = PUSHED if attempt.status == attempt.SENT else PUSH_FAILED
    emit(name, attempt.award, destination=provider.kind, provider_id=provider.pk, operation=attempt.operation,
         attempts=attempt.attempts, success=attempt.status == attempt.SENT)


def viewed(award, viewer_id):
    """The award's public page seen; ``by_owner`` when the viewer is its learner (None: an anonymous viewer)."""
    emit(VIEWED, award, by_owner=viewer_id is not None and viewer_id == award.user_id)


def wallet_viewed(user_id, badge_count):
    """The learner opened their wallet, holding ``badge_count`` badges; no award fields."""
    emit(WALLET_VIEWED, user_id=user_id, badge_count=badge_count)
