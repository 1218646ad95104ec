"""
An Open Badges 3.0 API host: discovery, RFC 7591 registration, auth code + PKCE S256, upsert.

It answers as the published contract says, and each rule cites where:

- "OB 3.0" is the 1EdTech Open Badges Specification v3.0, section 6 (Open Badges API)
  and section 7 (Open Badges API Security); the OpenAPI file is
  purl.imsglobal.org/spec/ob/v3p0/schema/openapi/ob_v3p0_oas.json.
- RFC 6749 (OAuth 2.0), RFC 7591 (dynamic client registration), RFC 7636 (PKCE).

Options a test may set: ``auth_host`` (serve the OAuth endpoints under another host
name on the same port, as the spec's own example puts them on ``auth.1edtech.org``),
``secret_lifetime`` (seconds; the registration's ``client_secret_expires_at``),
``grant_scope`` (what the token endpoint grants), ``not_modified_when_unchanged``
(answer an identical upsert with 304, which OB 3.0 6.2.3.2 allows).
"""

import base64
import hashlib
import json
import secrets
import time
from urllib.parse import urlencode, urlsplit

from . import App

UPSERT = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert"
# RFC 7591 section 2 (client metadata) as OB 3.0 section 7 lists it for registration.
REQUIRED_REGISTRATION = ("client_name", "client_uri", "logo_uri", "tos_uri", "policy_uri", "software_id",
                         "software_version", "redirect_uris", "scope")


def imsx(status_code, description):
    """OB 3.0 6.2: every error answer of the API is an Imsx_StatusInfo (application/json)."""
    return {"imsx_codeMajor": "failure", "imsx_severity": "error", "imsx_description": description,
            "imsx_codeMinor": {"imsx_codeMinorField": [{"imsx_codeMinorFieldName": "TargetEndSystem",
                                                        "imsx_codeMinorFieldValue": status_code}]}}


class OB3Host(App):
    def __init__(self):
        super().__init__()
        self.clients = {}  # client_id -> registration
        self.codes = {}  # code -> (client_id, redirect_uri, challenge)
        self.access = {}  # token -> client_id
        self.refresh = {}
        self.credentials = {}  # credential id -> body
        self.upserts = []  # statuses answered
        self.auth_host = None
        self.secret_lifetime = 0
        self.grant_scope = None
        self.not_modified_when_unchanged = False

    @property
    def auth_base(self):
        if not self.auth_host:
            return self.base
        return f"http://{self.auth_host}:{urlsplit(self.base).port}"

    def discovery(self):
        b, a = self.base, self.auth_base
        return {
            "openapi": "3.0.1",
            "info": {"title": "Test OB3 host", "version": "1.0"},
            "servers": [{"url": f"{b}/ims/ob/v3p0"}],
            # OB 3.0 section 7, "Registration": the OAuth2ACG scheme names the registration
            # URL in x-imssf-registrationUrl, the rest in flows.authorizationCode.
            "components": {"securitySchemes": {"OAuth2ACG": {
                "type": "oauth2",
                "x-imssf-registrationUrl": f"{a}/oauth/register",
                "flows": {"authorizationCode": {
                    "authorizationUrl": f"{a}/oauth/authorize",
                    "tokenUrl": f"{a}/oauth/token",
                    "refreshUrl": f"{a}/oauth/token",
                    "scopes": {UPSERT: "upsert", "offline_access": "refresh"},
                }},
            }}},
            "paths": {},
        }

    def error_body(self, path, status, description):
        """The API's errors are Imsx_StatusInfo (OB 3.0 6.2); the OAuth endpoints' follow RFC 6749 5.2."""
        if path.startswith("/ims/ob/v3p0/"):
            return imsx("internal_server_error" if status >= 500 else "invaliddata", description)
        return super().error_body(path, status, description)

    def expire_access_tokens(self):
        self.access.clear()

    def _tokens(self, client_id, asked):
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.access[access], self.refresh[refresh] = client_id, client_id
        # RFC 6749 5.1: scope in the answer is what was granted (may be less than asked)
        return {"access_token": access, "refresh_token": refresh, "token_type": "Bearer", "expires_in": 3600,
                "scope": self.grant_scope if self.grant_scope is not None else asked}

    def _client(self, basic):
        """RFC 6749 2.3.1 client_secret_basic; an expired secret (RFC 7591 3.2.1) is refused like a wrong one."""
        if not basic or basic[0] not in self.clients:
            return None
        client = self.clients[basic[0]]
        if client["client_secret"] != basic[1]:
            return None
        if client["client_secret_expires_at"] and client["client_secret_expires_at"] <= time.time():
            return None
        return client

    def handle(self, r):
        if r.method == "GET" and r.path == "/ims/ob/v3p0/discovery":
            return 200, self.discovery(), {}
        if r.method == "POST" and r.path == "/oauth/register":
            body = r.json()
            missing = [f for f in REQUIRED_REGISTRATION if not body.get(f)]
            if missing or body.get("token_endpoint_auth_method") != "client_secret_basic" \
                    or set(body.get("grant_types", [])) != {"authorization_code", "refresh_token"} \
                    or body.get("response_types") != ["code"]:
                # RFC 7591 3.2.2: a registration error is 400 with error=invalid_client_metadata
                return 400, {"error": "invalid_client_metadata", "error_description": f"missing {missing}"}, {}
            client_id, secret = secrets.token_hex(8), secrets.token_urlsafe(24)
            issued = int(time.time())
            # RFC 7591 3.2.1: client_secret_expires_at is REQUIRED with a secret; 0 means it never expires
            expires = issued + self.secret_lifetime if self.secret_lifetime else 0
            self.clients[client_id] = dict(body, client_secret=secret, client_secret_expires_at=expires)
            return 201, dict(body, client_id=client_id, client_secret=secret, client_id_issued_at=issued,
                             client_secret_expires_at=expires), {}
        if r.method == "GET" and r.path == "/oauth/authorize":
            q = {k: v[0] for k, v in r.query.items()}
            client = self.clients.get(q.get("client_id"))
            if client is None or q.get("redirect_uri") not in client["redirect_uris"]:
                return 400, {"error": "invalid_client"}, {}
            if q.get("response_type") != "code" or q.get("code_challenge_method") != "S256" \
                    or UPSERT not in q.get("scope", "").split():
                return 400, {"error": "invalid_request"}, {}
            code = secrets.token_urlsafe(16)
            self.codes[code] = (q["client_id"], q["redirect_uri"], q["code_challenge"])
            target = q["redirect_uri"] + "?" + urlencode({"code": code, "state": q.get("state", "")})
            return 302, b"", {"Location": target}
        if r.method == "POST" and r.path == "/oauth/token":
            client = self._client(r.basic())
            if client is None:
                return 401, {"error": "invalid_client"}, {}  # RFC 6749 5.2
            form = r.form()
            client_id = r.basic()[0]
            if form.get("grant_type") == "authorization_code":
                # OB 3.0 section 7, "Access Token Request": grant_type, code, redirect_uri, scope
                # and code_verifier are all Required.
                if not form.get("scope") or not form.get("code_verifier"):
                    return 400, {"error": "invalid_request", "error_description": "scope and code_verifier "
                                                                                    "are required"}, {}
                entry = self.codes.pop(form.get("code"), None)
                if entry is None or entry[0] != client_id or entry[1] != form.get("redirect_uri"):
                    return 400, {"error": "invalid_grant"}, {}
                digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != entry[2]:
                    return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}, {}
                return 200, self._tokens(client_id, form["scope"]), {}
            if form.get("grant_type") == "refresh_token":
                if self.refresh.pop(form.get("refresh_token"), None) != client_id:
                    return 400, {"error": "invalid_grant"}, {}
                return 200, self._tokens(client_id, form.get("scope") or f"{UPSERT} offline_access"), {}
            return 400, {"error": "unsupported_grant_type"}, {}
        if r.method == "POST" and r.path == "/ims/ob/v3p0/credentials":
            # OB 3.0 6.2.3 upsertCredential; errors are Imsx_StatusInfo (6.2.3.2)
            if r.bearer() not in self.access:
                return 401, imsx("unauthorisedrequest", "The access token is not valid."), {}
            content_type = r.headers.get("Content-Type", "")
            if not content_type.startswith(("application/json", "application/vc+ld+json")):
                return 400, imsx("invaliddata", "The body must be application/json or application/vc+ld+json."), {}
            try:
                credential = r.json()
            except ValueError:
                return 400, imsx("invaliddata", "The body is not JSON."), {}
            if not isinstance(credential, dict) or "id" not in credential:
                return 400, imsx("invaliddata", "An AchievementCredential with an id is required."), {}
            known = self.credentials.get(credential["id"])
            if known is not None and self.not_modified_when_unchanged and \
                    json.dumps(known, sort_keys=True) == json.dumps(credential, sort_keys=True):
                self.upserts.append(304)
                return 304, b"", {}  # RFC 9110 15.4.5: a 304 has no content
            status = 200 if known is not None else 201
            self.credentials[credential["id"]] = credential
            self.upserts.append(status)
            return status, credential, {}
        return 404, imsx("unknownobject", "Not found."), {}
