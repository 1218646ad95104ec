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
    """The issuer's public profile: OB 2.0 assertions and badge classes name it as their issuer."""
    return _abs(issuer, "issuer", issuer_uuid=issuer.uuid)


def issuer_image_url(issuer):
    """The issuer's image, served by the plugin so the profile never points at a private file."""
    return _abs(issuer, "issuer-image", issuer_uuid=issuer.uuid)


def did_json_url(issuer):
    """Where the issuer's did.json is served: the default issuer's at /.well-known, so its did:web is the host."""
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
    """The id a proof names for ``key``: the issuer's DID and the key's fragment."""
    return f"{issuer_did(issuer, key)}#{key.key_id}"


def key_url(issuer, key):
    """The OB 2.0 CryptographicKey document of ``key``: signed assertions' ``verify.creator``."""
    return _abs(issuer, "key", issuer_uuid=issuer.uuid, key_id=key.key_id)


def revocation_list_url(issuer):
    """The issuer's OB 2.0 revocation list: verifiers of hosted and signed assertions read it."""
    return _abs(issuer, "revocation-list", issuer_uuid=issuer.uuid)


def status_list_url(status_list):
    """The Bitstring Status List credential of ``status_list``: OB 3.0 credentials' ``credentialStatus``."""
    return _abs(status_list.issuer, "status-list", list_uuid=status_list.uuid)


def badge_class_url(badge_class):
    """The badge class (OB 2.0 BadgeClass) document; the OB 3.0 achievement uses it as its id too."""
    return _abs(badge_class.issuer, "badge-class", badge_uuid=badge_class.uuid)


def score_result_description_url(badge_class):
    """The id of a badge's 'Percent' result description: the achievement declares it, results point at it."""
    return f"{badge_class_url(badge_class)}#score"


def skill_url(issuer, export_id, code):
    """
    The public page of a taxonomy's skill (issue 13): the ``targetUrl`` of an alignment whose tag
    has no web address of its own. Taxonomy export id and tag code identify it on any instance.
    """
    return _abs(issuer, "skill", export_id=export_id, code=code)


def badge_image_url(badge_class):
    """The badge's image, served by the plugin (documents point here, never at storage)."""
    return _abs(badge_class.issuer, "badge-image", badge_uuid=badge_class.uuid)


def assertion_url(award):
    """The hosted OB 2.0 assertion of an award: its id, and where a verifier re-reads it."""
    return _abs(award.badge_class.issuer, "assertion", award_uuid=award.uuid)


def credential_url(award):
    """The signed OB 3.0 credential of an award: its id, and what backpacks fetch."""
    return _abs(award.badge_class.issuer, "credential", award_uuid=award.uuid)


def verify_page_url(award):
    """The public page that verifies an award in the browser: learners share this link."""
    return _abs(award.badge_class.issuer, "verify", award_uuid=award.uuid)


def baked_url(award, version, fmt):
    """The award baked into its image (``version`` ob2/ob3, ``fmt`` png/svg), for download."""
    return _abs(award.badge_class.issuer, "baked", award_uuid=award.uuid, version=version, fmt=fmt)


def mounted():
    """True where the host serves the plugin's URLs; display code can degrade (no image link) where not."""

    return NS in get_resolver().namespace_dict


def absolute(site_path):
    """
    ``site_path`` on the site's public origin (OPENEDX_BADGES_PUBLIC_BASE_URL, else
    LMS_ROOT_URL): for pages that belong to no issuer, such as a learner's public profile.
    """
    from .. import compat, conf  # pylint: disable=import-outside-toplevel  (settings read at call time)

    origin = (conf.get("OPENEDX_BADGES_PUBLIC_BASE_URL") or compat.lms_root_url()).rstrip("/")
    return origin + site_path
