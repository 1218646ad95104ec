"""
Queue (or run) the badge evaluations stored while the broker was down.

    python manage.py badges_sweep            # queue them (the broker is back)
    python manage.py badges_sweep --inline   # evaluate them here, without the broker

Celery beat runs the same sweep every five minutes where the host runs beat. The command
also re-queues backpack pushes left pending (beat's ``requeue_pushes`` does that elsewhere)
and sends the follow-ups (event, email, pushes) of awards whose run was interrupted, and
the "your badge expires soon" emails (beat's ``notify_expiring``).
"""

from django.core.management.base import BaseCommand

from ...awards.awarding import notify_expiring, sweep_announcements
from ...backpacks import services
from ...models import PendingEvaluation
from ...tasks import sweep


class Command(BaseCommand):
    help = "Queue or run the pending badge evaluations."

    def add_arguments(self, parser):
        parser.add_argument("--inline", action="store_true", help="Evaluate here instead of queueing.")
        parser.add_argument("--limit", type=int, default=10000)

    def handle(self, *args, **options):
        before = PendingEvaluation.objects.count()
        done = sweep(limit=options["limit"], inline=options["inline"])
        left = PendingEvaluation.objects.count()
        self.stdout.write(f"{done} of {before} pending evaluations {'run' if options['inline'] else 'queued'}; "
                          f"{left} left.")
        # Backpack pushes left pending while the broker was down: hosts without celery beat
        # (Tutor) rely on this command for them too.

        requeued = services.requeue_stale()
        self.stdout.write(f"{requeued} stale backpack pushes queued again.")
        # Awards whose event, email and pushes were interrupted (a crash, a dropped connection).

        self.stdout.write(f"{sweep_announcements(options['limit'])} interrupted award announcements sent.")
        # "Expires soon" emails (beat's notify_expiring elsewhere), once per award.
        self.stdout.write(f"{notify_expiring(options['limit'])} expiry notices sent.")
