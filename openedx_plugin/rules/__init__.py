"""
Earning rules: a small condition language over course outcomes and other badges.

A rule is a tree: ``{"all": [...]}``, ``{"any": [...]}``, ``{"at_least": N, "of": [...]}``,
or a leaf with a ``kind``. Leaves read authoritative data through ``compat`` (never
an event payload), so re-evaluating a rule at any time gives the same answer.

Each leaf kind is one class in ``kinds.py`` registered in ``base.KINDS`` (see
``base.RuleKind``): it validates, evaluates, names its interest, describes itself in words
and describes its editor form. The built-in kinds (``course`` is a course key, ``block`` a
usage key, fractions are 0..1):

- ``course_passed``: ``course``, optional ``min_percent``
- ``course_completion``: ``course``, ``min_percent``
- ``certificate``: ``course``, optional ``modes`` (default: any mode)
- ``score``: ``course``, ``block`` (problem, unit, subsection or section), and
  ``min_fraction`` or ``min_points``. One definition at every level: the weighted
  points of every problem at or below the block, graded or not (the platform's
  ``all_total``), so a practice subsection scores as a graded one does
  (``SCORE_DEFINITION`` says it in the author's words)
- ``units_completed``: ``course``, ``blocks``
- ``badges``: ``badges`` (badge class UUIDs), optional ``at_least`` (default: all); a pathway's
  milestone also has an optional ``milestone`` (its title) and ``optional`` (badge UUIDs shown
  as optional steps, never counted); a pathway is one such leaf or an ``all`` of them, its
  milestones in order (``openedx_plugin.pathways.structure``)
- ``skill_mastery``: ``course``, ``taxonomy`` (a content-tagging taxonomy's export id), ``tag``
  (the tag's value) and ``min_fraction``: at least that share of the points on every scored
  block of the course tagged with the tag (issue 13)
"""

from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import compat
from .base import KINDS, Outcome, Progress, RuleError, RuleKind, register  # noqa: F401  (the public names)

MAX_DEPTH = 8
MAX_LEAVES = 100


def validate(condition, _depth=0, _count=None):
    """Raise ``RuleError`` unless ``condition`` is a well-formed rule tree."""
    count = _count if _count is not None else [0]
    if _depth > MAX_DEPTH:
        raise RuleError(_("The rule is nested too deeply."))
    if not isinstance(condition, dict):
        raise RuleError(_("A condition must be an object."))
    groups = [key for key in ("all", "any", "of") if key in condition]
    if groups:
        children = condition[groups[0]]
        if "kind" in condition or len(groups) != 1 or not isinstance(children, list) or not children:
            raise RuleError(_("A group needs exactly one non-empty list: all, any, or at_least with of."))
        if groups[0] == "of":
            at_least = condition.get("at_least")
            if isinstance(at_least, bool) or not isinstance(at_least, int) or not 1 <= at_least <= len(children):
                raise RuleError(_("'at_least' must be a whole number from 1 to the number of conditions."))
        for child in children:
            validate(child, _depth + 1, count)
        return
    kind = KINDS.get(condition.get("kind"))
    if kind is None:
        raise RuleError(_("Unknown condition kind: {kind}.").format(kind=condition.get("kind")))
    count[0] += 1
    if count[0] > MAX_LEAVES:
        raise RuleError(ngettext("A rule may have at most {n} condition.", "A rule may have at most {n} conditions.",
                                 MAX_LEAVES).format(n=MAX_LEAVES))
    kind.validate(condition)


def leaves(condition):
    """The leaf conditions of a rule tree, in order: what the index, results and editors look at."""
    if "kind" in condition:
        yield condition
        return
    for key in ("all", "any", "of"):
        for child in condition.get(key, ()):
            yield from leaves(child)


def referenced_courses(condition):
    """Courses a rule reads: their block names are fetched once for progress and evidence."""
    return sorted({leaf["course"] for leaf in leaves(condition) if "course" in leaf})


def referenced_badges(condition):
    """Badge ids a pathway rule needs: a newly held badge re-evaluates the rules that name it."""
    return sorted({uuid for leaf in leaves(condition) for uuid in KINDS[leaf["kind"]].badges_named(leaf)})


def cycle_through(badge_uuid, condition, requires):
    """
    A chain of badges that leads from ``condition`` back to ``badge_uuid`` (the pathway would
    require itself through other pathways), or None. ``requires`` maps a badge UUID to the
    badge UUIDs its own rule counts (every other pathway of the site; the saved rule of
    ``badge_uuid`` itself is left out of it by the caller or ignored here).
    """
    target = str(badge_uuid)
    start = [str(uuid) for uuid in referenced_badges(condition)]
    parents, queue = {uuid: None for uuid in start}, list(start)
    while queue:
        current = queue.pop(0)
        if current == target:
            chain = []
            while current is not None:
                chain.append(current)
                current = parents[current]
            return [target] + chain[::-1]
        for following in map(str, requires.get(current, ())):
            if following not in parents:
                parents[following] = current
                queue.append(following)
    return None


def interests(condition):
    """Signal families that can change the rule's outcome: the rule index ignores every other event."""
    return {KINDS[leaf["kind"]].interest for leaf in leaves(condition)}


def courses_naming_blocks(condition):
    """Courses whose block names the rule's progress text shows (fetched once per evaluation)."""
    return {leaf["course"] for leaf in leaves(condition) if KINDS[leaf["kind"]].names_blocks}


def reads_certificate(condition, course_key):
    """Whether the rule reads the learner's certificate of ``course_key`` (a revoked one may undo it)."""
    return any(KINDS[leaf["kind"]].interest == "certificate" and leaf.get("course") == course_key
               for leaf in leaves(condition))


def gives_results(condition):
    """Whether a met rule adds score results, which the credential's achievement then describes."""
    return any(KINDS[leaf["kind"]].gives_results for leaf in leaves(condition))


class Context:
    """
    Platform reads for one learner, memoised for one evaluation.

    ``held_badges``: the UUIDs of the badges the learner holds (a set, or a function asked
    once, when a rule has a badge leaf); the caller supplies them, so the rule language
    stays below the models and reads nothing of the database itself.
    """

    def __init__(self, user, held_badges=None, block_names=None, scores=None, runs=None):
        self.user = user
        self._memo = {}
        self._held = held_badges
        self.block_names = block_names or {}
        # {master course: the run the learner takes}, known from the triggering event (a CCX's
        # key, or the master's own): the other courses' runs are asked once (compat.ccx_runs).
        self._runs = dict(runs or {})
        for (course, block), (earned, possible) in (scores or {}).items():
            self.know_score(course, block, earned, possible)

    def know_score(self, course, block, earned, possible):
        """
        A problem's points the platform has just told us (its score signal carries the stored
        score): a score leaf on that problem then reads nothing of the platform.
        """
        self._memo[("score", course, block)] = compat.Score(float(earned), float(possible))

    def read(self, key, fetch):
        """
        ``fetch()``'s answer, asked once per evaluation for ``key``: a kind that reads something
        of its own (not a grade, score, completion or certificate) goes through here too.
        """
        if key not in self._memo:
            self._memo[key] = fetch()
        return self._memo[key]

    _get = read

    def run(self, course):
        """
        The course run the learner's grades and completions of ``course`` are kept under: their
        CCX of it, or ``course`` itself (``compat.learner_course_run``). Rules name master
        courses; a CCX learner's data is the platform's under the CCX key. Known from the event
        for its own course; for any other, the learner's CCX enrollments are asked once (one
        query per evaluation at most).
        """
        if course in self._runs:
            return self._runs[course]
        if "ccx runs" not in self._memo:
            self._memo["ccx runs"] = compat.ccx_runs(self.user)
        return self._memo["ccx runs"].get(course, course)

    def course_grade(self, course):
        """The learner's course grade (``compat.course_grade``), read once per evaluation."""
        return self._get(("grade", course), lambda: compat.course_grade(self.user, self.run(course)))

    def block_score(self, course, block):
        """The learner's points at or below a block (``compat.block_score``), read once per evaluation."""
        return self._get(("score", course, block), lambda: compat.block_score(self.user, self.run(course), block))

    def completion(self, course):
        """The learner's share of the course completed (``compat.course_completion``), read once."""
        return self._get(("completion", course), lambda: compat.course_completion(self.user, self.run(course)))

    def completed(self, course, blocks):
        """Which of ``blocks`` the learner completed (``compat.completed_blocks``), read once."""
        return self._get(("completed", course, tuple(blocks)),
                         lambda: compat.completed_blocks(self.user, self.run(course), list(blocks)))

    def certificate(self, course):
        """The learner's certificate of the course (``compat.certificate``), read once."""
        return self._get(("certificate", course), lambda: compat.certificate(self.user, course))

    def held_badges(self):
        """The UUIDs of the badges the learner holds, asked of the caller only when a badge leaf needs them."""
        if callable(self._held):  # asked once, and only when a rule has a badge leaf
            self._held = set(self._held())
        return self._held or set()


def evaluate(condition, ctx):
    """Evaluate a rule tree for ``ctx.user``; every leaf is evaluated so progress is complete."""
    if "kind" in condition:
        return KINDS[condition["kind"]].evaluate(condition, ctx)
    key = next(k for k in ("all", "any", "of") if k in condition)
    parts = [evaluate(child, ctx) for child in condition[key]]
    met_count = sum(1 for part in parts if part.met)
    if key == "all":
        met = met_count == len(parts)
    elif key == "any":
        met = met_count >= 1
    else:
        met = met_count >= condition["at_least"]
    outcome = Outcome(met)
    for part in parts:
        outcome.progress.extend(part.progress)
        if part.met:
            outcome.evidence.extend(part.evidence)
            outcome.results.extend(part.results)
    return outcome


# The built-in kinds register themselves on import; a kind added elsewhere calls ``register``.
from . import kinds  # noqa: E402  pylint: disable=wrong-import-position

CERTIFICATE_MODES = kinds.CERTIFICATE_MODES


class _Interests(Mapping):
    """Kind name -> the family of platform events that can change it, read live from ``KINDS``."""

    def __getitem__(self, name):
        return KINDS[name].interest

    def __iter__(self):
        return iter(KINDS)

    def __len__(self):
        return len(KINDS)


# The table callers knew before kinds were classes; a kind registered later appears in it too.
INTEREST = _Interests()
# What a score condition counts (compat.block_score), in the words the editor shows beside it.
SCORE_DEFINITION = gettext_lazy(kinds.SCORE_DEFINITION)  # noqa: INT001  (the message is marked in kinds.py)
