"""Skill mastery (issue 13): evaluating "80% on everything tagged X" against a plain score condition, same run.

A stand-in course of N units, each with one problem, every problem and every unit tagged with
one skill of an imported taxonomy (plus a second skill on half of them); a learner who answered
every problem. Timed, alternating, best of --repeat:

* baseline: a ``score`` condition on the one subsection holding every problem (one grade read);
* ``skill_mastery`` on the skill: the course's tags (one query) and every tagged block's score
  (one read), then each of the 2N tagged blocks checked.

Queries per evaluation are counted for both at two course sizes: skill mastery must not grow
with N (target: the same count at N and 4N).

    .venv/bin/python bench/skills.py [--units 100] [--repeat 7]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402


def make_course(key, units):
    from lms_standin.models import Course, CourseBlock

    course = Course.objects.create(course_key=key, display_name="Bench skills")
    prefix = key.replace("course-v1:", "block-v1:", 1)
    chapter = CourseBlock.objects.create(course=course, usage_key=f"{prefix}+type@chapter+block@ch",
                                         block_type="chapter", display_name="Chapter")
    seq = CourseBlock.objects.create(course=course, usage_key=f"{prefix}+type@sequential+block@seq",
                                     block_type="sequential", display_name="Exam", parent=chapter, graded=True)
    tagged = []
    for n in range(units):
        unit = CourseBlock.objects.create(course=course, usage_key=f"{prefix}+type@vertical+block@v{n}",
                                          block_type="vertical", display_name=f"Unit {n}", parent=seq, position=n)
        problem = CourseBlock.objects.create(course=course, usage_key=f"{prefix}+type@problem+block@p{n}",
                                             block_type="problem", display_name=f"Problem {n}", parent=unit,
                                             correct=0, choices=["a", "b"], question="?")
        tagged.append((unit, problem))
    return course, seq, tagged


def tag(taxonomy_id, tagged):
    from openedx_tagging import api as tagging_api

    taxonomy = tagging_api.get_taxonomy(taxonomy_id)
    for n, (unit, problem) in enumerate(tagged):
        tagging_api.tag_object(unit.usage_key, taxonomy, ["Data analysis"])
        tagging_api.tag_object(problem.usage_key, taxonomy, ["Data analysis"] + (["Charts"] if n % 2 else []))


def answer(user, tagged):
    from django.utils import timezone

    from lms_standin.models import ProblemScore

    now = timezone.now()
    ProblemScore.objects.bulk_create([ProblemScore(user=user, block=problem, earned=1.0, possible=1.0, modified=now)
                                      for _unit, problem in tagged])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    label = _common.setup_django("skills")
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from openedx_plugin import compat, rules

    taxonomy, ok, log = compat.import_taxonomy(
        "Bench skills", "bench-skills", b"id,value,parent_id\nDA,Data analysis,\nCH,Charts,DA\n", file_format="csv")
    assert ok, log
    user = get_user_model().objects.create_user("bench", "bench@example.com", "!")
    sizes = {}
    for units in (args.units, args.units * 4):
        key = f"course-v1:Bench+SK{units}+2026"
        _course, seq, tagged = make_course(key, units)
        tag(taxonomy.id, tagged)
        answer(user, tagged)
        sizes[units] = (key, seq)

    def evaluate(condition):
        return rules.evaluate(condition, rules.Context(user))

    print(f"# skills bench: {label}; {_common.machine()}")
    print(_common.HEADER)
    queries = {}
    for units, (key, seq) in sizes.items():
        mastery = {"kind": "skill_mastery", "course": key, "taxonomy": "bench-skills", "tag": "Data analysis",
                   "min_fraction": 0.8}
        score = {"kind": "score", "course": key, "block": seq.usage_key, "min_fraction": 0.8}
        assert evaluate(mastery).met and evaluate(score).met
        best = [float("inf"), float("inf")]
        for _ in range(args.repeat):
            for n, condition in enumerate((score, mastery)):
                t0 = time.perf_counter()
                evaluate(condition)
                best[n] = min(best[n], (time.perf_counter() - t0) * 1000)
        for n, condition in enumerate((score, mastery)):
            with CaptureQueriesContext(connection) as captured:
                evaluate(condition)
            queries[(units, n)] = len(captured)
        _common.row(f"skill_mastery, {2 * units} tagged blocks (ms/evaluation)", best[1], best[0],
                    best[1] / best[0], "< 5x a score", best[1] / best[0] < 5)
        _common.row(f"  queries per evaluation ({units} units)", float(queries[(units, 1)]),
                    float(queries[(units, 0)]), queries[(units, 1)] / queries[(units, 0)], "constant in N", "-")
    small, large = sizes
    _common.row("skill_mastery queries, 4N vs N", float(queries[(large, 1)]), float(queries[(small, 1)]),
                queries[(large, 1)] / queries[(small, 1)], "1.00x", queries[(large, 1)] == queries[(small, 1)])
    _common.cleanup()


if __name__ == "__main__":
    main()
