"""The stand-in LMS's celery app, configured like the LMS's (``CELERY_*`` Django settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms_standin.settings.demo")

app = Celery("lms_standin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["openedx_plugin"])
