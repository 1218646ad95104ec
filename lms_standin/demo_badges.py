"""The demo course's badges, made through the plugin's Python API as an author's block would."""

from openedx_plugin import api
from openedx_plugin.credentials import issuing
from openedx_plugin.models import BadgeClass, Issuer

from . import xblock_runtime
from .demo_course import COURSE_KEY, usage_key

ISSUER = "Demo University"


def create_demo_badges(base_url):
    """An assessment badge, a course badge and a pathway that stacks them; idempotent."""
    if not Issuer.objects.filter(org="DemoX").exists():
        issuing.create_issuer(ISSUER, f"{base_url}/", "badges@demo-university.invalid", org="DemoX",
                              description="The stand-in LMS's demo issuer.", public_base_url=base_url,
                              is_default=not Issuer.objects.filter(is_default=True).exists())

    def ensure(name, fields, rule):
        existing = BadgeClass.objects.filter(course_key=COURSE_KEY, name=name).first()
        return api.save_badge(COURSE_KEY, dict(fields, name=name), rule=rule,
                              badge_uuid=str(existing.uuid) if existing else None)

    reader = ensure("Data Reader", {
        "description": "Reads and recognises tidy data and common file formats.",
        "criteria_narrative": "Answer both homework questions on reading data correctly.",
        "achievement_type": "Assessment", "level": "Foundation", "tags": ["data"],
    }, {"kind": "score", "course": COURSE_KEY, "block": usage_key("sequential", "seq-basics"), "min_points": 2})
    analyst = ensure("Data Analyst", {
        "description": "Summarises and charts data to answer simple questions.",
        "criteria_narrative": "Pass the Open Badges Demo Course with at least 75%.",
        "achievement_type": "Competency", "level": "Intermediate", "tags": ["data", "analysis"],
        "alignments": [{"type": ["Alignment"], "targetName": "Data analysis",
                        "targetUrl": "https://example.org/skills/data-analysis",
                        "targetFramework": "Demo Skills Framework", "targetCode": "DA-1"}],
        "validity_days": 730,
    }, {"kind": "course_passed", "course": COURSE_KEY, "min_percent": 0.75})
    pathway = ensure("Data Pathway", {
        "description": "Stacks the Data Reader and Data Analyst badges.",
        "criteria_narrative": "Earn both Data Reader and Data Analyst.",
        "achievement_type": "MicroCredential", "level": "Intermediate",
    }, {"kind": "badges", "badges": [reader["uuid"], analyst["uuid"]]})
    point_badge_block(analyst)
    return reader, analyst, pathway


def point_badge_block(badge):
    """The demo unit's badge block shows ``badge``, unless an author has chosen one since."""
    block_key = usage_key("badge_xblock", "badge")
    block = xblock_runtime.StandInRuntime(None).load_block(block_key)
    if not block.badge_uuid:
        xblock_runtime.save_settings(block_key, badge_uuid=badge["uuid"], display_name=f"Badge: {badge['name']}")
