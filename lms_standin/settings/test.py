"""The test host: plugin settings added for the ``common`` then ``test`` types, as the LMS's test settings do."""

from .base import *  # pylint: disable=wildcard-import,unused-wildcard-import
from .base import PROJECT_TYPE, add_plugins, database

DATABASES = {"default": database(":memory:")}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

add_plugins(__name__, PROJECT_TYPE, "common")
add_plugins(__name__, PROJECT_TYPE, "test")
