"""LinkedIn "Add to profile": the issuer's organisation id, when set, is sent instead of its name."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError

from openedx_plugin.views.wallet import linkedin_url


def _params(award):
    return {key: values[0] for key, values in parse_qs(urlsplit(linkedin_url(award)).query).items()}


def test_organization_id_is_preferred_to_the_name(award):
    issuer = award.badge_class.issuer
    issuer.linkedin_organization_id = "2414183"
    issuer.save()
    award.refresh_from_db()
    params = _params(award)
    assert params["organizationId"] == "2414183" and "organizationName" not in params
    assert params["startTask"] == "CERTIFICATION_NAME" and params["certId"] == str(award.uuid)


def test_without_an_id_the_name_is_sent(award):
    params = _params(award)
    assert params["organizationName"] == award.badge_class.issuer.name and "organizationId" not in params


@pytest.mark.parametrize("value", ["acme", "12 34", "-5"])
def test_organization_id_is_digits_only(issuer, value):
    issuer.linkedin_organization_id = value
    with pytest.raises(ValidationError):
        issuer.full_clean()


def test_admin_form_offers_the_field():
    from openedx_plugin.admin import IssuerForm

    assert "linkedin_organization_id" in IssuerForm.base_fields
