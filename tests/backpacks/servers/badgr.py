"""
A Canvas Credentials (Badgr) backpack: import by URL, refresh at /o/token, duplicates refused.

Answers as badgr-server does (concentricsky/badgr-server, last public commit 2021-01-25;
paths below are in that repository, as the project's notes on backpack contracts cite them):

- ``POST /v2/backpack/import`` (apps/backpack/api.py ``BackpackImportBadge``): Bearer token
  with scope ``rw:backpack``; exactly one of ``url``, ``image``, ``assertion``
  (apps/backpack/serializers_v2.py ``BackpackImportSerializerV2.validate``); 201 with
  ``result[0]`` the assertion (``entityId``...).
- A badge already accepted in the backpack: a validation error
  ``{"name": "DUPLICATE_BADGE", "description": "You already have this badge in your backpack"}``
  (serializers_v2.py, ``create``), in the v2 envelope ``{"status": {"success": false,
  "description": ...}, "fieldErrors": {}, "validationErrors": [...]}`` (apps/entity/views.py).
- The recipient must be one of the account's **verified** email addresses
  (apps/issuer/helpers.py, ``BadgeCheckHelper``): otherwise a 400 validation error. The
  stand-in cannot open the assertion (it lives on the site under test), so a test says
  which imports fail that check with ``unverified_urls``.
- ``POST /o/token`` refresh, form body (apps/mainsite/oauth2_api.py); tokens last 86400 s
  (developerdocs.instructure.com/services/credentials, password-based authentication).
"""

import secrets

from . import App

VERIFIED_EMAIL_ERROR = "The badge you are trying to import does not belong to one of your verified e-mail addresses."


def envelope(description, validation_errors):
    """badgr-server's v2 error envelope (apps/entity/views.py)."""
    return {"status": {"success": False, "description": description}, "fieldErrors": {},
            "validationErrors": validation_errors}


class BadgrServer(App):
    def __init__(self):
        super().__init__()
        self.access = {}
        self.refresh = {}
        self.imported = {}  # url -> entityId
        self.unverified_urls = set()

    def error_body(self, path, status, description):
        if path.startswith("/o/"):
            return super().error_body(path, status, description)  # django-oauth-toolkit: RFC 6749 5.2
        return envelope(description, [])

    def issue_tokens(self):
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.access[access] = True
        self.refresh[refresh] = True
        return access, refresh

    def expire_access_tokens(self):
        self.access.clear()

    def handle(self, r):
        if r.method == "POST" and r.path == "/o/token":
            form = r.form()
            if form.get("grant_type") != "refresh_token" or not self.refresh.pop(form.get("refresh_token"), None):
                return 400, {"error": "invalid_grant"}, {}
            access, refresh = self.issue_tokens()
            return 200, {"access_token": access, "refresh_token": refresh, "expires_in": 86400,
                         "token_type": "Bearer", "scope": "rw:backpack"}, {}
        if r.method == "POST" and r.path == "/v2/backpack/import":
            if r.bearer() not in self.access:
                return 401, {"detail": "Authentication credentials were not provided."}, {}
            body = r.json()
            given = [key for key in ("url", "image", "assertion") if body.get(key)]
            if len(given) != 1:
                return 400, envelope("Validation Error",
                                     ["Must provide only one of 'url', 'image' or 'assertion'."]), {}
            url = body["url"]
            if url in self.unverified_urls:
                return 400, envelope("Validation Error", [VERIFIED_EMAIL_ERROR]), {}
            if url in self.imported:
                return 400, envelope("Validation Error", [
                    {"name": "DUPLICATE_BADGE", "description": "You already have this badge in your backpack"}]), {}
            self.imported[url] = secrets.token_hex(6)
            return 201, {"status": {"success": True, "description": "ok"},
                         "result": [{"entityId": self.imported[url], "openBadgeId": url}]}, {}
        return 404, {"detail": "not found"}, {}
