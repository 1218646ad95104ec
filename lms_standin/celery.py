"""
The stand-in LMS's celery app, configured exactly as the LMS's.

``openedx/core/lib/celery/__init__.py`` in openedx-platform calls
``config_from_object('django.conf:settings')`` with no namespace, so the plugin's
celery settings (its beat schedule above all) must use the names celery reads
there; configuring this app any other way would hide a wrong name again.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms_standin.settings.demo")

app = Celery("lms_standin")
app.config_from_object("django.conf:settings")
app.autodiscover_tasks(["openedx_plugin"])
