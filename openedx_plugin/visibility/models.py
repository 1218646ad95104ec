"""
The visibility features' models, loaded with the app's (``openedx_plugin/models.py`` imports them).
"""

from django.db import models

from ..models import Award


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



class AwardOverview(Award):
    """No table: the admin's entry for the operator's overview (visibility/overview.py)."""

    class Meta:
        proxy = True
        app_label = "openedx_badges"
        verbose_name = "overview"
        verbose_name_plural = "overview: awards, revocations and pushes"
