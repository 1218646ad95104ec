"""
Write the static verification bundle: every public document a verifier fetches.

    python manage.py lms badges_export_bundle --out /srv/badges-bundle [--origin https://lms.example.com]

Run it again (cron, or the celery beat entry that OPENEDX_BADGES_BUNDLE_DIR turns on) to
refresh it: files are replaced atomically. See openedx_plugin/persistence/bundle.py.
"""

from django.core.management.base import BaseCommand, CommandError

from ...persistence import bundle


class Command(BaseCommand):
    help = "Write the static verification bundle (did.json, status lists, 2.0 documents, credentials)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Folder to write (created; refreshed if present).")
        parser.add_argument("--origin", default=None,
                            help="Origin whose issuers to export, e.g. https://lms.example.com "
                                 "(default: the default issuer's).")

    def handle(self, *args, **options):
        try:
            index = bundle.export(options["out"], options["origin"])
        except (bundle.BundleError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Wrote {len(index['documents'])} documents of {index['origin']} to {options['out']}."))
