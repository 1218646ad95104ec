"""
A static verification bundle: every public document a verifier fetches, as files.

Credentials name a ``did:web`` issuer and status lists on the LMS's own origin. If the
site is rebuilt, moves or closes, they stop verifying unless something still answers at
those URLs. The bundle is that something: the same documents the public views serve
(built by the same ``issuing`` functions), written in the same URL layout, so any static
web server at the same origin keeps every credential verifiable, including revocations
made up to the last export.

Layout: a URL path whose last segment has no extension gets one (``.json``, or the
image's ``.png``/``.svg``), because ``/badges/v1/issuers/<uuid>`` is both a document and
the parent of ``/badges/v1/issuers/<uuid>/did.json``; ``index.json`` maps each URL to its
file, content type and HTTP status, and ``nginx.conf`` serves exactly that mapping.
"""

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.utils import timezone

from ..credentials import baked, issuing, public_urls
from ..models import Award, BadgeClass, Issuer, SigningKey, StatusList

# The media types of the public views (openedx_plugin/views/public.py); written here so
# the bundle module does not import the views (and their templates) to learn four strings.
DID_JSON = "application/did+json"
LD_JSON = "application/ld+json"
VC_MEDIA_TYPE = "application/vc"
EXTENSIONS = {"image/png": ".png", "image/svg+xml": ".svg"}
INDEX = "index.json"


class BundleError(Exception):
    """The bundle cannot be written as asked (no issuer at that origin, an unusable folder)."""


@dataclass
class Entry:
    url: str
    content_type: str
    body: bytes
    status: int = 200


def _json_entry(url, document, content_type, status=200):
    body = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return Entry(url, content_type, body, status)


def origin_of(url):
    """``scheme://host[:port]`` of ``url``: a bundle is per origin, since did:web and every URL name it."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def default_origin():
    """The origin exported when none is named: the default issuer's (else the first); BundleError without issuers."""
    issuer = Issuer.objects.filter(is_default=True).first() or Issuer.objects.order_by("id").first()
    if issuer is None:
        raise BundleError("There is no issuer: nothing to export.")
    return origin_of(issuer.public_base_url)


def issuers_at(origin):
    """The issuers whose documents are published under ``origin`` (one bundle per origin)."""
    return [issuer for issuer in Issuer.objects.order_by("id") if origin_of(issuer.public_base_url) == origin]


def entries(origin):
    """Every public document of the issuers at ``origin``, as the public views would answer."""
    issuers = issuers_at(origin)
    if not issuers:
        raise BundleError(f"No issuer publishes under {origin}.")
    for issuer in issuers:
        yield from _issuer_entries(issuer)


def _issuer_entries(issuer):
    if issuer.identity == "did:web":
        # every key ever used, retired ones included; compromised ones are withdrawn (persistence.compromise)
        yield _json_entry(public_urls.did_json_url(issuer), issuing.did_document(issuer), DID_JSON)
    yield _json_entry(public_urls.issuer_url(issuer), issuing.issuer_ob2(issuer), LD_JSON)
    if issuer.image_data:
        yield Entry(public_urls.issuer_image_url(issuer), issuer.image_type, bytes(issuer.image_data))
    for key in issuer.keys.filter(kind=SigningKey.RSA, compromise__isnull=True).order_by("created", "id"):
        yield _json_entry(public_urls.key_url(issuer, key), issuing.key_ob2(issuer, key), LD_JSON)
    yield _json_entry(public_urls.revocation_list_url(issuer), issuing.revocation_list_ob2(issuer), LD_JSON)
    for status_list in StatusList.objects.filter(issuer=issuer).order_by("id"):
        status_list.issuer = issuer
        yield _json_entry(public_urls.status_list_url(status_list),
                          issuing.status_list_credential(status_list), VC_MEDIA_TYPE)
    for badge_class in BadgeClass.objects.filter(issuer=issuer).order_by("id"):
        badge_class.issuer = issuer
        yield _json_entry(public_urls.badge_class_url(badge_class), issuing.badge_class_ob2(badge_class), LD_JSON)
        mime, data = baked.artwork(badge_class)
        yield Entry(public_urls.badge_image_url(badge_class), mime, bytes(data))
    awards = Award.objects.filter(badge_class__issuer=issuer).select_related("badge_class__issuer").order_by("id")
    for award in awards.iterator(chunk_size=500):
        yield _json_entry(public_urls.assertion_url(award), issuing.hosted_assertion(award), LD_JSON,
                          410 if award.revoked else 200)
        yield _json_entry(public_urls.credential_url(award), award.ob3_credential, VC_MEDIA_TYPE)


def file_for(url_path, content_type):
    """The bundle-relative file of a URL path: the path itself, with an extension when it has none."""
    relative = url_path.lstrip("/")
    if not relative or ".." in relative.split("/"):
        raise BundleError(f"Unusable URL path {url_path!r}.")
    last = relative.rsplit("/", 1)[-1]
    if "." not in last:
        relative += EXTENSIONS.get(content_type, ".json")
    return relative


def _write_atomic(path, data):
    """Replace ``path`` in one step, so a web server reading during a refresh never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export(out, origin=None):
    """
    Write the bundle of ``origin`` (default: the default issuer's) into folder ``out``.

    Refreshing an existing bundle replaces each file atomically and removes the files of
    documents that no longer exist. Returns the index (also written as ``index.json``).
    """
    origin = (origin or default_origin()).rstrip("/")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    previous = _read_index(out)
    documents = {}
    for entry in entries(origin):
        parts = urlsplit(entry.url)
        if origin_of(entry.url) != origin:
            raise BundleError(f"{entry.url} is not under {origin}.")
        relative = file_for(parts.path, entry.content_type)
        _write_atomic(out / relative, entry.body)
        documents[entry.url] = {"path": parts.path, "file": relative, "content_type": entry.content_type,
                                "status": entry.status}
    kept = {doc["file"] for doc in documents.values()}
    for doc in previous.get("documents", {}).values():
        if isinstance(doc, dict) and doc.get("file") not in kept:
            stale = out / doc["file"]
            if stale.is_file() and out.resolve() in stale.resolve().parents:
                stale.unlink()
    issuers = issuers_at(origin)
    index = {
        "origin": origin,
        "generated": issuing.iso(timezone.now()),
        "issuers": [{"name": issuer.name, "did": public_urls.issuer_did(issuer),
                     "ob2_issuer": public_urls.issuer_url(issuer)} for issuer in issuers],
        "documents": documents,
    }
    _write_atomic(out / INDEX, (json.dumps(index, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    _write_atomic(out / "nginx.conf", nginx_conf(index).encode("utf-8"))
    _write_atomic(out / "README.md", readme(index).encode("utf-8"))
    return index


def _read_index(out):
    try:
        return json.loads((out / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def nginx_conf(index):
    """An nginx ``server`` body serving the index exactly: one exact-match location per URL."""
    lines = [
        "# Generated by manage.py badges_export_bundle: include inside the server block of",
        f"# {index['origin']}, with `root` set to this folder. One exact location per document,",
        "# so each gets the media type and status the LMS served.",
    ]
    for doc in index["documents"].values():
        path = doc["path"]
        lines.append(f"location = {path} {{")
        lines.append("    add_header Access-Control-Allow-Origin * always;")
        lines.append(f"    default_type \"{doc['content_type']}\";")
        lines.append("    types { }")
        if doc["status"] == 410:
            lines.append(f"    error_page 410 /{doc['file']};")
            lines.append("    return 410;")
        else:
            lines.append(f"    try_files /{doc['file']} =404;")
        lines.append("}")
    for doc in index["documents"].values():
        if doc["status"] == 410:  # the body of a revoked hosted assertion, reached only through error_page
            lines.append(f"location = /{doc['file']} {{ internal; default_type \"{doc['content_type']}\"; "
                         "types { } add_header Access-Control-Allow-Origin * always; }")
    return "\n".join(lines) + "\n"


def readme(index):
    """The bundle's README.md: what it holds and how to serve it, for whoever hosts it once the LMS is gone."""
    count = len(index["documents"])
    issuers = "\n".join(f"- {issuer['name']}: `{issuer['did']}`" for issuer in index["issuers"])
    return f"""# Open Badges verification bundle for {index['origin']}

Generated {index['generated']} by `manage.py badges_export_bundle`: {count} documents,
the ones a verifier fetches to check the badges these issuers awarded:

{issuers}

Everything here is public already (the LMS serves it without login); learners appear
only as salted hashes. Serve this folder at **{index['origin']}** (the same origin: the
issuers' `did:web` identifiers and every URL inside the credentials name it) and the
credentials keep verifying after the LMS is gone, with the revocations made up to
the time above.

- `index.json`: each URL, the file that answers it, its media type and HTTP status
  (a revoked 2.0 hosted assertion answers 410 Gone).
- `nginx.conf`: include it in the origin's `server` block with `root` set to this
  folder; it serves exactly what `index.json` says.
- Any other static server: serve each file of `index.json` at its `path` with its
  `content_type`, and `Access-Control-Allow-Origin: *`.
- `python openedx_plugin/persistence/static_server.py <this folder> --port 8080`
  (from the plugin's source, Python only, no Django) serves it for a quick check.

While the LMS runs, refresh the bundle on a schedule (the plugin's celery beat entry
`openedx_badges.export_bundle`, or cron: `manage.py lms badges_export_bundle --out <folder>`),
so the copy always has the latest revocations. See the plugin's docs/persistence.md.
"""
