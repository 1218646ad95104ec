#!/usr/bin/env python
"""Django's command-line utility; the default settings are the demo's stand-in LMS on SQLite."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms_standin.settings.demo")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
