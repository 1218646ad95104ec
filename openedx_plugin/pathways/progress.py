"""
The learner's pathways in progress: each pathway they have started and not yet earned, its
milestones in order with what is done and what comes next, and where to earn the rest.

The cost is a fixed number of queries however many badges the learner holds: the badges
they hold (one query), the pathways that count any of them (found in the rule index, which
lives in memory, then one query), and the names and courses of the badges those pathways
name (one query). Nothing here evaluates grades: a pathway reads badges only.
"""

from dataclasses import dataclass, field

from .. import compat
from ..awards import rule_index
from ..models import Award, BadgeClass, BadgeRule, valid_uuids
from .structure import milestones_of

DONE, NEXT, LATER = "done", "next", "later"


@dataclass
class Step:
    """One badge of a milestone: whether the learner holds it, and where it is earned."""

    uuid: str
    name: str
    course_key: str
    course_url: str | None
    held: bool
    optional: bool = False
    course_name: str = ""  # the course's display name (its key when the platform has none)


@dataclass
class MilestoneProgress:
    """A milestone for this learner: ``state`` is done, next (the first not done) or later."""

    number: int
    title: str
    state: str
    have: int
    needed: int
    steps: list = field(default_factory=list)

    @property
    def required(self):
        return [step for step in self.steps if not step.optional]

    @property
    def optional(self):
        return [step for step in self.steps if step.optional]


@dataclass
class PathwayProgress:
    """One pathway in progress: the badge it leads to, its milestones, and how many are done."""

    uuid: str
    name: str
    course_key: str
    milestones: list = field(default_factory=list)

    @property
    def done(self):
        return sum(1 for milestone in self.milestones if milestone.state == DONE)

    @property
    def total(self):
        return len(self.milestones)

    @property
    def next(self):
        return next((milestone for milestone in self.milestones if milestone.state == NEXT), None)


def _course_url(course_key):
    return compat.course_home_url(course_key) if course_key else None


def pathways_in_progress(user):
    """
    The pathways ``user`` has started (holds at least one badge a pathway counts) and does
    not hold yet, by name. Rules that are not pathways (they read course outcomes too) and
    disabled rules are left out: the learner could not tell their progress from badges.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    held = Award.objects.held_badge_uuids(user)
    rule_ids = set().union(*(rule_index.rules_for_badge(uuid) for uuid in held)) if held else set()
    if not rule_ids:
        return []
    found = []
    for badge_uuid, name, course_key, condition in (
            BadgeRule.objects.filter(id__in=sorted(rule_ids), enabled=True, badge_class__active=True)
            .values_list("badge_class__uuid", "badge_class__name", "badge_class__course_key", "condition")):
        milestones = milestones_of(condition)
        if milestones and str(badge_uuid) not in held:
            found.append((str(badge_uuid), name, course_key, milestones))
    named = {uuid for *_rest, milestones in found for milestone in milestones
             for uuid in milestone.badges + milestone.optional}
    badges = {str(uuid): (badge_name, course) for uuid, badge_name, course in
              BadgeClass.objects.filter(uuid__in=valid_uuids(named)).values_list("uuid", "name", "course_key")}
    # Learners know courses by name: one query for every course the steps name, whatever their number.
    names = compat.course_names({course for _name, course in badges.values()})
    pathways = [_progress(uuid, name, course_key, milestones, held, badges, names)
                for uuid, name, course_key, milestones in found]
    return sorted(pathways, key=lambda pathway: (pathway.name.casefold(), pathway.uuid))


def _progress(uuid, name, course_key, milestones, held, badges, names):
    pathway = PathwayProgress(uuid=uuid, name=name, course_key=course_key)
    next_given = False
    for number, milestone in enumerate(milestones, start=1):
        steps = []
        for badge_uuid, optional in ([(b, False) for b in milestone.badges] + [(b, True) for b in milestone.optional]):
            if badge_uuid not in badges:
                continue  # a badge deleted since: nothing the learner can do about it
            badge_name, badge_course = badges[badge_uuid]
            steps.append(Step(uuid=badge_uuid, name=badge_name, course_key=badge_course,
                              course_url=_course_url(badge_course), held=badge_uuid in held, optional=optional,
                              course_name=names.get(badge_course, badge_course)))
        have = sum(1 for step in steps if step.held and not step.optional)
        if have >= milestone.needed:
            state = DONE
        elif not next_given:
            state, next_given = NEXT, True
        else:
            state = LATER
        pathway.milestones.append(MilestoneProgress(number=number, title=milestone.title, state=state, have=have,
                                                    needed=milestone.needed, steps=steps))
    return pathway
