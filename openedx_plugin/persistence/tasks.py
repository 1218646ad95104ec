"""The scheduled refresh of the verification bundle (celery beat, when OPENEDX_BADGES_BUNDLE_DIR is set)."""

from celery import shared_task
from django.conf import settings

TASK = "openedx_badges.export_bundle"


@shared_task(name=TASK)
def export_bundle():
    """Rewrite the bundle so revocations keep reaching the static copy; returns the number of documents."""
    from . import bundle  # pylint: disable=import-outside-toplevel

    folder = getattr(settings, "OPENEDX_BADGES_BUNDLE_DIR", "")
    if not folder:
        return 0
    return len(bundle.export(folder, getattr(settings, "OPENEDX_BADGES_BUNDLE_ORIGIN", None) or None)["documents"])
