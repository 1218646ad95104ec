"""The catalogues in translations/: complete, placeholders kept, and compiled files up to date."""

import gettext
import importlib.util
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_spec = importlib.util.spec_from_file_location("badges_i18n", os.path.join(ROOT, "scripts", "i18n.py"))
i18n = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(i18n)

LANGUAGES = ("es", "fr", "ar")
CATALOGUES = [(package, domain) for package, domains in i18n.DOMAINS.items() for domain in domains
              if os.path.exists(i18n.source_path(package, domain, "en"))]
PLACEHOLDER = re.compile(r"\{[a-z_]*(?::[^}]*)?\}|%\([a-z_]+\)[sdfg]|%[sd]|\{\{ *[\w.]+ *\}\}|</?[a-zA-Z][^>]*>")


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


def test_expected_catalogues_exist():
    assert ("openedx_plugin", "django") in CATALOGUES
    assert ("badge_xblock", "text") in CATALOGUES
    assert ("badge_xblock", "djangojs") in CATALOGUES
    for package in i18n.DOMAINS:
        assert set(LANGUAGES) <= set(i18n.translated_languages(package))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("package,domain", CATALOGUES)
def test_catalogue_is_complete(package, domain, lang):
    source = {(e.msgctxt, e.msgid) for e in i18n.messages(i18n.read_po(i18n.source_path(package, domain, "en")))}
    entries = i18n.read_po(i18n.source_path(package, domain, lang))
    translated = {(e.msgctxt, e.msgid) for e in i18n.messages(entries)}
    assert translated == source, "run make extract_translations"
    problems = [e.msgid for e in i18n.messages(entries) if e.fuzzy or not all(s.strip() for s in e.translations())]
    assert not problems, f"empty or fuzzy in {lang}/{domain}: {problems}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("package,domain", CATALOGUES)
def test_placeholders_and_tags_are_kept(package, domain, lang):
    wrong = []
    for entry in i18n.messages(i18n.read_po(i18n.source_path(package, domain, lang))):
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid_plural]
        for text in entry.translations():
            if placeholders(text) != placeholders(sources[0]) and not (
                    entry.msgid_plural and placeholders(text) == placeholders(entry.msgid)):
                wrong.append((entry.msgid, text))
    assert not wrong


def test_arabic_has_six_plural_forms():
    for package, domain in CATALOGUES:
        nplurals, plural = i18n.plural_forms(i18n.read_po(i18n.source_path(package, domain, "ar")))
        assert nplurals == 6 and "n % 100 >= 11" in plural


def test_compiled_files_are_up_to_date():
    assert i18n.stale_files() == [], "run make compile_translations"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogues_load_with_gettext(lang):
    plugin = gettext.translation("django", os.path.join(ROOT, "openedx_plugin", "locale"), languages=[lang])
    block = gettext.translation("text", os.path.join(ROOT, "badge_xblock", "translations"), languages=[lang])
    assert plugin.gettext("My badges") != "My badges"
    assert block.gettext("How to earn it") != "How to earn it"
    script = os.path.join(ROOT, "badge_xblock", "public", "js", "translations", lang, "text.js")
    with open(script, encoding="utf-8") as handle:
        assert "window" in handle.read()


def test_package_data_ships_the_catalogues():
    with open(os.path.join(ROOT, "setup.py"), encoding="utf-8") as handle:
        setup = handle.read()
    assert "locale/*/LC_MESSAGES/*" in setup and "translations/*/LC_MESSAGES/*" in setup
    assert "public/**/*" in setup
