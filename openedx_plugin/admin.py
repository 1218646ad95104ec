"""
Django admin for operators: issuers and keys, badge classes and rules, awards,
manual and bulk awarding, pending evaluations.

Private key material is never displayed. Issuing and revoking go through
``issuing``/``awarding`` so the admin signs exactly as the award engine does,
and each needs its own permission (``issue_award``, ``revoke_award``).
"""

import csv
import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import conf, tasks
from .awards import awarding, bulk
from .backpacks import services
from .credentials import issuing, keystore, public_urls
from .engine.images import ImageError, sanitize_image
from .models import (
    Award,
    BackpackConnection,
    BackpackProvider,
    BadgeClass,
    BadgeRule,
    Issuer,
    PendingEvaluation,
    PushAttempt,
    SigningKey,
    StatusList,
)
from .pathways import admin as pathway_admin
from .persistence import admin as persistence_admin  # issue 21: keys' admin (compromise), bundle export

ISSUE_PERMISSION = "openedx_badges.issue_award"
REVOKE_PERMISSION = "openedx_badges.revoke_award"


class ImageUploadMixin:
    """An image field on the form whose file is sanitised before it is stored."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        upload = form.cleaned_data.get("image_upload")
        if upload:
            issuing.set_image(obj, upload.read(), _extension(upload.name))


def _extension(filename):
    """What the uploader claims the file is, from its name ('.svg'); None if it has no extension."""
    return "." + filename.rsplit(".", 1)[1].lower() if "." in filename else None


def _clean_image(form):
    upload = form.cleaned_data.get("image_upload")
    if upload:

        try:  # the same limits as issuing.set_image applies when the object is saved
            sanitize_image(upload.read(), declared_type=_extension(upload.name),
                           max_bytes=conf.get("OPENEDX_BADGES_MAX_IMAGE_BYTES"),
                           max_pixels=conf.get("OPENEDX_BADGES_MAX_IMAGE_PIXELS"))
        except ImageError as exc:
            raise ValidationError(str(exc)) from exc
        upload.seek(0)
    return upload


class IssuerForm(forms.ModelForm):
    image_upload = forms.FileField(required=False, label=_("Image (PNG or SVG)"))

    class Meta:
        model = Issuer
        fields = ["name", "url", "email", "description", "org", "public_base_url", "identity", "is_default",
                  "linkedin_organization_id"]

    def clean_image_upload(self):
        return _clean_image(self)


class SigningKeyInline(admin.TabularInline):
    model = SigningKey
    extra = 0
    can_delete = False
    fields = ("kind", "key_id", "active", "created", "retired", "public_key")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Issuer)
class IssuerAdmin(ImageUploadMixin, admin.ModelAdmin):
    form = IssuerForm
    list_display = ("name", "org", "identity", "is_default", "public_base_url", "did")
    search_fields = ("name", "org", "email")
    readonly_fields = ("uuid", "did", "did_document_link", "created", "modified")
    inlines = [SigningKeyInline]
    actions = ["rotate_keys", persistence_admin.export_bundle]  # issue 21 hook: the bundle export

    @admin.display(description=_("DID"))
    def did(self, obj):
        return public_urls.issuer_did(obj) if obj.pk and obj.keys.exists() else "—"

    @admin.display(description=_("did.json"))
    def did_document_link(self, obj):
        if not obj.pk or obj.identity != "did:web":
            return "—"
        return format_html('<a href="{0}">{0}</a>', public_urls.did_json_url(obj))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            keystore.create_key(obj, SigningKey.ED25519)
            keystore.create_key(obj, SigningKey.RSA)

    @admin.action(description=_("Rotate signing keys (old keys stay published)"), permissions=["change"])
    def rotate_keys(self, request, queryset):
        for issuer in queryset:
            try:
                if issuer.identity == "did:web":
                    issuing.rotate_key(issuer, SigningKey.ED25519)
                issuing.rotate_key(issuer, SigningKey.RSA)
            except keystore.KeyStoreError as exc:
                self.message_user(request, f"{issuer}: {exc}", messages.ERROR)
                continue
            self.message_user(request, _("Keys of %(issuer)s rotated.") % {"issuer": issuer}, messages.SUCCESS)


class BadgeRuleInline(admin.StackedInline):
    model = BadgeRule
    extra = 0
    max_num = 1
    fields = ("condition", "enabled", "courses")
    readonly_fields = ("courses",)
    verbose_name = _("earning rule")


class BadgeClassForm(forms.ModelForm):
    image_upload = forms.FileField(required=False, label=_("Image (PNG or SVG)"),
                                   help_text=_("Scripts and external references are removed from SVG."))

    class Meta:
        model = BadgeClass
        fields = ["issuer", "course_key", "name", "description", "criteria_narrative", "criteria_url",
                  "achievement_type", "alignments", "tags", "level", "category", "validity_days", "active"]

    def clean_image_upload(self):
        return _clean_image(self)


class ManualAwardForm(forms.Form):
    users = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False,
                            label=_("Usernames or emails"), help_text=_("One per line."))
    csv_file = forms.FileField(required=False, label=_("…or a CSV file"),
                               help_text=_("First column: username or email; a header row is allowed."))
    reason = forms.CharField(max_length=255, label=_("Reason"), help_text=_("Kept with each award."))
    dry_run = forms.BooleanField(required=False, initial=True, label=_("Dry run: only show what would happen"))

    def identifiers(self):
        text = self.cleaned_data.get("users") or ""
        upload = self.cleaned_data.get("csv_file")
        if upload:
            try:
                text += "\n" + upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ValidationError(_("The CSV file must be UTF-8 text.")) from exc
        rows = bulk.read_identifiers(text)
        if not rows:
            raise ValidationError(_("List at least one learner."))
        return rows


@admin.register(BadgeClass)
class BadgeClassAdmin(ImageUploadMixin, admin.ModelAdmin):
    form = BadgeClassForm
    list_display = ("preview", "name", "course_key", "achievement_type", "issuer", "active", "award_count")
    list_display_links = ("name",)
    list_filter = ("achievement_type", "active", "issuer")
    search_fields = ("name", "course_key", "description")
    readonly_fields = ("uuid", "preview", "created", "modified")
    inlines = [BadgeRuleInline]

    @admin.display(description=_("Image"))
    def preview(self, obj):
        if not obj.pk:
            return "—"
        return format_html('<img src="{}" alt="" width="48" height="48">',
                           reverse("openedx_badges:badge-image", kwargs={"badge_uuid": obj.uuid}))

    @admin.display(description=_("Awards"))
    def award_count(self, obj):
        return obj.awards.filter(revoked=False).count()

    def get_urls(self):
        return [path("<int:pk>/award/", self.admin_site.admin_view(self.award_view),
                     name="openedx_badges_badgeclass_award"),
                path("<int:pk>/pathway/", self.admin_site.admin_view(self.pathway_view),
                     name="openedx_badges_badgeclass_pathway")] + super().get_urls()

    def pathway_view(self, request, pk):
        """The pathway editor: milestones of badges from any course, saved as the badge's rule."""
        return pathway_admin.pathway_view(self, request, pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        badge = self.get_object(request, object_id)  # None for a missing or malformed id: the admin redirects
        if badge is not None and request.user.has_perm(ISSUE_PERMISSION):
            extra_context["award_url"] = reverse("admin:openedx_badges_badgeclass_award", args=[badge.pk])
        if badge is not None and self.has_change_permission(request, badge):
            extra_context["pathway_url"] = reverse("admin:openedx_badges_badgeclass_pathway", args=[badge.pk])
        return super().change_view(request, object_id, form_url, extra_context)

    def award_view(self, request, pk):
        """Manual and bulk award, with a dry run that shows each learner's outcome first."""
        if not request.user.has_perm(ISSUE_PERMISSION):
            raise PermissionDenied
        badge = get_object_or_404(BadgeClass, pk=pk)
        report = None
        form = ManualAwardForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                identifiers = form.identifiers()
            except (ValidationError, ValueError) as exc:
                form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
            else:
                report = bulk.bulk_award(badge, identifiers, staff_user=request.user,
                                         reason=form.cleaned_data["reason"], dry_run=form.cleaned_data["dry_run"])
                if not form.cleaned_data["dry_run"]:
                    done = sum(1 for row in report if row.status == "awarded")
                    self.message_user(request, ngettext("%(n)d badge awarded.", "%(n)d badges awarded.",
                                                        done) % {"n": done}, messages.SUCCESS)
        return render(request, "admin/openedx_badges/award_form.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "badge": badge, "form": form,
            "report": report, "title": _("Award “%(name)s”") % {"name": badge.name},
        })


class RevokeForm(forms.Form):
    _selected_action = forms.CharField(widget=forms.MultipleHiddenInput)
    reason = forms.CharField(max_length=255, label=_("Reason"), help_text=_("Shown on the verification page."))


class ReasonForm(forms.Form):
    """The reason asked on an award's own page (Revoke, Suspend buttons)."""

    reason = forms.CharField(max_length=255, label=_("Reason"), help_text=_("Shown on the verification page."))


# What each button on an award's page does: (title, explanation, submit label).
AWARD_OPERATIONS = {
    "revoke": (_("Revoke badge"),
               _("Revocation is final: verifiers and wallets may remember it. The credential stays revoked; "
                 "to undo a mistake, Reinstate issues a new credential."), _("Revoke")),
    "suspend": (_("Suspend badge"),
                _("A suspension is a hold that can be lifted: verifiers see the badge as suspended until then."),
                _("Suspend")),
}


def award_buttons(award):
    """The buttons an award's page offers, by its state: Revoke and Suspend, or Reinstate."""
    buttons = {}
    if not award.revoked:
        buttons["revoke_url"] = reverse("admin:openedx_badges_award_revoke", args=[award.pk])
    if not award.revoked and not award.suspended and award.suspension_list_id:
        buttons["suspend_url"] = reverse("admin:openedx_badges_award_suspend", args=[award.pk])
    if award.revoked or award.suspended:
        buttons["reinstate_url"] = reverse("admin:openedx_badges_award_reinstate", args=[award.pk])
    return buttons


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ("uuid", "badge_class", "user", "issued_on", "valid_until", "state")
    list_filter = ("revoked", "suspended", "badge_class__issuer", "badge_class")
    search_fields = ("user__username", "user__email", "badge_class__name", "badge_class__course_key", "=uuid")
    list_select_related = ("badge_class", "user")
    raw_id_fields = ("user",)
    readonly_fields = ["uuid", "badge_class", "user", "sequence", "issued_on", "valid_until", "revoked",
                       "revoked_at", "revocation_reason", "status_list", "status_index", "suspended",
                       "suspended_at", "suspension_reason", "suspension_list", "suspension_index", "public",
                       "show_name", "created", "verify_link", "provenance_json", "evidence_json"]
    exclude = ("ob3_credential", "ob2_assertion", "ob2_signed_assertion", "ob2_jws", "recipient_identity",
               "recipient_salt", "evidence", "result", "provenance")
    actions = ["revoke", "suspend", "reinstate", "reissue", "export_csv"]
    change_form_template = "admin/openedx_badges/award/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        """
        Never: a deleted award's status bit could no longer be set, so verifiers would keep
        accepting its credential. Revoke it instead (learner retirement unlinks awards
        through its own path, ``handlers.on_user_retired``).
        """
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/revoke/", view(self.operation_view), {"operation": "revoke"},
                 name="openedx_badges_award_revoke"),
            path("<path:object_id>/suspend/", view(self.operation_view), {"operation": "suspend"},
                 name="openedx_badges_award_suspend"),
            path("<path:object_id>/reinstate/", view(self.reinstate_view), name="openedx_badges_award_reinstate"),
        ] + super().get_urls()

    def _award_or_404(self, request, object_id):
        award = self.get_object(request, object_id)  # None for a missing or malformed id
        if award is None:
            raise Http404(_("No such award."))
        return award

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        award = self.get_object(request, object_id)
        if award is not None and self.has_revoke_permission(request):
            extra_context.update(award_buttons(award))
        return super().change_view(request, object_id, form_url, extra_context)

    def operation_view(self, request, object_id, operation):
        """Revoke or suspend one award, with a reason, from its own page."""
        if not self.has_revoke_permission(request):
            raise PermissionDenied
        award = self._award_or_404(request, object_id)
        change_url = reverse("admin:openedx_badges_award_change", args=[award.pk])
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                if operation == "revoke":
                    awarding.revoke(award, form.cleaned_data["reason"])
                else:
                    awarding.suspend(award, form.cleaned_data["reason"])
            except issuing.NotReversible as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, _("Done: %(title)s.") % {"title": AWARD_OPERATIONS[operation][0]},
                                  messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        title, explanation, submit = AWARD_OPERATIONS[operation]
        return render(request, "admin/openedx_badges/award_operation.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "award": award, "form": form,
            "title": title, "explanation": explanation, "submit": submit, "change_url": change_url,
        })

    def reinstate_view(self, request, object_id):
        """Lift a suspension, or follow a revocation made in error with a new credential (POST only)."""
        if not self.has_revoke_permission(request):
            raise PermissionDenied
        award = self._award_or_404(request, object_id)
        target = award
        if request.method == "POST":
            if award.revoked and not self.has_issue_permission(request):
                raise PermissionDenied  # a new credential is an award: it needs issue_award too
            target = self._reinstate_one(request, award) or award
        return HttpResponseRedirect(reverse("admin:openedx_badges_award_change", args=[target.pk]))

    def _reinstate_one(self, request, award):
        try:
            result, created = awarding.reinstate(award, staff_user=request.user)
        except issuing.NotReversible as exc:
            self.message_user(request, f"{award.uuid}: {exc}", messages.ERROR)
            return None
        if created:
            self.message_user(request, _("A new credential was issued in place of revoked award %(uuid)s.")
                              % {"uuid": award.uuid}, messages.SUCCESS)
        elif award.revoked:
            self.message_user(request, _("The learner already holds a valid award of this badge (%(uuid)s).")
                              % {"uuid": result.uuid}, messages.WARNING)
        else:
            self.message_user(request, _("Suspension of %(uuid)s lifted.") % {"uuid": award.uuid}, messages.SUCCESS)
        return result

    @admin.display(description=_("State"))
    def state(self, obj):
        return obj.state()

    @admin.display(description=_("Verification page"))
    def verify_link(self, obj):
        return format_html('<a href="{0}">{0}</a>', public_urls.verify_page_url(obj))

    @admin.display(description=_("Provenance"))
    def provenance_json(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.provenance, indent=2, ensure_ascii=False))

    @admin.display(description=_("Evidence"))
    def evidence_json(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.evidence, indent=2, ensure_ascii=False))

    def has_revoke_permission(self, request):
        return request.user.has_perm(REVOKE_PERMISSION)

    def has_issue_permission(self, request):
        return request.user.has_perm(ISSUE_PERMISSION)

    @admin.action(description=_("Revoke selected awards…"), permissions=["revoke"])
    def revoke(self, request, queryset):
        """Ask for a reason first; the reason is published with the revocation."""
        if "apply" in request.POST:
            form = RevokeForm(request.POST)
            if form.is_valid():
                for award in queryset:
                    awarding.revoke(award, form.cleaned_data["reason"])
                self.message_user(request, ngettext("%(n)d award revoked.", "%(n)d awards revoked.",
                                                    queryset.count()) % {"n": queryset.count()}, messages.SUCCESS)
                return None
        else:
            form = RevokeForm(initial={"_selected_action": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)})
        return render(request, "admin/openedx_badges/revoke_form.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form, "awards": queryset,
            "title": _("Revoke badges"),
        })

    @admin.action(description=_("Suspend selected awards (a hold that can be lifted)…"), permissions=["revoke"])
    def suspend(self, request, queryset):
        if "apply" in request.POST:
            form = RevokeForm(request.POST)
            if form.is_valid():
                done = 0
                for award in queryset:
                    try:
                        awarding.suspend(award, form.cleaned_data["reason"])
                        done += 1
                    except issuing.NotReversible as exc:
                        self.message_user(request, f"{award.uuid}: {exc}", messages.ERROR)
                self.message_user(request, ngettext("%(n)d award suspended.", "%(n)d awards suspended.",
                                                    done) % {"n": done}, messages.SUCCESS)
                return None
        else:
            form = RevokeForm(initial={"_selected_action": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)})
        return render(request, "admin/openedx_badges/revoke_form.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form, "awards": queryset,
            "title": _("Suspend badges"), "action": "suspend",
        })

    @admin.action(description=_("Reinstate selected awards (lift a suspension; a revoked one gets a new credential)"),
                  permissions=["revoke"])
    def reinstate(self, request, queryset):
        if not self.has_issue_permission(request) and queryset.filter(revoked=True).exists():
            self.message_user(request, _("Reinstating a revoked award issues a new one: that needs the "
                                         "permission to award badges."), messages.ERROR)
            return
        for award in queryset.select_related("badge_class__issuer", "user"):
            self._reinstate_one(request, award)

    @admin.action(description=_("Re-issue: revoke and award again with fresh documents"), permissions=["issue"])
    def reissue(self, request, queryset):
        """For a badge class whose details changed: the old credential is revoked, a new one signed."""
        if not self.has_revoke_permission(request):
            raise PermissionDenied
        count = 0
        for award in queryset.select_related("badge_class", "user"):
            if award.user is None or award.revoked:
                continue
            awarding.revoke(award, "Re-issued with updated details.", notify=False)  # the learner keeps the badge
            awarding.manual_award(award.badge_class, award.user, staff_user=request.user,
                                  reason="Re-issued with updated details.", evidence=award.evidence)
            count += 1
        self.message_user(request, ngettext("%(n)d award re-issued.", "%(n)d awards re-issued.",
                                            count) % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("Export selected awards as CSV"))
    def export_csv(self, request, queryset):
        class Echo:
            def write(self, value):
                return value

        writer = csv.writer(Echo())

        def rows():
            yield writer.writerow(["award", "badge", "course", "username", "issued_on", "valid_until", "state",
                                   "revocation_reason", "source"])
            for award in queryset.select_related("badge_class", "user").iterator(chunk_size=2000):
                yield writer.writerow([award.uuid, award.badge_class.name, award.badge_class.course_key,
                                       award.user.username if award.user else "", award.issued_on.isoformat(),
                                       award.valid_until.isoformat() if award.valid_until else "",
                                       award.state(), award.revocation_reason,
                                       (award.provenance or {}).get("source", "")])

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="badge-awards.csv"'
        return response


@admin.register(PendingEvaluation)
class PendingEvaluationAdmin(admin.ModelAdmin):
    """
    Evaluations not yet queued, and awards that failed (``rule`` set, with the error):
    fix the badge, then retry them here; a retry that fails again keeps the row.
    """

    list_display = ("id", "user_id", "course_key", "rule", "created", "attempts", "last_error")
    list_filter = (("rule", admin.EmptyFieldListFilter),)
    readonly_fields = ("user_id", "course_key", "rule", "trigger", "created", "attempts", "last_error")
    actions = ["queue_now", "run_now"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Queue the selected evaluations now"), permissions=["change"])
    def queue_now(self, request, queryset):
        done = tasks.sweep(limit=queryset.count(), queryset=queryset.filter(rule__isnull=True))
        self.message_user(request, ngettext("%(n)d evaluation queued.", "%(n)d evaluations queued.",
                                            done) % {"n": done})

    @admin.action(description=_("Retry the selected evaluations here (failed awards, or no broker)"),
                  permissions=["change"])
    def run_now(self, request, queryset):
        count = queryset.count()
        done = tasks.sweep(limit=count, inline=True, queryset=queryset)
        level = messages.SUCCESS if done == count else messages.WARNING
        self.message_user(request, ngettext("%(n)d of %(total)d evaluation done; the others keep their error.",
                                   "%(n)d of %(total)d evaluations done; the others keep their error.", count)
                          % {"n": done, "total": count}, level)


@admin.register(StatusList)
class StatusListAdmin(admin.ModelAdmin):
    list_display = ("uuid", "issuer", "purpose", "size", "next_index", "modified")
    readonly_fields = ("uuid", "issuer", "purpose", "size", "next_index", "modified")
    exclude = ("bits", "credential")

    def has_add_permission(self, request):
        return False


# --- backpacks and wallets ---------------------------------------------------------------------


class BackpackProviderForm(forms.ModelForm):
    """The secret is write-only: typed in, stored encrypted, never shown again."""

    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=False),
                             label=_("API token or client secret"),
                             help_text=_("Stored encrypted. Leave empty to keep the current one."))

    class Meta:
        model = BackpackProvider
        fields = ["kind", "name", "base_url", "enabled", "auto_push_default", "settings"]


@admin.register(BackpackProvider)
class BackpackProviderAdmin(admin.ModelAdmin):
    form = BackpackProviderForm
    list_display = ("name", "kind", "base_url", "enabled", "auto_push_default", "has_secret")
    list_filter = ("kind", "enabled")

    @admin.display(boolean=True, description=_("Secret set"))
    def has_secret(self, obj):
        return bool(obj.secret_encrypted)

    def save_model(self, request, obj, form, change):
        secret = form.cleaned_data.get("secret")
        if secret:
            obj.secret_encrypted = keystore.encrypt(secret.encode())
        super().save_model(request, obj, form, change)


@admin.register(BackpackConnection)
class BackpackConnectionAdmin(admin.ModelAdmin):
    list_display = ("user", "provider", "state", "auto_push", "expires_at", "modified")
    list_filter = ("provider", "state")
    search_fields = ("user__username", "user__email")
    fields = ("user", "provider", "state", "auto_push", "expires_at", "client_id", "last_error", "created",
              "modified")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(PushAttempt)
class PushAttemptAdmin(admin.ModelAdmin):
    list_display = ("award", "provider", "operation", "status", "attempts", "updated", "last_error")
    list_filter = ("status", "operation", "provider")
    search_fields = ("award__user__username", "award__badge_class__name", "=award__uuid")
    list_select_related = ("award__badge_class", "provider")
    readonly_fields = ("award", "provider", "connection", "operation", "status", "attempts", "last_error",
                       "remote_id", "created", "updated")
    exclude = ("idempotency_key",)
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Retry the selected pushes"), permissions=["change"])
    def retry(self, request, queryset):

        count = 0
        for attempt in queryset:
            if attempt.status != PushAttempt.SENT:
                services.retry_push(attempt)
                count += 1
        self.message_user(request, ngettext("%(n)d push queued again.", "%(n)d pushes queued again.",
                                            count) % {"n": count}, messages.SUCCESS)


from .visibility import admin as visibility_admin  # noqa: E402,F401  pylint: disable=wrong-import-position
