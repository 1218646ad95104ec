"""
Canvas Credentials (formerly Badgr) backpack import.

``POST {host}/v2/backpack/import`` with exactly one of ``url``, ``image`` or
``assertion``; we send ``url``, the hosted 2.0 assertion, so the backpack keeps
checking it (and sees a revocation). The learner brings an access token and a
refresh token from their account (the password grant would mean handling their
password); tokens live about a day and are refreshed at ``{host}/o/token``.
A "duplicate" refusal means the backpack already has this badge: that counts as sent.
badgr-server names it: a validation error ``{"name": "DUPLICATE_BADGE", ...}``
(apps/backpack/serializers_v2.py). The import also requires the badge's recipient to
be one of the learner's **verified** email addresses there (apps/issuer/helpers.py),
so every other refusal's reason says so.
"""

from ...credentials import public_urls
from .. import http
from .base import Provider, ProviderError, refresh_token, store_tokens

# Regional API hosts (operator picks one with settings {"region": "eu"}).
REGIONS = {
    "us": "https://api.badgr.io",
    "eu": "https://api.eu.badgr.io",
    "au": "https://api.au.badgr.io",
    "ca": "https://api.ca.badgr.io",
    "sg": "https://api.sg.badgr.io",
}
DUPLICATE_BADGE = "DUPLICATE_BADGE"
VERIFIED_EMAIL_HINT = ("Canvas Credentials imports a badge only when it was issued to one of the email addresses "
                       "verified in your account there: check that {email} is added and verified.")


class BadgrProvider(Provider):
    idempotent_push = True  # a second import is refused as a duplicate, which we count as sent
    token_form = True  # learners connect by pasting tokens, not through a redirect

    @property
    def base(self):
        if self.provider.base_url:
            return self.provider.base_url.rstrip("/")
        region = str(self.settings.get("region", "us")).lower()
        if region not in REGIONS:
            raise ProviderError(f"Unknown Badgr region {region!r}; use one of {', '.join(sorted(REGIONS))}.")
        return REGIONS[region]

    def save_tokens(self, connection, access, refresh="", expires_in=None):
        """Store the tokens a learner brought (from their Canvas Credentials account)."""
        if not access:
            raise ProviderError("Give the access token of your account.")
        store_tokens(connection, {"access_token": access, "refresh_token": refresh, "expires_in": expires_in},
                     keep_refresh=False)

    def refresh(self, connection):
        token = refresh_token(connection)
        if not token:
            raise http.AuthError(f"{self.label} refused the access token; connect your account again.")
        form = {"grant_type": "refresh_token", "refresh_token": token,
                "client_id": self.settings.get("client_id", "public")}
        try:
            answer = http.expect_object(http.request("POST", f"{self.base}/o/token", form=form,
                                                     what=f"{self.label} (token refresh)"), self.label)
        except http.PermanentError as exc:
            connection.state, connection.last_error = connection.FAILED, f"{exc} Connect your account again."
            connection.save(update_fields=["state", "last_error", "modified"])
            raise http.AuthError(connection.last_error) from exc
        store_tokens(connection, answer)

    def push(self, attempt):
        body = {"url": public_urls.assertion_url(attempt.award)}

        def import_(token):
            return http.request("POST", f"{self.base}/v2/backpack/import", json_body=body,
                                headers={"Authorization": f"Bearer {token}"}, what=self.label)

        try:
            answer = self.with_refresh(attempt.connection, import_)
        except http.PermanentError as exc:
            if exc.status == 400 and _is_duplicate(exc.body):
                return ""  # already in the backpack
            if exc.status == 400:
                email = getattr(attempt.award.user, "email", "") or "your email address"
                raise http.PermanentError(f"{exc} {VERIFIED_EMAIL_HINT.format(email=email)}", status=exc.status,
                                          body=exc.body) from exc
            raise
        result = (answer.data or {}).get("result") if isinstance(answer.data, dict) else None
        if isinstance(result, list) and result and isinstance(result[0], dict):
            return str(result[0].get("entityId", ""))[:255]
        return ""


def _is_duplicate(body):
    """badgr-server's duplicate signal: a validation error named DUPLICATE_BADGE."""
    errors = body.get("validationErrors") if isinstance(body, dict) else None
    return isinstance(errors, list) and any(
        isinstance(error, dict) and error.get("name") == DUPLICATE_BADGE for error in errors)
