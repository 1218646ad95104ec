"""URLs of the stand-in LMS: the admin, a home page, and whatever the plugins register."""

from django.contrib import admin
from django.urls import path
from edx_django_utils.plugins import get_plugin_url_patterns

from . import views
from .settings.base import PROJECT_TYPE

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
] + get_plugin_url_patterns(PROJECT_TYPE)
