"""
DNS rebinding: the address a connection reaches is checked, not only the one ``check_url`` saw.

A rebinding name answers a public address to the first lookup (``check_url``) and a
loopback one to the next (urllib3 connecting). The connection's peer is checked before
anything is written to the socket, so the internal service never sees the request or its
bearer token, nor even a TLS ClientHello.
"""

import datetime
import json
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from openedx_plugin.backpacks import http

PUBLIC = "93.184.216.34"
REAL_GETADDRINFO = socket.getaddrinfo


def resolver(monkeypatch, names):
    """
    Patch ``socket.getaddrinfo``: ``names`` maps a made-up host name to the addresses its
    successive lookups answer (the last one repeats). Returns the list of names looked up.
    """
    lookups = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in names:
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        answers = names[host]
        address = answers[min(sum(1 for name in lookups if name == host), len(answers) - 1)]
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


class Listener:
    """A bare TCP server on 127.0.0.1 that records every byte each connection sends it."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.received = []  # one bytes object per accepted connection
        self._stop = threading.Event()
        self._threads = []
        self._accept = threading.Thread(target=self._run, daemon=True)
        self._accept.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            index = len(self.received)
            self.received.append(b"")
            thread = threading.Thread(target=self._read, args=(conn, index), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _read(self, conn, index):
        conn.settimeout(2)
        with conn:
            while True:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    return
                if not chunk:
                    return
                self.received[index] += chunk

    def close(self):
        self._stop.set()
        self._accept.join(2)
        for thread in self._threads:
            thread.join(3)
        self.sock.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_name_rebinding_to_loopback_is_refused_before_a_byte_is_sent(scheme, listener, monkeypatch, settings):
    settings.OPENEDX_BADGES_BACKPACK_ALLOW_HTTP = True
    lookups = resolver(monkeypatch, {"rebind.example": [PUBLIC, "127.0.0.1"]})
    with pytest.raises(http.PermanentError, match="connected to a loopback, private or link-local") as refused:
        http.request("POST", f"{scheme}://rebind.example:{listener.port}/credentials",
                     json_body={"a": 1}, headers={"Authorization": "Bearer s3cret-token"}, what="the backpack")
    listener.close()
    assert lookups.count("rebind.example") >= 2  # check_url's lookup, then urllib3's
    assert listener.received == [b""]  # the connection was made, then closed unused: no TLS, no request
    assert "s3cret" not in str(refused.value) and "127.0.0.1" not in str(refused.value)


def test_listing_the_address_does_not_allow_a_name_that_rebinds_to_it(ob3_host, monkeypatch, settings):
    # ob3_host is listed as 127.0.0.1:<port>; a name is listed only by that name.
    port = int(ob3_host.base.rsplit(":", 1)[1])
    resolver(monkeypatch, {"rebind.example": [PUBLIC, "127.0.0.1"]})
    settings.OPENEDX_BADGES_BACKPACK_ALLOW_HTTP = True
    with pytest.raises(http.PermanentError, match="connected to a loopback"):
        http.request("GET", f"http://rebind.example:{port}/ims/ob/v3p0/discovery",
                     headers={"Authorization": "Bearer s3cret-token"})
    assert ob3_host.requests == []


def test_a_target_listed_by_name_is_still_reached(ob3_host, monkeypatch, settings):
    port = int(ob3_host.base.rsplit(":", 1)[1])
    resolver(monkeypatch, {"backpack.internal": ["127.0.0.1"]})
    settings.OPENEDX_BADGES_BACKPACK_ALLOWED_PRIVATE_TARGETS = [f"backpack.internal:{port}"]
    answer = http.request("GET", f"http://backpack.internal:{port}/ims/ob/v3p0/discovery")
    assert answer.status == 200 and answer.data["openapi"] == "3.0.1"
    assert ob3_host.requests[-1].headers["Host"] == f"backpack.internal:{port}"


def test_a_listed_loopback_target_is_reached_and_its_connection_reused(ob3_host):
    url = f"{ob3_host.base}/ims/ob/v3p0/discovery"
    assert http.request("GET", url).status == 200
    assert http.request("GET", url).status == 200
    assert len(ob3_host.requests) == 2
    port = int(ob3_host.base.rsplit(":", 1)[1])
    pools = [pool for key in http._adapter.poolmanager.pools.keys()
             if (pool := http._adapter.poolmanager.pools[key]).host == "127.0.0.1" and pool.port == port]
    assert len(pools) == 1 and pools[0].num_connections == 1  # one module-level pool: keep-alive across calls


@pytest.mark.parametrize("peer", [
    ("127.0.0.1", 443), ("169.254.169.254", 80), ("10.1.2.3", 443), ("::1", 443, 0, 0),
    ("::ffff:127.0.0.1", 443, 0, 0), ("fe80::1%eth0", 443, 0, 2), ("100.64.0.1", 443),
])
def test_the_peer_check_refuses_every_non_public_address(peer):
    class Peer:
        closed = False

        def getpeername(self):
            return peer

        def close(self):
            self.closed = True

    sock = Peer()
    with pytest.raises(http.PermanentError, match="loopback, private or link-local"):
        http._CheckedHTTPSConnection("public.example", 443)._check_peer(sock)
    assert sock.closed


def test_the_peer_check_lets_a_public_address_through():
    class Peer:
        def getpeername(self):
            return (PUBLIC, 443)

        def close(self):
            raise AssertionError("a public peer was closed")

    http._CheckedHTTPSConnection("public.example", 443)._check_peer(Peer())


# --- https: certificate verification, host name check and SNI still work -------------------------

def _certificates(tmp_path):
    """A CA, and a server certificate it signs for ``backpack.internal``; returns the paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def build(subject, issuer, key, signer, *, ca, names=()):
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(hours=1))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if ca:
            builder = builder.add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False),
                critical=True)
            builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        else:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]),
                                            critical=False)
            builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()),
                                            critical=False)
        return builder.sign(signer, hashes.SHA256())

    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test backpack CA")])
    ca = build(ca_name, ca_name, ca_key, ca_key, ca=True)
    server = build(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "backpack.internal")]), ca_name,
                   server_key, ca_key, ca=False, names=["backpack.internal"])
    pem = serialization.Encoding.PEM
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(pem))
    (tmp_path / "server.pem").write_bytes(server.public_bytes(pem) + server_key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return tmp_path / "ca.pem", tmp_path / "server.pem"


@pytest.fixture
def tls_server(tmp_path):
    """An https JSON server on 127.0.0.1 with a certificate for backpack.internal; records SNI and paths."""
    ca, chain = _certificates(tmp_path)
    seen = {"sni": [], "paths": []}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):  # noqa: N802
            seen["paths"].append(self.path)
            body = json.dumps({"ok": True}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):
            pass  # refused handshakes are the point of some tests

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain)
    context.sni_callback = lambda sock, name, ctx: seen["sni"].append(name)
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield {"port": httpd.server_address[1], "ca": str(ca), **seen}
    httpd.shutdown()
    httpd.server_close()


def test_https_to_a_listed_name_verifies_the_certificate_and_sends_sni(tls_server, monkeypatch, settings):
    port = tls_server["port"]
    resolver(monkeypatch, {"backpack.internal": ["127.0.0.1"]})
    settings.OPENEDX_BADGES_BACKPACK_ALLOWED_PRIVATE_TARGETS = [f"backpack.internal:{port}"]
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", tls_server["ca"])
    answer = http.request("GET", f"https://backpack.internal:{port}/api")
    assert answer.data == {"ok": True}
    assert tls_server["sni"] == ["backpack.internal"] and tls_server["paths"] == ["/api"]


def test_https_with_a_certificate_for_another_name_is_refused(tls_server, monkeypatch, settings):
    port = tls_server["port"]
    resolver(monkeypatch, {"other.internal": ["127.0.0.1"]})
    settings.OPENEDX_BADGES_BACKPACK_ALLOWED_PRIVATE_TARGETS = [f"other.internal:{port}"]
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", tls_server["ca"])
    with pytest.raises(http.RemoteError, match="Could not connect"):
        http.request("GET", f"https://other.internal:{port}/api", what="the backpack")
    assert tls_server["paths"] == []


def test_https_with_an_untrusted_certificate_is_refused(tls_server, monkeypatch, settings):
    port = tls_server["port"]
    resolver(monkeypatch, {"backpack.internal": ["127.0.0.1"]})
    settings.OPENEDX_BADGES_BACKPACK_ALLOWED_PRIVATE_TARGETS = [f"backpack.internal:{port}"]
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    with pytest.raises(http.RemoteError, match="Could not connect"):
        http.request("GET", f"https://backpack.internal:{port}/api", what="the backpack")
    assert tls_server["paths"] == []


def test_connect_still_checks_the_peer_if_urllib3_stops_opening_sockets_through_new_conn(
        listener, monkeypatch, settings):
    settings.OPENEDX_BADGES_BACKPACK_ALLOW_HTTP = True
    monkeypatch.delattr(http._PeerCheck, "_new_conn")
    resolver(monkeypatch, {"rebind.example": [PUBLIC, "127.0.0.1"]})
    with pytest.raises(http.PermanentError, match="connected to a loopback"):
        http.request("GET", f"http://rebind.example:{listener.port}/", headers={"Authorization": "Bearer s3cret-token"})
    listener.close()
    assert listener.received == [b""]
