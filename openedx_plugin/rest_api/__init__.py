"""The learner-facing JSON API (``/badges/api/v1/``), for MFEs and mobile apps to show the wallet."""
