"""The demo: the stand-in LMS on a SQLite file under var/."""

from .base import *  # pylint: disable=wildcard-import,unused-wildcard-import
from .base import PROJECT_TYPE, VAR_DIR, add_plugins, database

DEBUG = True
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": database(str(VAR_DIR / "demo.sqlite3"))}

add_plugins(__name__, PROJECT_TYPE, "common")
