"""Shared fixtures: an issuer, a badge class and learners made through the plugin's own API."""

import pytest

from tests.ci import in_ci


def pytest_report_header(config):
    """Say up front whether a missing service or tool will fail this run or skip its tests."""
    if in_ci():
        return "CI run (tests/ci.py): a missing service or tool fails its tests"
    return "not a CI run (tests/ci.py): tests whose service or tool is missing are skipped"


@pytest.fixture(scope="session", autouse=True)
def _live_server_one_request_at_a_time():
    """
    The live server (browser, accessibility and DCC wallet tests) answers one request at a
    time, while still accepting connections in threads.

    With SQLite in memory, every live-server thread shares the test's one database
    connection (pytest-django's ``connections_override``), and Django's docs warn that two
    threads querying through it at once can fail at random. A browser, or the DCC wallet's
    verifier fetching a status list and a DID document together, does send requests at
    once: one run answered a status list with ``sqlite3.InterfaceError: bad parameter or
    other API misuse``. So the WSGI application is called under one lock, and its response
    read into memory under it too (responses here are small).
    """
    import threading  # pylint: disable=import-outside-toplevel

    from django.core.servers.basehttp import ThreadedWSGIServer  # pylint: disable=import-outside-toplevel
    from django.test.testcases import LiveServerThread  # pylint: disable=import-outside-toplevel

    lock = threading.Lock()

    class OneRequestAtATime(ThreadedWSGIServer):
        def get_app(self):
            app = super().get_app()

            def serialised(environ, start_response):
                with lock:
                    response = app(environ, start_response)
                    try:
                        return [b"".join(response)]
                    finally:
                        if hasattr(response, "close"):
                            response.close()

            return serialised

    original = LiveServerThread.server_class
    LiveServerThread.server_class = OneRequestAtATime
    yield
    LiveServerThread.server_class = original


@pytest.fixture
def issuer(db):
    from openedx_plugin.credentials import issuing

    return issuing.create_issuer("Test Academy", "https://academy.example/", "badges@academy.example",
                                 description="Issues test badges.", public_base_url="https://lms.example.com")


@pytest.fixture
def badge_class(issuer):
    from openedx_plugin.credentials import issuing

    return issuing.create_badge_class(
        issuer, "Data Wrangler", "Cleans messy data.", course_key="course-v1:TestX+DW101+2026",
        criteria_narrative="Score 80% or more on the final project.", achievement_type="Competency",
        alignments=[{"type": ["Alignment"], "targetName": "Data cleaning", "targetUrl": "https://skills.example/dc",
                     "targetFramework": "Example Skills", "targetCode": "DC1"}],
        tags=["data"], level="Intermediate", validity_days=365,
    )


@pytest.fixture
def learner(db, django_user_model):
    return django_user_model.objects.create_user("learner", "Learner@Example.com", "pw")


@pytest.fixture
def other_learner(db, django_user_model):
    return django_user_model.objects.create_user("other", "other@example.com", "pw")


@pytest.fixture
def platform(settings):
    """The fake platform of tests/fake_platform.py, empty, in place of the host's."""
    from tests import fake_platform

    fake_platform.reset()
    settings.OPENEDX_BADGES_PLATFORM_STANDIN = "tests.fake_platform"
    yield fake_platform
    fake_platform.reset()


@pytest.fixture(autouse=True)
def _fresh_rule_index():
    """Each test starts from a cold index: a rolled-back test must not leave its rules cached."""
    from django.core.cache import cache

    from openedx_plugin.awards import awarding, rule_index
    from openedx_plugin.credentials import issuing

    cache.clear()
    rule_index.forget()
    awarding.forget_block_names()  # and the per-process memories of the award path: names, reserved slots
    issuing.forget_reserved_slots()
    yield


# --- the stand-in LMS's demo course (tests/integration overrides ``course`` to commit it) ---------


@pytest.fixture
def course(db):
    from lms_standin.demo_course import create_demo_course  # pylint: disable=import-outside-toplevel

    return create_demo_course()


@pytest.fixture
def block(course):
    """block("q1") -> the demo course's CourseBlock with that block id."""
    from lms_standin.demo_course import demo_block  # pylint: disable=import-outside-toplevel

    return demo_block


@pytest.fixture
def student(course, django_user_model):
    """A learner enrolled as verified in the demo course, so passing earns a certificate."""
    from lms_standin.courseware import enroll  # pylint: disable=import-outside-toplevel

    user = django_user_model.objects.create_user("ada", "ada@example.com", "pw", first_name="Ada",
                                                 last_name="Lovelace")
    enroll(user, course, mode="verified")
    return user
