"""
Issue 21, the operator's side: the admin actions (bundle export, key compromise with its dry
run), the scheduled refresh (beat entry and task), and a compromised RSA key withdrawn
from the 2.0 documents while a retired one stays published.
"""

import json
from types import SimpleNamespace

import pytest
from django.urls import reverse

from openedx_plugin.credentials import issuing, public_urls
from openedx_plugin.models import Award, KeyCompromise, SigningKey
from openedx_plugin.persistence import compromise, tasks
from openedx_plugin.settings import common, production

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(badge_class, learner):
    return issuing.award_badge(badge_class, learner)[0]


def test_admin_exports_the_bundle_to_the_configured_folder(admin_client, award, settings, tmp_path):
    url = reverse("admin:openedx_badges_issuer_changelist")
    issuer = award.badge_class.issuer
    settings.OPENEDX_BADGES_BUNDLE_DIR = ""
    response = admin_client.post(url, {"action": "export_bundle", "_selected_action": [issuer.pk]}, follow=True)
    assert "Set OPENEDX_BADGES_BUNDLE_DIR" in response.content.decode()
    settings.OPENEDX_BADGES_BUNDLE_DIR = str(tmp_path / "bundle")
    admin_client.post(url, {"action": "export_bundle", "_selected_action": [issuer.pk]})
    index = json.loads((tmp_path / "bundle" / "index.json").read_text())
    assert public_urls.credential_url(award) in index["documents"]
    assert index["documents"][public_urls.did_json_url(issuer)]["content_type"] == "application/did+json"


def test_the_refresh_is_scheduled_only_where_a_folder_is_set(settings, award, tmp_path):
    without = SimpleNamespace(CELERYBEAT_SCHEDULE={})
    common.add_bundle_refresh(without)
    assert without.CELERYBEAT_SCHEDULE == {}
    configured = SimpleNamespace(CELERYBEAT_SCHEDULE={}, OPENEDX_BADGES_BUNDLE_DIR="/srv/bundle")
    common.add_bundle_refresh(configured)
    assert configured.CELERYBEAT_SCHEDULE[tasks.TASK]["task"] == tasks.TASK
    # from YAML, the folder is known only when the production plugin settings run
    from_yaml = SimpleNamespace(CELERYBEAT_SCHEDULE={}, OPENEDX_BADGES_BUNDLE_DIR="/srv/bundle")
    production.plugin_settings(from_yaml)
    assert tasks.TASK in from_yaml.CELERYBEAT_SCHEDULE
    settings.OPENEDX_BADGES_BUNDLE_DIR = str(tmp_path)
    assert tasks.export_bundle.apply().get() > 0
    assert (tmp_path / "README.md").is_file()


def test_admin_marks_a_key_compromised_after_a_dry_run(admin_client, award):
    key = award.badge_class.issuer.keys.get(kind=SigningKey.ED25519, active=True)
    url = reverse("admin:openedx_badges_signingkey_changelist")
    assert admin_client.get(url).status_code == 200
    ask = admin_client.post(url, {"action": "mark_compromised", "_selected_action": [key.pk]})
    assert ask.status_code == 200 and "Dry run" in ask.content.decode() and "1 credential would be" in (
        ask.content.decode())
    assert not KeyCompromise.objects.exists() and not Award.objects.get(pk=award.pk).revoked
    admin_client.post(url, {"action": "mark_compromised", "_selected_action": [key.pk], "apply": "yes",
                            "reason": "Laptop stolen"})
    assert KeyCompromise.objects.get(key=key).reason == "Laptop stolen"
    assert Award.objects.get(pk=award.pk).revoked
    assert Award.objects.filter(user=award.user, badge_class=award.badge_class, revoked=False).count() == 1


def test_a_compromised_rsa_key_is_withdrawn_a_retired_one_stays(client, award):
    issuer = award.badge_class.issuer
    rsa_1 = issuer.keys.get(kind=SigningKey.RSA, key_id="rsa-1")
    issuing.rotate_key(issuer, SigningKey.RSA)  # rsa-1 retired
    rsa_2 = issuer.keys.get(kind=SigningKey.RSA, active=True)
    later = issuing.award_badge(issuing.create_badge_class(issuer, "Later", "Later.", criteria_narrative="x"),
                                award.user)[0]
    report = compromise.mark_compromised(rsa_2, "Leaked")
    assert report.revoked == [str(later.uuid)]  # only what rsa-2 signed; award (rsa-1) stays
    replacement = Award.objects.get(uuid=report.reissued[str(later.uuid)])
    assert replacement.ob2_signed_assertion["verification"]["creator"].endswith("/keys/rsa-3")
    keys = issuing.issuer_ob2(issuer)["publicKey"]
    assert [key.rsplit("/", 1)[1] for key in keys] == ["rsa-1", "rsa-3"]
    assert client.get(public_urls.key_url(issuer, rsa_2).replace(issuer.public_base_url, "")).status_code == 404
    assert client.get(public_urls.key_url(issuer, rsa_1).replace(issuer.public_base_url, "")).status_code == 200
