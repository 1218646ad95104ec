"""
Public URLs where the host has not mounted the plugin's URLs (issue 19, item 14).

The LMS and Studio mount them through ``plugin_app['url_config']``; a host without
the plugin framework (xblock-sdk's workbench) gets a clear error naming the fix
instead of Django's NoReverseMatch, and ``mounted()`` lets display code degrade.
"""

import pytest
from django.urls import clear_url_caches

from openedx_plugin.credentials import public_urls

pytestmark = pytest.mark.django_db

urlpatterns = []  # this module is the URLconf of a host that serves none of the plugin's URLs


@pytest.fixture
def bare_host(settings):
    settings.ROOT_URLCONF = __name__
    clear_url_caches()
    yield
    clear_url_caches()


def test_a_host_without_the_plugins_urls_gets_a_clear_error(bare_host, badge_class):
    assert public_urls.mounted() is False
    with pytest.raises(public_urls.PublicUrlsNotMounted, match="Include openedx_plugin.urls with namespace"):
        public_urls.badge_class_url(badge_class)


def test_the_stand_in_lms_mounts_them_as_the_lms_does(badge_class):
    assert public_urls.mounted() is True
    assert public_urls.badge_class_url(badge_class) == (
        f"https://lms.example.com/badges/v1/classes/{badge_class.uuid}")


def test_an_unknown_name_is_still_django_s_error(badge_class):
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        public_urls.path("no-such-url")
