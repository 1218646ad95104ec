"""
Which courses have badge rules, and what they care about, held in process memory.

Receivers run on the LMS's hot path (every grade change), so the common answer,
"nothing here cares", must cost no database query. Each process keeps the index
and re-reads it only when the version token in the shared cache changes (rule
saved or deleted anywhere) or the token is missing.
"""

import threading
import time
import uuid
from collections import defaultdict

from django.core.cache import cache

from .. import rules
from ..models import BadgeRule

VERSION_KEY = "openedx_badges:rule_index:version"
# How long a process trusts its index before asking the shared cache again: with a
# networked cache (Redis, memcached) that round trip would cost more than the receiver.
RECHECK_SECONDS = 1.0
_lock = threading.Lock()
_state = {"version": None, "courses": {}, "by_badge": {}, "checked": 0.0}


def invalidate():
    """Make every process rebuild its index: this one now, the others within RECHECK_SECONDS."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    _state["checked"] = 0.0


def _current():
    now = time.monotonic()
    if _state["version"] is not None and now - _state["checked"] < RECHECK_SECONDS:
        return _state
    version = cache.get(VERSION_KEY)
    if version is not None and version == _state["version"]:
        _state["checked"] = now
        return _state
    with _lock:
        if version is None:
            version = uuid.uuid4().hex
            cache.add(VERSION_KEY, version, timeout=None)
            version = cache.get(VERSION_KEY) or version
        _load(version)
    return _state


def _load(version):

    courses = defaultdict(lambda: defaultdict(set))
    by_badge = defaultdict(set)
    for rule_id, condition, badge_course in (BadgeRule.objects.filter(enabled=True, badge_class__active=True)
                                             .values_list("id", "condition", "badge_class__course_key")):
        try:
            rules.validate(condition)
        except rules.RuleError:
            continue
        wanted = rules.interests(condition)
        for course in rules.referenced_courses(condition) or ([badge_course] if badge_course else []):
            for interest in wanted:
                courses[course][interest].add(rule_id)
        for badge_uuid in rules.referenced_badges(condition):
            by_badge[badge_uuid].add(rule_id)
    _state.update(version=version, checked=time.monotonic(),
                  courses={course: {k: frozenset(v) for k, v in kinds.items()} for course, kinds in courses.items()},
                  by_badge={k: frozenset(v) for k, v in by_badge.items()})


def cares(course_key, interest):
    """True if some enabled rule reads ``interest`` ("grade", "score", ...) in this course."""
    kinds = _current()["courses"].get(course_key)
    return bool(kinds and interest in kinds)


def rules_for_course(course_key, interests=None):
    """
    Ids of the enabled rules that read anything in this course, or, given ``interests``
    (what changed: "grade", "score", ...), only those that read one of them: a rule that
    does not read what changed cannot have changed its answer, so it is not evaluated.
    """
    kinds = _current()["courses"].get(course_key) or {}
    if interests is not None:
        kinds = {interest: ids for interest, ids in kinds.items() if interest in interests}
    return frozenset().union(*kinds.values()) if kinds else frozenset()


def rules_for_badge(badge_uuid):
    """Ids of the enabled rules (pathways) that count this badge."""
    return _current()["by_badge"].get(str(badge_uuid), frozenset())


def forget():
    """Drop this process's copy (tests, and hosts that roll back rule changes)."""
    _state.update(version=None, checked=0.0)
