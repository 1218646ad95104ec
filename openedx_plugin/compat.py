"""
The one place that touches Open edX platform code.

Every import of ``lms``, ``openedx``, ``common`` or ``completion`` modules happens
lazily inside a function here, so the package imports, and its tests run,
without the platform. Outside the LMS (the demo's stand-in LMS, tests) the same
functions delegate to the module named by ``OPENEDX_BADGES_PLATFORM_STANDIN``,
which implements the same contract; tests replace things at this boundary only.

Contract of the data functions (all take a user object and string keys):

- ``course_grade(user, course_key)`` -> ``CourseGrade(percent, passed)`` or None
- ``block_score(user, course_key, usage_key)`` -> ``Score(earned, possible)`` or None;
  one definition at every level: the points of every problem at or below the block,
  graded or not (the platform's ``all_total``), so an ungraded practice subsection
  scores like a graded one
- ``course_completion(user, course_key)`` -> fraction of the completable leaves
  visible to the learner that they completed, 0..1 (``XBlockCompletionMode``
  COMPLETABLE only, as the platform's ``BlockCompletionTransformer`` counts)
- ``completed_blocks(user, course_key, usage_keys)`` -> set of the given keys completed
- ``certificate(user, course_key)`` -> ``Certificate(mode, status)`` or None
- ``course_blocks(course_key)`` -> list of ``{"usage_key", "block_type",
  "display_name", "graded", "parent"}`` (for authoring), or None if no such course
- ``is_course_staff(user, course_key)`` -> True if the user has the course team's
  rights in that course (the courseware's ``has_access(user, "staff", course_key)``:
  course staff or instructor there, or global staff)
- ``is_enrolled(user, course_key)`` -> True if the learner is enrolled (actively)
- ``block_scores(user, course_key, usage_keys)`` -> ``{usage_key: Score or None}``: the
  scores of many blocks from one read of the learner's grade (the skill-mastery rule)
- ``ccx_runs(user)`` -> ``{master course key: CCX key}`` of the learner's active CCX
  enrollments, in one query. A CCX learner's grade, scores and completions are the
  platform's under the CCX key and its ``ccx-block-v1:`` block keys, so the rules read
  them under ``learner_course_run``; the score and completion readers map the master's
  block keys given into that run (``ccx_usage_key``) and answer under the keys given

Content tagging (openedx-core's ``openedx_tagging`` app, which the platform installs, and
the platform's ``content_tagging`` app for the organizations a taxonomy serves):

- ``org_taxonomies(user, org)`` -> ``[TaxonomyRef]`` enabled for the org that the user may view
- ``search_tags(taxonomy_id, term, limit)`` -> ``[TagRef]`` whose value contains ``term``
- ``taxonomy_tag(taxonomy_id, value)`` -> ``TagRef`` or None
- ``taxonomy_by_export_id(export_id)`` -> ``TaxonomyRef`` or None, and ``taxonomy_tags`` its tags
- ``block_tags(usage_key)`` -> ``[TagRef]`` of one block; ``content_tags(course_key)`` ->
  ``{object_id: [TagRef]}`` of the course and every block in it, in one query

With neither the platform nor a stand-in (a block developer's workbench), every data
function answers "no data" (None, an empty set, False) instead of failing: see
``NO_DATA``. Each call and its real source are listed in docs/platform-contract.md.
"""

import functools
import importlib
import logging
from collections import namedtuple

from django.dispatch import Signal

from . import conf

log = logging.getLogger(__name__)

CourseGrade = namedtuple("CourseGrade", "percent passed")
Score = namedtuple("Score", "earned possible")
Certificate = namedtuple("Certificate", "mode status")
# A taxonomy of content tagging, and one of its tags (``export_id`` is the taxonomy's, stable
# across instances; ``external_id`` the tag's own code in the framework it was imported from).
TaxonomyRef = namedtuple("TaxonomyRef", "id name export_id description")
TagRef = namedtuple("TagRef", "taxonomy_id taxonomy export_id value external_id depth parent_value")

# Platform objects by dotted path. ``signals_config`` names them as
# ``openedx_plugin.compat.<NAME>`` so start-up resolves them through
# ``__getattr__`` below: the platform's object inside the LMS, the stand-in's
# elsewhere (the demo LMS sends the stand-in signals the way the LMS sends its own).
PLATFORM_OBJECTS = {
    "USER_RETIRE_LMS_MISC": "openedx.core.djangoapps.user_api.accounts.signals.USER_RETIRE_LMS_MISC",
    "PROBLEM_WEIGHTED_SCORE_CHANGED": "lms.djangoapps.grades.signals.signals.PROBLEM_WEIGHTED_SCORE_CHANGED",
    "SUBSECTION_SCORE_CHANGED": "lms.djangoapps.grades.signals.signals.SUBSECTION_SCORE_CHANGED",
    "COURSE_GRADE_PASSED_FIRST_TIME": "lms.djangoapps.grades.signals.signals.COURSE_GRADE_PASSED_FIRST_TIME",
    "COURSE_GRADE_NOW_PASSED": "openedx.core.djangoapps.signals.signals.COURSE_GRADE_NOW_PASSED",
    "BlockCompletion": "completion.models.BlockCompletion",
}
_STAND_IN_SIGNALS = {}
_ABSENT = {}


def _import_attr(path):
    module_path, _, attr = path.rpartition(".")
    return getattr(importlib.import_module(module_path), attr)


def _standin():
    """The stand-in platform module configured for this host, or None inside the LMS."""
    path = conf.get("OPENEDX_BADGES_PLATFORM_STANDIN")
    return importlib.import_module(path) if path else None


def in_platform():
    """True inside the LMS or Studio (the platform's grades API imports)."""
    try:
        importlib.import_module("lms.djangoapps.grades.api")
    except ImportError:
        return False
    return True


def master_course_key(course_key):
    """
    The course whose badge rules apply to ``course_key``: the master course of a CCX.

    A CCX (custom course) runs on its master course's content, and its learners'
    events carry the CCX key (``ccx-v1:…``); authors define badges on the master
    course. Any other key, or one that does not parse, is returned unchanged.
    """
    text = str(course_key or "")
    if not text.startswith("ccx-v1:"):
        return text
    try:
        from ccx_keys.locator import CCXLocator  # pylint: disable=import-outside-toplevel
        from opaque_keys import InvalidKeyError  # pylint: disable=import-outside-toplevel

        key = CCXLocator.from_string(text)
    except (ImportError, InvalidKeyError):
        return text
    return str(key.to_course_locator())


def ccx_usage_key(run_key, usage_key):
    """
    ``usage_key`` as the platform keys it in the course run ``run_key``.

    In a CCX the modulestore hands out every block under a ``CCXBlockUsageLocator``
    (``ccx-block-v1:…+ccx@N+type@…``; lms/djangoapps/ccx/modulestore.py ``restore_ccx``), so a
    CCX learner's grade (its problem and subsection scores) and their ``BlockCompletion`` rows
    are keyed so (contract rows P18, P19). ``UsageKey.map_into_course`` does *not* give that
    key (it keeps the ``block-v1`` class, which never equals the CCX one), hence
    ``make_usage_key``. Outside a CCX, or for a key that does not parse, the key is unchanged.
    """
    run, key = str(run_key or ""), str(usage_key or "")
    if not run.startswith("ccx-v1:") or key.startswith("ccx-block-v1:"):
        return key
    try:
        from ccx_keys.locator import CCXLocator  # pylint: disable=import-outside-toplevel
        from opaque_keys import InvalidKeyError  # pylint: disable=import-outside-toplevel
        from opaque_keys.edx.keys import UsageKey  # pylint: disable=import-outside-toplevel

        usage = UsageKey.from_string(key)
        return str(CCXLocator.from_string(run).make_usage_key(usage.block_type, usage.block_id))
    except (ImportError, InvalidKeyError):
        return key


def master_usage_key(usage_key):
    """
    The master course's key of a block: a CCX's ``ccx-block-v1:`` key mapped back with
    ``CCXBlockUsageLocator.to_block_locator()`` (edx-ccx-keys); any other key unchanged.
    Rules name the master course's blocks, so what a CCX event carries is read through this.
    """
    key = str(usage_key or "")
    if not key.startswith("ccx-block-v1:"):
        return key
    try:
        from ccx_keys.locator import CCXBlockUsageLocator  # pylint: disable=import-outside-toplevel
        from opaque_keys import InvalidKeyError  # pylint: disable=import-outside-toplevel

        return str(CCXBlockUsageLocator.from_string(key).to_block_locator())
    except (ImportError, InvalidKeyError):
        return key


def learner_course_run(user, course_key, known=None):
    """
    The course run whose data the platform keeps for this learner of ``course_key`` (a master
    course): the CCX they are enrolled in, or the master course itself.

    The platform enrolls a CCX's learners under the CCX key (``CourseEnrollment`` with the
    ``ccx-v1:`` key; lms/djangoapps/ccx/utils.py ``ccx_students_enrolling_center``), and keeps
    their grades and completions under it too (rows P17-P19), so reading a CCX learner under
    the master key finds nothing. ``known``: ``{master: run}`` already known, from the event
    that triggered the evaluation (the handlers put the key the event named in the trigger):
    then nothing is asked. Otherwise ``ccx_runs(user)`` (one query) tells.
    """
    course = str(course_key or "")
    if known and course in known:
        return known[course]
    return ccx_runs(user).get(course, course)


def ccx_runs(user):
    """
    ``{master course key: CCX key}`` of the learner's active CCX enrollments, in one query
    (the platform's ``CourseEnrollment`` rows whose key is a ``ccx-v1:`` key). A learner
    enrolled in two CCXs of one course (the platform allows it) is read in the one with the
    highest CCX id, the newest.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    standin = _standin()
    if standin is not None and not hasattr(standin, "ccx_run_keys"):
        return {}  # a stand-in without CCXs: every learner takes the course itself
    found = {}
    for key in sorted(_delegate("ccx_run_keys", user), key=_ccx_number):
        text = str(key)
        master = master_course_key(text)
        if master != text:
            found[master] = text
    return found


def _ccx_number(key):
    tail = str(key).rpartition("+ccx@")[2]
    return (int(tail) if tail.isdigit() else -1, str(key))


# --- edx-ace (the platform's messaging; optional: without it the plugin sends Django mail) ---


def ace_has_email_channel():
    """
    True when edx-ace is installed and has a default email channel; False without edx-ace.
    A broken channel plugin raises (UnsupportedChannelError or its own): the caller logs it.
    """
    try:
        from edx_ace.channel import ChannelType, channels  # pylint: disable=import-outside-toplevel
    except ImportError:
        return False
    channels().get_default_channel(ChannelType.EMAIL)
    return True


# The learner's messages, by ACE message name (its templates' folder under
# ``templates/openedx_badges/edx_ace/<name>/email/``: subject.txt, body.txt, body.html,
# head.html and from_name.txt, all five required by ACE). Each includes the Django-mail
# templates of the same message, so both paths share one wording.
ACE_MESSAGES = {
    "badgeawarded": "'You earned a badge': sent once, when an award is made.",
    "badgerevoked": "'Your badge was revoked', with the reason: sent once, when it is revoked.",
    "badgeexpiring": "'Your badge expires soon': sent once per award, OPENEDX_BADGES_EXPIRY_NOTICE_DAYS ahead.",
}


@functools.cache
def _message_type(name):
    # The classes derive from edx-ace's MessageType, so they are made on first use, here.
    from edx_ace.message import MessageType  # pylint: disable=import-outside-toplevel

    return type(f"OpenBadges_{name}", (MessageType,), {
        "__doc__": ACE_MESSAGES[name], "__module__": __name__, "APP_LABEL": "openedx_badges", "NAME": name})


def _badge_awarded_message_type():
    return _message_type("badgeawarded")


def ace_send(name, user, language, context):
    """Hand one of the learner's messages (``ACE_MESSAGES``) to ``ace.send``, which applies the host's policies."""
    from edx_ace import Recipient, ace  # pylint: disable=import-outside-toplevel

    message = _message_type(name)().personalize(
        recipient=Recipient(lms_user_id=user.id, email_address=user.email), language=language, user_context=context)
    ace.send(message)


def ace_send_badge_awarded(user, language, context):
    """Hand the 'you earned a badge' message to ``ace.send`` (which applies the host's policies)."""
    ace_send("badgeawarded", user, language, context)


def is_masquerading():
    """
    Whether the request's real user (staff "view as") differs from the user it acts as.
    crum is platform code, imported here only; without it there is no masquerading.
    """
    try:
        from crum import get_current_user  # pylint: disable=import-outside-toplevel
    except ImportError:
        return False
    request_user = get_current_user()
    real = getattr(request_user, "real_user", None)
    return real is not None and getattr(real, "id", None) != getattr(request_user, "id", None)


def standin_signal(name):
    """
    The one local Signal that stands for the platform's signal ``name`` outside the LMS.

    Stand-in hosts send on it; receivers connected at start-up hear it, whichever
    stand-in data module is configured at the time (tests swap those).
    """
    return _STAND_IN_SIGNALS.setdefault(name, Signal())


def get_platform_object(name):
    """The platform's signal or model ``name``; outside the LMS, the stand-in's."""
    try:
        return _import_attr(PLATFORM_OBJECTS[name])
    except ImportError:
        pass
    if name.isupper():
        return standin_signal(name)
    standin = _standin()
    if standin is not None and hasattr(standin, name):
        return getattr(standin, name)
    # A model this host does not have (completion not installed): a sender that never sends.
    log.warning("Open Badges: %s is not available here; its receiver stays idle.", name)
    return _ABSENT.setdefault(name, type(f"Absent{name}", (), {}))


def __getattr__(name):
    if name in PLATFORM_OBJECTS:
        return get_platform_object(name)
    raise AttributeError(name)


def lms_root_url():
    """The LMS's public origin, from settings (``LMS_ROOT_URL`` in the platform)."""
    from django.conf import settings  # pylint: disable=import-outside-toplevel

    return (getattr(settings, "LMS_ROOT_URL", "") or "").rstrip("/")


def block_url(course_key, usage_key):
    """Where a learner (or a reviewer of the evidence) finds a block: the LMS's jump_to URL."""
    return f"{lms_root_url()}/courses/{course_key}/jump_to/{usage_key}"


def course_home_url(course_key):
    """
    Where a learner goes back to a course: the Learning MFE's course home inside the LMS
    (``get_learning_mfe_home_url(course_key, url_fragment="home")``, contract row P15); without
    the platform, the LMS's ``courses/<course>/course/``, which the platform (and the stand-in)
    redirect to the course's home (row T5).
    """
    try:
        from openedx.features.course_experience.url_helpers import (  # pylint: disable=import-outside-toplevel
            get_learning_mfe_home_url,
        )
    except ImportError:
        return f"{lms_root_url()}/courses/{course_key}/course/"
    return get_learning_mfe_home_url(course_key, url_fragment="home")


def learner_urls():
    """
    The LMS pages the wallet links back to: its home, the learner dashboard (the LMS's
    ``/dashboard``, which sends MFE sites on to Learner Home) and sign-out (``/logout``,
    which signs out on GET). ``OPENEDX_BADGES_DASHBOARD_URL`` and
    ``OPENEDX_BADGES_LOGOUT_URL`` replace the last two where a site moved them.
    """
    root = lms_root_url()
    return {
        "home": f"{root}/",
        "dashboard": conf.get("OPENEDX_BADGES_DASHBOARD_URL") or f"{root}/dashboard",
        "logout": conf.get("OPENEDX_BADGES_LOGOUT_URL") or f"{root}/logout",
    }


def user_language(user):
    """The learner's preferred language (the platform's ``pref-lang``), or None."""
    try:
        from openedx.core.djangoapps.user_api.preferences.api import (  # pylint: disable=import-outside-toplevel
            get_user_preference,
        )
    except ImportError:
        return None
    return get_user_preference(user, "pref-lang")


def get_user(user_id):
    """The user with ``user_id``, or None (an account deleted since the event): how the evaluation tasks find them."""
    from django.contrib.auth import get_user_model  # pylint: disable=import-outside-toplevel

    return get_user_model().objects.filter(pk=user_id).first()


# --- data reads: the platform when present, the stand-in otherwise ---------------------------


# What each read answers where there is neither the platform nor a stand-in (a block
# developer's workbench): no data, never an ImportError from deep inside the platform.
NO_DATA = {
    "course_grade": None, "block_score": None, "course_completion": None, "completed_blocks": frozenset(),
    "certificate": None, "course_blocks": None, "is_course_staff": False, "is_enrolled": False,
    "course_names": {},
    "block_scores": {}, "taxonomies_for_org": None, "ccx_run_keys": frozenset(),
}
_warned_no_platform = []


def _delegate(name, *args):
    standin = _standin()
    if standin is not None:
        return getattr(standin, name)(*args)
    if not in_platform():
        if not _warned_no_platform:
            _warned_no_platform.append(True)
            log.warning("Open Badges: no Open edX platform and no stand-in here; platform reads answer no data.")
        empty = NO_DATA[name]
        return set(empty) if isinstance(empty, frozenset) else dict(empty) if isinstance(empty, dict) else empty
    return globals()[f"_platform_{name}"](*args)


def course_grade(user, course_key):
    """``CourseGrade(percent, passed)`` of the learner in the course, or None (no grade, or no data here)."""
    return _delegate("course_grade", user, course_key)


def block_score(user, course_key, usage_key):
    """
    ``Score(earned, possible)`` of every problem at or below the block, graded or not; or None.
    ``course_key`` may be a CCX (the learner's run, ``learner_course_run``): the block, named
    by its master key, is then read under the CCX's key for it (``ccx_usage_key``).
    """
    return _delegate("block_score", user, course_key, ccx_usage_key(course_key, usage_key))


def course_completion(user, course_key):
    """The fraction (0..1) of the completable leaves visible to the learner that they completed."""
    return _delegate("course_completion", user, course_key)


def completed_blocks(user, course_key, usage_keys):
    """
    The set of ``usage_keys`` the learner completed (empty where there is no data). In a CCX
    (``course_key`` the CCX's) the completions are keyed by the CCX's block keys: the master's
    keys given are looked up so, and answered as given.
    """
    asked = {ccx_usage_key(course_key, key): key for key in usage_keys}
    done = _delegate("completed_blocks", user, course_key, list(asked))
    return {asked.get(str(key), key) for key in done}


def certificate(user, course_key):
    """``Certificate(mode, status)`` of the learner's certificate in the course, or None when they have none."""
    return _delegate("certificate", user, course_key)


def course_blocks(course_key):
    """The course's blocks for authoring rules (``usage_key``, ``block_type``, ...), or None if no such course."""
    return _delegate("course_blocks", course_key)


def course_names(course_keys):
    """
    ``{course_key: display name}`` of the given courses, in one query whatever their
    number (the platform's ``CourseOverview`` table). A course without an overview or
    without a name is left out: callers show its key instead.
    """
    keys = sorted({str(key) for key in course_keys if key})
    if not keys:
        return {}
    return _delegate("course_names", keys)


def block_scores(user, course_key, usage_keys):
    """
    ``{usage_key: Score or None}`` for each key, from one read of the learner's grade: what
    ``block_score`` answers for each, without reading the grade once per block.
    """
    asked = {ccx_usage_key(course_key, key): str(key) for key in usage_keys}
    if not asked:
        return {}
    keys = list(asked)
    standin = _standin()
    if standin is not None and not hasattr(standin, "block_scores"):
        found = {key: standin.block_score(user, course_key, key) for key in keys}
    else:
        found = dict(_delegate("block_scores", user, course_key, keys))
    return {asked.get(str(key), key): score for key, score in found.items()}


def is_course_staff(user, course_key):
    """Course-team rights in ``course_key`` (never from a global flag the platform does not use alone)."""
    if user is None or not getattr(user, "is_authenticated", False) or not course_key:
        return False
    return bool(_delegate("is_course_staff", user, str(course_key)))


def is_enrolled(user, course_key):
    """Whether the learner is actively enrolled; False for an anonymous user or no course, without asking."""
    if user is None or not getattr(user, "is_authenticated", False) or not course_key:
        return False
    return bool(_delegate("is_enrolled", user, str(course_key)))


# --- the platform's side (runs only inside the LMS) ------------------------------------------
# pylint: disable=import-outside-toplevel


def _keys(course_key, usage_key=None):
    from opaque_keys.edx.keys import CourseKey, UsageKey

    course = CourseKey.from_string(course_key)
    # In a CCX, the CCX's own block key (map_into_course would keep the block-v1 class).
    return course, (UsageKey.from_string(ccx_usage_key(course_key, usage_key)).map_into_course(course)
                    if usage_key else None)


def _read_grade(user, course_key):
    from lms.djangoapps.grades.api import CourseGradeFactory

    return CourseGradeFactory().read(user, course_key=_keys(course_key)[0])


def _platform_course_grade(user, course_key):
    grade = _read_grade(user, course_key)
    return CourseGrade(float(grade.percent), bool(grade.passed)) if grade else None


def _platform_block_score(user, course_key, usage_key):
    grade = _read_grade(user, course_key)
    if grade is None:
        return None
    _, usage = _keys(course_key, usage_key)
    if usage in grade.problem_scores:
        score = grade.problem_scores[usage]
        return Score(float(score.earned), float(score.possible))
    if usage in grade.subsection_grades:
        # all_total: every problem of the subsection, graded or not (graded_total would
        # leave an ungraded practice subsection at 0/0).
        total = grade.subsection_grades[usage].all_total
        return Score(float(total.earned), float(total.possible))
    # A unit or section: the sum over every problem below it, graded or not.
    descendants = _descendants(grade.course_data.structure, usage)
    scores = [grade.problem_scores[key] for key in descendants if key in grade.problem_scores]
    if not scores:
        return None
    return Score(sum(float(s.earned) for s in scores), sum(float(s.possible) for s in scores))


def _platform_block_scores(user, course_key, usage_keys):
    grade = _read_grade(user, course_key)
    if grade is None:
        return {key: None for key in usage_keys}
    found = {}
    for key in usage_keys:
        _, usage = _keys(course_key, key)
        if usage in grade.problem_scores:
            score = grade.problem_scores[usage]
            found[key] = Score(float(score.earned), float(score.possible))
        elif usage in grade.subsection_grades:
            total = grade.subsection_grades[usage].all_total
            found[key] = Score(float(total.earned), float(total.possible))
        else:
            scores = [grade.problem_scores[k] for k in _descendants(grade.course_data.structure, usage)
                      if k in grade.problem_scores]
            found[key] = Score(sum(float(x.earned) for x in scores), sum(float(x.possible) for x in scores)) \
                if scores else None
    return found


def _descendants(structure, usage):
    found, stack = set(), [usage]
    while stack:
        for child in structure.get_children(stack.pop()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


# The platform's container blocks (xmodule's course, section, subsection and unit
# blocks) declare completion_mode AGGREGATOR; named here for hosts that cannot load them.
AGGREGATOR_TYPES = ("course", "chapter", "sequential", "vertical")


def completion_mode(block_type):
    """
    A block type's ``XBlockCompletionMode`` (completable, aggregator or excluded).

    A type this host cannot load counts as completable (the XBlock default), except
    the platform's containers, which aggregate.
    """
    from xblock.completable import XBlockCompletionMode
    from xblock.core import XBlock
    from xblock.plugin import PluginMissingError

    try:
        return XBlockCompletionMode.get_mode(XBlock.load_class(block_type))
    except PluginMissingError:
        if block_type in AGGREGATOR_TYPES:
            return XBlockCompletionMode.AGGREGATOR
        return XBlockCompletionMode.COMPLETABLE


def _platform_course_completion(user, course_key):
    from completion.models import BlockCompletion
    from lms.djangoapps.course_blocks.api import get_course_blocks
    from xblock.completable import XBlockCompletionMode
    from xmodule.modulestore.django import modulestore

    course, _ = _keys(course_key)
    # The learner's own view of the course (access transformers), with each block's
    # completion_mode collected, as the platform's BlockCompletionTransformer reads it.
    structure = get_course_blocks(user, modulestore().make_course_usage_key(course), include_completion=True)
    leaves = []
    for key in structure:
        if structure.get_children(key):
            continue
        mode = structure.get_xblock_field(key, "completion_mode") or completion_mode(key.block_type)
        if mode == XBlockCompletionMode.COMPLETABLE:
            leaves.append(key)
    if not leaves:
        return 0.0
    done = set(BlockCompletion.objects.filter(user=user, context_key=course, completion__gte=1.0)
               .values_list("block_key", flat=True))
    return sum(1 for key in leaves if key in done) / len(leaves)


def _platform_completed_blocks(user, course_key, usage_keys):
    from completion.models import BlockCompletion

    course, _ = _keys(course_key)
    done = {str(key) for key in BlockCompletion.objects.filter(user=user, context_key=course, completion__gte=1.0)
            .values_list("block_key", flat=True)}
    return {key for key in usage_keys if key in done}


def _platform_certificate(user, course_key):
    from lms.djangoapps.certificates.api import get_certificate_for_user

    found = get_certificate_for_user(user.username, _keys(course_key)[0])
    # The platform's dict names the certificate's mode "type" (_format_certificate_for_user).
    return Certificate(found["type"], found["status"]) if found else None


def _platform_course_blocks(course_key):
    from xmodule.modulestore.django import modulestore

    course = modulestore().get_course(_keys(course_key)[0], depth=None)
    if course is None:
        return None
    blocks, stack = [], [(course, None)]
    while stack:
        block, parent = stack.pop()
        blocks.append({"usage_key": str(block.location), "block_type": block.location.block_type,
                       "display_name": block.display_name_with_default, "graded": bool(getattr(block, "graded", False)),
                       "parent": str(parent.location) if parent else None})
        stack.extend((child, block) for child in reversed(block.get_children()))
    return blocks


def _platform_course_names(course_keys):
    from opaque_keys import InvalidKeyError
    from opaque_keys.edx.keys import CourseKey
    from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

    parsed = []
    for key in course_keys:
        try:
            parsed.append(CourseKey.from_string(key))
        except InvalidKeyError:
            continue  # an operator's badge with a free-text course key: shown as written
    # Not get_from_ids: it loads every missing overview from the modulestore, one by one.
    rows = CourseOverview.objects.filter(id__in=parsed).values_list("id", "display_name")
    return {str(key): name for key, name in rows if name}


def _platform_is_course_staff(user, course_key):
    from lms.djangoapps.courseware.access import has_access

    return bool(has_access(user, "staff", _keys(course_key)[0]))


def _platform_ccx_run_keys(user):
    from common.djangoapps.student.models import CourseEnrollment

    # One query over the learner's active enrollments (CourseEnrollment.enrollments_for_user's
    # filter); a CCX enrollment's course_id is the CCXLocator (row P17). Filtered here, not with
    # a LIKE on the key column, so the query is the platform's own indexed (user, is_active) one.
    keys = CourseEnrollment.objects.filter(user=user, is_active=True).values_list("course_id", flat=True)
    return {str(key) for key in keys if str(key).startswith("ccx-v1:")}


def _platform_is_enrolled(user, course_key):
    from common.djangoapps.student.models import CourseEnrollment

    return bool(CourseEnrollment.is_enrolled(user, _keys(course_key)[0]))


# --- course tab base (appended for the Badges course tab) ------------------------------------


class _EnrolledTabStandIn:
    """
    The few attributes of the LMS's ``EnrolledTab`` the Badges tab relies on, for hosts
    without the platform (the stand-in LMS, tests), so ``course_tab`` imports anywhere.
    """

    type = ""
    title = ""
    priority = None
    view_name = ""
    is_dynamic = False
    is_hideable = False
    is_default = True

    def __init__(self, tab_dict=None):
        tab_dict = tab_dict or {}
        self.name = tab_dict.get("name", self.title)
        self.tab_id = tab_dict.get("tab_id", self.type)

    def link_func(self, course, reverse_func):
        return reverse_func(self.view_name, args=[str(course.id)])

    @classmethod
    def is_enabled(cls, course, user=None):
        """As the LMS's EnrolledTab: signed in, and enrolled or on the course team of *this* course."""
        if user is None or not user.is_authenticated:
            return False
        return is_enrolled(user, str(course.id)) or is_course_staff(user, str(course.id))


def enrolled_tab_base():
    """The LMS's ``EnrolledTab`` (access to the course required), or the stand-in outside the LMS."""
    try:
        from lms.djangoapps.courseware.tabs import EnrolledTab
    except ImportError:
        return _EnrolledTabStandIn
    return EnrolledTab


def tracker_emit(name, data):
    """
    Write an event to the platform's tracking log (``eventtracking.tracker.emit``): the
    LMS's processors add the request context (user, course, IP, agent) and its backends
    send it on (tracking log, Segment, event-routing-backends). A host without
    eventtracking gets nothing; a failing backend never fails the badge action.
    """
    try:
        from eventtracking import tracker  # pylint: disable=import-outside-toplevel
    except ImportError:
        return
    try:
        tracker.emit(name, data)
    except Exception:  # pylint: disable=broad-except  (analytics must not undo what it reports)
        log.exception("Could not emit the tracking event %s", name)


# --- content tagging (openedx_tagging; the platform's content_tagging for orgs) -------------
#
# openedx_tagging is the same package inside the platform and in the stand-in (openedx-core on
# PyPI, pinned by the platform), so its API is called directly here. Which organizations a
# taxonomy serves is the platform's own table (content_tagging's TaxonomyOrg): asked of the
# platform inside it, of the stand-in outside. Rows G1-G5 of docs/platform-contract.md.


def _tagging():
    """``(api, models)`` of openedx_tagging, or None where it is not installed."""
    try:
        from openedx_tagging import api as tagging_api
        from openedx_tagging import models as tagging_models
    except ImportError:
        try:  # openedx-learning before 0.31 kept the app under core.tagging
            from openedx_tagging.core.tagging import api as tagging_api
            from openedx_tagging.core.tagging import models as tagging_models
        except ImportError:
            return None
    from django.apps import apps

    if not apps.is_installed("openedx_tagging") and not apps.is_installed("openedx_tagging.core.tagging"):
        return None
    return tagging_api, tagging_models


def _tagging_rules():
    """
    openedx_tagging's permission rules, registered on first import (``rules.add_perm``). The
    platform's content_tagging imports them itself and then replaces ``view_taxonomy`` with its
    org-aware rule (``rules.set_perm``); importing the module again changes nothing there.
    """
    try:
        importlib.import_module("openedx_tagging.rules")
    except ImportError:
        importlib.import_module("openedx_tagging.core.tagging.rules")


def _taxonomy_ref(taxonomy):
    return TaxonomyRef(taxonomy.id, taxonomy.name, taxonomy.export_id, taxonomy.description or "")


def _tag_ref(tag, taxonomy=None, depth=None, parent_value=None):
    taxonomy = taxonomy or tag.taxonomy
    return TagRef(taxonomy.id, taxonomy.name, taxonomy.export_id, tag.value, tag.external_id or "",
                  depth if depth is not None else len(tag.get_lineage()) - 1,
                  parent_value if parent_value is not None else (tag.parent.value if tag.parent_id else ""))


def _platform_taxonomies_for_org(org):
    from openedx.core.djangoapps.content_tagging import api as content_tagging

    return content_tagging.get_taxonomies_for_org(enabled=True, org_short_name=org)


def org_taxonomies(user, org):
    """
    The enabled taxonomies the organization ``org`` may use (those of every org included) that
    ``user`` may view, by the permission rule the host installed (``oel_tagging.view_taxonomy``:
    the platform's content_tagging replaces openedx_tagging's own). System-defined taxonomies
    (the platform's languages) are not skill frameworks and are left out.
    """
    tagging = _tagging()
    if tagging is None or not org:
        return []
    import rules as django_rules

    _tagging_rules()
    found = _delegate("taxonomies_for_org", str(org))
    if found is None:
        return []
    visible = []
    for row in found:
        # openedx-core 0.35 hands out base rows to cast to their subclass; later ones drop cast().
        taxonomy = row.cast() if hasattr(row, "cast") else row
        if taxonomy.system_defined or taxonomy.allow_free_text:
            continue
        if user is not None and not django_rules.has_perm("oel_tagging.view_taxonomy", user, taxonomy):
            continue
        visible.append(_taxonomy_ref(taxonomy))
    return visible


def search_tags(taxonomy_id, term, limit):
    """The taxonomy's tags whose value contains ``term`` (any case), at most ``limit``, as ``TagRef``."""
    tagging = _tagging()
    if tagging is None:
        return []
    tagging_api, _models = tagging
    taxonomy = tagging_api.get_taxonomy(taxonomy_id)
    if taxonomy is None or not taxonomy.enabled:
        return []
    wanted = (term or "").casefold()
    found = []
    # search_tags also answers the ancestors of each match (to draw a tree): only matches count.
    for row in tagging_api.search_tags(taxonomy, term or ""):
        if wanted and wanted not in row["value"].casefold():
            continue
        found.append(TagRef(taxonomy.id, taxonomy.name, taxonomy.export_id, row["value"], row["external_id"] or "",
                            row["depth"], row["parent_value"] or ""))
        if len(found) >= limit:
            break
    return found


def taxonomy_tag(taxonomy_id, value=None, *, code=None):
    """
    The tag of that value in an enabled taxonomy (or, given ``code``, the tag with that external
    id, else that value), as ``TagRef``; None if there is none.
    """
    tagging = _tagging()
    if tagging is None:
        return None
    _api, models = tagging
    tags = models.Tag.objects.filter(taxonomy_id=taxonomy_id, taxonomy__enabled=True).select_related(
        "taxonomy", "parent", "parent__parent")
    tag = None
    if code is not None:
        tag = tags.filter(external_id__iexact=code).first() or tags.filter(value__iexact=code).first()
    elif value is not None:
        tag = tags.filter(value=value).first()
    return _tag_ref(tag) if tag else None


def taxonomy_by_export_id(export_id):
    """The taxonomy with that export id (``TaxonomyRef``), or None."""
    tagging = _tagging()
    if tagging is None or not export_id:
        return None
    taxonomy = tagging[0].get_taxonomy_by_export_id(export_id)
    return _taxonomy_ref(taxonomy) if taxonomy is not None and taxonomy.enabled else None


def taxonomy_tags(taxonomy_id):
    """Every tag of the taxonomy in its tree order (``get_tags``), as ``TagRef``."""
    tagging = _tagging()
    if tagging is None:
        return []
    tagging_api, _models = tagging
    taxonomy = tagging_api.get_taxonomy(taxonomy_id)
    if taxonomy is None:
        return []
    return [TagRef(taxonomy.id, taxonomy.name, taxonomy.export_id, row["value"], row["external_id"] or "",
                   row["depth"], row["parent_value"] or "") for row in tagging_api.get_tags(taxonomy)]


def block_tags(usage_key):
    """The tags applied to one block or course (``get_object_tags``: enabled taxonomies, live tags)."""
    tagging = _tagging()
    if tagging is None:
        return []
    return [_tag_ref(object_tag.tag, object_tag.taxonomy) for object_tag in tagging[0].get_object_tags(str(usage_key))
            if object_tag.tag is not None]


def content_tags(course_key):
    """
    ``{object_id: [TagRef]}`` for the course and every block of it that carries a tag, in one
    query: the course's own id and every usage id that starts with its ``block-v1:`` prefix,
    as the platform's ``content_tagging.api.get_all_object_tags`` selects them, keeping only
    tags of enabled taxonomies (as ``get_object_tags`` does).
    """
    tagging = _tagging()
    if tagging is None or not course_key:
        return {}
    from django.db.models import Q

    _api, models = tagging
    course = str(course_key)
    where = Q(object_id=course)
    if course.startswith("course-v1:"):
        where |= Q(object_id__startswith=course.replace("course-v1:", "block-v1:", 1) + "+")
    found = {}
    rows = (models.ObjectTag.objects.filter(where, tag__isnull=False, taxonomy__isnull=False, taxonomy__enabled=True)
            .select_related("tag", "tag__parent", "tag__parent__parent", "taxonomy").order_by("object_id", "id"))
    for object_tag in rows:
        found.setdefault(object_tag.object_id, []).append(_tag_ref(object_tag.tag, object_tag.taxonomy))
    return found


def import_taxonomy(name, export_id, data, *, description="", orgs=None, file_format="json"):
    """
    Create (or reuse, by export id) a closed taxonomy and import ``data`` (bytes of
    openedx_tagging's JSON or CSV import format: ``id``, ``value``, ``parent_id``) through the
    app's own import; ``orgs`` None: every organization may use it. Returns
    ``(TaxonomyRef, ok, log)``.
    """
    tagging = _tagging()
    if tagging is None:
        raise RuntimeError("Content tagging (openedx_tagging) is not installed here.")
    import io

    from openedx_tagging.import_export import api as import_api
    from openedx_tagging.import_export.parsers import ParserFormat

    tagging_api, _models = tagging
    taxonomy = tagging_api.get_taxonomy_by_export_id(export_id)
    if taxonomy is None:
        taxonomy = tagging_api.create_taxonomy(name, description=description, export_id=export_id)
    parser = ParserFormat.CSV if file_format == "csv" else ParserFormat.JSON
    ok, task, _plan = import_api.import_tags(taxonomy, io.BytesIO(data), parser, replace=False)
    _delegate_set_orgs(taxonomy, orgs)
    return _taxonomy_ref(taxonomy), ok, task.log


def _delegate_set_orgs(taxonomy, orgs):
    standin = _standin()
    if standin is not None:
        standin.set_taxonomy_orgs(taxonomy, all_orgs=orgs is None, orgs=orgs or [])
        return
    if in_platform():
        from openedx.core.djangoapps.content_tagging import api as content_tagging
        from organizations.models import Organization

        content_tagging.set_taxonomy_orgs(taxonomy, all_orgs=orgs is None,
                                          orgs=list(Organization.objects.filter(short_name__in=orgs or [])))
