"""
The integration tests' broker switch (tests/integration/support.use_broker), on the
platform's celery (5.6 for Ulmo and Verawood) as well as the newest.

Under celery 5.6 a run-time ``app.conf.broker_url = url`` did not take for an app configured
from Django settings with ``namespace="CELERY"``: the settings' own ``CELERY_BROKER_URL`` was
found first, so the test process kept sending (tasks and worker pings) to the empty default
broker, amqp://localhost, and the pings never answered. These checks need no broker: they
read where the app would connect.
"""

import celery
import pytest
from celery import Celery

from tests.integration.support import set_conf, setting_names, use_broker

URL = "redis://127.0.0.1:6379/5"


def _where(connection):
    """Transport, host, port and database of a kombu connection (its URI's spelling varies by kombu)."""
    return connection.transport_cls, connection.hostname, connection.port, str(connection.virtual_host)


def _of(url):
    from kombu import Connection  # pylint: disable=import-outside-toplevel

    return _where(Connection(url))


class StandInSettings:
    """What the stand-in's Django settings hold before the integration tests switch brokers."""

    CELERY_BROKER_URL = ""
    CELERY_TASK_ALWAYS_EAGER = True


class LmsSettings:
    """The LMS's spelling: celery configured without a namespace reads the old names."""

    BROKER_URL = ""
    CELERY_ALWAYS_EAGER = True


@pytest.fixture(params=[("CELERY", StandInSettings), (None, LmsSettings)], ids=["namespace-CELERY", "no-namespace"])
def app(request):
    namespace, settings = request.param
    application = Celery(f"switch-{namespace}", set_as_current=False)
    application.config_from_object(settings, namespace=namespace)
    assert application.conf.broker_url in ("", None)
    return application


def test_switch_reaches_the_connection(app):
    use_broker(app, URL)
    assert app.conf.broker_url == URL
    with app.connection_for_write() as connection:
        assert _where(connection) == _of(URL)
    with app.pool.acquire() as connection:  # what apply_async and control.ping use
        assert _where(connection) == _of(URL)


def test_switch_back_and_forth(app):
    other = "redis://127.0.0.1:6379/7"
    use_broker(app, URL)
    use_broker(app, other)
    with app.pool.acquire() as connection:
        assert _where(connection) == _of(other)
    use_broker(app, URL)
    with app.pool.acquire() as connection:
        assert _where(connection) == _of(URL)


def test_names_follow_the_namespace(app):
    names = setting_names(app, "broker_url")
    assert "broker_url" in names
    assert ("CELERY_BROKER_URL" in names) == (app.namespace == "CELERY")


def test_eager_off_takes(app):
    """The integration tests send to a real worker: turning eager mode off must hold."""
    assert app.conf.task_always_eager is True
    set_conf(app, "task_always_eager", False)
    assert app.conf.task_always_eager is False
    set_conf(app, "task_always_eager", True)
    assert app.conf.task_always_eager is True


def test_runs_on_a_celery_the_platform_pins_or_newer():
    """The platform's Ulmo and Verawood pins are celery 5.6.x; the suite must not require more."""
    major, minor = (int(part) for part in celery.__version__.split(".")[:2])
    assert (major, minor) >= (5, 6)
