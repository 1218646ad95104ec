"""The scheduled refresh of the verification bundle (celery beat, when OPENEDX_BADGES_BUNDLE_DIR is set)."""

from celery import shared_task

from .. import conf
from ..settings.common import BUNDLE_TASK as TASK
from . import bundle


@shared_task(name=TASK)
def export_bundle():
    """Rewrite the bundle so revocations keep reaching the static copy; returns the number of documents."""
    folder = conf.get("OPENEDX_BADGES_BUNDLE_DIR")
    if not folder:
        return 0
    return len(bundle.export(folder, conf.get("OPENEDX_BADGES_BUNDLE_ORIGIN") or None)["documents"])
