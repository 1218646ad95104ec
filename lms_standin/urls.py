"""URLs of the stand-in LMS: the admin, a home page, sign-in, the courseware, and whatever the plugins register."""

from django.contrib import admin
from django.urls import include, path, re_path
from edx_django_utils.plugins import constants, registry, utils

from . import courseware_views, studio_views, views
from .settings.base import PROJECT_TYPE

# Plugin apps whose URL modules import the platform itself: edx-completion's REST API
# (its views import openedx.core.lib.api.authentication). The LMS mounts it; the
# stand-in uses only completion's model and manager, so it leaves those URLs out.
NEEDS_THE_PLATFORM = {"completion"}


def plugin_url_patterns(project_type):
    """edx-django-utils' ``get_plugin_url_patterns``, less the URL modules that need the platform."""
    patterns = []
    for app_config in registry.get_plugin_app_configs(project_type):
        config = getattr(app_config, constants.PLUGIN_APP_CLASS_ATTRIBUTE_NAME, {})
        url_config = config.get(constants.PluginURLs.CONFIG, {}).get(project_type)
        if url_config is None or app_config.name in NEEDS_THE_PLATFORM:
            continue
        module_path = utils.get_module_path(app_config, url_config, constants.PluginURLs)
        namespace = url_config.get(constants.PluginURLs.NAMESPACE, app_config.name)
        patterns.append(re_path(url_config.get(constants.PluginURLs.REGEX, r""),
                                include((module_path, app_config.name), namespace=namespace)))
    return patterns

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    # The LMS's learner dashboard and sign-out, where the wallet links back (contract row P15).
    path("dashboard", views.dashboard, name="dashboard"),
    path("logout", views.logout_view, name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("courses/<str:course_key>/", courseware_views.outline, name="course-outline"),
    # The LMS's course home (openedx/features/course_experience): a redirect to the course (row T5).
    path("courses/<str:course_key>/course/", courseware_views.course_home, name="course-home"),
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
] + plugin_url_patterns(PROJECT_TYPE)
