"""
Absolute URLs and identifiers of the public documents, built from an issuer's origin.

Identifiers go into signed documents, so they must not depend on the request
that happens to trigger an award: they come from the issuer's stored origin.
"""

from urllib.parse import quote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, get_resolver, reverse

from ..models import IDENTITY_DID_KEY

NS = "openedx_badges"


class PublicUrlsNotMounted(ImproperlyConfigured):
    """The host serves no ``openedx_badges`` URLs, so no public document can be addressed."""


def _abs(issuer, name, **kwargs):
    return issuer.public_base_url.rstrip("/") + path(name, **kwargs)


def path(name, **kwargs):
    """
    The site path of public URL ``name``, or a clear error where the host has not mounted them.

    The LMS and Studio mount the plugin's URLs through its ``plugin_app['url_config']``;
    a host without the plugin framework (xblock-sdk's workbench, a test project) must
    include ``openedx_plugin.urls`` under the ``openedx_badges`` namespace itself.
    """
    try:
        return reverse(f"{NS}:{name}", kwargs=kwargs)
    except NoReverseMatch as exc:
        if not mounted():
            raise PublicUrlsNotMounted(
                f"This host does not serve the Open Badges URLs (no '{NS}' URL namespace), so '{name}' has no "
                f"address. Include openedx_plugin.urls with namespace='{NS}' in the host's URLconf, as the LMS "
                f"does through the plugin's url_config.") from exc
        raise


def issuer_url(issuer):
    return _abs(issuer, "issuer", issuer_uuid=issuer.uuid)


def issuer_image_url(issuer):
    return _abs(issuer, "issuer-image", issuer_uuid=issuer.uuid)


def did_json_url(issuer):
    if issuer.is_default:
        return _abs(issuer, "did-default")
    return _abs(issuer, "did", issuer_uuid=issuer.uuid)


def issuer_did(issuer, ed25519_key=None):
    """did:web derived from where did.json is served, or the did:key of the issuer's key."""
    if issuer.identity == IDENTITY_DID_KEY:
        key = ed25519_key or issuer.keys.filter(kind="ed25519").order_by("created", "id").first()
        return f"did:key:{key.public_key}"
    parts = urlsplit(did_json_url(issuer))
    host = quote(parts.netloc, safe="")
    path = parts.path.rsplit("/", 1)[0]
    if path == "/.well-known":
        return f"did:web:{host}"
    return "did:web:" + ":".join([host] + [quote(seg, safe="") for seg in path.strip("/").split("/")])


def verification_method(issuer, key):
    return f"{issuer_did(issuer, key)}#{key.key_id}"


def key_url(issuer, key):
    return _abs(issuer, "key", issuer_uuid=issuer.uuid, key_id=key.key_id)


def revocation_list_url(issuer):
    return _abs(issuer, "revocation-list", issuer_uuid=issuer.uuid)


def status_list_url(status_list):
    return _abs(status_list.issuer, "status-list", list_uuid=status_list.uuid)


def badge_class_url(badge_class):
    return _abs(badge_class.issuer, "badge-class", badge_uuid=badge_class.uuid)


def score_result_description_url(badge_class):
    """The id of a badge's 'Percent' result description: the achievement declares it, results point at it."""
    return f"{badge_class_url(badge_class)}#score"


def badge_image_url(badge_class):
    return _abs(badge_class.issuer, "badge-image", badge_uuid=badge_class.uuid)


def assertion_url(award):
    return _abs(award.badge_class.issuer, "assertion", award_uuid=award.uuid)


def credential_url(award):
    return _abs(award.badge_class.issuer, "credential", award_uuid=award.uuid)


def verify_page_url(award):
    return _abs(award.badge_class.issuer, "verify", award_uuid=award.uuid)


def baked_url(award, version, fmt):
    return _abs(award.badge_class.issuer, "baked", award_uuid=award.uuid, version=version, fmt=fmt)


def mounted():
    """True where the host serves the plugin's URLs; display code can degrade (no image link) where not."""

    return NS in get_resolver().namespace_dict
