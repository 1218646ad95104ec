"""
The operator's overview: the figures are right, the charts are inline SVG with a title,
a description and the numbers as a table, nothing is loaded from elsewhere, it is
linked from the admin index, and only staff who may view awards see it.
"""

import re

import pytest
from django.contrib.auth.models import Permission

from openedx_plugin.visibility import overview
from tests.visibility.overview_data import NOW, build

pytestmark = pytest.mark.django_db
URL = "/admin/openedx_badges/awardoverview/"


@pytest.fixture
def badges(issuer, django_user_model):
    return build(issuer, django_user_model)


@pytest.fixture
def staff(django_user_model):
    user = django_user_model.objects.create_user("operator", "op@example.com", "pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_award"))
    return user


def test_figures(badges):
    data = overview.collect(now=NOW)
    months = dict(data["awards_per_month"])
    assert len(months) == 12 and list(months)[-1] == "2026-12"
    assert months["2026-12"] == 2 + 1 + 1  # i % 4 == 0: learners 0 and 4 of the first badge, 0 of the others
    assert sum(months.values()) == 10
    assert dict(data["revocations_per_month"])["2026-12"] == 1
    assert data["badges"][0] == ("Python basics", 6, 1)
    assert data["total_awards"] == 10 and data["total_revoked"] == 1
    courses = dict((key, n) for key, n, _ in data["courses"])
    assert courses["course-v1:Demo+Python+2026"] == 6 and courses["course-v1:Demo+Data+2026"] == 3
    pushes = {row[0]: row for row in data["pushes"]}
    assert pushes["University wallet"] == ("University wallet", 3, 1, 0, 75.0)
    assert pushes["Badgr backpack"] == ("Badgr backpack", 1, 0, 1, 100.0)
    assert data["pending_evaluations"] == 1 and data["failed_evaluations"] == 1
    assert data["failed_pushes"] == 1 and data["recent_failed_pushes"][0]["provider__name"] == "University wallet"


def test_month_bounds_cross_the_year():
    bounds = overview.month_starts(NOW.replace(month=1), months=3)
    assert [b.strftime("%Y-%m") for b in bounds] == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_page_is_accessible_and_self_contained(client, staff, badges):
    client.force_login(staff)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    svgs = re.findall(r"<svg class=\"obo-chart\".*?</svg>", page, flags=re.S)
    assert len(svgs) == 5
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg and "aria-labelledby" in svg
    assert page.count('<table class="obo-table">') >= 5
    assert "<caption>Awards per month</caption>" in page
    assert '<td dir="auto">Python basics</td><td dir="auto">6</td><td dir="auto">1</td>' in page
    assert "University wallet" in page and "75.0" in page
    # the overview itself adds no script and loads nothing from another origin
    body = page.split('<div id="obo-overview">', 1)[1]
    assert "<script" not in body and "http://" not in body.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in body


def test_linked_from_the_admin_index(client, staff):
    client.force_login(staff)
    assert URL in client.get("/admin/").content.decode()


def test_escapes_badge_names(client, staff, issuer, django_user_model):
    build(issuer, django_user_model)
    from openedx_plugin.models import BadgeClass  # pylint: disable=import-outside-toplevel

    BadgeClass.objects.filter(name="Python basics").update(name='<script>alert("x")</script>')
    client.force_login(staff)
    page = client.get(URL).content.decode()
    assert '<script>alert("x")' not in page and "&lt;script&gt;" in page


def test_only_staff_who_may_view_awards(client, django_user_model):
    plain_staff = django_user_model.objects.create_user("plain", "p@example.com", "pw", is_staff=True)
    client.force_login(plain_staff)
    assert client.get(URL).status_code == 403
    learner = django_user_model.objects.create_user("someone", "s@example.com", "pw")
    client.force_login(learner)
    assert client.get(URL).status_code == 302  # to the admin login


def test_tallies_count_up_to_their_mark_and_the_rest_is_counted_live(badges, learner):
    from datetime import timedelta  # pylint: disable=import-outside-toplevel

    from openedx_plugin.credentials import issuing  # pylint: disable=import-outside-toplevel
    from openedx_plugin.models import Award, AwardTally  # pylint: disable=import-outside-toplevel

    Award.objects.update(created=overview.timezone.now() - timedelta(hours=1))  # all settled
    before = overview.collect(now=NOW)["badges"]
    mark = overview.refresh_tallies(chunk=3, lag=timedelta(0))  # chunks of 3 ids: several queries
    assert mark == Award.objects.order_by("-id").first().id
    assert {t.badge_class.name: t.awarded for t in AwardTally.objects.select_related("badge_class")} == \
        {"Python basics": 6, "Data wrangling": 3, "Data pathway": 1}
    assert overview.collect(now=NOW)["badges"] == before
    issuing.award_badge(badges[2], learner)  # after the mark: counted live
    assert dict((name, n) for name, n, _ in overview.collect(now=NOW)["badges"])["Data pathway"] == 2
    assert overview.refresh_tallies(lag=timedelta(0)) > mark
    assert AwardTally.objects.get(badge_class=badges[2]).awarded == 2
    Award.objects.filter(badge_class=badges[2], user=learner).delete()  # deleted in the admin
    overview.refresh_tallies(lag=timedelta(0), rebuild=True)
    assert AwardTally.objects.get(badge_class=badges[2]).awarded == 1


def test_awards_newer_than_the_lag_wait_for_the_next_refresh(badges):
    from datetime import timedelta  # pylint: disable=import-outside-toplevel

    from openedx_plugin.models import Award  # pylint: disable=import-outside-toplevel

    now = overview.timezone.now()
    Award.objects.update(created=now - timedelta(hours=1))
    newest = Award.objects.order_by("-id").first()
    Award.objects.filter(pk=newest.pk).update(created=now)
    mark = overview.refresh_tallies(lag=timedelta(minutes=5))
    assert mark == newest.id - 1  # a transaction still open may commit a lower id: not counted yet
    assert overview.collect(now=NOW)["total_awards"] == 10
