"""
The stand-in's XBlock endpoints: a Studio-like editor page, the LMS's and Studio's
handler URLs, and the blocks' public resources.

They guard blocks as the platform does. The LMS handler needs a signed-in user
with access to the block's course (enrolled, or staff) and a CSRF token (Django's
middleware checks every POST). The editor page needs Studio read access to the
course, as Studio's ``xblock_view_handler``. Studio's handler
(``component_handler``) needs only a login: what a handler may do beyond that
is the block's own check, through the ``studio_user_permissions`` service.
"""

import mimetypes

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from webob import Request as WebobRequest
from xblock.core import XBlock
from xblock.exceptions import DisallowedFileError, NoSuchHandlerError
from xblock.plugin import PluginMissingError

from . import platform, xblock_runtime
from .courseware_views import LOGIN_URL
from .models import CourseBlock

XBLOCK_TYPES = ("badge_xblock",)


def _course_block(usage_key):
    """The stand-in's row for an XBlock usage key, or 404."""
    key = xblock_runtime.parse_usage_key(usage_key)
    row = CourseBlock.objects.select_related("course").filter(usage_key=usage_key).first() if key else None
    if row is None or row.block_type not in XBLOCK_TYPES:
        raise Http404("No such block.")
    return row


def _unit_url(row):
    unit = row.parent if row.parent and row.parent.block_type == "vertical" else row
    return reverse("course-unit", kwargs={"course_key": row.course.course_key, "usage_key": unit.usage_key})


@login_required(login_url=LOGIN_URL)
@never_cache
def studio(request, usage_key):
    """The block's editor (studio_view) for course staff, as Studio shows it in its modal."""
    row = _course_block(usage_key)
    key = xblock_runtime.parse_usage_key(usage_key)
    if not xblock_runtime.studio_access(request.user, key.context_key, write=False):
        raise PermissionDenied("Only the course team edits blocks.")
    fragment = xblock_runtime.render(request.user, usage_key, "studio_view")
    return render(request, "lms_standin/studio/editor.html", {
        "course": row.course, "row": row, "fragment": fragment, "unit_url": _unit_url(row),
    })


@never_cache
def handler(request, usage_key, handler_name, suffix=""):
    """Run a block's handler for the signed-in user; JSON errors, never a login redirect, for scripts."""
    row = _course_block(usage_key)
    user = request.user
    if not user.is_authenticated:
        return JsonResponse({"error": "Sign in first."}, status=403)
    course_key = row.course.course_key
    if not platform.is_course_staff(user, course_key) and not platform.is_enrolled(user, course_key):
        return JsonResponse({"error": "Enroll in the course first."}, status=403)
    return _run_handler(request, xblock_runtime.StandInRuntime(user), usage_key, handler_name, suffix)


@never_cache
def studio_handler(request, usage_key, handler_name, suffix=""):
    """
    Studio's ``component_handler``: any signed-in user reaches the block's handler in Studio's runtime.

    Studio checks nothing else before the handler runs
    (cms/djangoapps/contentstore/views/component.py), so neither does the stand-in:
    the block must check the course role itself. Afterwards Studio saves the block's
    fields only for course authors; so does the stand-in (anything the handler wrote
    elsewhere, such as the plugin's tables, is not guarded by this).
    """
    _course_block(usage_key)
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Sign in first."}, status=403)
    key = xblock_runtime.parse_usage_key(usage_key)
    author = xblock_runtime.studio_access(request.user, key.context_key, write=True)
    runtime = xblock_runtime.StandInStudioRuntime(request.user, save_fields=author)
    return _run_handler(request, runtime, usage_key, handler_name, suffix)


def _run_handler(request, runtime, usage_key, handler_name, suffix):
    block = runtime.load_block(usage_key)
    webob_request = WebobRequest.blank(request.get_full_path(), method=request.method)
    webob_request.body = request.body
    if request.content_type:
        webob_request.content_type = request.content_type
    try:
        response = runtime.handle(block, handler_name, webob_request, suffix)
    except NoSuchHandlerError as exc:
        raise Http404("No such handler.") from exc
    django_response = HttpResponse(response.body, status=response.status_code,
                                   content_type=response.headers.get("Content-Type", "application/json"))
    return django_response


def resource(request, block_type, uri):
    """A file of the block's ``public/`` folder (XBlock.open_local_resource refuses anything else)."""
    try:
        block_class = XBlock.load_class(block_type)
        stream = block_class.open_local_resource(uri)
    except (PluginMissingError, DisallowedFileError, FileNotFoundError, OSError) as exc:
        raise Http404("No such resource.") from exc
    with stream:
        content = stream.read()
    mime = mimetypes.guess_type(uri)[0] or "application/octet-stream"
    if mime.startswith("text/") or mime in ("application/javascript", "text/javascript"):
        mime += "; charset=utf-8"
    response = HttpResponse(content, content_type=mime)
    response["Cache-Control"] = "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
