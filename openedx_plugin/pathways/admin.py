"""
The operator's pathway editor: a page of a badge class in the Django admin
(``<badge>/pathway/``), reached from the badge's change page. Operators pick badges of
every course; the admin's change permission on badge classes decides who may.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import BadgeClass
from .forms import PathwayForm, candidates
from .views import milestone_count


def pathway_view(model_admin, request, pk):
    """The admin page: the same form as the course team's, over every active badge."""
    badge = get_object_or_404(BadgeClass, pk=pk)
    if not model_admin.has_change_permission(request, badge):
        raise PermissionDenied
    posted = request.method == "POST"
    form = PathwayForm(request.POST if posted else None, badge=badge, groups=candidates(),
                       milestone_count=milestone_count(request) if posted else None)
    if posted and not form.not_a_pathway and form.is_valid():
        form.save()
        model_admin.message_user(request, _("The pathway of “%(name)s” was saved.") % {"name": badge.name},
                                 messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:openedx_badges_badgeclass_pathway", args=[badge.pk]))
    return render(request, "admin/openedx_badges/pathway_form.html", {
        **model_admin.admin_site.each_context(request), "opts": model_admin.model._meta, "badge": badge,
        "form": form, "title": _("Pathway of “%(name)s”") % {"name": badge.name},
    }, status=400 if posted else 200)
