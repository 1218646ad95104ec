"""
The learner API: their awards (read, and the two sharing choices), a course's badges.

Awards are always looked up among the requester's own, so anyone else's is a
404. Each list costs a fixed number of queries (count, page, and one for the
skill filter), however many awards the learner has.
"""

from django.apps import apps
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.schemas.openapi import AutoSchema

from .. import conf
from ..models import Award, BadgeClass, LearnerProfile
from ..pathways.progress import pathways_in_progress
from ..ratelimit import drf_throttle
from ..skills.profile import skills_profile
from ..views import wallet
from .parsers import StrictJSONParser
from .permissions import IsAwardOwner, authentication_classes
from .serializers import (
    AwardSerializer,
    AwardSharingSerializer,
    BadgeClassSerializer,
    LearnerProfileSerializer,
    PathwaySerializer,
    SkillGroupSerializer,
)


class Schema(AutoSchema):
    """
    DRF's generator with what it cannot infer given by hand: stable operation ids (and no
    need for its optional ``inflection``), the PATCH body, the UUID path format, error codes.
    """

    def __init__(self, operation_ids, *, request_serializers=None, errors=None, **kwargs):
        self.operation_ids = operation_ids
        self.request_serializers = request_serializers or {}
        self.errors = errors or {}
        super().__init__(**kwargs)

    def get_operation_id(self, path, method):
        return self.operation_ids[method.upper()]

    def get_request_serializer(self, path, method):
        serializer_class = self.request_serializers.get(method.upper())
        return serializer_class() if serializer_class else super().get_request_serializer(path, method)

    def get_path_parameters(self, path, method):
        parameters = super().get_path_parameters(path, method)
        for parameter in parameters:
            if parameter["name"] == "uuid":
                parameter["schema"]["format"] = "uuid"
                parameter["description"] = str(_("The award's UUID."))
        return parameters

    def map_field_validators(self, field, schema):
        if isinstance(field, serializers.URLField):
            return  # Django's URL regex, copied as a pattern, would only confuse clients
        super().map_field_validators(field, schema)

    def get_responses(self, path, method):
        responses = super().get_responses(path, method)
        for error in self.errors.get(method.upper(), ()):
            code, text = error if isinstance(error, tuple) else (error, ERRORS[error])  # a view's own wording
            responses[code] = {"description": str(text)}
        return responses


ERRORS = {
    "400": _("Invalid filter or body: the message names the field."),
    "401": _("Not authenticated (JWT)."),
    "403": _("Not authenticated (session), or the CSRF token is missing."),
    "404": _("Not one of your awards, or a page past the last one."),
    "429": _("Too many requests: wait the seconds the Retry-After header gives."),
}
READ_ERRORS = ("400", "401", "403", "404", "429")


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def _query_parameter(name, description, enum=None, required=False):
    schema = {"type": "string", "minLength": 1} if required else {"type": "string"}
    if enum:
        schema["enum"] = list(enum)
    return {"name": name, "required": required, "in": "query", "description": str(description), "schema": schema}


class AwardFilter(BaseFilterBackend):
    """Filters of the award list: course key, state, skill (an alignment's targetName)."""

    def filter_queryset(self, request, queryset, view):
        params = request.query_params
        status = params.get("status") or None
        if status and status not in wallet.STATUSES:
            raise ValidationError({"status": [_("Use one of: earned, expired, revoked.")]})
        return wallet.filter_awards(queryset, request.user, course=params.get("course") or None,
                                    status=status, skill=params.get("skill") or None)

    def get_schema_operation_parameters(self, view):
        return [
            _query_parameter("course", _("Only awards of badges of this course (a course key).")),
            _query_parameter("status", _("Only awards in this state now."), enum=wallet.STATUSES),
            _query_parameter("skill", _("Only awards of badges aligned to this skill (its name, any case).")),
        ]


class CourseFilter(BaseFilterBackend):
    """The badge class list is per course: ``course`` is required."""

    def filter_queryset(self, request, queryset, view):
        course = request.query_params.get("course")
        if not course:
            raise ValidationError({"course": [_("Give the course key.")]})
        return queryset.filter(course_key=course)

    def get_schema_operation_parameters(self, view):
        return [_query_parameter("course", _("The course key."), required=True)]


class LearnerAPIView:
    """What every view of this API shares: authentication, JSON in and out, pagination."""

    permission_classes = [IsAuthenticated]
    parser_classes = [StrictJSONParser]
    # per signed-in learner (per address before sign-in): OPENEDX_BADGES_RATE_LIMITS["api"]
    throttle_classes = [drf_throttle("api")]
    renderer_classes = [JSONRenderer]
    pagination_class = Pagination

    def get_authenticators(self):
        return [cls() for cls in authentication_classes()]

    def get_renderers(self):
        # The browsable API where the host has DRF's templates (the LMS does), JSON everywhere.
        renderers = [JSONRenderer()]
        if apps.is_installed("rest_framework"):
            renderers.append(BrowsableAPIRenderer())
        return renderers


class AwardList(LearnerAPIView, generics.ListAPIView):
    """The requester's awards, newest first, filtered by course, state and skill."""

    serializer_class = AwardSerializer
    filter_backends = [AwardFilter]
    schema = Schema({"GET": "listAwards"}, errors={"GET": READ_ERRORS}, tags=["awards"])

    def get_queryset(self):
        return wallet.wallet_awards(self.request.user)


class AwardDetail(LearnerAPIView, generics.RetrieveUpdateAPIView):
    """One of the requester's awards; PATCH changes its sharing choices (``public``, ``show_name``) only."""

    serializer_class = AwardSerializer
    permission_classes = [IsAuthenticated, IsAwardOwner]
    filter_backends = []
    lookup_field = "uuid"
    queryset = Award.objects.none()  # names the model for the schema; get_queryset decides
    http_method_names = ["get", "patch", "head", "options"]
    schema = Schema({"GET": "retrieveAward", "PATCH": "updateAwardSharing"},
                    request_serializers={"PATCH": AwardSharingSerializer},
                    errors={"GET": ("401", "403", "404", "429"), "PATCH": ("400", "401", "403", "404", "429")},
                    tags=["awards"])

    def get_queryset(self):
        return wallet.wallet_awards(self.request.user)


class CourseBadgeClassList(LearnerAPIView, generics.ListAPIView):
    """The active badges of a course: their public definitions, by name."""

    serializer_class = BadgeClassSerializer
    filter_backends = [CourseFilter]
    schema = Schema({"GET": "listCourseBadgeClasses"}, errors={"GET": READ_ERRORS}, tags=["badge classes"])

    def get_queryset(self):
        return (BadgeClass.objects.filter(active=True).select_related("issuer")
                .defer("image_data", "issuer__image_data").order_by("name", "id"))


class PathwayList(LearnerAPIView, generics.ListAPIView):
    """
    The requester's pathways in progress (started, not yet earned), by name: each milestone in
    order, done, next or later, with its badges and the courses that award them. Only the
    requester's own: there is no way to ask for another learner's.
    """

    serializer_class = PathwaySerializer
    filter_backends = []
    pagination_class = None  # a learner has few pathways in progress; all are computed at once anyway
    schema = Schema({"GET": "listPathwaysInProgress"}, errors={"GET": ("401", "403", "429")}, tags=["pathways"])

    def get_queryset(self):
        return pathways_in_progress(self.request.user)


class SkillsProfile(LearnerAPIView, generics.GenericAPIView):
    """The requester's current badges gathered by skill alignment, with the strongest level reached in each."""

    # What the wallet's "My skills" shows. Not paginated: a learner's skills are few, and one
    # query reads every award's alignments, whatever their number.

    serializer_class = SkillGroupSerializer
    pagination_class = None
    filter_backends = []
    schema = Schema({"GET": "retrieveSkillsProfile"}, errors={"GET": ("401", "403", "429")}, tags=["skills"])

    def get(self, request):
        groups = skills_profile(wallet.profile_awards(request.user), now=timezone.now())
        return Response(self.get_serializer(groups, many=True).data)


PROFILES_OFF = ("404", _("Public badge profiles are turned off on this site."))


class PublicProfileSettings(LearnerAPIView, generics.RetrieveUpdateAPIView):
    """The requester's public badge profile choices (off until they turn it on); PATCH changes them."""

    # 404 where the operator turned public profiles off (OPENEDX_BADGES_PUBLIC_PROFILES).

    serializer_class = LearnerProfileSerializer
    pagination_class = None
    filter_backends = []
    queryset = LearnerProfile.objects.none()  # names the model for the schema; get_object decides
    http_method_names = ["get", "patch", "head", "options"]
    schema = Schema({"GET": "retrievePublicProfile", "PATCH": "updatePublicProfile"},
                    errors={"GET": ("401", "403", PROFILES_OFF, "429"),
                            "PATCH": ("400", "401", "403", PROFILES_OFF, "429")},
                    tags=["profile"])

    def get_object(self):
        if not conf.get("OPENEDX_BADGES_PUBLIC_PROFILES"):
            raise Http404("Public badge profiles are turned off on this site.")
        return LearnerProfile.objects.get_or_create(user=self.request.user)[0]
