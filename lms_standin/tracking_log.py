"""
The stand-in's tracking log: an eventtracking backend that keeps every event in memory,
where the LMS's would write them to its tracking log file and on to analytics.
Configured in the test settings (``EVENT_TRACKING_BACKENDS``); tests read ``EVENTS``.
"""

EVENTS = []


class CapturingBackend:
    """An eventtracking backend: ``send(event)`` receives each processed event dict."""

    def __init__(self, **options):
        self.options = options

    def send(self, event):
        EVENTS.append(event)


def named(prefix):
    """The captured events whose name starts with ``prefix``."""
    return [event for event in EVENTS if event.get("name", "").startswith(prefix)]
