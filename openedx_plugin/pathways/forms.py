"""
The pathway editor's form: milestones in order, each with a title, the badges it requires
(all of them, or N of them) and optional steps, picked from badges of any course, grouped
by course (named by the course's display name where the platform has one). One form serves
the operator's admin page and the course team's page; only the badges offered differ
(``candidates``). The pathway's own badge is never offered: a badge cannot require itself.

Every problem is reported on the field that causes it, and listed in an error summary that
names each field (``problems``): unknown badges, a pathway requiring itself, a cycle through
other pathways (``models.pathway_problem``, which every save path of a rule shares), N out
of range, a milestone with optional steps only.
"""

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _

from .. import compat, rules
from ..models import BadgeClass, BadgeRule, pathway_problem, valid_uuids
from .structure import Milestone, condition_of, milestones_of

NOT_IN, REQUIRED, OPTIONAL = "", "required", "optional"
ALL, AT_LEAST = "all", "at_least"
EMPTY_MILESTONES = 1  # blank milestones offered below the pathway's own, to add one
MAX_MILESTONES = 12


def candidates(courses=None):
    """
    The badges a pathway may pick, grouped by course: ``[(course_key, [(uuid, name), ...])]``.
    ``courses``: only these courses' badges (a course team's), or None for every course (operators).
    """
    badges = BadgeClass.objects.filter(active=True)
    if courses is not None:
        badges = badges.filter(course_key__in=list(courses))
    groups = {}
    for uuid, name, course_key in badges.order_by("course_key", "name", "id").values_list("uuid", "name",
                                                                                        "course_key"):
        groups.setdefault(course_key, []).append((str(uuid), name))
    return list(groups.items())


class PathwayForm(forms.Form):
    """
    ``badge``: the pathway's badge; ``groups``: ``candidates(...)`` (the badge itself is taken out
    of them: offering it would only lead to "a badge cannot require itself" on save);
    ``milestone_count``: how many milestones to show (the pathway's own, plus an empty one to add).
    """

    def __init__(self, data=None, *, badge, groups, milestone_count=None):
        super().__init__(data)
        self.badge = badge
        own = str(badge.uuid)
        self.groups = [(course_key, kept) for course_key, badges in groups
                       if (kept := [(uuid, name) for uuid, name in badges if uuid != own])]
        self.names = {uuid: name for _course, badges in groups for uuid, name in badges}
        rule = BadgeRule.objects.filter(badge_class=badge).first()
        self.rule = rule
        self.existing = milestones_of(rule.condition) if rule else []
        # A rule the editor cannot show (it reads course outcomes too): editing it here would lose that.
        self.not_a_pathway = rule is not None and self.existing is None
        existing = self.existing or []
        if milestone_count is None:
            milestone_count = len(existing) + EMPTY_MILESTONES
        self.milestone_count = max(1, min(MAX_MILESTONES, milestone_count))
        self.badge_errors = {}
        for index in range(self.milestone_count):
            initial = existing[index] if index < len(existing) else Milestone()
            self._add_milestone_fields(index, initial)

    def _add_milestone_fields(self, index, initial):
        number = index + 1
        prefix = f"m{index}"
        self.fields[f"{prefix}-title"] = forms.CharField(
            required=False, max_length=255, initial=initial.title,
            label=_("Title of milestone {number}").format(number=number),
            help_text=_("Shown to learners, for example “Foundations”. Optional."))
        self.fields[f"{prefix}-mode"] = forms.ChoiceField(
            choices=[(ALL, _("All of the required badges")), (AT_LEAST, _("Some of them: the number below"))],
            initial=AT_LEAST if initial.at_least is not None else ALL, widget=forms.RadioSelect,
            label=_("How many required badges milestone {number} needs").format(number=number))
        self.fields[f"{prefix}-at_least"] = forms.IntegerField(
            required=False, min_value=1, initial=initial.at_least,
            label=_("Number of required badges for milestone {number}").format(number=number),
            help_text=_("Used when “Some of them” is chosen: from 1 to the number of required badges."))
        for _course, badges in self.groups:
            for uuid, name in badges:
                role = REQUIRED if uuid in initial.badges else OPTIONAL if uuid in initial.optional else NOT_IN
                self.fields[f"{prefix}-badge-{uuid}"] = forms.ChoiceField(
                    required=False, initial=role, label=name,
                    choices=[(NOT_IN, _("Not in this milestone")), (REQUIRED, _("Required")),
                             (OPTIONAL, _("Optional, not counted"))])

    # --- what the template draws -------------------------------------------------------------

    def _describe(self, name):
        """Link a field to its help and its errors (``aria-describedby``), and mark it invalid when it is."""
        bound = self[name]
        ids = []
        if self.fields[name].help_text:
            ids.append(f"{bound.auto_id}-help")
        if self.is_bound and bound.errors:
            ids.append(f"{bound.auto_id}-error")
            self.fields[name].widget.attrs["aria-invalid"] = "true"
        if ids:
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)
        return self[name]

    def course_names(self):
        """
        ``{course_key: display name}`` of the pathway's course and the groups' courses, read once
        for the form (one query for every course, ``compat.course_names``); a course without a
        name is shown by its key.
        """
        if not hasattr(self, "_course_names"):
            self._course_names = compat.course_names(
                [self.badge.course_key, *(course_key for course_key, _badges in self.groups)])
        return self._course_names

    def milestones(self):
        """
        Per milestone: its number, its three fields, and its badge fields grouped by course, as
        ``(course_key, course name or key, fields)``.
        """
        names = self.course_names()
        shown = []
        for index in range(self.milestone_count):
            prefix = f"m{index}"
            shown.append({
                "number": index + 1, "prefix": prefix,
                "title": self._describe(f"{prefix}-title"), "mode": self[f"{prefix}-mode"],
                "at_least": self._describe(f"{prefix}-at_least"),
                "badge_errors": self.badge_errors.get(index, []),
                "groups": [(course_key, names.get(course_key, course_key),
                            [self[f"{prefix}-badge-{uuid}"] for uuid, _name in badges])
                           for course_key, badges in self.groups],
            })
        return shown

    def problems(self):
        """The error summary: ``(anchor id, what is wrong, message)`` for each problem, in page order."""
        found = [("", "", str(error)) for error in self.non_field_errors()]
        for index in range(self.milestone_count):
            prefix = f"m{index}"
            for name in (f"{prefix}-title", f"{prefix}-mode", f"{prefix}-at_least"):
                for error in self.errors.get(name, ()):
                    found.append((self[name].id_for_label if not name.endswith("-mode") else f"id_{name}_0",
                                  str(self.fields[name].label), str(error)))
            for error in self.badge_errors.get(index, []):
                found.append((f"{prefix}-badges", _("Badges of milestone {number}").format(number=index + 1), error))
        return found

    # --- reading it back ---------------------------------------------------------------------

    def clean(self):
        data = super().clean()
        for name in [name for name in self.errors if "-badge-" in name]:  # a forged value: said on the milestone
            index = int(name.split("-", 1)[0][1:])
            self._badge_error(index, _("Choose Required, Optional or Not in this milestone for “{badge}”.").format(
                badge=self.fields[name].label))
        milestones, where = [], {}
        for index in range(self.milestone_count):
            prefix = f"m{index}"
            required, optional = [], []
            for _course, badges in self.groups:
                for uuid, _name in badges:
                    role = data.get(f"{prefix}-badge-{uuid}")
                    if role == REQUIRED:
                        required.append(uuid)
                    elif role == OPTIONAL:
                        optional.append(uuid)
            title = (data.get(f"{prefix}-title") or "").strip()
            if not required and not optional and not title:
                continue  # an empty milestone: nothing to save
            if not required:
                self._badge_error(index, _("Choose at least one required badge: optional steps alone are never "
                                           "earned.") if optional else
                                  _("Choose at least one required badge, or clear the title to remove the "
                                    "milestone."))
                continue
            for uuid in required + optional:
                if uuid in where:
                    self._badge_error(index, _("“{badge}” is already in milestone {number}: a badge belongs to one "
                                               "milestone.").format(badge=self.names[uuid], number=where[uuid] + 1))
                where.setdefault(uuid, index)
            at_least = None
            if data.get(f"{prefix}-mode") == AT_LEAST:
                at_least = data.get(f"{prefix}-at_least")
                if at_least is None or not 1 <= at_least <= len(required):
                    if f"{prefix}-at_least" not in self.errors:
                        self.add_error(f"{prefix}-at_least", _(
                            "Enter a whole number from 1 to {count}, the number of required badges chosen.").format(
                            count=len(required)))
                    continue
            milestones.append((index, Milestone(title=title, badges=required, at_least=at_least, optional=optional)))
        if not milestones and not self.errors and not self.badge_errors:
            self._badge_error(0, _("Choose at least one required badge."))
        if self.errors or self.badge_errors:
            return data
        condition = condition_of([milestone for _index, milestone in milestones])
        try:
            rules.validate(condition)
        except rules.RuleError as exc:
            self.add_error(None, str(exc))
            return data
        problem = pathway_problem(self.badge.uuid, condition)
        if problem:
            culprit = self._milestone_causing(milestones)
            self._badge_error(culprit, problem)
            return data
        data["condition"] = condition
        return data

    def _milestone_causing(self, milestones):
        """The milestone to show a cycle or self-requirement on: the first that names a pathway or this badge."""
        own = str(self.badge.uuid)
        pathways = {str(uuid) for uuid in BadgeRule.objects.filter(
            badge_class__uuid__in=[uuid for _i, m in milestones for uuid in m.badges]).values_list(
            "badge_class__uuid", flat=True)}
        for index, milestone in milestones:
            if own in milestone.badges or pathways & set(milestone.badges):
                return index
        return milestones[0][0]

    def _badge_error(self, index, message):
        self.badge_errors.setdefault(index, []).append(str(message))

    def is_valid(self):
        return super().is_valid() and not self.badge_errors

    @transaction.atomic
    def save(self):
        """Store the pathway's rule (enabled unless the operator had turned it off); returns it."""
        condition = self.cleaned_data["condition"]
        rule = BadgeRule.objects.select_for_update().filter(badge_class=self.badge).first()
        if rule is None:
            return BadgeRule.objects.create(badge_class=self.badge, condition=condition, enabled=True)
        rule.condition = condition
        rule.save()
        return rule


def courses_involved(badge, form_or_condition=None):
    """Every course a pathway touches: its own badge's and those of the badges its rule names."""
    condition = form_or_condition
    named = rules.referenced_badges(condition) if isinstance(condition, dict) else []
    if isinstance(condition, dict):
        for milestone in milestones_of(condition) or []:
            named += milestone.optional
    courses = {badge.course_key}
    courses |= set(BadgeClass.objects.filter(uuid__in=valid_uuids(named)).values_list("course_key", flat=True))
    return courses
