"""
The editor's form as an earning rule, and any rule in plain words.

The form is flat (conditions combined with "all" or "any") because that is what
an author can check at a glance. The engine's rule tree can say more; a rule
made elsewhere that the form cannot show is kept as it is (``form_from_rule``
answers None) instead of being silently simplified.

Functions take ``_``, the block's gettext, so every message is in the
learner's or author's language.
"""

from django.utils.html import format_html, format_html_join
from django.utils.translation import ngettext

COMBINE = ("all", "any")


def kinds():
    """
    The rule language's kinds by name (``openedx_plugin.rules.KINDS``, through the API).

    Each kind draws its own form, reads it back and says itself in words, so this module
    and studio.js hold no list of kinds.
    """
    # Imported when first used: the XBlock loader imports this module before Django's app
    # registry is ready, and the API imports the plugin's models.
    from openedx_plugin import api  # pylint: disable=import-outside-toplevel

    return api.rule_kinds()


def certificate_modes():
    """The enrollment modes a certificate condition may name (the editor's ``modes`` list)."""
    from openedx_plugin import api  # pylint: disable=import-outside-toplevel  (see kinds())

    return api.certificate_modes()


def editor_kinds(_):
    """What studio.js draws for each kind: its label and fields in the author's words, in the registry's order."""
    return [kind.editor(_) for kind in kinds().values()]


def rule_from_form(form, course_key, _, *, blocks=(), units=(), badges=(), own_badge=None, skills=()):
    """
    The engine's rule for the form's conditions: ``(rule, errors)``.

    ``errors`` maps form keys (``rule``, ``rule-<n>-<field>``) to messages; the
    rule is None when there are errors. ``blocks``, ``units`` and ``badges`` are
    what this course offers, so a forged request cannot point a rule elsewhere.
    """
    errors = {}
    if not isinstance(form, dict):
        return None, {"rule": _("The earning rule could not be read.")}
    combine = form.get("combine", "all")
    if combine not in COMBINE:
        errors["rule"] = _("Choose whether all or any of the conditions must be met.")
    conditions = form.get("conditions")
    if not isinstance(conditions, list) or not conditions:
        errors["rule"] = _("Add at least one condition: without one, no learner could earn this badge.")
        return None, errors
    leaves = []
    allowed = {"blocks": set(blocks), "units": set(units), "badges": set(badges), "own_badge": own_badge,
               "skills": set(skills)}
    for index, condition in enumerate(conditions):
        leaf = _leaf_from_form(condition, f"rule-{index}", course_key, _, errors, allowed)
        if leaf is not None:
            leaves.append(leaf)
    if errors:
        return None, errors
    if len(leaves) == 1:
        return leaves[0], {}
    return {combine: leaves}, {}


def _leaf_from_form(condition, key, course_key, _, errors, allowed):
    kind = kinds().get(condition.get("kind")) if isinstance(condition, dict) else None
    if kind is None:
        errors[f"{key}-kind"] = _("Choose what the learner must do.")
        return None
    fields = kind.from_form(condition, key, _, errors, allowed)
    if fields is None:
        return None
    leaf = {"kind": kind.name}
    if kind.in_course:
        leaf["course"] = course_key
    leaf.update(fields)
    return leaf


def form_from_rule(rule, course_key):
    """The form's view of a stored rule; None when the form cannot show it (kept unchanged then)."""
    if rule is None:
        return {"combine": "all", "conditions": []}
    if "kind" in rule:
        leaves, combine = [rule], "all"
    else:
        combine = next((key for key in COMBINE if key in rule), None)
        if combine is None or len(rule) != 1 or not all(isinstance(c, dict) and "kind" in c for c in rule[combine]):
            return None
        leaves = rule[combine]
    conditions = []
    for leaf in leaves:
        kind = kinds().get(leaf.get("kind"))
        if kind is None or ("course" in leaf and leaf["course"] != course_key):
            return None
        shown = kind.to_form(leaf)
        if shown is None:
            return None
        conditions.append({"kind": kind.name, **shown})
    return {"combine": combine, "conditions": conditions}


# --- the rule in words ---------------------------------------------------------------------------


def describe_leaf(leaf, _, names=None, badge_names=None):
    """One condition as a sentence an author and a learner can both read."""
    kind = kinds().get(leaf.get("kind"))
    if kind is None:
        return _("A condition this version cannot describe ({kind}).").format(kind=leaf.get("kind"))
    return kind.describe(leaf, _, names or {}, badge_names or {})


def _group_heading(rule, _):
    if "all" in rule:
        return _("All of these:")
    if "any" in rule:
        return _("Any one of these:")
    # The plural form comes from Django's catalogues (the app's, where the block's untranslated
    # messages are looked up too: BadgeBlock.ugettext).
    count = rule.get("at_least")
    return ngettext("At least {count} of these:", "At least {count} of these:", count).format(count=count)


def describe_html(rule, _, names=None, badge_names=None):
    """The rule as nested lists (escaped HTML); an empty string for no rule."""
    if not rule:
        return ""
    if "kind" in rule:
        return format_html('<p class="badge-rule-line">{}</p>', describe_leaf(rule, _, names, badge_names))
    return format_html('<p class="badge-rule-line">{}</p>{}', _group_heading(rule, _),
                       _children_html(rule, _, names, badge_names))


def _children_html(rule, _, names, badge_names):
    children = next(rule[key] for key in ("all", "any", "of") if key in rule)
    items = []
    for child in children:
        if "kind" in child:
            items.append((describe_leaf(child, _, names, badge_names), ""))
        else:
            items.append((_group_heading(child, _), _children_html(child, _, names, badge_names)))
    return format_html('<ul class="badge-rule-list">{}</ul>', format_html_join("", "<li>{}{}</li>", items))

