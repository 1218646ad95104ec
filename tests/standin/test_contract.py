"""
docs/platform-contract.md, row by row: the stand-in LMS has the documented shape.

Each row of the contract (platform call, signal, event, setting, celery convention)
has one test here named ``test_<row id>_...``; ``test_every_row_has_its_test`` fails
when a row is added without a test or a test names no row. The shapes asserted are the
ones the contract restates from the platform's source; where the stand-in cannot be
the real thing (no modulestore), the fake of tests/fake_platform.py is held to the
documented signature instead, and compat's readers are run against it in
tests/app/test_compat_platform_readers.py.
"""

import inspect
import re
from pathlib import Path

import attr
import pytest
from django.conf import settings
from django.db.models.signals import post_save
from opaque_keys.edx.keys import CourseKey, UsageKey
from openedx_events.learning import data as events_data
from openedx_events.learning import signals as events
from xblock.completable import XBlockCompletionMode

from lms_standin import courseware, platform
from lms_standin.demo_course import COURSE_KEY, usage_key
from lms_standin.models import CourseAccessRole, GeneratedCertificate
from openedx_plugin import compat

pytestmark = pytest.mark.django_db
CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "platform-contract.md"
COURSE = CourseKey.from_string(COURSE_KEY)


# Rows of these sections are held by tests of their own suites (the block's, Tutor's, the
# passes of scripts/test.sh), which each row names in its last column.
ELSEWHERE = ("X", "TH", "TP", "C", "R")
TESTS = Path(__file__).resolve().parents[1]


def documented_rows():
    """Row ids of the contract's tables, with the row's text: ``| S1 |``, ``| P10 |``, ``| TH3 |`` ..."""
    rows = re.findall(r"^\| *([A-Z]{1,2}\d+) *\|(.*)$", CONTRACT.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return dict(rows)


def test_every_row_has_its_test():
    tested = {name.split("_")[1].upper() for name in globals() if re.match(r"test_[a-z]\d+_", name)}
    rows = {row for row in documented_rows() if not row.startswith(ELSEWHERE)}
    assert rows, "the contract has no rows"
    assert rows == tested, f"rows without a test: {sorted(rows - tested)}; tests without a row: {sorted(tested - rows)}"


def test_rows_held_elsewhere_name_tests_that_exist():
    """A row of the block's, Tutor's or the dependencies' sections names tests that are defined."""
    defined = set()
    for path in TESTS.rglob("*.py"):
        if "node_modules" not in path.parts:
            defined.update(re.findall(r"^\s*def (test_\w+)\(", path.read_text(encoding="utf-8"), flags=re.MULTILINE))
    rows = {row: text for row, text in documented_rows().items() if row.startswith(ELSEWHERE)}
    assert {row[0] for row in rows} >= {"X", "T", "C", "R"}, "a section of rows held elsewhere is missing"
    for row, text in rows.items():
        named = set(re.findall(r"\b(test_\w+)\b(?!\.py)", text.rsplit("|", 2)[-2]))
        by_pass = "scripts/test.sh" in text or " pass" in text.rsplit("|", 2)[-2]
        assert named or by_pass, f"row {row} names no test"
        assert named <= defined, f"row {row} names tests that do not exist: {sorted(named - defined)}"


def fields_of(data_class):
    return {field.name for field in attr.fields(data_class)}


def answer(student, block, block_id, choice):
    courseware.answer_problem(student, block(block_id), choice)


# --- S: the platform's internal Django signals ------------------------------------------------------


def test_s1_problem_weighted_score_changed(student, block, recorder):
    answer(student, block, "q1", 0)
    [sent] = recorder.only("PROBLEM_WEIGHTED_SCORE_CHANGED")
    assert set(sent) == {"signal", "sender", "weighted_earned", "weighted_possible", "user_id", "anonymous_user_id",
                         "course_id", "usage_id", "only_if_higher", "modified", "score_deleted",
                         "grading_policy_hash", "score_db_table"}
    assert isinstance(sent["course_id"], str) and isinstance(sent["usage_id"], str)  # strings, not keys
    assert sent["user_id"] == student.id and sent["sender"] is None
    assert compat.get_platform_object("PROBLEM_WEIGHTED_SCORE_CHANGED") is platform.PROBLEM_WEIGHTED_SCORE_CHANGED
    # the points it carries are the stored ones (a score rule on the problem takes them from here)
    stored = compat.block_score(student, sent["course_id"], sent["usage_id"])
    assert (sent["weighted_earned"], sent["weighted_possible"]) == (stored.earned, stored.possible)
    assert sent["score_deleted"] is False


def test_s2_subsection_score_changed(student, block, recorder):
    answer(student, block, "q1", 0)
    [sent] = recorder.only("SUBSECTION_SCORE_CHANGED")
    assert set(sent) == {"signal", "sender", "course", "course_structure", "user", "subsection_grade"}
    assert isinstance(sent["course"].id, CourseKey) and sent["user"] == student
    grade = sent["subsection_grade"]
    assert isinstance(grade.location, UsageKey)
    for total in (grade.all_total, grade.graded_total):
        assert isinstance(total.earned, float) and isinstance(total.possible, float)


def test_s3_course_grade_passed_first_time(student, block, recorder):
    for block_id, choice in (("q1", 0), ("q2", 1), ("q3", 2), ("q4", 0)):
        answer(student, block, block_id, choice)
    answer(student, block, "q4", 0)  # recomputed while passing: not sent again
    [sent] = recorder.only("COURSE_GRADE_PASSED_FIRST_TIME")
    assert set(sent) == {"signal", "sender", "course_id", "user_id"}
    assert sent["sender"] is None and sent["course_id"] == COURSE and sent["user_id"] == student.id


def test_s4_course_grade_now_passed(student, block, recorder):
    for block_id, choice in (("q1", 0), ("q2", 1), ("q3", 2), ("q4", 0)):
        answer(student, block, block_id, choice)
    answer(student, block, "q4", 0)
    sent = recorder.only("COURSE_GRADE_NOW_PASSED")
    assert len(sent) >= 2  # every passing recomputation, not only the first
    assert set(sent[0]) == {"signal", "sender", "user", "course_id"}
    assert sent[0]["sender"] is platform.CourseGradeFactory and sent[0]["course_id"] == COURSE


def test_s5_user_retire_lms_misc(learner, badge_class):
    from openedx_plugin.credentials import issuing

    award, _ = issuing.award_badge(badge_class, learner)
    signal = compat.get_platform_object("USER_RETIRE_LMS_MISC")
    assert signal is platform.USER_RETIRE_LMS_MISC
    signal.send(sender=None, user=learner)  # accounts/views.py: .send(sender=self.__class__, user=retirement.user)
    award.refresh_from_db()
    assert award.user_id is None


def test_s6_blockcompletion_post_save(student, block, recorder):
    from completion.models import BlockCompletion
    from waffle.testutils import override_switch

    assert compat.get_platform_object("BlockCompletion") is BlockCompletion  # the real edx-completion model
    courseware.view_block(student, block("welcome"))
    courseware.view_block(student, block("welcome"))  # same value: no save, no post_save
    [saved] = recorder.only("post_save:BlockCompletion")
    row = saved["instance"]
    assert isinstance(row.context_key, CourseKey) and isinstance(row.block_key, UsageKey)
    assert (row.user_id, row.completion) == (student.id, 1.0)
    from edx_django_utils.cache import RequestCache

    RequestCache.clear_all_namespaces()  # a new request, as RequestCacheMiddleware starts one
    with override_switch("completion.enable_completion_tracking", active=False), pytest.raises(RuntimeError):
        courseware.view_block(student, block("welcome"))
    RequestCache.clear_all_namespaces()
    assert post_save.has_listeners(BlockCompletion)


# --- E: openedx-events --------------------------------------------------------------------------------


def test_e1_course_passing_status_updated(student, block, recorder):
    answer(student, block, "q1", 0)
    [sent] = recorder.only("COURSE_PASSING_STATUS_UPDATED")
    status = sent["course_passing_status"]
    assert fields_of(type(status)) >= {"is_passing", "course", "user"}
    assert isinstance(status.course.course_key, CourseKey) and status.user.id == student.id


def test_e2_ccx_course_passing_status_updated():
    assert events.CCX_COURSE_PASSING_STATUS_UPDATED.init_data["course_passing_status"] is (
        events_data.CcxCoursePassingStatusData)
    assert fields_of(events_data.CcxCourseData) >= {"ccx_course_key", "master_course_key"}
    from openedx_plugin.apps import _RECEIVERS

    assert any(r["signal_path"].endswith(".CCX_COURSE_PASSING_STATUS_UPDATED") for r in _RECEIVERS)


def test_e3_persistent_grade_summary_changed(student, block, recorder):
    answer(student, block, "q1", 0)
    [sent] = recorder.only("PERSISTENT_GRADE_SUMMARY_CHANGED")
    grade = sent["grade"]
    assert fields_of(type(grade)) >= {"user_id", "course", "percent_grade", "letter_grade", "passed_timestamp"}
    assert grade.user_id == student.id and isinstance(grade.course.course_key, CourseKey)


def test_e4_certificate_created_and_changed(enrolled, block, recorder):
    for block_id, choice in (("q1", 0), ("q2", 1), ("q3", 2), ("q4", 0)):
        answer(enrolled, block, block_id, choice)
    [sent] = recorder.only("CERTIFICATE_CREATED")
    cert = sent["certificate"]
    assert fields_of(type(cert)) >= {"user", "course", "mode", "current_status", "previous_status"}
    assert (cert.mode, cert.current_status) == ("verified", GeneratedCertificate.DOWNLOADABLE)
    assert events.CERTIFICATE_CHANGED.init_data["certificate"] is events_data.CertificateData


def test_e5_certificate_revoked(enrolled, block, course, recorder):
    for block_id, choice in (("q1", 0), ("q2", 1), ("q3", 2), ("q4", 0)):
        answer(enrolled, block, block_id, choice)
    courseware.revoke_certificate(enrolled, course)
    [sent] = recorder.only("CERTIFICATE_REVOKED")
    assert sent["certificate"].current_status == GeneratedCertificate.UNAVAILABLE
    assert GeneratedCertificate.objects.get(user=enrolled).status == GeneratedCertificate.UNAVAILABLE  # saved first


def test_e6_badge_awarded_and_revoked():
    from openedx_plugin.awards.events import BADGE_AWARDED, BADGE_REVOKED

    assert events.BADGE_AWARDED is BADGE_AWARDED and events.BADGE_REVOKED is BADGE_REVOKED
    assert fields_of(events_data.BadgeData) >= {"uuid", "user", "template"}
    assert fields_of(events_data.BadgeTemplateData) >= {"uuid", "origin", "name", "description", "image_url"}


# --- P: platform calls (compat's readers) --------------------------------------------------------------


def fake_platform_modules(monkeypatch):
    from tests.fake_platform import PlatformFake

    return PlatformFake(monkeypatch)


def test_p1_course_grade_factory_read(student, block, monkeypatch):
    answer(student, block, "q1", 0)
    grade = compat.course_grade(student, COURSE_KEY)
    assert isinstance(grade.percent, float) and 0 <= grade.percent <= 1 and isinstance(grade.passed, bool)
    fake_platform_modules(monkeypatch)
    from lms.djangoapps.grades.api import CourseGradeFactory  # the fake, in the documented signature

    assert list(inspect.signature(CourseGradeFactory().read).parameters) == [
        "user", "course", "collected_block_structure", "course_structure", "course_key", "create_if_needed"]


def test_p2_subsection_all_total(student, block, recorder):
    answer(student, block, "q1", 0)
    [sent] = recorder.only("SUBSECTION_SCORE_CHANGED")
    location = str(sent["subsection_grade"].location)
    score = compat.block_score(student, COURSE_KEY, location)
    assert (score.earned, score.possible) == (sent["subsection_grade"].all_total.earned,
                                              sent["subsection_grade"].all_total.possible)


def test_p3_get_course_blocks_with_completion(student, block, monkeypatch):
    courseware.view_block(student, block("welcome"))
    done = compat.course_completion(student, COURSE_KEY)
    assert 0 < done < 1
    fake_platform_modules(monkeypatch)
    from lms.djangoapps.course_blocks.api import get_course_blocks

    assert list(inspect.signature(get_course_blocks).parameters) == [
        "user", "starting_block_usage_key", "transformers", "collected_block_structure",
        "allow_start_dates_in_future", "include_completion", "include_has_scheduled_content"]


def test_p4_modulestore_course_tree(course):
    blocks = compat.course_blocks(COURSE_KEY)
    assert {tuple(sorted(b)) for b in blocks} == {("block_type", "display_name", "graded", "parent", "usage_key")}
    assert blocks[0]["block_type"] == "course" and blocks[0]["parent"] is None
    assert compat.course_blocks("course-v1:No+Such+Course") is None


def test_p5_completion_model_and_switch():
    from completion.models import BlockCompletion
    from waffle.models import Switch

    names = {field.name for field in BlockCompletion._meta.get_fields()}
    assert names >= {"user", "context_key", "block_key", "block_type", "completion"}
    assert Switch.objects.get(name="completion.enable_completion_tracking").active  # the stand-in turns it on
    assert "completion" in {app.split(".")[0] for app in settings.INSTALLED_APPS}


def test_p6_get_certificate_for_user(enrolled, block, monkeypatch):
    for block_id, choice in (("q1", 0), ("q2", 1), ("q3", 2), ("q4", 0)):
        answer(enrolled, block, block_id, choice)
    assert compat.certificate(enrolled, COURSE_KEY) == compat.Certificate("verified", "downloadable")
    fake_platform_modules(monkeypatch)
    from lms.djangoapps.certificates.api import get_certificate_for_user

    assert list(inspect.signature(get_certificate_for_user).parameters) == [
        "username", "course_key", "format_results"]


def test_p7_get_user_preference(monkeypatch, learner):
    fake_platform_modules(monkeypatch)
    from openedx.core.djangoapps.user_api.preferences.api import get_user_preference

    assert list(inspect.signature(get_user_preference).parameters) == ["requesting_user", "preference_key",
                                                                      "username"]


def test_p8_has_access_staff_and_course_roles(student, course):
    assert {field.name for field in CourseAccessRole._meta.get_fields()} >= {"user", "org", "course_id", "role"}
    assert (CourseAccessRole.STAFF, CourseAccessRole.INSTRUCTOR) == ("staff", "instructor")
    assert compat.is_course_staff(student, COURSE_KEY) is False
    courseware.grant_role(student, course, CourseAccessRole.INSTRUCTOR)
    assert compat.is_course_staff(student, COURSE_KEY) is True


def test_p9_course_enrollment_is_enrolled(enrolled, course):
    assert compat.is_enrolled(enrolled, COURSE_KEY) is True
    courseware.enroll(enrolled, course)  # unchanged
    enrolled.enrollment_set.update(is_active=False)
    assert compat.is_enrolled(enrolled, COURSE_KEY) is False


def test_p10_ccx_locator_to_course_locator():
    from ccx_keys.locator import CCXLocator

    ccx = CCXLocator.from_string("ccx-v1:DemoX+BADGE101+2026+ccx@2")
    assert str(ccx.to_course_locator()) == COURSE_KEY == compat.master_course_key(str(ccx))


def _ccx_learner(course, django_user_model):
    ccx = courseware.create_ccx(course, display_name="Evening cohort")
    user = django_user_model.objects.create_user("grace", "grace@example.com", "pw")
    courseware.enroll(user, course, ccx=ccx)
    return ccx, user


def test_p17_ccx_enrollment_under_the_ccx_key(course, django_user_model, recorder, django_assert_num_queries):
    from ccx_keys.locator import CCXLocator

    from lms_standin.models import CustomCourseForEdX

    ccx, user = _ccx_learner(course, django_user_model)
    assert {f.name for f in CustomCourseForEdX._meta.fields} >= {"course_id", "display_name", "coach"}
    assert ccx.locator == CCXLocator.from_course_locator(COURSE, str(ccx.id))
    [created] = recorder.only("COURSE_ENROLLMENT_CREATED")
    assert created["enrollment"].course.course_key == ccx.locator  # enrolled under the CCX's key
    assert compat.is_enrolled(user, str(ccx.locator)) is True
    assert compat.is_enrolled(user, COURSE_KEY) is False  # not under the master's
    with django_assert_num_queries(1):
        assert compat.ccx_runs(user) == {COURSE_KEY: str(ccx.locator)}
    assert compat.learner_course_run(user, COURSE_KEY) == str(ccx.locator)


def test_p18_ccx_grade_under_the_ccx_key(course, block, django_user_model, recorder):
    ccx, user = _ccx_learner(course, django_user_model)
    ccx_key = str(ccx.locator)
    ccx_status = []

    def heard(**kwargs):
        ccx_status.append(kwargs["course_passing_status"])

    events.CCX_COURSE_PASSING_STATUS_UPDATED.connect(heard)
    try:
        for block_id, choice in (("q1", 0), ("q2", 1), ("q3", 2)):
            answer(user, block, block_id, choice)
    finally:
        events.CCX_COURSE_PASSING_STATUS_UPDATED.disconnect(heard)
    assert str(ccx_status[-1].course.ccx_course_key) == ccx_key and ccx_status[-1].is_passing is True
    assert str(ccx_status[-1].course.master_course_key) == COURSE_KEY
    scored = recorder.only("PROBLEM_WEIGHTED_SCORE_CHANGED")[0]
    q1 = compat.ccx_usage_key(ccx_key, usage_key("problem", "q1"))
    assert (scored["course_id"], scored["usage_id"]) == (ccx_key, q1)
    assert str(scored["usage_id"]).startswith("ccx-block-v1:")
    subsection = recorder.only("SUBSECTION_SCORE_CHANGED")[0]
    assert str(subsection["course"].id) == ccx_key and str(subsection["subsection_grade"].location).startswith(
        "ccx-block-v1:")
    assert recorder.only("COURSE_PASSING_STATUS_UPDATED") == []  # the CCX variant instead (grades/events.py)
    grade = compat.course_grade(user, ccx_key)
    assert grade.passed is True
    assert compat.course_grade(user, COURSE_KEY).percent == 0.0  # nothing under the master key
    seq = usage_key("sequential", "seq-basics")
    assert platform.block_score(user, ccx_key, seq) is None  # the master's block key is not the CCX's
    assert platform.block_score(user, ccx_key, compat.ccx_usage_key(ccx_key, seq)) == (2.0, 2.0)
    assert compat.block_score(user, ccx_key, seq) == (2.0, 2.0)  # compat maps the rule's key in
    assert compat.master_usage_key(compat.ccx_usage_key(ccx_key, seq)) == seq


def test_p19_ccx_completion_under_the_ccx_key(course, block, django_user_model, recorder):
    from completion.models import BlockCompletion

    ccx, user = _ccx_learner(course, django_user_model)
    ccx_key = str(ccx.locator)
    courseware.view_block(user, block("welcome"))
    [saved] = recorder.only("post_save:BlockCompletion")
    row = saved["instance"]
    welcome = compat.ccx_usage_key(ccx_key, usage_key("html", "welcome"))
    assert (str(row.context_key), str(row.block_key)) == (ccx_key, welcome)
    assert row.block_key.context_key == row.context_key  # submit_completion: context_key = block_key.context_key
    assert BlockCompletion.objects.filter(user=user, context_key=COURSE).count() == 0
    assert 0 < compat.course_completion(user, ccx_key) < 1
    assert compat.course_completion(user, COURSE_KEY) == 0.0
    assert compat.completed_blocks(user, ccx_key, [usage_key("html", "welcome")]) == {usage_key("html", "welcome")}


def test_p11_enrolled_tab(enrolled, course):
    from types import SimpleNamespace

    from openedx_plugin.course_tab import BadgesCourseTab

    base = compat.enrolled_tab_base()
    overview = SimpleNamespace(id=COURSE)
    assert base.is_enabled(overview, user=enrolled) is True  # enrolled
    enrolled.enrollment_set.update(is_active=False)
    assert base.is_enabled(overview, user=enrolled) is False
    tab = BadgesCourseTab({})
    assert (tab.type, tab.tab_id, BadgesCourseTab.is_dynamic, BadgesCourseTab.is_default) == (
        "openedx_badges", "openedx_badges", True, False)
    assert tab.link_func(overview, lambda name, args: f"{name}:{args[0]}") == f"openedx_badges:course-badges:{COURSE}"


def test_p12_xblock_completion_mode():
    from badge_xblock.block import BadgeXBlock

    assert XBlockCompletionMode.get_mode(BadgeXBlock) == XBlockCompletionMode.EXCLUDED
    assert compat.completion_mode("badge_xblock") == XBlockCompletionMode.EXCLUDED
    assert platform.completion_mode("problem") == platform.completion_mode("html") == XBlockCompletionMode.COMPLETABLE


# --- T: settings and the plugin framework ------------------------------------------------------------


def test_t1_settings_load_points():
    from openedx_plugin.apps import OpenBadgesConfig

    config = OpenBadgesConfig.plugin_app["settings_config"]
    for project in ("lms.djangoapp", "cms.djangoapp"):
        assert set(config[project]) == {"common", "production", "test"}
    assert settings.OPENEDX_BADGES_KEY_ENCRYPTION_KEYS  # the test settings ran, after common
    assert not hasattr(settings, "ENV_TOKENS")


def test_t2_lms_root_url(client, student, course):
    url = compat.block_url(COURSE_KEY, usage_key("problem", "q1"))
    assert url == f"{settings.LMS_ROOT_URL}/courses/{COURSE_KEY}/jump_to/{usage_key('problem', 'q1')}"
    client.force_login(student)
    assert client.get(url.removeprefix(settings.LMS_ROOT_URL)).status_code == 302


def test_t5_course_home_url(client, student, course):
    url = compat.course_home_url(COURSE_KEY)
    assert url == f"{settings.LMS_ROOT_URL}/courses/{COURSE_KEY}/course/"
    client.force_login(student)
    response = client.get(url.removeprefix(settings.LMS_ROOT_URL))
    assert response.status_code == 302 and response.url == f"/courses/{COURSE_KEY}/"


def test_t3_url_config():
    from django.urls import reverse

    from openedx_plugin.apps import OpenBadgesConfig

    url_config = OpenBadgesConfig.plugin_app["url_config"]["lms.djangoapp"]
    assert (url_config["namespace"], url_config["regex"]) == ("openedx_badges", r"^")
    assert reverse("openedx_badges:wallet") == "/badges/wallet/"  # mounted at the root, as the LMS mounts it


def test_t4_signals_config():
    from edx_django_utils.plugins import utils

    from openedx_plugin import handlers
    from openedx_plugin.apps import _RECEIVERS

    for receiver in _RECEIVERS:
        signal = utils.import_attr(receiver["signal_path"])
        sender = utils.import_attr(receiver["sender_path"]) if receiver.get("sender_path") else None
        assert signal.has_listeners(sender), receiver["dispatch_uid"]
        assert callable(getattr(handlers, receiver["receiver_func_name"]))


# --- K: celery ------------------------------------------------------------------------------------------


def test_k1_celery_config_without_namespace():
    from lms_standin.celery import app

    assert app.namespace is None
    assert {entry["task"] for entry in app.conf.beat_schedule.values()} >= {
        "openedx_badges.sweep_pending", "openedx_badges.requeue_pushes"}
    assert hasattr(settings, "CELERYBEAT_SCHEDULE") and not hasattr(settings, "CELERY_BEAT_SCHEDULE")
    assert app.conf.task_always_eager is True  # CELERY_ALWAYS_EAGER, the old-style name the LMS's test settings use


def test_k2_task_names_and_queue():
    from lms_standin.celery import app

    names = {name for name in app.tasks if name.startswith("openedx_badges.")}
    assert {"openedx_badges.sweep_pending", "openedx_badges.requeue_pushes"} <= names
    assert settings.OPENEDX_BADGES_CELERY_QUEUE is None  # the host's default queue unless the operator names one


def test_p13_tracker_emit():
    import eventtracking.tracker  # pylint: disable=import-outside-toplevel

    from lms_standin import tracking_log  # pylint: disable=import-outside-toplevel

    parameters = list(inspect.signature(eventtracking.tracker.emit).parameters)
    assert parameters == ["name", "data"]
    tracking_log.EVENTS.clear()
    compat.tracker_emit("edx.badge.contract.checked", {"badge_uuid": "x"})
    [event] = tracking_log.named("edx.badge.contract.checked")
    assert event["data"] == {"badge_uuid": "x"}
    assert "timestamp" in event
    tracking_log.EVENTS.clear()


def test_p14_course_overview_display_names(course, django_assert_num_queries):
    from lms_standin.models import Course

    Course.objects.create(course_key="course-v1:DemoX+OTHER+2026", display_name="Another course")
    keys = [COURSE_KEY, "course-v1:DemoX+OTHER+2026", "course-v1:NoSuch+X+1", "not a key"]
    with django_assert_num_queries(1):  # one query for every course of a page, as values_list on CourseOverview
        names = compat.course_names(keys)
    assert names == {COURSE_KEY: course.display_name, "course-v1:DemoX+OTHER+2026": "Another course"}
    assert compat.course_names([]) == {}


def test_p15_learner_urls_lead_back_to_the_lms(client, student, course, settings):
    urls = compat.learner_urls()
    root = settings.LMS_ROOT_URL.rstrip("/")
    assert urls == {"home": f"{root}/", "dashboard": f"{root}/dashboard", "logout": f"{root}/logout"}
    assert compat.course_home_url(COURSE_KEY) == f"{root}/courses/{COURSE_KEY}/course/"  # row T5 without the MFE helper
    client.force_login(student)
    assert client.get(compat.course_home_url(COURSE_KEY).removeprefix(root), follow=True).status_code == 200
    assert client.get(urls["dashboard"].removeprefix(root)).status_code == 200
    response = client.get(urls["logout"].removeprefix(root))  # GET signs out, as the LMS's LogoutView
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    settings.OPENEDX_BADGES_DASHBOARD_URL = "https://home.example.com/learner"
    assert compat.learner_urls()["dashboard"] == "https://home.example.com/learner"


def test_e7_event_bus_producer_config():
    import openedx_events.apps  # pylint: disable=import-outside-toplevel

    handler = inspect.getsource(openedx_events.apps.general_signal_handler)
    assert 'getattr(settings, "EVENT_BUS_PRODUCER_CONFIG", {}).get(signal.event_type, {})' in handler
    assert '"event_key_field"' in handler and '"enabled"' in handler
    for signal in (events.BADGE_AWARDED, events.BADGE_REVOKED):
        topics = settings.EVENT_BUS_PRODUCER_CONFIG[signal.event_type]
        assert topics["learning-badges-lifecycle"]["event_key_field"] == "badge.uuid"
        assert isinstance(topics["learning-badges-lifecycle"]["enabled"], bool)
        # the key field names a field of the event's data, as the producer reads it
        assert "badge" in signal.init_data and "uuid" in {f.name for f in attr.fields(events_data.BadgeData)}


def test_p16_block_scores_in_one_read(enrolled, block, django_assert_max_num_queries):
    answer(enrolled, block, "q1", 0)  # right
    answer(enrolled, block, "q3", 0)  # wrong
    keys = [usage_key("problem", "q1"), usage_key("problem", "q3"), usage_key("sequential", "seq-basics"),
            usage_key("vertical", "v-charts"), "block-v1:DemoX+BADGE101+2026+type@problem+block@gone"]
    one_by_one = {key: compat.block_score(enrolled, COURSE_KEY, key) for key in keys}
    with django_assert_max_num_queries(3):  # the course, its blocks, the learner's scores
        together = compat.block_scores(enrolled, COURSE_KEY, keys)
    assert together == one_by_one
    assert together[usage_key("problem", "q1")] == compat.Score(1.0, 1.0)
    assert together[usage_key("sequential", "seq-basics")] == compat.Score(1.0, 2.0)
    assert together[keys[-1]] is None
    assert compat.block_scores(enrolled, COURSE_KEY, []) == {}


# --- G: content tagging ---------------------------------------------------------------------------------


def _taxonomy(name="Data Skills", export_id="data-skills", orgs=("DemoX",), rows=None):
    rows = rows or "id,value,parent_id\nDS-A,Data analysis,\nDS-V,Data visualisation,DS-A\nDS-R,Reading data,\n"
    taxonomy, ok, log = compat.import_taxonomy(name, export_id, rows.encode(), orgs=list(orgs) if orgs else None,
                                               file_format="csv")
    assert ok, log
    return taxonomy


def test_g1_tagging_api_shapes(course):
    from openedx_tagging import api as tagging_api

    ref = _taxonomy()
    taxonomy = tagging_api.get_taxonomy(ref.id)
    assert tagging_api.get_taxonomy_by_export_id("data-skills").id == ref.id
    rows = list(tagging_api.get_tags(taxonomy))
    assert set(rows[0]) >= {"value", "external_id", "depth", "parent_value", "child_count"}
    assert [(r["value"], r["external_id"], r["depth"], r["parent_value"]) for r in rows] == [
        ("Data analysis", "DS-A", 0, None), ("Data visualisation", "DS-V", 1, "Data analysis"),
        ("Reading data", "DS-R", 0, None)]
    # search_tags also answers the ancestors of a match; compat keeps the matches only.
    assert [r["value"] for r in tagging_api.search_tags(taxonomy, "visual")] == ["Data analysis", "Data visualisation"]
    assert [t.value for t in compat.search_tags(ref.id, "visual", 10)] == ["Data visualisation"]
    q1 = usage_key("problem", "q1")
    tagging_api.tag_object(q1, taxonomy, ["Data visualisation"])
    assert [(t.value, t.external_id, t.taxonomy, t.depth, t.parent_value) for t in compat.block_tags(q1)] == [
        ("Data visualisation", "DS-V", "Data Skills", 1, "Data analysis")]
    taxonomy.enabled = False
    taxonomy.save()
    assert list(tagging_api.get_object_tags(q1)) == [] and compat.block_tags(q1) == []  # disabled: left out
    assert compat.search_tags(ref.id, "visual", 10) == [] and compat.taxonomy_tag(ref.id, "Data analysis") is None


def test_g2_taxonomies_for_org(course):
    ours = _taxonomy()
    everyone = _taxonomy("Shared", "shared", orgs=None)
    _taxonomy("Elsewhere", "elsewhere", orgs=("OtherX",))
    names = [t.name for t in platform.taxonomies_for_org("DemoX")]
    assert names == ["Data Skills", "Shared"]  # by name; the org's own and every org's, never another org's
    assert [t.id for t in compat.org_taxonomies(None, "DemoX")] == [ours.id, everyone.id]
    assert [t.name for t in compat.org_taxonomies(None, "OtherX")] == ["Elsewhere", "Shared"]
    from lms_standin.models import TaxonomyOrg

    assert set(TaxonomyOrg.objects.filter(taxonomy_id=everyone.id).values_list("org", "rel_type")) == {("", "OWN")}


def test_g2_inside_the_platform_compat_asks_content_tagging(course, settings, monkeypatch):
    import sys
    import types

    ours = _taxonomy()
    fake_platform_modules(monkeypatch)  # in_platform(): the grades API imports
    calls = []

    def get_taxonomies_for_org(enabled=True, org_short_name=None):  # the documented signature (row G2)
        calls.append((enabled, org_short_name))
        return platform.taxonomies_for_org(org_short_name)

    for name in ("openedx.core.djangoapps.content_tagging", "openedx.core.djangoapps.content_tagging.api"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    sys.modules["openedx.core.djangoapps.content_tagging"].api = sys.modules[
        "openedx.core.djangoapps.content_tagging.api"]
    sys.modules["openedx.core.djangoapps.content_tagging.api"].get_taxonomies_for_org = get_taxonomies_for_org
    settings.OPENEDX_BADGES_PLATFORM_STANDIN = None
    assert [t.id for t in compat.org_taxonomies(None, "DemoX")] == [ours.id]
    assert calls == [(True, "DemoX")]


def test_g3_view_taxonomy_rule(course, student, django_user_model):
    import rules
    from openedx_tagging import api as tagging_api

    ref = _taxonomy()
    staff = django_user_model.objects.create_user("staffer", "s@example.com", "pw", is_staff=True)
    assert [t.id for t in compat.org_taxonomies(student, "DemoX")] == [ref.id]  # enabled: anyone may view it
    taxonomy = tagging_api.get_taxonomy(ref.id)
    assert rules.has_perm("oel_tagging.view_taxonomy", staff, taxonomy)
    # The platform replaces the rule with its org-aware one (rules.set_perm): compat asks whichever is set.
    original = rules.permissions.permissions["oel_tagging.view_taxonomy"]
    try:
        rules.set_perm("oel_tagging.view_taxonomy", rules.is_staff)
        assert compat.org_taxonomies(student, "DemoX") == []
        assert [t.id for t in compat.org_taxonomies(staff, "DemoX")] == [ref.id]
    finally:
        rules.set_perm("oel_tagging.view_taxonomy", original)


def test_g4_course_tags_in_one_query(course, django_assert_num_queries):
    from openedx_tagging import api as tagging_api

    taxonomy = tagging_api.get_taxonomy(_taxonomy().id)
    tagging_api.tag_object(COURSE_KEY, taxonomy, ["Reading data"])
    tagging_api.tag_object(usage_key("problem", "q3"), taxonomy, ["Data analysis", "Data visualisation"])
    # A course whose key starts like the demo's: its blocks are not the demo's.
    tagging_api.tag_object("block-v1:DemoX+BADGE101+20261+type@problem+block@q1", taxonomy, ["Data analysis"])
    with django_assert_num_queries(1):
        found = compat.content_tags(COURSE_KEY)
    assert {key: sorted(t.value for t in tags) for key, tags in found.items()} == {
        COURSE_KEY: ["Reading data"], usage_key("problem", "q3"): ["Data analysis", "Data visualisation"]}


def test_g5_import_tags(course):
    from openedx_tagging import api as tagging_api
    from openedx_tagging.import_export import api as import_api
    from openedx_tagging.import_export.parsers import ParserFormat

    ref = _taxonomy(rows="id,value,parent_id,comments\nDS-A,Data analysis,,ignored\n")
    taxonomy = tagging_api.get_taxonomy(ref.id)
    ok, task, plan = import_api.import_tags(taxonomy, __import__("io").BytesIO(
        b'{"tags": [{"id": "DS-A", "value": "Analysing data", "parent_id": ""}]}'), ParserFormat.JSON)
    assert ok and plan is not None and task.log
    assert [(t.value, t.external_id) for t in compat.taxonomy_tags(ref.id)] == [("Analysing data", "DS-A")]
    again, ok, _log = compat.import_taxonomy("Data Skills", "data-skills", b"id,value,parent_id\nDS-B,Charts,\n",
                                             file_format="csv")
    assert ok and again.id == ref.id  # the same taxonomy, by export id; tags updated by id
    assert compat.taxonomy_tag(ref.id, code="ds-b").value == "Charts"  # by external id, any case
