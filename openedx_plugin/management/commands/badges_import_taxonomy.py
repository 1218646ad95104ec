"""
Import a skills taxonomy (or the default level taxonomy) through Open edX's content tagging.

    python manage.py badges_import_taxonomy --levels                       # the shipped levels
    python manage.py badges_import_taxonomy skills.csv --name "Data skills" \\
        --export-id data-skills --org DemoX --org OtherX                    # for two orgs only

The file is openedx_tagging's own import format (CSV or JSON with ``id``, ``value`` and
``parent_id``; the id becomes each tag's external id, the ``targetCode`` of the badges aligned
to it). Importing again updates the taxonomy by tag id. Inside Open edX, Studio's taxonomy pages
do the same; this command is for the level taxonomy and for scripted set-ups.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ... import compat
from ...skills import taxonomies


class Command(BaseCommand):
    help = "Import a taxonomy (CSV or JSON, openedx_tagging's format) for badge skills, levels or categories."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="The CSV or JSON file to import.")
        parser.add_argument("--levels", action="store_true", help="Import the default level taxonomy shipped "
                            "with the plugin (export id OPENEDX_BADGES_LEVEL_TAXONOMY).")
        parser.add_argument("--name", help="The taxonomy's name (the badges' targetFramework).")
        parser.add_argument("--export-id", help="The taxonomy's export id (letters, digits, '-', '_', '.').")
        parser.add_argument("--description", default="")
        parser.add_argument("--org", action="append", default=None,
                            help="An organization that may use it (repeat it); none: every organization.")

    def handle(self, *args, **options):
        if options["levels"]:
            name, export_id = taxonomies.LEVELS_NAME, taxonomies.level_taxonomy_export_id()
            data, file_format = taxonomies.shipped_levels_bytes(), "json"
        else:
            if not (options["file"] and options["name"] and options["export_id"]):
                raise CommandError("Give a file, --name and --export-id (or --levels).")
            path = Path(options["file"])
            if path.suffix.lower() not in (".csv", ".json"):
                raise CommandError("The file must be .csv or .json (openedx_tagging's import formats).")
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise CommandError(f"Cannot read {path}: {exc}") from exc
            name, export_id, file_format = options["name"], options["export_id"], path.suffix.lower()[1:]
        try:
            taxonomy, ok, log = compat.import_taxonomy(name, export_id, data, description=options["description"],
                                                       orgs=options["org"], file_format=file_format)
        except (RuntimeError, ValueError, ValidationError) as exc:
            raise CommandError(str(exc)) from exc
        if not ok:
            raise CommandError(f"The import of {export_id} failed:\n{log}")
        tags = len(compat.taxonomy_tags(taxonomy.id))
        orgs = ", ".join(options["org"]) if options["org"] else "every organization"
        self.stdout.write(f"Imported {taxonomy.name} ({taxonomy.export_id}): {tags} tags, for {orgs}.")
