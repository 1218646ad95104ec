"""The wallet pages: only the learner's own awards, filters, pagination, detail, sharing form, backpack slot."""

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from openedx_plugin.credentials import issuing, public_urls
from openedx_plugin.models import Award

from .conftest import COURSE, OTHER_COURSE, clone_awards

pytestmark = pytest.mark.django_db

WALLET = "/badges/wallet/"


def detail_url(award):
    return f"/badges/wallet/{award.uuid}/"


def card_names(page):
    return re.findall(r'<h2><a href="/badges/wallet/[0-9a-f-]+/"[^>]*>([^<]+)</a></h2>', page)


def test_urls():
    assert reverse("openedx_badges:wallet") == WALLET
    assert reverse("openedx_badges:course-badges", args=[COURSE]) == f"/badges/course/{COURSE}/"


def test_anonymous_visitors_are_sent_to_sign_in(client, award):
    for url in (WALLET, detail_url(award)):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_the_wallet_lists_only_the_learners_awards(learner_client, award, other_award, second_badge, other_learner):
    issuing.award_badge(second_badge, other_learner)
    page = learner_client.get(WALLET).content.decode()
    assert card_names(page) == ["Data Wrangler"]
    assert str(other_award.uuid) not in page
    assert "1 badge" in page


def test_empty_wallet(learner_client):
    page = learner_client.get(WALLET).content.decode()
    assert "You have no badges yet" in page


@pytest.fixture
def varied(award, second_badge, learner):
    """Four awards of the learner: earned (two courses), expired, revoked."""
    model = issuing.award_badge(second_badge, learner)[0]
    expired, revoked = clone_awards(award, 2, badge_classes=[second_badge])
    Award.objects.filter(pk=expired.pk).update(valid_until=timezone.now() - timedelta(days=1))
    Award.objects.filter(pk=revoked.pk).update(revoked=True, revoked_at=timezone.now())
    return {"earned": award, "model": model, "expired": expired, "revoked": revoked}


@pytest.mark.parametrize("query, expected", [
    ({}, 4),
    ({"course": COURSE}, 1),
    ({"course": OTHER_COURSE}, 3),
    ({"status": "earned"}, 2),
    ({"status": "expired"}, 1),
    ({"status": "revoked"}, 1),
    ({"skill": "data CLEANING"}, 1),
    ({"skill": "Machine learning", "status": "earned"}, 1),
])
def test_filters(learner_client, varied, query, expected):
    response = learner_client.get(WALLET, query)
    assert response.status_code == 200
    assert len(card_names(response.content.decode())) == expected


def test_filter_menus_offer_what_the_awards_span(learner_client, varied):
    page = learner_client.get(WALLET).content.decode()
    for option in (COURSE, OTHER_COURSE, "Data cleaning", "Machine learning", 'value="expired"'):
        assert option in page
    assert '<label for="id_skill">' in page


def test_states_are_shown_in_words(learner_client, varied):
    page = learner_client.get(WALLET).content.decode()
    assert page.count('class="obw-state obw-state-earned">Earned<') == 2
    assert 'obw-state-expired">Expired<' in page and 'obw-state-revoked">Revoked<' in page


def test_an_unknown_filter_value_is_refused_not_applied(learner_client, varied):
    page = learner_client.get(WALLET, {"status": "bogus", "course": COURSE}).content.decode()
    assert "obw-errors" in page
    assert len(card_names(page)) == 1  # the valid filter still applies


def test_pagination_keeps_the_filters(learner_client, award):
    clone_awards(award, 29)
    first = learner_client.get(WALLET, {"course": COURSE}).content.decode()
    assert len(card_names(first)) == 24
    assert "Page 1 of 2" in first
    next_link = html.unescape(re.search(r'<a href="([^"]+)" rel="next"', first).group(1))
    assert parse_qs(urlsplit(next_link).query) == {"course": [COURSE], "page": ["2"]}
    second = learner_client.get(WALLET + next_link).content.decode()
    assert len(card_names(second)) == 6


def test_detail_is_404_for_anyone_else(client, award, other_learner):
    client.force_login(other_learner)
    assert client.get(detail_url(award)).status_code == 404
    assert client.post(detail_url(award), {"public": ""}).status_code == 404


def test_detail_shows_the_award(learner_client, award):
    page = learner_client.get(detail_url(award)).content.decode()
    assert "<h1 id=\"obw-title\" dir=\"auto\">Data Wrangler</h1>" in page
    assert "Issued by <bdi>Test Academy</bdi>" in page
    assert "Score 80% or more on the final project." in page
    assert "Cleaned the census data." in page and 'href="https://lms.example.com/p/1"' in page
    assert f'datetime="{award.issued_on.isoformat()}"' in page
    for version in ("ob3", "ob2"):
        for fmt in ("png", "svg"):
            assert f'href="{public_urls.baked_url(award, version, fmt)}"' in page
    assert f'href="{public_urls.credential_url(award)}"' in page
    assert f'href="{public_urls.assertion_url(award)}"' in page
    assert 'id="id_public" checked' in page
    assert 'aria-describedby="id_public_helptext"' in page


def test_detail_has_a_server_side_qr_code_of_the_verification_page(learner_client, award):
    import segno

    page = learner_client.get(detail_url(award)).content.decode()
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and "<title>QR code of the verification page of Data Wrangler</title>" in svg
    expected = segno.make(public_urls.verify_page_url(award), error="m").svg_inline(scale=4, light="#fff")
    assert re.findall(r' d="([^"]+)"', svg)[-1] == re.findall(r' d="([^"]+)"', expected)[-1]  # the dark modules
    assert "<script" not in page.split("</main>")[0]  # only the shipped wallet.js, after main


def test_detail_embed_snippet_is_escaped_text(learner_client, award):
    page = learner_client.get(detail_url(award)).content.decode()
    textarea = re.search(r'<textarea id="obw-embed"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    snippet = html.unescape(textarea)
    assert snippet == (f'<a href="{public_urls.verify_page_url(award)}">'
                       f'<img src="{public_urls.badge_image_url(award.badge_class)}" '
                       f'alt="Data Wrangler badge issued by Test Academy" width="128" height="128"></a>')
    assert "<a href" not in textarea  # shown as text, not markup


def test_sharing_form_saves_the_choices(learner_client, award):
    response = learner_client.post(detail_url(award), {"show_name": "on"})
    assert response.status_code == 302
    assert response["Location"] == detail_url(award) + "?saved=1"
    award.refresh_from_db()
    assert (award.public, award.show_name) == (False, True)
    page = learner_client.get(response["Location"]).content.decode()
    assert "Your sharing settings are saved." in page
    assert "Your public link is off" in page
    learner_client.post(detail_url(award), {"public": "on"})
    award.refresh_from_db()
    assert (award.public, award.show_name) == (True, False)


def test_sharing_form_does_not_touch_the_signed_documents(learner_client, award):
    before = Award.objects.values("ob3_credential", "ob2_jws").get(pk=award.pk)
    learner_client.post(detail_url(award), {"public": "on", "show_name": "on"})
    assert Award.objects.values("ob3_credential", "ob2_jws").get(pk=award.pk) == before


def test_sharing_form_needs_the_csrf_token(csrf_client, award):
    assert csrf_client.post(detail_url(award), {"show_name": "on"}).status_code == 403
    award.refresh_from_db()
    assert award.show_name is False
    csrf_client.get(detail_url(award))
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(detail_url(award), {"show_name": "on", "public": "on", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.show_name is True


def test_revoked_award_hides_linkedin_and_embed(learner_client, award):
    issuing.revoke_award(award, "Plagiarism")
    page = learner_client.get(detail_url(award)).content.decode()
    assert "This badge was revoked" in page and "Plagiarism" in page
    assert "linkedin.com" not in page and 'id="obw-embed"' not in page


def test_backpack_slot_is_hidden_when_no_provider_is_offered(learner_client, award):
    page = learner_client.get(detail_url(award)).content.decode()
    assert "Send to a backpack or wallet" not in page


def test_backpack_slot_lists_the_operators_providers(learner_client, award):
    from openedx_plugin.models import BackpackProvider

    provider = BackpackProvider.objects.create(kind="ob3_api", name="Campus wallet",
                                               base_url="https://wallet.example")
    BackpackProvider.objects.create(kind="badgr", name="Switched off", base_url="https://b.example", enabled=False)
    page = learner_client.get(detail_url(award)).content.decode()
    assert "Send to a backpack or wallet" in page
    assert "Campus wallet" in page and "Switched off" not in page
    assert f"/badges/backpacks/{provider.pk}/connect/" in page  # not connected yet: the link connects first


def test_course_page_shows_each_badge_with_the_learners_progress(learner_client, learner, badge_class, platform):
    from openedx_plugin.models import BadgeClass, BadgeRule

    BadgeRule.objects.create(badge_class=badge_class, condition={"kind": "course_passed", "course": COURSE})
    platform.GRADES[(learner.id, COURSE)] = (0.5, False)
    issuing.create_badge_class(badge_class.issuer, "Retired", "Old.", course_key=COURSE, criteria_narrative="x",
                               active=False)
    response = learner_client.get(f"/badges/course/{COURSE}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Data Wrangler" in page and "Retired" not in page
    assert "In progress" in page
    assert "Pass the course (now 50%)." in page
    assert '<progress max="0"' not in page
    assert BadgeClass.objects.filter(course_key=COURSE).count() == 2


def test_course_page_links_an_earned_badge_to_the_wallet(learner_client, award):
    page = learner_client.get(f"/badges/course/{COURSE}/").content.decode()
    assert f'href="{detail_url(award)}"' in page and "Earned" in page


def test_course_page_needs_sign_in(client, badge_class):
    assert client.get(f"/badges/course/{COURSE}/").status_code == 302


def test_pages_are_rtl_ready_and_translated(learner_client, award, settings):
    from django.utils import translation

    with translation.override("ar"):
        response = learner_client.get(WALLET, HTTP_ACCEPT_LANGUAGE="ar")
    page = response.content.decode()
    assert 'dir="rtl"' in page and 'lang="ar"' in page


def test_stylesheet_uses_logical_properties_only():
    from pathlib import Path

    import openedx_plugin

    css = (Path(openedx_plugin.__file__).parent / "static" / "openedx_badges" / "wallet.css").read_text()
    for physical in ("margin-left", "margin-right", "padding-left", "padding-right", "text-align: left",
                     "text-align: right", "float: left", "float: right", " left:", " right:", "border-left",
                     "border-right"):
        assert physical not in css, physical


def test_home_page_links_to_the_wallet(client):
    assert f'href="{WALLET}"' in client.get("/").content.decode()
