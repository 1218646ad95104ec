"""Packaging: one distribution holding the plugin app (with its credential engine) and the XBlock."""

import os
import re

from setuptools import find_namespace_packages, setup

HERE = os.path.dirname(os.path.abspath(__file__))


def read(*parts):
    with open(os.path.join(HERE, *parts), encoding="utf-8") as handle:
        return handle.read()


def version():
    return re.search(r'^__version__ = "([^"]+)"', read("openedx_plugin", "__init__.py"), re.M).group(1)


def requirements(path):
    """Direct requirements from a requirements/*.in file (constraints and includes left out)."""
    lines = (line.split("#", 1)[0].strip() for line in read(path).splitlines())
    return [line for line in lines if line and not line.startswith(("-c", "-r"))]


setup(
    name="openedx-open-badges",
    version=version(),
    description="Open Badges 3.0 and 2.0 for Open edX: a badge XBlock and a self-hosted issuing plugin.",
    long_description=read("README.md"),
    long_description_content_type="text/markdown",
    license="AGPL-3.0-only",
    python_requires=">=3.11",
    # Namespace discovery: folders of templates, static files, contexts and translations are
    # shipped as data of the package that holds them (package_data), and setuptools is told so.
    packages=find_namespace_packages(include=["openedx_plugin", "openedx_plugin.*", "badge_xblock", "badge_xblock.*"],
                                     exclude=["*.__pycache__"]),
    include_package_data=True,
    package_data={
        "openedx_plugin": ["engine/contexts/*", "skills/data/*", "templates/**/*", "static/**/*", "locale/*/LC_MESSAGES/*"],
        "badge_xblock": ["public/**/*", "static/**/*", "templates/**/*", "translations/*/LC_MESSAGES/*"],
    },
    install_requires=requirements("requirements/base.in"),
    entry_points={
        "lms.djangoapp": ["openedx_badges = openedx_plugin.apps:OpenBadgesConfig"],
        "cms.djangoapp": ["openedx_badges = openedx_plugin.apps:OpenBadgesConfig"],
        "xblock.v1": ["badge_xblock = badge_xblock:BadgeXBlock"],
        "openedx.course_tab": ["openedx_badges = openedx_plugin.course_tab:BadgesCourseTab"],
    },
    classifiers=[
        "Framework :: Django",
        "Framework :: Django :: 5.2",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
    ],
    zip_safe=False,
)
