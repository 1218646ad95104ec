"""
The learners' progress the course team counts as "in progress", kept where it is computed.

Evaluating a rule reads grades; doing it for every learner of a course on each dashboard view
would not scale, so the pipeline leaves a small row (conditions met / in the rule) each time a
rule is evaluated and not met while some condition is (partly) met, and the dashboard counts
those rows. A learner who never triggered an evaluation, or met nothing yet, has not started.
"""

import logging

from django.db import DatabaseError, transaction

from ..models import BadgeProgress

log = logging.getLogger(__name__)


def record(badge_class, user, outcome):
    """Keep how far ``user`` got towards ``badge_class`` (a rule just evaluated, not met); never raises."""
    items = list(outcome.progress or [])
    done = sum(1 for item in items if item.met)
    started = any(item.met or (item.current or 0) > 0 for item in items)
    if not started:
        return  # nothing to count: no write on the grade path for learners who have not begun
    try:
        with transaction.atomic():
            BadgeProgress.objects.update_or_create(
                badge_class=badge_class, user=user, defaults={"done": done, "total": len(items), "started": started})
    except DatabaseError:  # a count on a dashboard never costs the learner their evaluation
        log.exception("Could not record progress of user %s on badge %s.", user.pk, badge_class.pk)
