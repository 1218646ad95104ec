"""
The visibility features' models, loaded with the app's (``openedx_plugin/models.py`` imports them).
"""

from django.db import models

from ..models import Award, BadgeClass


class BusEventOutbox(models.Model):
    """
    A badge event the event bus did not take, kept until it is produced again.

    .. no_pii:
    """

    event_type = models.CharField(max_length=255)
    award = models.ForeignKey(Award, related_name="+", on_delete=models.CASCADE)
    event_time = models.DateTimeField(help_text="When the event happened; a retry keeps this time.")
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        app_label = "openedx_badges"
        verbose_name = "event bus outbox entry"
        verbose_name_plural = "event bus outbox"

    def __str__(self):
        return f"{self.event_type} for award {self.award_id} ({'sent' if self.sent_at else 'waiting'})"



class AwardTally(models.Model):
    """
    Awards of one badge class counted up to an award id, so the overview sums 200 rows
    instead of reading a million index entries; awards after ``up_to_id`` are counted
    live (``overview.awards_per_badge``). ``overview.refresh_tallies`` moves the mark on
    (celery beat, every 10 minutes) in chunks of award ids.

    .. no_pii:
    """

    badge_class = models.OneToOneField(BadgeClass, related_name="+", on_delete=models.CASCADE)
    awarded = models.PositiveBigIntegerField(default=0)
    up_to_id = models.PositiveBigIntegerField(default=0, help_text="Awards with ids up to this one are counted.")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "openedx_badges"

    def __str__(self):
        return f"{self.awarded} awards of badge {self.badge_class_id} up to award {self.up_to_id}"


class AwardOverview(Award):
    """No table: the admin's entry for the operator's overview (visibility/overview.py)."""

    class Meta:
        proxy = True
        app_label = "openedx_badges"
        verbose_name = "overview"
        verbose_name_plural = "overview: awards, revocations and pushes"
