"""Prepare the demo: an admin account, the sample course and its learner, and the sample issuer, badge and awards."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from lms_standin.courseware import enroll
from lms_standin.demo_badges import create_demo_badges
from lms_standin.demo_course import create_demo_course
from lms_standin.demo_skills import create_demo_skills
from lms_standin.settings.base import VAR_DIR


class Command(BaseCommand):
    help = "Create the demo's admin user, sample course and learner, and sample badges (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args, **options):
        users = get_user_model().objects
        if not users.filter(username="admin").exists():
            users.create_superuser("admin", "admin@example.com", "admin")
            self.stdout.write("Created the demo superuser admin / admin.")
        course = create_demo_course()
        learner = users.filter(username="learner").first()
        if learner is None:
            learner = users.create_user("learner", "learner@example.com", "learner", first_name="Demo",
                                        last_name="Learner")
            self.stdout.write("Created the demo learner learner / learner.")
        enroll(learner, course, mode="verified")
        self.stdout.write(f"Demo course: /courses/{course.course_key}/")
        for badge in create_demo_badges(options["base_url"]):
            self.stdout.write(f"Demo badge: {badge['name']} ({badge['uuid']})")
        skills_badge = create_demo_skills(options["base_url"])
        self.stdout.write(f"Demo skills badge: {skills_badge['name']} ({skills_badge['uuid']}), from the "
                          f"demo taxonomy the course's content is tagged with")
        call_command("badges_sample", out=str(VAR_DIR / "sample"), base_url=options["base_url"])
