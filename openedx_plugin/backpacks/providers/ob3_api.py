"""
Open Badges 3.0 API hosts (1EdTech): discovery, dynamic client registration,
authorization code with PKCE, refresh, and upsertCredential.

The host describes itself at ``{base}/ims/ob/v3p0/discovery`` (an OpenAPI document);
the OAuth endpoints it names must be on the same host, as the spec requires, so a
compromised discovery document cannot send our client secret or a learner's code
elsewhere. ``POST /credentials`` is an upsert (201 created, 200 replaced): pushing
the same credential again never makes a second copy at the host.
"""

import base64
import hashlib
import secrets
from importlib import metadata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from ... import issuing
from .. import http
from .base import Provider, ProviderError, decrypt_text, encrypt_text, refresh_token, store_tokens

API_PATH = "/ims/ob/v3p0"
SCOPE_UPSERT = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert"
SCOPES = f"{SCOPE_UPSERT} offline_access"
SOFTWARE_ID = "openedx-open-badges"
DISCOVERY_CACHE_SECONDS = 3600


def pkce_challenge(verifier):
    """S256: base64url(sha256(verifier)) without padding (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _software_version():
    try:
        return metadata.version("openedx-open-badges")
    except metadata.PackageNotFoundError:
        return "0"


def _with_query(url, params):
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


class OB3ApiProvider(Provider):
    idempotent_push = True

    @property
    def base(self):
        return self.provider.base_url.rstrip("/")

    @property
    def what(self):
        return self.label

    # --- discovery and registration ----------------------------------------------------

    def discover(self):
        """The host's OAuth endpoints and API base, from its discovery document (cached)."""
        key = f"openedx_badges.ob3.discovery.{self.provider.pk}.{self.base}"
        found = cache.get(key)
        if found:
            return found
        doc = http.expect_object(http.request("GET", f"{self.base}{API_PATH}/discovery",
                                              what=f"{self.what} (discovery)"), self.what)
        scheme = ((doc.get("components") or {}).get("securitySchemes") or {}).get("OAuth2ACG")
        if not isinstance(scheme, dict):
            raise ProviderError(f"{self.what} does not describe an OAuth2ACG security scheme.")
        flow = ((scheme.get("flows") or {}).get("authorizationCode")) or {}
        found = {
            "registration_url": scheme.get("x-imssf-registrationUrl"),
            "authorization_url": flow.get("authorizationUrl") or scheme.get("authorizationUrl"),
            "token_url": flow.get("tokenUrl") or scheme.get("tokenUrl"),
            "refresh_url": flow.get("refreshUrl") or scheme.get("refreshUrl"),
            "scopes": sorted((flow.get("scopes") or scheme.get("scopes") or {}).keys()),
            "api_base": f"{self.base}{API_PATH}",
        }
        servers = doc.get("servers")
        if isinstance(servers, list) and servers and isinstance(servers[0], dict):
            server_url = servers[0].get("url")
            if isinstance(server_url, str) and server_url.startswith(("http://", "https://")) \
                    and http.same_host(server_url, self.base):
                found["api_base"] = server_url.rstrip("/")
        for name in ("registration_url", "authorization_url", "token_url"):
            if not isinstance(found[name], str) or not found[name]:
                raise ProviderError(f"{self.what}'s discovery document has no {name.replace('_', ' ')}.")
        for name in ("registration_url", "authorization_url", "token_url", "refresh_url"):
            if found[name]:
                http.check_url(found[name])
                if not http.same_host(found[name], self.base):
                    raise ProviderError(f"{self.what}'s {name.replace('_', ' ')} is on another host; refused.")
        if found["scopes"] and SCOPE_UPSERT not in found["scopes"]:
            raise ProviderError(f"{self.what} does not offer the credential.upsert scope.")
        cache.set(key, found, DISCOVERY_CACHE_SECONDS)
        return found

    def client_metadata(self, redirect_uri):
        base = issuing.default_base_url()
        configured = getattr(settings, "OPENEDX_BADGES_OB3_CLIENT", {}) or {}
        return {
            "client_name": configured.get("client_name") or getattr(settings, "PLATFORM_NAME", "Open edX"),
            "client_uri": configured.get("client_uri") or base + "/",
            "logo_uri": configured.get("logo_uri") or base + "/favicon.ico",
            "tos_uri": configured.get("tos_uri") or base + "/tos",
            "policy_uri": configured.get("policy_uri") or base + "/privacy",
            "software_id": SOFTWARE_ID,
            "software_version": _software_version(),
            "redirect_uris": [redirect_uri],
            "scope": SCOPES,
            "token_endpoint_auth_method": "client_secret_basic",
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
        }

    def ensure_registration(self, connection, endpoints, redirect_uri):
        """
        Register this LMS as a client of the host, once: a registration made for another
        learner's connection to the same host is reused.
        """
        if connection.client_id and connection.client_secret_encrypted:
            return
        other = (type(connection).objects.filter(provider=self.provider).exclude(client_id="")
                 .exclude(pk=connection.pk).order_by("-modified").first())
        if other is not None and other.client_secret_encrypted:
            connection.client_id, connection.client_secret_encrypted = other.client_id, other.client_secret_encrypted
            connection.save(update_fields=["client_id", "client_secret_encrypted", "modified"])
            return
        answer = http.expect_object(http.request(
            "POST", endpoints["registration_url"], json_body=self.client_metadata(redirect_uri),
            what=f"{self.what} (client registration)"), self.what)
        client_id, client_secret = answer.get("client_id"), answer.get("client_secret")
        if not isinstance(client_id, str) or not client_id or not isinstance(client_secret, str):
            raise ProviderError(f"{self.what} registered no client id and secret.")
        connection.client_id = client_id
        connection.client_secret_encrypted = encrypt_text(client_secret)
        connection.save(update_fields=["client_id", "client_secret_encrypted", "modified"])

    def _client_auth(self, connection):
        return (connection.client_id, decrypt_text(connection.client_secret_encrypted))

    # --- the authorization code flow ---------------------------------------------------

    def start_connect(self, connection, redirect_uri):
        endpoints = self.discover()
        self.ensure_registration(connection, endpoints, redirect_uri)
        state = secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(64)
        connection.oauth_state = state
        connection.pkce_verifier_encrypted = encrypt_text(verifier)
        connection.oauth_started = timezone.now()
        if connection.state != connection.CONNECTED:
            connection.state = connection.PENDING
        connection.save()
        return _with_query(endpoints["authorization_url"], {
            "response_type": "code",
            "client_id": connection.client_id,
            "redirect_uri": redirect_uri,
            "scope": SCOPES,
            "state": state,
            "code_challenge": pkce_challenge(verifier),
            "code_challenge_method": "S256",
        })

    def finish_connect(self, connection, params, redirect_uri):
        verifier = decrypt_text(connection.pkce_verifier_encrypted)
        connection.oauth_state, connection.pkce_verifier_encrypted, connection.oauth_started = "", None, None
        if params.get("error"):
            connection.save()
            raise ProviderError(f"{self.what} did not grant access ({str(params['error'])[:100]}).")
        code = params.get("code")
        if not code:
            connection.save()
            raise ProviderError(f"{self.what} sent no authorization code.")
        endpoints = self.discover()
        answer = http.expect_object(http.request(
            "POST", endpoints["token_url"], auth=self._client_auth(connection),
            form={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                  "code_verifier": verifier},
            what=f"{self.what} (token endpoint)"), self.what)
        store_tokens(connection, answer)

    def refresh(self, connection):
        token = refresh_token(connection)
        if not token:
            raise http.AuthError(f"{self.what} refused the access token and it cannot be refreshed; reconnect.")
        endpoints = self.discover()
        try:
            answer = http.expect_object(http.request(
                "POST", endpoints["refresh_url"] or endpoints["token_url"], auth=self._client_auth(connection),
                form={"grant_type": "refresh_token", "refresh_token": token, "scope": SCOPES},
                what=f"{self.what} (token refresh)"), self.what)
        except http.PermanentError as exc:
            connection.state, connection.last_error = connection.FAILED, f"{exc} Reconnect your account."
            connection.save(update_fields=["state", "last_error", "modified"])
            raise http.AuthError(connection.last_error) from exc
        store_tokens(connection, answer)

    # --- sending -------------------------------------------------------------------------

    def push(self, attempt):
        credential = attempt.award.ob3_credential
        if not credential:
            raise ProviderError("This award has no Open Badges 3.0 credential to send.")
        endpoints = self.discover()

        def upsert(token):
            return http.request("POST", f"{endpoints['api_base']}/credentials", json_body=credential,
                                headers={"Authorization": f"Bearer {token}"}, what=self.what)

        answer = self.with_refresh(attempt.connection, upsert)
        if answer.status not in (200, 201):
            raise ProviderError(f"{self.what} answered HTTP {answer.status} instead of 200 or 201.")
        return str(credential.get("id", ""))[:255]


__all__ = ["OB3ApiProvider", "pkce_challenge"]
