"""URLs of the stand-in LMS: the admin, a home page, sign-in, the courseware, and whatever the plugins register."""

from django.contrib import admin
from django.urls import include, path
from edx_django_utils.plugins import get_plugin_url_patterns

from . import courseware_views, studio_views, views
from .settings.base import PROJECT_TYPE

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("courses/<str:course_key>/", courseware_views.outline, name="course-outline"),
    path("courses/<str:course_key>/enroll/", courseware_views.enroll, name="course-enroll"),
    path("courses/<str:course_key>/progress/", courseware_views.progress, name="course-progress"),
    path("courses/<str:course_key>/unit/<str:usage_key>/", courseware_views.unit, name="course-unit"),
    path("courses/<str:course_key>/jump_to/<str:usage_key>", courseware_views.jump_to, name="course-jump-to"),
    # XBlocks: a Studio-like editor, handlers, and the blocks' public files.
    path("studio/<str:usage_key>/", studio_views.studio, name="studio-block"),
    path("studio/<str:usage_key>/handler/<str:handler_name>/", studio_views.studio_handler,
         name="studio-xblock-handler"),
    path("studio/<str:usage_key>/handler/<str:handler_name>/<path:suffix>", studio_views.studio_handler,
         name="studio-xblock-handler-suffix"),
    path("xblock/<str:usage_key>/handler/<str:handler_name>/", studio_views.handler, name="xblock-handler"),
    path("xblock/<str:usage_key>/handler/<str:handler_name>/<path:suffix>", studio_views.handler,
         name="xblock-handler-suffix"),
    path("xblock/resource/<str:block_type>/<path:uri>", studio_views.resource, name="xblock-resource"),
] + get_plugin_url_patterns(PROJECT_TYPE)
