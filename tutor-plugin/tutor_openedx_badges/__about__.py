"""Version of the Tutor plugin; by default it installs the same version of openedx-open-badges."""

__version__ = "0.1.0"
