"""The demo's sample course: small enough to pass in a minute, shaped like a real Open edX course."""

from django.db import transaction

from .models import Course, CourseBlock

COURSE_KEY = "course-v1:DemoX+BADGE101+2026"
COURSE_NAME = "Open Badges Demo Course"

# (block id, block type, display name, extra fields, children), in course order.
OUTLINE = [
    ("ch-basics", "chapter", "Data basics", {}, [
        ("seq-basics", "sequential", "Homework: reading data", {"graded": True, "weight": 1.0}, [
            ("v-welcome", "vertical", "Welcome", {}, [
                ("welcome", "html", "About this course", {"html": (
                    "<p>Answer four short questions about working with data. Score 60% or more to pass "
                    "the course and earn its certificate; the course badge shows what you achieved.</p>")}, []),
                ("q1", "problem", "Tidy data", {
                    "question": "In a tidy data set, what does each row hold?",
                    "choices": ["One observation", "One variable", "One data type"], "correct": 0}, []),
            ]),
            ("v-formats", "vertical", "File formats", {}, [
                ("q2", "problem", "CSV files", {
                    "question": "Which format stores a table as plain text with one record per line?",
                    "choices": ["PNG", "CSV", "ZIP"], "correct": 1}, []),
            ]),
        ]),
    ]),
    ("ch-analysis", "chapter", "Analysing data", {}, [
        ("seq-analysis", "sequential", "Exam: first analyses", {"graded": True, "weight": 1.0}, [
            ("v-summaries", "vertical", "Summaries", {}, [
                ("q3", "problem", "Robust averages", {
                    "question": "Which summary is least affected by a few extreme values?",
                    "choices": ["The mean", "The maximum", "The median"], "correct": 2}, []),
            ]),
            ("v-charts", "vertical", "Charts", {}, [
                ("q4", "problem", "Choosing a chart", {
                    "question": "Which chart best shows how a value changes over time?",
                    "choices": ["A line chart", "A pie chart", "A word cloud"], "correct": 0}, []),
            ]),
        ]),
        ("seq-wrapup", "sequential", "Wrap-up", {}, [
            ("v-badge", "vertical", "Your badge", {}, [
                ("badge", "badge_xblock", "Course badge", {}, []),
            ]),
        ]),
    ]),
]


def usage_key(block_type, block_id):
    return f"block-v1:{COURSE_KEY[len('course-v1:'):]}+type@{block_type}+block@{block_id}"


@transaction.atomic
def create_demo_course():
    """Create or refresh the demo course (idempotent: blocks are matched by usage key); returns the Course."""
    course, _ = Course.objects.update_or_create(course_key=COURSE_KEY,
                                                defaults={"display_name": COURSE_NAME, "passing_grade": 0.6})

    def build(entries, parent):
        for position, (block_id, block_type, name, extra, children) in enumerate(entries):
            block, _ = CourseBlock.objects.update_or_create(
                usage_key=usage_key(block_type, block_id),
                defaults={"course": course, "block_type": block_type, "display_name": name, "parent": parent,
                          "position": position, **extra})
            build(children, block)

    build(OUTLINE, None)
    return course


def demo_block(block_id):
    """The demo course's block with this id (``q1``, ``v-badge``…), as tests and tools look it up."""
    return CourseBlock.objects.select_related("course").get(course__course_key=COURSE_KEY,
                                                             usage_key__endswith=f"+block@{block_id}")
