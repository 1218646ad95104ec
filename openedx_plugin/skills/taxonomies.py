"""
Skills from the taxonomies Open edX already keeps: a content-tagging tag as a badge's alignment,
the levels and categories an author files a badge under, and the skills a course's content carries.

Taxonomies and tags are read through ``compat`` (openedx_tagging, and the platform's
content_tagging for the organizations a taxonomy serves). A tag chosen in the editor is turned
into an alignment here, on the server, from the tag itself: the browser names the taxonomy and
the tag, never the code or framework that get signed.
"""

import json
import re
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import compat, conf
from ..credentials import public_urls
from ..engine import ob3

# The target types an author chooses from, in the order the editor lists them: the Open Badges
# 3.0 AlignmentTargetType terms a skill taxonomy's tag is most often (a CASE item, a CTDL
# competency, a credential), then the rest of the spec's list; ``ext:`` names are accepted too.
TARGET_TYPES = ("CFItem", "ceasn:Competency", "ceterms:Credential", "CTDL", "CFRubric", "CFRubricCriterion",
                "CFRubricCriterionLevel")
_EXT_TYPE = re.compile(r"^ext:[A-Za-z0-9._-]+$")

LEVELS_EXPORT_ID = "openedx-badges-levels"
LEVELS_NAME = "Open Badges levels"


def valid_target_type(value):
    """Whether ``value`` is a ``targetType`` the 3.0 context defines (or an ``ext:`` extension)."""
    return value in ob3.ALIGNMENT_TARGET_TYPES or bool(_EXT_TYPE.match(value or ""))


def _is_web_address(value):
    parts = urlsplit(value or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(ch.isspace() for ch in value)


def skill_page_url(issuer, export_id, code):
    """The plugin's public page of a skill (``targetUrl`` of a tag that names no web address of its own)."""
    return public_urls.skill_url(issuer, export_id, code)


def alignment_for_tag(tag, issuer, target_type=""):
    """
    The OB 3.0 ``Alignment`` of a badge aligned to the taxonomy tag ``tag`` (a ``compat.TagRef``):
    ``targetName`` the tag's value, ``targetCode`` its external id (the code in the framework it
    was imported from; the value when it has none), ``targetFramework`` the taxonomy's name,
    ``targetUrl`` the external id when that is a web address (ESCO and O*NET exports use URIs),
    else the plugin's public page of the skill, and the author's ``targetType``.
    """
    code = tag.external_id or tag.value
    url = tag.external_id if _is_web_address(tag.external_id) else skill_page_url(issuer, tag.export_id, code)
    alignment = {"type": ["Alignment"], "targetName": tag.value, "targetUrl": url, "targetCode": code,
                 "targetFramework": tag.taxonomy}
    if target_type:
        alignment["targetType"] = target_type
    return alignment


def ob2_alignment(alignment):
    """
    The OB 2.0 ``AlignmentObject`` of a stored alignment: 2.0 has no ``targetType``, so it keeps
    name, URL, description, framework and code (the terms of the 2.0 context).
    """
    return {key: alignment[key] for key in ("targetName", "targetUrl", "targetDescription", "targetFramework",
                                            "targetCode") if alignment.get(key)}


def tag_option(tag, issuer=None):
    """A tag as the editor lists it (search results, proposed skills)."""
    return {"taxonomy_id": tag.taxonomy_id, "taxonomy": tag.taxonomy, "export_id": tag.export_id,
            "value": tag.value, "code": tag.external_id or tag.value, "parent": tag.parent_value,
            "key": skill_key(tag.export_id, tag.value)}


def skill_key(export_id, value):
    """One text naming a taxonomy's tag (a taxonomy's export id holds no ':', so the first one splits)."""
    return f"{export_id}:{value}"


def split_skill_key(key):
    """``(export_id, value)`` of a ``skill_key``, or None for anything else."""
    if not isinstance(key, str) or ":" not in key:
        return None
    export_id, value = key.split(":", 1)
    return (export_id, value) if export_id and value else None


def course_org(course_key):
    """The organization of a course key (``course-v1:Org+…``), or ""."""
    from opaque_keys import InvalidKeyError  # pylint: disable=import-outside-toplevel
    from opaque_keys.edx.keys import CourseKey  # pylint: disable=import-outside-toplevel

    try:
        return CourseKey.from_string(str(course_key)).org
    except InvalidKeyError:
        return ""


def search(user, course_key, term, taxonomy_id=None):
    """
    The tags of the taxonomies the course's organization may use and ``user`` may view whose value
    contains ``term``: what the editor offers as the author types. At most
    ``OPENEDX_BADGES_SKILL_SEARCH_LIMIT`` tags, taxonomy by taxonomy.
    """
    limit = conf.get("OPENEDX_BADGES_SKILL_SEARCH_LIMIT")
    found = []
    for taxonomy in compat.org_taxonomies(user, course_org(course_key)):
        if taxonomy_id is not None and taxonomy.id != taxonomy_id:
            continue
        if taxonomy.export_id in (level_taxonomy_export_id(), conf.get("OPENEDX_BADGES_CATEGORY_TAXONOMY")):
            continue  # levels and categories are chosen in their own fields
        found.extend(tag_option(tag) for tag in compat.search_tags(taxonomy.id, term, limit - len(found)))
        if len(found) >= limit:
            break
    return found


def resolve(user, course_key, taxonomy_id, value, target_type, issuer):
    """
    The alignment of the tag ``value`` of taxonomy ``taxonomy_id`` for a badge of ``course_key``;
    ``ValidationError`` when the taxonomy is not one the course's organization may use and
    ``user`` may view, the tag is not in it, or the target type is not one the 3.0 context defines.
    """
    if target_type and not valid_target_type(target_type):
        raise ValidationError(_("Choose a target type from the list, or ext: followed by letters, digits, '.', "
                                "'_' or '-'."))
    allowed = {taxonomy.id for taxonomy in compat.org_taxonomies(user, course_org(course_key))}
    tag = compat.taxonomy_tag(taxonomy_id, value) if taxonomy_id in allowed else None
    if tag is None:
        raise ValidationError(_("This skill is not in a taxonomy this course's organization can use."))
    return alignment_for_tag(tag, issuer, target_type)


# --- levels and categories ---------------------------------------------------------------------


@cache
def shipped_levels():
    """The default level taxonomy shipped with the plugin (openedx_tagging's JSON import format)."""
    data = resources.files("openedx_plugin.skills").joinpath("data/levels.json").read_text(encoding="utf-8")
    return json.loads(data)


def shipped_levels_bytes():
    """The shipped level taxonomy as the bytes ``compat.import_taxonomy`` imports."""
    return resources.files("openedx_plugin.skills").joinpath("data/levels.json").read_bytes()


def level_taxonomy_export_id():
    return conf.get("OPENEDX_BADGES_LEVEL_TAXONOMY")


def levels():
    """
    The levels an author chooses from, weakest first: the tags of the configured level
    taxonomy once imported, else the shipped list (the same values).
    """
    taxonomy = compat.taxonomy_by_export_id(level_taxonomy_export_id())
    if taxonomy is not None:
        # A level taxonomy lists its levels in the order of their tag ids (level-1-…, level-2-…):
        # the tagging app itself sorts tags by value.
        tags = sorted((tag for tag in compat.taxonomy_tags(taxonomy.id) if not tag.parent_value),
                      key=lambda tag: (tag.external_id or "", tag.value))
        if tags:
            return [tag.value for tag in tags]
    return [tag["value"] for tag in shipped_levels()["tags"] if not tag.get("parent_id")]


def categories():
    """The categories an author chooses from: the top-level tags of the category taxonomy, if one is set."""
    taxonomy = compat.taxonomy_by_export_id(conf.get("OPENEDX_BADGES_CATEGORY_TAXONOMY"))
    if taxonomy is None:
        return []
    return [tag.value for tag in compat.taxonomy_tags(taxonomy.id) if not tag.parent_value]


# --- skills carried by the course's content ---------------------------------------------------


def content_skills(course_key, blocks=None):
    """
    ``{usage_key: [tag option]}``: the skill tags each block carries itself or through the blocks
    below it (a subsection tagged "Data analysis" and a problem in it tagged "Charts" make the
    subsection propose both), from one read of the course's tags. ``blocks`` is
    ``compat.course_blocks`` (read when not given). Levels and categories are left out.
    """
    tags = compat.content_tags(course_key)
    if not tags:
        return {}
    blocks = blocks if blocks is not None else (compat.course_blocks(course_key) or [])
    skipped = {level_taxonomy_export_id(), conf.get("OPENEDX_BADGES_CATEGORY_TAXONOMY")}
    parents = {block["usage_key"]: block.get("parent") for block in blocks}
    carried = {}
    for object_id, refs in tags.items():
        options = [tag_option(tag) for tag in refs if tag.export_id not in skipped]
        if not options or object_id == str(course_key):
            continue
        current = object_id
        seen = set()
        while current and current not in seen:
            seen.add(current)
            bucket = carried.setdefault(current, [])
            bucket.extend(option for option in options if option["key"] not in {o["key"] for o in bucket})
            current = parents.get(current)
    return carried

