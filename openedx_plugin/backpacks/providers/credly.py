"""
Credly organisation issuing: the operator's organisation issues a Credly badge
for an award (learners do not connect anything).

``POST {host}/v1/organizations/{org}/badges/`` with the recipient's email and
name, the Credly badge template mapped to the badge class, and ``issued_at``
(``%Y-%m-%d %H:%M:%S %z``), HTTP Basic with the API token as the user name.
The returned id is kept, so a revocation can ``PUT .../badges/{id}/revoke/``.
Credly tokens expire (180 days): a 401 fails the push with a reason the
operator sees, and nothing is retried until the token is replaced.
"""

import re

from .. import http
from .base import Provider, ProviderError, provider_secret

ENVIRONMENTS = {
    "production": "https://api.credly.com",
    "sandbox": "https://sandbox-api.credly.com",
}
_ALREADY = re.compile(r"already", re.IGNORECASE)


class CredlyProvider(Provider):
    learner_connects = False
    supports_revoke = True

    @property
    def base(self):
        if self.provider.base_url:
            return self.provider.base_url.rstrip("/")
        environment = str(self.settings.get("environment", "production")).lower()
        if environment not in ENVIRONMENTS:
            raise ProviderError(f"Unknown Credly environment {environment!r}: use production or sandbox.")
        return ENVIRONMENTS[environment]

    @property
    def organization(self):
        org = str(self.settings.get("organization_id", "")).strip()
        if not org or "/" in org:
            raise ProviderError("Set the Credly organization_id of this provider.")
        return org

    def template_for(self, badge_class):
        templates = self.settings.get("templates") or {}
        return templates.get(str(badge_class.uuid)) or templates.get(str(badge_class.pk)) or ""

    def applies_to(self, award):
        return bool(self.template_for(award.badge_class))

    def _auth(self):
        token = provider_secret(self.provider)
        if not token:
            raise ProviderError("Set the Credly API token of this provider.")
        return (token, "")

    def push(self, attempt):
        award = attempt.award
        template = self.template_for(award.badge_class)
        if not template:
            raise ProviderError("No Credly badge template is mapped to this badge.")
        user = award.user
        if user is None or not user.email:
            raise ProviderError("The learner has no email address to issue the Credly badge to.")
        first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
        if not first:
            first = user.get_username()
        body = {
            "recipient_email": user.email,
            "issued_to_first_name": first,
            "issued_to_last_name": last or first,
            "badge_template_id": str(template),
            "issued_at": award.issued_on.strftime("%Y-%m-%d %H:%M:%S %z"),
            "suppress_badge_notification_email": bool(self.settings.get("suppress_email", False)),
        }
        try:
            answer = http.request("POST", f"{self.base}/v1/organizations/{self.organization}/badges/",
                                  json_body=body, auth=self._auth(), what=self.label)
        except http.PermanentError as exc:
            if exc.status == 422 and _ALREADY.search(str(exc)):
                return ""  # Credly already issued this template to this email: a repeat, not a failure
            raise
        data = http.expect_object(answer, self.label).get("data")
        if not isinstance(data, dict) or not data.get("id"):
            raise ProviderError(f"{self.label} issued the badge but sent back no id.")
        return str(data["id"])[:255]

    def revoke(self, attempt, pushed):
        if not pushed.remote_id:
            raise ProviderError("Credly's id of this badge is unknown; revoke it in Credly.")
        reason = attempt.award.revocation_reason or "Revoked by the issuer."
        http.request("PUT", f"{self.base}/v1/organizations/{self.organization}/badges/{pushed.remote_id}/revoke/",
                     json_body={"reason": reason[:255], "suppress_revoke_notification_email": False},
                     auth=self._auth(), what=self.label)
        return pushed.remote_id


__all__ = ["CredlyProvider", "ENVIRONMENTS"]
