"""The demo's stand-in LMS (not shipped): a small Django host that loads the plugin as the LMS does."""

from .celery import app as celery_app

__all__ = ["celery_app"]
