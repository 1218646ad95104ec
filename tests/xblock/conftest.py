"""Fixtures of the badge block tests: the demo course, an issuer, staff and a learner, and handler calls."""

import json

import pytest
from webob import Request

from lms_standin.demo_course import COURSE_KEY, usage_key

BLOCK_KEY = usage_key("badge_xblock", "badge")
__all__ = ["BLOCK_KEY", "COURSE_KEY", "SEQ_BASICS", "call"]
SEQ_BASICS = usage_key("sequential", "seq-basics")


@pytest.fixture
def staff(db, django_user_model):
    return django_user_model.objects.create_user("author", "author@example.com", "pw", is_staff=True)


@pytest.fixture
def block_for():
    """block_for(user) -> the demo badge block, in a stand-in runtime for that user (None: anonymous)."""
    from django.contrib.auth.models import AnonymousUser

    from lms_standin.xblock_runtime import StandInRuntime

    def load(user, key=BLOCK_KEY):
        return StandInRuntime(user if user is not None else AnonymousUser()).load_block(key)
    return load


def call(block, handler, payload=None, method="POST", raw=None):
    """Run a handler as the runtime does; returns (status, decoded JSON)."""
    request = Request.blank("/", method=method)
    request.body = raw if raw is not None else json.dumps(payload or {}).encode()
    request.content_type = "application/json"
    response = block.runtime.handle(block, handler, request)
    return response.status_code, json.loads(response.body or b"{}")


@pytest.fixture
def score_badge(issuer, course):
    """A badge of the demo course: 2 points on the homework subsection."""
    from openedx_plugin import api

    return api.save_badge(COURSE_KEY, {"name": "Data Reader", "description": "Reads data.",
                                       "criteria_narrative": "Answer both homework questions."},
                          rule={"kind": "score", "course": COURSE_KEY, "block": SEQ_BASICS, "min_points": 2})


@pytest.fixture
def configured(score_badge, block_for):
    """The demo block pointing at score_badge."""
    from lms_standin.xblock_runtime import save_settings

    save_settings(BLOCK_KEY, badge_uuid=score_badge["uuid"], display_name="Your badge")
    return score_badge
