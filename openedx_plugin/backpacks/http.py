"""
The one way this package talks to remote services.

Every call has connect and read timeouts, a cap on the response size, refuses
anything but http(s) (and plain http except to loopback unless the operator
allows it), does not follow redirects (an API answering with a redirect is
misconfigured, and following one could carry a bearer token elsewhere), and
sorts failures into transient (worth a retry) and permanent ones. Error
messages are written for people and never contain request headers or bodies,
so no token can leak through them.
"""

import json
import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from django.conf import settings

log = logging.getLogger(__name__)

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
USER_AGENT = "openedx-open-badges (+https://github.com/openedx)"


class RemoteError(Exception):
    """A remote call failed; ``str()`` is a readable reason without secrets."""

    transient = False

    def __init__(self, message, *, status=None, body=None):
        super().__init__(message)
        self.status = status
        self.body = body  # parsed JSON of an error answer, when there was one


class TransientError(RemoteError):
    """Timeouts, refused connections, 5xx and 429: trying again later may work."""

    transient = True


class PermanentError(RemoteError):
    """The request was refused or the answer is unusable: retrying the same thing will not help."""


class AuthError(PermanentError):
    """401: the token was refused (expired or revoked); a refresh may help."""


@dataclass
class Response:
    status: int
    data: object = None
    headers: dict = field(default_factory=dict)
    text: str = ""


def _setting(name, default):
    return getattr(settings, name, default)


def check_url(url):
    """Refuse a URL we must not call; returns it unchanged."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PermanentError(f"Refusing to call a non-http(s) URL ({parts.scheme or 'no scheme'}).")
    if parts.username or parts.password:
        raise PermanentError("Refusing to call a URL with credentials in it.")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK and not _setting(
            "OPENEDX_BADGES_BACKPACK_ALLOW_HTTP", False):
        raise PermanentError(f"Refusing plain http to {parts.hostname}: tokens would travel unencrypted.")
    return url


def same_host(url, base):
    """True when ``url`` is on the host of ``base`` (Open Badges 3.0 endpoints live on one host)."""
    return urlsplit(url).hostname == urlsplit(base).hostname


def _error_summary(data, text):
    """A short, human part of an error answer (OAuth ``error_description``, ``detail``...)."""
    if isinstance(data, dict):
        for key in ("error_description", "error", "detail", "message", "msg"):
            value = data.get(key)
            if isinstance(value, str) and value:
                return value[:200]
        status = data.get("status")
        if isinstance(status, dict) and isinstance(status.get("description"), str):
            return status["description"][:200]  # Badgr wraps errors as {"status": {"description": ...}}
        error = data.get("data")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return error["message"][:200]  # Credly wraps them as {"data": {"message": ...}}
    return ""


def request(method, url, *, json_body=None, form=None, headers=None, auth=None, what="the service"):
    """
    Call ``url`` and return a ``Response`` whose ``data`` is the parsed JSON (or None when empty).

    Raises ``TransientError``, ``AuthError`` or ``PermanentError`` with a message that
    names ``what`` was called and why it failed.
    """
    check_url(url)
    timeout = (float(_setting("OPENEDX_BADGES_BACKPACK_CONNECT_TIMEOUT", 5)),
               float(_setting("OPENEDX_BADGES_BACKPACK_READ_TIMEOUT", 15)))
    cap = int(_setting("OPENEDX_BADGES_BACKPACK_MAX_RESPONSE_BYTES", 1024 * 1024))
    all_headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    all_headers.update(headers or {})
    try:
        with requests.request(method, url, json=json_body, data=form, headers=all_headers, auth=auth,
                              timeout=timeout, stream=True, allow_redirects=False) as answer:
            body = bytearray()
            for chunk in answer.iter_content(chunk_size=65536):
                body += chunk
                if len(body) > cap:
                    raise PermanentError(f"{what} sent an answer larger than {cap} bytes.")
            status, answer_headers = answer.status_code, dict(answer.headers)
    except requests.Timeout as exc:
        raise TransientError(f"{what} did not answer in time.") from exc
    except requests.ConnectionError as exc:
        raise TransientError(f"Could not connect to {what}.") from exc
    except requests.RequestException as exc:
        raise PermanentError(f"The request to {what} failed ({type(exc).__name__}).") from exc

    text = body.decode("utf-8", errors="replace")
    data = None
    parse_error = None
    if text.strip():
        try:
            data = json.loads(text)
        except ValueError:
            parse_error = True
    summary = _error_summary(data, text)
    suffix = f": {summary}" if summary else "."
    if status == 429 or status >= 500:
        raise TransientError(f"{what} answered HTTP {status}{suffix}", status=status, body=data)
    if status == 401:
        raise AuthError(f"{what} refused the access token (HTTP 401){suffix}", status=status, body=data)
    if 300 <= status < 400:
        raise PermanentError(f"{what} answered with a redirect (HTTP {status}); check the configured URL.",
                             status=status)
    if status >= 400:
        raise PermanentError(f"{what} refused the request (HTTP {status}){suffix}", status=status, body=data)
    if parse_error:
        raise PermanentError(f"{what} answered HTTP {status} with something that is not JSON.", status=status)
    return Response(status=status, data=data, headers=answer_headers, text=text)


def expect_object(response, what="the service"):
    """The answer's JSON object; a list, a string or nothing is refused as garbage."""
    if not isinstance(response.data, dict):
        raise PermanentError(f"{what} answered with unexpected JSON (not an object).", status=response.status)
    return response.data


def redact(text, secrets):
    """Belt and braces: remove any secret that a remote echoed into a message we keep."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, "[redacted]")
    return text
