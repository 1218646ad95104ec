"""
Public documents are cached under keys that every Django cache backend accepts.

The names of cached documents carry values from public URLs (a key id, a badge id). A
key with control characters, spaces or more than 250 characters makes memcached, a
common production cache of Open edX, raise instead of caching, so a hostile URL would
answer 500 there. Django's ``memcache_key_warnings`` lists what memcached refuses.
"""

import pytest
from django.core.cache.backends.base import memcache_key_warnings

from openedx_plugin.credentials import caching


@pytest.fixture
def keys_used(monkeypatch, settings):
    settings.OPENEDX_BADGES_PUBLIC_CACHE_SECONDS = 60
    seen = []
    real_get = caching.cache.get

    def recording_get(key, *args, **kwargs):
        seen.append(caching.cache.make_key(key))
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(caching.cache, "get", recording_get)
    return seen


@pytest.mark.parametrize("name", [
    "key:2f4b6317-5c18-44ba-87ed-073c9a67cc3a:x\r\nSet-Cookie: a=b",
    "key:2f4b6317-5c18-44ba-87ed-073c9a67cc3a:\x00",
    "key:" + "k" * 400,
    "key:with space",
    "key:\ud800",
])
def test_hostile_names_give_keys_memcached_accepts(keys_used, name):
    built = caching.document(name, [], lambda: caching.make({"ok": True}))
    assert built.status == 200
    assert keys_used, "the document was not looked up in the cache"
    for key in keys_used:
        assert list(memcache_key_warnings(key)) == [], key


def test_plain_names_stay_readable_and_distinct(keys_used):
    caching.document("key:abc-1", [], lambda: caching.make({}))
    caching.document("key:abc-2", [], lambda: caching.make({}))
    assert any(":d:key:abc-1:" in key for key in keys_used)
    assert any(":d:key:abc-2:" in key for key in keys_used)
