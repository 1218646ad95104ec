"""
Each trigger awards end to end: a learner acts in the stand-in LMS, the real
signals reach the plugin's receivers, the evaluation goes through Redis to a
real prefork worker, and the award it makes on MariaDB is the only one.
"""

import pytest

from lms_standin import courseware
from lms_standin.demo_course import COURSE_KEY, usage_key
from openedx_plugin import api
from openedx_plugin.credentials import verification
from openedx_plugin.engine import statuslist
from openedx_plugin.models import Award, PendingEvaluation

from .support import requires_mariadb, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), requires_mariadb]

GRADE_EVENTS = {"COURSE_PASSING_STATUS_UPDATED", "PERSISTENT_GRADE_SUMMARY_CHANGED", "COURSE_GRADE_PASSED"}
SCORE_EVENTS = {"PROBLEM_WEIGHTED_SCORE_CHANGED", "SUBSECTION_SCORE_CHANGED"}
# The demo course's right answers.
CORRECT = {"q1": 0, "q2": 1, "q3": 2, "q4": 0}


def held(user):
    """Badge names the learner holds, one entry per award (duplicates would show)."""
    return sorted(Award.objects.filter(user=user).values_list("badge_class__name", flat=True))


def answer(user, block, *block_ids):
    for block_id in block_ids:
        courseware.answer_problem(user, block(block_id), CORRECT[block_id])


def badge(name, rule):
    return api.save_badge(COURSE_KEY, {"name": name, "description": f"{name}, for the integration tests.",
                                       "criteria_narrative": "As the rule says."}, rule=rule)


@pytest.mark.usefixtures("issuer")
def test_problem_score_awards_the_assessment_badge(student, block, live):
    # the only rule of the course reads a score, so only score events queue evaluations
    badge("Reader", {"kind": "score", "course": COURSE_KEY, "block": usage_key("sequential", "seq-basics"),
                     "min_points": 2})
    mark = live.worker.mark()
    answer(student, block, "q1")
    live.drain()
    assert held(student) == []  # one point of two
    answer(student, block, "q2")
    wait_for(lambda: held(student), "the assessment badge")
    live.drain()
    assert held(student) == ["Reader"]
    award = Award.objects.get(user=student)
    assert award.provenance["trigger"]["event"] in SCORE_EVENTS
    assert award.provenance["scores"][0]["earned"] == 2
    assert award.evidence[0]["name"] == "Homework: reading data"
    assert verification.verify_award(award).ok
    assert live.worker.succeeded(mark) >= 2 and not live.worker.problems(mark)


def test_passing_the_course_awards_its_badge_and_completes_the_pathway(demo_badges, student, block, live):
    mark = live.worker.mark()
    answer(student, block, "q1", "q2")
    wait_for(lambda: held(student), "the assessment badge")
    live.drain()
    assert held(student) == ["Data Reader"]  # one part of the pathway: no pathway yet

    answer(student, block, "q3", "q4")  # 100%: passed, and the pathway's last part
    wait_for(lambda: len(held(student)) == 3, "the course badge and the pathway")
    live.drain()
    assert held(student) == ["Data Analyst", "Data Pathway", "Data Reader"]
    analyst = Award.objects.get(user=student, badge_class__uuid=demo_badges["analyst"])
    pathway = Award.objects.get(user=student, badge_class__uuid=demo_badges["pathway"])
    assert analyst.provenance["trigger"]["event"] in GRADE_EVENTS | SCORE_EVENTS
    assert analyst.result[0]["value"] in ("75", "100")  # the grade when the worker read it: after q3 or q4
    # no event names a pathway: the evaluation that made its last part went on to make it
    assert pathway.provenance["trigger"]["event"] in GRADE_EVENTS | SCORE_EVENTS
    assert pathway.issued_on >= analyst.issued_on
    assert not PendingEvaluation.objects.exists()
    assert live.worker.succeeded(mark) and not live.worker.problems(mark)


@pytest.mark.usefixtures("issuer")
def test_completing_units_awards_the_units_badge(student, block, live):
    units = [usage_key("html", "welcome"), usage_key("problem", "q1")]
    badge("Explorer", {"kind": "units_completed", "course": COURSE_KEY, "blocks": units})
    mark = live.worker.mark()
    courseware.view_block(student, block("welcome"))
    live.drain()
    assert held(student) == []  # one of two units
    courseware.answer_problem(student, block("q1"), 2)  # a wrong answer still completes the unit
    wait_for(lambda: held(student), "the units badge")
    live.drain()
    assert held(student) == ["Explorer"]
    assert Award.objects.get().provenance["trigger"]["event"] == "BLOCK_COMPLETION"
    assert live.worker.succeeded(mark) and not live.worker.problems(mark)


def earn_certificate_badge(student, block):
    badge("Certified", {"kind": "certificate", "course": COURSE_KEY})
    answer(student, block, "q1", "q2", "q3")  # 75%: passed, the LMS issues the certificate
    wait_for(lambda: held(student), "the certificate badge")


@pytest.mark.usefixtures("issuer")
def test_certificate_awards_the_certificate_badge(student, block, live):
    mark = live.worker.mark()
    earn_certificate_badge(student, block)
    live.drain()
    assert held(student) == ["Certified"]
    award = Award.objects.get()
    assert award.provenance["trigger"]["event"] == "CERTIFICATE_CHANGED"  # the only event this rule reads
    assert live.worker.succeeded(mark) and not live.worker.problems(mark)


@pytest.mark.usefixtures("issuer")
def test_certificate_revoked_revokes_the_badge_in_the_status_list(course, student, block, live):
    mark = live.worker.mark()
    earn_certificate_badge(student, block)
    live.drain()
    award = Award.objects.get()
    assert not award.revoked and verification.verify_award(award).ok

    courseware.revoke_certificate(student, course)
    wait_for(lambda: Award.objects.filter(pk=award.pk, revoked=True).exists(), "the badge to be revoked")
    live.drain()
    award.refresh_from_db()
    assert "certificate" in award.revocation_reason
    signed = award.status_list.credential
    bits = statuslist.BitstringStatusList.decode(signed["credentialSubject"]["encodedList"])
    assert bits.get(award.status_index)
    assert verification.verify_award(award).revoked
    assert live.worker.succeeded(mark, task="openedx_badges.certificate_revoked") == 1
    assert live.worker.succeeded(mark) and not live.worker.problems(mark)
