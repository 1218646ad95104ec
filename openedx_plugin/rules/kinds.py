"""
The built-in leaf kinds of the rule language, one class each (see ``base.RuleKind``).

Leaves read authoritative data through the evaluation context (grades, scores, completion
and certificates through ``compat``; held badges from the caller), never an event payload.
Editor labels are marked with ``gettext_noop``: ``RuleKind.editor`` translates them with
the block's gettext, which falls back to the app's catalogue where they are translated.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from .. import compat
from .base import (
    Outcome,
    Progress,
    RuleError,
    RuleKind,
    blank,
    form_fraction,
    form_number,
    form_percent,
    fraction,
    key,
    pct,
    percent_text,
    register,
    strings,
)


# What a score condition counts, the same at every level (compat.block_score): the editor shows
# it beside the assessment an author chooses; ``rules.SCORE_DEFINITION`` is its lazy translation.
def plural_count(number):
    """
    The number that chooses a message's plural form: ``number`` itself when it is whole; for a
    fraction (1.5 points), 100, whose form is the general ("other") one in English, Spanish and
    Arabic, as CLDR has it for decimals.
    """
    return int(number) if float(number).is_integer() else 100


SCORE_DEFINITION = gettext_noop(
    "A score adds up the points of every problem in the chosen problem, unit, subsection or section, "
    "graded or not, weighted as the course weights them.")
# Enrollment modes the LMS issues certificates for (audit learners get none).
CERTIFICATE_MODES = ("honor", "verified", "professional", "no-id-professional", "masters", "credit")


def _missing(_):
    return _("a block that is no longer in the course")


@register
class CoursePassed(RuleKind):
    """The learner passes the course, optionally with at least a grade."""

    name = "course_passed"
    interest = "grade"
    gives_results = True
    label = gettext_noop("Pass the course")
    fields = ({"name": "min_percent", "type": "number", "min": 0, "max": 100,
               "label": gettext_noop("Minimum grade (%)"),
               "help": gettext_noop("Empty: passing the course is enough.")},)

    def check(self, node):
        fraction(node, "min_percent")

    def evaluate(self, node, ctx):
        grade = ctx.course_grade(node["course"])
        percent = grade.percent if grade else 0.0
        need = node.get("min_percent")
        met = bool(grade and grade.passed and (need is None or percent >= need))
        text = (_("Pass the course with at least {need} (now {now}).").format(need=pct(need), now=pct(percent))
                if need is not None else _("Pass the course (now {now}).").format(now=pct(percent)))
        outcome = Outcome(met, [Progress(self.name, met, text, percent, need or 0, percent=True)])
        if met:
            outcome.results.append({"kind": "percent", "value": percent, "course": node["course"]})
            outcome.evidence.append({"name": _("Course passed"),
                                     "narrative": _("Passed with a grade of {now}.").format(now=pct(percent))})
        return outcome

    def describe(self, node, _, names, badge_names):
        if node.get("min_percent") is not None:
            return _("Pass the course with a grade of at least {percent}%.").format(
                percent=percent_text(node["min_percent"]))
        return _("Pass the course.")

    def from_form(self, condition, key, _, errors, allowed):
        percent = form_percent(errors, f"{key}-min_percent", condition.get("min_percent"), _, required=False)
        return {} if percent is None else {"min_percent": form_fraction(percent)}

    def to_form(self, leaf):
        value = leaf.get("min_percent")
        return {"min_percent": percent_text(value) if value is not None else ""}


@register
class CourseCompletion(RuleKind):
    """The learner completes at least a share of the course."""

    name = "course_completion"
    interest = "completion"
    label = gettext_noop("Complete part of the course")
    fields = ({"name": "min_percent", "type": "number", "min": 0, "max": 100,
               "label": gettext_noop("Minimum completion (%)")},)

    def check(self, node):
        fraction(node, "min_percent", required=True)

    def evaluate(self, node, ctx):
        done = ctx.completion(node["course"]) or 0.0
        met = done >= node["min_percent"]
        text = _("Complete at least {need} of the course (now {now}).").format(
            need=pct(node["min_percent"]), now=pct(done))
        outcome = Outcome(met, [Progress(self.name, met, text, done, node["min_percent"], percent=True)])
        if met:
            outcome.evidence.append({"name": _("Course completion"),
                                     "narrative": _("Completed {now} of the course.").format(now=pct(done))})
        return outcome

    def describe(self, node, _, names, badge_names):
        return _("Complete at least {percent}% of the course.").format(percent=percent_text(node["min_percent"]))

    def from_form(self, condition, key, _, errors, allowed):
        percent = form_percent(errors, f"{key}-min_percent", condition.get("min_percent"), _, required=True)
        return None if percent is None else {"min_percent": form_fraction(percent)}

    def to_form(self, leaf):
        value = leaf.get("min_percent")
        return {"min_percent": percent_text(value) if value is not None else ""}


@register
class Certificate(RuleKind):
    """The learner earns the course certificate, optionally in some modes only."""

    name = "certificate"
    interest = "certificate"
    label = gettext_noop("Earn the course certificate")
    fields = ({"name": "modes", "type": "checkboxes", "options": "modes", "label": gettext_noop("Certificate modes"),
               "help": gettext_noop("None chosen: a certificate in any mode.")},)

    def check(self, node):
        modes = node.get("modes")
        if modes is not None and (not isinstance(modes, list) or not all(isinstance(m, str) for m in modes)):
            raise RuleError(_("'modes' must be a list of enrollment modes."))

    def evaluate(self, node, ctx):
        cert = ctx.certificate(node["course"])
        modes = node.get("modes")
        met = bool(cert and cert.status == "downloadable" and (not modes or cert.mode in modes))
        text = (_("Earn a certificate ({modes}).").format(modes=", ".join(modes)) if modes
                else _("Earn the course certificate."))
        outcome = Outcome(met, [Progress(self.name, met, text, 1 if met else 0, 1)])
        if met:
            outcome.evidence.append({"name": _("Certificate earned"),
                                     "narrative": _("Certificate ({mode}) earned.").format(mode=cert.mode)})
        return outcome

    def describe(self, node, _, names, badge_names):
        if node.get("modes"):
            return _("Earn the course certificate ({modes}).").format(modes=", ".join(node["modes"]))
        return _("Earn the course certificate.")

    def from_form(self, condition, key, _, errors, allowed):
        modes = strings(condition.get("modes"))
        if any(mode not in CERTIFICATE_MODES for mode in modes):
            errors[f"{key}-modes"] = _("Choose modes from the list.")
            return None
        return {"modes": modes} if modes else {}

    def to_form(self, leaf):
        return {"modes": list(leaf.get("modes") or [])}


@register
class Score(RuleKind):
    """
    The learner's points on a problem, unit, subsection or section reach a threshold.

    One definition at every level (``rules.SCORE_DEFINITION``): the weighted points of every
    problem at or below the block, graded or not, as ``compat.block_score`` reads them.
    """

    name = "score"
    interest = "score"
    names_blocks = True
    gives_results = True
    offered_first = True
    label = gettext_noop("Reach a score on an assessment")
    fields = (
        {"name": "block", "type": "select", "options": "assessments", "label": gettext_noop("Assessment"),
         "empty": gettext_noop("Choose an assessment"), "help": SCORE_DEFINITION},
        {"name": "value", "type": "number", "min": 0, "label": gettext_noop("At least"), "row": True},
        {"name": "threshold", "type": "select", "label": gettext_noop("Counted in"),
         "options": [["points", gettext_noop("points")], ["percent", gettext_noop("percent")]]},
    )

    def check(self, node):
        key(node, "block")
        if ("min_fraction" in node) == ("min_points" in node):
            raise RuleError(_("A score condition needs either 'min_fraction' or 'min_points'."))
        if "min_fraction" in node:
            fraction(node, "min_fraction")
        elif isinstance(node["min_points"], bool) or not isinstance(node["min_points"], (int, float)) \
                or node["min_points"] < 0:
            raise RuleError(_("'min_points' must be a number of points."))

    def evaluate(self, node, ctx):
        course = node["course"]
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
        outcome = Outcome(met, [Progress(self.name, met, text, earned, need_points)])
        if met:
            outcome.results.append({"kind": "score", "earned": earned, "possible": possible, "block": node["block"],
                                    "name": name})
            narrative = _("Scored {earned:g} of {possible:g} points.").format(earned=earned, possible=possible)
            skills = [ref.value for ref in _course_tags(ctx, course).get(node["block"], ())]
            if skills:  # the skills this assessment is tagged with (issue 13)
                narrative += " " + _("Skills: {skills}.").format(skills=", ".join(skills))
            outcome.evidence.append({"name": name, "id": compat.block_url(course, node["block"]),
                                     "narrative": narrative})
        return outcome

    def describe(self, node, _, names, badge_names):
        name = names.get(node.get("block")) or _missing(_)
        if "min_points" in node:
            points = node["min_points"]
            return ngettext("Score at least {points} point on {name}.", "Score at least {points} points on {name}.",
                            plural_count(points)).format(points=f"{points:g}", name=name)
        return _("Score at least {percent}% on {name}.").format(percent=percent_text(node["min_fraction"]),
                                                               name=name)

    def from_form(self, condition, key, _, errors, allowed):
        leaf = {}
        block = condition.get("block")
        if not isinstance(block, str) or block not in allowed["blocks"]:
            errors[f"{key}-block"] = _("Choose the assessment from the list.")
        threshold = condition.get("threshold", "points")
        value = form_number(condition.get("value"))
        if threshold == "percent":
            if value is None or not 0 < value <= 100:
                errors[f"{key}-value"] = _("Enter a percentage above 0 and at most 100.")
            else:
                leaf["min_fraction"] = form_fraction(value)
        elif threshold == "points":
            if value is None or value <= 0:
                errors[f"{key}-value"] = _("Enter a number of points above 0.")
            else:
                leaf["min_points"] = value if value != int(value) else int(value)
        else:
            errors[f"{key}-threshold"] = _("Choose points or percent.")
        if f"{key}-block" in errors or f"{key}-value" in errors or f"{key}-threshold" in errors:
            return None
        leaf["block"] = block
        return leaf

    def to_form(self, leaf):
        if "min_points" in leaf:
            return {"block": leaf["block"], "threshold": "points", "value": f"{leaf['min_points']:g}"}
        return {"block": leaf["block"], "threshold": "percent", "value": percent_text(leaf["min_fraction"])}


@register
class UnitsCompleted(RuleKind):
    """The learner completes every one of the chosen units."""

    name = "units_completed"
    interest = "completion"
    label = gettext_noop("Complete chosen units")
    fields = ({"name": "blocks", "type": "checkboxes", "options": "units", "label": gettext_noop("Units to complete")},)

    def check(self, node):
        blocks = node.get("blocks")
        if not isinstance(blocks, list) or not blocks or not all(isinstance(b, str) for b in blocks):
            raise RuleError(_("'units_completed' needs a list of unit ids."))

    def evaluate(self, node, ctx):
        blocks = node["blocks"]
        done = ctx.completed(node["course"], blocks)
        met = all(block in done for block in blocks)
        text = ngettext("{done} of {total} unit completed.", "{done} of {total} units completed.",
                        len(blocks)).format(done=len(done), total=len(blocks))
        outcome = Outcome(met, [Progress(self.name, met, text, len(done), len(blocks))])
        if met:
            outcome.evidence.append({"name": _("Units completed"),
                                     "narrative": ngettext("Completed the {total} required unit.",
                                                           "Completed all {total} required units.",
                                                           len(blocks)).format(total=len(blocks))})
        return outcome

    def describe(self, node, _, names, badge_names):
        units = ", ".join(names.get(block) or _missing(_) for block in node.get("blocks", []))
        return _("Complete these units: {units}.").format(units=units)

    def from_form(self, condition, key, _, errors, allowed):
        chosen = strings(condition.get("blocks"))
        if not chosen:
            errors[f"{key}-blocks"] = _("Choose at least one unit.")
            return None
        if any(block not in allowed["units"] for block in chosen):
            errors[f"{key}-blocks"] = _("Choose units of this course.")
            return None
        return {"blocks": chosen}

    def to_form(self, leaf):
        return {"blocks": list(leaf["blocks"])}


@register
class Badges(RuleKind):
    """A pathway: the learner holds all, or at least N, of other badges."""

    name = "badges"
    interest = "badges"
    label = gettext_noop("Earn other badges of this course")
    in_course = False
    fields = (
        {"name": "badges", "type": "checkboxes", "options": "badges", "label": gettext_noop("Badges")},
        {"name": "at_least", "type": "number", "min": 1, "label": gettext_noop("How many of them"),
         "help": gettext_noop("Empty: all of the chosen badges.")},
    )

    def check(self, node):
        badges = node.get("badges")
        if not isinstance(badges, list) or not badges or not all(isinstance(b, str) for b in badges):
            raise RuleError(_("'badges' needs a list of badge ids."))
        at_least = node.get("at_least", len(badges))
        if isinstance(at_least, bool) or not isinstance(at_least, int) or not 1 <= at_least <= len(badges):
            raise RuleError(_("'at_least' must be a whole number from 1 to the number of badges."))
        # Two optional keys of a pathway's milestone (pathways.structure): its title, and badges
        # shown beside it as optional steps that never count towards the rule.
        milestone = node.get("milestone")
        if milestone is not None and (not isinstance(milestone, str) or len(milestone) > 255):
            raise RuleError(_("'milestone' must be a title of at most 255 characters."))
        optional = node.get("optional")
        if optional is not None:
            if not isinstance(optional, list) or not all(isinstance(b, str) for b in optional):
                raise RuleError(_("'optional' needs a list of badge ids."))
            if set(optional) & set(badges):
                raise RuleError(_("A badge is either required or optional, not both."))

    def badges_named(self, node):
        return list(node["badges"])

    def evaluate(self, node, ctx):
        held = ctx.held_badges()
        have = sum(1 for uuid in node["badges"] if uuid in held)
        need = node.get("at_least", len(node["badges"]))
        met = have >= need
        text = _("{have} of {need} badges earned.").format(have=have, need=need)
        if node.get("milestone"):
            text = ngettext("{milestone}: {have} of {need} badge earned.",
                            "{milestone}: {have} of {need} badges earned.", need).format(
                milestone=node["milestone"], have=have, need=need)
        outcome = Outcome(met, [Progress(self.name, met, text, have, need)])
        if met:
            outcome.evidence.append({"name": _("Badges earned"),
                                     "narrative": _("Earned {have} of the required badges.").format(have=have)})
        return outcome

    def describe(self, node, _, names, badge_names):
        chosen = node.get("badges", [])
        listed = ", ".join(badge_names.get(uuid) or _("a badge that no longer exists") for uuid in chosen)
        at_least = node.get("at_least", len(chosen))
        if at_least >= len(chosen):
            text = _("Earn all of these badges: {badges}.").format(badges=listed)
        else:
            text = ngettext("Earn {count} of these badges: {badges}.", "Earn {count} of these badges: {badges}.",
                            at_least).format(count=at_least, badges=listed)
        if node.get("milestone"):
            text = _("{milestone}: {rule}").format(milestone=node["milestone"], rule=text)
        if node.get("optional"):
            optional = ", ".join(badge_names.get(uuid) or _("a badge that no longer exists")
                                 for uuid in node["optional"])
            text = _("{rule} Optional, not counted: {badges}.").format(rule=text, badges=optional)
        return text

    def from_form(self, condition, key, _, errors, allowed):
        chosen = strings(condition.get("badges"))
        if not chosen:
            errors[f"{key}-badges"] = _("Choose at least one badge.")
            return None
        if allowed["own_badge"] and allowed["own_badge"] in chosen:
            errors[f"{key}-badges"] = _("A badge cannot require itself.")
            return None
        if any(uuid not in allowed["badges"] for uuid in chosen):
            errors[f"{key}-badges"] = _("Choose badges of this course.")
            return None
        leaf = {"badges": chosen}
        at_least = condition.get("at_least")
        if not blank(at_least):
            number = form_number(at_least)
            if number is None or number != int(number) or not 1 <= number <= len(chosen):
                errors[f"{key}-at_least"] = _("Enter a whole number from 1 to the number of badges chosen, "
                                              "or leave it empty for all of them.")
                return None
            leaf["at_least"] = int(number)
        return leaf

    def to_form(self, leaf):
        if leaf.get("milestone") or leaf.get("optional"):
            return None  # a pathway editor's milestone: the block's editor keeps the rule as it is
        return {"badges": list(leaf["badges"]), "at_least": str(leaf["at_least"]) if "at_least" in leaf else ""}


# --- skills evidenced by content (issue 13) ---------------------------------------------------


def _course_tags(ctx, course):
    """The course's content tags (``compat.content_tags``), read once per evaluation."""
    return ctx.read(("content_tags", course), lambda: compat.content_tags(course))


def _tagged_scores(ctx, course):
    """
    The learner's score on every tagged block of the course, in one read per evaluation: each
    skill-mastery leaf picks its own blocks from it, so two leaves never read scores twice.
    """
    def fetch():
        items = sorted(key for key in _course_tags(ctx, course) if key != course)
        return compat.block_scores(ctx.user, ctx.run(course), items) if items else {}

    return ctx.read(("tagged_scores", course), fetch)


def _skill_label(node):
    return node.get("tag") or ""


@register
class SkillMastery(RuleKind):
    """
    The learner masters a skill of a taxonomy in this course: at least a share of the points on
    every scored block tagged with it (a problem, unit, subsection or section, as ``score``
    counts them). Blocks carrying the tag but no points (a text page) are not counted; without a
    scored block the condition cannot be met.
    """

    name = "skill_mastery"
    interest = "score"
    names_blocks = True
    label = gettext_noop("Master a skill of the course's content")
    fields = (
        {"name": "skill", "type": "select", "options": "skills", "label": gettext_noop("Skill"),
         "empty": gettext_noop("Choose a skill"),
         "help": gettext_noop("The skills tagged on this course's problems, units, subsections and sections.")},
        {"name": "min_percent", "type": "number", "min": 0, "max": 100,
         "label": gettext_noop("At least (%) on each tagged item")},
    )

    def check(self, node):
        key(node, "taxonomy")
        key(node, "tag")
        fraction(node, "min_fraction", required=True)
        if node["min_fraction"] <= 0:
            raise RuleError(_("'min_fraction' must be above 0."))

    def evaluate(self, node, ctx):
        course, need = node["course"], node["min_fraction"]
        tags = _course_tags(ctx, course)
        items = sorted(object_id for object_id, refs in tags.items() if object_id != course and any(
            ref.export_id == node["taxonomy"] and ref.value == node["tag"] for ref in refs))
        scores = _tagged_scores(ctx, course) if items else {}
        scored = [(item, scores[item]) for item in items if scores.get(item) and scores[item].possible > 0]
        passed = [(item, score) for item, score in scored if score.earned >= need * score.possible - 1e-9]
        met = bool(scored) and len(passed) == len(scored)
        text = _("{passed} of {total} items tagged “{skill}” at {need} or more.").format(
            passed=len(passed), total=len(scored), skill=_skill_label(node), need=pct(need))
        outcome = Outcome(met, [Progress(self.name, met, text, len(passed), len(scored))])
        if met:
            framework = next((ref.taxonomy for refs in tags.values() for ref in refs
                              if ref.export_id == node["taxonomy"]), node["taxonomy"])
            for item, score in scored:
                outcome.evidence.append({
                    "name": ctx.block_names.get(item) or _("a tagged item"), "id": compat.block_url(course, item),
                    "narrative": _("Tagged “{skill}” ({framework}): scored {earned:g} of {possible:g} points "
                                   "({percent}).").format(skill=_skill_label(node), framework=framework,
                                                          earned=score.earned, possible=score.possible,
                                                          percent=pct(score.earned / score.possible)),
                })
        return outcome

    def describe(self, node, _, names, badge_names):
        return _("Score at least {percent}% on every item of the course tagged “{skill}”.").format(
            percent=percent_text(node["min_fraction"]), skill=_skill_label(node))

    def from_form(self, condition, key, _, errors, allowed):
        skill = condition.get("skill")
        if not isinstance(skill, str) or skill not in allowed.get("skills", ()) or ":" not in skill:
            errors[f"{key}-skill"] = _("Choose a skill tagged on this course's content.")
        percent = form_number(condition.get("min_percent"))
        if percent is None or not 0 < percent <= 100:
            errors[f"{key}-min_percent"] = _("Enter a percentage above 0 and at most 100.")
        if f"{key}-skill" in errors or f"{key}-min_percent" in errors:
            return None
        taxonomy, tag = skill.split(":", 1)
        return {"taxonomy": taxonomy, "tag": tag, "min_fraction": form_fraction(percent)}

    def to_form(self, leaf):
        return {"skill": f"{leaf['taxonomy']}:{leaf['tag']}", "min_percent": percent_text(leaf["min_fraction"])}
