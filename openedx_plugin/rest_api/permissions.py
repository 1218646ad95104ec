"""Who may call the API: signed-in learners, on their own awards only."""

import importlib

from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission

JWT_AUTHENTICATION = "edx_rest_framework_extensions.auth.jwt.authentication.JwtAuthentication"


def authentication_classes():
    """
    JWT (how MFEs call the LMS) when edx-drf-extensions is installed, then the session.

    DRF's session authentication enforces CSRF on unsafe methods, so a PATCH from
    a page needs the CSRF token; JWT callers are not exposed to CSRF.
    """
    classes = []
    module_path, _, name = JWT_AUTHENTICATION.rpartition(".")
    try:
        classes.append(getattr(importlib.import_module(module_path), name))
    except ImportError:
        pass
    classes.append(SessionAuthentication)
    return classes


class IsAwardOwner(BasePermission):
    """
    Only the learner an award belongs to may read or change it.

    The views already look awards up among the requester's own, so this is a
    second lock for any view that forgets to.
    """

    def has_object_permission(self, request, view, obj):
        return obj.user_id is not None and obj.user_id == request.user.id
