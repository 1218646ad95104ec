"""URLs of the learner API, included under ``badges/api/v1/``."""

from django.urls import path

from . import course_team, views

app_name = "api"

urlpatterns = [
    path("awards/", views.AwardList.as_view(), name="award-list"),
    path("awards/<uuid:uuid>/", views.AwardDetail.as_view(), name="award-detail"),
    path("pathways/", views.PathwayList.as_view(), name="pathway-list"),
    path("badge-classes/", views.CourseBadgeClassList.as_view(), name="badge-class-list"),
    path("skills/", views.SkillsProfile.as_view(), name="skills-profile"),
    path("profile/", views.PublicProfileSettings.as_view(), name="public-profile"),
    # the course team's (issue 18): that course's staff and instructors only
    path("course-team/<str:course_key>/badges/", course_team.TeamBadgeList.as_view(), name="team-badge-list"),
    path("course-team/<str:course_key>/badges/<uuid:badge_uuid>/recipients/", course_team.RecipientList.as_view(),
         name="team-recipient-list"),
]
