"""
Admin for persistence: export the verification bundle, declare a signing key compromised.

Registered from ``openedx_plugin/admin.py`` (one import line); the issuer admin lists
``export_bundle`` among its actions.
"""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import conf
from ..models import SigningKey
from . import bundle, compromise


@admin.action(description=_("Export the static verification bundle (to OPENEDX_BADGES_BUNDLE_DIR)"),
              permissions=["change"])
def export_bundle(modeladmin, request, queryset):
    """Write the bundle of each selected issuer's origin; the folder comes from settings, never from the form."""
    folder = conf.get("OPENEDX_BADGES_BUNDLE_DIR")
    if not folder:
        modeladmin.message_user(request, _("Set OPENEDX_BADGES_BUNDLE_DIR to the folder the bundle is written to "
                                           "(or run manage.py badges_export_bundle --out FOLDER)."), messages.ERROR)
        return
    origins = sorted({bundle.origin_of(issuer.public_base_url) for issuer in queryset})
    if len(origins) > 1:
        modeladmin.message_user(request, _("Select issuers of one origin: a bundle serves one origin."),
                                messages.ERROR)
        return
    try:
        index = bundle.export(folder, origins[0])
    except (bundle.BundleError, OSError) as exc:
        modeladmin.message_user(request, str(exc), messages.ERROR)
        return
    modeladmin.message_user(request, ngettext("Wrote %(n)d document of %(origin)s to %(folder)s.",
                                              "Wrote %(n)d documents of %(origin)s to %(folder)s.",
                                              len(index["documents"])) % {
        "n": len(index["documents"]), "origin": index["origin"], "folder": folder}, messages.SUCCESS)


class CompromiseForm(forms.Form):
    _selected_action = forms.CharField(widget=forms.MultipleHiddenInput)
    reason = forms.CharField(max_length=255, label=_("Why is the key considered compromised?"))


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    """Keys are made by issuers and rotation; here they are only listed, and declared compromised."""

    list_display = ("issuer", "kind", "key_id", "active", "created", "retired", "compromised")
    list_filter = ("kind", "active", "issuer")
    list_select_related = ("issuer", "compromise")
    readonly_fields = ("issuer", "kind", "key_id", "public_key", "active", "created", "retired")
    exclude = ("private_key_encrypted",)
    actions = ["mark_compromised"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a deleted key could never be published again: what it signed would stop verifying

    @admin.display(description=_("compromised"))
    def compromised(self, obj):
        found = getattr(obj, "compromise", None) if hasattr(obj, "compromise") else None
        return f"{found.marked_at:%Y-%m-%d}: {found.reason}" if found else "—"

    @admin.action(description=_("Mark compromised: withdraw, revoke and re-issue what it signed…"),
                  permissions=["change"])
    def mark_compromised(self, request, queryset):
        """First a dry run of each key, with the reason asked; then the real run."""
        form = CompromiseForm(request.POST if "apply" in request.POST else None, initial={
            "_selected_action": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)})
        keys = list(queryset.select_related("issuer"))
        if "apply" in request.POST and form.is_valid():
            for key in keys:
                try:
                    report = compromise.mark_compromised(key, form.cleaned_data["reason"],
                                                         by=request.user.get_username())
                except compromise.CompromiseError as exc:
                    self.message_user(request, f"{key}: {exc}", messages.ERROR)
                    continue
                self.message_user(request, report.summary(), messages.WARNING)
            return None
        plans = []
        for key in keys:
            try:
                plans.append(compromise.mark_compromised(key, "dry run", dry_run=True).summary())
            except compromise.CompromiseError as exc:
                plans.append(f"{key}: {exc}")
        return render(request, "admin/openedx_badges/key_compromise_form.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form, "plans": plans,
            "title": _("Mark signing keys compromised"),
        })
