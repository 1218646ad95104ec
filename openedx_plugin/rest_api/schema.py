"""
The OpenAPI document of the learner API, generated from the views by DRF.

The generated text is checked in as ``docs/openapi.yaml`` and a test compares
the two, so the published description cannot drift from the code. Generated in
English with the API's own URL patterns, so it is the same on every host.
"""

import json

from django.utils import translation
from rest_framework.renderers import OpenAPIRenderer
from rest_framework.schemas.openapi import SchemaGenerator

from . import urls

PREFIX = "/badges/api/v1/"
TITLE = "Open Badges for Open edX: learner API"
VERSION = "1.0.0"
DESCRIPTION = (
    "A learner's own badge awards and a course's badges; for a course's team (its staff and "
    "instructors), the course's badges with their counts and each badge's recipients. Authenticate "
    "with the LMS session (send the CSRF token with PATCH) or, where edx-drf-extensions is installed, "
    "a JWT. Anyone else's award answers 404; another course's team gets 403."
)


def schema():
    """The schema as plain data (lazy translations resolved)."""
    with translation.override("en"):
        generator = SchemaGenerator(title=TITLE, version=VERSION, description=DESCRIPTION,
                                    patterns=urls.urlpatterns, url=PREFIX)
        document = generator.get_schema(request=None, public=True)
        return json.loads(json.dumps(document, default=str))


def as_yaml():
    """The OpenAPI schema as YAML text, what ``manage.py badges_openapi`` writes."""
    return OpenAPIRenderer().render(schema()).decode("utf-8")
