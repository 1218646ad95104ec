"""
The indexes the operator's overview reads instead of the award rows (migration 0009).

Each overview figure is a COUNT that one of these answers from the index alone:
awards per month (``created``), revocations per month (``revoked``, ``revoked_at``),
awards and revocations per badge (``badge_class``, ``revoked``), and pushes per
destination and status (``provider``, ``status``). Timed by bench/overview.py.
"""

from django.db import models

OVERVIEW_AWARD_INDEXES = [
    models.Index(fields=["created"], name="openedx_badges_award_created"),
    models.Index(fields=["revoked", "revoked_at"], name="openedx_badges_award_revoked"),
    models.Index(fields=["badge_class", "revoked"], name="openedx_badges_award_badge"),
]
OVERVIEW_PUSH_INDEXES = [
    models.Index(fields=["provider", "status"], name="openedx_badges_push_dest"),
]
