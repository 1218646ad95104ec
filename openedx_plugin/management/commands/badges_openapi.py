"""
Write (or check) the OpenAPI document of the learner API.

    python manage.py badges_openapi                     # rewrite docs/openapi.yaml
    python manage.py badges_openapi --check             # fail if it is out of date (CI)
    python manage.py badges_openapi --out -             # print it
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...rest_api import schema

DEFAULT_OUT = "docs/openapi.yaml"


class Command(BaseCommand):
    help = "Generate the learner API's OpenAPI document (docs/openapi.yaml)."

    def add_arguments(self, parser):
        parser.add_argument("--out", default=DEFAULT_OUT, help="File to write; '-' for standard output.")
        parser.add_argument("--check", action="store_true", help="Compare with the file instead of writing it.")

    def handle(self, *args, **options):
        text = schema.as_yaml()
        out = options["out"]
        if out == "-":
            self.stdout.write(text, ending="")
            return
        path = Path(out)
        if options["check"]:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} is out of date: run `manage.py badges_openapi`.")
            self.stdout.write(f"{path} is up to date.")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {path}.")
