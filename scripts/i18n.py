#!/usr/bin/env python
"""
Message catalogues: extract the source strings, compile the translations into the packages.

Sources live in ``translations/`` at the root of the repository, one folder per package::

    translations/openedx_plugin/<lang>/LC_MESSAGES/django.po     Python and Django templates of the app
    translations/openedx_plugin/<lang>/LC_MESSAGES/djangojs.po   the app's JavaScript (only if it has strings)
    translations/badge_xblock/<lang>/LC_MESSAGES/text.po         the block's Python and templates
    translations/badge_xblock/<lang>/LC_MESSAGES/djangojs.po     the block's JavaScript

``en`` holds the extracted source catalogues (empty msgstr); the other languages are translations.

``extract`` (``make extract_translations``) needs Babel (requirements/dev.in): it reads Python
(gettext, gettext_lazy, gettext_noop, ngettext, pgettext, ``_`` and the block's ``ugettext``),
Django templates ({% trans %}, {% blocktrans %}, through Django's own ``templatize``) and
JavaScript (gettext, ngettext), rewrites ``en`` and updates every translation, keeping what is
translated and leaving new strings empty.

``compile`` (``make compile_translations``) needs nothing but the standard library, and writes
what Open edX and Django load, which is committed so installs from git work:

    openedx_plugin/locale/<lang>/LC_MESSAGES/django.mo (and djangojs.mo)   Django's app locale
    badge_xblock/translations/<lang>/LC_MESSAGES/text.mo                  XBlock i18n service (domain text)
    badge_xblock/translations/<lang>/LC_MESSAGES/djangojs.mo              for the platform's compile_xblock_translations
    badge_xblock/public/js/translations/<lang>/text.js                     window.BadgeXBlockI18N for public/js/i18n.js

``check`` exits non-zero when a compiled file differs from what ``compile`` would write.
"""

import argparse
import ast
import io
import json
import os
import re
import struct
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = os.path.join(ROOT, "translations")
SOURCE_LANGUAGE = "en"

# package -> domain -> (what to extract, where the compiled catalogue goes)
DOMAINS = {
    "openedx_plugin": {
        "django": {"python": ["openedx_plugin"], "templates": ["openedx_plugin/templates"],
                   "exclude": ["openedx_plugin/migrations", "openedx_plugin/engine", "openedx_plugin/settings"]},
        "djangojs": {"javascript": ["openedx_plugin/static"]},
    },
    "badge_xblock": {
        "text": {"python": ["badge_xblock"], "templates": ["badge_xblock/templates"]},
        "djangojs": {"javascript": ["badge_xblock/public/js"], "exclude": ["badge_xblock/public/js/translations"]},
    },
}
JS_NAMESPACE = "BadgeXBlockI18N"

PY_KEYWORDS = {
    "_": None, "gettext": None, "gettext_lazy": None, "gettext_noop": None, "ugettext": None,
    "ugettext_lazy": None, "ngettext": (1, 2), "ngettext_lazy": (1, 2), "ungettext": (1, 2),
    "pgettext": ((1, "c"), 2), "pgettext_lazy": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
JS_KEYWORDS = {"gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3),
               "gettext_noop": None}


def compiled_paths(package, domain, lang, root=ROOT):
    """The files ``compile`` writes for one source catalogue."""
    if package == "openedx_plugin":
        return {"mo": os.path.join(root, "openedx_plugin", "locale", lang, "LC_MESSAGES", f"{domain}.mo")}
    paths = {"mo": os.path.join(root, "badge_xblock", "translations", lang, "LC_MESSAGES", f"{domain}.mo")}
    if domain == "djangojs":
        paths["js"] = os.path.join(root, "badge_xblock", "public", "js", "translations", lang, "text.js")
    return paths


def source_path(package, domain, lang):
    return os.path.join(SOURCES, package, lang, "LC_MESSAGES", f"{domain}.po")


def languages(package):
    folder = os.path.join(SOURCES, package)
    return sorted(name for name in os.listdir(folder) if os.path.isdir(os.path.join(folder, name, "LC_MESSAGES")))


def translated_languages(package):
    return [lang for lang in languages(package) if lang != SOURCE_LANGUAGE]


# --- reading .po files (standard library only) --------------------------------------------------


class Entry:
    """One message of a .po file."""

    def __init__(self):
        self.msgctxt = None
        self.msgid = ""
        self.msgid_plural = None
        self.msgstr = ""
        self.msgstr_plural = {}
        self.flags = set()
        self.obsolete = False

    @property
    def fuzzy(self):
        return "fuzzy" in self.flags

    def translations(self):
        return [self.msgstr_plural[i] for i in sorted(self.msgstr_plural)] if self.msgid_plural else [self.msgstr]


def _unquote(text):
    return ast.literal_eval(text) if text.startswith('"') else ""


def read_po(path):
    """The entries of a .po file; the header is the entry with an empty msgid."""
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and (entry.msgid or entry.msgstr or entry.msgid_plural):
            entries.append(entry)

    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    for raw in lines + [""]:
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if field is not None:
                finish()
                entry, field = None, None
            if entry is None:
                entry = Entry()
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith('"'):
            value = _unquote(line)
            if field == "msgctxt":
                entry.msgctxt += value
            elif field == "msgid":
                entry.msgid += value
            elif field == "msgid_plural":
                entry.msgid_plural += value
            elif field == "msgstr":
                entry.msgstr += value
            elif isinstance(field, int):
                entry.msgstr_plural[field] += value
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and field not in (None, "msgctxt"):
            finish()
            entry = None
        if entry is None:
            entry = Entry()
        value = _unquote(rest.strip())
        if keyword == "msgctxt":
            entry.msgctxt, field = value, "msgctxt"
        elif keyword == "msgid":
            entry.msgid, field = value, "msgid"
        elif keyword == "msgid_plural":
            entry.msgid_plural, field = value, "msgid_plural"
        elif keyword == "msgstr":
            entry.msgstr, field = value, "msgstr"
        elif keyword.startswith("msgstr["):
            index = int(keyword[7:-1])
            entry.msgstr_plural[index], field = value, index
        else:
            raise ValueError(f"{path}: cannot read line {raw!r}")
    finish()
    return entries


def header(entries):
    found = next((e for e in entries if e.msgid == "" and e.msgctxt is None), None)
    values = {}
    for line in (found.msgstr if found else "").splitlines():
        key, _, value = line.partition(":")
        if key.strip():
            values[key.strip()] = value.strip()
    return values


def messages(entries):
    """Translatable entries: no header, no obsolete ones."""
    return [e for e in entries if e.msgid and not e.obsolete]


def plural_forms(entries):
    """(nplurals, C expression) from the Plural-Forms header."""
    value = header(entries).get("Plural-Forms", "nplurals=2; plural=(n != 1);")
    parts = dict(part.strip().split("=", 1) for part in value.split(";") if "=" in part)
    return int(parts["nplurals"]), parts["plural"].strip()


# --- writing .mo and .js -------------------------------------------------------------------------


def mo_bytes(entries):
    """GNU .mo contents of the translated, non-fuzzy entries (as msgfmt writes them)."""
    pairs = {}
    for entry in entries:
        if entry.obsolete or (entry.msgid and entry.fuzzy):
            continue
        key = entry.msgid if entry.msgid_plural is None else entry.msgid + "\0" + entry.msgid_plural
        if entry.msgctxt is not None:
            key = entry.msgctxt + "\x04" + key
        value = "\0".join(entry.translations())
        if entry.msgid and not all(entry.translations()):
            continue
        pairs[key.encode("utf-8")] = value.encode("utf-8")
    keys = sorted(pairs)
    ids, strs, offsets = b"", b"", []
    for key in keys:
        offsets.append((len(ids), len(key), len(strs), len(pairs[key])))
        ids += key + b"\0"
        strs += pairs[key] + b"\0"
    start = 7 * 4 + 16 * len(keys)
    key_table, value_table = [], []
    for id_offset, id_length, str_offset, str_length in offsets:
        key_table += [id_length, start + id_offset]
        value_table += [str_length, start + len(ids) + str_offset]
    output = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8, 0, 0)
    output += struct.pack(f"{len(key_table)}i", *key_table) + struct.pack(f"{len(value_table)}i", *value_table)
    return output + ids + strs


JS_TEMPLATE = """\
/* Generated by scripts/i18n.py (make compile_translations) from
 * translations/badge_xblock/{lang}/LC_MESSAGES/djangojs.po: do not edit.
 * The badge block's JavaScript catalogue for {lang}, read by public/js/i18n.js. */
(function (global) {{
  "use strict";
  var catalog = {catalog};
  function pluralidx(n) {{
    var v = ({plural});
    return typeof v === "boolean" ? (v ? 1 : 0) : v;
  }}
  function lookup(key) {{
    return Object.prototype.hasOwnProperty.call(catalog, key) ? catalog[key] : undefined;
  }}
  global.{namespace} = {{
    language: {lang_json},
    catalog: catalog,
    pluralidx: pluralidx,
    gettext: function (msgid) {{
      var value = lookup(msgid);
      return typeof value === "string" ? value : msgid;
    }},
    ngettext: function (singular, plural, count) {{
      var value = lookup(singular);
      if (Array.isArray(value) && value[pluralidx(count)] !== undefined) {{
        return value[pluralidx(count)];
      }}
      return count === 1 ? singular : plural;
    }},
    pgettext: function (context, msgid) {{
      var value = lookup(context + "\\u0004" + msgid);
      return typeof value === "string" ? value : msgid;
    }},
    npgettext: function (context, singular, plural, count) {{
      var value = lookup(context + "\\u0004" + singular);
      if (Array.isArray(value) && value[pluralidx(count)] !== undefined) {{
        return value[pluralidx(count)];
      }}
      return count === 1 ? singular : plural;
    }}
  }};
}}(window));
"""


def js_text(entries, lang):
    catalog = {}
    for entry in messages(entries):
        if entry.fuzzy or not all(entry.translations()):
            continue
        key = entry.msgid if entry.msgctxt is None else entry.msgctxt + "\x04" + entry.msgid
        catalog[key] = entry.translations() if entry.msgid_plural is not None else entry.msgstr
    _, plural = plural_forms(entries)
    return JS_TEMPLATE.format(lang=lang, lang_json=json.dumps(lang), namespace=JS_NAMESPACE, plural=plural,
                              catalog=json.dumps(catalog, ensure_ascii=False, sort_keys=True, indent=2)
                              .replace("\n", "\n  "))


def compile_all(root=ROOT, verbose=True):
    """Write every compiled catalogue under ``root`` (the repository, or a folder to compare with)."""
    written = []
    for package, domains in DOMAINS.items():
        for lang in translated_languages(package):
            for domain in domains:
                source = source_path(package, domain, lang)
                if not os.path.exists(source):
                    continue
                entries = read_po(source)
                paths = compiled_paths(package, domain, lang, root)
                outputs = {"mo": mo_bytes(entries)}
                if "js" in paths:
                    outputs["js"] = js_text(entries, lang).encode("utf-8")
                for kind, path in paths.items():
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    with open(path, "wb") as handle:
                        handle.write(outputs[kind])
                    written.append(path)
                    if verbose:
                        print("compiled", os.path.relpath(path, root))
    return written


def stale_files():
    """Compiled files in the repository that differ from a fresh compile (or are missing)."""
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in compile_all(tmp, verbose=False):
            relative = os.path.relpath(path, tmp)
            target = os.path.join(ROOT, relative)
            with open(path, "rb") as fresh:
                expected = fresh.read()
            if not os.path.exists(target):
                stale.append(relative)
                continue
            with open(target, "rb") as current:
                if current.read() != expected:
                    stale.append(relative)
    return stale


# --- extraction (Babel) --------------------------------------------------------------------------


def _walk(folders, suffixes, exclude=()):
    excluded = [os.path.join(ROOT, path) for path in exclude]
    for folder in folders:
        for directory, subdirs, files in os.walk(os.path.join(ROOT, folder)):
            subdirs[:] = sorted(d for d in subdirs if d != "__pycache__"
                                and not any(os.path.join(directory, d).startswith(e) for e in excluded))
            for name in sorted(files):
                if name.endswith(suffixes):
                    yield os.path.join(directory, name)


def _django_template_as_python(path):
    """A template as the Python Django's makemessages feeds xgettext ({% trans %} -> gettext(...))."""
    import django  # pylint: disable=import-outside-toplevel
    from django.conf import settings  # pylint: disable=import-outside-toplevel

    if not settings.configured:
        settings.configure(USE_I18N=True)
        django.setup()
    from django.utils.translation.template import templatize  # pylint: disable=import-outside-toplevel

    with open(path, encoding="utf-8") as handle:
        text = templatize(handle.read(), origin=path)
    # Lines keep their numbers; leading blanks would trip Python's tokenizer.
    return "\n".join(line.lstrip() for line in text.split("\n"))


def extract(package, domain, spec):
    """A Babel catalogue of the domain's strings, with their locations."""
    from babel.messages.catalog import Catalog  # pylint: disable=import-outside-toplevel
    from babel.messages.extract import extract_javascript, extract_python  # pylint: disable=import-outside-toplevel

    catalog = Catalog(project="openedx-open-badges", domain=domain, charset="utf-8",
                      msgid_bugs_address="https://github.com/openedx-open-badges/openedx-open-badges/issues")
    exclude = spec.get("exclude", [])
    jobs = []
    for path in _walk(spec.get("python", []), (".py",), exclude):
        jobs.append((path, extract_python, lambda p: open(p, "rb").read(), PY_KEYWORDS))
    for path in _walk(spec.get("templates", []), (".html", ".txt"), exclude):
        jobs.append((path, extract_python, lambda p: _django_template_as_python(p).encode("utf-8"), PY_KEYWORDS))
    for path in _walk(spec.get("javascript", []), (".js",), exclude):
        jobs.append((path, extract_javascript, lambda p: open(p, "rb").read(), JS_KEYWORDS))
    for path, method, read, keywords in jobs:
        relative = os.path.relpath(path, ROOT)
        data = io.BytesIO(read(path))
        for lineno, funcname, messages_, comments in method(data, keywords, ["Translators:"], {"encoding": "utf-8"}):
            spec_ = keywords[funcname] or (1,)
            values = messages_ if isinstance(messages_, (list, tuple)) else (messages_,)
            # Only the arguments the keyword names are strings to translate: ngettext's count
            # (or any other argument) comes back as None and must not hide the call.
            context = None
            wanted = []
            for position in spec_:
                if isinstance(position, tuple):
                    context = values[position[0] - 1] if position[0] <= len(values) else None
                else:
                    wanted.append(values[position - 1] if position <= len(values) else None)
            values = wanted[:2]
            if not values or not values[0] or any(v is None for v in values):
                continue
            msgid = values[0] if len(values) == 1 else tuple(values[:2])
            catalog.add(msgid, locations=[(relative, lineno)], auto_comments=comments, context=context,
                        flags=_flags(msgid))
    _set_format_flags(catalog)
    return catalog


# What makes a msgid %-formatted here: a named directive (Django's ValidationError params,
# blocktrans variables), a bare %s or %d, or %% (blocktrans escapes a literal % that way).
# Babel and gettext guess more widely: to them "{percent}% of" holds the directive "% o".
PERCENT_DIRECTIVE = re.compile(r"%\(\w+\)|%[sd%]")


def _flags(msgid):
    """
    The format flags of a msgid, which scripts/i18n.py decides rather than Babel.

    A msgid is formatted one way, with % or with str.format, never both. Babel's Message flags
    python-format wherever it finds something shaped like a %-directive, so "Score at least
    {percent}% on {name}." (formatted with str.format) would carry python-format for its "% o",
    and ``msgfmt --check`` would then refuse any translation whose literal % is not followed by
    a conversion letter. The flags returned here say how the string is formatted and, for the
    other style, whether its characters (a literal % or a brace) are plain text: ``no-python-format``
    and ``no-python-brace-format`` stop gettext's tools and translation platforms from guessing.
    """
    text = msgid if isinstance(msgid, str) else " ".join(msgid)
    if PERCENT_DIRECTIVE.search(text):
        return ["python-format"] + (["no-python-brace-format"] if "{" in text or "}" in text else [])
    flags = []
    if "{" in text and "}" in text:
        flags.append("python-brace-format")
    if "%" in text:
        flags.append("no-python-format")
    return flags


def _set_format_flags(catalog):
    """Replace the format flags Babel guessed (or a translation carried over) with ``_flags``'s."""
    for message in catalog:
        if message.id:
            kept = {flag for flag in message.flags if not flag.endswith("-format")}
            message.flags = kept | set(_flags(message.id))


def write_catalogue(catalog, path):
    from babel.messages.pofile import write_po  # pylint: disable=import-outside-toplevel

    catalog.fuzzy = False
    catalog.copyright_holder = "The openedx-open-badges authors"
    catalog.msgid_bugs_address = "https://github.com/openedx-open-badges/openedx-open-badges/issues"
    catalog.last_translator = "openedx-open-badges maintainers"
    catalog.language_team = f"{catalog.locale} (openedx-open-badges)" if catalog.locale else ""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, ignore_obsolete=True, sort_output=False,
                 include_previous=False)


def extract_all():
    from babel.messages.pofile import read_po as babel_read_po  # pylint: disable=import-outside-toplevel

    for package, domains in DOMAINS.items():
        for domain, spec in domains.items():
            template = extract(package, domain, spec)
            source = source_path(package, domain, SOURCE_LANGUAGE)
            if not len(template):
                print(f"{package}/{domain}: no strings")
                continue
            template.locale = SOURCE_LANGUAGE
            write_catalogue(template, source)
            print(f"{package}/{domain}: {len(template)} strings -> {os.path.relpath(source, ROOT)}")
            for lang in translated_languages(package):
                path = source_path(package, domain, lang)
                if os.path.exists(path):
                    with open(path, "rb") as handle:
                        catalog = babel_read_po(handle, locale=lang, domain=domain)
                else:
                    from babel.messages.catalog import Catalog  # pylint: disable=import-outside-toplevel

                    catalog = Catalog(locale=lang, domain=domain, project="openedx-open-badges")
                catalog.update(template, no_fuzzy_matching=True)
                catalog.obsolete.clear()
                _set_format_flags(catalog)
                write_catalogue(catalog, path)
                missing = sum(1 for m in catalog if m.id and not (all(m.string) if m.pluralizable else m.string))
                print(f"  {lang}: {missing} untranslated")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("command", choices=["extract", "compile", "check", "stats"])
    args = parser.parse_args(argv)
    if args.command == "extract":
        extract_all()
    elif args.command == "compile":
        compile_all()
    elif args.command == "check":
        stale = stale_files()
        for path in stale:
            print("out of date:", path)
        return 1 if stale else 0
    elif args.command == "stats":
        for package, domains in DOMAINS.items():
            for lang in languages(package):
                for domain in domains:
                    path = source_path(package, domain, lang)
                    if os.path.exists(path):
                        entries = messages(read_po(path))
                        done = sum(1 for e in entries if all(e.translations()) and not e.fuzzy)
                        print(f"{package} {lang} {domain}: {len(entries)} strings, {done} translated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
