"""
Local stand-ins for the backpack protocols, on 127.0.0.1 in a thread.

Each server keeps its state in plain attributes the tests read, and takes a
``script`` of failures to play on the next requests to a path: an HTTP status
(answered with an error body), ``("sleep", seconds)`` (answer late),
``"garbage"`` (a 200 that is not JSON) or ``"echo_auth"`` (a 400 quoting the
Authorization header, to prove tokens never reach a stored message).
"""

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # a client that gave up (timeout tests) closes the socket under us: not an error


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    app = None  # set per server class

    def log_message(self, *args):
        pass

    def _dispatch(self, method):
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        request = Request(method, parts.path, parse_qs(parts.query), dict(self.headers), raw)
        self.app.requests.append(request)
        action = self.app.next_action(parts.path)
        if isinstance(action, tuple) and action[0] == "sleep":
            time.sleep(action[1])
            action = None
        if action == "garbage":
            return self._send(200, b"<html>surprise</html>", "text/html")
        if action == "echo_auth":  # a careless server that quotes the credentials it was sent
            return self._json(400, {"error": "bad", "error_description": f"bad {self.headers.get('Authorization')}"})
        if isinstance(action, int):  # a failure in the error format this server's contract gives
            return self._json(action, self.app.error_body(parts.path, action, f"scripted {action}"))
        status, body, headers = self.app.handle(request)
        if isinstance(body, (dict, list)):
            return self._json(status, body, headers)
        return self._send(status, body or b"", "text/plain", headers)

    def _json(self, status, data, headers=None):
        return self._send(status, json.dumps(data).encode(), "application/json", headers)

    def _send(self, status, body, content_type, headers=None):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):  # noqa: N802
        self._dispatch("GET")

    def do_POST(self):  # noqa: N802
        self._dispatch("POST")

    def do_PUT(self):  # noqa: N802
        self._dispatch("PUT")


class Request:
    def __init__(self, method, path, query, headers, raw):
        self.method, self.path, self.query, self.headers, self.raw = method, path, query, headers, raw

    def json(self):
        return json.loads(self.raw)

    def form(self):
        return {key: values[0] for key, values in parse_qs(self.raw.decode()).items()}

    def bearer(self):
        value = self.headers.get("Authorization", "")
        return value[7:] if value.startswith("Bearer ") else None

    def basic(self):
        value = self.headers.get("Authorization", "")
        if not value.startswith("Basic "):
            return None
        user, _, password = base64.b64decode(value[6:]).decode().partition(":")
        return user, password


class App:
    """A protocol server: subclasses implement ``handle(request) -> (status, body, headers)``."""

    def __init__(self):
        self.requests = []
        self.script = {}
        self._lock = threading.Lock()
        handler = type("BoundHandler", (Handler,), {"app": self})
        self.httpd = _Server(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def fail(self, path, *actions):
        """Play ``actions`` on the next requests to ``path``."""
        with self._lock:
            self.script.setdefault(path, []).extend(actions)

    def next_action(self, path):
        with self._lock:
            queue = self.script.get(path) or self.script.get(path.rstrip("/"))
            return queue.pop(0) if queue else None

    def calls(self, path_prefix, method=None):
        return [r for r in self.requests if r.path.startswith(path_prefix) and (method is None or r.method == method)]

    def handle(self, request):
        raise NotImplementedError

    def error_body(self, path, status, description):
        """An error answer as this protocol writes it (RFC 6749 section 5.2 unless a subclass says otherwise)."""
        return {"error": "scripted_failure", "error_description": description}
