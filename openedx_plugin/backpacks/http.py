"""
The one way this package talks to remote services.

Every call has connect and read timeouts, a cap on the response size, refuses
anything but http(s), plain http, and loopback, private or link-local targets
unless the operator allows them (``check_url``, and again on the address each
connection actually reached: see ``_PeerCheck``), does not follow redirects (an
API answering with a redirect is misconfigured, and following one could carry a bearer token elsewhere), and
sorts failures into transient (worth a retry) and permanent ones. Error
messages are written for people and never contain request headers or bodies,
so no token can leak through them.
"""

import ipaddress
import json
import logging
import os
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

from .. import conf

log = logging.getLogger(__name__)

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
DEFAULT_PORTS = {"http": 80, "https": 443}
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



def _allowed_targets():
    """Operator-allowed private targets: ``host`` (any port) or ``host:port`` entries."""
    return {str(entry).strip().lower() for entry in conf.get("OPENEDX_BADGES_BACKPACK_ALLOWED_PRIVATE_TARGETS")}


def _listed(host, port):
    """
    True when the operator lists ``host`` or ``host:port`` as an allowed private target.

    A trailing dot is ignored (``host.`` and ``host`` are one DNS name; urllib3 drops the
    dot from the name it connects to), so the URL check and the connection check agree.
    """
    allowed = _allowed_targets()
    name = (host or "").lower().rstrip(".")
    return any(candidate in allowed for candidate in (name, f"{name}:{port}", f"{name}.", f"{name}.:{port}"))


def _origin(url):
    """(scheme, host, port) with the scheme's default port filled in; ValueError for a bad port."""
    parts = urlsplit(url or "")
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS.get(scheme)


def _not_public(address):
    """True for loopback, private, link-local, shared, reserved, multicast or unspecified addresses."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def _addresses(host, port):
    """The addresses ``host`` stands for (an IP literal, or what the resolver says; none if it fails)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []  # unresolvable: the request itself fails, as a connection error
    found = []
    for info in infos:
        try:
            found.append(ipaddress.ip_address(info[4][0].split("%", 1)[0]))
        except ValueError:
            continue
    return found


def check_url(url):
    """
    Refuse a URL we must not call; returns it unchanged.

    Only http(s), no credentials in the URL; plain http only when the operator allows
    it (``OPENEDX_BADGES_BACKPACK_ALLOW_HTTP``) or for a target they listed; and no
    loopback, private, link-local or otherwise non-public address, whatever the scheme,
    unless the operator lists the target in ``OPENEDX_BADGES_BACKPACK_ALLOWED_PRIVATE_TARGETS``
    (``"host"`` or ``"host:port"``; tests list their own loopback servers). Without this a
    discovery document or a provider URL could make the server call its own admin ports.
    """
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PermanentError(f"Refusing to call a non-http(s) URL ({parts.scheme or 'no scheme'}).")
    if parts.username or parts.password:
        raise PermanentError("Refusing to call a URL with credentials in it.")
    try:
        scheme, host, port = _origin(url)
    except ValueError as exc:
        raise PermanentError("Refusing to call a URL with an invalid port.") from exc
    listed = _listed(host, port)
    if scheme == "http" and not listed and not conf.get("OPENEDX_BADGES_BACKPACK_ALLOW_HTTP"):
        raise PermanentError(f"Refusing plain http to {host}: tokens would travel unencrypted.")
    if not listed and (host in LOOPBACK or host.endswith(".localhost")
                       or any(_not_public(address) for address in _addresses(host, port))):
        raise PermanentError(f"Refusing to call {host}: it is a loopback, private or link-local address "
                             "(an operator can allow it in OPENEDX_BADGES_BACKPACK_ALLOWED_PRIVATE_TARGETS).")
    return url


class _PeerCheck:
    """
    Mixin for urllib3 connections: the address a connection reached must pass the policy too.

    ``check_url`` resolves the host name, then urllib3 resolves it again to connect. A
    DNS-rebinding name (a public address the first time, ``127.0.0.1`` or
    ``169.254.169.254`` the next) would pass the check and the request, bearer token
    included, would go to the internal address. So once the TCP connection is up, and
    before anything is sent on it (no TLS ClientHello, no request line), the peer's
    address (``getpeername``) is checked with the same rule; a refused socket is closed.
    A target the operator lists by name (``host`` or ``host:port``) stays allowed
    whatever it resolves to, as in ``check_url``.
    """

    _peer_checked = False

    def _new_conn(self):
        # urllib3's one place (1.26 and 2.x) where the TCP socket is opened, before
        # HTTPSConnection.connect() starts TLS on it and before any request byte.
        sock = super()._new_conn()
        self._check_peer(sock)
        self._peer_checked = True
        return sock

    def connect(self):
        self._peer_checked = False
        super().connect()
        if not self._peer_checked:
            # A urllib3 that no longer opens sockets through _new_conn: check now, still
            # before the request is written.
            self._check_peer(self.sock)
            self._peer_checked = True

    def _check_peer(self, sock):
        host, port = self.host, self.port
        if _listed(host, port):
            return
        try:
            address = ipaddress.ip_address(str(sock.getpeername()[0]).split("%", 1)[0])
        except (OSError, ValueError, IndexError) as exc:
            sock.close()
            raise NewConnectionError(self, f"Could not tell which address {host} connected to.") from exc
        if _not_public(address):
            sock.close()
            # The address goes to the operator's log, not into the message a learner may see.
            log.warning("Refused a connection to %s:%s: it reached the non-public address %s "
                        "(DNS rebinding, or a name that changed since it was checked).", host, port, address)
            raise PermanentError(f"Refusing to call {host}: it connected to a loopback, private or link-local "
                                 "address (an operator can allow it in "
                                 "OPENEDX_BADGES_BACKPACK_ALLOWED_PRIVATE_TARGETS).")


class _CheckedHTTPConnection(_PeerCheck, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_PeerCheck, HTTPSConnection):
    pass  # TLS certificate and host name checks, and SNI, are HTTPSConnection's own, unchanged


class _CheckedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _PeerCheckingAdapter(HTTPAdapter):
    """
    A requests adapter whose direct connections check their peer (``_PeerCheck``).

    Calls through a proxy from the environment (``HTTPS_PROXY``...) go through requests'
    own proxy managers: the peer there is the proxy, which resolves the name itself, so
    only ``check_url`` applies and the proxy's own rules must keep it off internal hosts.
    """

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _CheckedHTTPConnectionPool,
                                                   "https": _CheckedHTTPSConnectionPool}


# One adapter per process, so keep-alive connections to a backpack are reused across
# calls. Each call still gets its own requests.Session (no cookie of one learner's call
# can ride along on another's); sessions are never closed, as that would close the
# shared pools. A forked child (Celery, gunicorn) starts with a pool of its own rather
# than sharing its parent's sockets.
_adapter = _PeerCheckingAdapter()


def _new_adapter_after_fork():
    global _adapter  # noqa: PLW0603
    _adapter = _PeerCheckingAdapter()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_adapter_after_fork)


def _session():
    session = requests.Session()
    session.mount("https://", _adapter)
    session.mount("http://", _adapter)
    return session


def same_host(url, base):
    """
    True when ``url`` has the origin of ``base``: scheme, host AND port.

    (The name is kept for callers; comparing host names alone let a document on
    ``https://host`` send secrets to ``https://host:other-port``.)
    """
    try:
        return _origin(url) == _origin(base)
    except ValueError:
        return False


def host_within(url, base):
    """True when ``url`` is https on ``base``'s host or a subdomain of it, on ``base``'s port."""
    try:
        scheme, host, port = _origin(url)
        _base_scheme, base_host, base_port = _origin(base)
    except ValueError:
        return False
    return (scheme == "https" and bool(base_host) and port == (base_port if _base_scheme == "https" else 443)
            and (host == base_host or host.endswith("." + base_host)))


def _error_summary(data, text):
    """A short, human part of an error answer (OAuth ``error_description``, ``detail``...)."""
    if isinstance(data, dict):
        # imsx_description: 1EdTech's Imsx_StatusInfo, the error body of the Open Badges 3.0 API
        for key in ("imsx_description", "error_description", "error", "detail", "message", "msg"):
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


def request(method, url, *, json_body=None, form=None, headers=None, auth=None, what="the service",
            not_modified_ok=False):
    """
    Call ``url`` and return a ``Response`` whose ``data`` is the parsed JSON (or None when empty).

    ``not_modified_ok``: a 304 is an answer, not a redirect (the Open Badges 3.0
    ``upsertCredential`` answers 304 when it already holds the credential unchanged).

    Raises ``TransientError``, ``AuthError`` or ``PermanentError`` with a message that
    names ``what`` was called and why it failed.
    """
    check_url(url)
    timeout = (float(conf.get("OPENEDX_BADGES_BACKPACK_CONNECT_TIMEOUT")),
               float(conf.get("OPENEDX_BADGES_BACKPACK_READ_TIMEOUT")))
    cap = int(conf.get("OPENEDX_BADGES_BACKPACK_MAX_RESPONSE_BYTES"))
    all_headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    all_headers.update(headers or {})
    try:
        with _session().request(method, url, json=json_body, data=form, headers=all_headers, auth=auth,
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
        except (ValueError, RecursionError):
            parse_error = True
    summary = _error_summary(data, text)
    suffix = f": {summary}" if summary else "."
    if status == 429 or status >= 500:
        raise TransientError(f"{what} answered HTTP {status}{suffix}", status=status, body=data)
    if status == 401:
        raise AuthError(f"{what} refused the access token (HTTP 401){suffix}", status=status, body=data)
    if status == 304 and not_modified_ok:
        return Response(status=status, data=None, headers=answer_headers, text="")
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
