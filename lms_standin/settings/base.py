"""
Settings shared by the demo and the test host.

The plugin is never named here: like the LMS, this host discovers it through
its ``lms.djangoapp`` entry point and lets it add its own settings, URLs and
signal receivers through edx-django-utils.
"""

import os
from pathlib import Path

from edx_django_utils.plugins import get_plugin_apps

PROJECT_TYPE = "lms.djangoapp"
BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("BADGES_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "stand-in-lms-not-a-secret")
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
LMS_ROOT_URL = os.environ.get("LMS_ROOT_URL", "http://127.0.0.1:8000")
OPENEDX_BADGES_PLATFORM_STANDIN = "lms_standin.platform"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Waffle switches, as in the LMS: edx-completion's completion.enable_completion_tracking.
    "waffle",
    # The tracking log, as in the LMS: edx-completion emits an event on every completion.
    "eventtracking.django.apps.EventTrackingConfig",
    # The event bus's producing handler, as in the LMS (EVENT_BUS_PRODUCER_CONFIG).
    "openedx_events",
    # Content tagging, as in the LMS and Studio: the real openedx_tagging app of openedx-core
    # (the package the platform pins), with its taxonomies, tags, object tags and import.
    "openedx_tagging",
    "lms_standin.apps.StandInLmsConfig",
    # Plugin apps by their lms.djangoapp entry points, as the LMS finds them: the badge
    # plugin, and the platform's real completion app (edx-completion, BlockCompletion).
] + get_plugin_apps(PROJECT_TYPE)

MIDDLEWARE = [
    # The LMS's request cache, emptied per request (edx-toggles caches waffle switches in it).
    "edx_django_utils.cache.middleware.RequestCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "lms_standin.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]


def database(name):
    """SQLite by default; MariaDB/MySQL when BADGES_DB=mysql (as in CI's integration run)."""
    if os.environ.get("BADGES_DB") == "mysql":
        return {
            "ENGINE": "django.db.backends.mysql",
            "NAME": os.environ.get("BADGES_MYSQL_DB", "openedx_badges"),
            "USER": os.environ.get("BADGES_MYSQL_USER", "root"),
            "PASSWORD": os.environ.get("BADGES_MYSQL_PASSWORD", ""),
            "HOST": os.environ.get("BADGES_MYSQL_HOST", "127.0.0.1"),
            "PORT": os.environ.get("BADGES_MYSQL_PORT", "3306"),
            "OPTIONS": {"charset": "utf8mb4"},
            "TEST": {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"},
        }
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": name}


USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = True
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español"), ("fr", "Français"), ("ar", "العربية")]
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "/admin/login/"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Celery as the LMS configures it: config_from_object('django.conf:settings') with no
# namespace (openedx/core/lib/celery/__init__.py), so only celery's old-style names are
# read, as lms/envs/production.py writes them (BROKER_URL, CELERYD_PREFETCH_MULTIPLIER,
# CELERYBEAT_SCHEDULE, ...); a CELERY_BEAT_SCHEDULE or CELERY_TASK_* name is ignored here
# exactly as in the LMS. With no broker (a newcomer's machine, the demo) tasks run
# in-process when queued (after commit); integration tests and CI set a Redis broker and
# run a real worker.
BROKER_URL = os.environ.get("BADGES_CELERY_BROKER", "")
CELERY_ALWAYS_EAGER = not BROKER_URL
BROKER_CONNECTION_TIMEOUT = 2
BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_ACKS_LATE = True
CELERYD_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_BACKEND = None
CELERY_IGNORE_RESULT = True
# The tracking-log events (edx-completion's "edx.completion.block_completion.changed", ...)
# go nowhere in the stand-in: the LMS sends them to its tracking log and Segment.
EVENT_TRACKING_ENABLED = True
EVENT_TRACKING_BACKENDS = {}
EMAIL_BACKEND = os.environ.get("BADGES_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = "badges@stand-in-lms.invalid"
PLATFORM_NAME = "Stand-in LMS"
FORMS_URLFIELD_ASSUME_HTTPS = True

# A shared cache, so that every process (web, celery workers) sees the same rule-index
# version: set BADGES_CACHE_REDIS=redis://127.0.0.1:6379/1 when running real workers.
if os.environ.get("BADGES_CACHE_REDIS"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["BADGES_CACHE_REDIS"]}}
# Redis redelivers an unacknowledged task (late acks) after this many seconds.
BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": float(os.environ.get("BADGES_CELERY_VISIBILITY_TIMEOUT", "3600")),
}
