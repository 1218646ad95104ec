"""
xblock-sdk's workbench settings, with the plugin installed as a block developer would install it.

The workbench's own settings (its ``djpyfs`` app and the ``lazy`` module come with
``XBlock[django]``, which xblock-sdk does not pull in); the plugin's Django app and its
settings (through edx-django-utils, as the LMS adds them); an in-memory database. No stand-in LMS: ``compat`` finds neither
the platform nor ``OPENEDX_BADGES_PLATFORM_STANDIN``.
"""

from edx_django_utils.plugins import add_plugins
from workbench.settings import *  # noqa: F403  # pylint: disable=wildcard-import,unused-wildcard-import
from workbench.settings import INSTALLED_APPS, WORKBENCH

INSTALLED_APPS = [*INSTALLED_APPS, "openedx_plugin.apps.OpenBadgesConfig"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
LOGGING = {"version": 1, "disable_existing_loggers": False}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The plugin's public documents are served from its URLs; the host mounts them (urls.py here).
ROOT_URLCONF = "tests.xblock.workbench.urls"
LMS_ROOT_URL = "http://127.0.0.1:8000"
USE_TZ = True
WORKBENCH = dict(WORKBENCH, reset_state_on_restart=False)

add_plugins(__name__, "lms.djangoapp", "common")
add_plugins(__name__, "lms.djangoapp", "test")
