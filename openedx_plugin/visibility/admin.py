"""
The admin entries of the visibility features: the operator's overview (listed on the
admin index as "Overview: awards, revocations and pushes") and the event bus outbox.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from ..models import AwardOverview, BusEventOutbox
from . import overview


@admin.register(AwardOverview)
class OverviewAdmin(admin.ModelAdmin):
    """The overview page in place of a change list; anyone who may view awards may see it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("openedx_badges.view_award")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        data = overview.collect()
        context = {
            **self.admin_site.each_context(request),
            "title": "Badges: operator's overview",
            "opts": self.model._meta,  # pylint: disable=protected-access
            "data": data,
            "sections": overview.sections(data),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/openedx_badges/overview.html", context)


@admin.register(BusEventOutbox)
class BusEventOutboxAdmin(admin.ModelAdmin):
    """Badge events the event bus did not take; the periodic sweep produces them again."""

    list_display = ("event_type", "award", "event_time", "attempts", "sent_at", "last_error")
    list_filter = ("event_type",)
    readonly_fields = ("event_type", "award", "event_time", "attempts", "last_error", "created", "sent_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
