"""
The plugin's settings as the platform loads them (issue 19, items 4 and 9).

- Celery: the LMS and Studio call ``config_from_object('django.conf:settings')`` with no
  namespace (openedx/core/lib/celery/__init__.py), so only old-style names such as
  ``CELERYBEAT_SCHEDULE`` are read.
- YAML: lms/envs/production.py turns every YAML key into a Django setting after the
  plugins' common settings and before their production settings (``add_plugins``).
"""

from types import SimpleNamespace

from celery import Celery

from openedx_plugin.settings import common, production

BEAT_TASKS = {"openedx_badges.sweep_pending", "openedx_badges.requeue_pushes", "openedx_badges.notify_expiring"}


def lms_celery_app(host):
    """A celery app configured as openedx/core/lib/celery/__init__.py configures the LMS's."""
    app = Celery("proj", set_as_current=False)
    app.config_from_object(host)
    return app


def test_the_lms_celery_app_runs_the_plugins_beat_entries():
    host = SimpleNamespace(CELERYBEAT_SCHEDULE={"refresh-saml-metadata": {"task": "tpa.fetch", "schedule": 3600}})
    common.plugin_settings(host)
    scheduled = {entry["task"] for entry in lms_celery_app(host).conf.beat_schedule.values()}
    assert BEAT_TASKS <= scheduled
    assert "tpa.fetch" in scheduled  # the platform's own entries stay


def test_the_plugin_writes_no_name_the_lms_would_ignore():
    host = SimpleNamespace()
    common.plugin_settings(host)
    assert not hasattr(host, "CELERY_BEAT_SCHEDULE")


def test_the_stand_in_celery_app_is_configured_as_the_lms_configures_it(settings):
    """No CELERY namespace: the test host's CELERYBEAT_SCHEDULE and CELERY_ALWAYS_EAGER are what it reads."""
    from lms_standin.celery import app

    assert app.namespace is None  # config_from_object('django.conf:settings'), as the LMS
    assert {entry["task"] for entry in app.conf.beat_schedule.values()} >= BEAT_TASKS
    assert app.conf.task_always_eager is True
    assert not hasattr(settings, "CELERY_TASK_ALWAYS_EAGER") or settings.CELERY_TASK_ALWAYS_EAGER is not None


def yaml_loaded_host(yaml):
    """common plugin settings, then the YAML keys as settings, then production plugin settings."""
    host = SimpleNamespace()
    common.plugin_settings(host)
    for name, value in yaml.items():
        setattr(host, name, value)
    host.ENV_TOKENS = {}  # deprecated alias; nothing may depend on it
    production.plugin_settings(host)
    return host


def test_every_openedx_badges_setting_is_taken_from_yaml():
    defaults = SimpleNamespace()
    common.plugin_settings(defaults)
    names = [name for name in vars(defaults) if name.startswith("OPENEDX_BADGES_")]
    assert len(names) >= 20  # rate limits, backpacks, caches, bulk awards ... all of them
    yaml = {name: f"from-yaml-{name}" for name in names}
    host = yaml_loaded_host(yaml)
    for name in names:
        assert getattr(host, name) == f"from-yaml-{name}", name


def test_a_stale_env_tokens_value_does_not_override_the_setting():
    host = SimpleNamespace(ENV_TOKENS={"OPENEDX_BADGES_NOTIFY_LEARNERS": True})
    common.plugin_settings(host)
    host.OPENEDX_BADGES_NOTIFY_LEARNERS = False  # the YAML value, already a setting
    production.plugin_settings(host)
    assert host.OPENEDX_BADGES_NOTIFY_LEARNERS is False


def test_a_partial_rate_limit_dict_keeps_the_other_defaults():
    host = yaml_loaded_host({"OPENEDX_BADGES_RATE_LIMITS": {"verify": "30/m"}})
    assert host.OPENEDX_BADGES_RATE_LIMITS == {"verify": "30/m", "push": "10/m"}
    host = yaml_loaded_host({"OPENEDX_BADGES_RATE_LIMITS": {"push": None}})
    assert host.OPENEDX_BADGES_RATE_LIMITS == {"verify": "120/m", "push": None}  # None: no limit, as documented


def test_production_requires_real_encryption_keys():
    assert yaml_loaded_host({}).OPENEDX_BADGES_REQUIRE_ENCRYPTION_KEYS is True
