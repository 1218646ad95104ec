"""
Two fakes for unit tests.

- This module itself is a platform stand-in, swapped in at the compat boundary
  (``OPENEDX_BADGES_PLATFORM_STANDIN``): plain dictionaries the tests fill in.
- ``PlatformFake`` instead fakes the platform's own modules, so that compat's
  real-platform readers run against the documented shapes.
"""

import sys
import types
from collections import namedtuple

from openedx_plugin.compat import Certificate, CourseGrade, Score

GRADES, SCORES, COMPLETION, COMPLETED, CERTIFICATES, BLOCKS = {}, {}, {}, {}, {}, {}
# (user id, course key) pairs: course-team members (has_access "staff") and enrolled learners.
STAFF, ENROLLED = set(), set()
# Course display names the fake knows (CourseOverview's); a key it does not know is shown as the key.
NAMES = {}
CALLS = []


def reset():
    for table in (GRADES, SCORES, COMPLETION, COMPLETED, CERTIFICATES, BLOCKS, STAFF, ENROLLED, NAMES):
        table.clear()
    CALLS.clear()


def course_grade(user, course_key):
    CALLS.append(("course_grade", user.id, course_key))
    found = GRADES.get((user.id, course_key))
    return CourseGrade(*found) if found else None


def block_score(user, course_key, usage_key):
    CALLS.append(("block_score", user.id, usage_key))
    found = SCORES.get((user.id, usage_key))
    return Score(*found) if found else None


def course_completion(user, course_key):
    return COMPLETION.get((user.id, course_key), 0.0)


def completed_blocks(user, course_key, usage_keys):
    done = COMPLETED.get((user.id, course_key), set())
    return {key for key in usage_keys if key in done}


def certificate(user, course_key):
    found = CERTIFICATES.get((user.id, course_key))
    return Certificate(*found) if found else None


def course_blocks(course_key):
    return BLOCKS.get(course_key)


def is_course_staff(user, course_key):
    return (user.id, course_key) in STAFF


def course_names(course_keys):
    CALLS.append(("course_names", tuple(course_keys)))
    return {key: NAMES[key] for key in course_keys if key in NAMES}


def is_enrolled(user, course_key):
    return (user.id, course_key) in ENROLLED


# --- fakes of the platform's own modules, for compat's real-platform readers -------------------
#
# compat's ``_platform_*`` functions import openedx-platform modules. ``PlatformFake``
# puts modules of the same dotted names into ``sys.modules`` whose objects have the
# shapes documented in docs/platform-contract.md (each shape restated from the
# platform's source there): the readers run unchanged, on data a test chooses.
# edx-completion's BlockCompletion is not faked: the real model is installed.

# lms/djangoapps/grades/scores.py: ProblemScore and AggregatedScore expose weighted
# ``earned``/``possible`` and ``graded``.
PlatformScore = namedtuple("PlatformScore", "earned possible graded")


class FakeBlockStructure:
    """BlockStructureBlockData as get_course_blocks returns it: iterable keys, get_children, get_xblock_field."""

    def __init__(self, children, fields):
        self._children, self._fields = children, fields
        self._keys = list(dict.fromkeys([*children, *(kid for kids in children.values() for kid in kids)]))

    def __iter__(self):
        return iter(self._keys)

    def get_children(self, usage_key):
        return list(self._children.get(usage_key, ()))

    def get_xblock_field(self, usage_key, field_name, default=None):
        return self._fields.get(usage_key, {}).get(field_name, default)


class FakeCourseBlock:
    """A modulestore block: location, display_name_with_default, graded, get_children()."""

    def __init__(self, location, display_name, graded=False, children=()):
        self.location, self.display_name_with_default, self.graded = location, display_name, graded
        self._children = list(children)

    def get_children(self):
        return list(self._children)


class PlatformFake:
    """Installs the fake platform modules with ``monkeypatch``; tests fill in the tables."""

    MODULES = (
        "lms", "lms.djangoapps", "lms.djangoapps.grades", "lms.djangoapps.grades.api",
        "lms.djangoapps.course_blocks", "lms.djangoapps.course_blocks.api",
        "lms.djangoapps.certificates", "lms.djangoapps.certificates.api",
        "lms.djangoapps.courseware", "lms.djangoapps.courseware.access",
        "xmodule", "xmodule.modulestore", "xmodule.modulestore.django",
        "common", "common.djangoapps", "common.djangoapps.student", "common.djangoapps.student.models",
        "openedx", "openedx.core", "openedx.core.djangoapps", "openedx.core.djangoapps.user_api",
        "openedx.core.djangoapps.user_api.preferences", "openedx.core.djangoapps.user_api.preferences.api",
        "openedx.core.djangoapps.content", "openedx.core.djangoapps.content.course_overviews",
        "openedx.core.djangoapps.content.course_overviews.models",
        "openedx.features", "openedx.features.course_experience", "openedx.features.course_experience.url_helpers",
    )

    def __init__(self, monkeypatch):
        self.grades = {}        # (user id, course key str) -> grade object (see course_grade())
        self.structure = {}     # course key str -> (children {UsageKey: [UsageKey]}, fields {UsageKey: {...}})
        self.hidden = {}        # (user id, course key str) -> UsageKeys that user's access transformers remove
        self.courses = {}       # course key str -> FakeCourseBlock (the course block)
        self.certificates = {}  # (username, course key str) -> dict as _format_certificate_for_user returns
        self.staff = set()      # (user id, course key str): has_access(user, "staff", course) is true
        self.enrolled = set()   # (user id, course key str)
        self.preferences = {}   # (username, key) -> value
        self.overviews = {}     # CourseKey -> display_name (None allowed, as the column is nullable)
        self.calls = []
        modules = {name: types.ModuleType(name) for name in self.MODULES}
        fake = self

        class CourseGradeFactory:
            def read(self, user, course=None, collected_block_structure=None, course_structure=None,
                     course_key=None, create_if_needed=True):
                fake.calls.append(("grades.read", user.id, str(course_key)))
                return fake.grades.get((user.id, str(course_key)))

        def get_course_blocks(user, starting_block_usage_key, transformers=None, collected_block_structure=None,
                              allow_start_dates_in_future=False, include_completion=False,
                              include_has_scheduled_content=False):
            course_key = str(starting_block_usage_key.course_key)
            fake.calls.append(("get_course_blocks", user.id, course_key, include_completion))
            children, fields = fake.structure[course_key]
            hidden = fake.hidden.get((user.id, course_key), set())
            visible = {key: [child for child in kids if child not in hidden]
                       for key, kids in children.items() if key not in hidden}
            # completion_mode is collected only with include_completion (BlockCompletionTransformer.collect).
            shown = {key: ({k: v for k, v in data.items() if k != "completion_mode" or include_completion})
                     for key, data in fields.items()}
            return FakeBlockStructure(visible, shown)

        class ModuleStore:
            def make_course_usage_key(self, course_key):
                return course_key.make_usage_key("course", "course")

            def get_course(self, course_key, depth=0, **kwargs):
                return fake.courses.get(str(course_key))

        def get_certificate_for_user(username, course_key, format_results=True):
            return fake.certificates.get((username, str(course_key)))

        class AccessResponse:
            def __init__(self, allowed):
                self.has_access = allowed

            def __bool__(self):
                return self.has_access

        def has_access(user, action, obj, course_key=None):
            fake.calls.append(("has_access", user.id, action, str(obj)))
            return AccessResponse(action == "staff" and (user.id, str(obj)) in fake.staff)

        class EnrollmentQuerySet:
            """``CourseEnrollment.objects.filter(user=…, is_active=True).values_list("course_id", flat=True)`` (P17)."""

            def filter(self, user, is_active):
                assert is_active is True
                self.user = user
                return self

            def values_list(self, field, flat=False):
                assert (field, flat) == ("course_id", True)
                fake.calls.append(("enrollments", self.user.id))
                from opaque_keys.edx.keys import CourseKey

                return [CourseKey.from_string(key) for user_id, key in sorted(fake.enrolled) if user_id == self.user.id]

        class CourseEnrollment:
            objects = EnrollmentQuerySet()

            @classmethod
            def is_enrolled(cls, user, course_key):
                return (user.id, str(course_key)) in fake.enrolled

        def get_user_preference(requesting_user, preference_key, username=None):
            return fake.preferences.get((username or requesting_user.username, preference_key))

        class OverviewQuerySet:
            """``CourseOverview.objects.filter(id__in=…).values_list("id", "display_name")`` (row P14)."""

            def __init__(self, keys=None):
                self.keys = keys

            def filter(self, id__in):  # noqa: A002
                assert all(not isinstance(key, str) for key in id__in), "CourseKeyField is given CourseKeys"
                return OverviewQuerySet(list(id__in))

            def values_list(self, *fields):
                assert fields == ("id", "display_name")
                fake.calls.append(("course_overviews", len(self.keys)))
                return [(key, fake.overviews[key]) for key in self.keys if key in fake.overviews]

        class CourseOverview:
            objects = OverviewQuerySet()

        def get_learning_mfe_home_url(course_key, url_fragment=None, params=None):
            link = f"http://apps.local.openedx.io:2000/learning/course/{course_key}"
            return link + (f"/{url_fragment}" if url_fragment else "")

        modules["openedx.core.djangoapps.content.course_overviews.models"].CourseOverview = CourseOverview
        modules["openedx.features.course_experience.url_helpers"].get_learning_mfe_home_url = \
            get_learning_mfe_home_url
        modules["lms.djangoapps.grades.api"].CourseGradeFactory = CourseGradeFactory
        modules["lms.djangoapps.course_blocks.api"].get_course_blocks = get_course_blocks
        modules["xmodule.modulestore.django"].modulestore = ModuleStore
        modules["lms.djangoapps.certificates.api"].get_certificate_for_user = get_certificate_for_user
        modules["lms.djangoapps.courseware.access"].has_access = has_access
        modules["common.djangoapps.student.models"].CourseEnrollment = CourseEnrollment
        modules["openedx.core.djangoapps.user_api.preferences.api"].get_user_preference = get_user_preference
        for name, module in modules.items():
            monkeypatch.setitem(sys.modules, name, module)

    @staticmethod
    def course_grade(percent, passed, problem_scores=None, subsection_grades=None, children=None):
        """A CourseGrade: percent, passed, problem_scores, subsection_grades, course_data.structure."""
        structure = FakeBlockStructure(children or {}, {})
        return types.SimpleNamespace(percent=percent, passed=passed, problem_scores=problem_scores or {},
                                     subsection_grades=subsection_grades or {},
                                     course_data=types.SimpleNamespace(structure=structure))

    @staticmethod
    def subsection_grade(all_total, graded_total):
        return types.SimpleNamespace(all_total=PlatformScore(*all_total, graded=False),
                                     graded_total=PlatformScore(*graded_total, graded=True))
