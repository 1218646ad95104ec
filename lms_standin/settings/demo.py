"""The demo: the stand-in LMS on a SQLite file under var/."""

from edx_django_utils.plugins import add_plugins

from .base import *  # noqa: F403  # pylint: disable=wildcard-import,unused-wildcard-import
from .base import PROJECT_TYPE, VAR_DIR, database

DEBUG = True
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": database(str(VAR_DIR / "demo.sqlite3"))}

add_plugins(__name__, PROJECT_TYPE, "common")
