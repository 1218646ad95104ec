"""
Earning rules: a small condition language over course outcomes and other badges.

A rule is a tree: ``{"all": [...]}``, ``{"any": [...]}``, ``{"at_least": N, "of": [...]}``,
or a leaf with a ``kind``. Leaves read authoritative data through ``compat`` (never
an event payload), so re-evaluating a rule at any time gives the same answer.

Leaf kinds (``course`` is a course key, ``block`` a usage key, fractions are 0..1):

- ``course_passed``: ``course``, optional ``min_percent``
- ``course_completion``: ``course``, ``min_percent``
- ``certificate``: ``course``, optional ``modes`` (default: any mode)
- ``score``: ``course``, ``block`` (problem, unit, subsection or section), and
  ``min_fraction`` or ``min_points``. One definition at every level: the weighted
  points of every problem at or below the block, graded or not (the platform's
  ``all_total``), so a practice subsection scores as a graded one does
  (``SCORE_DEFINITION`` says it in the author's words)
- ``units_completed``: ``course``, ``blocks``
- ``badges``: ``badges`` (badge class UUIDs), optional ``at_least`` (default: all)
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import compat

# Which kind of platform event can change each leaf: the receivers' index uses this
# to ignore events nothing cares about.
INTEREST = {
    "course_passed": "grade",
    "course_completion": "completion",
    "certificate": "certificate",
    "score": "score",
    "units_completed": "completion",
    "badges": "badges",
}
# What a score condition counts, in the words shown to authors beside it (compat.block_score).
SCORE_DEFINITION = gettext_lazy(
    "A score adds up the points of every problem in the chosen problem, unit, subsection or section, "
    "graded or not, weighted as the course weights them.")
MAX_DEPTH = 8
MAX_LEAVES = 100


class RuleError(ValueError):
    """A rule that cannot be evaluated; the message says what to fix."""


def _fraction(node, name, required=False):
    value = node.get(name)
    if value is None:
        if required:
            raise RuleError(_("'{name}' is required for '{kind}'.").format(name=name, kind=node["kind"]))
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise RuleError(_("'{name}' must be a number from 0 to 1.").format(name=name))


def _key(node, name):
    value = node.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > 255:
        raise RuleError(_("'{kind}' needs '{name}'.").format(kind=node.get("kind"), name=name))


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
    kind = condition.get("kind")
    if kind not in INTEREST:
        raise RuleError(_("Unknown condition kind: {kind}.").format(kind=kind))
    count[0] += 1
    if count[0] > MAX_LEAVES:
        raise RuleError(_("A rule may have at most {n} conditions.").format(n=MAX_LEAVES))
    if kind == "badges":
        badges = condition.get("badges")
        if not isinstance(badges, list) or not badges or not all(isinstance(b, str) for b in badges):
            raise RuleError(_("'badges' needs a list of badge ids."))
        at_least = condition.get("at_least", len(badges))
        if isinstance(at_least, bool) or not isinstance(at_least, int) or not 1 <= at_least <= len(badges):
            raise RuleError(_("'at_least' must be a whole number from 1 to the number of badges."))
        return
    _key(condition, "course")
    if kind == "course_passed":
        _fraction(condition, "min_percent")
    elif kind == "course_completion":
        _fraction(condition, "min_percent", required=True)
    elif kind == "certificate":
        modes = condition.get("modes")
        if modes is not None and (not isinstance(modes, list) or not all(isinstance(m, str) for m in modes)):
            raise RuleError(_("'modes' must be a list of enrollment modes."))
    elif kind == "score":
        _key(condition, "block")
        if ("min_fraction" in condition) == ("min_points" in condition):
            raise RuleError(_("A score condition needs either 'min_fraction' or 'min_points'."))
        if "min_fraction" in condition:
            _fraction(condition, "min_fraction")
        elif isinstance(condition["min_points"], bool) or not isinstance(condition["min_points"], (int, float)) \
                or condition["min_points"] < 0:
            raise RuleError(_("'min_points' must be a number of points."))
    elif kind == "units_completed":
        blocks = condition.get("blocks")
        if not isinstance(blocks, list) or not blocks or not all(isinstance(b, str) for b in blocks):
            raise RuleError(_("'units_completed' needs a list of unit ids."))


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
    return sorted({uuid for leaf in leaves(condition) if leaf["kind"] == "badges" for uuid in leaf["badges"]})


def interests(condition):
    """Signal families that can change the rule's outcome: the rule index ignores every other event."""
    return {INTEREST[leaf["kind"]] for leaf in leaves(condition)}


@dataclass
class Progress:
    """One leaf's state for the learner, in words and numbers."""

    kind: str
    met: bool
    text: str
    current: float = 0
    target: float = 0


@dataclass
class Outcome:
    met: bool
    progress: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    results: list = field(default_factory=list)


class Context:
    """
    Platform reads for one learner, memoised for one evaluation.

    ``held_badges``: the UUIDs of the badges the learner holds (a set, or a function asked
    once, when a rule has a badge leaf); the caller supplies them, so the rule language
    stays below the models and reads nothing of the database itself.
    """

    def __init__(self, user, held_badges=None, block_names=None):
        self.user = user
        self._memo = {}
        self._held = held_badges
        self.block_names = block_names or {}

    def _get(self, key, fetch):
        if key not in self._memo:
            self._memo[key] = fetch()
        return self._memo[key]

    def course_grade(self, course):
        return self._get(("grade", course), lambda: compat.course_grade(self.user, course))

    def block_score(self, course, block):
        return self._get(("score", course, block), lambda: compat.block_score(self.user, course, block))

    def completion(self, course):
        return self._get(("completion", course), lambda: compat.course_completion(self.user, course))

    def completed(self, course, blocks):
        return self._get(("completed", course, tuple(blocks)),
                         lambda: compat.completed_blocks(self.user, course, list(blocks)))

    def certificate(self, course):
        return self._get(("certificate", course), lambda: compat.certificate(self.user, course))

    def held_badges(self):
        if callable(self._held):  # asked once, and only when a rule has a badge leaf
            self._held = set(self._held())
        return self._held or set()


def _pct(value):
    return f"{round(value * 100)}%"


def _leaf(node, ctx):  # noqa: PLR0915  (one branch per kind reads best side by side)
    kind = node["kind"]
    course = node.get("course")
    if kind == "course_passed":
        grade = ctx.course_grade(course)
        percent = grade.percent if grade else 0.0
        need = node.get("min_percent")
        met = bool(grade and grade.passed and (need is None or percent >= need))
        text = (_("Pass the course with at least {need} (now {now}).").format(need=_pct(need), now=_pct(percent))
                if need is not None else _("Pass the course (now {now}).").format(now=_pct(percent)))
        outcome = Outcome(met, [Progress(kind, met, text, percent, need or 0)])
        if met:
            outcome.results.append({"kind": "percent", "value": percent, "course": course})
            outcome.evidence.append({"name": _("Course passed"),
                                     "narrative": _("Passed with a grade of {now}.").format(now=_pct(percent))})
        return outcome
    if kind == "course_completion":
        done = ctx.completion(course) or 0.0
        met = done >= node["min_percent"]
        text = _("Complete at least {need} of the course (now {now}).").format(
            need=_pct(node["min_percent"]), now=_pct(done))
        outcome = Outcome(met, [Progress(kind, met, text, done, node["min_percent"])])
        if met:
            outcome.evidence.append({"name": _("Course completion"),
                                     "narrative": _("Completed {now} of the course.").format(now=_pct(done))})
        return outcome
    if kind == "certificate":
        cert = ctx.certificate(course)
        modes = node.get("modes")
        met = bool(cert and cert.status == "downloadable" and (not modes or cert.mode in modes))
        text = (_("Earn a certificate ({modes}).").format(modes=", ".join(modes)) if modes
                else _("Earn the course certificate."))
        outcome = Outcome(met, [Progress(kind, met, text, 1 if met else 0, 1)])
        if met:
            outcome.evidence.append({"name": _("Certificate earned"),
                                     "narrative": _("Certificate ({mode}) earned.").format(mode=cert.mode)})
        return outcome
    if kind == "score":
        score = ctx.block_score(course, node["block"])
        earned, possible = (score.earned, score.possible) if score else (0.0, 0.0)
        name = ctx.block_names.get(node["block"]) or node.get("label") or _("the assessment")
        if "min_points" in node:
            need_points = float(node["min_points"])
            met = possible > 0 and earned >= need_points
        else:
            need_points = node["min_fraction"] * possible
            met = possible > 0 and earned >= need_points - 1e-9
        text = _("{earned:g} of {possible:g} points on {name}, {need:g} needed.").format(
            earned=earned, possible=possible, name=name, need=need_points)
        outcome = Outcome(met, [Progress(kind, met, text, earned, need_points)])
        if met:
            outcome.results.append({"kind": "score", "earned": earned, "possible": possible, "block": node["block"],
                                    "name": name})
            outcome.evidence.append({
                "name": name, "id": compat.block_url(course, node["block"]),
                "narrative": _("Scored {earned:g} of {possible:g} points.").format(earned=earned, possible=possible),
            })
        return outcome
    if kind == "units_completed":
        blocks = node["blocks"]
        done = ctx.completed(course, blocks)
        met = all(block in done for block in blocks)
        text = _("{done} of {total} units completed.").format(done=len(done), total=len(blocks))
        outcome = Outcome(met, [Progress(kind, met, text, len(done), len(blocks))])
        if met:
            outcome.evidence.append({"name": _("Units completed"),
                                     "narrative": _("Completed all {total} required units.").format(total=len(blocks))})
        return outcome
    # badges: a pathway
    held = ctx.held_badges()
    have = sum(1 for uuid in node["badges"] if uuid in held)
    need = node.get("at_least", len(node["badges"]))
    met = have >= need
    text = _("{have} of {need} badges earned.").format(have=have, need=need)
    outcome = Outcome(met, [Progress(kind, met, text, have, need)])
    if met:
        outcome.evidence.append({"name": _("Badges earned"),
                                 "narrative": _("Earned {have} of the required badges.").format(have=have)})
    return outcome


def evaluate(condition, ctx):
    """Evaluate a rule tree for ``ctx.user``; every leaf is evaluated so progress is complete."""
    if "kind" in condition:
        return _leaf(condition, ctx)
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
