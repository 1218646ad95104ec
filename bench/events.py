"""Event-driven awards: a learner's answer → platform signals → receiver → broker → worker → award.

Everything is real: learners answer a problem through the stand-in courseware
(``lms_standin.courseware.answer_problem``, which sends the LMS's signals in the LMS's
order inside one transaction), the plugin's receivers publish to Redis, a ``celery worker``
(prefork, started as tests/integration starts it) evaluates on MariaDB, awards, signs and
sends the follow-ups (BADGE_AWARDED, the email, backpack pushes). Figures, each with its
baseline from the same run:

* (g) awards per second per worker process, with 1 and then 2 worker processes, against the
  bulk path's awards per second (``bulk_issue.award_many``, one process, same database);
  the ratio takes out the time spent inside the stand-in's platform reads (reported apart:
  the real platform's reads cost differently).
* (g) a profile of one award: receiver, publish, broker and task start (the worker's time
  per award minus the task body measured in this process), platform reads, evaluation,
  award (of which signing), follow-ups (event, email, pushes), bookkeeping.
* (g) platform reads per evaluation for each rule kind (the stand-in's counters).
* (c) memory of a worker process after many event-driven awards: 100,000 x ``BENCH_SCALE``
  (default 0.015: 1,500, a few minutes; BENCH_SCALE=1 for the full 100,000, hours here).

Needs MariaDB (127.0.0.1:3306) and Redis; says so and skips otherwise. Uses Redis databases
9 (broker) and 10 (the shared cache), flushed here (``BADGES_BENCH_REDIS_DBS=9,10``), and the
MariaDB database ``BADGES_MYSQL_BENCH_DB`` (default ``openedx_badges_bench_events``), dropped
and created.

    .venv/bin/python bench/events.py [--learners 500] [--profile 150] [--bulk 1500]
    BENCH_SCALE=1 .venv/bin/python bench/events.py --memory-only   # only (c), the full 100,000 awards
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import os
import pstats
import re
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

REDIS_HOST = "127.0.0.1"
REDIS_PORT = 6379
BROKER_DB, CACHE_DB = (int(x) for x in os.environ.get("BADGES_BENCH_REDIS_DBS", "9,10").split(","))
BROKER = f"redis://{REDIS_HOST}:{REDIS_PORT}/{BROKER_DB}"
CACHE = f"redis://{REDIS_HOST}:{REDIS_PORT}/{CACHE_DB}"
QUEUE = "openedx_badges_bench_events"
WARM = 30


def reachable(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


# --- the worker --------------------------------------------------------------------------------


class Worker:
    """A ``celery worker --pool=prefork`` on the bench's database, broker and cache (as tests/integration runs it)."""

    def __init__(self, name, concurrency, db_name, log_dir):
        self.hostname = f"{name}@{socket.gethostname()}"
        self.concurrency = concurrency
        self.db_name = db_name
        self.log_path = Path(log_dir) / f"{name}.log"
        self.proc = None

    def start(self, timeout=60):
        # bench/_events_worker.py: tests/integration's worker settings, minus what keeps every award in memory
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="_events_worker", BADGES_DB="mysql",
                   BADGES_MYSQL_DB=self.db_name, BADGES_CELERY_BROKER=BROKER, BADGES_IT_CACHE=CACHE,
                   BADGES_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
                   PYTHONPATH=os.pathsep.join(filter(None, [str(_common.ROOT), str(_common.ROOT / "bench"),
                                                            os.environ.get("PYTHONPATH")])))
        command = [sys.executable, "-m", "celery", "-A", "lms_standin", "worker", "--pool=prefork",
                   f"--concurrency={self.concurrency}", "-Q", QUEUE, "-n", self.hostname,
                   "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(command, cwd=_common.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while f"{self.hostname} ready." not in self.log():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"celery worker did not start:\n{self.log()[-3000:]}")
            time.sleep(0.1)
        return self

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def children(self):
        """The prefork pool's processes (pids), read from /proc."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                    found.append(int(entry.name))
        return found

    def problems(self):
        return [line for line in self.log().splitlines()
                if "Traceback" in line or "ERROR/" in line or "CRITICAL/" in line or "Retry in" in line]

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()


def rss_mb(pid, field="VmRSS"):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- the data ----------------------------------------------------------------------------------


class Scene:
    """The demo course, a badge with a course_passed rule, and learners one answer away from passing."""

    def __init__(self):
        from lms_standin import demo_course
        from openedx_plugin.credentials import issuing
        from openedx_plugin.models import BadgeRule

        self.course = demo_course.create_demo_course()
        self.key = demo_course.COURSE_KEY
        self.issuer = issuing.create_issuer("Bench University", "https://bench.example/", "badges@bench.example",
                                            public_base_url="https://lms.bench.example")
        self.badge = issuing.create_badge_class(
            self.issuer, "Data Basics", "Passed the demo course.", course_key=self.key,
            criteria_narrative="Pass the course.", achievement_type="Course")
        BadgeRule.objects.create(badge_class=self.badge, condition={"kind": "course_passed", "course": self.key})
        self.before = [demo_course.demo_block(name) for name in ("q1", "q2")]
        self.answer = demo_course.demo_block("q3")  # 1 of 2 graded sequentials at 100%, the other 0 -> 1/2 each

    def learners(self, prefix, count):
        """``count`` enrolled learners with full marks on q1 and q2 (grade 0.5, not passing: 0.6 is)."""
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from lms_standin.models import Enrollment, ProblemScore

        _common.make_users(prefix, count)
        users = list(get_user_model().objects.filter(username__startswith=prefix).order_by("pk"))
        now = timezone.now()
        for start in range(0, len(users), 2000):
            chunk = users[start:start + 2000]
            Enrollment.objects.bulk_create([Enrollment(user=u, course=self.course, mode="audit", is_active=True)
                                            for u in chunk])
            ProblemScore.objects.bulk_create([ProblemScore(user=u, block=b, earned=b.max_points,
                                                           possible=b.max_points, modified=now)
                                              for u in chunk for b in self.before])
        return users

    def answer_all(self, users):
        """Every learner answers q3 correctly through the courseware: real signals, one transaction each."""
        from lms_standin import courseware

        for user in users:
            courseware.answer_problem(user, self.answer, self.answer.correct)


def awards_of(prefix):
    from openedx_plugin.models import Award

    return Award.objects.filter(user__username__startswith=prefix)


def wait_awards(prefix, count, worker, timeout):
    deadline = time.monotonic() + timeout
    while awards_of(prefix).count() < count:
        if worker.proc.poll() is not None:
            raise RuntimeError(f"the worker died:\n{worker.log()[-3000:]}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out: {awards_of(prefix).count()} of {count} awards\n{worker.log()[-2000:]}")
        time.sleep(0.2)


def queued(client):
    return client.llen(QUEUE)


def event_rate(scene, procs, learners, db_name, log_dir, client):
    """Awards per second with ``procs`` worker processes, from the awards' own creation times."""
    warm = scene.learners(f"w{procs}_", WARM * procs)
    users = scene.learners(f"r{procs}_", learners)
    t0 = time.perf_counter()
    scene.answer_all(warm + users)  # queued before the worker starts: it meets a full queue
    answering = (time.perf_counter() - t0) / (len(warm) + len(users))
    assert queued(client) == len(warm) + len(users), "one message per answer (four signals folded into one)"
    worker = Worker(f"bench-events-{procs}", procs, db_name, log_dir).start()
    try:
        wait_awards(f"r{procs}_", learners, worker, timeout=max(300, learners))
        problems = worker.problems()
    finally:
        worker.stop()
    if problems:
        raise RuntimeError("the worker logged problems:\n" + "\n".join(problems[:20]))
    created = sorted(awards_of(f"r{procs}_").values_list("created", flat=True))
    span = (created[-1] - created[0]).total_seconds()
    rate = (len(created) - 1) / span
    # celery's own measure of each task's run (its log line "succeeded in <s>"), warm-up left out
    runs = [float(x) for x in re.findall(r"openedx_badges\.evaluate_learner\[[0-9a-f-]+\] succeeded in ([0-9.e-]+)s",
                                         worker.log())][len(warm):]
    task_ms = sum(runs) / len(runs) * 1000 if runs else float("nan")
    return rate, answering, task_ms


def memory_run(scene, count, db_name, log_dir):
    """RSS of the worker's one pool process after warm-up and after ``count`` more event-driven awards."""
    warm = scene.learners("mw_", 200)
    scene.answer_all(warm)
    worker = Worker("bench-events-mem", 1, db_name, log_dir).start()
    try:
        wait_awards("mw_", len(warm), worker, timeout=300)
        [child] = worker.children()
        before = rss_mb(child)
        t0 = time.perf_counter()
        done = 0
        samples = []  # (awards made so far, the pool process's RSS in MB), one per chunk answered
        while done < count:  # fed in chunks while the worker consumes, as a cohort answering would
            chunk = min(5000, count - done)
            users = scene.learners(f"m{done:07d}_", chunk)
            scene.answer_all(users)
            done += chunk
            samples.append((awards_of("m").count() - len(warm), rss_mb(child)))
        wait_awards("m", count + len(warm), worker, timeout=max(600, count))
        elapsed = time.perf_counter() - t0
        after, peak = rss_mb(child), rss_mb(child, "VmHWM")
        samples.append((count, after))
        problems = worker.problems()
        if worker.children() != [child]:
            raise RuntimeError("the pool process was replaced during the run: its memory cannot be compared")
    finally:
        worker.stop()
    if problems:
        raise RuntimeError("the worker logged problems:\n" + "\n".join(problems[:20]))
    return before, after, peak, elapsed, samples


# --- the bulk baseline and the signing floor ------------------------------------------------------


def bulk_rate(scene, count):
    """Awards/s of ``bulk_issue.award_many`` (one process, same database), and the per-award signing floor (ms)."""
    from openedx_plugin.awards import bulk_issue
    from openedx_plugin.credentials import issuing
    from openedx_plugin.engine import fastsign, ob2

    badge = issuing.create_badge_class(scene.issuer, "Bulk Basics", "Awarded in bulk.", course_key=scene.key,
                                       criteria_narrative="Staff award.", achievement_type="Course")
    users = scene.learners("bulk_", count + 50)
    provenance = {"source": "staff", "by": "bench", "reason": "bench"}
    from django.contrib.auth import get_user_model

    warm = get_user_model().objects.filter(pk__in=[u.pk for u in users[:50]])
    bulk_issue.award_many(badge, warm, provenance=provenance)
    t0 = time.perf_counter()
    result = bulk_issue.award_many(badge, get_user_model().objects.filter(pk__in=[u.pk for u in users[50:]]),
                                   provenance=provenance)
    elapsed = time.perf_counter() - t0
    assert result.awarded == count, result
    # the floor: the 3.0 fast path and one RS256 JWS per award, on this run's own awards
    ctx = issuing.SigningContext(badge)
    sample = list(awards_of("bulk_").filter(badge_class=badge).order_by("-id")[:300])
    unsigned = [({k: v for k, v in a.ob3_credential.items() if k != "proof"}, a.ob3_credential["proof"]["created"])
                for a in sample]
    jws_docs = [a.ob2_signed_assertion for a in sample]
    best_fast = best_rsa = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for doc, created in unsigned:
            fastsign.sign(doc, ctx.ed_private, ctx.verification_method, created=created)
        best_fast = min(best_fast, (time.perf_counter() - t0) / len(unsigned) * 1000)
        t0 = time.perf_counter()
        for doc in jws_docs:
            ob2.sign_assertion(doc, ctx.rsa_private)
        best_rsa = min(best_rsa, (time.perf_counter() - t0) / len(jws_docs) * 1000)
    return count / elapsed, best_fast, best_rsa


# --- the profile of one award ---------------------------------------------------------------------


class Timers:
    """Wall time spent in named functions (wrapped in their modules for the profile run), re-entry counted once."""

    def __init__(self):
        self.seconds = defaultdict(float)
        self.calls = defaultdict(int)
        self._active = set()
        self._undo = []

    def wrap(self, module, name, bucket):
        original = getattr(module, name)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            if bucket in self._active:
                return original(*args, **kwargs)
            self._active.add(bucket)
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[bucket] += time.perf_counter() - t0
                self.calls[bucket] += 1
                self._active.discard(bucket)

        setattr(module, name, timed)
        self._undo.append((module, name, original))

    def restore(self):
        for module, name, original in reversed(self._undo):
            setattr(module, name, original)
        self._undo.clear()


def profile_run(scene, count, client):  # noqa: PLR0915
    """One award's parts, in this process, on the same learners' path the worker runs (no worker)."""
    from django.conf import settings

    from lms_standin import platform
    from openedx_plugin import handlers, rules, tasks
    from openedx_plugin.awards import awarding, events, notifications
    from openedx_plugin.credentials import issuing

    users = scene.learners("prof_", 2 * count + 20)
    timers = Timers()
    timers.wrap(handlers, "request_evaluation", "receiver")
    timers.wrap(tasks, "enqueue", "publish")
    timers.wrap(rules, "evaluate", "evaluation")
    timers.wrap(issuing, "award_badge", "award")
    timers.wrap(issuing, "_sign_documents", "signing")
    timers.wrap(awarding, "deliver_announcements", "follow-ups")
    timers.wrap(events, "badge_awarded", "event")
    timers.wrap(notifications, "notify_awarded", "email")
    timers.wrap(awarding, "_backpacks", "pushes")
    timers.wrap(awarding, "evaluate_learner", "task body")
    from django.db import connection

    timers.wrap(connection, "commit", "commit")  # the transactions' COMMIT (the log flush), hooks apart
    triggers = {}
    original_enqueue = tasks.enqueue

    def keep(user_id, course_key, trigger):
        triggers[user_id] = (course_key, trigger)
        return original_enqueue(user_id, course_key, trigger)

    settings.OPENEDX_BADGES_CELERY_QUEUE = QUEUE + "_profile"  # published for real, then deleted: no worker runs it
    tasks.enqueue = keep
    try:
        scene.answer_all(users[:20])  # warm: broker connection, rule index, signing context, templates
        for user in users[:20]:
            awarding.evaluate_learner(user.id, *triggers[user.id])
        timers.seconds.clear()
        timers.calls.clear()
        scene.answer_all(users[20:])
        timers.seconds.pop("commit", None)  # the answers' own commits (the LMS's) are not the award's
        platform.reset_reads()
        for user in users[20:20 + count]:  # timed without the profiler (its overhead would swell every part)
            awarding.evaluate_learner(user.id, *triggers[user.id])
        read_seconds = sum(platform.READ_SECONDS.values())
        reads = platform.reads()
        seconds = dict(timers.seconds)
        profiler = cProfile.Profile()
        profiler.enable()
        for user in users[20 + count:]:  # then where the time goes, function by function
            awarding.evaluate_learner(user.id, *triggers[user.id])
        profiler.disable()
    finally:
        tasks.enqueue = original_enqueue
        timers.restore()
        settings.OPENEDX_BADGES_CELERY_QUEUE = QUEUE
        for key in client.scan_iter(f"*{QUEUE}_profile*"):
            client.delete(key)
    assert awards_of("prof_").count() == 2 * count + 20
    per = {k: v / count * 1000 for k, v in seconds.items()}
    per["reads"] = read_seconds / count * 1000
    return per, {k: v / count for k, v in reads.items()}, profiler


def read_counts():
    """Platform reads per evaluation, by rule kind (the cases of tests/standin/test_read_counts.py)."""
    from tests.standin.read_counts import CASES, measure

    return [(label, measure(case)) for label, case in CASES]


# --- main --------------------------------------------------------------------------------------


def main() -> int:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=500, help="learners per rate run (default 500)")
    parser.add_argument("--profile", type=int, default=150, help="learners in the profile run (default 150)")
    parser.add_argument("--bulk", type=int, default=1500, help="learners of the bulk baseline (default 1500)")
    parser.add_argument("--memory-only", action="store_true",
                        help="only (c), the worker's memory (with BENCH_SCALE=1: the full 100,000 awards)")
    args = parser.parse_args()

    if not reachable(int(os.environ.get("BADGES_MYSQL_PORT", "3306"))) or not reachable(REDIS_PORT):
        print("(g) event-driven awards: skipped, it needs MariaDB on 127.0.0.1:3306 and Redis on 6379")
        return 0
    os.environ.update(BADGES_DB="mysql", BADGES_CELERY_BROKER=BROKER, BADGES_CACHE_REDIS=CACHE,
                      BADGES_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    os.environ.setdefault("BADGES_MYSQL_BENCH_DB", "openedx_badges_bench_events")
    import redis

    for db in (BROKER_DB, CACHE_DB):
        redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db).flushdb()
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=BROKER_DB)
    label = _common.setup_django("events")
    from django.conf import settings

    settings.OPENEDX_BADGES_CELERY_QUEUE = QUEUE
    db_name = settings.DATABASES["default"]["NAME"]
    scale = float(os.environ.get("BENCH_SCALE", "0.015"))
    memory_count = max(1000, int(100_000 * scale))
    log_dir = Path(os.environ.get("TMPDIR", "/tmp"))
    print(f"events: machine {_common.machine()}; database {label} ({db_name}); broker {BROKER}, cache {CACHE}; "
          f"{args.learners:,} learners per rate run")
    print(_common.HEADER)
    scene = Scene()
    if args.memory_only:
        report_memory(scene, memory_count, scale, db_name, log_dir)
        _common.cleanup()
        return 0

    bulk, fast_ms, rsa_ms = bulk_rate(scene, args.bulk)
    floor = 1000 / (fast_ms + rsa_ms)
    per, reads, profiler = profile_run(scene, args.profile, client)
    rates = {}
    task_ms = {}
    for procs in (1, 2):
        rates[procs], answering, task_ms[procs] = event_rate(scene, procs, args.learners, db_name, log_dir, client)
    read_ms = per["reads"]

    one = rates[1]
    adjusted = 1000 / (1000 / one - read_ms)
    _common.row("(g) event-driven, 1 worker process (awards/s/process)", one, bulk, one / bulk, "reported", "-")
    _common.row("(g)   same, stand-in reads taken out", adjusted, bulk, adjusted / bulk, ">= 0.4x bulk",
                adjusted / bulk >= 0.4)
    two = rates[2] / 2
    adjusted2 = 1000 / (1000 / two - read_ms)
    _common.row("(g) event-driven, 2 worker processes (awards/s/process)", two, bulk, two / bulk, "reported", "-")
    _common.row("(g)   same, stand-in reads taken out", adjusted2, bulk, adjusted2 / bulk, ">= 0.4x bulk",
                adjusted2 / bulk >= 0.4)
    _common.row("(b) bulk award on MariaDB vs its signing floor (awards/s)", bulk, floor, bulk / floor,
                ">= 0.7x floor", bulk / floor >= 0.7)
    print(f"    {args.bulk:,} bulk awards in one process; floor = 1 / (3.0 fast path {fast_ms:.3f} ms + RS256 JWS "
          f"{rsa_ms:.3f} ms) = {floor:,.0f}/s. Event rates from the awards' creation times (the worker starts on a "
          f"full queue, after {WARM} warm-up awards per process); 2 processes: {rates[2]:,.0f} awards/s in all. "
          f"Answering (courseware + signals + receivers + publish, in this process): {answering * 1000:.2f} ms "
          f"per learner", flush=True)

    worker_ms = 1000 / one
    body = per["task body"]
    evaluation = per["evaluation"] - per["reads"]  # after warm-up every read happens inside the rules
    parts = [
        ("receiver (inside the LMS's transaction; the answer's 4 signals)", per["receiver"]),
        ("publish to Redis (on the LMS's commit)", per["publish"]),
        ("broker delivery + task start + ack (worker per award - celery's task run)", worker_ms - task_ms[1]),
        ("platform reads (stand-in; reported apart)", per["reads"]),
        ("evaluation (rules, without the reads)", evaluation),
        # award_badge's transaction is the outermost one: its COMMIT is inside the award's time
        ("award: current award, documents, insert", per["award"] - per["signing"] - per.get("commit", 0.0)),
        ("  signing (3.0 fast path + 2.0 RS256 JWS)", per["signing"]),
        ("  COMMIT of the award (the database's log flush)", per.get("commit", 0.0)),
        ("follow-ups (claim, event, email, pushes, marked sent)", per["follow-ups"]),
        ("    of which BADGE_AWARDED (openedx-event + tracking log)", per.get("event", 0.0)),
        ("    of which the email", per.get("email", 0.0)),
        ("    of which backpack pushes (asking which providers push)", per.get("pushes", 0.0)),
        ("bookkeeping (user, held badges, rules, unsent follow-ups, slot reservations)",
         body - per["evaluation"] - per["award"] - per["follow-ups"]),
    ]
    print(f"    profile of one award, ms (the task body's parts measured in this process over {args.profile} "
          "learners, on the same database; the worker's figures from the 1-process run):")
    for name, value in parts:
        print(f"      {name:<70} {value:7.3f}")
    print(f"      {'task body in this process (sum of the parts from platform reads on)':<70} {body:7.3f}")
    print(f"      {'task run in the worker (celery: succeeded in)':<70} {task_ms[1]:7.3f}")
    print(f"      {'worker time per award (1 process)':<70} {worker_ms:7.3f}")
    reads_line = ", ".join(f"{k} {v:.2f}" for k, v in sorted(reads.items())) or "none"
    print(f"    platform reads per evaluation on this path (course_passed): {reads_line}", flush=True)
    stats = pstats.Stats(profiler)
    own = sorted(((v[2], f"{Path(k[0]).name}:{k[2]}") for k, v in stats.stats.items()), reverse=True)[:8]
    print("    own time, top functions of the task body (cProfile, ms per award): "
          + "; ".join(f"{name} {sec / args.profile * 1000:.2f}" for sec, name in own), flush=True)

    print("    platform reads per evaluation, by rule kind (stand-in counters; target: at most one of each kind "
          "the rule needs, none when the signal carries it, none for rules the signal does not concern):")
    for case_label, counted in read_counts():
        shown = ", ".join(f"{k} {v}" for k, v in sorted(counted.items())) or "none"
        print(f"      {case_label:<70} {shown}")

    report_memory(scene, memory_count, scale, db_name, log_dir)
    _common.cleanup()
    return 0


def report_memory(scene, memory_count, scale, db_name, log_dir):
    """Run (c), the worker's memory after many event-driven awards, and print its row and samples."""
    before, after, peak, elapsed, samples = memory_run(scene, memory_count, db_name, log_dir)
    _common.row(f"(c) worker process after {memory_count:,} event awards: RSS growth (MB)", after - before, before,
                f"{memory_count / elapsed:.0f}/s", "< 50 MB", after - before < 50)
    note = ("" if memory_count >= 100_000 else
            f"BENCH_SCALE={scale}: {memory_count:,} of 100,000 awards; BENCH_SCALE=1 runs the full 100,000. ")
    print(f"    {note}Baseline column: the pool process's RSS after 200 warm-up awards (MB); peak (VmHWM) "
          f"{peak:.1f} MB; {elapsed:.0f} s including answering", flush=True)
    print("    RSS (MB) as the awards went on: " + ", ".join(f"{n:,}: {mb:.1f}" for n, mb in samples), flush=True)


if __name__ == "__main__":
    sys.exit(main())
