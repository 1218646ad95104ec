"""
Platform reads per evaluation, by rule kind, counted by the stand-in (``lms_standin.platform.reads``).

Shared by ``test_read_counts.py`` (which asserts them) and ``bench/events.py`` (which prints
them). Each case builds a course of its own with its rules, lets a learner act through the
stand-in courseware (real signals, real receivers), catches the evaluation the receivers
queue, and runs it, counting only what the evaluation reads: one course grade, one
completion summary, one certificate at most; nothing when the signal carried what a rule
needs; nothing for a rule the signal does not concern.
"""

import itertools

_serial = itertools.count(1)

# (label, rules, action): each rule is (badge name, condition builder), the builder taking
# the course's blocks by short name; the action is what the learner does.
_CASES = [
    ("course_passed; answers a problem", [("A", lambda b: {"kind": "course_passed", "course": b["course"]})],
     "answer"),
    ("course_completion; answers a problem",
     [("A", lambda b: {"kind": "course_completion", "course": b["course"], "min_percent": 0.3})], "answer"),
    ("certificate; answers a problem (passes, certificate issued)",
     [("A", lambda b: {"kind": "certificate", "course": b["course"]})], "answer"),
    ("score on the problem answered (the signal carries it)",
     [("A", lambda b: {"kind": "score", "course": b["course"], "block": b["p1"], "min_points": 1})], "answer"),
    ("score on the subsection of the problem answered",
     [("A", lambda b: {"kind": "score", "course": b["course"], "block": b["seq"], "min_fraction": 0.5})], "answer"),
    ("units_completed; answers one of the blocks",
     [("A", lambda b: {"kind": "units_completed", "course": b["course"], "blocks": [b["p1"]]})], "answer"),
    ("badges (pathway) after a score badge",
     [("A", lambda b: {"kind": "score", "course": b["course"], "block": b["p1"], "min_points": 1}),
      ("B", lambda b: {"kind": "badges", "badges": [b["badge:A"]]})], "answer"),
    ("all of course_passed, course_completion, certificate",
     [("A", lambda b: {"all": [{"kind": "course_passed", "course": b["course"]},
                               {"kind": "course_completion", "course": b["course"], "min_percent": 0.3},
                               {"kind": "certificate", "course": b["course"]}]})], "answer"),
    ("two rules reading the course grade",
     [("A", lambda b: {"kind": "course_passed", "course": b["course"]}),
      ("B", lambda b: {"kind": "course_passed", "course": b["course"], "min_percent": 0.4})], "answer"),
    ("certificate; the learner only views a page (a completion signal)",
     [("A", lambda b: {"kind": "certificate", "course": b["course"]})], "view"),
    ("score; the learner only views a page (a completion signal)",
     [("A", lambda b: {"kind": "score", "course": b["course"], "block": b["p1"], "min_points": 1})], "view"),
]
# (label, (rules, action)): what the test parametrizes over and the bench prints.
CASES = [(label, (rules, action)) for label, rules, action in _CASES]


def build_course():
    """A course of its own: one graded subsection, two units (a problem each, and a page in the first)."""
    from lms_standin.models import Course, CourseBlock

    n = next(_serial)
    key = f"course-v1:Reads+R{n}+2026"
    base = key[len("course-v1:"):]
    course = Course.objects.create(course_key=key, display_name=f"Reads {n}", passing_grade=0.5)

    def block(name, block_type, parent, position, **fields):
        return CourseBlock.objects.create(course=course, usage_key=f"block-v1:{base}+type@{block_type}+block@{name}",
                                          block_type=block_type, display_name=name.upper(), parent=parent,
                                          position=position, **fields)

    chapter = block("ch", "chapter", None, 0)
    seq = block("seq", "sequential", chapter, 0, graded=True, weight=1.0)
    v1 = block("v1", "vertical", seq, 0)
    v2 = block("v2", "vertical", seq, 1)
    p1 = block("p1", "problem", v1, 0, question="?", choices=["yes", "no"], correct=0, max_points=1.0)
    h1 = block("h1", "html", v1, 1, html="<p>page</p>")
    p2 = block("p2", "problem", v2, 0, question="?", choices=["yes", "no"], correct=0, max_points=1.0)
    blocks = {"course": key, "seq": seq.usage_key, "v1": v1.usage_key, "v2": v2.usage_key, "p1": p1.usage_key,
              "h1": h1.usage_key, "p2": p2.usage_key}
    return course, blocks, {"p1": p1, "h1": h1, "p2": p2}


def measure(case):
    """The reads of the evaluation(s) the learner's action queues: ``{kind: count}``."""
    from django.contrib.auth import get_user_model

    from lms_standin import courseware, platform
    from openedx_plugin import tasks
    from openedx_plugin.awards import awarding
    from openedx_plugin.credentials import issuing
    from openedx_plugin.models import BadgeRule, Issuer

    rules, action = case
    course, blocks, rows = build_course()
    issuer = Issuer.objects.order_by("id").first() or issuing.create_issuer(
        "Reads University", "https://reads.example/", "badges@reads.example")
    for name, condition in rules:
        badge = issuing.create_badge_class(issuer, f"{name} of {course.course_key}", "Counted.",
                                           course_key=course.course_key, criteria_narrative="Counted.")
        blocks[f"badge:{name}"] = str(badge.uuid)
        BadgeRule.objects.create(badge_class=badge, condition=condition(blocks))
    learner = get_user_model().objects.create_user(f"reads{next(_serial)}", "reads@example.com", "x")
    courseware.enroll(learner, course, mode="verified")

    queued = []
    original = tasks.enqueue
    tasks.enqueue = lambda user_id, course_key, trigger: queued.append((user_id, course_key, trigger)) or True
    try:
        if action == "answer":
            courseware.answer_problem(learner, rows["p1"], rows["p1"].correct)
        else:
            courseware.view_block(learner, rows["h1"])
    finally:
        tasks.enqueue = original
    awarding.forget_block_names()  # a worker's first evaluation of the course: names are read once
    platform.reset_reads()
    for user_id, course_key, trigger in queued:
        awarding.evaluate_learner(user_id, course_key, trigger)
    return platform.reads()
