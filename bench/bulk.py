"""Bulk awards: awards/s of bulk_issue.award_many vs one issuing.award_badge per learner, and memory at scale.

Figures (each with its baseline from the same run):

* (b) ``award_many`` for 10,000 learners (evaluate who holds it, persist, sign 3.0 with
  fastsign and 2.0 with RS256) vs ``issuing.award_badge`` one learner at a time on 300
  learners, and vs its signing floor (one fast-path 3.0 proof and one RS256 JWS per award,
  timed in the same run); SQLite file, one process. With ``BADGES_DB=mysql`` (or when MariaDB answers
  on 127.0.0.1:3306, a second, smaller run in a subprocess) the same on MariaDB.
* (c) peak memory growth (``ru_maxrss``) of ``award_many`` over 100,000 learners x
  ``BENCH_SCALE`` (default 0.2 so that ``make bench`` stays within minutes; BENCH_SCALE=1
  for the full 100,000), in a fresh subprocess.

    .venv/bin/python bench/bulk.py [--learners 10000] [--baseline 300]
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402


def rsa_and_fastsign_costs(badge, samples=200):
    """ms per RS256 JWS and per fastsign credential, with the keys the run uses (breakdown)."""
    from openedx_plugin.credentials import issuing
    from openedx_plugin.engine import ob2

    ctx = issuing.SigningContext(badge)
    doc = {"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "urn:uuid:x",
           "recipient": {"type": "email", "hashed": True, "identity": "sha256$" + "0" * 64},
           "badge": ctx.badge_class_url, "issuedOn": "2026-01-01T00:00:00Z",
           "verification": {"type": "signed", "creator": ctx.rsa_key_url}}
    t0 = time.perf_counter()
    for _ in range(samples):
        ob2.sign_assertion(doc, ctx.rsa_private)
    return (time.perf_counter() - t0) / samples * 1000


def fastsign_cost(badge, samples=200):
    """ms per 3.0 credential through the fast path, on the run's own credentials (proof removed)."""
    from openedx_plugin.credentials import issuing
    from openedx_plugin.engine import fastsign
    from openedx_plugin.models import Award

    ctx = issuing.SigningContext(badge)
    docs = [({k: v for k, v in award.ob3_credential.items() if k != "proof"}, award.ob3_credential["proof"]["created"])
            for award in Award.objects.filter(badge_class=badge).order_by("-id")[:samples]]
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for doc, created in docs:
            fastsign.sign(doc, ctx.ed_private, ctx.verification_method, created=created)
        best = min(best, (time.perf_counter() - t0) / len(docs) * 1000)
    return best


def run_rate(learners: int, baseline: int, label: str) -> int:
    from django.contrib.auth import get_user_model

    from openedx_plugin.awards import bulk_issue
    from openedx_plugin.credentials import issuing, verification
    from openedx_plugin.models import Award

    User = get_user_model()
    _issuer, badge = _common.make_issuer_and_badge()
    _common.make_users("base", baseline)
    _common.make_users("bulk", learners)
    provenance = {"source": "staff", "by": "bench", "reason": "bench"}

    # warm-up: templates of fastsign, the status list, key rows (both paths share them)
    warm = User.objects.create_user("warm", "warm@example.com", "x")
    issuing.award_badge(badge, warm, provenance=provenance)

    t0 = time.perf_counter()
    for user in User.objects.filter(username__startswith="base").order_by("pk").iterator(chunk_size=500):
        issuing.award_badge(badge, user, provenance=provenance)
    base_rate = baseline / (time.perf_counter() - t0)

    t0 = time.perf_counter()
    result = bulk_issue.award_many(badge, User.objects.filter(username__startswith="bulk"), provenance=provenance)
    elapsed = time.perf_counter() - t0
    bulk_rate = result.awarded / elapsed
    assert result.awarded == learners, result
    assert Award.objects.count() == learners + baseline + 1
    sample = Award.objects.select_related("badge_class__issuer", "status_list").order_by("-id").first()
    assert verification.verify_award(sample).ok
    rsa_ms = rsa_and_fastsign_costs(badge)
    fast_ms = fastsign_cost(badge)
    floor = 1000 / (rsa_ms + fast_ms)

    _common.row(f"(b) bulk award, {learners:,} learners, {label} (awards/s)", bulk_rate, base_rate,
                bulk_rate / base_rate, "reported", "-")
    _common.row("(b)   same, against its signing floor (awards/s)", bulk_rate, floor, bulk_rate / floor,
                ">= 0.7x floor", bulk_rate / floor >= 0.7)
    secs = result.seconds
    per = {k: v / learners * 1000 for k, v in secs.items()}
    other = elapsed / learners * 1000 - sum(per.values())
    print(f"    breakdown per award (ms): sign {per['sign']:.3f} (of which RS256 JWS ~{rsa_ms:.3f}), "
          f"write {per['write']:.3f}, holders+users {per['select']:.3f}, slots {per['slots']:.3f}, "
          f"events+rest {other:.3f}; total {elapsed / learners * 1000:.3f}; {result.batches} batches", flush=True)
    print(f"    signing floor: one RS256 JWS ({rsa_ms:.3f} ms) + one 3.0 credential through the fast path "
          f"({fast_ms:.3f} ms) = {floor:,.0f} awards/s on one core; baseline of the first row: "
          f"issuing.award_badge one learner at a time", flush=True)
    return 0


def prepare_memory(learners: int) -> int:
    """The database of the memory run, made in its own process so its peak does not hide the run's."""
    from django.conf import settings

    _issuer, badge = _common.make_issuer_and_badge()
    _common.make_users("mem", learners)
    print(f"DB {settings.DATABASES['default']['NAME']}", flush=True)
    return 0


def peak_reset() -> bool:
    """Reset the process's peak RSS (Linux: write 5 to /proc/self/clear_refs); False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
        return vm("VmHWM") > 0
    except OSError:
        return False


def vm(field: str) -> float:
    """A VmRSS/VmHWM value of /proc/self/status, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_memory(learners: int) -> int:
    import gc

    from django.contrib.auth import get_user_model

    from openedx_plugin.awards import bulk_issue
    from openedx_plugin.credentials import issuing
    from openedx_plugin.models import BadgeClass

    badge = BadgeClass.objects.select_related("issuer").get()
    User = get_user_model()
    warm = User.objects.create_user("warm", "warm@example.com", "x")
    issuing.award_badge(badge, warm)
    gc.collect()
    reset = peak_reset()
    before = vm("VmRSS") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    result = bulk_issue.award_many(badge, User.objects.filter(username__startswith="mem"),
                                   provenance={"source": "staff", "by": "bench", "reason": "bench"})
    elapsed = time.perf_counter() - t0
    after = vm("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert result.awarded == learners
    print(f"MEMORY {after - before:.1f} {before:.1f} {result.awarded / elapsed:.0f} {elapsed:.1f}", flush=True)
    return 0


def subprocess_run(args, env_extra=None, timeout=900):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, env=env,
                          timeout=timeout, check=False)


def mysql_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", int(os.environ.get("BADGES_MYSQL_PORT", "3306"))), timeout=1):
            return True
    except OSError:
        return False


def main() -> int:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10000)
    parser.add_argument("--baseline", type=int, default=300)
    parser.add_argument("--memory", type=int, default=0, help="(internal) the memory run, in this process")
    parser.add_argument("--memory-prepare", type=int, default=0, help="(internal) make the memory run's database")
    parser.add_argument("--rate-only", action="store_true", help="(internal) the rate run only")
    args = parser.parse_args()

    if args.memory_prepare:
        _common.setup_django("mem")
        return prepare_memory(args.memory_prepare)
    if args.memory:
        _common.setup_django("mem", keep_db=True)
        try:
            return run_memory(args.memory)
        finally:
            _common.cleanup()

    label = _common.setup_django("bulk")
    if not args.rate_only:
        print(f"bulk: machine {_common.machine()}; database {label}; one process")
        print(_common.HEADER)
    try:
        run_rate(args.learners, args.baseline, label)
    finally:
        _common.cleanup()
    if args.rate_only:
        return 0

    if os.environ.get("BADGES_DB") != "mysql":
        if mysql_reachable():
            done = subprocess_run(["--rate-only", "--learners", "3000", "--baseline", "300"],
                                  {"BADGES_DB": "mysql"})
            lines = [ln for ln in done.stdout.splitlines() if ln.startswith("(b)") or ln.startswith("    ")]
            if done.returncode == 0 and lines:
                print("\n".join(lines), flush=True)
            else:
                print(f"(b) MariaDB: skipped, the run failed: {(done.stderr or done.stdout).strip()[-300:]}")
        else:
            print("(b) MariaDB: skipped, nothing answers on 127.0.0.1:3306")

    scale = float(os.environ.get("BENCH_SCALE", "0.2"))
    count = max(1000, int(100_000 * scale))
    prepared = subprocess_run(["--memory-prepare", str(count)])
    db = [ln[3:] for ln in prepared.stdout.splitlines() if ln.startswith("DB ")]
    if prepared.returncode != 0 or not db:
        print(f"(c) memory run failed: {prepared.stderr.strip()[-500:]}")
        return 1
    done = subprocess_run(["--memory", str(count)], {"BENCH_DB_PATH": db[0]})
    if Path(db[0]).exists():
        Path(db[0]).unlink()
    found = [ln for ln in done.stdout.splitlines() if ln.startswith("MEMORY ")]
    if done.returncode != 0 or not found:
        print(f"(c) memory run failed: {done.stderr.strip()[-500:]}")
        return 1
    growth, base_rss, rate, elapsed = (float(x) for x in found[0].split()[1:])
    _common.row(f"(c) bulk award, {count:,} learners: peak RSS growth (MB)", growth, base_rss,
                f"{rate:.0f}/s", "< 200 MB", growth < 200)
    if count < 100_000:
        print(f"    BENCH_SCALE={scale}: {count:,} of 100,000 learners ({elapsed:.0f} s); "
              "BENCH_SCALE=1 runs the full 100,000. Baseline column: RSS before the run (MB); "
              "growth: peak RSS during the run (VmHWM, reset just before) minus that.")
    else:
        print(f"    {elapsed:.0f} s. Baseline column: RSS before the run (MB); growth: peak RSS during the run "
              "(VmHWM, reset just before) minus that.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
