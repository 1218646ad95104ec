"""
The course team's dashboard, recipients list and recipients API: queries and p95 latency,
a course with 1,000 awards (the baseline) against one with 100,000 (times BENCH_SCALE).

    BADGES_DB=mysql BADGES_MYSQL_DB=<name> .venv/bin/python bench/course_team.py [--requests 40]

BENCH_SCALE (default 0.2, as the other benches: 20,000 awards) scales the big course;
BENCH_SCALE=1 is the issue's 100,000. Awards are rows copied from one template (listing and
counting read no signature), spread over the four states, with "in progress" rows for a
tenth of the learners. Each page is fetched through the Django test client by a course
staff member (a course role, not an admin), 3 warm-up requests, then ``--requests`` timed;
the query count of one request is printed for both courses (it must not grow). The counts
are kept in the cache for OPENEDX_BADGES_COURSE_TEAM_COUNTS_SECONDS, so the timed requests
read them from there; the first request of each page, after a cache clear, counts afresh
and is printed beside. Target: p95 < 200 ms on MariaDB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("BADGES_MYSQL_BENCH_DB", f"bench_course_team_{os.environ.get('BADGES_MYSQL_DB', 'default')}")

import _common  # noqa: E402

SMALL = 1_000
TARGET_MS = 200.0


def fill_course(issuer, course_key, count, prefix):
    """A badge of ``course_key`` with ``count`` awards (one per learner), in chunks of 5,000."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from openedx_plugin.credentials import issuing
    from openedx_plugin.models import Award, BadgeProgress

    badge = issuing.create_badge_class(issuer, f"Badge of {prefix}", "A badge.", course_key=course_key,
                                       criteria_narrative="Do it.", validity_days=365)
    _common.make_users(prefix, count + count // 10)
    users = list(get_user_model().objects.filter(username__startswith=prefix).order_by("id")
                 .values_list("id", flat=True))
    now = timezone.now()
    for start in range(0, count, 5000):
        rows = []
        for index in range(start, min(count, start + 5000)):
            state = index % 20
            rows.append(Award(
                badge_class=badge, user_id=users[index], sequence=1, recipient_identity="sha256$x", recipient_salt="s",
                issued_on=now - timedelta(minutes=index), revoked=state == 0, revoked_at=now if state == 0 else None,
                revocation_reason="Bench." if state == 0 else "", suspended=state == 1,
                valid_until=now - timedelta(days=1) if state == 2 else now + timedelta(days=365),
                ob3_credential={"id": f"urn:bench:{index}"}))
        Award.objects.bulk_create(rows, batch_size=5000)
    BadgeProgress.objects.bulk_create([BadgeProgress(badge_class=badge, user_id=user_id, done=1, total=2, started=True)
                                       for user_id in users[count:]], batch_size=5000)
    return badge


def timed(client, url, requests):
    from django.core.cache import cache
    from django.db import connection

    queries = []
    cache.clear()  # the first request counts (OPENEDX_BADGES_COURSE_TEAM_COUNTS_SECONDS keeps the counts after)
    started = time.perf_counter()
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    cold = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    for _ in range(3):
        client.get(url)
    times, sql_times = [], []

    def sql_timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_times[-1] += (time.perf_counter() - started) * 1000

    with connection.execute_wrapper(sql_timer):
        for _ in range(requests):
            sql_times.append(0.0)
            started = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    return statistics.quantiles(times, n=20)[-1], len(queries), statistics.median(sql_times), cold


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    scale = float(os.environ.get("BENCH_SCALE", "0.2"))
    large = max(SMALL * 2, int(100_000 * scale))
    db = _common.setup_django("course_team")
    print(f"# bench/course_team.py on {db}, {_common.machine()}")
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from lms_standin.models import Course, CourseAccessRole
    from openedx_plugin.credentials import issuing

    issuer = issuing.create_issuer("Bench University", "https://bench.example/", "b@bench.example",
                                   public_base_url="https://lms.bench.example")
    started = time.perf_counter()
    courses = {}
    for name, count in (("small", SMALL), ("large", large)):
        key = f"course-v1:Bench+{name.upper()}+2026"
        Course.objects.create(course_key=key, display_name=name)
        courses[name] = (key, fill_course(issuer, key, count, f"{name[0]}"))
    if connection.vendor == "mysql":
        with connection.cursor() as cur:
            for table in ("openedx_badges_award", "openedx_badges_badgeprogress", "auth_user"):
                cur.execute(f"ANALYZE TABLE {table}")
                cur.fetchall()
    staff = get_user_model().objects.create_user("bench-staff", "staff@bench.example", "x")
    for key, _badge in courses.values():
        CourseAccessRole.objects.create(user=staff, course_id=key, org="Bench", role=CourseAccessRole.STAFF)
    print(f"# filled {SMALL:,} and {large:,} awards in {time.perf_counter() - started:.0f} s")
    # One connection kept across requests, as CONN_MAX_AGE does in production (the test client
    # would otherwise close it after each request and time a new connection every time).
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    from django.conf import settings

    settings.OPENEDX_BADGES_RATE_LIMITS = {"api": None}  # the bench times the pages, not the API's limit
    client = Client()
    client.force_login(staff)

    pages = [
        ("dashboard (counts, history)", "/badges/course/{key}/manage/"),
        ("recipients, first page", "/badges/course/{key}/manage/{badge}/"),
        ("recipients, state=revoked", "/badges/course/{key}/manage/{badge}/?state=revoked"),
        ("recipients, search a username prefix", "/badges/course/{key}/manage/{badge}/?q={prefix}00001"),
        ("recipients, page 10", "/badges/course/{key}/manage/{badge}/?page=10"),
        ("API recipients, page_size=100", "/badges/api/v1/course-team/{key}/badges/{badge}/recipients/?page_size=100"),
        ("API badges with counts", "/badges/api/v1/course-team/{key}/badges/"),
    ]
    print(_common.HEADER)
    worst, queries_same = 0.0, True
    for label, pattern in pages:
        figures = {}
        for name, (key, badge) in courses.items():
            url = pattern.format(key=key, badge=badge.uuid, prefix=name[0])
            figures[name] = timed(client, url, args.requests)
        (small_ms, small_q, small_sql, small_cold), (large_ms, large_q, large_sql, large_cold) = (
            figures["small"], figures["large"])
        worst = max(worst, large_ms)
        queries_same &= small_q == large_q
        _common.row(f"{label}: p95 ms ({large_q} queries)", large_ms, small_ms, large_ms / small_ms,
                    f"< {TARGET_MS:.0f} ms", large_ms < TARGET_MS)
        print(f"    of which SQL (median): {large_sql:.1f} ms, baseline {small_sql:.1f} ms; "
              f"first request, counting afresh: {large_cold:.0f} ms, baseline {small_cold:.0f} ms")
    print(f"    value: the course with {large:,} awards; baseline: the course with {SMALL:,}, same run "
          f"(the load average says how busy the machine was). "
          f"Query counts {'equal' if queries_same else 'DIFFER'} between the two.")
    if large < 100_000:
        print(f"    BENCH_SCALE={scale}: {large:,} of 100,000 awards; BENCH_SCALE=1 runs the full 100,000.")
    _common.cleanup()
    return 0 if worst < TARGET_MS and queries_same else 1


if __name__ == "__main__":
    sys.exit(main())
