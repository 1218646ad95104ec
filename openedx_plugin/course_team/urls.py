"""The course team's pages, included by the plugin's URLs under ``badges/course/<course_key>/manage/``."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="course-team-dashboard"),
    path("history/", views.history_page, name="course-team-history"),
    path("<uuid:badge_uuid>/", views.badge_page, name="course-team-badge"),
    path("<uuid:badge_uuid>/award/", views.award_page, name="course-team-award"),
    path("<uuid:badge_uuid>/recipients.csv", views.export_csv, name="course-team-export"),
    path("<uuid:badge_uuid>/reissue/", views.reissue, name="course-team-reissue"),
    path("<uuid:badge_uuid>/learners/<int:user_id>/", views.learner_page, name="course-team-learner"),
    path("<uuid:badge_uuid>/awards/<uuid:award_uuid>/<slug:action>/", views.award_action,
         name="course-team-action"),
]
