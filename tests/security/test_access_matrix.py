"""
The access matrix (issue 8, part 3): every URL of the plugin, and every handler of the
badge block, against every role, with the outcome each must get.

The routes are discovered (the URL resolver under the ``openedx_badges`` namespace, the
stand-in's XBlock routes, the block's handlers, the plugin's admin models): a route the
matrix does not classify fails ``test_matrix_is_complete``, so the matrix cannot go stale.
"""

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from .conftest import BLOCK_KEY, ROLES, client_for

pytestmark = pytest.mark.django_db

LOGIN = "login"  # an anonymous learner view redirects to a login URL
OK = {200}
NOT_FOUND = {404}
REDIRECT_LOGIN = "redirect-login"
ANON_API = {401, 403}
STANDIN_ROUTES = ("studio-block", "xblock-handler", "xblock-handler-suffix", "xblock-resource")
LEARNERS = ("owner", "other", "course_staff", "global_staff", "superuser")


def walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def discovered_routes():
    names = set(walk(get_resolver().url_patterns))
    return {name for name in names if name.startswith("openedx_badges:")} | \
        {name for name in names if name in STANDIN_ROUTES}


def block_handlers():
    from badge_xblock.block import BadgeXBlock

    return {name for name in dir(BadgeXBlock) if getattr(getattr(BadgeXBlock, name, None), "_is_xblock_handler",
                                                         False)}


def plugin_admin_models():
    return {model._meta.model_name for model in admin.site._registry if model._meta.app_label == "openedx_badges"}


def everyone(codes):
    return {role: codes for role in ROLES}


def learner_view(owner=OK, other=NOT_FOUND):
    """A login-required view on the owner's object: others get 404, anonymous goes to sign in."""
    return {"anonymous": REDIRECT_LOGIN, "owner": owner, **{role: other for role in LEARNERS if role != "owner"}}


def api_view(owner=OK, other=NOT_FOUND):
    return {"anonymous": ANON_API, "owner": owner, **{role: other for role in LEARNERS if role != "owner"}}


def team_view(staff=OK, anonymous=REDIRECT_LOGIN):
    """The course team's pages and API (issue 18): that course's staff only; learners 403, anonymous to sign in."""
    return {"anonymous": anonymous, "owner": {403}, "other": {403}, "course_staff": staff, "global_staff": staff,
            "superuser": staff}


STAFF_ONLY_HANDLER = {"anonymous": {403}, "owner": {403}, "other": {403}, "course_staff": {200},
                      "global_staff": {200}, "superuser": {200}}


COURSE_TEAM_PAGE = {"anonymous": REDIRECT_LOGIN, "owner": {403}, "other": {403}, "course_staff": OK,
                    "global_staff": OK, "superuser": OK}


def matrix(w):
    """route name -> (method, url, data, {role: expected})."""
    issuer, badge, award = w["issuer"], w["badge"], w["award"]
    ob3, dcc, attempt = w["ob3"].pk, w["dcc"].pk, w["attempt"].pk
    a = award.uuid
    handler = f"/xblock/{BLOCK_KEY}/handler/"
    team = f"/badges/course/{badge.course_key}/manage/"
    return {
        # public documents: everyone, logged in or not
        "openedx_badges:did-default": ("get", "/.well-known/did.json", None, everyone(OK)),
        "openedx_badges:issuer": ("get", f"/badges/v1/issuers/{issuer.uuid}", None, everyone(OK)),
        "openedx_badges:did": ("get", f"/badges/v1/issuers/{issuer.uuid}/did.json", None, everyone(OK)),
        "openedx_badges:issuer-image": ("get", f"/badges/v1/issuers/{issuer.uuid}/image", None, everyone(OK)),
        "openedx_badges:key": ("get", f"/badges/v1/issuers/{issuer.uuid}/keys/{w['rsa'].key_id}", None, everyone(OK)),
        "openedx_badges:revocation-list": ("get", f"/badges/v1/issuers/{issuer.uuid}/revocations", None,
                                           everyone(OK)),
        "openedx_badges:status-list": ("get", f"/badges/v1/status/{w['status_list'].uuid}", None, everyone(OK)),
        "openedx_badges:badge-class": ("get", f"/badges/v1/classes/{badge.uuid}", None, everyone(OK)),
        "openedx_badges:badge-image": ("get", f"/badges/v1/classes/{badge.uuid}/image", None, everyone(OK)),
        "openedx_badges:assertion": ("get", f"/badges/v1/assertions/{a}", None, everyone(OK)),
        "openedx_badges:credential": ("get", f"/badges/v1/credentials/{a}", None, everyone(OK)),
        "openedx_badges:baked": ("get", f"/badges/v1/awards/{a}/badge-ob3.png", None, everyone(OK)),
        "openedx_badges:verify": ("get", f"/badges/verify/{a}", None, everyone(OK)),
        # a taxonomy's skill page (issue 13): public; no taxonomy here, so nobody finds this one
        "openedx_badges:skill": ("get", "/badges/skills/no-such-taxonomy/DS-1", None, everyone(NOT_FOUND)),
        # the wallet: the list and course tab show each user their own; the detail is the owner's only
        "openedx_badges:wallet": ("get", "/badges/wallet/", None, learner_view(other=OK)),
        "openedx_badges:wallet-detail": ("get", f"/badges/wallet/{a}/", None, learner_view()),
        "openedx_badges:wallet-bind-did": ("get", f"/badges/wallet/{a}/did/", None, learner_view()),  # issue 21
        "openedx_badges:wallet-shared": ("post", f"/badges/wallet/{a}/shared", {"channel": "linkedin"},
                                         learner_view(owner={204})),
        "openedx_badges:course-badges": ("get", f"/badges/course/{badge.course_key}/", None,
                                         learner_view(other=OK)),
        # issue 18: the certificate and the files are the owner's; each learner has their own profile settings;
        # a public profile page that nobody turned on is 404 to everyone (tests/wallet covers one turned on)
        "openedx_badges:wallet-certificate": ("get", f"/badges/wallet/{a}/certificate/", None, learner_view()),
        "openedx_badges:wallet-download": ("get", f"/badges/wallet/{a}/download/signed", None, learner_view()),
        "openedx_badges:wallet-profile": ("get", "/badges/wallet/profile/", None, learner_view(other=OK)),
        "openedx_badges:public-profile": ("get", "/badges/u/nobody-turned-this-on/", None, everyone(NOT_FOUND)),
        # the REST API
        "openedx_badges:api:award-list": ("get", "/badges/api/v1/awards/", None, api_view(other=OK)),
        "openedx_badges:api:award-detail": ("get", f"/badges/api/v1/awards/{a}/", None, api_view()),
        "openedx_badges:api:badge-class-list": ("get", f"/badges/api/v1/badge-classes/?course={badge.course_key}",
                                                None, api_view(other=OK)),
        "openedx_badges:api:pathway-list": ("get", "/badges/api/v1/pathways/", None, api_view(other=OK)),
        # the pathway editor and a course's list of badges: the course's team (and global staff) only
        "openedx_badges:pathway-edit": ("get", f"/badges/pathways/{badge.uuid}/", None, COURSE_TEAM_PAGE),
        "openedx_badges:pathway-course": ("get", f"/badges/pathways/course/{badge.course_key}/", None,
                                          COURSE_TEAM_PAGE),
        "openedx_badges:api:skills-profile": ("get", "/badges/api/v1/skills/", None, api_view(other=OK)),
        "openedx_badges:api:public-profile": ("get", "/badges/api/v1/profile/", None, api_view(other=OK)),
        # the course team's dashboard and API (issue 18); none of these changes the award
        "openedx_badges:course-team-dashboard": ("get", f"{team}", None, team_view()),
        "openedx_badges:course-team-history": ("get", f"{team}history/", None, team_view()),
        "openedx_badges:course-team-badge": ("get", f"{team}{badge.uuid}/", None, team_view()),
        "openedx_badges:course-team-award": ("get", f"{team}{badge.uuid}/award/", None, team_view()),
        "openedx_badges:course-team-export": ("get", f"{team}{badge.uuid}/recipients.csv", None, team_view()),
        "openedx_badges:course-team-learner": ("get", f"{team}{badge.uuid}/learners/{award.user_id}/", None,
                                               team_view()),
        # not confirmed, and not suspended: refused with a message, nothing changes
        "openedx_badges:course-team-reissue": ("post", f"{team}{badge.uuid}/reissue/", {}, team_view({400})),
        "openedx_badges:course-team-action": ("post", f"{team}{badge.uuid}/awards/{a}/lift/", {},
                                              team_view({400})),
        "openedx_badges:api:team-badge-list": ("get", f"/badges/api/v1/course-team/{badge.course_key}/badges/",
                                               None, team_view(anonymous=ANON_API)),
        "openedx_badges:api:team-recipient-list": (
            "get", f"/badges/api/v1/course-team/{badge.course_key}/badges/{badge.uuid}/recipients/", None,
            team_view(anonymous=ANON_API)),
        # backpacks
        "openedx_badges:backpacks:connections": ("get", "/badges/backpacks/", None, learner_view(other=OK)),
        "openedx_badges:backpacks:callback": ("get", "/badges/backpacks/callback/?state=x&code=y", None,
                                              learner_view(owner={302}, other={302})),
        "openedx_badges:backpacks:connect": ("get", f"/badges/backpacks/{ob3}/connect/", None,
                                             learner_view(other=OK)),
        "openedx_badges:backpacks:auto-push": ("post", f"/badges/backpacks/{ob3}/auto-push/", {"enabled": "0"},
                                               learner_view(owner={302})),
        "openedx_badges:backpacks:push": ("get", f"/badges/backpacks/{ob3}/push/{a}/", None, learner_view()),
        "openedx_badges:backpacks:retry": ("post", f"/badges/backpacks/attempts/{attempt}/retry/", {},
                                           learner_view(owner={302})),
        "openedx_badges:backpacks:dcc-request": ("get", f"/badges/backpacks/{dcc}/wallet/{a}/", None, learner_view()),
        # last of the learner's: it deletes the connection the views above need
        "openedx_badges:backpacks:disconnect": ("post", f"/badges/backpacks/{ob3}/disconnect/", {},
                                                learner_view(owner={302}, other={302})),
        # public, CSRF-exempt, authorised by the signed challenge: a bad presentation is refused for everyone
        "openedx_badges:backpacks:dcc-exchange": ("post_json", "/badges/backpacks/dcc/exchange/nope", {},
                                                  everyone({400})),
        # the stand-in's XBlock routes
        "studio-block": ("get", f"/studio/{BLOCK_KEY}/", None,
                         {"anonymous": REDIRECT_LOGIN, "owner": {403}, "other": {403}, "course_staff": OK,
                          "global_staff": OK, "superuser": OK}),
        "xblock-handler": ("post_json", f"{handler}check_now/", {},
                           {"anonymous": {403}, "owner": OK, "other": OK, "course_staff": OK,
                            "global_staff": OK, "superuser": OK}),
        "xblock-handler-suffix": ("post_json", f"{handler}preview/some/suffix", {}, STAFF_ONLY_HANDLER),
        "xblock-resource": ("get", "/xblock/resource/badge_xblock/public/css/badge.css", None, everyone(OK)),
    }


def handler_matrix():
    """Each handler of the block: who may call it (POST, JSON)."""
    return {
        "check_now": {"anonymous": {403}, "owner": OK, "other": OK, "course_staff": OK, "global_staff": OK,
                      "superuser": OK},
        "save_badge": {**STAFF_ONLY_HANDLER, "course_staff": {200, 400}, "global_staff": {200, 400},
                       "superuser": {200, 400}},
        "preview": STAFF_ONLY_HANDLER,
        "search_skills": STAFF_ONLY_HANDLER,  # issue 13: the editor's skill search
    }


def admin_expectations():
    return {"anonymous": REDIRECT_LOGIN, "owner": REDIRECT_LOGIN, "other": REDIRECT_LOGIN,
            "course_staff": {403}, "global_staff": {403}, "superuser": OK}


def _check(response, expected):
    if expected == REDIRECT_LOGIN:
        return response.status_code == 302 and LOGIN in response.get("Location", "")
    return response.status_code in expected


def _request(client, method, url, data):
    if method == "get":
        return client.get(url)
    if method == "post_json":
        return client.post(url, data=data, content_type="application/json")
    return client.post(url, data=data)


def test_matrix_is_complete(world):
    """A new URL, handler or admin model must be added to the matrix before it ships."""
    assert discovered_routes() == set(matrix(world)), "classify every route in tests/security/test_access_matrix.py"
    assert block_handlers() == set(handler_matrix())
    assert plugin_admin_models() == set(ADMIN_MODELS)


@pytest.mark.parametrize("role", ROLES)
def test_routes(world, role):
    failures = []
    for name, (method, url, data, expected) in matrix(world).items():
        response = _request(client_for(role, world["users"]), method, url, data)
        if not _check(response, expected[role]):
            failures.append(f"{name} {method.upper()} {url}: {response.status_code} "
                            f"{response.get('Location', '')}, expected {expected[role]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_block_handlers(world, role):
    failures = []
    for name, expected in handler_matrix().items():
        payload = {"display_name": "X", "fields": {"name": "X", "description": "Y", "criteria_narrative": "Z"}}
        response = client_for(role, world["users"]).post(f"/xblock/{BLOCK_KEY}/handler/{name}/", data=payload,
                                                         content_type="application/json")
        if response.status_code not in expected[role]:
            failures.append(f"{name}: {response.status_code}, expected {expected[role]}")
    assert not failures, "\n".join(failures)


# The plugin's admin models: the changelist and, where rows exist, a change page.
ADMIN_MODELS = ("issuer", "badgeclass", "award", "pendingevaluation", "statuslist", "backpackprovider",
                "backpackconnection", "pushattempt", "signingkey",  # signingkey: issue 21 (mark compromised)
                "awardoverview", "buseventoutbox")


def _admin_urls(world):
    from openedx_plugin.models import PendingEvaluation

    objects = {"issuer": world["issuer"], "badgeclass": world["badge"], "award": world["award"],
               "statuslist": world["status_list"], "backpackprovider": world["ob3"],
               "backpackconnection": world["connection"], "pushattempt": world["attempt"],
               "pendingevaluation": PendingEvaluation.objects.first(),
               "signingkey": world["issuer"].keys.first()}
    urls = []
    for model in ADMIN_MODELS:
        urls.append(f"/admin/openedx_badges/{model}/")
        if objects.get(model) is not None:
            urls.append(f"/admin/openedx_badges/{model}/{objects[model].pk}/change/")
    urls.append(f"/admin/openedx_badges/badgeclass/{world['badge'].pk}/award/")
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_admin_pages(world, role):
    expected = admin_expectations()[role]
    failures = []
    for url in _admin_urls(world):
        response = client_for(role, world["users"]).get(url)
        if not _check(response, expected):
            failures.append(f"{url}: {response.status_code} {response.get('Location', '')}, expected {expected}")
    assert not failures, "\n".join(failures)
