"""
A badge awarded by the real worker, then revoked, is seen as revoked by an
independent verifier (Digital Bazaar's, in Node) reading only what the LMS
publishes: the credential, the issuer's did.json and the status list.
"""

import json

import pytest

from lms_standin.demo_course import COURSE_KEY
from openedx_plugin import tasks
from openedx_plugin.credentials import issuing, public_urls
from openedx_plugin.models import Award
from tests.interop import nodeverifier

from .support import requires_mariadb, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.interop, pytest.mark.django_db(transaction=True),
              requires_mariadb]


def publish(award, out):
    """Write the documents a verifier fetches, keyed by the URL they are served at."""
    award.refresh_from_db()
    issuer, status_list = award.badge_class.issuer, award.status_list
    status_list.refresh_from_db()
    files = {
        "credential.json": award.ob3_credential,
        "did.json": issuing.did_document(issuer),
        "status-list.json": issuing.status_list_credential(status_list),
    }
    for name, document in files.items():
        (out / name).write_text(json.dumps(document))
    documents = {public_urls.did_json_url(issuer): str(out / "did.json"),
                 public_urls.status_list_url(status_list): str(out / "status-list.json")}
    if award.suspension_list_id:  # the credential's second status entry (issue 17)
        (out / "suspension-list.json").write_text(json.dumps(issuing.status_list_credential(award.suspension_list)))
        documents[public_urls.status_list_url(award.suspension_list)] = str(out / "suspension-list.json")
    return nodeverifier.verify([{"kind": "ob3", "path": str(out / "credential.json")},
                                {"kind": "ob3-status-list", "path": str(out / "status-list.json"),
                                 "index": award.status_index}], documents)


@pytest.mark.usefixtures("passed_then_badge")
def test_revocation_is_visible_to_an_independent_verifier(student, tmp_path, live):
    nodeverifier.ensure_node_modules()  # skips without Node (fails in CI)
    assert tasks.enqueue(student.id, COURSE_KEY, {"event": "COURSE_PASSING_STATUS_UPDATED"})
    award = wait_for(lambda: Award.objects.filter(user=student).first(), "the worker's award")
    live.drain()

    (before := tmp_path / "before").mkdir()
    credential, status = publish(award, before)
    assert credential["verified"], credential["errors"]
    assert credential["revoked"] is False
    assert status["verified"], status["errors"]
    assert status["status"] is False  # the award's bit, as the verifier reads it

    issuing.revoke_award(award, "Issued in error.")
    (after := tmp_path / "after").mkdir()
    credential, status = publish(award, after)
    assert credential["revoked"] is True, credential
    assert status["verified"], status["errors"]  # the re-signed list itself is genuine
    assert status["status"] is True
