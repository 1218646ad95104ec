"""
Open Badges 3.0 API hosts (1EdTech): discovery, dynamic client registration,
authorization code with PKCE, refresh, and upsertCredential.

The host describes itself at ``{base}/ims/ob/v3p0/discovery`` (an OpenAPI document).
The spec's "same hostname" rule covers only the client's own registration URLs
(``client_uri``, ``redirect_uris``...); the authorization server may live elsewhere,
and the spec's own example has discovery on ``1edtech.org`` and registration and
token endpoints on ``auth.1edtech.org``. Because the discovery document decides where
our client secret and the learners' codes go, its OAuth endpoints are accepted only
on the base URL's origin, over https on the base host or one of its subdomains, or
on hosts the operator lists (``OPENEDX_BADGES_OB3_AUTHORIZATION_HOSTS``, or the
provider's ``authorization_hosts`` setting). ``POST /credentials`` is an upsert
(201 created, 200 replaced, 304 unchanged): pushing the same credential again never
makes a second copy at the host.
"""

import base64
import hashlib
import secrets
from datetime import UTC, datetime
from importlib import metadata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from ... import conf
from ...credentials import issuing
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


def _secret_expiry(value):
    """RFC 7591 ``client_secret_expires_at``: seconds since the epoch, 0 (or absent) for never."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


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
                if not self.authorization_server_allowed(found[name]):
                    raise ProviderError(
                        f"{self.what}'s {name.replace('_', ' ')} is on a host that is neither {self.base}'s "
                        "domain nor one the operator allowed; refused.")
        if found["scopes"] and SCOPE_UPSERT not in found["scopes"]:
            raise ProviderError(f"{self.what} does not offer the credential.upsert scope.")
        cache.set(key, found, DISCOVERY_CACHE_SECONDS)
        return found

    def authorization_server_allowed(self, url):
        """Same origin as the base URL, https on its host or a subdomain (same port), or an operator-listed host."""
        if http.same_host(url, self.base) or http.host_within(url, self.base):
            return True
        listed = list(conf.get("OPENEDX_BADGES_OB3_AUTHORIZATION_HOSTS") or ())
        listed += list(self.settings.get("authorization_hosts") or ())
        # a listed host may be called over whatever check_url allows (https, unless the operator allows http)
        return (urlsplit(url).hostname or "").lower() in {str(host).lower() for host in listed}

    def client_metadata(self, redirect_uri):
        base = issuing.default_base_url()
        configured = conf.get("OPENEDX_BADGES_OB3_CLIENT") or {}
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
        now = timezone.now()

        def usable(row):
            return bool(row.client_id and row.client_secret_encrypted) and (
                row.client_secret_expires_at is None or row.client_secret_expires_at > now)

        if usable(connection):
            return
        other = (type(connection).objects.filter(provider=self.provider).exclude(client_id="")
                 .exclude(pk=connection.pk).order_by("-modified").first())
        if other is not None and usable(other):
            connection.client_id, connection.client_secret_encrypted = other.client_id, other.client_secret_encrypted
            connection.client_secret_expires_at = other.client_secret_expires_at
            connection.save(update_fields=["client_id", "client_secret_encrypted", "client_secret_expires_at",
                                           "modified"])
            return
        answer = http.expect_object(http.request(
            "POST", endpoints["registration_url"], json_body=self.client_metadata(redirect_uri),
            what=f"{self.what} (client registration)"), self.what)
        client_id, client_secret = answer.get("client_id"), answer.get("client_secret")
        if not isinstance(client_id, str) or not client_id or not isinstance(client_secret, str):
            raise ProviderError(f"{self.what} registered no client id and secret.")
        connection.client_id = client_id
        connection.client_secret_encrypted = encrypt_text(client_secret)
        connection.client_secret_expires_at = _secret_expiry(answer.get("client_secret_expires_at"))
        connection.save(update_fields=["client_id", "client_secret_encrypted", "client_secret_expires_at",
                                       "modified"])

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
                  "scope": SCOPES, "code_verifier": verifier},
            what=f"{self.what} (token endpoint)"), self.what)
        self._check_granted_scope(connection, answer)
        store_tokens(connection, answer)

    def _check_granted_scope(self, connection, answer):
        """A grant without credential.upsert would only fail later, as a 403 on every push."""
        granted = answer.get("scope")
        if granted is None:
            return  # RFC 6749 section 5.1: no scope in the answer means the scope asked for
        if not isinstance(granted, str) or SCOPE_UPSERT not in granted.split():
            connection.state = connection.FAILED
            connection.last_error = f"{self.what} did not grant permission to add credentials (credential.upsert)."
            connection.save(update_fields=["state", "last_error", "oauth_state", "pkce_verifier_encrypted",
                                           "oauth_started", "modified"])
            raise ProviderError(connection.last_error + " Connect again and allow it.")

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
        self._check_granted_scope(connection, answer)
        store_tokens(connection, answer)

    # --- sending -------------------------------------------------------------------------

    def push(self, attempt):
        credential = attempt.award.ob3_credential
        if not credential:
            raise ProviderError("This award has no Open Badges 3.0 credential to send.")
        endpoints = self.discover()

        def upsert(token):
            return http.request("POST", f"{endpoints['api_base']}/credentials", json_body=credential,
                                headers={"Authorization": f"Bearer {token}"}, what=self.what,
                                not_modified_ok=True)

        answer = self.with_refresh(attempt.connection, upsert)
        # OB 3.0 section 6.2.3 upsertCredential: 200 replaced, 201 created, 304 already held unchanged
        if answer.status not in (200, 201, 304):
            raise ProviderError(f"{self.what} answered HTTP {answer.status} instead of 200, 201 or 304.")
        return str(credential.get("id", ""))[:255]


__all__ = ["OB3ApiProvider", "pkce_challenge"]
