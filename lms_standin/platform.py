"""
The stand-in platform: what ``openedx_plugin.compat`` reads outside the LMS.

Named by ``OPENEDX_BADGES_PLATFORM_STANDIN``; implements the data contract of
compat's module docstring (row by row in docs/platform-contract.md, each held by a
test in tests/standin/test_contract.py) on the stand-in courseware, and exposes the
platform signals under the names compat looks up, so receivers wired by string path
connect to what ``lms_standin.courseware`` sends. Completion is the platform's own
``completion`` app (edx-completion), not an imitation.

Each data call loads the course's blocks in one query and the learner's rows in
one more, then works in memory: a few queries per call, never one per block.
"""

import functools
import math
import threading
import time
from collections import Counter, defaultdict

from completion.models import BlockCompletion
from django.db.models import Exists, OuterRef, Q
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey
from openedx_tagging import api as tagging_api
from xblock.completable import XBlockCompletionMode

from openedx_plugin import compat
from openedx_plugin.compat import Certificate, CourseGrade, Score

from .models import Course, CourseAccessRole, CourseBlock, Enrollment, GeneratedCertificate, ProblemScore, TaxonomyOrg

__all__ = [
    "BlockCompletion", "COURSE_GRADE_NOW_FAILED", "COURSE_GRADE_NOW_PASSED", "COURSE_GRADE_PASSED_FIRST_TIME",
    "PROBLEM_WEIGHTED_SCORE_CHANGED", "SUBSECTION_SCORE_CHANGED", "USER_RETIRE_LMS_MISC",
    "certificate", "completed_blocks", "course_blocks", "course_completion", "course_grade", "block_score",
    "is_course_staff", "is_enrolled", "ccx_run_keys",
]



def _signal(name):
    """
    One Signal per name, kept in compat's fallback registry: whichever stand-in
    is configured (tests swap in their own without signals), compat resolves
    the same object, so receivers connected at start-up still hear it.
    """
    return compat.standin_signal(name)


# The platform's internal Django signals, as in lms.djangoapps.grades.signals.signals
# and openedx.core.djangoapps.{signals,user_api.accounts}.signals.
PROBLEM_WEIGHTED_SCORE_CHANGED = _signal("PROBLEM_WEIGHTED_SCORE_CHANGED")
SUBSECTION_SCORE_CHANGED = _signal("SUBSECTION_SCORE_CHANGED")
COURSE_GRADE_PASSED_FIRST_TIME = _signal("COURSE_GRADE_PASSED_FIRST_TIME")
COURSE_GRADE_NOW_PASSED = _signal("COURSE_GRADE_NOW_PASSED")
COURSE_GRADE_NOW_FAILED = _signal("COURSE_GRADE_NOW_FAILED")
USER_RETIRE_LMS_MISC = _signal("USER_RETIRE_LMS_MISC")



class CourseGradeFactory:
    """The sender of COURSE_GRADE_NOW_PASSED / _FAILED, as grades/course_grade_factory.py sends them."""


_BLOCK_FIELDS = ("id", "usage_key", "block_type", "display_name", "parent_id", "position",
                 "graded", "weight", "max_points")


class CourseTree:
    """A course's blocks in memory (one query), with the graded flag inherited from sequentials as in the LMS."""

    def __init__(self, course):
        self.course = course
        rows = list(CourseBlock.objects.filter(course=course).order_by("position", "id").values(*_BLOCK_FIELDS))
        self.by_key = {row["usage_key"]: row for row in rows}
        self.by_id = {row["id"]: row for row in rows}
        self.children = defaultdict(list)
        for row in rows:
            self.children[row["parent_id"]].append(row)
        self.graded_ids = set()
        for row in rows:
            if row["block_type"] == "sequential" and row["graded"]:
                self.graded_ids.update(r["id"] for r in self.subtree(row))

    def ancestor(self, row, block_type):
        """The nearest enclosing block of ``block_type`` (e.g. a problem's sequential), or None."""
        current = self.by_id.get(row["parent_id"])
        while current is not None and current["block_type"] != block_type:
            current = self.by_id.get(current["parent_id"])
        return current

    def roots(self):
        return self.children[None]

    def subtree(self, row):
        """``row`` and its descendants, depth first in course order."""
        stack = [row]
        while stack:
            current = stack.pop()
            yield current
            stack.extend(reversed(self.children[current["id"]]))

    def walk(self):
        for root in self.roots():
            yield from self.subtree(root)

    def of_type(self, *block_types):
        return [row for row in self.walk() if row["block_type"] in block_types]

    def graded_sequentials(self):
        return [row for row in self.of_type("sequential") if row["graded"]]


def get_course(course_key):
    return Course.objects.filter(course_key=str(course_key)).first()


def course_run(course_key):
    """
    ``(Course, ccx_key)`` of a course key: a CCX's key (``ccx-v1:…``) names its master course's
    content and the CCX's own run (rows P17-P19); any other key its course and ``""``. ``(None,
    "")`` when there is no such course.
    """
    key = str(course_key or "")
    master = compat.master_course_key(key)
    return get_course(master), (key if master != key else "")


def run_block_key(ccx_key, usage_key):
    """
    The master course's key of a block named in the run ``ccx_key``, or None when the name is
    not this run's: in a CCX the platform's grade and completions know its blocks only by the
    CCX's ``ccx-block-v1:`` keys (the master's ``block-v1:`` key is not in them), and outside
    one only by the master's keys.
    """
    key = str(usage_key)
    if not ccx_key:
        return None if key.startswith("ccx-block-v1:") else key
    master = compat.master_usage_key(key)
    return master if master != key and compat.ccx_usage_key(ccx_key, master) == key else None


def learner_scores(user, course, ccx_key=""):
    """{block id: (earned, possible)} of the learner's answered problems in that run, in one query."""
    return {block_id: (earned, possible) for block_id, earned, possible in ProblemScore.objects.filter(
        user=user, block__course=course, ccx_key=ccx_key).values_list("block_id", "earned", "possible")}


def problem_score(row, scores):
    """An unanswered problem counts 0 of its points, as the LMS's grade does."""
    earned, possible = scores.get(row["id"], (0.0, row["max_points"]))
    return Score(float(earned), float(possible))


def total(tree, row, scores, graded_only=True):
    """Sum over the (graded) problems at or below ``row``, or None when there are no problems there."""
    problems = [r for r in tree.subtree(row) if r["block_type"] == "problem"]
    if not problems:
        return None
    counted = [problem_score(r, scores) for r in problems if not graded_only or r["id"] in tree.graded_ids]
    return Score(sum(s.earned for s in counted), sum(s.possible for s in counted))


def compute_grade(tree, scores):
    """
    Weighted mean over the graded sequentials of earned/possible, rounded to
    two places half-up as the LMS rounds its percent; passed = percent >= the
    course's passing grade. A graded sequential with no points is left out.
    """
    weighted, weights = 0.0, 0.0
    for sequential in tree.graded_sequentials():
        score = total(tree, sequential, scores)
        if score is None or score.possible <= 0:
            continue
        weighted += sequential["weight"] * score.earned / score.possible
        weights += sequential["weight"]
    percent = math.floor((weighted / weights if weights else 0.0) * 100 + 0.5) / 100
    return CourseGrade(percent, percent >= tree.course.passing_grade)


# --- read counters ---------------------------------------------------------------------------
# Every data read compat makes of this stand-in is counted, with the time it took, by kind
# (grade, score, completion, completed, certificate, blocks): tests hold the plugin to at most
# one read of each kind a rule needs per evaluation, and bench/events.py reports the reads'
# time apart, because the real platform's reads cost differently from these.

_reads_lock = threading.Lock()
READS = Counter()
READ_SECONDS = Counter()


def reset_reads():
    """Zero the counters (a test or a benchmark, before what it measures)."""
    with _reads_lock:
        READS.clear()
        READ_SECONDS.clear()


def reads():
    """A copy of the counts by kind, e.g. ``{"grade": 1}``."""
    with _reads_lock:
        return {kind: count for kind, count in READS.items() if count}


def _counted(kind):
    def wrap(read):
        @functools.wraps(read)
        def counted(*args, **kwargs):
            started = time.perf_counter()
            try:
                return read(*args, **kwargs)
            finally:
                with _reads_lock:
                    READS[kind] += 1
                    READ_SECONDS[kind] += time.perf_counter() - started
        return counted
    return wrap


# --- compat's contract -------------------------------------------------------------------------


@_counted("grade")
def course_grade(user, course_key):
    """The grade kept under ``course_key``: a CCX learner's under their CCX's key only (row P18)."""
    course, ccx_key = course_run(course_key)
    if course is None:
        return None
    return compute_grade(CourseTree(course), learner_scores(user, course, ccx_key))


@_counted("score")
def block_score(user, course_key, usage_key):
    course, ccx_key = course_run(course_key)
    if course is None:
        return None
    tree = CourseTree(course)
    row = tree.by_key.get(run_block_key(ccx_key, usage_key))
    if row is None:
        return None
    scores = learner_scores(user, course, ccx_key)
    if row["block_type"] == "problem":
        return problem_score(row, scores)
    # Every problem below, graded or not: the platform's all_total (compat's one definition).
    return total(tree, row, scores, graded_only=False)


@_counted("scores")
def block_scores(user, course_key, usage_keys):
    """``block_score`` of many blocks with one read of the course and of the learner's scores."""
    course, ccx_key = course_run(course_key)
    if course is None:
        return {str(key): None for key in usage_keys}
    tree, scores, found = CourseTree(course), learner_scores(user, course, ccx_key), {}
    for key in usage_keys:
        row = tree.by_key.get(run_block_key(ccx_key, key))
        if row is None:
            found[str(key)] = None
        elif row["block_type"] == "problem":
            found[str(key)] = problem_score(row, scores)
        else:
            found[str(key)] = total(tree, row, scores, graded_only=False)
    return found


def completion_mode(block_type):
    """The stand-in's own content types (problem, html) are COMPLETABLE, as in the LMS; XBlocks say theirs."""
    if block_type in CourseBlock.LEAF_TYPES:
        return XBlockCompletionMode.COMPLETABLE
    return compat.completion_mode(block_type)


@_counted("completion")
def course_completion(user, course_key):
    """
    Fraction of the course's completable leaves completed, as the platform's
    BlockCompletionTransformer counts: a leaf whose XBlockCompletionMode is EXCLUDED
    (the badge block) or AGGREGATOR is left out. (The stand-in has no visibility rules:
    every block is visible to every learner.)
    """
    # A CCX's blocks are its master course's, named by the CCX's keys (its completions are).
    ccx_key = str(course_key) if compat.master_course_key(course_key) != str(course_key) else ""
    rows = list(CourseBlock.objects.filter(course__course_key=compat.master_course_key(course_key))
                .values_list("id", "parent_id", "usage_key", "block_type"))
    parents = {parent_id for _id, parent_id, _key, _type in rows}
    leaves = [compat.ccx_usage_key(ccx_key, key) for row_id, _parent, key, block_type in rows
              if row_id not in parents and completion_mode(block_type) == XBlockCompletionMode.COMPLETABLE]
    if not leaves:
        return 0.0
    return len(_completed_blocks(user, course_key, leaves)) / len(leaves)


@_counted("completed")
def completed_blocks(user, course_key, usage_keys):
    return _completed_blocks(user, course_key, usage_keys)


def _completed_blocks(user, course_key, usage_keys):
    keys = {str(key) for key in usage_keys}
    if not keys:
        return set()
    try:
        context = CourseKey.from_string(str(course_key))
    except InvalidKeyError:
        return set()
    done = {str(key) for key in BlockCompletion.objects.filter(user=user, context_key=context, completion__gte=1.0)
            .values_list("block_key", flat=True)}
    return keys & done


@_counted("certificate")
def certificate(user, course_key):
    found = GeneratedCertificate.objects.filter(user=user, course__course_key=str(course_key)).first()
    return Certificate(found.mode, found.status) if found else None


def is_course_staff(user, course_key):
    """
    The courseware's ``has_access(user, "staff", course_key)``: global staff, or the
    staff or instructor role in this course, or in its organization (Org* roles).
    """
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    try:
        org = CourseKey.from_string(str(course_key)).org
    except InvalidKeyError:
        return False
    roles = CourseAccessRole.objects.filter(user=user, role__in=(CourseAccessRole.STAFF, CourseAccessRole.INSTRUCTOR))
    return (roles.filter(course_id=str(course_key)).exists()
            or roles.filter(course_id="", org__iexact=org).exists())


def course_names(course_keys):
    """``CourseOverview.objects.filter(id__in=…).values_list("id", "display_name")``: one query."""
    return {key: name for key, name in Course.objects.filter(course_key__in=list(course_keys))
            .values_list("course_key", "display_name") if name}


def is_enrolled(user, course_key):
    """
    ``CourseEnrollment.is_enrolled``: an active enrollment under this very key (a CCX's
    learners are enrolled under the CCX's key, not the master's: row P17).
    """
    course, ccx_key = course_run(course_key)
    return Enrollment.objects.filter(user=user, course=course, ccx_key=ccx_key, is_active=True).exists()


def ccx_run_keys(user):
    """The learner's active CCX enrollments' keys (``CourseEnrollment`` rows under ``ccx-v1:`` keys): one query."""
    return set(Enrollment.objects.filter(user=user, is_active=True).exclude(ccx_key="")
               .values_list("ccx_key", flat=True))


def course_root_key(course_key):
    """The course block's usage key, as the modulestore names it."""
    try:
        return str(CourseKey.from_string(str(course_key)).make_usage_key("course", "course"))
    except InvalidKeyError:
        return f"{course_key}+type@course+block@course"


@_counted("blocks")
def course_blocks(course_key):
    course = get_course(course_key)
    if course is None:
        return None
    tree = CourseTree(course)
    root = course_root_key(course.course_key)
    blocks = [{"usage_key": root, "block_type": "course", "display_name": course.display_name,
               "graded": False, "parent": None}]
    blocks.extend({"usage_key": row["usage_key"], "block_type": row["block_type"],
                   "display_name": row["display_name"], "graded": row["id"] in tree.graded_ids,
                   "parent": tree.by_id[row["parent_id"]]["usage_key"] if row["parent_id"] else root}
                  for row in tree.walk())
    return blocks


# --- content tagging: the organizations a taxonomy serves (the platform's content_tagging) ------


def taxonomies_for_org(org):
    """
    ``content_tagging.api.get_taxonomies_for_org(enabled=True, org_short_name=org)``: the enabled
    taxonomies (openedx_tagging's ``get_taxonomies``, by name) with an owner row for this org or
    for every org (``TaxonomyOrg.get_relationships``), as a queryset of the real Taxonomy model.
    """
    owners = TaxonomyOrg.objects.filter(taxonomy=OuterRef("pk"), rel_type=TaxonomyOrg.OWNER).filter(
        Q(org="") | Q(org__iexact=org))
    return tagging_api.get_taxonomies(enabled=True).filter(Exists(owners))


def set_taxonomy_orgs(taxonomy, all_orgs=False, orgs=None):
    """``content_tagging.api.set_taxonomy_orgs``: replace the taxonomy's owner rows (``all_orgs``: one row, no org)."""
    TaxonomyOrg.objects.filter(taxonomy=taxonomy, rel_type=TaxonomyOrg.OWNER).delete()
    names = [""] if all_orgs else list(orgs or [])
    TaxonomyOrg.objects.bulk_create([TaxonomyOrg(taxonomy=taxonomy, org=name) for name in names])
