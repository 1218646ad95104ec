"""
Serve a verification bundle (``badges_export_bundle``) with the Python standard library only.

    python openedx_plugin/persistence/static_server.py BUNDLE_DIR --port 8080 [--bind 127.0.0.1]

No Django, no database, no plugin import: it reads the bundle's ``index.json`` and answers
each URL path with its file, media type and status, as the LMS did, and 404 otherwise. It
exists to check a bundle (and for the tests, which stop the LMS and verify through it);
production serves the folder with nginx (the bundle's ``nginx.conf``) or any static host.
"""

import argparse
import json
import sys
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


def load_routes(folder):
    """URL path -> the ``index.json`` entry (file, media type, status) the handler answers it with."""
    index = json.loads((Path(folder) / "index.json").read_text(encoding="utf-8"))
    return {doc["path"]: doc for doc in index["documents"].values()}


class BundleHandler(BaseHTTPRequestHandler):
    """GET and HEAD of the bundle's URL paths; nothing else exists."""

    def __init__(self, *args, folder, routes, **kwargs):
        self.folder, self.routes = Path(folder), routes
        super().__init__(*args, **kwargs)

    def _answer(self, with_body):
        doc = self.routes.get(urlsplit(self.path).path)
        if doc is None:
            body, status, content_type = b'{"error": "Not found."}', 404, "application/json"
        else:
            body, status, content_type = (self.folder / doc["file"]).read_bytes(), doc["status"], doc["content_type"]
        self.send_response(status)
        self.send_header("Content-Type", content_type + ("; charset=utf-8" if "json" in content_type
                                                          or content_type == "application/vc" else ""))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def do_GET(self):  # noqa: N802 (the http.server naming)
        self._answer(True)

    def do_HEAD(self):  # noqa: N802
        self._answer(False)

    def log_message(self, format, *args):  # noqa: A002  pylint: disable=redefined-builtin
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def main(argv=None):
    """The command line: serve ``folder`` until interrupted (``argv`` for the tests; None: ``sys.argv``)."""
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--bind", default="127.0.0.1")
    args = parser.parse_args(argv)
    handler = partial(BundleHandler, folder=args.folder, routes=load_routes(args.folder))
    server = ThreadingHTTPServer((args.bind, args.port), handler)
    print(f"Serving {args.folder} at http://{args.bind}:{server.server_address[1]}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
