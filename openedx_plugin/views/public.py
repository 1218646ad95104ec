"""
Public documents, served without login: anyone must be able to verify a badge.

Each view serves what ``issuing`` stored or builds; none reveals more than the
signed documents already do (the recipient appears only as a salted hash). The
human verification page follows the learner's choices (ADR 0006): hidden from
everyone but them when not public, their name only when they asked for it.
"""

import json
import uuid

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .. import compat
from ..credentials import baked, caching, issuing, public_urls, verification
from ..models import Award, BadgeClass, Issuer, SigningKey, StatusList
from ..ratelimit import ratelimit
from ..visibility import tracking

VC_MEDIA_TYPE = "application/vc"
LD_JSON = "application/ld+json"
DID_JSON = "application/did+json"


def _json(document, content_type, status=200, max_age=300):
    response = HttpResponse(json.dumps(document, ensure_ascii=False, indent=2), status=status,
                            content_type=f"{content_type}; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


def _cached_json(request, name, namespaces, build, content_type, max_age=300):  # noqa: PLR0917
    """
    Serve a public document from the cache (``caching``), with an ETag; answer 304 to a
    matching If-None-Match. ``build`` returns ``(document, status)`` or raises Http404.
    """
    def make():
        document, status = build()
        return caching.make(document, status)

    cached = caching.document(name, namespaces, make)
    if cached.status == 200 and cached.etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(cached.body, status=cached.status, content_type=f"{content_type}; charset=utf-8")
    response["ETag"] = cached.etag
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


def _image(data, mime):
    response = HttpResponse(bytes(data), content_type=mime)
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    # An SVG opened directly must not run anything, even if sanitising missed something.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


@require_safe
def did_document_default(request):
    """The default did:web issuer's DID document, for verifiers resolving the bare domain; 404 when there is none."""
    def build():
        issuer = Issuer.objects.filter(is_default=True, identity="did:web").first()
        if issuer is None:
            raise Http404("No default did:web issuer.")
        return issuing.did_document(issuer), 200

    return _cached_json(request, "did-default", ["issuers"], build, DID_JSON)


@require_safe
def did_document(request, issuer_uuid):
    """The issuer's DID document, which verifiers resolve for its keys; 404 for an issuer that is not did:web."""
    def build():
        return issuing.did_document(get_object_or_404(Issuer, uuid=issuer_uuid, identity="did:web")), 200

    return _cached_json(request, f"did:{issuer_uuid}", [f"issuer:{issuer_uuid}"], build, DID_JSON)


@require_safe
def issuer(request, issuer_uuid):
    """The issuer's OB 2.0 Profile, which assertions and badge classes link to; 404 for an unknown issuer."""
    def build():
        return issuing.issuer_ob2(get_object_or_404(Issuer, uuid=issuer_uuid)), 200

    return _cached_json(request, f"issuer:{issuer_uuid}", [f"issuer:{issuer_uuid}"], build, LD_JSON)


@require_safe
def issuer_image(request, issuer_uuid):
    """The issuer's image, served so it cannot run anything; 404 when the issuer has none."""
    found = get_object_or_404(Issuer, uuid=issuer_uuid)
    if not found.image_data:
        raise Http404("This issuer has no image.")
    return _image(found.image_data, found.image_type)


@require_safe
def key(request, issuer_uuid, key_id):
    """The OB 2.0 CryptographicKey of an RSA key, to check signed assertions; 404 once the key is compromised."""
    def build():
        signing_key = get_object_or_404(SigningKey, issuer__uuid=issuer_uuid, key_id=key_id, kind=SigningKey.RSA,
                                        compromise__isnull=True)
        return issuing.key_ob2(signing_key.issuer, signing_key), 200

    return _cached_json(request, f"key:{issuer_uuid}:{key_id}", [f"issuer:{issuer_uuid}"], build, LD_JSON)


@require_safe
def revocation_list(request, issuer_uuid):
    """The issuer's OB 2.0 revocation list; clients keep it a minute only, so revocations reach verifiers soon."""
    def build():
        return issuing.revocation_list_ob2(get_object_or_404(Issuer, uuid=issuer_uuid)), 200

    return _cached_json(request, f"revocations:{issuer_uuid}",
                        [f"issuer:{issuer_uuid}", f"revocations:{issuer_uuid}"], build, LD_JSON, max_age=60)


@require_safe
def status_list(request, list_uuid):
    """A status list credential, where 3.0 verifiers read revocation and suspension; 404 for an unknown list."""
    def build():
        found = get_object_or_404(StatusList.objects.select_related("issuer"), uuid=list_uuid)
        return issuing.status_list_credential(found), 200

    return _cached_json(request, f"status:{list_uuid}", [f"status:{list_uuid}"], build, VC_MEDIA_TYPE, max_age=60)


@require_safe
def badge_class(request, badge_uuid):
    """The OB 2.0 BadgeClass that awards link to; 404 for an unknown badge."""
    def build():
        found = get_object_or_404(BadgeClass.objects.select_related("issuer"), uuid=badge_uuid)
        return issuing.badge_class_ob2(found), 200

    return _cached_json(request, f"badge:{badge_uuid}", [f"badge:{badge_uuid}", "issuers"], build, LD_JSON)


@require_safe
def badge_image(request, badge_uuid):
    """The badge's artwork (not baked), served so an SVG cannot run anything; 404 for an unknown badge."""
    found = get_object_or_404(BadgeClass, uuid=badge_uuid)
    mime, data = baked.artwork(found)
    return _image(data, mime)


def _award(award_uuid):
    """The award, or 404; the baked-image route matches 36 hex-and-dash characters, not only UUIDs."""
    try:
        award_uuid = uuid.UUID(str(award_uuid))
    except ValueError as exc:
        raise Http404("No such badge.") from exc
    return get_object_or_404(Award.objects.select_related("badge_class__issuer"), uuid=award_uuid)


@require_safe
def assertion(request, award_uuid):
    """The hosted 2.0 assertion; a revoked one answers 410 Gone with ``revoked: true``."""
    def build():
        found = _award(award_uuid)
        return issuing.hosted_assertion(found), 410 if found.revoked else 200

    return _cached_json(request, f"assertion:{award_uuid}", [f"award:{award_uuid}"], build, LD_JSON, max_age=60)


@require_safe
def credential(request, award_uuid):
    """The award's signed OB 3.0 credential as issued, revoked ones too (their status list says so); 404 if unknown."""
    def build():
        return _award(award_uuid).ob3_credential, 200

    return _cached_json(request, f"credential:{award_uuid}", [f"award:{award_uuid}"], build, VC_MEDIA_TYPE)


@require_safe
def baked_image(request, award_uuid, version, fmt):
    """The award's image with its credential baked in, a download for anyone with the link; tracked, with
    ``by_owner`` when the learner downloads their own."""
    found = _award(award_uuid)
    mime, data = baked.bake(found, version, fmt)
    response = _image(data, mime)
    response["Content-Disposition"] = f'attachment; filename="{baked.filename(found, version, fmt)}"'
    tracking.downloaded(found, version, fmt, request.user.id if request.user.is_authenticated else None)
    return response


def recipient_name(user):
    """The learner's name as the LMS shows it: the profile's full name, else the account's."""
    profile = getattr(user, "profile", None)  # the LMS's UserProfile; absent on other hosts
    return (getattr(profile, "name", "") or user.get_full_name() or user.username).strip()


@require_safe
@ratelimit("verify")
def verify_page(request, award_uuid):
    """A human-readable page with a verification result computed here, now."""
    found = Award.objects.select_related("badge_class__issuer", "user").filter(uuid=award_uuid).first()
    is_owner = found is not None and request.user.is_authenticated and found.user_id == request.user.id
    if found is None or (not found.public and not is_owner):
        # A plain page, not the host's error page, that says why there is nothing to see; the
        # same for an unknown award and a private one, so a private badge's existence is not disclosed.
        response = render(request, "openedx_badges/verify_unavailable.html", status=404)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response
    result = caching.verification(found, lambda: verification.verify_award(found))
    context = {
        "award": found,
        "recipient_name": recipient_name(found.user) if found.show_name and found.user else "",
        "owner_only": not found.public,
        "badge": found.badge_class,
        "issuer": found.badge_class.issuer,
        "result": result,
        "state": found.state(),
        "credential": found.ob3_credential,
        "links": {
            "credential": public_urls.credential_url(found),
            "assertion": public_urls.assertion_url(found),
            "badge_class": public_urls.badge_class_url(found.badge_class),
            "issuer": public_urls.issuer_url(found.badge_class.issuer),
            "png": public_urls.baked_url(found, "ob3", "png"),
            "svg": public_urls.baked_url(found, "ob3", "svg"),
        },
    }
    response = render(request, "openedx_badges/verify.html", context)
    tracking.viewed(found, request.user.id if request.user.is_authenticated else None)
    if not found.public:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
@ratelimit("verify")
def skill_page(request, export_id, code):
    """
    A skill of a taxonomy, for whoever follows an alignment's ``targetUrl``: its name, code and
    framework, and the active badges aligned to it. 404 when no enabled taxonomy has it.
    """
    taxonomy = compat.taxonomy_by_export_id(export_id)
    tag = compat.taxonomy_tag(taxonomy.id, code=code) if taxonomy else None
    if tag is None:
        raise Http404("No such skill.")
    wanted = (tag.taxonomy.casefold(), (tag.external_id or tag.value).casefold())
    badges = [badge for badge in BadgeClass.objects.filter(active=True).select_related("issuer").order_by("name")
              .defer("image_data", "issuer__image_data")
              if any(isinstance(a, dict) and ((a.get("targetFramework") or "").casefold(),
                                              (a.get("targetCode") or "").casefold()) == wanted
                     for a in badge.alignments or ())]
    return render(request, "openedx_badges/skill.html", {"tag": tag, "badges": badges})
