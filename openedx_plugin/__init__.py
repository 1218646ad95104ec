"""Open Badges for Open edX: the Django plugin app (and, in ``engine``, its pure-Python credential engine)."""

__version__ = "0.1.0"
