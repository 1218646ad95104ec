"""The periodic task of the overview: move the award tallies on (celery beat, every ten minutes)."""

from celery import shared_task

from . import overview


@shared_task(name="openedx_badges.refresh_overview", ignore_result=True)
def refresh_overview():
    return overview.refresh_tallies()
