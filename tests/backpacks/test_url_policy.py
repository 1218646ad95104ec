"""Outbound URL policy (issue 17, finding 7): origins compared whole; no private targets unless listed."""

import socket

import pytest

from openedx_plugin.backpacks import http


@pytest.mark.parametrize(("url", "base", "same"), [
    ("https://host.example/a", "https://host.example/", True),
    ("https://host.example:443/a", "https://host.example", True),
    ("https://HOST.example/a", "https://host.example", True),
    ("https://host.example:8443/token", "https://host.example/", False),
    ("http://host.example/token", "https://host.example/", False),
    ("https://other.example/", "https://host.example/", False),
    ("https://host.example:bad/", "https://host.example/", False),
])
def test_same_host_compares_scheme_host_and_port(url, base, same):
    assert http.same_host(url, base) is same


@pytest.mark.parametrize("url", [
    "https://127.0.0.1/api", "http://127.0.0.1:9/api", "https://localhost/api", "https://auth.localhost/api",
    "https://[::1]/api", "https://[::ffff:127.0.0.1]/api", "https://10.0.0.8/api", "https://192.168.1.1/api",
    "https://172.16.0.1/api", "https://169.254.169.254/latest/meta-data", "https://[fe80::1]/api",
    "https://100.64.0.1/api", "https://0.0.0.0/api", "https://[fd00::1]/api", "https://224.0.0.1/api",
])
def test_private_loopback_and_link_local_targets_are_refused_over_any_scheme(url):
    with pytest.raises(http.PermanentError, match="loopback, private or link-local|unencrypted"):
        http.check_url(url)


def test_a_name_that_resolves_to_a_private_address_is_refused(monkeypatch):
    def resolve(host, port, *args, **kwargs):
        address = "10.1.2.3" if host == "intranet.example" else "93.184.215.14"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(http.PermanentError, match="private"):
        http.check_url("https://intranet.example/api")
    assert http.check_url("https://public.example/api") == "https://public.example/api"


def test_operator_lists_private_targets_by_host_and_port(settings):
    settings.OPENEDX_BADGES_BACKPACK_ALLOWED_PRIVATE_TARGETS = ["127.0.0.1:9", "10.0.0.8"]
    http.check_url("http://127.0.0.1:9/api")
    http.check_url("https://127.0.0.1:9/api")
    with pytest.raises(http.PermanentError):
        http.check_url("http://127.0.0.1:10/api")  # another port is another service
    http.check_url("https://10.0.0.8:8443/api")  # a bare host allows any port
    with pytest.raises(http.PermanentError):
        http.check_url("https://10.0.0.9/api")


def test_request_refuses_before_connecting(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("tried to connect")

    monkeypatch.setattr(http.requests.Session, "send", no_network)
    with pytest.raises(http.PermanentError):
        http.request("GET", "https://169.254.169.254/latest/meta-data/")


def test_discovery_server_url_on_another_port_is_ignored(db, ob3_host, ob3_provider, monkeypatch):
    from openedx_plugin.backpacks.providers import for_provider

    original = ob3_host.discovery

    def moved():
        doc = original()
        doc["servers"] = [{"url": ob3_host.base.rsplit(":", 1)[0] + ":1/ims/ob/v3p0"}]
        return doc

    monkeypatch.setattr(ob3_host, "discovery", moved)
    assert for_provider(ob3_provider).discover()["api_base"] == f"{ob3_host.base}/ims/ob/v3p0"


def test_deeply_nested_answer_is_a_permanent_error_not_a_crash(ob3_host):
    original = ob3_host.handle
    ob3_host.handle = lambda request: (200, b"[" * 100000 + b"]" * 100000, {})
    try:
        with pytest.raises(http.PermanentError, match="not JSON"):
            http.request("GET", f"{ob3_host.base}/ims/ob/v3p0/discovery")
    finally:
        ob3_host.handle = original


def test_redirects_are_not_followed(ob3_host, monkeypatch):
    monkeypatch.setattr(ob3_host, "handle", lambda request: (302, b"", {"Location": "https://evil.example/steal"}))
    with pytest.raises(http.PermanentError, match="redirect"):
        http.request("GET", f"{ob3_host.base}/ims/ob/v3p0/discovery", headers={"Authorization": "Bearer secret"})
    assert len(ob3_host.requests) == 1
