"""
A burst of 10,000 distinct events (a whole cohort passing at once, as after a
grade recalculation) goes through the plugin's receiver, the broker and two
worker processes on MariaDB, and every one is processed: one award per learner,
none lost, none failed, every award with its own revocation slot.
"""

import os
import time

import pytest
from openedx_events.learning.data import CoursePassingStatusData
from openedx_events.learning.signals import COURSE_PASSING_STATUS_UPDATED

from lms_standin.courseware import course_data, user_data
from lms_standin.demo_course import COURSE_KEY
from openedx_plugin import api
from openedx_plugin.credentials import verification
from openedx_plugin.models import Award, PendingEvaluation

from .support import consumption_held, passing_learners, requires_mariadb, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.django_db(transaction=True),
              requires_mariadb]

BURST = int(os.environ.get("BADGES_IT_BURST", "10000"))


@pytest.mark.usefixtures("issuer")
def test_burst_of_distinct_events_is_fully_processed(course, live, capsys):
    api.save_badge(COURSE_KEY, {"name": "Finisher", "description": "Passed the demo course.",
                                "criteria_narrative": "Pass the course."},
                   rule={"kind": "course_passed", "course": COURSE_KEY})
    learners = passing_learners(course, BURST, "burst")
    crew = [live.worker, live.start_worker("it-burst")]
    try:
        marks = [worker.mark() for worker in crew]
        with consumption_held(live.app, crew):
            started = time.perf_counter()
            for learner in learners:  # the LMS's grading sends this once per learner
                COURSE_PASSING_STATUS_UPDATED.send_event(course_passing_status=CoursePassingStatusData(
                    is_passing=True, course=course_data(course), user=user_data(learner)))
            sending = time.perf_counter() - started
            assert live.backlog() == BURST, "every event reached the broker"
        started = time.perf_counter()

        def succeeded():
            return sum(worker.succeeded(mark) for worker, mark in zip(crew, marks, strict=True))

        wait_for(lambda: Award.objects.count() >= BURST, f"{BURST} awards", timeout=900, interval=1)
        processing = time.perf_counter() - started
        live.drain(timeout=120)

        assert succeeded() == BURST
        assert all(worker.succeeded(mark) for worker, mark in zip(crew, marks, strict=True)), "both took part"
        assert [line for worker, mark in zip(crew, marks, strict=True) for line in worker.problems(mark)] == []
        awards = Award.objects.all()
        assert awards.count() == BURST
        assert awards.values("user").distinct().count() == BURST, "one award per learner"
        assert set(awards.values_list("user_id", flat=True)) == {learner.id for learner in learners}
        assert awards.values("status_list", "status_index").distinct().count() == BURST, "one status slot each"
        assert not PendingEvaluation.objects.exists()
        for award in awards.order_by("?")[:20]:  # a sample of what the workers signed verifies
            result = verification.verify_award(award)
            assert result.ok, result.errors
        with capsys.disabled():
            print(f"\n[burst] {BURST} distinct events: receiver+enqueue {BURST / sending:,.0f} events/s; "
                  f"{len(crew)} workers x 2 processes awarded all in {processing:.1f} s "
                  f"({BURST / processing:,.0f} awards/s); 0 lost, 0 failed")
    finally:
        crew[1].stop()
