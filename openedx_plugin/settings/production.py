"""
Production settings: refuse unsafe defaults.

The platform's production settings (``lms/envs/production.py``, ``cms/envs/production.py``)
turn every key of the operator's YAML file into a Django setting *before* plugins'
production settings run, so ``OPENEDX_BADGES_*`` keys from YAML or Tutor config are
already in place here: nothing is read from ``ENV_TOKENS`` (a deprecated alias of the
YAML tokens). A YAML dict replaces the default dict whole, so the dict settings are
completed here with the defaults the operator left out (e.g. only ``verify`` given in
``OPENEDX_BADGES_RATE_LIMITS`` keeps the default ``push`` limit).
"""

from ..visibility.settings import visibility_settings
from . import common


def plugin_settings(settings):
    """Fill in the dict settings' missing keys and require real encryption keys."""
    for name, default in common.DICT_DEFAULTS.items():
        value = getattr(settings, name, None)
        if isinstance(value, dict):
            setattr(settings, name, {**default, **value})
    settings.OPENEDX_BADGES_REQUIRE_ENCRYPTION_KEYS = True
    # Issue 21: OPENEDX_BADGES_BUNDLE_DIR from YAML is in place only now (common ran before the YAML).
    common.add_bundle_refresh(settings)
    visibility_settings(settings)  # the YAML may have switched the event bus on
