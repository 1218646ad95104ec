"""
Award a badge to many learners at once, streamed and batched (``bulk_issue``).

    python manage.py badges_bulk_award --badge UUID --reason "Cohort 2026" --users-file learners.txt
    python manage.py badges_bulk_award --badge UUID --reason "Migration" --all-users --username-prefix cohort26-

Learners are read in batches (``--batch-size``, default ``OPENEDX_BADGES_BULK_BATCH_SIZE``);
those who hold the badge are skipped, so running it again awards nobody new. Each award
emits BADGE_AWARDED after its batch commits; learners are emailed only with ``--notify``.
Provenance is recorded as for a staff award (source "staff", by, reason, time, bulk).
"""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...awards.bulk import _find_users, read_identifiers
from ...awards.bulk_issue import award_many
from ...models import BadgeClass


class Command(BaseCommand):
    help = "Award a badge to many learners (streamed, batched writes, keys decrypted once)."

    def add_arguments(self, parser):
        parser.add_argument("--badge", required=True, help="Badge class UUID.")
        parser.add_argument("--reason", required=True, help="Why staff award it (kept in each award's provenance).")
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--users-file", help="A file (CSV or one per line) of usernames or emails.")
        who.add_argument("--all-users", action="store_true", help="Every active user (narrow with the filters).")
        parser.add_argument("--username-prefix", default="", help="With --all-users: only usernames starting so.")
        parser.add_argument("--batch-size", type=int, default=None, help="Learners per batch.")
        parser.add_argument("--notify", action="store_true", help="Email each new holder (default: no email).")
        parser.add_argument("--staff", default="", help="Username recorded as the awarding staff member.")

    def handle(self, *args, **options):
        try:
            badge = BadgeClass.objects.select_related("issuer").filter(uuid=options["badge"]).first()
        except Exception:  # pylint: disable=broad-except  (not a UUID)
            badge = None
        if badge is None:
            raise CommandError(f"No badge class {options['badge']!r}.")
        if options["users_file"]:
            try:
                with open(options["users_file"], encoding="utf-8-sig") as handle:
                    identifiers = read_identifiers(handle.read())
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                raise CommandError(f"Cannot read {options['users_file']}: {exc}") from exc
            found = _find_users(identifiers)
            users = list({user.pk: user for user in found.values()}.values())
            missing = sum(1 for _, value in identifiers if value not in found and value.lower() not in found)
            if missing:
                self.stderr.write(f"{missing} listed learners were not found.")
        else:
            users = get_user_model().objects.filter(is_active=True)
            if options["username_prefix"]:
                users = users.filter(username__startswith=options["username_prefix"])
        provenance = {"source": "staff", "by": options["staff"] or "management command", "reason": options["reason"],
                      "time": timezone.now().isoformat(), "bulk": True}
        started = time.perf_counter()
        result = award_many(badge, users, provenance=provenance, batch_size=options["batch_size"],
                            notify=options["notify"])
        elapsed = time.perf_counter() - started
        self.stdout.write(f"awarded {result.awarded}, already held {result.already}, refused {result.refused}; "
                          f"{result.batches} batches ({result.fallback_batches} one by one) in {elapsed:.1f} s")
