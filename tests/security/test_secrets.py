"""
Secrets never leak (issue 8, part 3): private signing keys (decrypted here to know their
bytes, PEM and multibase forms), backpack tokens and secrets, and the Fernet keys do not
appear in any response of the access matrix (admin change pages included), in the API,
in any log record at DEBUG (awarding, pushing to a backpack that is down, rotating keys,
errors), or in the text of the errors raised.
"""

import base64
import logging

import base58
import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization

from .conftest import BLOCK_KEY, ROLES, client_for
from .test_access_matrix import _admin_urls, _request, handler_matrix, matrix

pytestmark = pytest.mark.django_db

FERNET_KEY = Fernet.generate_key().decode()
ACCESS_TOKEN = "ACCESS-tok-5f1c9e0b7d3a4e2f8a6b"
REFRESH_TOKEN = "REFRESH-tok-0a9b8c7d6e5f4a3b2c1d"
CLIENT_SECRET = "CLIENT-secret-77aa88bb99cc00dd"
PROVIDER_SECRET = "PROVIDER-api-token-1234567890abcdef"


@pytest.fixture
def fernet(settings):
    settings.OPENEDX_BADGES_KEY_ENCRYPTION_KEYS = [FERNET_KEY]
    settings.LOGGING_CONFIG = None
    return FERNET_KEY


@pytest.fixture
def secret_world(fernet, world):
    from openedx_plugin.backpacks.providers.base import encrypt_text, set_provider_secret

    set_provider_secret(world["ob3"], PROVIDER_SECRET)
    connection = world["connection"]
    connection.access_token_encrypted = encrypt_text(ACCESS_TOKEN)
    connection.refresh_token_encrypted = encrypt_text(REFRESH_TOKEN)
    connection.client_secret_encrypted = encrypt_text(CLIENT_SECRET)
    connection.save()
    return world


def secret_strings(issuer=None):
    """Every textual form of every secret in the database now."""
    from openedx_plugin.credentials import keystore
    from openedx_plugin.engine import keys as engine_keys
    from openedx_plugin.models import SigningKey

    forms = {FERNET_KEY, ACCESS_TOKEN, REFRESH_TOKEN, CLIENT_SECRET, PROVIDER_SECRET}
    for row in SigningKey.objects.all():
        raw = keystore.decrypt(row.private_key_encrypted)
        forms.add(bytes(row.private_key_encrypted).decode())  # the Fernet token itself
        if row.kind == SigningKey.ED25519:
            key = keystore.load_private_key(row)
            forms |= {raw.hex(), base64.b64encode(raw).decode().rstrip("="),
                      base64.urlsafe_b64encode(raw).decode().rstrip("="), base58.b58encode(raw).decode(),
                      engine_keys.private_multibase(key)}
        else:
            pem = raw.decode()
            forms.add(pem)
            # any line of the base64 body is enough to count as a leak
            forms |= {line for line in pem.splitlines() if len(line) > 40}
            key = keystore.load_private_key(row)
            der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
            forms.add(base64.b64encode(der).decode()[:64])
            numbers = key.private_numbers()
            forms |= {str(numbers.d), format(numbers.d, "x")}
    return forms


def leaks(text, forms):
    return sorted(form[:12] + "…" for form in forms if form and form in text)


def test_no_response_of_the_matrix_shows_a_secret(secret_world):
    forms = secret_strings()
    assert len(forms) > 15
    found = []
    superuser = client_for("superuser", secret_world["users"])
    admin_urls = _admin_urls(secret_world) + [
        f"/admin/openedx_badges/issuer/{secret_world['issuer'].pk}/change/",
        "/admin/openedx_badges/issuer/add/", "/admin/openedx_badges/backpackprovider/add/"]
    for url in admin_urls:
        response = superuser.get(url)
        assert response.status_code == 200, url
        if leaks(response.content.decode(), forms):
            found.append(f"admin {url}: {leaks(response.content.decode(), forms)}")
    for role in ROLES:
        for name, (method, url, data, _expected) in matrix(secret_world).items():
            response = _request(client_for(role, secret_world["users"]), method, url, data)
            content = b"".join(response.streaming_content) if response.streaming else response.content  # a CSV
            body = content.decode("utf-8", "replace") + str(dict(response.items()))
            if leaks(body, forms):
                found.append(f"{role} {name}: {leaks(body, forms)}")
        for handler in handler_matrix():
            response = client_for(role, secret_world["users"]).post(
                f"/xblock/{BLOCK_KEY}/handler/{handler}/", data={},
                content_type="application/json")
            if leaks(response.content.decode("utf-8", "replace"), forms):
                found.append(f"{role} handler {handler}")
    api = client_for("owner", secret_world["users"])
    for url in ("/badges/api/v1/awards/", f"/badges/api/v1/awards/{secret_world['award'].uuid}/",
                f"/badges/api/v1/badge-classes/?course={secret_world['badge'].course_key}"):
        body = api.get(url).content.decode()
        if leaks(body, forms):
            found.append(f"api {url}")
    assert not found, found


def test_logs_and_errors_hold_no_secret(secret_world, caplog, settings, django_capture_on_commit_callbacks):
    from openedx_plugin.backpacks import services
    from openedx_plugin.credentials import issuing, keystore
    from openedx_plugin.models import SigningKey

    caplog.set_level(logging.DEBUG)
    errors = []
    world = secret_world
    settings.OPENEDX_BADGES_BACKPACK_CONNECT_TIMEOUT = 1
    settings.OPENEDX_BADGES_BACKPACK_READ_TIMEOUT = 1
    settings.OPENEDX_BADGES_PUSH_MAX_RETRIES = 0
    # awarding (and queuing the auto pushes to a backpack that is down: port 9 refuses)
    with django_capture_on_commit_callbacks(execute=True):
        issuing.award_badge(world["badge"], world["users"]["other"])
    # pushing to the failing backpack, by the learner and by retry
    for call in (lambda: services.learner_push(world["users"]["owner"], world["ob3"], world["award"]),
                 lambda: services.retry_push(world["attempt"])):
        try:
            with django_capture_on_commit_callbacks(execute=True):
                call()
        except Exception as exc:  # noqa: BLE001 - its text is what is checked
            errors.append(exc)
    # key rotation, through the admin action and the keystore
    client_for("superuser", world["users"]).post("/admin/openedx_badges/issuer/", {
        "action": "rotate_keys", "_selected_action": [world["issuer"].pk]})
    issuing.rotate_key(world["issuer"], SigningKey.RSA)
    # errors: a key that cannot be decrypted, a provider whose secret cannot be read
    settings.OPENEDX_BADGES_KEY_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    for call in (lambda: keystore.load_private_key(SigningKey.objects.first()),
                 lambda: issuing.award_badge(world["badge"], world["users"]["course_staff"])):
        try:
            call()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
    settings.OPENEDX_BADGES_KEY_ENCRYPTION_KEYS = [FERNET_KEY]
    assert errors, "the failure paths were exercised"
    forms = secret_strings()
    text = "\n".join(f"{r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in caplog.records)
    text += "\n".join(f"{exc!s} {exc!r} {exc.__cause__!s}" for exc in errors)
    from openedx_plugin.models import BackpackConnection, PushAttempt

    text += "\n".join(str(a.last_error) for a in PushAttempt.objects.all())
    text += "\n".join(str(c.last_error) for c in BackpackConnection.objects.all())
    assert caplog.records
    assert not leaks(text, forms)
