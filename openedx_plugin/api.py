"""
The plugin's Python API for the XBlock, the wallet and other callers in the LMS.

Callers pass plain values (keys, UUID strings, user objects) and get plain data
back; every decision (who may edit, whether a badge is earned) is made here or
below, never taken from the caller's word.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from . import compat, ratelimit, rules
from .awards import awarding
from .course_team import services as course_team
from .credentials import issuing, public_urls
from .engine.images import ImageError
from .models import ACHIEVEMENT_TYPES, Award, BadgeClass, BadgeRule, pathway_problem
from .skills import taxonomies

EDITABLE_FIELDS = ("name", "description", "criteria_narrative", "criteria_url", "achievement_type",
                   "alignments", "tags", "level", "category", "validity_days")
ASSESSABLE_TYPES = ("problem", "vertical", "sequential", "chapter")


def rule_kinds():
    """
    The rule language's leaf kinds by name (``rules.KINDS``): the XBlock's editor draws each
    kind's form and reads it back through them, and its progress view says each in words.
    """
    return rules.KINDS


def certificate_modes():
    """The enrollment modes a certificate condition may name (the modes the LMS certifies)."""
    return rules.CERTIFICATE_MODES


def course_badges(course_key):
    """The active badge classes of a course, for authors choosing one or a prerequisite."""
    return [badge_summary(badge) for badge in
            BadgeClass.objects.filter(course_key=course_key, active=True).select_related("issuer").order_by("name")]


def badge_summary(badge_class):
    """Plain data of a badge for the XBlock, which never sees model objects."""
    rule = BadgeRule.objects.filter(badge_class=badge_class).first()
    return {
        "uuid": str(badge_class.uuid),
        "name": badge_class.name,
        "description": badge_class.description,
        "criteria_narrative": badge_class.criteria_narrative,
        "criteria_url": badge_class.criteria_url,
        "achievement_type": badge_class.achievement_type,
        "alignments": badge_class.alignments,
        "tags": badge_class.tags,
        "level": badge_class.level,
        "category": badge_class.category,
        "validity_days": badge_class.validity_days,
        "image_url": public_urls.badge_image_url(badge_class),
        "issuer": badge_class.issuer.name,
        "rule": rule.condition if rule else None,
        "course_key": badge_class.course_key,
    }


def course_assessments(course_key):
    """The course's blocks an author can put a score or completion condition on."""
    blocks = compat.course_blocks(course_key) or []
    return [block for block in blocks if block["block_type"] in ASSESSABLE_TYPES]


def achievement_types():
    """The Open Badges achievement types the editor offers, with their words: one list for all callers."""
    return list(ACHIEVEMENT_TYPES)


# --- skills from content tagging (issue 13) ---------------------------------------------------


def search_skills(user, course_key, term):
    """
    The tags of the taxonomies the course's organization may use (and ``user`` may view) that
    contain ``term``: the editor's search as the author types. The caller checks ``user`` is on
    the course team; the taxonomies' own view rule is applied here.
    """
    return taxonomies.search(user, course_key, str(term or "").strip())


def skill_alignment(user, course_key, taxonomy_id, value, target_type=""):
    """
    The alignment of a taxonomy's tag for a badge of ``course_key``, built here from the tag
    itself (the editor names taxonomy and tag only); ``ValidationError`` for a tag the course
    cannot use or a target type the OB 3.0 context does not define.
    """
    issuer = issuing.issuer_for_course(course_key)
    if issuer is None:
        raise ValidationError("No issuer is configured: ask the operator to create one.")
    return taxonomies.resolve(user, course_key, taxonomy_id, value, target_type, issuer)


def alignment_target_types():
    """The ``targetType`` values the editor offers (an ``ext:`` name is accepted too)."""
    return list(taxonomies.TARGET_TYPES)


def valid_target_type(value):
    """Whether a free alignment's ``targetType`` is one the 3.0 context defines, or ``ext:…``."""
    return taxonomies.valid_target_type(value)


def badge_levels():
    """The levels an author gives a badge, weakest first (the level taxonomy, or the shipped one)."""
    return taxonomies.levels()


def badge_categories():
    """The categories an author files a badge under (the category taxonomy's top tags; none if unset)."""
    return taxonomies.categories()


def content_skills(course_key, blocks=None):
    """``{usage_key: [skill]}``: the skill tags each block of the course carries, itself or below it."""
    return taxonomies.content_skills(course_key, blocks)


@transaction.atomic
def save_badge(course_key, fields, *, badge_uuid=None, rule=None, image=None, image_type=None, user=None):
    """
    Create or update a course's badge class and its rule; return the summary.

    ``user`` must be course staff (the caller checks the course role, this checks
    the badge belongs to that course). Raises ``ValidationError`` with field
    messages for the author.
    """
    if not isinstance(course_key, str) or not course_key.strip():
        # "" is how operator-level badges are stored: a course's editor must never reach them.
        raise ValidationError({"course": "A badge needs the course it belongs to."})
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "Not an editable field." for name in unknown})
    if badge_uuid:
        badge = BadgeClass.objects.select_for_update().filter(uuid=badge_uuid).first()
        if badge is None:
            raise ValidationError({"badge": "No such badge."})
        if badge.course_key != course_key:
            raise PermissionDenied("This badge belongs to another course.")
    else:
        issuer = issuing.issuer_for_course(course_key)
        if issuer is None:
            raise ValidationError({"issuer": "No issuer is configured: ask the operator to create one."})
        badge = BadgeClass(issuer=issuer, course_key=course_key)
    for name, value in fields.items():
        setattr(badge, name, value)
    if badge.validity_days in ("", 0):
        badge.validity_days = None
    badge.full_clean(exclude=["image_data", "issuer"])
    badge.save()
    if image is not None:

        try:
            issuing.set_image(badge, image, image_type)
        except ImageError as exc:
            raise ValidationError({"image": str(exc)}) from exc
    if rule is not None:
        _save_rule(badge, rule, course_key)
    summary = badge_summary(badge)
    if badge_uuid:
        # issue 18: issued credentials are signed and keep their text; say so, and where to re-issue
        summary["held_by"] = course_team.held_count(badge)
        if summary["held_by"]:
            summary["reissue_url"] = course_team.dashboard_url(course_key, badge, absolute=True) + "#obt-reissue-title"
    return summary


def course_team_dashboard_url(course_key):
    """
    The course team's badge dashboard in the LMS, as an absolute URL: the block's author view
    links there from Studio, which is another host.
    """
    return course_team.dashboard_url(str(course_key), absolute=True)


def _save_rule(badge, condition, course_key):
    try:
        rules.validate(condition)
    except rules.RuleError as exc:
        raise ValidationError({"rule": str(exc)}) from exc
    foreign = [course for course in rules.referenced_courses(condition) if course != course_key]
    if foreign:
        raise ValidationError({"rule": "A block's rule may only read its own course."})
    for uuid in rules.referenced_badges(condition):
        if str(uuid) == str(badge.uuid):
            raise ValidationError({"rule": "A badge cannot require itself."})
        if not BadgeClass.objects.filter(uuid=uuid).exists():
            raise ValidationError({"rule": f"Unknown prerequisite badge {uuid}."})
    problem = pathway_problem(badge.uuid, condition)  # and no cycle through other pathways
    if problem:
        raise ValidationError({"rule": problem})
    BadgeRule.objects.update_or_create(badge_class=badge, defaults={"condition": condition, "enabled": True})


def learner_state(badge_uuid, user):
    """
    What the learner sees in the block: state, progress in words, and links once earned.

    States: none / in_progress / earned / expired / revoked. Progress is computed
    here from the platform's data, never from anything the browser sent.
    """
    badge = BadgeClass.objects.filter(uuid=badge_uuid).select_related("issuer").first()
    if badge is None:
        return None
    info = awarding.progress(badge, user)
    award = info["award"]
    state = info["state"]
    if state == "none" and any(item.current for item in info["items"]):
        state = "in_progress"
    data = {
        "badge": badge_summary(badge),
        "state": state,
        "progress": [{"text": item.text, "met": item.met, "current": item.current, "target": item.target}
                     for item in info["items"]],
    }
    if award is not None and state in ("earned", "expired", "revoked"):
        data["award"] = award_links(award)
    return data


def award_links(award):
    """Where the learner can see, download and share an award: the block links there, it does not build URLs."""
    return {
        "uuid": str(award.uuid),
        "issued_on": award.issued_on.isoformat(),
        "valid_until": award.valid_until.isoformat() if award.valid_until else None,
        "revoked": award.revoked,
        "verify_url": public_urls.verify_page_url(award),
        "credential_url": public_urls.credential_url(award),
        "assertion_url": public_urls.assertion_url(award),
        "png_ob3": public_urls.baked_url(award, "ob3", "png"),
        "svg_ob3": public_urls.baked_url(award, "ob3", "svg"),
        "png_ob2": public_urls.baked_url(award, "ob2", "png"),
        "svg_ob2": public_urls.baked_url(award, "ob2", "svg"),
    }


def check_now(badge_uuid, user):
    """
    Evaluate the badge's rule for this learner now (the block's 'check' button); returns the state.

    Evaluating reads grades and may sign, so it is rate-limited per learner (scope
    ``check_now`` of ``OPENEDX_BADGES_RATE_LIMITS``): over the limit the state is returned
    as it stands, without evaluating, with ``retry_after`` (seconds) for the caller's
    Retry-After. A rule that fails is kept for a retry (``awarding.evaluate_learner``), so
    the learner sees their state, never an error.
    """

    badge = BadgeClass.objects.filter(uuid=badge_uuid).first()
    rule = BadgeRule.objects.filter(badge_class=badge, enabled=True).first() if badge else None
    wait = ratelimit.hit("check_now", f"u{user.id}") if rule is not None else 0
    if rule is not None and not wait:
        awarding.evaluate_learner(user.id, badge.course_key, {"event": "LEARNER_CHECK"}, rule_ids={rule.id})
    state = learner_state(badge_uuid, user)
    if wait and state is not None:
        state["retry_after"] = wait
    return state


def course_badges_elsewhere(user, course_key, badge_uuid):
    """
    What a badge block shows of the learner's other badges in its course: how many they
    hold now (earned in any unit) and the course's badges page, so a badge earned in
    another unit is visible from the unit the learner is in. One query.
    """
    if user is None or not course_key:
        return {"held": 0, "url": ""}
    held = (Award.objects.filter(user=user, badge_class__course_key=str(course_key)).held()
            .exclude(badge_class__uuid=badge_uuid).values("badge_class_id").distinct().count())
    return {"held": held, "url": public_urls.path("course-badges", course_key=str(course_key))}


def user_awards(user):
    """The learner's own awards, newest first: the only list a caller may show them (never another's)."""
    return Award.objects.filter(user=user).select_related("badge_class__issuer").order_by("-issued_on")


# --- the block's runtime questions, answered here so the XBlock imports only this API ---------


def user_by_id(user_id):
    """The Django user the XBlock user service names (None if unknown): the block never queries models."""
    return get_user_model().objects.filter(pk=user_id).first() if user_id is not None else None


def is_masquerading():
    """Staff viewing as a learner: asked of the platform through compat, so the block never imports it."""
    return compat.is_masquerading()


def course_key_of(context):
    """The block's course as a CourseKey (None outside a course or unparsable): one parser for every caller."""
    if isinstance(context, CourseKey):
        return context
    try:
        return CourseKey.from_string(str(context))
    except InvalidKeyError:
        return None


class _RolledBack(Exception):
    pass


def rolled_back(action):
    """
    ``action()``'s result, with everything it wrote rolled back: the editor's preview asks
    the API's save what it would say without storing anything.
    """
    outcome = []
    try:
        with transaction.atomic():
            outcome.append(action())
            raise _RolledBack
    except _RolledBack:
        pass
    return outcome[0]
