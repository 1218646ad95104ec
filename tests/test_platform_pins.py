"""
The plugin's own requirements (requirements/base.in, setup.py's install_requires) admit the
version of every package that each supported Open edX release pins (constraints-ulmo.txt,
constraints-verawood.txt, copied from the platform's requirements/edx/base.txt).

Installing the plugin into the platform's image (the Tutor Dockerfile patch) must never
upgrade or downgrade a package the platform pinned; the test passes of scripts/test.sh then
run the suite on exactly those versions.
"""

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REQUIREMENTS = Path(__file__).resolve().parents[1] / "requirements"


def _lines(name):
    for raw in (REQUIREMENTS / name).read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            yield line


def _pins(name):
    pins = {}
    for line in _lines(name):
        package, version = re.fullmatch(r"([A-Za-z0-9._-]+)==(\S+)", line).groups()
        pins[canonicalize_name(package)] = Version(version)
    return pins


OURS = [Requirement(line) for line in _lines("base.in")]


@pytest.mark.parametrize("release", ["ulmo", "verawood"])
def test_our_ranges_admit_the_platform_pins(release):
    pins = _pins(f"constraints-{release}.txt")
    shared = {canonicalize_name(req.name): req for req in OURS if canonicalize_name(req.name) in pins}
    # what the platform pins of ours: the framework, events, the block, keys, crypto, celery...
    assert {"django", "xblock", "celery", "djangorestframework", "edx-opaque-keys", "openedx-events",
            "edx-django-utils", "cryptography", "pyjwt", "pillow", "requests", "defusedxml"} <= set(shared)
    refused = {name: f"{pins[name]} not in {req.specifier}" for name, req in shared.items()
               if not req.specifier.contains(pins[name], prereleases=True)}
    assert refused == {}


def test_setup_py_installs_what_base_in_says():
    setup = (REQUIREMENTS.parent / "setup.py").read_text()
    assert 'install_requires=requirements("requirements/base.in")' in setup
