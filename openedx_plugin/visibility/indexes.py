"""
The indexes the operator's overview reads instead of the award rows (migration 0009).

Each overview figure is a COUNT that one of these answers from the index alone:
awards per month (``created``), revocations per month and per badge (``revoked``,
``revoked_at``, ``badge_class``: revoked awards are few), and pushes per destination
and status (``provider``, ``status``). Awards per badge come from ``AwardTally`` plus
a primary-key range of the newest awards. Timed by bench/overview.py.
"""

from django.db import models

OVERVIEW_AWARD_INDEXES = [
    models.Index(fields=["created"], name="openedx_badges_award_created"),
    models.Index(fields=["revoked", "revoked_at", "badge_class"], name="openedx_badges_award_revoked"),
]
OVERVIEW_PUSH_INDEXES = [
    models.Index(fields=["provider", "status"], name="openedx_badges_push_dest"),
]
