"""The checked-in OpenAPI document is what the code generates (regenerate: manage.py badges_openapi)."""

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from openedx_plugin.rest_api import schema

DOC = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def test_docs_openapi_yaml_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == schema.as_yaml(), "run `manage.py badges_openapi` and commit the file"


def test_the_command_checks_and_writes(tmp_path):
    out = tmp_path / "openapi.yaml"
    call_command("badges_openapi", out=str(out))
    call_command("badges_openapi", out=str(out), check=True)
    out.write_text("stale", encoding="utf-8")
    with pytest.raises(Exception, match="out of date"):
        call_command("badges_openapi", out=str(out), check=True)


def test_schema_describes_the_endpoints():
    document = yaml.safe_load(DOC.read_text(encoding="utf-8"))
    paths = document["paths"]
    assert set(paths) == {"/badges/api/v1/awards/", "/badges/api/v1/awards/{uuid}/", "/badges/api/v1/badge-classes/",
                          "/badges/api/v1/pathways/", "/badges/api/v1/skills/", "/badges/api/v1/profile/",
                          "/badges/api/v1/course-team/{course_key}/badges/",
                          "/badges/api/v1/course-team/{course_key}/badges/{badge_uuid}/recipients/"}
    assert set(paths["/badges/api/v1/profile/"]) == {"get", "patch"}
    assert set(document["components"]["schemas"]["LearnerProfile"]["properties"]) == {
        "public", "slug", "show_name", "headline", "url"}
    assert set(paths["/badges/api/v1/awards/{uuid}/"]) == {"get", "patch"}
    body = paths["/badges/api/v1/awards/{uuid}/"]["patch"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/AwardSharing"}
    assert set(document["components"]["schemas"]["AwardSharing"]["properties"]) == {"public", "show_name"}
    names = {param["name"] for param in paths["/badges/api/v1/awards/"]["get"]["parameters"]}
    assert names == {"page", "page_size", "course", "status", "skill"}


def test_schema_describes_pathway_progress():
    document = yaml.safe_load(DOC.read_text(encoding="utf-8"))
    listing = document["paths"]["/badges/api/v1/pathways/"]["get"]
    assert listing["operationId"] == "listPathwaysInProgress"
    assert listing["responses"]["200"]["content"]["application/json"]["schema"]["items"] == {
        "$ref": "#/components/schemas/Pathway"}
    milestone = document["components"]["schemas"]["Pathway"]["properties"]["milestones"]["items"]["properties"]
    assert milestone["state"]["enum"] == ["done", "next", "later"]
    assert {"uuid", "name", "course_url", "held", "optional"} <= set(milestone["steps"]["items"]["properties"])


def test_schema_describes_the_course_team_endpoints():
    """Issue 18: the recipients endpoint documents its filters, its paging and its access errors."""
    document = yaml.safe_load(DOC.read_text(encoding="utf-8"))
    recipients = document["paths"]["/badges/api/v1/course-team/{course_key}/badges/{badge_uuid}/recipients/"]["get"]
    assert {param["name"] for param in recipients["parameters"]} == {
        "course_key", "badge_uuid", "page", "page_size", "q", "state"}
    assert "team" in recipients["responses"]["403"]["description"]
    item = recipients["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["results"]["items"]
    assert item == {"$ref": "#/components/schemas/Recipient"}
    counts = document["components"]["schemas"]["TeamBadge"]["properties"]["counts"]["properties"]
    assert set(counts) == {"earned", "in_progress", "suspended", "revoked", "expired"}
