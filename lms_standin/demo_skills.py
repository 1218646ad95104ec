"""
The demo's skills: a taxonomy imported through openedx_tagging's own import, the demo course's
content tagged with it, and a badge that takes its skills from it (issue 13).

Everything goes through the real tagging app of openedx-core, as Studio does: the taxonomy is
imported from CSV with ``import_export.api.import_tags``, offered to the demo's organization
through the stand-in's ``TaxonomyOrg`` (the platform's ``content_tagging`` table), and the
course's blocks are tagged with ``openedx_tagging.api.tag_object``.
"""

from importlib import resources

from openedx_plugin import api, compat
from openedx_plugin.models import BadgeClass
from openedx_plugin.skills import taxonomies

from .demo_course import COURSE_KEY, usage_key

SKILLS_EXPORT_ID = "demo-data-skills"
SKILLS_NAME = "Demo Data Skills"
ORG = "DemoX"

# (block type, block id) -> the values of the demo taxonomy's tags it carries.
TAGGED = {
    ("sequential", "seq-basics"): ["Reading data"],
    ("problem", "q1"): ["Tidy data"],
    ("problem", "q2"): ["File formats"],
    ("sequential", "seq-analysis"): ["Data analysis"],
    ("problem", "q3"): ["Descriptive statistics", "Data analysis"],
    ("problem", "q4"): ["Data visualisation", "Data analysis"],
}


def import_demo_taxonomy():
    """The demo skills taxonomy, imported (again: the import updates by tag id) for the demo's org."""
    data = resources.files("lms_standin").joinpath("demo_data/data_skills.csv").read_bytes()
    taxonomy, ok, log = compat.import_taxonomy(SKILLS_NAME, SKILLS_EXPORT_ID, data, orgs=[ORG], file_format="csv",
                                               description="A small skills framework for the demo course.")
    if not ok:
        raise RuntimeError(f"The demo taxonomy did not import:\n{log}")
    return taxonomy


def tag_demo_course(taxonomy_id):
    """Tag the demo course's problems and subsections with the demo taxonomy (openedx_tagging's tag_object)."""
    from openedx_tagging import api as tagging_api  # pylint: disable=import-outside-toplevel

    taxonomy = tagging_api.get_taxonomy(taxonomy_id)
    for (block_type, block_id), values in TAGGED.items():
        tagging_api.tag_object(usage_key(block_type, block_id), taxonomy, values)


def create_demo_skills(base_url):  # pylint: disable=unused-argument  (the issuer exists by now)
    """The taxonomies (skills, and the default levels), the tagged course, and a skill-mastery badge."""
    compat.import_taxonomy(taxonomies.LEVELS_NAME, taxonomies.level_taxonomy_export_id(),
                           taxonomies.shipped_levels_bytes())
    taxonomy = import_demo_taxonomy()
    tag_demo_course(taxonomy.id)
    alignments = [api.skill_alignment(None, COURSE_KEY, taxonomy.id, value, "CFItem")
                  for value in ("Data analysis", "Data visualisation")]
    existing = BadgeClass.objects.filter(course_key=COURSE_KEY, name="Data Analysis Skills").first()
    return api.save_badge(COURSE_KEY, {
        "name": "Data Analysis Skills",
        "description": "Analyses and charts data, shown on every assessment tagged with data analysis.",
        "criteria_narrative": "Score at least 80% on every problem and subsection tagged Data analysis.",
        "achievement_type": "Competency", "level": "Intermediate", "category": "Data science",
        "alignments": alignments,
    }, rule={"kind": "skill_mastery", "course": COURSE_KEY, "taxonomy": SKILLS_EXPORT_ID, "tag": "Data analysis",
             "min_fraction": 0.8}, badge_uuid=str(existing.uuid) if existing else None)
