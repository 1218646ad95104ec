"""The catalogues in translations/: complete, placeholders kept, and compiled files up to date."""

import gettext
import glob
import importlib.util
import os
import re
import shutil
import subprocess
from types import SimpleNamespace

import pytest

from tests.ci import unavailable

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_spec = importlib.util.spec_from_file_location("badges_i18n", os.path.join(ROOT, "scripts", "i18n.py"))
i18n = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(i18n)

LANGUAGES = ("es", "fr", "ar")
CATALOGUES = [(package, domain) for package, domains in i18n.DOMAINS.items() for domain in domains
              if os.path.exists(i18n.source_path(package, domain, "en"))]
SOURCE_FILES = sorted(glob.glob(os.path.join(ROOT, "translations", "*", "*", "LC_MESSAGES", "*.po")))
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


def test_every_language_is_checked_by_msgfmt():
    checked = {os.path.relpath(path, os.path.join(ROOT, "translations")).split(os.sep)[1] for path in SOURCE_FILES}
    assert {"en", *LANGUAGES} <= checked


@pytest.mark.parametrize("path", SOURCE_FILES, ids=lambda path: os.path.relpath(path, ROOT))
def test_msgfmt_check_accepts_the_catalogue(path):
    """
    GNU msgfmt, which translators and platforms run, accepts the catalogue: header, plural forms
    and the placeholders of every entry flagged with a format (python-format, python-brace-format).
    A msgid flagged python-format by mistake ("{percent}% of" read as the directive "% o") makes it
    refuse a correct translation, so this catches the flags as well as the translations.
    """
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        unavailable("msgfmt is not installed (apt-get install gettext)")
    result = subprocess.run([msgfmt, "--check", "-o", os.devnull, path], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("msgid,flags", [
    ("Score at least {percent}% on {name}.", ["python-brace-format", "no-python-format"]),
    ("Complete at least {percent}% of the course.", ["python-brace-format", "no-python-format"]),
    ("Minimum grade (%)", ["no-python-format"]),
    ("Completed {now} of the course.", ["python-brace-format"]),
    (("Score at least {points} point on {name}.", "Score at least {points} points on {name}."),
     ["python-brace-format"]),
    ("Badge revoked: %(reason)s", ["python-format"]),
    ("no spaces or { } characters: %(reason)s", ["python-format", "no-python-brace-format"]),
    ("%(count)s badge", ["python-format"]),
    ("100%% done", ["python-format"]),
    ("My badges", []),
])
def test_format_flags_follow_how_the_string_is_formatted(msgid, flags):
    assert i18n._flags(msgid) == flags  # pylint: disable=protected-access


def test_format_flags_replace_what_babel_guessed():
    """Babel flags "% o" as python-format; a translation carries old flags over: both give way."""
    guessed = SimpleNamespace(id="Score at least {percent}% on {name}.",
                              flags={"python-format", "python-brace-format", "fuzzy"})
    header = SimpleNamespace(id="", flags={"fuzzy"})
    i18n._set_format_flags([guessed, header])  # pylint: disable=protected-access
    assert guessed.flags == {"python-brace-format", "no-python-format", "fuzzy"}
    assert header.flags == {"fuzzy"}


@pytest.mark.parametrize("path", SOURCE_FILES, ids=lambda path: os.path.relpath(path, ROOT))
def test_catalogue_flags_are_the_extraction_flags(path):
    """Each entry carries the format flags extraction gives it (run make extract_translations)."""
    wrong = []
    for entry in i18n.messages(i18n.read_po(path)):
        msgid = entry.msgid if entry.msgid_plural is None else (entry.msgid, entry.msgid_plural)
        flags = {flag for flag in entry.flags if flag.endswith("-format")}
        if flags != set(i18n._flags(msgid)):  # pylint: disable=protected-access
            wrong.append((entry.msgid, sorted(flags)))
    assert not wrong
