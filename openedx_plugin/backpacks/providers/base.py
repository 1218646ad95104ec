"""
What every provider offers, and the token storage they share.

Tokens are stored with ``keystore.encrypt`` and only decrypted at the moment a
request is made; the helpers here are the only code that touches them.
"""

from datetime import timedelta

from django.utils import timezone

from ...credentials import keystore
from ..http import AuthError, PermanentError


class ProviderError(PermanentError):
    """A provider cannot do what was asked (not configured, not connected, nothing to send)."""


def encrypt_text(value):
    """``value`` encrypted with the key store, for a model field; None for an empty value (nothing stored)."""
    return keystore.encrypt(value.encode("utf-8")) if value else None


def decrypt_text(token):
    """The text of an encrypted field, or "" when nothing is stored; KeyStoreError if the key cannot open it."""
    return keystore.decrypt(token).decode("utf-8") if token else ""


def provider_secret(provider):
    """The operator's client secret for ``provider``, decrypted only when a request needs it."""
    return decrypt_text(provider.secret_encrypted)


def set_provider_secret(provider, secret):
    """Store the operator's client secret for ``provider`` encrypted; ``provider_secret`` reads it back."""
    provider.secret_encrypted = encrypt_text(secret)
    provider.save(update_fields=["secret_encrypted"])


def access_token(connection):
    """The learner's access token at the host, decrypted for one request; "" when there is none."""
    return decrypt_text(connection.access_token_encrypted)


def refresh_token(connection):
    """The learner's refresh token at the host, decrypted for one request; "" when there is none."""
    return decrypt_text(connection.refresh_token_encrypted)


def store_tokens(connection, data, *, keep_refresh=True):
    """Save an OAuth token answer (``access_token``, ``refresh_token``, ``expires_in``)."""
    token = data.get("access_token") if isinstance(data, dict) else None
    if not isinstance(token, str) or not token:
        raise PermanentError("The token endpoint answered without an access token.")
    connection.access_token_encrypted = encrypt_text(token)
    new_refresh = data.get("refresh_token")
    if isinstance(new_refresh, str) and new_refresh:
        connection.refresh_token_encrypted = encrypt_text(new_refresh)
    elif not keep_refresh:
        connection.refresh_token_encrypted = None
    expires_in = data.get("expires_in")
    try:
        connection.expires_at = timezone.now() + timedelta(seconds=int(expires_in)) if expires_in else None
    except (TypeError, ValueError):
        connection.expires_at = None
    connection.state = connection.CONNECTED
    connection.last_error = ""
    connection.save()


def secrets_of(connection=None, provider=None):
    """Every secret a message might accidentally contain, for ``http.redact``."""
    values = []
    if connection is not None:
        for field in ("access_token_encrypted", "refresh_token_encrypted", "client_secret_encrypted",
                      "pkce_verifier_encrypted"):
            try:
                values.append(decrypt_text(getattr(connection, field)))
            except keystore.KeyStoreError:
                pass
    if provider is not None:
        try:
            values.append(provider_secret(provider))
        except keystore.KeyStoreError:
            pass
    return [value for value in values if value]


class Provider:
    """
    The surface the services and tasks use.

    ``learner_connects``: learners link their own account (OAuth); otherwise the
    operator's credentials are used and every learner is implicitly "connected".
    ``supports_revoke``: a revocation can be pushed. ``idempotent_push``: sending the
    same award again replaces it at the host (so a re-push is harmless).
    """

    learner_connects = True
    supports_revoke = False
    idempotent_push = False
    pushes = True

    def __init__(self, provider):
        self.provider = provider
        self.settings = provider.settings or {}

    @property
    def label(self):
        """The provider's name as the operator set it, for the learner's messages."""
        return self.provider.name

    def applies_to(self, award):
        """Whether this provider can take this award at all (e.g. a mapped Credly template)."""
        return True

    # Learner connections (OAuth providers override these).
    def start_connect(self, connection, redirect_uri):
        """Where to send the learner to allow access (OAuth providers); others refuse with ProviderError."""
        raise ProviderError(f"{self.label} is not connected through a redirect.")

    def finish_connect(self, connection, params, redirect_uri):
        """Store the tokens of the host's answer at ``redirect_uri`` (OAuth providers); others refuse."""
        raise ProviderError(f"{self.label} is not connected through a redirect.")

    def refresh(self, connection):
        """Renew the access token after a 401 or expiry; providers without refresh tokens say to reconnect."""
        raise AuthError(f"{self.label} refused the access token and it cannot be refreshed; reconnect.")

    def token_expired(self, connection, margin=60):
        """Whether the access token expires within ``margin`` seconds, so ``bearer`` refreshes it first."""
        return bool(connection.expires_at and connection.expires_at <= timezone.now() + timedelta(seconds=margin))

    def bearer(self, connection):
        """A usable access token: refreshed first when it has expired."""
        if connection is None or connection.state != connection.CONNECTED:
            raise ProviderError(f"Connect your {self.label} account first.")
        if self.token_expired(connection) and connection.refresh_token_encrypted:
            self.refresh(connection)
        token = access_token(connection)
        if not token:
            raise ProviderError(f"Connect your {self.label} account first.")
        return token

    def with_refresh(self, connection, call):
        """Run ``call(token)``; on a 401, refresh once and try again."""
        try:
            return call(self.bearer(connection))
        except AuthError:
            if not connection.refresh_token_encrypted:
                raise
            self.refresh(connection)
            return call(access_token(connection))

    # Sending.
    def push(self, attempt):
        """Send ``attempt.award``; return the remote id (or "")."""
        raise NotImplementedError

    def revoke(self, attempt, pushed):
        """Revoke at the provider what ``pushed`` (the successful push attempt) sent."""
        raise ProviderError(f"{self.label} does not take revocations.")
