"""
Learner pages of the stand-in courseware: outline, unit, progress, and the LMS's jump_to.

Enough to take the demo course in a browser; every write goes through
``lms_standin.courseware`` so the pages emit what the LMS emits.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import courseware, platform, xblock_runtime
from .models import Course, CourseBlock, Enrollment

LOGIN_URL = "/accounts/login/"


def _course(course_key):
    return get_object_or_404(Course, course_key=course_key)


def _unit_url(course, usage_key):
    return reverse("course-unit", kwargs={"course_key": course.course_key, "usage_key": usage_key})


def _is_enrolled(user, course):
    return user.is_authenticated and Enrollment.objects.filter(user=user, course=course, is_active=True).exists()


def _units(tree):
    return tree.of_type("vertical")


def course_home(request, course_key):
    """
    The LMS's ``courses/<course>/course/``: the platform redirects it to the Learning MFE's course
    home; here the outline is the course's home (compat.course_home_url links here).
    """
    _course(course_key)
    return redirect("course-outline", course_key=course_key)


def outline(request, course_key):
    """The course outline: sections, subsections and units, with what the learner has completed."""
    course = _course(course_key)
    tree = platform.CourseTree(course)
    done = set()
    if request.user.is_authenticated:
        leaves = [row["usage_key"] for row in tree.of_type(*CourseBlock.LEAF_TYPES)]
        done = platform.completed_blocks(request.user, course.course_key, leaves)

    def node(row):
        children = [node(child) for child in tree.children[row["id"]]]
        leaves = [r for r in tree.subtree(row) if r["block_type"] in CourseBlock.LEAF_TYPES]
        return {"row": row, "children": children, "graded": row["id"] in tree.graded_ids,
                "url": _unit_url(course, row["usage_key"]) if row["block_type"] == "vertical" else None,
                "complete": bool(leaves) and all(r["usage_key"] in done for r in leaves)}

    return render(request, "lms_standin/courseware/outline.html", {
        "course": course, "sections": [node(row) for row in tree.roots()],
        "enrolled": _is_enrolled(request.user, course), "login_url": LOGIN_URL,
    })


@require_POST
@login_required(login_url=LOGIN_URL)
def enroll(request, course_key):
    course = _course(course_key)
    courseware.enroll(request.user, course, mode="verified")
    messages.success(request, f"You are enrolled in {course.display_name}.")
    return redirect("course-outline", course_key=course.course_key)


@login_required(login_url=LOGIN_URL)
def unit(request, course_key, usage_key):
    """A unit: its problems as forms (POST answers one), its html blocks (viewing completes them)."""
    course = _course(course_key)
    vertical = get_object_or_404(CourseBlock, course=course, usage_key=usage_key, block_type="vertical")
    course_staff = platform.is_course_staff(request.user, course.course_key)
    if not _is_enrolled(request.user, course) and not course_staff:  # the course team sees units, as in the LMS
        messages.info(request, "Enroll in the course to open its units.")
        return redirect("course-outline", course_key=course.course_key)
    blocks = list(vertical.children.order_by("position", "id"))
    if request.method == "POST":
        return _answer(request, course, vertical, blocks)

    for block in blocks:
        if block.block_type == "html":
            courseware.view_block(request.user, block)
    tree = platform.CourseTree(course)
    scores = platform.learner_scores(request.user, course, courseware.learner_run(request.user, course))
    units = _units(tree)
    index = next(i for i, row in enumerate(units) if row["usage_key"] == vertical.usage_key)
    items = []
    for block in blocks:
        item = {"block": block, "dom_id": block.usage_key.rsplit("@", 1)[-1]}
        if block.block_type == "problem":
            item["score"] = platform.problem_score(tree.by_key[block.usage_key], scores)
            item["answered"] = block.id in scores
            item["choices"] = list(enumerate(block.choices))
        elif block.block_type == "badge_xblock":
            # The real block through the stand-in XBlock runtime; staff may ask for Studio's author view.
            view = "author_view" if course_staff and request.GET.get("view") == "author" else "student_view"
            item["xblock"] = xblock_runtime.render(request.user, block.usage_key, view)
            item["xblock_view"] = view
        items.append(item)
    return render(request, "lms_standin/courseware/unit.html", {
        "course_staff": course_staff,
        "course": course, "vertical": vertical, "items": items,
        "sequential": tree.ancestor(tree.by_key[vertical.usage_key], "sequential"),
        "previous": _unit_url(course, units[index - 1]["usage_key"]) if index > 0 else None,
        "next": _unit_url(course, units[index + 1]["usage_key"]) if index + 1 < len(units) else None,
    })


def _answer(request, course, vertical, blocks):
    problems = {block.usage_key: block for block in blocks if block.block_type == "problem"}
    block = problems.get(request.POST.get("block", ""))
    try:
        choice = int(request.POST.get("choice", ""))
    except ValueError:
        choice = None
    if block is None or choice is None or not 0 <= choice < len(block.choices):
        messages.error(request, "Choose one of the answers, then submit.")
        return redirect(_unit_url(course, vertical.usage_key))
    score = courseware.answer_problem(request.user, block, choice)
    grade = platform.course_grade(request.user, course.course_key)
    verdict = "Correct" if score.earned >= score.possible else "Not quite"
    messages.success(request, f"{verdict}: you scored {score.earned:g} of {score.possible:g} on "
                              f"“{block.display_name}”. Course grade: {grade.percent:.0%}.")
    return redirect(_unit_url(course, vertical.usage_key) + "#" + block.usage_key.rsplit("@", 1)[-1])


@login_required(login_url=LOGIN_URL)
def progress(request, course_key):
    """The learner's grade per graded subsection, course grade, completion and certificate."""
    course = _course(course_key)
    tree = platform.CourseTree(course)
    scores = platform.learner_scores(request.user, course, courseware.learner_run(request.user, course))
    subsections = [{"row": row, "score": platform.total(tree, row, scores)} for row in tree.graded_sequentials()]
    return render(request, "lms_standin/courseware/progress.html", {
        "course": course, "subsections": subsections, "grade": platform.compute_grade(tree, scores),
        "completion": platform.course_completion(
            request.user, courseware.learner_run(request.user, course) or course.course_key),
        "certificate": platform.certificate(request.user, course.course_key),
        "enrolled": _is_enrolled(request.user, course),
    })


def jump_to(request, course_key, usage_key):
    """The LMS's /courses/<course>/jump_to/<block>: the unit showing that block (compat.block_url links here)."""
    course = _course(course_key)
    tree = platform.CourseTree(course)
    row = tree.by_key.get(usage_key)
    if row is None:
        if usage_key == platform.course_root_key(course.course_key):
            return redirect("course-outline", course_key=course.course_key)
        raise Http404("No such block in this course.")
    if row["block_type"] != "vertical":
        unit_row = tree.ancestor(row, "vertical") or next(
            (r for r in tree.subtree(row) if r["block_type"] == "vertical"), None)
        if unit_row is None:
            return redirect("course-outline", course_key=course.course_key)
        anchor = "" if row["block_type"] in ("chapter", "sequential") else "#" + usage_key.rsplit("@", 1)[-1]
        return redirect(_unit_url(course, unit_row["usage_key"]) + anchor)
    return redirect(_unit_url(course, usage_key))
