"""
The rule kinds' words live in the app's catalogue, with the kinds; the block still shows them
in the learner's and the author's language.

The platform's XBlockI18nService answers from the block's own ``text`` catalogue whenever the
block ships one for the language, with no fallback per message, so the block asks Django's
catalogues (where the app's are) for a message its own does not translate.
"""

import json
import re

import pytest
from django.utils import translation

from .conftest import BLOCK_KEY, call

pytestmark = pytest.mark.django_db


def test_the_block_shows_the_kinds_words_translated(configured, staff, block_for):
    from lms_standin.xblock_runtime import StandInStudioRuntime

    with translation.override("es"):
        visitor = block_for(None)
        page = visitor.runtime.render(visitor, "student_view", {}).body_html()
        assert "Obtén al menos 2 puntos en Homework: reading data." in page
        editor = StandInStudioRuntime(staff).load_block(BLOCK_KEY)
        studio = editor.runtime.render(editor, "studio_view", {}).body_html()
        init = json.loads(re.search(r'class="xblock_json_init_args">(.*?)</script>', studio, re.S).group(1))
        score = next(kind for kind in init["kinds"] if kind["kind"] == "score")
        assert score["label"] == "Alcanzar una puntuación en una evaluación"
        # What a score counts (rules.SCORE_DEFINITION) is shown beside the assessment, translated.
        assert score["fields"][0]["help"].startswith("Una puntuación suma los puntos de todos los problemas")
        status, data = call(StandInStudioRuntime(staff).load_block(BLOCK_KEY), "save_badge", {
            "badge_uuid": configured["uuid"], "display_name": "Insignia", "fields": {"name": "Data Reader"},
            "rule": {"combine": "all", "conditions": [{"kind": "score", "block": "nowhere", "value": "2"}]}})
        assert status == 400 and data["errors"]["rule-0-block"] == "Elige la evaluación de la lista."
