"""The periodic task of the overview: move the award tallies on (celery beat, every ten minutes)."""

from celery import shared_task

from . import overview


@shared_task(name="openedx_badges.refresh_overview", ignore_result=True)
def refresh_overview():
    """Celery beat's task, every ten minutes: bring the overview's award tallies up to date."""
    return overview.refresh_tallies()
