"""
The course team's forms. Each field's help text and error are tied to it with
``aria-describedby`` (``DescribedForm``), and the error summary names each field.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import AWARD_STATES
from . import services

STATE_LABELS = {
    "earned": _("Earned"), "expired": _("Expired"), "revoked": _("Revoked"), "suspended": _("Suspended"),
}


class DescribedForm(forms.Form):
    """Points each widget's ``aria-describedby`` at its help text and, once validated, its error."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # no colon after a label (nor after a checkbox's)
        super().__init__(*args, **kwargs)
        self._describe()

    def full_clean(self):
        super().full_clean()
        self._describe()

    def _describe(self):
        errors = getattr(self, "_errors", None) or {}
        for name, field in self.fields.items():
            auto_id = self[name].auto_id
            ids = [f"{auto_id}_helptext"] if field.help_text else []
            ids += [f"{auto_id}_error"] if name in errors else []
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)
            else:
                field.widget.attrs.pop("aria-describedby", None)


class RecipientSearchForm(DescribedForm):
    """The recipients list's search and state filter (a GET form)."""

    q = forms.CharField(required=False, max_length=254, label=_("Search recipients"),
                        help_text=_("The beginning of a username, a full email address or an award ID."))
    state = forms.ChoiceField(required=False, label=_("State"),
                              choices=[("", _("All"))] + [(state, STATE_LABELS[state]) for state in AWARD_STATES])


class AwardForm(DescribedForm):
    """Award one learner or a pasted list, with the evidence note that goes into each credential."""

    learners = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), label=_("Learners"),
        help_text=_("One username or email address a line, at most 1,000."))
    reason = forms.CharField(
        max_length=255, label=_("Reason"),
        help_text=_("Why you award it by hand; kept in the award's history, not shown to verifiers."))
    narrative = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        label=_("Evidence note"),
        help_text=_("What the learner did. It goes into the credential's evidence: anyone verifying it can read it."))
    url = forms.URLField(
        required=False, max_length=500, assume_scheme="https", label=_("Evidence link (optional)"),
        help_text=_("A page that shows the work, such as a portfolio entry."))
    dry_run = forms.BooleanField(required=False, initial=True, label=_("Dry run: only show what would happen"))

    def clean_learners(self):
        try:
            return services.read_learners(self.cleaned_data["learners"])
        except ValueError as exc:
            if str(exc) == "too_many":
                raise ValidationError(ngettext("List at most %(n)d learner at a time.",
                                               "List at most %(n)d learners at a time.", services.MAX_PASTED)
                                      % {"n": services.MAX_PASTED}) from exc
            raise ValidationError(_("List at least one learner.")) from exc

    def clean_narrative(self):
        text = self.cleaned_data["narrative"]
        if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in text):
            raise ValidationError(_("Control characters other than line breaks and tabs are not allowed here."))
        return text


class ReasonForm(DescribedForm):
    """The reason for a revocation or a hold, shown on the verification page."""

    reason = forms.CharField(max_length=255, label=_("Reason"),
                             help_text=_("Shown on the badge's verification page."))


class RevokeForm(ReasonForm):
    """Named apart from the suspension's field: both stand on the same page."""

    reason = forms.CharField(max_length=255, label=_("Reason for revoking"),
                             help_text=_("Shown on the badge's verification page."))


class SuspendForm(ReasonForm):
    reason = forms.CharField(max_length=255, label=_("Reason for the suspension"),
                             help_text=_("Shown on the badge's verification page."))


class LiftForm(DescribedForm):
    """Lifting a hold needs no reason from the learner's point of view, but the history keeps one."""

    reason = forms.CharField(max_length=255, required=False, label=_("Note (optional)"),
                             help_text=_("Kept in the award's history."))


class ReissueForm(DescribedForm):
    """Re-issuing replaces every held credential: the team confirms it knows."""

    confirm = forms.BooleanField(
        label=_("Revoke the credentials learners hold and issue new ones with the badge's current text"),
        help_text=_("Learners keep their badge; verifiers see the old credentials as revoked and the new ones as "
                    "valid. Credentials already copied to other wallets are not updated there."))
