"""
A platform stand-in for unit tests, swapped in at the compat boundary
(``OPENEDX_BADGES_PLATFORM_STANDIN``): plain dictionaries the tests fill in.
"""

from openedx_plugin.compat import Certificate, CourseGrade, Score

GRADES, SCORES, COMPLETION, COMPLETED, CERTIFICATES, BLOCKS = {}, {}, {}, {}, {}, {}
# (user id, course key) pairs: course-team members (has_access "staff") and enrolled learners.
STAFF, ENROLLED = set(), set()
CALLS = []


def reset():
    for table in (GRADES, SCORES, COMPLETION, COMPLETED, CERTIFICATES, BLOCKS, STAFF, ENROLLED):
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


def is_enrolled(user, course_key):
    return (user.id, course_key) in ENROLLED
