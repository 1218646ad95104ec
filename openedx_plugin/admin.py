"""
Django admin for operators: issuers and keys, badge classes, awards.

Private key material is never displayed; issuing and revoking go through
``issuing`` so the admin signs exactly as the award engine does.
"""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import issuing, keystore, public_urls
from .models import Award, BadgeClass, Issuer, SigningKey, StatusList


class SigningKeyInline(admin.TabularInline):
    model = SigningKey
    extra = 0
    can_delete = False
    fields = ("kind", "key_id", "active", "created", "retired", "public_key")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Issuer)
class IssuerAdmin(admin.ModelAdmin):
    list_display = ("name", "org", "identity", "is_default", "public_base_url", "did")
    search_fields = ("name", "org", "email")
    readonly_fields = ("uuid", "did", "created", "modified")
    inlines = [SigningKeyInline]
    actions = ["rotate_keys"]

    @admin.display(description=_("DID"))
    def did(self, obj):
        return public_urls.issuer_did(obj) if obj.pk else "—"

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
                    keystore.rotate(issuer, SigningKey.ED25519)
                keystore.rotate(issuer, SigningKey.RSA)
            except keystore.KeyStoreError as exc:
                self.message_user(request, str(exc), messages.ERROR)
        self.message_user(request, _("Keys rotated."), messages.SUCCESS)


@admin.register(BadgeClass)
class BadgeClassAdmin(admin.ModelAdmin):
    list_display = ("preview", "name", "course_key", "achievement_type", "issuer", "active")
    list_display_links = ("name",)
    list_filter = ("achievement_type", "active", "issuer")
    search_fields = ("name", "course_key", "description")
    readonly_fields = ("uuid", "preview", "created", "modified")

    @admin.display(description=_("Image"))
    def preview(self, obj):
        if not obj.pk:
            return "—"
        url = public_urls.badge_image_url(obj).split(obj.issuer.public_base_url, 1)[-1]
        return format_html('<img src="{}" alt="" width="48" height="48">', url)


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ("uuid", "badge_class", "user", "issued_on", "valid_until", "revoked")
    list_filter = ("revoked", "badge_class__issuer")
    search_fields = ("user__username", "user__email", "badge_class__name", "badge_class__course_key", "uuid")
    raw_id_fields = ("user",)
    readonly_fields = [f.name for f in Award._meta.fields] + ["verify_link"]
    actions = ["revoke", "reinstate"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("Verification page"))
    def verify_link(self, obj):
        return format_html('<a href="{0}">{0}</a>', public_urls.verify_page_url(obj))

    @admin.action(description=_("Revoke selected awards"), permissions=["change"])
    def revoke(self, request, queryset):
        for award in queryset:
            issuing.revoke_award(award, _("Revoked by staff in the admin."))
        self.message_user(request, _("Awards revoked."), messages.SUCCESS)

    @admin.action(description=_("Reinstate selected awards"), permissions=["change"])
    def reinstate(self, request, queryset):
        for award in queryset:
            issuing.reinstate_award(award)
        self.message_user(request, _("Awards reinstated."), messages.SUCCESS)


@admin.register(StatusList)
class StatusListAdmin(admin.ModelAdmin):
    list_display = ("uuid", "issuer", "purpose", "size", "next_index", "modified")
    readonly_fields = ("uuid", "issuer", "purpose", "size", "next_index", "modified")
    exclude = ("bits", "credential")

    def has_add_permission(self, request):
        return False
