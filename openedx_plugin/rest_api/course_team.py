"""
The course team's API: a course's badges with their counts, and one badge's recipients.

The same access rules as the dashboard (``course_team.views``): a signed-in member of that
course's team (``compat.is_course_staff`` for the course key in the path); anyone else
gets 403, a malformed course key or another course's badge 404. The same queries too
(``course_team.services``), so a page costs a fixed number of queries.
"""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from .. import api, compat
from ..course_team import services
from ..models import AWARD_STATES
from .views import LearnerAPIView, Schema, _query_parameter

TEAM_ERRORS = {"GET": ("400", "401", "403", "404", "429")}
TEAM_ERROR_TEXT = {
    "400": _("Invalid filter: the message names the parameter."),
    "403": _("Not a member of this course's team (staff or instructor), or not authenticated (session)."),
    "404": _("A malformed course key, a badge of another course, or a page past the last one."),
}
PATH_TEXT = {"course_key": _("The course key."), "badge_uuid": _("The badge's UUID (one of this course's badges).")}


class TeamSchema(Schema):
    """The learner API's schema, with the course team's own words for the path and the errors."""

    def get_path_parameters(self, path, method):
        parameters = super().get_path_parameters(path, method)
        for parameter in parameters:
            if parameter["name"] in PATH_TEXT:
                parameter["description"] = str(PATH_TEXT[parameter["name"]])
            if parameter["name"] == "badge_uuid":
                parameter["schema"]["format"] = "uuid"
        return parameters

    def get_responses(self, path, method):
        responses = super().get_responses(path, method)
        for code, text in TEAM_ERROR_TEXT.items():
            if code in responses:
                responses[code] = {"description": str(text)}
        return responses


class IsCourseTeam(BasePermission):
    """Staff or instructor of the course named in the path (never of another course)."""

    message = _("Only the course team of this course can read its badges' recipients.")

    def has_permission(self, request, view):
        course_key = view.kwargs.get("course_key")
        if api.course_key_of(course_key) is None:
            raise Http404
        return compat.is_course_staff(request.user, course_key)


class CountsSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    earned = serializers.IntegerField(read_only=True, help_text=_("Learners who hold it now."))
    in_progress = serializers.IntegerField(read_only=True, help_text=_(
        "Learners who met part of the rule when it was last checked and hold no award now."))
    suspended = serializers.IntegerField(read_only=True)
    revoked = serializers.IntegerField(read_only=True)
    expired = serializers.IntegerField(read_only=True)


    def to_representation(self, instance):
        # the counts of every badge come from one query made by the view (services.counts)
        return {name: self.context["counts"][instance.pk][name] for name in self.fields}  # not "total"


class TeamBadgeSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    uuid = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    active = serializers.BooleanField(read_only=True)
    counts = CountsSerializer(source="*", read_only=True)


class RecipientSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    uuid = serializers.UUIDField(read_only=True, help_text=_("The award's UUID."))
    username = serializers.CharField(source="user.username", read_only=True, allow_null=True, default=None,
                                     help_text=_("Empty (null) once the learner's account was retired."))
    email = serializers.EmailField(source="user.email", read_only=True, allow_null=True, default=None)
    state = serializers.ChoiceField(choices=AWARD_STATES, read_only=True,
                                    help_text=_("The award's state now (Award.state)."))
    issued_on = serializers.DateTimeField(read_only=True)
    valid_until = serializers.DateTimeField(read_only=True, allow_null=True)
    revoked_at = serializers.DateTimeField(read_only=True, allow_null=True)
    revocation_reason = serializers.CharField(read_only=True)
    suspension_reason = serializers.CharField(read_only=True)


class RecipientFilter(BaseFilterBackend):
    """``q`` (a username's beginning, an email, an award UUID) and ``state``, as on the dashboard."""

    def filter_queryset(self, request, queryset, view):
        state = request.query_params.get("state") or ""
        if state and state not in AWARD_STATES:
            raise ValidationError({"state": [_("Use one of: earned, expired, revoked, suspended.")]})
        query = request.query_params.get("q") or ""
        if len(query) > 254:
            raise ValidationError({"q": [_("At most 254 characters.")]})
        return services.recipients(view.badge, search=query, state=state, now=view.now)

    def get_schema_operation_parameters(self, view):
        return [_query_parameter("q", _("The beginning of a username, a full email address or an award UUID.")),
                _query_parameter("state", _("Only awards in this state now."), enum=AWARD_STATES)]


class CourseTeamView(LearnerAPIView):
    permission_classes = [IsAuthenticated, IsCourseTeam]


class TeamBadgeList(CourseTeamView, generics.ListAPIView):
    """Every badge of the course with its learners counted by state (a course has few badges: no pages)."""

    serializer_class = TeamBadgeSerializer
    filter_backends = []
    pagination_class = None
    schema = TeamSchema({"GET": "listCourseTeamBadges"}, errors=TEAM_ERRORS, tags=["course team"])

    def list(self, request, *args, **kwargs):
        badges = services.course_badges(self.kwargs["course_key"])
        context = {**self.get_serializer_context(), "counts": services.cached_counts(badges)}
        return Response(TeamBadgeSerializer(badges, many=True, context=context).data)


class RecipientList(CourseTeamView, generics.ListAPIView):
    """The awards of one of the course's badges, newest first, searched and filtered by state."""

    serializer_class = RecipientSerializer
    filter_backends = [RecipientFilter]
    schema = TeamSchema({"GET": "listBadgeRecipients"}, errors=TEAM_ERRORS, tags=["course team"])

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication and the course role first
        self.now = timezone.now()
        self.badge = services.course_badge(kwargs["course_key"], kwargs["badge_uuid"])
        if self.badge is None:
            raise Http404

    def get_queryset(self):
        return services.recipients(self.badge, now=self.now)
