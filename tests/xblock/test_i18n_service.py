"""
The block's strings come from its own ``text`` catalogue, as Open edX serves them (issue 19, item 15).

The platform's XBlockI18nService (xmodule/modulestore/django.py) is made per block and
loads ``<block package>/translations/<locale>/LC_MESSAGES/text.mo`` in the active
language, falling back to Django's translations. The stand-in's service does the same,
so a string that only the block's catalogue translates shows translated, in Python and
in ``{% trans %}`` of the block's templates.
"""

import gettext

import pytest
from django.utils import translation

from .conftest import BLOCK_KEY

pytestmark = pytest.mark.django_db

# In the block's text catalogue, and in no Django catalogue of the stand-in.
BLOCK_ONLY = "How to earn it"
SPANISH = {"How to earn it": "Cómo obtenerla",
           "Sign in and enroll in the course to earn this badge and follow your progress.":
               "Inicia sesión e inscríbete"}


def test_the_string_is_the_blocks_alone():
    """The premise: Django's own catalogues (what the old stand-in service read) do not translate it."""
    with translation.override("es"):
        assert translation.gettext(BLOCK_ONLY) == BLOCK_ONLY


def test_service_is_made_per_block_from_its_text_catalogue(course, student, block_for):
    with translation.override("es"):
        block = block_for(student)
        service = block.runtime.service(block, "i18n")
        assert isinstance(service.translator, gettext.GNUTranslations)
        assert service.gettext(BLOCK_ONLY) == SPANISH[BLOCK_ONLY]
        assert service.ugettext(BLOCK_ONLY) == SPANISH[BLOCK_ONLY]
        assert block.ugettext(BLOCK_ONLY) == SPANISH[BLOCK_ONLY]
        assert service.get_javascript_i18n_catalog_url(block) is None


def test_without_a_catalogue_for_the_language_django_translates(course, student, block_for):
    with translation.override("en"):
        block = block_for(student)
        service = block.runtime.service(block, "i18n")
        assert service.translator is translation
        assert service.gettext(BLOCK_ONLY) == BLOCK_ONLY


def test_studio_runtime_has_the_same_i18n_service(course, staff):
    from lms_standin.xblock_runtime import StandInStudioRuntime

    with translation.override("fr"):
        block = StandInStudioRuntime(staff).load_block(BLOCK_KEY)
        assert block.ugettext(BLOCK_ONLY) == "Comment l'obtenir"


def test_learner_view_is_translated_in_python_and_templates(configured, block_for):
    """Anonymous learner in Spanish: template ({% trans %}) and Python strings from text.mo, and the JS catalogue."""
    with translation.override("es"):
        block = block_for(None)
        fragment = block.runtime.render(block, "student_view", {})
    html = fragment.body_html()
    assert SPANISH[BLOCK_ONLY] in html and BLOCK_ONLY not in html
    assert "Inicia sesión e inscríbete" in html
    urls = [resource.data for resource in fragment.resources if resource.kind == "url"]
    assert "/xblock/resource/badge_xblock/public/js/translations/es/text.js" in urls
