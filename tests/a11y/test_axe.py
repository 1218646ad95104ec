"""
Every page and block state of the plugin, checked with axe-core in headless Chromium.

axe-core (tests/a11y/package.json, installed by scripts/test.sh's ``npm ci``) is injected into
each page and run with the WCAG 2.0/2.1 A and AA rules plus axe's best practices; any violation,
whatever its impact, fails the page. Each entry of ``PAGES`` is checked at 1280 and 375 px wide,
in English and in Arabic (right to left). BADGES_SCREENSHOT_DIR=docs/screenshots refreshes the
Arabic 375 px pictures (``a11y-ar-375-<name>.png``).

Beyond axe, each state is checked for aria-describedby/labelledby/controls that name no element,
for a page wider than the window (sideways scrolling), for focusable elements that show no focus
indicator when reached with Tab (in English at 1280 px and in Arabic at 375 px), and for text
written by authors or learners (badge names, descriptions, criteria, skills, the issuer's name,
reasons) that is not isolated with ``dir="auto"`` or ``<bdi>`` inside the page's ``isolate``
selector, so English names read right in Arabic pages and Arabic ones in English pages.

To add a page, append one ``Page`` to ``PAGES``:

    Page("course-team-dashboard", "author", lambda w: f"/badges/course/{w.course_key}/manage/"),

``user`` is one of the accounts ``World`` makes (None: signed out), ``url`` receives the world
(its badges, awards and users are attributes), and ``prepare(page, world)``, if given, is run after
the page has loaded to reach a state (open a form, submit it with an error...). ``setup(world)``
runs once before the page is opened, for data only that page needs.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from tests.ci import unavailable

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
WIDTHS = (1280, 375)
LANGUAGES = ("en", "ar")
PASSWORD = "pw-a11y"


@dataclass
class Page:
    name: str
    user: str | None
    url: Callable
    prepare: Callable | None = None
    setup: Callable | None = None
    # Where author-written text must be isolated (dir="auto" or <bdi>): the plugin's own markup.
    # None for pages drawn by Django's admin templates, whose cells hold one name each.
    isolate: str | None = "body"
    status: int = 200  # what the page answers (a plain 404 page is a page too)
    focusable: bool = True  # False: a plain page with nothing to Tab to (checked to be so)


class World:
    """The demo course with its three badges, learners in every state, an author and an operator."""

    def __init__(self, live_server, users):
        from django.contrib.auth.models import Permission
        from django.utils import timezone

        from lms_standin.courseware import enroll, grant_role
        from lms_standin.demo_badges import create_demo_badges
        from lms_standin.demo_course import COURSE_KEY, create_demo_course, usage_key
        from openedx_plugin.credentials import issuing
        from openedx_plugin.models import Award, BackpackProvider, BadgeClass

        course = create_demo_course()
        issuing.create_issuer("Demo University", f"{live_server.url}/", "badges@demo-university.example",
                              org="DemoX", public_base_url=live_server.url, is_default=True)
        create_demo_badges(live_server.url)
        self.course_key = COURSE_KEY
        self.block_key = usage_key("badge_xblock", "badge")
        self.badge_unit = f"/courses/{COURSE_KEY}/unit/{usage_key('vertical', 'v-badge')}/"
        self.reader, self.analyst, self.pathway = (BadgeClass.objects.get(course_key=COURSE_KEY, name=name)
                                                   for name in ("Data Reader", "Data Analyst", "Data Pathway"))

        def learner(username, first, last):
            user = users.objects.create_user(username, f"{username}@example.com", PASSWORD, first_name=first,
                                             last_name=last)
            enroll(user, course, mode="verified")
            return user

        self.ada = learner("ada", "Ada", "Lovelace")       # earned all three badges
        self.bo = learner("bo", "Bo", "Chen")              # nothing yet: empty wallet, badge in progress
        self.cy = learner("cy", "Cy", "Diaz")              # the analyst badge expired
        self.di = learner("di", "Di", "Evans")             # the analyst badge revoked
        self.earned = {badge.name: issuing.award_badge(badge, self.ada)[0]
                       for badge in (self.reader, self.analyst, self.pathway)}
        self.award = self.earned["Data Analyst"]
        self.expired, _ = issuing.award_badge(self.analyst, self.cy)
        Award.objects.filter(pk=self.expired.pk).update(valid_until=timezone.now() - timedelta(days=2))
        self.revoked, _ = issuing.award_badge(self.analyst, self.di)
        issuing.revoke_award(self.revoked, "Awarded by mistake.")
        self.author = users.objects.create_user("author", "author@example.com", PASSWORD, is_staff=True)
        self.admin = users.objects.create_superuser("admin", "admin@example.com", PASSWORD)
        self.operator = users.objects.create_user("operator", "operator@example.com", PASSWORD, is_staff=True)
        self.operator.user_permissions.add(Permission.objects.get(codename="view_award"))
        self.badgr = BackpackProvider.objects.create(kind="badgr", name="Badgr", base_url="https://badgr.invalid",
                                                     settings={"region": "eu"})
        self.dcc = BackpackProvider.objects.create(kind="dcc", name="Learner Credential Wallet")
        # The course team: course staff through the platform's course roles, no admin rights.
        self.teacher = users.objects.create_user("tess", "tess@example.com", PASSWORD, first_name="Tess",
                                                 last_name="Ng")
        grant_role(self.teacher, course)
        self.extra_texts = set()  # author text that only some pages' setup adds

    def author_texts(self):
        """Text written by authors, operators and learners that the pages show."""
        texts = {"Demo University", "Awarded by mistake.", "Data analysis", *self.extra_texts}
        for badge in (self.reader, self.analyst, self.pathway):
            texts.update({badge.name, badge.description, badge.criteria_narrative})
        return sorted(text for text in texts if text)


def _editor_with_errors(page, world):
    """The Studio editor after Save with a new badge, no name and an empty condition: field messages and summary."""
    page.locator(".openedx-badge-editor").wait_for()
    page.locator('[data-role="add-condition"]').click()
    page.locator('[data-role="save"]').click()
    page.locator('[data-role="summary"]').wait_for(state="visible")
    # Beyond axe: each entry of the summary names its field (its label, or its group's legend).
    entries = page.eval_on_selector_all('[data-role="summary-list"] a', """links => links.map(link => {
        const target = document.getElementById(link.dataset.focus);
        const label = document.querySelector(`label[for="${target.id}"]`);
        const name = label ? label.cloneNode(true) : target.closest("fieldset").querySelector("legend").cloneNode(true);
        name.querySelectorAll('[aria-hidden="true"]').forEach(node => node.remove());
        return [name.textContent.trim(), link.textContent];
    })""")
    assert len(entries) >= 2, entries
    for name, text in entries:
        assert name in text.split(":")[0] and text.split(":", 1)[1].strip(), entries


def _unconfigured_block(world):
    from lms_standin import xblock_runtime

    xblock_runtime.save_settings(world.block_key, badge_uuid="")


def _new_badge_in_editor(world):
    _unconfigured_block(world)


def _key_compromise_form(page, world):
    page.locator("input.action-select").first.check()
    page.select_option("select[name=action]", "mark_compromised")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()


def _team(world, *parts):
    """A page of the course team's dashboard."""
    return "/".join([f"/badges/course/{world.course_key}/manage", *(str(part) for part in parts)]) + "/"


def _team_learner(world):
    return _team(world, world.analyst.uuid, "learners", world.ada.pk)


def _suspended(world):
    from openedx_plugin.course_team import services

    services.suspend(world.award, actor=world.teacher, reason="Under review for plagiarism.")
    world.extra_texts.add("Under review for plagiarism.")


# The states below are reached with selectors, not labels: they run in Arabic too.
def _revoke_without_reason(page, world):
    page.locator('form[action$="/revoke/"] button[type=submit]').first.click()
    page.wait_for_load_state()
    page.locator("[role=alert]").first.wait_for()


def _reissue_unconfirmed(page, world):
    page.locator('form[action$="/reissue/"] button[type=submit]').click()
    page.wait_for_load_state()
    page.locator("[role=alert]").first.wait_for()


def _award_dry_run(page, world):
    """bo is awarded, ada holds it already, one line names nobody: the dry run's report."""
    page.fill("[name=learners]", "bo\nada\nnobody@example.com")
    page.fill("[name=reason]", "Led the lab session on data cleaning.")
    page.fill("[name=narrative]", "Ran the lab's census clean-up with the group.")
    page.fill("[name=url]", "https://portfolio.example/bo")
    page.locator("main form button[type=submit], form:has([name=learners]) button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator("[name=dry_run]").is_checked()
    world.extra_texts.add("Ran the lab's census clean-up with the group.")


def _award_errors(page, world):
    page.locator("form:has([name=learners]) button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("[role=alert]").first.wait_for()


def _pathway_errors(page, world):
    """Milestone 1 set to "at least" with more badges than it holds: the summary and the field message."""
    page.locator("#id_m0-mode_1").check()
    page.locator("#id_m0-at_least").fill("5")
    page.locator("button.obp-save").click()
    page.wait_for_load_state()
    page.locator("#obp-error-summary").wait_for()


def _learner_underway(world):
    """bo: the analyst badge, expiring in nine days; the pathway half done; its skill in the profile."""
    from django.utils import timezone

    from openedx_plugin.credentials import issuing
    from openedx_plugin.models import Award

    award, _ = issuing.award_badge(world.analyst, world.bo)
    Award.objects.filter(pk=award.pk).update(valid_until=timezone.now() + timedelta(days=9))


def _public_profile(world):
    from openedx_plugin.models import LearnerProfile

    LearnerProfile.objects.create(user=world.ada, slug="ada-lovelace", public=True, show_name=True,
                                  headline="Data analyst in training")
    world.extra_texts.add("Data analyst in training")


def _private_award(world):
    from openedx_plugin.models import Award

    Award.objects.filter(pk=world.award.pk).update(public=False)


def _taxonomy(world):
    from lms_standin.demo_skills import import_demo_taxonomy, tag_demo_course
    from openedx_plugin import compat
    from openedx_plugin.skills import taxonomies

    compat.import_taxonomy(taxonomies.LEVELS_NAME, taxonomies.LEVELS_EXPORT_ID, taxonomies.shipped_levels_bytes())
    taxonomy = import_demo_taxonomy()
    tag_demo_course(taxonomy.id)
    world.extra_texts.update({"Data visualisation", "Demo Data Skills"})
    return taxonomy


def _skills_chosen(world):
    """The block's badge aligned to two skills of the taxonomy, with a level and a category."""
    from openedx_plugin import api

    taxonomy = _taxonomy(world)
    alignments = [api.skill_alignment(None, world.course_key, taxonomy.id, value, "CFItem")
                  for value in ("Data analysis", "Data visualisation")]
    api.save_badge(world.course_key, {"name": world.analyst.name, "description": world.analyst.description,
                                      "criteria_narrative": world.analyst.criteria_narrative,
                                      "alignments": alignments, "level": "Advanced", "category": "Data science"},
                   badge_uuid=str(world.analyst.uuid))
    world.extra_texts.add("Data science")


BLOCK = ".openedx-badge, .openedx-badge-editor"  # the block's markup in the LMS page or Studio
ADMIN = "#content"  # the content of the plugin's own admin templates


PAGES = [
    # the learner's pages
    Page("wallet", "ada", lambda w: "/badges/wallet/"),
    Page("wallet-empty", "bo", lambda w: "/badges/wallet/"),
    Page("wallet-detail", "ada", lambda w: f"/badges/wallet/{w.award.uuid}/"),
    Page("wallet-detail-expired", "cy", lambda w: f"/badges/wallet/{w.expired.uuid}/"),
    Page("wallet-detail-revoked", "di", lambda w: f"/badges/wallet/{w.revoked.uuid}/"),
    Page("course-badges", "ada", lambda w: f"/badges/course/{w.course_key}/"),
    Page("course-badges-in-progress", "bo", lambda w: f"/badges/course/{w.course_key}/"),
    # public verification
    Page("verify", None, lambda w: f"/badges/verify/{w.award.uuid}"),
    Page("verify-expired", None, lambda w: f"/badges/verify/{w.expired.uuid}"),
    Page("verify-revoked", None, lambda w: f"/badges/verify/{w.revoked.uuid}"),
    # backpacks
    Page("backpacks", "ada", lambda w: "/badges/backpacks/"),
    Page("backpack-connect", "ada", lambda w: f"/badges/backpacks/{w.badgr.pk}/connect/"),
    Page("backpack-push", "ada", lambda w: f"/badges/backpacks/{w.badgr.pk}/push/{w.award.uuid}/"),
    Page("backpack-dcc-request", "ada", lambda w: f"/badges/backpacks/{w.dcc.pk}/wallet/{w.award.uuid}/"),
    # the badge block: the learner's states, the author's view, the Studio editor
    Page("block-earned", "ada", lambda w: w.badge_unit, isolate=BLOCK),
    Page("block-in-progress", "bo", lambda w: w.badge_unit, isolate=BLOCK),
    Page("block-expired", "cy", lambda w: w.badge_unit, isolate=BLOCK),
    Page("block-revoked", "di", lambda w: w.badge_unit, isolate=BLOCK),
    Page("block-signed-out", None, lambda w: w.badge_unit, isolate=BLOCK),
    Page("block-unconfigured", "bo", lambda w: w.badge_unit, setup=_unconfigured_block, isolate=BLOCK),
    Page("block-author-view", "author", lambda w: w.badge_unit + "?view=author", isolate=BLOCK),
    Page("studio-editor", "author", lambda w: f"/studio/{w.block_key}/", isolate=BLOCK),
    Page("studio-editor-errors", "author", lambda w: f"/studio/{w.block_key}/", prepare=_editor_with_errors,
         setup=_new_badge_in_editor, isolate=BLOCK),
    # the operator's admin pages
    Page("admin-badges", "admin", lambda w: "/admin/openedx_badges/badgeclass/", isolate=None),
    Page("admin-badge", "admin", lambda w: f"/admin/openedx_badges/badgeclass/{w.analyst.pk}/change/", isolate=None),
    Page("admin-award-form", "admin", lambda w: f"/admin/openedx_badges/badgeclass/{w.analyst.pk}/award/", isolate=ADMIN),
    Page("admin-awards", "admin", lambda w: "/admin/openedx_badges/award/", isolate=None),
    Page("admin-award", "admin", lambda w: f"/admin/openedx_badges/award/{w.award.pk}/change/", isolate=None),
    Page("admin-award-revoke", "admin", lambda w: f"/admin/openedx_badges/award/{w.award.pk}/revoke/", isolate=ADMIN),
    Page("admin-award-suspend", "admin", lambda w: f"/admin/openedx_badges/award/{w.award.pk}/suspend/", isolate=ADMIN),
    Page("admin-key-compromise", "admin", lambda w: "/admin/openedx_badges/signingkey/",
         prepare=_key_compromise_form, isolate=ADMIN),
    Page("admin-overview", "operator", lambda w: "/admin/openedx_badges/awardoverview/", isolate=ADMIN),
    Page("admin-pathway-editor", "admin", lambda w: f"/admin/openedx_badges/badgeclass/{w.pathway.pk}/pathway/",
         isolate=ADMIN),
    Page("admin-pathway-editor-errors", "admin",
         lambda w: f"/admin/openedx_badges/badgeclass/{w.pathway.pk}/pathway/", prepare=_pathway_errors,
         isolate=ADMIN),
    # the course team's dashboard (course staff, no admin rights)
    Page("course-badges-staff", "tess", lambda w: f"/badges/course/{w.course_key}/"),
    Page("course-team-dashboard", "tess", _team),
    Page("course-team-badge", "tess", lambda w: _team(w, w.analyst.uuid)),
    Page("course-team-badge-search", "tess", lambda w: _team(w, w.analyst.uuid) + "?q=ada&state="),
    Page("course-team-badge-no-result", "tess", lambda w: _team(w, w.analyst.uuid) + "?q=nobody&state=revoked"),
    Page("course-team-badge-reissued", "tess", lambda w: _team(w, w.analyst.uuid) + "?reissued=2"),
    Page("course-team-reissue-error", "tess", lambda w: _team(w, w.analyst.uuid), prepare=_reissue_unconfirmed),
    Page("course-team-learner", "tess", _team_learner),
    Page("course-team-learner-error", "tess", _team_learner, prepare=_revoke_without_reason),
    Page("course-team-learner-suspended", "tess", _team_learner, setup=_suspended),
    Page("course-team-history", "tess", lambda w: _team(w, "history"), setup=_suspended),  # one entry at least
    Page("course-team-award", "tess", lambda w: _team(w, w.analyst.uuid, "award")),
    Page("course-team-award-dry-run", "tess", lambda w: _team(w, w.analyst.uuid, "award"), prepare=_award_dry_run),
    Page("course-team-award-errors", "tess", lambda w: _team(w, w.analyst.uuid, "award"), prepare=_award_errors),
    # pathways: the course team's editor and the course's list
    Page("pathway-editor", "tess", lambda w: f"/badges/pathways/{w.pathway.uuid}/"),
    Page("pathway-editor-errors", "tess", lambda w: f"/badges/pathways/{w.pathway.uuid}/",
         prepare=_pathway_errors),
    Page("pathway-course", "tess", lambda w: f"/badges/pathways/course/{w.course_key}/"),
    # the learner's pages of issue 18, the skill page, the block's editor with skills
    Page("wallet-underway", "bo", lambda w: "/badges/wallet/", setup=_learner_underway),
    Page("wallet-skills", "ada", lambda w: "/badges/wallet/", setup=_skills_chosen),
    Page("wallet-profile-settings", "ada", lambda w: "/badges/wallet/profile/", setup=_public_profile),
    Page("public-profile", None, lambda w: "/badges/u/ada-lovelace/", setup=_public_profile),
    Page("certificate", "ada", lambda w: f"/badges/wallet/{w.award.uuid}/certificate/"),
    Page("verify-private", None, lambda w: f"/badges/verify/{w.award.uuid}", setup=_private_award, status=404,
         focusable=False),
    Page("skill", None, lambda w: "/badges/skills/demo-data-skills/DS-ANALYSE", setup=_skills_chosen),
    Page("studio-editor-skills", "author", lambda w: f"/studio/{w.block_key}/", setup=_skills_chosen,
         isolate=BLOCK),
]


@pytest.fixture
def world(live_server, django_user_model):
    return World(live_server, django_user_model)


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def dangling_references(page):
    """Beyond axe: ids named by aria-describedby, aria-labelledby or aria-controls that no element has."""
    return page.evaluate("""() => {
        const missing = [];
        for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls"]) {
            for (const node of document.querySelectorAll(`[${attr}]`)) {
                for (const id of node.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
                    if (!document.getElementById(id)) missing.push(`${attr}=${id} on <${node.tagName.toLowerCase()}>`);
                }
            }
        }
        return missing;
    }""")


def unisolated_author_text(page, scope, texts):
    """Beyond axe: author-written text in ``scope`` outside any ``dir="auto"`` or ``<bdi>``."""
    return page.evaluate("""([scope, texts]) => {
        const found = [];
        // <bdi> and dir="auto" compute to unicode-bidi: isolate; SVG text has no <bdi>, but the property.
        const isolated = (element) => {
            for (let node = element; node && node !== document.documentElement; node = node.parentElement) {
                if (node.matches('bdi, [dir="auto"]')) return true;
                if (["isolate", "plaintext", "isolate-override"].includes(getComputedStyle(node).unicodeBidi)) return true;
            }
            return false;
        };
        for (const root of document.querySelectorAll(scope)) {
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const parent = node.parentElement;
                // svg <title>/<desc> name a chart for assistive technology; they are not laid out.
                if (!parent || parent.closest('script, style, template, [hidden], svg title, svg desc')) continue;
                const text = node.textContent;
                for (const wanted of texts) {
                    if (text.includes(wanted) && !isolated(parent)) {
                        found.push(`"${wanted}" in <${parent.tagName.toLowerCase()} class="${parent.className}">`);
                    }
                }
            }
            for (const control of root.querySelectorAll('input:not([type=hidden]), textarea')) {
                if (texts.some((wanted) => control.value.includes(wanted)) && !isolated(control)) {
                    found.push(`a value in <${control.tagName.toLowerCase()} name="${control.name}">`);
                }
            }
        }
        return [...new Set(found)];
    }""", [scope, texts])


def focus_without_indicator(page, stops=80):
    """
    Beyond axe: Tab through the page (up to ``stops`` times) and name every focused element that
    shows no focus indicator (no outline, no box-shadow). Order is axe's part: its ``tabindex``
    rule refuses positive tabindex values, so the Tab order is the reading order.
    """
    page.evaluate("document.activeElement && document.activeElement.blur()")
    missing, reached = [], 0
    for _ in range(stops):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => {
            const el = document.activeElement;
            if (!el || el === document.body || el.dataset.a11ySeen) return null;  // back at the start
            el.dataset.a11ySeen = "1";
            const style = getComputedStyle(el);
            const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
            const shadow = style.boxShadow && style.boxShadow !== "none";
            const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
                (el.getAttribute("href") ? `[href="${el.getAttribute("href")}"]` : "") +
                (el.name ? `[name="${el.name}"]` : "");
            return {name, visible: outline || shadow};
        }""")
        if focused is None:
            break
        reached += 1
        if not focused["visible"]:
            missing.append(focused["name"])
    assert reached, "Tab reached nothing on the page"
    return missing


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("rules => axe.run(document, {runOnly: {type: 'tag', values: rules},"
                           " resultTypes: ['violations']})", RULES)
    return [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [node["target"] for node in v["nodes"]][:5]} for v in result["violations"]]


@pytest.mark.parametrize("entry", PAGES, ids=[entry.name for entry in PAGES])
def test_no_axe_violation(entry, world, browser, live_server, screenshot):
    if not AXE.exists():
        unavailable(f"axe-core is not installed: npm ci in {AXE.parents[2]}")
    if entry.setup:
        entry.setup(world)
    context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTHS[0], "height": 900})
    context.set_default_timeout(15000)
    try:
        page = context.new_page()
        if entry.user:
            sign_in(page, entry.user)
        found = {}
        for language in LANGUAGES:
            context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                response = page.goto(entry.url(world))
                assert response.status == entry.status, f"{entry.name}: {response.status} at {page.url}"
                assert page.evaluate("document.documentElement.lang") == language
                if entry.prepare:
                    entry.prepare(page, world)
                if language == "ar" and width == 375:
                    screenshot(page, f"a11y-ar-375-{entry.name}")
                violations = axe_violations(page)
                missing = dangling_references(page)
                if missing:
                    violations.append({"rule": "dangling-aria-reference", "nodes": missing})
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if overflow > 0:  # WCAG 1.4.10 Reflow: no sideways scrolling at a phone's width
                    violations.append({"rule": "page-wider-than-viewport", "nodes": [f"{overflow}px too wide"]})
                if not entry.focusable:
                    assert not page.locator("a[href], button, input, select, textarea, [tabindex]").count()
                elif (language, width) in (("en", 1280), ("ar", 375)):
                    unfocusable = focus_without_indicator(page)
                    if unfocusable:
                        violations.append({"rule": "focus-not-visible", "nodes": unfocusable})
                if entry.isolate:
                    loose = unisolated_author_text(page, entry.isolate, world.author_texts())
                    if loose:
                        violations.append({"rule": "author-text-not-isolated", "nodes": loose})
                if violations:
                    found[f"{language} {width}px"] = violations
        assert not found, f"{entry.name}: axe found\n{json.dumps(found, indent=1, ensure_ascii=False)}"
    finally:
        context.close()
