"""
A rule kind added from outside the plugin is one class, and every reader of rules finds it.

The kind below ("write at least N forum posts") is registered from this test module, with a
fake platform read. Nothing else is changed, and it shows up in the editor (the JSON
studio.js draws the form from, and the rule the save handler builds from the form), the
validation of the save path, the rule index's interests, the block's progress view (the rule
in words and the learner's progress), and the evaluation, which awards the badge.
"""

import html
import json
import re

import pytest
from django.core.exceptions import ValidationError

from openedx_plugin.rules import RuleError, RuleKind, register
from openedx_plugin.rules.base import KINDS, form_number, unregister

from .conftest import BLOCK_KEY, COURSE_KEY, call

pytestmark = pytest.mark.django_db

# The fake platform read: posts per (user id, course); a real kind would ask compat.
FORUM_POSTS = {}


class ForumPosts(RuleKind):
    """The learner writes at least ``min_posts`` posts in the course's forum."""

    name = "forum_posts"
    interest = "forum"
    label = "Write in the course forum"
    fields = ({"name": "min_posts", "type": "number", "min": 1, "label": "Posts at least"},)

    def check(self, node):
        value = node.get("min_posts")
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise RuleError("'min_posts' must be a whole number above 0.")

    def evaluate(self, node, ctx):
        from openedx_plugin.rules import Outcome, Progress

        posts = ctx.read(("forum", node["course"]), lambda: FORUM_POSTS.get((ctx.user.id, node["course"]), 0))
        met = posts >= node["min_posts"]
        outcome = Outcome(met, [Progress(self.name, met, f"{posts} of {node['min_posts']} forum posts written.",
                                         posts, node["min_posts"])])
        if met:
            outcome.evidence.append({"name": "Forum posts", "narrative": f"Wrote {posts} posts."})
        return outcome

    def describe(self, node, _, names, badge_names):
        return _("Write at least {count} posts in the course forum.").format(count=node["min_posts"])

    def from_form(self, condition, key, _, errors, allowed):
        number = form_number(condition.get("min_posts"))
        if number is None or number != int(number) or number < 1:
            errors[f"{key}-min_posts"] = _("Enter a whole number of posts above 0.")
            return None
        return {"min_posts": int(number)}

    def to_form(self, leaf):
        return {"min_posts": str(leaf["min_posts"])}


@pytest.fixture
def forum_kind():
    register(ForumPosts)
    FORUM_POSTS.clear()
    yield KINDS["forum_posts"]
    unregister("forum_posts")
    FORUM_POSTS.clear()


@pytest.fixture
def studio_block():
    from lms_standin.xblock_runtime import StandInStudioRuntime

    return lambda user: StandInStudioRuntime(user).load_block(BLOCK_KEY)


def editor_json(block):
    """The init arguments studio.js reads, as the runtime writes them into the page."""
    page = block.runtime.render(block, "studio_view", {}).body_html()
    found = re.search(r'<script type="json/xblock-args" class="xblock_json_init_args">(.*?)</script>', page, re.S)
    return json.loads(html.unescape(found.group(1)) if "&quot;" in found.group(1) else found.group(1))


def form(**rule):
    return {"badge_uuid": "", "display_name": "Forum badge",
            "fields": {"name": "Forum Voice", "description": "Takes part.", "criteria_narrative": "Post.",
                       "alignments": []},
            "rule": rule or {"combine": "all", "conditions": [{"kind": "forum_posts", "min_posts": "3"}]}}


def test_a_kind_registered_here_reaches_editor_validation_index_progress_and_award(
        forum_kind, issuer, course, staff, student, studio_block, block_for):
    from lms_standin.xblock_runtime import save_settings
    from openedx_plugin import api
    from openedx_plugin.awards import awarding, rule_index
    from openedx_plugin.models import Award, BadgeRule

    # The editor: the kind is offered with its label and its field, as studio.js draws them.
    init = editor_json(studio_block(staff))
    offered = {kind["kind"]: kind for kind in init["kinds"]}
    assert offered["forum_posts"]["label"] == "Write in the course forum"
    assert offered["forum_posts"]["fields"] == [{"name": "min_posts", "type": "number", "min": 1,
                                                 "label": "Posts at least"}]
    assert "score" in offered and "badges" in offered  # the built-in kinds stay

    # The editor's form reads back through the kind, with its own field errors.
    status, data = call(studio_block(staff), "save_badge",
                        form(combine="all", conditions=[{"kind": "forum_posts", "min_posts": "none"}]))
    assert status == 400 and data["errors"] == {"rule-0-min_posts": "Enter a whole number of posts above 0."}
    assert not rule_index.cares(COURSE_KEY, "forum")
    status, data = call(studio_block(staff), "save_badge", form())
    assert status == 200 and data["ok"], data
    badge_uuid = data["badge"]["uuid"]
    rule = BadgeRule.objects.get(badge_class__uuid=badge_uuid)
    assert rule.condition == {"kind": "forum_posts", "course": COURSE_KEY, "min_posts": 3}

    # The editor shows the stored rule as its form again.
    save_settings(BLOCK_KEY, badge_uuid=badge_uuid, display_name="Forum badge")
    assert editor_json(studio_block(staff))["ruleForm"] == {
        "combine": "all", "conditions": [{"kind": "forum_posts", "min_posts": "3"}]}

    # Validation on the save path is the kind's own.
    with pytest.raises(ValidationError):
        api.save_badge(COURSE_KEY, {"name": "Broken"}, rule={"kind": "forum_posts", "course": COURSE_KEY,
                                                              "min_posts": 0})

    # The rule index listens for the kind's interest in this course, and for nothing it does not read.
    assert rule_index.cares(COURSE_KEY, "forum")
    assert rule.id in rule_index.rules_for_course(COURSE_KEY)

    # The block's views: the rule in words (the author's preview, and what a visitor reads),
    # and the learner's progress, read by the kind.
    preview = block_for(staff)
    assert "Write at least 3 posts in the course forum." in preview.runtime.render(preview, "author_view",
                                                                                  {}).body_html()
    visitor = block_for(None)
    assert "Write at least 3 posts in the course forum." in visitor.runtime.render(visitor, "student_view",
                                                                                  {}).body_html()
    FORUM_POSTS[(student.id, COURSE_KEY)] = 1
    learner = block_for(student)
    page = learner.runtime.render(learner, "student_view", {}).body_html()
    assert 'data-state="in_progress"' in page and "1 of 3 forum posts written." in page
    assert '<progress value="1" max="3"' in page
    assert not Award.objects.filter(user=student).exists()

    # The evaluation: once the platform says three posts, the pipeline awards the badge.
    FORUM_POSTS[(student.id, COURSE_KEY)] = 3
    made = awarding.evaluate_learner(student.id, COURSE_KEY, "forum")
    assert [str(award.badge_class.uuid) for award in made] == [badge_uuid]
    status, state = call(block_for(student), "check_now")
    assert status == 200 and state["state"] == "earned"


def test_without_the_class_the_kind_is_unknown_everywhere(issuer, course, staff, studio_block):
    """The other half: the same rule is refused, and the editor does not offer it, when nobody registered it."""
    from openedx_plugin import api
    from openedx_plugin.rules import validate

    assert "forum_posts" not in {kind["kind"] for kind in editor_json(studio_block(staff))["kinds"]}
    with pytest.raises(RuleError):
        validate({"kind": "forum_posts", "course": COURSE_KEY, "min_posts": 3})
    with pytest.raises(ValidationError):
        api.save_badge(COURSE_KEY, {"name": "Unknown"}, rule={"kind": "forum_posts", "course": COURSE_KEY,
                                                               "min_posts": 3})
    status, data = call(studio_block(staff), "save_badge", form())
    assert status == 400 and "rule-0-kind" in data["errors"]


def test_the_interest_table_follows_the_registry(forum_kind):
    """``rules.INTEREST``, which callers read before kinds were classes, is a live view of the registry."""
    from openedx_plugin.rules import INTEREST

    assert INTEREST["forum_posts"] == "forum" and INTEREST["score"] == "score"
    assert set(INTEREST) == set(KINDS)
