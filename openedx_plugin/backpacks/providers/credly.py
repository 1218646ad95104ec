"""
Credly organisation issuing: the operator's organisation issues a Credly badge
for an award (learners do not connect anything).

``POST {host}/v1/organizations/{org}/badges/`` with the recipient's email and
name, the Credly badge template mapped to the badge class, ``issued_at``
(``%Y-%m-%d %H:%M:%S %z``), ``expires_at`` from the award's validity, and
``issuer_earner_id`` = the award's UUID; HTTP Basic with the API token as the
user name. The returned id is kept, so a revocation can
``PUT .../badges/{id}/revoke/`` (``suppress_revoke_notification_email`` follows
the provider's ``suppress_email`` setting).

Duplicates: Credly refuses a badge of the same template for the same email or the
same ``issuer_earner_id`` (credly.com/docs/issued_badges, "Duplicate Badges") but
does not publish the refusal's body, so no message text is trusted. After a 422
the organisation's badges are looked up by ``issuer_earner_id`` and a badge is
taken as ours only when the returned ``issuer_earner_id`` and template match;
otherwise the push fails with Credly's own reason.

Credly tokens expire (180 days): a 401 fails the push with a reason the
operator sees, and nothing is retried until the token is replaced.
"""

from urllib.parse import quote

from .. import http
from .base import Provider, ProviderError, provider_secret

ENVIRONMENTS = {
    "production": "https://api.credly.com",
    "sandbox": "https://sandbox-api.credly.com",
}
CREDLY_TIME = "%Y-%m-%d %H:%M:%S %z"


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
            "issued_at": award.issued_on.strftime(CREDLY_TIME),
            "issuer_earner_id": str(award.uuid),
            "suppress_badge_notification_email": self.suppress_email,
        }
        if award.valid_until:
            body["expires_at"] = award.valid_until.strftime(CREDLY_TIME)
        try:
            answer = http.request("POST", f"{self.base}/v1/organizations/{self.organization}/badges/",
                                  json_body=body, auth=self._auth(), what=self.label)
        except http.PermanentError as exc:
            if exc.status == 422:
                found = self.find_issued(award, template)
                if found:
                    return found  # issued before (a lost answer, a repeat): reconciled by issuer_earner_id
            raise
        data = http.expect_object(answer, self.label).get("data")
        if not isinstance(data, dict) or not data.get("id"):
            raise ProviderError(f"{self.label} issued the badge but sent back no id.")
        return str(data["id"])[:255]

    @property
    def suppress_email(self):
        return bool(self.settings.get("suppress_email", False))

    def find_issued(self, award, template):
        """The id of the Credly badge issued for ``award`` (by ``issuer_earner_id``), or ""."""
        earner_id = str(award.uuid)
        answer = http.request(
            "GET", f"{self.base}/v1/organizations/{self.organization}/badges?filter="
                   f"{quote(f'issuer_earner_id::{earner_id}', safe=':')}",
            auth=self._auth(), what=f"{self.label} (looking for the issued badge)")
        data = answer.data.get("data") if isinstance(answer.data, dict) else None
        for badge in data if isinstance(data, list) else []:
            if not isinstance(badge, dict) or badge.get("issuer_earner_id") != earner_id:
                continue  # never trust the filter alone
            badge_template = badge.get("badge_template")
            template_id = badge_template.get("id") if isinstance(badge_template, dict) else badge_template
            if str(template_id) == str(template) and badge.get("id") and badge.get("state") != "revoked":
                return str(badge["id"])[:255]
        return ""

    def revoke(self, attempt, pushed):
        if not pushed.remote_id:
            raise ProviderError("Credly's id of this badge is unknown; revoke it in Credly.")
        reason = attempt.award.revocation_reason or "Revoked by the issuer."
        http.request("PUT", f"{self.base}/v1/organizations/{self.organization}/badges/{pushed.remote_id}/revoke/",
                     json_body={"reason": reason[:255], "suppress_revoke_notification_email": self.suppress_email},
                     auth=self._auth(), what=self.label)
        return pushed.remote_id


__all__ = ["CredlyProvider", "ENVIRONMENTS"]
