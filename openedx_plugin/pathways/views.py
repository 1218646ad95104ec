"""
The course team's pathway editor in the LMS: ``badges/pathways/<badge>/``, reached from the
list of a course's badges, ``badges/pathways/course/<course>/``.

Course staff and instructors rarely hold Django-admin rights, so the editor is also a plain
LMS page. Access is checked on every request (``access.CourseAccess``): a user who is not on
the team of each course the pathway involves gets 403, before and after the change.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from .. import compat
from ..models import BadgeClass, BadgeRule
from .access import CourseAccess
from .forms import PathwayForm, candidates
from .structure import milestones_of


def milestone_count(request):
    """How many milestones the posted form had (its hidden field), so a form with errors keeps them all."""
    try:
        return int(request.POST.get("milestones", ""))
    except ValueError:
        return None


@require_http_methods(["GET", "HEAD", "POST"])
@csrf_protect
@login_required
def edit(request, badge_uuid):
    """Edit the milestones of one badge's pathway; saved as its rule."""
    badge = get_object_or_404(BadgeClass, uuid=badge_uuid)
    access = CourseAccess(request.user)
    rule = BadgeRule.objects.filter(badge_class=badge).first()
    if not access.may_edit(badge, rule.condition if rule else None):
        raise PermissionDenied
    posted = request.method == "POST"
    form = PathwayForm(request.POST if posted else None, badge=badge, groups=candidates(access.courses()),
                       milestone_count=milestone_count(request) if posted else None)
    if posted and not form.not_a_pathway and form.is_valid():
        if not access.may_edit(badge, form.cleaned_data["condition"]):
            raise PermissionDenied  # never reached through the form: it offers the team's own badges only
        form.save()
        return HttpResponseRedirect(reverse("openedx_badges:pathway-edit", kwargs={"badge_uuid": badge.uuid})
                                    + "?saved=1")
    return render(request, "openedx_badges/pathways/editor.html", {
        "badge": badge, "form": form, "saved": request.GET.get("saved") == "1" and not posted,
        "course_name": form.course_names().get(badge.course_key, badge.course_key),
    }, status=400 if posted else 200)


@require_safe
@login_required
def course(request, course_key):
    """A course's badges, each with a link to its pathway editor: where a course team starts."""
    if not compat.is_course_staff(request.user, course_key):
        raise PermissionDenied
    badges = []
    rules = dict(BadgeRule.objects.filter(badge_class__course_key=course_key)
                 .values_list("badge_class_id", "condition"))
    for badge in BadgeClass.objects.filter(course_key=course_key).order_by("name", "id").only("id", "uuid", "name",
                                                                                              "active"):
        condition = rules.get(badge.id)
        milestones = milestones_of(condition) if condition is not None else []
        badges.append({"badge": badge, "milestones": len(milestones or []), "other_rule": milestones is None})
    return render(request, "openedx_badges/pathways/course.html", {
        "course_key": course_key, "badges": badges,
        "course_name": compat.course_names([course_key]).get(course_key, course_key)})
