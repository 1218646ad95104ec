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

KINDS = ("course_passed", "course_completion", "certificate", "score", "units_completed", "badges")
# Enrollment modes the LMS issues certificates for (audit learners get none).
CERTIFICATE_MODES = ("honor", "verified", "professional", "no-id-professional", "masters", "credit")
COMBINE = ("all", "any")


def _number(value):
    """A number from a form value (JSON number or numeric text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and value.strip():
        try:
            return float(value.strip().replace(",", "."))
        except ValueError:
            return None
    return None


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _strings(value):
    return [item for item in value if isinstance(item, str) and item] if isinstance(value, list) else []


def _fraction(percent):
    """Percent typed by the author (0..100) as the engine's fraction, without float noise."""
    return round(percent / 100, 6)


def _percent_error(errors, key, value, _, required):
    if _blank(value):
        if required:
            errors[key] = _("Enter a percentage from 0 to 100.")
        return None
    number = _number(value)
    if number is None or not 0 <= number <= 100:
        errors[key] = _("Enter a percentage from 0 to 100.")
        return None
    return number


def rule_from_form(form, course_key, _, *, blocks=(), units=(), badges=(), own_badge=None):
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
    allowed = {"blocks": set(blocks), "units": set(units), "badges": set(badges), "own_badge": own_badge}
    for index, condition in enumerate(conditions):
        leaf = _leaf_from_form(condition, f"rule-{index}", course_key, _, errors, allowed)
        if leaf is not None:
            leaves.append(leaf)
    if errors:
        return None, errors
    if len(leaves) == 1:
        return leaves[0], {}
    return {combine: leaves}, {}


def _leaf_from_form(condition, key, course_key, _, errors, allowed):  # noqa: PLR0915  (one branch per kind)
    blocks, units, badges, own_badge = allowed["blocks"], allowed["units"], allowed["badges"], allowed["own_badge"]
    if not isinstance(condition, dict) or condition.get("kind") not in KINDS:
        errors[f"{key}-kind"] = _("Choose what the learner must do.")
        return None
    kind = condition["kind"]
    leaf = {"kind": kind}
    if kind != "badges":
        leaf["course"] = course_key
    if kind in ("course_passed", "course_completion"):
        percent = _percent_error(errors, f"{key}-min_percent", condition.get("min_percent"), _,
                                 required=kind == "course_completion")
        if percent is not None:
            leaf["min_percent"] = _fraction(percent)
        elif kind == "course_completion":
            return None
    elif kind == "certificate":
        modes = _strings(condition.get("modes"))
        unknown = [mode for mode in modes if mode not in CERTIFICATE_MODES]
        if unknown:
            errors[f"{key}-modes"] = _("Choose modes from the list.")
            return None
        if modes:
            leaf["modes"] = modes
    elif kind == "score":
        block = condition.get("block")
        if not isinstance(block, str) or block not in blocks:
            errors[f"{key}-block"] = _("Choose the assessment from the list.")
        threshold = condition.get("threshold", "points")
        value = _number(condition.get("value"))
        if threshold == "percent":
            if value is None or not 0 < value <= 100:
                errors[f"{key}-value"] = _("Enter a percentage above 0 and at most 100.")
            else:
                leaf["min_fraction"] = _fraction(value)
        elif threshold == "points":
            if value is None or value <= 0:
                errors[f"{key}-value"] = _("Enter a number of points above 0.")
            else:
                leaf["min_points"] = value if value != int(value) else int(value)
        else:
            errors[f"{key}-threshold"] = _("Choose points or percent.")
        if f"{key}-block" in errors or f"{key}-value" in errors or f"{key}-threshold" in errors:
            return None
        leaf["block"] = block
    elif kind == "units_completed":
        chosen = _strings(condition.get("blocks"))
        if not chosen:
            errors[f"{key}-blocks"] = _("Choose at least one unit.")
            return None
        if any(block not in units for block in chosen):
            errors[f"{key}-blocks"] = _("Choose units of this course.")
            return None
        leaf["blocks"] = chosen
    else:  # badges
        chosen = _strings(condition.get("badges"))
        if not chosen:
            errors[f"{key}-badges"] = _("Choose at least one badge.")
            return None
        if own_badge and own_badge in chosen:
            errors[f"{key}-badges"] = _("A badge cannot require itself.")
            return None
        if any(uuid not in badges for uuid in chosen):
            errors[f"{key}-badges"] = _("Choose badges of this course.")
            return None
        leaf["badges"] = chosen
        at_least = condition.get("at_least")
        if not _blank(at_least):
            number = _number(at_least)
            if number is None or number != int(number) or not 1 <= number <= len(chosen):
                errors[f"{key}-at_least"] = _("Enter a whole number from 1 to the number of badges chosen, "
                                              "or leave it empty for all of them.")
                return None
            leaf["at_least"] = int(number)
    return leaf


def _percent_text(fraction):
    return f"{round(fraction * 100, 2):g}"


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
        if leaf.get("kind") not in KINDS or ("course" in leaf and leaf["course"] != course_key):
            return None
        conditions.append(_form_condition(leaf))
    return {"combine": combine, "conditions": conditions}


def _form_condition(leaf):
    kind = leaf["kind"]
    if kind in ("course_passed", "course_completion"):
        value = leaf.get("min_percent")
        return {"kind": kind, "min_percent": _percent_text(value) if value is not None else ""}
    if kind == "certificate":
        return {"kind": kind, "modes": list(leaf.get("modes") or [])}
    if kind == "score":
        if "min_points" in leaf:
            return {"kind": kind, "block": leaf["block"], "threshold": "points", "value": f"{leaf['min_points']:g}"}
        return {"kind": kind, "block": leaf["block"], "threshold": "percent",
                "value": _percent_text(leaf["min_fraction"])}
    if kind == "units_completed":
        return {"kind": kind, "blocks": list(leaf["blocks"])}
    return {"kind": kind, "badges": list(leaf["badges"]),
            "at_least": str(leaf["at_least"]) if "at_least" in leaf else ""}


# --- the rule in words ---------------------------------------------------------------------------


def describe_leaf(leaf, _, names=None, badge_names=None):
    """One condition as a sentence an author and a learner can both read."""
    names, badge_names = names or {}, badge_names or {}
    kind = leaf.get("kind")
    missing = _("a block that is no longer in the course")
    if kind == "course_passed":
        if leaf.get("min_percent") is not None:
            return _("Pass the course with a grade of at least {percent}%.").format(
                percent=_percent_text(leaf["min_percent"]))
        return _("Pass the course.")
    if kind == "course_completion":
        return _("Complete at least {percent}% of the course.").format(percent=_percent_text(leaf["min_percent"]))
    if kind == "certificate":
        if leaf.get("modes"):
            return _("Earn the course certificate ({modes}).").format(modes=", ".join(leaf["modes"]))
        return _("Earn the course certificate.")
    if kind == "score":
        name = names.get(leaf.get("block")) or missing
        if "min_points" in leaf:
            return _("Score at least {points} points on {name}.").format(points=f"{leaf['min_points']:g}", name=name)
        return _("Score at least {percent}% on {name}.").format(percent=_percent_text(leaf["min_fraction"]),
                                                               name=name)
    if kind == "units_completed":
        units = ", ".join(names.get(block) or missing for block in leaf.get("blocks", []))
        return _("Complete these units: {units}.").format(units=units)
    if kind == "badges":
        chosen = leaf.get("badges", [])
        listed = ", ".join(badge_names.get(uuid) or _("a badge that no longer exists") for uuid in chosen)
        at_least = leaf.get("at_least", len(chosen))
        if at_least >= len(chosen):
            return _("Earn all of these badges: {badges}.").format(badges=listed)
        return _("Earn {count} of these badges: {badges}.").format(count=at_least, badges=listed)
    return _("A condition this version cannot describe ({kind}).").format(kind=kind)


def _group_heading(rule, _):
    if "all" in rule:
        return _("All of these:")
    if "any" in rule:
        return _("Any one of these:")
    return _("At least {count} of these:").format(count=rule.get("at_least"))


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

