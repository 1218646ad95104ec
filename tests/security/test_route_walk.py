"""
Issue 17, finding 5: every route, walked by every kind of caller with hostile input,
answers below 500.

The routes are discovered (the plugin's URL patterns, the stand-in's XBlock routes, the
admin's pages of the plugin's models, custom admin views included), so a new route is
walked without anyone listing it. For each route and role (anonymous, the learner who
owns the award, course staff, the operator) the walk sends: the route with real values
and hostile query strings; hostile bodies (nested 100,000 deep, a lone surrogate key,
broken JSON, infinities, wrong types, odd form fields) by POST, PUT, PATCH and DELETE;
and every path parameter replaced by hostile values (UUID look-alikes, huge numbers,
NUL, encoded surrogates, traversal, markup). Rate limits are lifted so that every
request reaches its handler. A 5xx fails the test with the list of requests.

Figures for docs/reliability.md: ``pytest -s tests/security/test_route_walk.py`` prints
the routes and requests walked per role and the 5xx found.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from .conftest import BLOCK_KEY

pytestmark = pytest.mark.django_db

WALK_ROLES = ("anonymous", "owner", "course_staff", "superuser")
STANDIN_ROUTES = ("studio-block", "xblock-handler", "xblock-handler-suffix", "xblock-resource")

PATH_VALUES = [
    "00000000-0000-4000-8000-000000000000",  # a UUID nobody has
    "0123456789abcdef0123456789abcdef-123",  # 36 characters of hex and dashes, not a UUID
    "-" * 36, "0", "-1", "9" * 40, "a" * 300, "%00", "%ff%fe", "%ED%A0%80", "..%2F..%2Fetc%2Fpasswd",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "x%0D%0ASet-Cookie:%20a=b", "%E2%80%AE", "did:web:evil.example",
]
QUERIES = [
    "", "?page=-1", "?page=99999999999999999999999999", "?page=0&page_size=-5", "?page_size=abc&page=1.5",
    "?course=%00", "?status=%ED%A0%80", "?skill=" + "a" * 5000, "?status=earned&course=x&skill=%ff",
    "?state=%ff&code=%00", "?a=1&a=2&a[]=3", "?format=api", "?format=%00", "?o=-99&q=%00&p=-1&all=",
    "?_changelist_filters=%ED%A0%80", "?id__exact=abc&revoked__exact=2",
]
DEEP = "[" * 100_000 + "]" * 100_000
JSON_BODIES = [
    DEEP,
    '{"\\ud800": 1, "public": true}',
    '{"public": "\\udfff", "fields": {"\\ud800": "\\ud800"}}',
    '{"a": ',
    "[1, 2, 3]", '"just a string"', "null", "1e999",
    '{"public": 1e999, "show_name": -1e999, "fields": {"name": null, "criteria_url": "https://x/a|b"}}',
    '{"fields": {"name": "x\\r\\ny", "achievement_type": "ext:My Type"}, "rule": {"all": [[[[]]]]},'
    ' "alignments": "nope", "image": "data:,%00"}',
    '{"verifiablePresentation": {"@context": [], "proof": {}}}',
]
FORM_BODIES = [
    {"reason": "x\x00y", "enabled": "maybe", "users": "a\r\n" * 300, "action": "%ff", "_selected_action": ["x"]},
    {"index": "-1", "select_across": "2", "action": "delete_selected", "_selected_action": ["99999999999999999999"]},
]


# --- discovery ------------------------------------------------------------------------------------


def _template(pattern):
    """The route as a string with ``{name}`` where each parameter goes."""
    text = str(pattern)
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text)
    text = text.lstrip("^").rstrip("$").replace("\\Z", "")
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", text)
    return text.replace("\\.", ".").replace("\\-", "-")


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + _template(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", "/" + prefix + _template(entry.pattern)


def discovered():
    """``{route name: path template}`` of everything the walk covers."""
    routes = {}
    for name, template in _walk(get_resolver().url_patterns):
        if name.startswith("openedx_badges:") or name in STANDIN_ROUTES or name.startswith("admin:openedx_badges_") \
                or (name == "admin:app_list" and "{app_label}" in template):
            routes[name] = template
    return routes


def real_values(world, name):
    from openedx_plugin.models import PendingEvaluation

    admin_objects = {"issuer": world["issuer"], "badgeclass": world["badge"], "award": world["award"],
                     "statuslist": world["status_list"], "backpackprovider": world["ob3"],
                     "backpackconnection": world["connection"], "pushattempt": world["attempt"],
                     "pendingevaluation": PendingEvaluation.objects.first() or world["award"]}
    model = name.split("openedx_badges_", 1)[1].split("_", 1)[0] if "openedx_badges_" in name else ""
    award = world["award"]
    return {
        "issuer_uuid": world["issuer"].uuid, "key_id": world["rsa"].key_id, "list_uuid": world["status_list"].uuid,
        "badge_uuid": world["badge"].uuid, "award_uuid": award.uuid, "uuid": award.uuid, "version": "ob3",
        "fmt": "png", "course_key": world["badge"].course_key,
        "provider_id": (world["dcc"] if "dcc" in name else world["ob3"]).pk,
        "attempt_id": world["attempt"].pk, "exchange_id": "nope", "usage_key": BLOCK_KEY,
        "handler_name": "check_now", "suffix": "some/suffix", "block_type": "badge_xblock",
        "uri": "public/css/badge.css", "app_label": "openedx_badges", "pk": world["badge"].pk,
        "object_id": (admin_objects.get(model) or award).pk,
    }


def _fill(template, values):
    return template.format(**{key: values.get(key, "x") for key in re.findall(r"{(\w+)}", template)})


# --- the walk -------------------------------------------------------------------------------------


def _requests(world, name, template):
    """(method, url, body, content type) for one route."""
    values = real_values(world, name)
    base = _fill(template, values)
    handlers = ["check_now", "save_badge", "preview", "studio_view", "x" * 200] if "{handler_name}" in template \
        else [None]
    for handler in handlers:
        url = base if handler is None else _fill(template, dict(values, handler_name=handler))
        for query in QUERIES:
            yield "get", url + query, None, None
        for body in JSON_BODIES:
            yield "post", url, body, "application/json"
        for body in FORM_BODIES:
            yield "post", url, body, None
        yield "post", url, b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"
        yield "post", url, b"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n", "multipart/form-data; boundary=x"
        for method in ("put", "patch", "delete"):
            for body in (DEEP, '{"\\ud800": 1}', '{"public": "maybe"}'):
                yield method, url, body, "application/json"
        yield "options", url, None, None
        yield "head", url, None, None
    for param in re.findall(r"{(\w+)}", template):
        for hostile in PATH_VALUES:
            url = _fill(template, dict(values, **{param: hostile}))
            yield "get", url, None, None
            yield "post", url, DEEP, "application/json"
            yield "patch", url, '{"\\ud800": 1}', "application/json"


def _send(client, method, url, body, content_type):
    call = getattr(client, method)
    if body is None:
        return call(url)
    if content_type is None:
        return call(url, data=body)
    return call(url, data=body, content_type=content_type)


@pytest.fixture
def unlimited(monkeypatch, settings):
    """Every request reaches its handler: rate limits would answer 429 before the code under test."""
    from openedx_plugin import ratelimit

    monkeypatch.setattr(ratelimit, "limit_for", lambda scope: None)
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False


def test_the_walk_covers_every_route(world):
    routes = discovered()
    from .test_access_matrix import discovered_routes

    assert discovered_routes() <= set(routes)
    for needed in ("admin:openedx_badges_award_change", "admin:openedx_badges_award_revoke",
                   "admin:openedx_badges_badgeclass_award", "openedx_badges:api:award-detail",
                   "openedx_badges:backpacks:dcc-exchange", "xblock-handler"):
        assert needed in routes
    assert routes["openedx_badges:baked"] == "/badges/v1/awards/{award_uuid}/badge-{version}.{fmt}"


@pytest.mark.parametrize("role", WALK_ROLES)
def test_no_route_answers_5xx(world, role, unlimited, capsys):
    routes = discovered()
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world["users"][role])
    failures, sent = [], 0
    for name, template in sorted(routes.items()):
        for method, url, body, content_type in _requests(world, name, template):
            response = _send(client, method, url, body, content_type)
            sent += 1
            if response.status_code >= 500:
                shown = body if not isinstance(body, str) or len(body) < 80 else body[:40] + "…"
                failures.append(f"{response.status_code} {name}: {method.upper()} {url[:160]} {shown!r}")
    with capsys.disabled():
        print(f"\nroute walk ({role}): {len(routes)} routes, {sent} requests, {len(failures)} answered 5xx")
    assert not failures, f"{len(failures)} requests answered 5xx:\n" + "\n".join(failures[:200])
