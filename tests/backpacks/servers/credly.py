"""Credly's organisation API: issue a badge (HTTP Basic, token as user) and revoke it."""

import re
import uuid
from datetime import datetime

from . import App

TOKEN = "credly-test-token-0123456789"
ORG = "11111111-2222-3333-4444-555555555555"
REQUIRED = ("recipient_email", "issued_to_first_name", "issued_to_last_name", "badge_template_id", "issued_at")


class CredlyServer(App):
    def __init__(self):
        super().__init__()
        self.badges = {}  # id -> body (+ state)

    def handle(self, r):
        if r.basic() != (TOKEN, ""):
            return 401, {"data": {"message": "Unauthorized"}}, {}
        path = r.path.rstrip("/")
        if r.method == "POST" and path == f"/v1/organizations/{ORG}/badges":
            body = r.json()
            missing = [f for f in REQUIRED if not body.get(f)]
            if missing:
                return 422, {"data": {"message": f"missing {missing}"}}, {}
            try:
                datetime.strptime(body["issued_at"], "%Y-%m-%d %H:%M:%S %z")
            except ValueError:
                return 422, {"data": {"message": "issued_at format"}}, {}
            badge_id = str(uuid.uuid4())
            self.badges[badge_id] = dict(body, state="accepted")
            return 201, {"data": {"id": badge_id, "state": "pending"}}, {}
        match = re.fullmatch(rf"/v1/organizations/{ORG}/badges/([0-9a-f-]+)/revoke", path)
        if r.method == "PUT" and match:
            badge = self.badges.get(match.group(1))
            if badge is None:
                return 404, {"data": {"message": "not found"}}, {}
            badge["state"], badge["revoke_reason"] = "revoked", r.json().get("reason")
            return 200, {"data": {"id": match.group(1), "state": "revoked"}}, {}
        return 404, {"data": {"message": "not found"}}, {}
