"""An Open Badges 3.0 API host: discovery, RFC 7591 registration, auth code + PKCE S256, upsert."""

import base64
import hashlib
import secrets
from urllib.parse import urlencode

from . import App

UPSERT = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert"
REQUIRED_REGISTRATION = ("client_name", "client_uri", "logo_uri", "tos_uri", "policy_uri", "software_id",
                         "software_version", "redirect_uris", "scope")


class OB3Host(App):
    def __init__(self):
        super().__init__()
        self.clients = {}  # client_id -> registration
        self.codes = {}  # code -> (client_id, redirect_uri, challenge)
        self.access = {}  # token -> client_id
        self.refresh = {}
        self.credentials = {}  # credential id -> body
        self.upserts = []  # statuses answered

    def discovery(self):
        b = self.base
        return {
            "openapi": "3.0.1",
            "info": {"title": "Test OB3 host", "version": "1.0"},
            "servers": [{"url": f"{b}/ims/ob/v3p0"}],
            "components": {"securitySchemes": {"OAuth2ACG": {
                "type": "oauth2",
                "x-imssf-registrationUrl": f"{b}/oauth/register",
                "flows": {"authorizationCode": {
                    "authorizationUrl": f"{b}/oauth/authorize",
                    "tokenUrl": f"{b}/oauth/token",
                    "refreshUrl": f"{b}/oauth/token",
                    "scopes": {UPSERT: "upsert", "offline_access": "refresh"},
                }},
            }}},
            "paths": {},
        }

    def expire_access_tokens(self):
        self.access.clear()

    def _tokens(self, client_id):
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.access[access], self.refresh[refresh] = client_id, client_id
        return {"access_token": access, "refresh_token": refresh, "token_type": "Bearer", "expires_in": 3600,
                "scope": f"{UPSERT} offline_access"}

    def handle(self, r):
        if r.method == "GET" and r.path == "/ims/ob/v3p0/discovery":
            return 200, self.discovery(), {}
        if r.method == "POST" and r.path == "/oauth/register":
            body = r.json()
            missing = [f for f in REQUIRED_REGISTRATION if not body.get(f)]
            if missing or body.get("token_endpoint_auth_method") != "client_secret_basic" \
                    or set(body.get("grant_types", [])) != {"authorization_code", "refresh_token"} \
                    or body.get("response_types") != ["code"]:
                return 400, {"error": "invalid_client_metadata", "missing": missing}, {}
            client_id, secret = secrets.token_hex(8), secrets.token_urlsafe(24)
            self.clients[client_id] = dict(body, client_secret=secret)
            return 201, dict(body, client_id=client_id, client_secret=secret), {}
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
            basic = r.basic()
            if not basic or basic[0] not in self.clients or self.clients[basic[0]]["client_secret"] != basic[1]:
                return 401, {"error": "invalid_client"}, {}
            form = r.form()
            if form.get("grant_type") == "authorization_code":
                entry = self.codes.pop(form.get("code"), None)
                if entry is None or entry[0] != basic[0] or entry[1] != form.get("redirect_uri"):
                    return 400, {"error": "invalid_grant"}, {}
                digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != entry[2]:
                    return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}, {}
                return 200, self._tokens(basic[0]), {}
            if form.get("grant_type") == "refresh_token":
                if self.refresh.pop(form.get("refresh_token"), None) != basic[0]:
                    return 400, {"error": "invalid_grant"}, {}
                return 200, self._tokens(basic[0]), {}
            return 400, {"error": "unsupported_grant_type"}, {}
        if r.method == "POST" and r.path == "/ims/ob/v3p0/credentials":
            if r.bearer() not in self.access:
                return 401, {"error": "invalid_token"}, {}
            if not r.headers.get("Content-Type", "").startswith("application/json"):
                return 415, {"error": "unsupported media type"}, {}
            credential = r.json()
            status = 200 if credential["id"] in self.credentials else 201
            self.credentials[credential["id"]] = credential
            self.upserts.append(status)
            return status, credential, {}
        return 404, {"error": "not found"}, {}
