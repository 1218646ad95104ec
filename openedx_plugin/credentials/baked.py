"""
Badge artwork and baked images: the credential carried inside the picture.

A badge class may have a PNG, an SVG or no image; every award can still be
downloaded in both formats, so missing formats are made here (a PNG badge
wrapped in SVG, generated artwork where nothing fits).
"""

import base64
import hashlib
import io
import json
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont

from ..engine import baking

PNG, SVG = "image/png", "image/svg+xml"


def _colour(name):
    digest = hashlib.sha256(name.encode()).digest()
    return f"#{digest[0] % 128 + 40:02x}{digest[1] % 128 + 40:02x}{digest[2] % 128 + 60:02x}"


def _initials(name):
    words = [word for word in name.split() if word[:1].isalnum()]
    return "".join(word[0] for word in words[:2]).upper() or "★"


def generated_svg(name):
    """A badge image made from the name (initials on a colour of the name), for badges without an upload."""
    colour = _colour(name)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256" role="img">'
        f"<title>{escape(name)}</title>"
        f'<circle cx="128" cy="128" r="120" fill="{colour}"/>'
        '<circle cx="128" cy="128" r="100" fill="none" stroke="#ffffff" stroke-width="6"/>'
        '<text x="128" y="150" font-family="sans-serif" font-size="72" font-weight="bold" '
        f'text-anchor="middle" fill="#ffffff">{escape(_initials(name))}</text>'
        "</svg>"
    ).encode()


def generated_png(name):
    """The same design as a PNG: a badge whose artwork is SVG can still be baked into a PNG."""
    image = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 248, 248), fill=_colour(name))
    draw.ellipse((28, 28, 228, 228), outline="#ffffff", width=6)
    try:
        font = ImageFont.load_default(size=72)
    except TypeError:  # Pillow without FreeType: the small bitmap font
        font = ImageFont.load_default()
    draw.text((128, 128), _initials(name), fill="#ffffff", font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def artwork(badge_class):
    """The image shown for a badge class: the author's, or generated from its name."""
    if badge_class.image_data:
        return badge_class.image_type, bytes(badge_class.image_data)
    return SVG, generated_svg(badge_class.name)


def artwork_as(badge_class, fmt):
    """The badge's artwork in ``fmt`` ('png' or 'svg')."""
    mime, data = artwork(badge_class)
    if fmt == "png":
        return data if mime == PNG else generated_png(badge_class.name)
    if mime == SVG:
        return data
    encoded = base64.b64encode(data).decode()
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="256" height="256" viewBox="0 0 256 256">'
        f'<image width="256" height="256" href="data:image/png;base64,{encoded}"/></svg>'
    ).encode()


def payload(award, version):
    """What goes into the image: the signed 3.0 credential, or the hosted 2.0 assertion."""
    document = award.ob3_credential if version == "ob3" else award.ob2_assertion
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def bake(award, version, fmt):
    """Return ``(mime, bytes)`` of the award's image with its credential baked in."""
    base = artwork_as(award.badge_class, fmt)
    if fmt == "png":
        return PNG, baking.bake_png(base, payload(award, version), version=version)
    baked_svg = baking.bake_svg(base.decode("utf-8"), payload(award, version), version=version,
                                verify_url=award.ob2_assertion.get("id") if version == "ob2" else None)
    return SVG, baked_svg.encode("utf-8") if isinstance(baked_svg, str) else baked_svg


def filename(award, version, fmt):
    """The download name of a baked award: readable, safe on every file system, and per version."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in award.badge_class.name.lower()).strip("-")[:40]
    return f"{slug or 'badge'}-{version}.{fmt}"
