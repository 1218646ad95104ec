"""Public URLs of the plugin, mounted at the site root by the plugin framework."""

from django.urls import include, path, re_path

from .persistence import views as persistence_views
from .views import profile, public, wallet
from .visibility import views as visibility_views

app_name = "openedx_badges"

urlpatterns = [
    path(".well-known/did.json", public.did_document_default, name="did-default"),
    path("badges/v1/issuers/<uuid:issuer_uuid>", public.issuer, name="issuer"),
    path("badges/v1/issuers/<uuid:issuer_uuid>/did.json", public.did_document, name="did"),
    path("badges/v1/issuers/<uuid:issuer_uuid>/image", public.issuer_image, name="issuer-image"),
    path("badges/v1/issuers/<uuid:issuer_uuid>/keys/<str:key_id>", public.key, name="key"),
    path("badges/v1/issuers/<uuid:issuer_uuid>/revocations", public.revocation_list, name="revocation-list"),
    path("badges/v1/status/<uuid:list_uuid>", public.status_list, name="status-list"),
    path("badges/v1/classes/<uuid:badge_uuid>", public.badge_class, name="badge-class"),
    path("badges/v1/classes/<uuid:badge_uuid>/image", public.badge_image, name="badge-image"),
    path("badges/v1/assertions/<uuid:award_uuid>", public.assertion, name="assertion"),
    path("badges/v1/credentials/<uuid:award_uuid>", public.credential, name="credential"),
    re_path(r"^badges/v1/awards/(?P<award_uuid>[0-9a-f-]{36})/badge-(?P<version>ob2|ob3)\.(?P<fmt>png|svg)$",
            public.baked_image, name="baked"),
    path("badges/verify/<uuid:award_uuid>", public.verify_page, name="verify"),
    # A taxonomy's skill, the targetUrl of an alignment whose tag names no web address (issue 13).
    path("badges/skills/<str:export_id>/<path:code>", public.skill_page, name="skill"),
    # The learner's wallet (login required), a course's badges (the course tab), the JSON API.
    path("badges/wallet/", wallet.wallet, name="wallet"),
    path("badges/wallet/<uuid:award_uuid>/", wallet.wallet_detail, name="wallet-detail"),
    path("badges/wallet/<uuid:award_uuid>/certificate/", wallet.wallet_certificate, name="wallet-certificate"),
    path("badges/wallet/<uuid:award_uuid>/download/<slug:kind>", wallet.wallet_download, name="wallet-download"),
    path("badges/wallet/profile/", profile.profile_settings, name="wallet-profile"),
    path("badges/u/<slug:slug>/", profile.public_profile, name="public-profile"),
    path("badges/wallet/<uuid:award_uuid>/did/", persistence_views.bind_did, name="wallet-bind-did"),  # issue 21
    path("badges/wallet/<uuid:award_uuid>/shared", visibility_views.shared, name="wallet-shared"),
    path("badges/course/<str:course_key>/", wallet.course_badges, name="course-badges"),
    path("badges/pathways/", include("openedx_plugin.pathways.urls")),  # the course team's pathway editor
    # The course team's badge dashboard (issue 18): course staff of that course only.
    path("badges/course/<str:course_key>/manage/", include("openedx_plugin.course_team.urls")),
    path("badges/api/v1/", include("openedx_plugin.rest_api.urls")),
    path("badges/backpacks/", include("openedx_plugin.backpacks.urls")),
]
