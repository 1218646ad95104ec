"""Prepare the demo: an admin account and the sample issuer, badge and awards."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from lms_standin.settings.base import VAR_DIR


class Command(BaseCommand):
    help = "Create the demo's admin user and sample badges (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args, **options):
        users = get_user_model().objects
        if not users.filter(username="admin").exists():
            users.create_superuser("admin", "admin@example.com", "admin")
            self.stdout.write("Created the demo superuser admin / admin.")
        call_command("badges_sample", out=str(VAR_DIR / "sample"), base_url=options["base_url"])
