"""Public credential JSON under load vs a trivial Django view: same server, same load generator.

Server: the stand-in LMS's Django WSGI application in the standard library's
``wsgiref`` server with one thread per request (``socketserver.ThreadingMixIn``), in a
subprocess on 127.0.0.1, SQLite file database, DEBUG off. (No gunicorn or waitress is
installed; wsgiref is what is there for everyone.) Load generator: a Python client in
this process, ``--threads`` threads each sending requests back to back over
``http.client`` (wsgiref speaks HTTP/1.0, so one connection per request) for
``--seconds``; the two URLs alternate, ``--repeat`` times each, best kept.
Everything goes to 127.0.0.1 only.

    .venv/bin/python bench/public_load.py [--seconds 4] [--threads 8] [--repeat 2]
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402


def serve(port: int) -> int:
    _common.setup_django("public_load", keep_db=True)
    from django.conf import settings

    settings.ROOT_URLCONF = "_urls"
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.wsgi import get_wsgi_application

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True
        request_queue_size = 128

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    httpd = make_server("127.0.0.1", port, get_wsgi_application(), server_class=Server, handler_class=Quiet)
    print("READY", flush=True)
    httpd.serve_forever()
    return 0


def load(port, path, seconds, threads):
    stop = time.perf_counter() + seconds
    counts, errors = [0] * threads, [0] * threads

    def worker(n):
        while time.perf_counter() < stop:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    counts[n] += 1
                else:
                    errors[n] += 1
            except OSError:
                errors[n] += 1
            finally:
                conn.close()

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(counts) / (time.perf_counter() - t0), sum(errors)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--serve", type=int, default=0, help="(internal) run the server on this port")
    args = parser.parse_args()
    if args.serve:
        return serve(args.serve)

    label = _common.setup_django("public_load")
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from openedx_plugin.credentials import issuing, public_urls

    _issuer, badge = _common.make_issuer_and_badge()
    award, _ = issuing.award_badge(badge, get_user_model().objects.create_user("pl", "pl@example.com", "x"))
    credential_path = "/" + public_urls.credential_url(award).split("/", 3)[3]
    db_path = settings.DATABASES["default"]["NAME"]
    from django.db import connections

    connections.close_all()
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=dict(os.environ, BENCH_DB_PATH=db_path))
    try:
        ready = server.stdout.readline().strip()
        if ready != "READY":
            print(f"(f) server did not start: {server.stderr.read()[-500:]}")
            return 1
        load(port, "/bench/trivial", 1, args.threads)  # warm both
        load(port, credential_path, 1, args.threads)
        best = {"trivial": 0.0, "credential": 0.0}
        errors = 0
        for _ in range(args.repeat):
            for name, path in (("trivial", "/bench/trivial"), ("credential", credential_path)):
                rate, errs = load(port, path, args.seconds, args.threads)
                best[name] = max(best[name], rate)
                errors += errs
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        _common.cleanup()
    print(f"public_load: machine {_common.machine()}; database {label}; wsgiref threaded server (subprocess), "
          f"Python threaded http.client load generator, {args.threads} threads, {args.seconds:g} s x "
          f"{args.repeat} alternating, best kept; 127.0.0.1 only")
    print(_common.HEADER)
    ratio = best["credential"] / best["trivial"]
    _common.row("(f) public credential JSON under load (requests/s)", best["credential"], best["trivial"], ratio,
                ">= 0.7x trivial view", ratio >= 0.7)
    print(f"    baseline column: a trivial Django view on the same server; non-200 answers: {errors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
