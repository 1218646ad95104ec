"""The course team's pathway editor, included by the plugin's URLs under ``badges/pathways/``."""

from django.urls import path

from . import views

urlpatterns = [
    path("<uuid:badge_uuid>/", views.edit, name="pathway-edit"),
    path("course/<str:course_key>/", views.course, name="pathway-course"),
]
