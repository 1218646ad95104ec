"""
The skills profile: a learner's badges gathered by the skills they are aligned to, with the
strongest level reached in each.

One skill is one alignment target: the same framework and code (or, without a code, the same
framework and name in any case) chosen by two courses is one skill, so a learner sees it once
with every badge that evidences it. The profile reads only what the wallet's list query
already loaded (the badge class of each award) and never the signed documents, so its cost
does not grow in queries with the number of badges.
"""

from dataclasses import dataclass, field

from django.utils import timezone

# The order of the levels the default level list names, weakest first (the values of the shipped
# level taxonomy, skills/data/levels.json): a learner's level in a
# skill is the strongest among the badges aligned to it. A level outside the list ranks below
# every listed one and is shown as written.
DEFAULT_LEVELS = ("foundation", "beginner", "intermediate", "advanced", "expert")


def level_rank(level):
    """The strength of a level name: its place in ``DEFAULT_LEVELS``, -1 if unlisted or empty."""
    try:
        return DEFAULT_LEVELS.index((level or "").strip().casefold())
    except ValueError:
        return -1


@dataclass
class Skill:
    """One skill with the learner's awards that evidence it and the strongest level among them."""

    name: str
    code: str = ""
    framework: str = ""
    url: str = ""
    target_type: str = ""
    level: str = ""
    awards: list = field(default_factory=list)


@dataclass
class SkillGroup:
    """The skills of one framework (``framework`` is empty for alignments that name none)."""

    framework: str
    skills: list = field(default_factory=list)


def _skill_key(alignment):
    framework = (alignment.get("targetFramework") or "").strip().casefold()
    code = (alignment.get("targetCode") or "").strip()
    return (framework, "code", code) if code else (framework, "name", alignment["targetName"].strip().casefold())


def skills_profile(awards, *, now=None, states=("earned",)):
    """
    ``awards`` (each with its ``badge_class`` loaded) gathered by skill: a list of
    ``SkillGroup``, framework by framework (named frameworks first, by name), each skill by
    name. Only awards in ``states`` count (a revoked or expired badge evidences nothing now).
    """
    now = now or timezone.now()
    skills, frameworks = {}, {}
    for award in awards:
        if award.state(now) not in states:
            continue
        badge = award.badge_class
        for alignment in badge.alignments or ():
            if not isinstance(alignment, dict) or not (alignment.get("targetName") or "").strip():
                continue
            key = _skill_key(alignment)
            skill = skills.get(key)
            if skill is None:
                skill = skills[key] = Skill(
                    name=alignment["targetName"].strip(), code=(alignment.get("targetCode") or "").strip(),
                    framework=(alignment.get("targetFramework") or "").strip(),
                    url=alignment.get("targetUrl") or "", target_type=alignment.get("targetType") or "")
                frameworks.setdefault(key[0], SkillGroup(framework=skill.framework)).skills.append(skill)
            skill.awards.append(award)
            if badge.level and (not skill.level or level_rank(badge.level) > level_rank(skill.level)):
                skill.level = badge.level
    groups = sorted(frameworks.values(), key=lambda group: (not group.framework, group.framework.casefold()))
    for group in groups:
        group.skills.sort(key=lambda skill: skill.name.casefold())
    return groups
