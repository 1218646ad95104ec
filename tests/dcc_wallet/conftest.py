"""The DCC wallet tests talk to a real HTTP server: pytest-django's live server on 127.0.0.1."""

import os

# pytest-django's live server listens here (the stand-in's ALLOWED_HOSTS lists it).
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")
