"""
What a leaf kind of the rule language is, and the registry every reader asks.

A kind is one class: it checks a stored leaf (``validate``), evaluates it for a learner
(``evaluate``), names the family of platform events that can change it (``interest``, what
the rule index listens for), says it in words (``describe``), and describes its editor form
(``label``, ``fields``, ``from_form``, ``to_form``). The engine, the rule index, the XBlock's
editor (through ``openedx_plugin.api``) and its progress view all read ``KINDS``, so adding a
kind is one class decorated with ``register``.

Words for authors and learners take ``_``, the caller's gettext (the block's catalogue in
the XBlock); the checks of a stored rule use Django's, as the save path answers in the app.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

KINDS = {}


class RuleError(ValueError):
    """A rule that cannot be evaluated; the message says what to fix."""


@dataclass
class Progress:
    """
    One leaf's state for the learner, in words and numbers. ``percent`` says that ``current``
    and ``target`` are fractions of 1 (a grade, a share of the course): pages that show the
    numbers read them as percentages, written as the progress text writes them (``pct``).
    """

    kind: str
    met: bool
    text: str
    current: float = 0
    target: float = 0
    percent: bool = False

    @property
    def current_percent(self):
        """``current`` as the learner reads it in the progress text ("40%"); for ``percent`` leaves."""
        return pct(self.current or 0)

    @property
    def target_percent(self):
        """``target`` as the learner reads it in the progress text ("75%"); for ``percent`` leaves."""
        return pct(self.target or 0)


@dataclass
class Outcome:
    """Whether a rule (or one leaf) is met, and what it tells the learner and the credential."""

    met: bool
    progress: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    results: list = field(default_factory=list)


def register(kind_class):
    """Add a kind to the language (a class decorator); a later class of the same name replaces it."""
    if not kind_class.name or not kind_class.interest:
        raise ValueError("A rule kind needs a name and an interest.")
    KINDS[kind_class.name] = kind_class()
    return kind_class


def unregister(name):
    """Take a kind out of the language again (tests that register their own kinds use it)."""
    KINDS.pop(name, None)


class RuleKind:
    """
    One leaf kind. Subclasses set ``name``, ``interest``, ``label`` and ``fields`` and
    implement ``check``, ``evaluate``, ``describe``, ``from_form`` and ``to_form``.

    ``fields`` describes the editor form, read by studio.js: a list of dicts with ``name``
    (the key in the form's condition), ``type`` (``number``, ``select`` or ``checkboxes``),
    ``label`` and optional ``help`` (messages marked with ``gettext_noop``; ``editor`` translates them), ``min``/``max``
    for numbers, and ``options``: a list of ``[value, label]`` or the name of a list the
    editor has (``modes``, ``assessments``, ``units``, ``badges``, ``skills``); ``empty`` is the first
    option of a select; ``row`` groups the field with the next one on one line.
    """

    name = ""
    interest = ""
    label = ""
    fields = ()
    # Whether the leaf names the course it reads (the editor fills in the block's course).
    in_course = True
    # Whether the editor offers it for a new condition.
    offered_first = False
    # Whether its progress names blocks of the course (the evaluation fetches their names once).
    names_blocks = False
    # Whether a met leaf adds a score result (the credential then describes a "Percent" result).
    gives_results = False

    def validate(self, node):
        """Raise ``RuleError`` unless ``node`` is a well-formed leaf of this kind."""
        if self.in_course:
            key(node, "course")
        self.check(node)

    def check(self, node):
        """The kind's own fields; ``validate`` has checked the course already."""

    def badges_named(self, node):
        """UUIDs of other badges the leaf needs: a newly held one re-evaluates the rule (pathways)."""
        return ()

    def evaluate(self, node, ctx):
        """An ``Outcome`` for ``ctx.user``: met or not, progress, and evidence and results when met."""
        raise NotImplementedError

    def describe(self, node, _, names, badge_names):
        """The leaf as a sentence an author and a learner can both read."""
        raise NotImplementedError

    def editor(self, _):
        """What studio.js needs to draw the form: the kind's label and fields, in the author's words."""
        fields = []
        for spec in self.fields:
            shown = dict(spec)
            for word in ("label", "help", "empty"):
                if shown.get(word):
                    shown[word] = _(shown[word])
            if isinstance(shown.get("options"), (list, tuple)):
                shown["options"] = [[value, _(label)] for value, label in shown["options"]]
            fields.append(shown)
        return {"kind": self.name, "label": _(self.label), "first": self.offered_first, "fields": fields}

    def from_form(self, condition, key, _, errors, allowed):
        """
        The leaf's fields from the editor's ``condition``, or None with ``errors`` filled in
        (keyed ``<key>-<field>``). ``allowed`` holds what the course offers: ``blocks``,
        ``units``, ``badges``, ``own_badge`` and ``skills`` (``taxonomy:tag`` of its content's tags).
        """
        raise NotImplementedError

    def to_form(self, leaf):
        """The editor's values for a stored leaf, or None when the editor cannot show it (then it keeps the rule)."""
        raise NotImplementedError


# --- helpers the kinds share -----------------------------------------------------------------------


def fraction(node, name, required=False):
    """Check an optional (or required) 0..1 number of a leaf."""
    value = node.get(name)
    if value is None:
        if required:
            raise RuleError(_("'{name}' is required for '{kind}'.").format(name=name, kind=node["kind"]))
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise RuleError(_("'{name}' must be a number from 0 to 1.").format(name=name))


def key(node, name):
    """Check a course or usage key of a leaf: present, text, and of a length the tables hold."""
    value = node.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > 255:
        raise RuleError(_("'{kind}' needs '{name}'.").format(kind=node.get("kind"), name=name))


def pct(value):
    """A fraction as the learner reads it in progress text."""
    return f"{round(value * 100)}%"


def form_number(value):
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


def blank(value):
    """Whether the author left a form value empty."""
    return value is None or (isinstance(value, str) and not value.strip())


def strings(value):
    """The non-empty strings of a form list (checkbox values); anything else reads as none."""
    return [item for item in value if isinstance(item, str) and item] if isinstance(value, list) else []


def form_fraction(percent):
    """Percent typed by the author (0..100) as the engine's fraction, without float noise."""
    return round(percent / 100, 6)


def percent_text(fraction_value):
    """A stored fraction as the percent an author typed."""
    return f"{round(fraction_value * 100, 2):g}"


def form_percent(errors, field_key, value, _, required):
    """The author's percent, or None (with an error when required or not 0..100)."""
    if blank(value):
        if required:
            errors[field_key] = _("Enter a percentage from 0 to 100.")
        return None
    number = form_number(value)
    if number is None or not 0 <= number <= 100:
        errors[field_key] = _("Enter a percentage from 0 to 100.")
        return None
    return number
