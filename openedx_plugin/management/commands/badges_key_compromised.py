"""
Declare a signing key compromised: withdraw it, revoke what it signed, re-issue with the current key.

    python manage.py lms badges_key_compromised --issuer <uuid> --key ed-2 --reason "Leaked backup" --dry-run
    python manage.py lms badges_key_compromised --issuer <uuid> --key ed-2 --reason "Leaked backup"

See openedx_plugin/persistence/compromise.py. Run it again to finish an interrupted run.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ...models import SigningKey
from ...persistence import compromise


class Command(BaseCommand):
    help = "Mark a signing key compromised: revoke every credential it signed and re-issue it with the current key."

    def add_arguments(self, parser):
        parser.add_argument("--issuer", required=True, help="The issuer's UUID.")
        parser.add_argument("--key", required=True, help="The key's id, e.g. ed-2 or rsa-1 (see the issuer's admin).")
        parser.add_argument("--reason", required=True, help="Why the key is considered compromised.")
        parser.add_argument("--dry-run", action="store_true", help="Say what would happen; change nothing.")

    def handle(self, *args, **options):
        try:
            key = SigningKey.objects.select_related("issuer").get(issuer__uuid=options["issuer"],
                                                                  key_id=options["key"])
        except (SigningKey.DoesNotExist, ValidationError, ValueError) as exc:
            raise CommandError(f"No key {options['key']!r} of issuer {options['issuer']!r}.") from exc
        try:
            report = compromise.mark_compromised(key, options["reason"], by="command", dry_run=options["dry_run"])
        except compromise.CompromiseError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(report.summary()))
        for old, new in report.reissued.items():
            self.stdout.write(f"  {old} -> {new}")
        for old, why in report.not_reissued.items():
            self.stdout.write(f"  {old} revoked, not re-issued: {why}")
