"""
The operator's overview at scale: every query it runs, timed on 1,000,000 awards in MariaDB.

    BADGES_DB=mysql python bench/overview.py [--awards 1000000] [--keep]

Fills a database of its own (``openedx_badges_overview_bench``, dropped and created
again, never the tests') with INSERT ... SELECT over MariaDB's sequence engine:
200 badge classes in 40 courses, 50,000 learners, the awards spread over three
years (2% revoked), 200,000 push attempts at four destinations and 1,000 pending
evaluations. Then it runs the overview (visibility/overview.py) cold once and warm
three times, and prints each SQL statement's time (the warm median) with its EXPLAIN
key. Target: every query under 200 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("BADGES_MYSQL_BENCH_DB", "openedx_badges_overview_bench")

import _common  # noqa: E402

BADGES, COURSES, LEARNERS, PUSHES, PENDING = 200, 40, 50_000, 200_000, 1_000
TARGET_MS = 200.0


def fill(awards):
    from django.db import connection

    from openedx_plugin.models import BackpackProvider, BadgeClass, Issuer

    issuer = Issuer.objects.create(name="Bench University", url="https://bench.example/", email="b@bench.example")
    BadgeClass.objects.bulk_create([
        BadgeClass(issuer=issuer, name=f"Badge {i:03d}", description="d", criteria_narrative="n",
                   course_key=f"course-v1:Bench+C{i % COURSES:02d}+2026" if i % 10 else "")
        for i in range(BADGES)])
    providers = [BackpackProvider.objects.create(kind=kind, name=f"{kind} destination", base_url="https://w.example")
                 for kind, _ in BackpackProvider.KINDS]
    first_badge = BadgeClass.objects.order_by("id").first().id
    with connection.cursor() as cur:
        started = time.perf_counter()
        cur.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff,"
            " is_active, date_joined) SELECT '!', 0, CONCAT('l', seq), '', '', CONCAT('l', seq, '@example.com'),"
            f" 0, 1, NOW() FROM seq_1_to_{LEARNERS}")
        cur.execute("SELECT MIN(id) FROM auth_user")
        first_user = cur.fetchone()[0]
        # Skewed towards the first badges (as real sites are): badge = (seq mod 200) squared, scaled.
        cur.execute(
            "INSERT INTO openedx_badges_award (uuid, badge_class_id, user_id, sequence, recipient_identity,"
            " recipient_salt, issued_on, evidence, result, provenance, revoked, revoked_at, revocation_reason,"
            " suspended, suspension_reason, ob3_credential, ob2_assertion, ob2_signed_assertion, ob2_jws, public,"
            " show_name, created, announced_at)"
            " SELECT REPLACE(UUID(), '-', ''),"
            f" {first_badge} + (seq MOD {BADGES}), {first_user} + (seq MOD {LEARNERS}), seq DIV {LEARNERS} + 1,"
            " 'sha256$x', 's', t, '[]', '[]', '{}', seq MOD 50 = 0,"
            " IF(seq MOD 50 = 0, t + INTERVAL 10 DAY, NULL), '', 0, '', '{}', '{}', '{}', '', 1, 0, t, t"
            f" FROM (SELECT seq, NOW(6) - INTERVAL (seq MOD 1095) DAY - INTERVAL (seq MOD 86400) SECOND AS t"
            f" FROM seq_1_to_{awards}) s")
        filled_awards = time.perf_counter() - started
        cur.execute("SELECT MIN(id) FROM openedx_badges_award")
        first_award = cur.fetchone()[0]
        ids = ",".join(str(p.pk) for p in providers)
        cur.execute(
            "INSERT INTO openedx_badges_pushattempt (award_id, provider_id, connection_id, operation, status,"
            " attempts, last_error, remote_id, idempotency_key, created, updated)"
            f" SELECT {first_award} + seq * {max(awards // PUSHES, 1)} - 1, ELT(1 + seq MOD 4, {ids}), NULL,"
            " 'push', ELT(1 + (seq MOD 20 = 0) + (seq MOD 97 = 0), 'sent', 'failed', 'pending'), 1,"
            " IF(seq MOD 20 = 0, 'The wallet answered 503.', ''), '', CONCAT('bench-', seq), NOW(), NOW()"
            f" FROM seq_1_to_{min(PUSHES, awards)}")
        cur.execute(
            "INSERT INTO openedx_badges_pendingevaluation (user_id, course_key, `trigger`, created, attempts,"
            f" last_error) SELECT {first_user} + seq, 'course-v1:Bench+C01+2026', '{{}}', NOW(), 0,"
            f" IF(seq MOD 3 = 0, 'ValueError: bench', '') FROM seq_1_to_{PENDING}")
        for table in ("openedx_badges_award", "openedx_badges_pushattempt", "openedx_badges_pendingevaluation",
                      "openedx_badges_badgeclass"):
            cur.execute(f"ANALYZE TABLE {table}")
            cur.fetchall()
    return filled_awards


FRESH = 2_000


def refresh(awards):
    """Move the tallies' mark to the newest award (as beat does), then add awards made since."""
    from datetime import timedelta

    from django.db import connection

    from openedx_plugin.visibility import overview

    times = []

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if "GROUP BY" in sql:
                times.append((time.perf_counter() - started) * 1000)

    with connection.execute_wrapper(wrapper):
        overview.refresh_tallies(lag=timedelta(0))
    with connection.cursor() as cur:
        cur.execute("SELECT MAX(id), MIN(user_id), MIN(badge_class_id) FROM openedx_badges_award")
        _, first_user, first_badge = cur.fetchone()
        cur.execute(
            "INSERT INTO openedx_badges_award (uuid, badge_class_id, user_id, sequence, recipient_identity,"
            " recipient_salt, issued_on, evidence, result, provenance, revoked, revocation_reason, suspended,"
            " suspension_reason, ob3_credential, ob2_assertion, ob2_signed_assertion, ob2_jws, public, show_name,"
            f" created, announced_at) SELECT REPLACE(UUID(), '-', ''), {first_badge} + (seq MOD {BADGES}),"
            f" {first_user} + (seq MOD {LEARNERS}), 1000 + seq, 'sha256$x', 's', NOW(), '[]', '[]', '{{}}', 0, '',"
            f" 0, '', '{{}}', '{{}}', '{{}}', '', 1, 0, NOW(), NOW() FROM seq_1_to_{FRESH}")
    return times


def timed_run():
    """Run the overview once; ``[(sql, ms)]`` for each statement."""
    from django.db import connection

    from openedx_plugin.visibility import overview

    statements = []

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((sql, params, (time.perf_counter() - started) * 1000))

    started = time.perf_counter()
    with connection.execute_wrapper(wrapper):
        overview.collect()
    return statements, (time.perf_counter() - started) * 1000


def explain_key(sql, params):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN " + sql, params)
        columns = [c[0] for c in cur.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]
    return "; ".join(f"{r['table'].replace('openedx_badges_', '')}:{r['key'] or 'no index'}"
                     f"{' (index only)' if 'Using index' in (r['Extra'] or '') else ''}" for r in rows)


def label(sql):
    """A short name for a statement: its table and what it counts or groups by."""
    import re

    text = sql.replace("`", "").replace("openedx_badges_", "")
    table = re.search(r"FROM (\w+)", text).group(1)
    if "GROUP BY" in text:
        what = "GROUP BY " + text.split("GROUP BY", 1)[1].split("ORDER")[0].strip().replace(f"{table}.", "")
    elif "WHERE" in text:
        what = "WHERE " + re.sub(r"\w+\.", "", text.split("WHERE", 1)[1].strip())[:40]
    else:
        what = "all"
    return f"{table} {what}"[:60]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--awards", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="leave the database for a look afterwards")
    args = parser.parse_args()
    if os.environ.get("BADGES_DB") != "mysql":
        sys.exit("Run with BADGES_DB=mysql: the figure is for MariaDB (its sequence engine fills the tables).")
    db = _common.setup_django("overview")
    print(f"# bench/overview.py on {db}, {_common.machine()}")
    filled = fill(args.awards)
    print(f"# filled {args.awards:,} awards in {filled:.1f} s (INSERT ... SELECT)")
    tally_ms = refresh(args.awards)
    print(f"# tallies refreshed (celery beat's job, not the page's): slowest chunk query {max(tally_ms):.0f} ms,"
          f" {len(tally_ms)} queries, {sum(tally_ms) / 1000:.1f} s in all; then {FRESH:,} newer awards, counted live")
    cold, cold_total = timed_run()
    runs = [timed_run() for _ in range(3)]
    per_statement = defaultdict(list)
    for statements, _ in runs:
        for i, (_sql, _params, ms) in enumerate(statements):
            per_statement[i].append(ms)
    print(f"{'query':<60} | {'cold ms':>8} | {'warm ms':>8} | {'< 200 ms':<8} | index used")
    worst = 0.0
    for i, (sql, params, cold_ms) in enumerate(cold):
        warm = statistics.median(per_statement[i])
        worst = max(worst, warm, cold_ms)
        met = "yes" if max(warm, cold_ms) < TARGET_MS else "NO"
        print(f"{label(sql):<60} | {cold_ms:>8.1f} | {warm:>8.1f} | {met:<8} | {explain_key(sql, params)}")
    totals = [total for _, total in runs]
    print(f"# whole overview: cold {cold_total:.0f} ms, warm median {statistics.median(totals):.0f} ms;"
          f" slowest query {worst:.1f} ms (target < {TARGET_MS:.0f} ms per query)")
    if not args.keep:
        from django.conf import settings
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute(f"DROP DATABASE `{settings.DATABASES['default']['NAME']}`")
    _common.cleanup()
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
