"""Receiver cost on the LMS's hot path: the plugin's receivers vs an empty receiver, same run.

* COURSE_PASSING_STATUS_UPDATED.send_event (openedx-events) and the internal
  PROBLEM_WEIGHTED_SCORE_CHANGED.send, for a course in which no rule cares: per-call time
  with the plugin's receivers vs the same send with one empty receiver (the signal's
  receivers swapped for the pass; for the internal signal, an equivalent ``Signal()``).
  Timed passes alternate and the best is kept; queries are counted (must be 0).
* A rule cares: inside the LMS's transaction the receiver only registers an on-commit
  callback (timed); at commit the evaluation is published with ``tasks.enqueue`` to a real
  Redis broker (``BADGES_CELERY_BROKER``, default redis://127.0.0.1:6379/9, on a queue of its
  own that is deleted afterwards), against a raw LPUSH of the same size as the floor; the whole
  receiver in autocommit; and one answer's four grade signals in one transaction, which
  publish once. Skipped with a message if Redis does not answer.

    .venv/bin/python bench/receivers.py [--calls 5000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

QUIET = "course-v1:Bench+NORULE+2026"
RULED = "course-v1:Bench+PY101+2026"
BROKER = os.environ.get("BADGES_CELERY_BROKER") or "redis://127.0.0.1:6379/9"
QUEUE = "openedx_badges_bench_receivers"


def empty_receiver(*args, **kwargs):
    return None


def best_per_call(passes, calls, repeat):
    """Alternate the passes; the best time per call (µs) of each."""
    best = [float("inf")] * len(passes)
    for _ in range(repeat):
        for n, run in enumerate(passes):
            t0 = time.perf_counter()
            run(calls)
            best[n] = min(best[n], (time.perf_counter() - t0) / calls * 1e6)
    return best


def setup_rule():
    from openedx_plugin.models import BadgeRule

    _issuer, badge = _common.make_issuer_and_badge()
    BadgeRule.objects.create(badge_class=badge, condition={"kind": "course_passed", "course": RULED,
                                                           "min_percent": 0.5})
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("rx", "rx@example.com", "x")


def local_rows(calls, repeat):  # noqa: PLR0915
    from django.db import connection
    from django.dispatch import Signal
    from django.test.utils import CaptureQueriesContext
    from opaque_keys.edx.keys import CourseKey
    from openedx_events.learning.data import CourseData, CoursePassingStatusData, UserData, UserPersonalData
    from openedx_events.learning.signals import COURSE_PASSING_STATUS_UPDATED

    from lms_standin import platform

    user = setup_rule()
    data = CoursePassingStatusData(is_passing=True, course=CourseData(course_key=CourseKey.from_string(QUIET)),
                                   user=UserData(id=user.id, is_active=True,
                                                 pii=UserPersonalData(username="rx", email="rx@x.org", name="rx")))
    signal = COURSE_PASSING_STATUS_UPDATED
    plugin_receivers = list(signal.receivers)
    empty_signal_receivers = None

    def swap(to_empty):
        nonlocal empty_signal_receivers
        if to_empty:
            signal.receivers = []
            signal.sender_receivers_cache.clear()
            signal.connect(empty_receiver, weak=False, dispatch_uid="bench-empty")
            empty_signal_receivers = list(signal.receivers)
        else:
            signal.receivers = list(plugin_receivers)
        signal.sender_receivers_cache.clear()

    def plugin_pass(n):
        signal.receivers = plugin_receivers
        signal.sender_receivers_cache.clear()
        for _ in range(n):
            signal.send_event(course_passing_status=data)

    def empty_pass(n):
        signal.receivers = empty_signal_receivers
        signal.sender_receivers_cache.clear()
        for _ in range(n):
            signal.send_event(course_passing_status=data)

    swap(True)
    swap(False)
    plugin_pass(50)  # warm: the rule index is loaded once per process
    with CaptureQueriesContext(connection) as ctx:
        plugin_pass(calls)
    event_queries = len(ctx.captured_queries)
    plugin_us, empty_us = best_per_call([plugin_pass, empty_pass], calls, repeat)
    signal.receivers = plugin_receivers
    signal.sender_receivers_cache.clear()

    internal = platform.PROBLEM_WEIGHTED_SCORE_CHANGED
    equivalent = Signal()
    equivalent.connect(empty_receiver, weak=False)
    course_key = CourseKey.from_string(QUIET)
    kwargs = dict(sender=None, weighted_earned=1.0, weighted_possible=1.0, user_id=user.id, anonymous_user_id=None,
                  course_id=course_key, usage_id="block-v1:Bench+NORULE+2026+type@problem+block@p1",
                  only_if_higher=False, modified=None, score_deleted=False, grading_policy_hash="",
                  score_db_table="csm")

    def internal_pass(n):
        for _ in range(n):
            internal.send(**kwargs)

    def equivalent_pass(n):
        for _ in range(n):
            equivalent.send(**kwargs)

    internal_pass(50)
    with CaptureQueriesContext(connection) as ctx:
        internal_pass(calls)
    internal_queries = len(ctx.captured_queries)
    int_us, eq_us = best_per_call([internal_pass, equivalent_pass], calls, repeat)

    _common.row("(d) COURSE_PASSING_STATUS_UPDATED, no rule cares (µs)", plugin_us, empty_us,
                plugin_us / empty_us, "< empty + 50 µs", plugin_us - empty_us < 50)
    _common.row("(d)   its queries per call", event_queries / calls, 0.0, "-", "0", event_queries == 0)
    _common.row("(d) PROBLEM_WEIGHTED_SCORE_CHANGED, no rule cares (µs)", int_us, eq_us, int_us / eq_us,
                "< empty + 50 µs", int_us - eq_us < 50)
    _common.row("(d)   its queries per call", internal_queries / calls, 0.0, "-", "0", internal_queries == 0)
    print(f"    per call over the empty receiver: +{plugin_us - empty_us:.1f} µs (event), "
          f"+{int_us - eq_us:.1f} µs (internal signal); Django's default local-memory cache holds the "
          "rule-index version", flush=True)


def redis_reachable():
    parts = urlsplit(BROKER)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def _median_p95(times):
    times = sorted(times)
    return times[len(times) // 2] * 1000, times[int(len(times) * 0.95)] * 1000


def redis_rows(samples):  # noqa: PLR0915
    """In a process whose settings name the Redis broker (celery reads it at start)."""
    import json

    import redis
    from django.conf import settings
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from opaque_keys.edx.keys import CourseKey
    from openedx_events.learning.data import CourseData, CoursePassingStatusData, UserData, UserPersonalData
    from openedx_events.learning.signals import COURSE_PASSING_STATUS_UPDATED

    from openedx_plugin import tasks

    settings.OPENEDX_BADGES_CELERY_QUEUE = QUEUE
    user = setup_rule()
    trigger = {"event": "bench", "time": "2026-01-01T00:00:00Z"}
    client = redis.Redis.from_url(BROKER)
    data = CoursePassingStatusData(is_passing=True, course=CourseData(course_key=CourseKey.from_string(RULED)),
                                   user=UserData(id=user.id, is_active=True,
                                                 pii=UserPersonalData(username="rx", email="rx@x.org", name="rx")))
    figures = {}
    try:
        for _ in range(20):  # warm: the broker connection and the pool
            tasks.enqueue(user.id, RULED, trigger)
        # the floor: one LPUSH of a message of the same size, on a kept connection
        body = json.dumps({"body": "x" * 900, "headers": {}, "properties": {}})
        raw, publish, inside, whole, answer = [], [], [], [], []
        for _ in range(samples):  # interleaved, so drift on the machine hits all alike
            t0 = time.perf_counter()
            client.lpush(f"{QUEUE}_raw", body)
            raw.append(time.perf_counter() - t0)

            t0 = time.perf_counter()
            assert tasks.enqueue(user.id, RULED, trigger)
            publish.append(time.perf_counter() - t0)

            with transaction.atomic():  # the receiver inside the LMS's transaction: it only registers
                t0 = time.perf_counter()
                COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=data)
                inside.append(time.perf_counter() - t0)

            t0 = time.perf_counter()  # autocommit: on_commit runs at once, so this includes the publish
            COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=data)
            whole.append(time.perf_counter() - t0)

            t0 = time.perf_counter()  # one answer: four grade signals, one commit, one publish
            with transaction.atomic():
                for _ in range(4):
                    COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=data)
            answer.append(time.perf_counter() - t0)
        with CaptureQueriesContext(connection) as ctx:
            for _ in range(50):
                COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=data)
        for name, times in (("raw", raw), ("publish", publish), ("inside", inside), ("whole", whole),
                            ("answer", answer)):
            figures[name] = _median_p95(times)
        published = client.llen(QUEUE)
    finally:
        for key in client.scan_iter(f"*{QUEUE}*"):
            client.delete(key)
    print("REDIS " + json.dumps({"figures": figures, "queries": len(ctx.captured_queries) / 50,
                                 "published": published, "samples": samples}), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--redis", type=int, default=0, help="(internal) the Redis run, in this process")
    args = parser.parse_args()
    if args.redis:
        _common.setup_django("receivers_redis")
        try:
            redis_rows(args.redis)
        finally:
            _common.cleanup()
        return 0

    os.environ.pop("BADGES_CELERY_BROKER", None)
    label = _common.setup_django("receivers")
    print(f"receivers: machine {_common.machine()}; database {label}; {args.calls} calls per pass, "
          f"best of {args.repeat} alternating passes")
    print(_common.HEADER)
    try:
        local_rows(args.calls, args.repeat)
    finally:
        _common.cleanup()
    if not redis_reachable():
        print(f"(d) rule cares, enqueue to Redis: skipped, nothing answers at {BROKER}")
        return 0
    done = subprocess.run([sys.executable, __file__, "--redis", "300"], capture_output=True, text=True,
                          env=dict(os.environ, BADGES_CELERY_BROKER=BROKER), timeout=300, check=False)
    found = [ln for ln in done.stdout.splitlines() if ln.startswith("REDIS ")]
    if done.returncode != 0 or not found:
        print(f"(d) rule cares, enqueue to Redis: failed: {(done.stderr or done.stdout).strip()[-400:]}")
        return 1
    import json

    report = json.loads(found[0][len("REDIS "):])
    fig, queries = report["figures"], report["queries"]
    _common.row("(d) rule cares, in a transaction: receiver (µs)", fig["inside"][0] * 1000, "-", "-",
                "< 1 ms", fig["inside"][0] < 1)
    _common.row("(d) rule cares: on-commit publish, median (ms)", fig["publish"][0], fig["raw"][0],
                fig["publish"][0] / fig["raw"][0], "< 1 ms", fig["publish"][0] < 1)
    _common.row("(d)   same, p95 (ms)", fig["publish"][1], fig["raw"][1], fig["publish"][1] / fig["raw"][1],
                "< 1 ms", fig["publish"][1] < 1)
    _common.row("(d)   whole receiver + publish, autocommit, median", fig["whole"][0], fig["publish"][0],
                fig["whole"][0] / fig["publish"][0], "< 1 ms", fig["whole"][0] < 1)
    _common.row("(d)   one answer: 4 signals + commit, median (ms)", fig["answer"][0], 4 * fig["publish"][0],
                fig["answer"][0] / (4 * fig["publish"][0]), "reported", "-")
    print(f"    baseline of the publish rows: one LPUSH of a same-size message on a kept connection (the floor of "
          f"any Redis publish); baseline of the last row: four publishes, one per signal, as without coalescing. "
          f"Broker {BROKER}, queue {QUEUE} (deleted afterwards); queries per call on that path: {queries:.2f}; "
          f"{report['samples']} samples of each, interleaved")
    return 0


if __name__ == "__main__":
    sys.exit(main())
