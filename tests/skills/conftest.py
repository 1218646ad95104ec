"""Fixtures of the skills tests: the demo's taxonomy, imported through openedx_tagging, and the tagged course."""

import pytest


@pytest.fixture
def skills_taxonomy(course):
    """The demo skills taxonomy (for the DemoX organization) with the demo course's content tagged."""
    from lms_standin.demo_skills import import_demo_taxonomy, tag_demo_course

    taxonomy = import_demo_taxonomy()
    tag_demo_course(taxonomy.id)
    return taxonomy
