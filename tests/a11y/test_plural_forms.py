"""
Counts in the plugin's messages go through ngettext, so each language can give every number its
own form (Arabic has six). English shows the choice: one point, two points; a fraction takes the
general form. The catalogues' translations of these plural entries are added by the lead after
extraction (translations/ is not edited here).
"""

from django.utils.translation import gettext as _

from badge_xblock import authoring
from openedx_plugin.rules.kinds import plural_count

NAMES = {"block-v1:X+Y+Z+type@sequential+block@hw": "Homework"}
BLOCK = "block-v1:X+Y+Z+type@sequential+block@hw"


def test_points_take_their_plural_form():
    describe = authoring.describe_leaf
    assert describe({"kind": "score", "block": BLOCK, "min_points": 1}, _, NAMES) == "Score at least 1 point on Homework."
    assert describe({"kind": "score", "block": BLOCK, "min_points": 2}, _, NAMES) == "Score at least 2 points on Homework."
    assert describe({"kind": "score", "block": BLOCK, "min_points": 1.5}, _, NAMES) == \
        "Score at least 1.5 points on Homework."


def test_a_fraction_chooses_the_general_form():
    assert plural_count(3) == 3 and plural_count(2.0) == 2
    assert plural_count(1.5) == 100  # "other" in English, Spanish and Arabic


def test_group_heading_counts():
    leaf = {"kind": "course_passed"}
    assert authoring.describe_html({"at_least": 1, "of": [leaf, leaf]}, _).startswith(
        '<p class="badge-rule-line">At least 1 of these:</p>')
