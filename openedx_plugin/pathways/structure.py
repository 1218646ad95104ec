"""
A pathway as milestones, and back to the rule language, so the editor never shows JSON.

The rule a pathway saves is the language every other rule uses (``openedx_plugin.rules``):
one ``badges`` leaf for a single milestone, or ``{"all": [leaf, leaf, ...]}`` whose leaves are
the milestones in order. A leaf's ``badges`` are the milestone's required badges, its
``at_least`` how many of them count (absent: all), its ``milestone`` the title and its
``optional`` the optional steps, shown to the learner and never counted. The evaluator,
the rule index and ``describe`` read these leaves as any other ``badges`` leaf, so a pathway
is earned the moment every milestone is met, in whatever order the badges came.
"""

from dataclasses import dataclass, field

from .. import rules


@dataclass
class Milestone:
    """One step of a pathway: the badges it requires (all, or ``at_least`` of them) and optional ones."""

    title: str = ""
    badges: list = field(default_factory=list)
    at_least: int | None = None
    optional: list = field(default_factory=list)

    @property
    def needed(self):
        """How many of the required badges count: ``at_least``, or all of them."""
        return self.at_least if self.at_least is not None else len(self.badges)

    def leaf(self):
        """The milestone in the rule language (a ``badges`` leaf)."""
        node = {"kind": "badges", "badges": list(self.badges)}
        if self.at_least is not None and self.at_least < len(self.badges):
            node["at_least"] = self.at_least
        if self.title:
            node["milestone"] = self.title
        if self.optional:
            node["optional"] = list(self.optional)
        return node


def milestones_of(condition):
    """
    The milestones of a rule, in order, or None when the rule is not a pathway (it reads
    course outcomes too, or groups its badges in a way the editor cannot show): such a rule
    stays editable as JSON in the admin only.
    """
    if not isinstance(condition, dict):
        return None
    try:
        rules.validate(condition)
    except rules.RuleError:
        return None
    if condition.get("kind") == "badges":
        leaves = [condition]
    elif set(condition) == {"all"} and all(child.get("kind") == "badges" for child in condition["all"]):
        leaves = condition["all"]
    else:
        return None
    return [Milestone(title=leaf.get("milestone", ""), badges=list(leaf["badges"]),
                      at_least=leaf.get("at_least"), optional=list(leaf.get("optional") or []))
            for leaf in leaves]


def condition_of(milestones):
    """The rule of a pathway's milestones: one leaf alone, several in an ``all`` group, in order."""
    leaves = [milestone.leaf() for milestone in milestones]
    return leaves[0] if len(leaves) == 1 else {"all": leaves}


def badges_of(milestones):
    """Every badge a pathway names, required and optional, in the order they appear."""
    seen = []
    for milestone in milestones:
        for uuid in list(milestone.badges) + list(milestone.optional):
            if uuid not in seen:
                seen.append(uuid)
    return seen
