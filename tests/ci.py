"""
The one answer to "is this a CI run?", for every test and for scripts/test.sh.

In CI nothing optional is optional: a test that needs a service, a tool or an optional
package fails when it is missing; on a newcomer's machine it is skipped with the reason.
CI is any non-empty ``CI`` other than 0/false/no (GitHub Actions and GitLab set ``CI=true``).
``python tests/ci.py`` exits 0 in CI and 1 elsewhere, so the shell asks the same question.
"""

import os
import sys

OFF = ("", "0", "false", "no", "off")


def in_ci(environ=os.environ):
    return environ.get("CI", "").strip().lower() not in OFF


def unavailable(reason):
    """A missing service or tool: fail the run in CI, skip the test elsewhere."""
    import pytest  # pylint: disable=import-outside-toplevel  (the shell entry point has no pytest)

    if in_ci():
        pytest.fail(f"{reason} (required in CI)", pytrace=False)
    pytest.skip(reason)


if __name__ == "__main__":
    sys.exit(0 if in_ci() else 1)
