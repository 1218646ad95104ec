"""
Serve a verification bundle on a loopback port, with no Django in the serving process, and
collect what a verifier would fetch from it over HTTP (for the offline Node verifier's map).
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

SERVER = Path(__file__).resolve().parents[2] / "openedx_plugin" / "persistence" / "static_server.py"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(folder, port):
    """The bundle's static server as a separate process (no DJANGO_SETTINGS_MODULE, no plugin import)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO")}
    proc = subprocess.Popen([sys.executable, "-I", str(SERVER), str(folder), "--port", str(port)],
                            env=env, cwd="/", stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the static bundle server did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def get(url):
    """``(status, content_type, parsed JSON or None)`` of one GET."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback only)
            return response.status, response.headers.get_content_type(), json.loads(response.read())
    except urllib.error.HTTPError as exc:
        body = exc.read()
        return exc.code, exc.headers.get_content_type(), json.loads(body) if body.startswith(b"{") else None


def did_web_url(did):
    """Where a did:web document lives (did:web method spec), for a loopback http host."""
    parts = [urllib.request.unquote(part) for part in did.split("#")[0][len("did:web:"):].split(":")]
    host, path = parts[0], parts[1:]
    return f"http://{host}/" + ("/".join(path) + "/did.json" if path else ".well-known/did.json")


def ob3_documents(credential):
    """Fetch over HTTP the documents a verifier needs for ``credential``: its issuer's DID document and status lists."""
    documents, media = {}, {}
    issuer = credential["issuer"]["id"] if isinstance(credential["issuer"], dict) else credential["issuer"]
    urls = [did_web_url(issuer)] if issuer.startswith("did:web:") else []
    statuses = credential.get("credentialStatus", [])
    urls += [entry["statusListCredential"] for entry in (statuses if isinstance(statuses, list) else [statuses])]
    for url in urls:
        status, content_type, document = get(url)
        assert status == 200, (url, status)
        documents[url], media[url] = {"json": document}, content_type
    return documents, media
