"""A Canvas Credentials (Badgr) backpack: import by URL, refresh at /o/token, duplicates refused."""

import secrets

from . import App


class BadgrServer(App):
    def __init__(self):
        super().__init__()
        self.access = {}
        self.refresh = {}
        self.imported = {}  # url -> entityId

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
                return 400, {"status": {"success": False,
                                        "description": "Give exactly one of url, image, assertion"}}, {}
            url = body["url"]
            if url in self.imported:
                return 400, {"status": {"success": False, "description": "bad request"},
                             "validationErrors": ["You already have this badge in your backpack"]}, {}
            self.imported[url] = secrets.token_hex(6)
            return 201, {"status": {"success": True, "description": "ok"},
                         "result": [{"entityId": self.imported[url], "openBadgeId": url}]}, {}
        return 404, {"detail": "not found"}, {}
