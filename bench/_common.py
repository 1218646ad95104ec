"""Shared by the bench scripts: a Django set-up on a throw-away database, and the table format."""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup_django(name: str, keep_db: bool = False) -> str:
    """Django with the test host's settings, on a fresh SQLite file (or MariaDB with BADGES_DB=mysql)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms_standin.settings.test")
    import django
    from django.conf import settings

    if os.environ.get("BADGES_DB") == "mysql":
        settings.DATABASES["default"]["NAME"] = os.environ.get("BADGES_MYSQL_BENCH_DB", "openedx_badges_bench")
        label = "MariaDB"
    else:
        existing = os.environ.get("BENCH_DB_PATH") if keep_db else None
        fresh = Path(tempfile.gettempdir()) / f"openedx_badges_bench_{name}_{os.getpid()}.sqlite3"
        path = Path(existing) if existing else fresh
        if path.exists() and not existing:
            path.unlink()
        settings.DATABASES["default"]["NAME"] = str(path)
        label = "SQLite (file)"
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    django.setup()
    from django.core.management import call_command

    if keep_db and os.environ.get("BENCH_DB_PATH"):
        return label

    if os.environ.get("BADGES_DB") == "mysql":
        import MySQLdb

        db = settings.DATABASES["default"]
        conn = MySQLdb.connect(host=db["HOST"], port=int(db["PORT"]), user=db["USER"], passwd=db["PASSWORD"])
        cur = conn.cursor()
        cur.execute(f"DROP DATABASE IF EXISTS `{db['NAME']}`")
        cur.execute(f"CREATE DATABASE `{db['NAME']}` CHARACTER SET utf8mb4")
        conn.close()
    call_command("migrate", verbosity=0, interactive=False)
    return label


def cleanup():
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    name = settings.DATABASES["default"]["NAME"]
    if os.environ.get("BADGES_DB") != "mysql" and name and Path(name).exists():
        Path(name).unlink()


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} CPUs, {cpu_model()}, Python {platform.python_version()}, load {load:.1f}"


HEADER = f"{'figure':<52} | {'value':>14} | {'baseline':>14} | {'ratio':>7} | {'target':<18} | met?"


def row(figure, value, baseline, ratio, target, met):  # noqa: PLR0917
    def fmt(v):
        return v if isinstance(v, str) else f"{v:,.2f}" if isinstance(v, float) and v < 100 else f"{v:,.0f}"

    ratio_s = ratio if isinstance(ratio, str) else f"{ratio:.2f}x"
    met_s = met if isinstance(met, str) else ("yes" if met else "NO")
    print(f"{figure:<52} | {fmt(value):>14} | {fmt(baseline):>14} | {ratio_s:>7} | {target:<18} | {met_s}", flush=True)


def make_issuer_and_badge():
    from openedx_plugin.credentials import issuing

    issuer = issuing.create_issuer("Bench University", "https://bench.example/", "badges@bench.example",
                                   public_base_url="https://lms.bench.example")
    badge = issuing.create_badge_class(
        issuer, "Python Basics", "Completed the Python Basics course.", course_key="course-v1:Bench+PY101+2026",
        criteria_narrative="Pass every graded unit.", achievement_type="Course",
        alignments=[{"type": ["Alignment"], "targetName": "Programming", "targetUrl": "https://skills.example/p"}],
        tags=["python"], validity_days=365,
    )
    return issuer, badge


def make_users(prefix: str, count: int, chunk: int = 5000):
    """``count`` users, created in chunks (bulk_create), without holding them all."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    for start in range(0, count, chunk):
        User.objects.bulk_create(
            [User(username=f"{prefix}{i:07d}", email=f"{prefix}{i:07d}@example.com", password="!")
             for i in range(start, min(count, start + chunk))], batch_size=chunk)
