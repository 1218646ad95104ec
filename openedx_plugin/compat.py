"""
The one place that touches Open edX platform code.

Every import of ``lms``, ``openedx`` or ``common`` modules happens lazily inside
a function here, so the package imports, and its tests run, without the
platform; tests replace these functions at this boundary only.
"""

import importlib
import logging

from django.dispatch import Signal

log = logging.getLogger(__name__)

# Signals the platform defines, by dotted path. ``signals_config`` names them as
# ``openedx_plugin.compat.<NAME>`` so that start-up resolves them through
# ``__getattr__`` below: the platform's signal inside the LMS, a local stand-in
# elsewhere (the demo LMS and tests send the stand-in the same way).
PLATFORM_SIGNALS = {
    "USER_RETIRE_LMS_MISC": "openedx.core.djangoapps.user_api.accounts.signals.USER_RETIRE_LMS_MISC",
}
_STAND_INS = {}


def _import_attr(path):
    module_path, _, attr = path.rpartition(".")
    return getattr(importlib.import_module(module_path), attr)


def get_platform_signal(name):
    """Return the platform's signal ``name``, or this process's stand-in for it."""
    try:
        return _import_attr(PLATFORM_SIGNALS[name])
    except ImportError:
        return _STAND_INS.setdefault(name, Signal())


def __getattr__(name):
    if name in PLATFORM_SIGNALS:
        return get_platform_signal(name)
    raise AttributeError(name)


def lms_root_url():
    """The LMS's public origin, from settings (``LMS_ROOT_URL`` in the platform)."""
    from django.conf import settings  # pylint: disable=import-outside-toplevel

    return (getattr(settings, "LMS_ROOT_URL", "") or "").rstrip("/")
