"""
Credly's organisation API: issue a badge (HTTP Basic, token as user), list issued badges, revoke.

What it answers, and where that is written:

- Issue: ``POST /v1/organizations/<org>/badges`` with the required fields
  ``recipient_email``, ``issued_to_first_name``, ``issued_to_last_name``,
  ``badge_template_id``, ``issued_at`` and the optional ``issuer_earner_id``,
  ``expires_at``, ``suppress_badge_notification_email`` (credly.com/docs/issued_badges,
  "Issue a Badge"). Times use ``2014-04-01 09:41:00 -0500`` (the page's example).
- Duplicates: "A badge is considered a duplicate if it shares the same badge_template as
  another badge and ... has the same recipient_email ... or the same issuer_earner_id.
  Duplicate badges cannot be issued by default" (same page). The page does not publish the
  refusal's status or body; this stand-in answers 422 with a message that says nothing
  useful, so the client cannot lean on wording.
- List: ``GET /v1/organizations/<org>/badges`` answers ``{"data": [...], "metadata": {...}}``
  (the list shape of credly.com/docs/organizations); ``filter=key::value`` as the badge
  templates page documents it. ``issuer_earner_id`` "will be returned in API calls".
- Revoke: ``PUT .../badges/<id>/revoke`` with ``reason`` and
  ``suppress_revoke_notification_email`` (riipen/credly-ruby lib/credly/actions/badges.rb).
- Authentication: HTTP Basic, the organisation's token as the user name, empty password.
"""

import re
import uuid
from datetime import datetime

from . import App

TOKEN = "credly-test-token-0123456789"
ORG = "11111111-2222-3333-4444-555555555555"
REQUIRED = ("recipient_email", "issued_to_first_name", "issued_to_last_name", "badge_template_id", "issued_at")
TIME = "%Y-%m-%d %H:%M:%S %z"


class CredlyServer(App):
    def __init__(self):
        super().__init__()
        self.badges = {}  # id -> body (+ state)
        self.allow_duplicates = False  # a template setting at Credly

    def error_body(self, path, status, description):
        # Credly's API pages publish no error body; this is the {"data": {"message"}} wrapping of its
        # success answers, which is what the plugin reads, and nothing is decided on the message.
        return {"data": {"message": description}}

    def _duplicate(self, body):
        for badge in self.badges.values():
            if badge["badge_template_id"] != body["badge_template_id"] or badge["state"] == "revoked":
                continue
            if badge["recipient_email"].lower() == body["recipient_email"].lower() or (
                    body.get("issuer_earner_id") and badge.get("issuer_earner_id") == body["issuer_earner_id"]):
                return True
        return False

    def _public(self, badge_id, badge):
        return {"id": badge_id, "state": badge["state"], "issuer_earner_id": badge.get("issuer_earner_id"),
                "recipient_email": badge["recipient_email"], "badge_template": {"id": badge["badge_template_id"]},
                "issued_at": badge["issued_at"], "expires_at": badge.get("expires_at")}

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
                for name in ("issued_at", "expires_at"):
                    if body.get(name):
                        datetime.strptime(body[name], TIME)
            except ValueError:
                return 422, {"data": {"message": "time format"}}, {}
            if not self.allow_duplicates and self._duplicate(body):
                return 422, {"data": {"message": "Validation failed"}}, {}
            badge_id = str(uuid.uuid4())
            self.badges[badge_id] = dict(body, state="accepted")
            return 201, {"data": self._public(badge_id, self.badges[badge_id])}, {}
        if r.method == "GET" and path == f"/v1/organizations/{ORG}/badges":
            wanted = {}
            for clause in (r.query.get("filter") or [""])[0].split("|"):
                key, _, value = clause.partition("::")
                if key:
                    wanted[key] = value
            found = [self._public(i, b) for i, b in self.badges.items()
                     if all(str(b.get(k)) == v for k, v in wanted.items())]
            return 200, {"data": found, "metadata": {"count": len(found), "current_page": 1,
                                                     "total_count": len(found), "total_pages": 1}}, {}
        match = re.fullmatch(rf"/v1/organizations/{ORG}/badges/([0-9a-f-]+)/revoke", path)
        if r.method == "PUT" and match:
            badge = self.badges.get(match.group(1))
            if badge is None:
                return 404, {"data": {"message": "not found"}}, {}
            body = r.json()
            badge["state"], badge["revoke_reason"] = "revoked", body.get("reason")
            badge["suppress_revoke_notification_email"] = body.get("suppress_revoke_notification_email")
            return 200, {"data": self._public(match.group(1), badge)}, {}
        return 404, {"data": {"message": "not found"}}, {}
