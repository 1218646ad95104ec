"""Fixtures of the stand-in courseware tests: a learner enrolled or not, and signal recorders
(the demo course and its blocks come from tests/conftest.py)."""

import pytest


@pytest.fixture
def student(db, django_user_model):
    return django_user_model.objects.create_user("ada", "ada@example.com", "pw", first_name="Ada",
                                                 last_name="Lovelace")


@pytest.fixture
def enrolled(student, course):
    from lms_standin.courseware import enroll

    enroll(student, course, mode="verified")
    return student


class Recorder(list):
    """(signal name, kwargs) in the order sent."""

    def names(self):
        return [name for name, _ in self]

    def only(self, name):
        return [kwargs for sent_name, kwargs in self if sent_name == name]


@pytest.fixture
def recorder():
    """
    Records every signal the stand-in LMS sends, in order: the platform's
    Django signals, the openedx-events, and BlockCompletion's post_save.
    """
    from completion.models import BlockCompletion
    from django.db.models.signals import post_save
    from openedx_events.learning import signals as events

    from lms_standin import platform

    sent, connected = Recorder(), []

    def listen(name, signal, sender=None):
        def receiver(**kwargs):
            sent.append((name, kwargs))
        signal.connect(receiver, sender=sender, weak=False)
        connected.append((signal, receiver, sender))

    for name in ("PROBLEM_WEIGHTED_SCORE_CHANGED", "SUBSECTION_SCORE_CHANGED", "COURSE_GRADE_PASSED_FIRST_TIME",
                 "COURSE_GRADE_NOW_PASSED", "COURSE_GRADE_NOW_FAILED"):
        listen(name, getattr(platform, name))
    for name in ("PERSISTENT_GRADE_SUMMARY_CHANGED", "COURSE_PASSING_STATUS_UPDATED", "CERTIFICATE_CREATED",
                 "CERTIFICATE_REVOKED", "COURSE_ENROLLMENT_CREATED"):
        listen(name, getattr(events, name))
    listen("post_save:BlockCompletion", post_save, sender=BlockCompletion)
    yield sent
    for signal, receiver, sender in connected:
        signal.disconnect(receiver, sender=sender)
