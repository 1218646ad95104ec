"""
Award a badge by hand, to one learner or to a CSV of usernames or emails.

    python manage.py badges_award --badge UUID --reason "Workshop" --user alice
    python manage.py badges_award --badge UUID --reason "Workshop" --csv learners.csv --dry-run
"""

import uuid

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ...awards.bulk import bulk_award, read_identifiers
from ...models import BadgeClass


class Command(BaseCommand):
    help = "Award a badge to learners by hand, with a reason (use --dry-run first)."

    def add_arguments(self, parser):
        parser.add_argument("--badge", required=True, help="Badge class UUID.")
        parser.add_argument("--reason", required=True, help="Why staff award it (kept in the award's provenance).")
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", help="A username or email.")
        who.add_argument("--csv", help="A CSV file whose first column holds usernames or emails.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; change nothing.")
        parser.add_argument("--staff", default="", help="Username recorded as the awarding staff member.")

    def handle(self, *args, **options):
        badge = BadgeClass.objects.filter(uuid=options["badge"]).first() if _is_uuid(options["badge"]) else None
        if badge is None:
            raise CommandError(f"No badge class {options['badge']!r}.")
        if options["user"]:
            identifiers = [(1, options["user"])]
        else:
            try:
                with open(options["csv"], encoding="utf-8-sig") as handle:
                    identifiers = read_identifiers(handle.read())
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                raise CommandError(f"Cannot read {options['csv']}: {exc}") from exc
        staff = get_user_model().objects.filter(username=options["staff"]).first() if options["staff"] else None
        report = bulk_award(badge, identifiers, staff_user=staff or options["staff"] or "management command",
                            reason=options["reason"], dry_run=options["dry_run"])
        for row in report:
            self.stdout.write(f"{row.line}\t{row.identifier}\t{row.status}\t{row.award_uuid}")
        counts = {}
        for row in report:
            counts[row.status] = counts.get(row.status, 0) + 1
        self.stdout.write(", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing to do")


def _is_uuid(value):

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
