"""The learner's pages: queries and latency, 10 vs 1,000 badges.

Two learners, one holding 10 badges and one 1,000 (one award per badge class; the 1,000
rows are copies of a signed award, re-pointed at other badge classes: listing does not
read the signatures). Each page is fetched through the Django test client; queries are
counted on one request, latency is the p95 of ``--requests`` requests. The pages: the
wallet (its first page of cards, the skills profile and "expiring soon" over every badge,
the course names), the REST API's first page of awards and the skills profile, and the
public profile page (every public badge, grouped by skill), fetched signed out.

    .venv/bin/python bench/wallet.py [--requests 60]
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402


def holder(name, count, issuer, template_award, first_index):
    from django.contrib.auth import get_user_model

    from openedx_plugin.models import Award, BadgeClass

    user = get_user_model().objects.create_user(name, f"{name}@example.com", "x")
    classes = BadgeClass.objects.bulk_create([
        BadgeClass(issuer=issuer, name=f"Badge {name} {i}", description="A badge.", uuid=uuid.uuid4(),
                   course_key=f"course-v1:Bench+C{i % 20}+2026", tags=["t"], achievement_type="Course",
                   alignments=[{"type": ["Alignment"], "targetName": f"Skill {i % 7}",
                                "targetUrl": f"https://skills.example/{i % 7}"}])
        for i in range(count)])
    from openedx_plugin.models import LearnerProfile

    LearnerProfile.objects.create(user=user, slug=f"bench-{name}", public=True, show_name=True)
    fields = {f.attname: getattr(template_award, f.attname) for f in Award._meta.concrete_fields
              if f.attname not in ("id", "uuid", "badge_class_id", "user_id", "status_index", "created",
                                            "suspension_index")}
    Award.objects.bulk_create([Award(**fields, uuid=uuid.uuid4(), badge_class=bc, user=user,
                                     status_index=first_index + i) for i, bc in enumerate(classes)])
    return user


def name_courses():
    """The 20 bench courses get display names in the stand-in's course table (CourseOverview's place)."""
    from lms_standin.models import Course

    Course.objects.bulk_create([Course(course_key=f"course-v1:Bench+C{i}+2026", display_name=f"Bench course {i}")
                                for i in range(20)])


def measure(client, url, requests):
    from django.db import connection

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    seen = []

    def count(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    times, cpu = [], []
    for _ in range(requests):
        t0, c0 = time.perf_counter(), time.process_time()
        status = client.get(url).status_code
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        assert status == 200, (url, status)  # a 429 or an error would be timed as a page
    times.sort()
    cpu.sort()
    index = min(len(times) - 1, int(len(times) * 0.95))
    return len(seen), times[index] * 1000, (cpu[len(cpu) // 2] * 1000, cpu[index] * 1000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    label = _common.setup_django("wallet")
    from django.conf import settings

    from openedx_plugin.conf import RATE_LIMIT_DEFAULTS

    # One client asks hundreds of times a minute: the rate limits would answer 429 instead of the page.
    settings.OPENEDX_BADGES_RATE_LIMITS = dict.fromkeys(RATE_LIMIT_DEFAULTS)
    try:
        from django.test import Client

        from openedx_plugin.credentials import issuing

        issuer, badge = _common.make_issuer_and_badge()
        from django.contrib.auth import get_user_model

        seed_user = get_user_model().objects.create_user("seed", "seed@example.com", "x")
        template, _ = issuing.award_badge(badge, seed_user)
        name_courses()
        small = holder("few", 10, issuer, template, 1000)
        large = holder("many", 1000, issuer, template, 2000)
        print(f"wallet: machine {_common.machine()}; database {label}; Django test client, p95 of "
              f"{args.requests} requests")
        print(_common.HEADER)
        pages = (("wallet page", "/badges/wallet/", True), ("API awards, first page", "/badges/api/v1/awards/", True),
                 ("API skills profile", "/badges/api/v1/skills/", True),
                 ("public profile page", "/badges/u/bench-{name}/", False))
        for title, url, signed_in in pages:
            results = {}
            for name, user in (("10", small), ("1000", large)):
                client = Client()
                if signed_in:
                    client.force_login(user)
                results[name] = measure(client, url.format(name="few" if name == "10" else "many"), args.requests)
            (q10, p10, c10), (q1000, p1000, c1000) = results["10"], results["1000"]
            # Issue 18's target for the learner's pages: p95 under 200 ms with 1,000 badges.
            # The wallet page also reads course names, skills, pathways and the public profile: its
            # bound is tests/wallet/test_queries.py's WALLET_MAX_QUERIES; what matters is "= 10 badges".
            bound = 15 if title == "wallet page" else 10
            _common.row(f"(e) {title}, 1,000 badges: queries", q1000, q10, q1000 / q10 if q10 else "-",
                        f"<= {bound}, = 10 badges", q1000 <= bound and q1000 == q10)
            _common.row(f"(e) {title}, 1,000 badges: p95 (ms)", p1000, p10, p1000 / p10, "< 200 ms", p1000 < 200)
            # The same requests' CPU time in this process (the view, the ORM, the template): what
            # the page costs when the machine is shared and the wall-clock p95 includes waiting.
            _common.row(f"(e) {title}, 1,000 badges: CPU median / p95 (ms)", f"{c1000[0]:.0f} / {c1000[1]:.0f}",
                        f"{c10[0]:.0f} / {c10[1]:.0f}", c1000[0] / c10[0] if c10[0] else "-", "reported", "-")
        print("    baseline column: the same page for a learner with 10 badges")
    finally:
        _common.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
