"""The sample command writes every kind of output through the real award path."""

import json
import re

import pytest
from django.core.management import CommandError, call_command

from openedx_plugin.engine import baking

pytestmark = pytest.mark.django_db

FILES = ["ob3.json", "ob3-revoked.json", "status-list.json", "ob2-assertion.json", "ob2-signed.jws",
         "badge-ob3.png", "badge-ob3.svg", "badge-ob2.png", "badge-ob2.svg", "did.json"]
BASE = "http://127.0.0.1:8765"


def test_writes_every_file_with_urls_under_the_base(tmp_path, client):
    call_command("badges_sample", out=str(tmp_path), base_url=BASE)
    for name in FILES:
        assert (tmp_path / name).stat().st_size > 0, name
    for name in ("ob3.json", "ob3-revoked.json", "status-list.json", "ob2-assertion.json", "did.json"):
        text = (tmp_path / name).read_text()
        for url in re.findall(r'"(https?://[^"]+)"', text):
            if "example.org" in url or "example.com" in url or "purl.imsglobal.org" in url or "w3.org" in url \
                    or "w3id.org" in url:
                continue
            assert url.startswith(BASE), (name, url)
    index = json.loads((tmp_path / "index.json").read_text())
    # the same host serves each document it names
    for url, name in index["documents"].items():
        response = client.get(url[len(BASE):])
        assert response.status_code in (200, 410), url
        if name.endswith(".json") and response.status_code == 200:
            assert json.loads(response.content) == json.loads((tmp_path / name).read_text()), url
    assert baking.unbake_png((tmp_path / "badge-ob3.png").read_bytes())[0] == "ob3"
    assert baking.unbake_svg((tmp_path / "badge-ob2.svg").read_text())[0] == "ob2"
    revoked = json.loads((tmp_path / "ob3-revoked.json").read_text())
    assert revoked["credentialStatus"][0]["statusListCredential"] in index["documents"]


def test_running_twice_reuses_the_issuer(tmp_path):
    from openedx_plugin.models import Issuer

    call_command("badges_sample", out=str(tmp_path / "a"), base_url=BASE)
    call_command("badges_sample", out=str(tmp_path / "b"), base_url=BASE)
    assert Issuer.objects.count() == 1


def test_rejects_a_bad_base_url(tmp_path):
    with pytest.raises(CommandError):
        call_command("badges_sample", out=str(tmp_path), base_url="not a url")
