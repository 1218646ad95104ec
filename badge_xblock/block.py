"""
The badge block: authors define a badge inside a unit; learners see what it
takes, how far they are, and the credential once they have earned it.

The block decides nothing itself. Progress, awards and validation come from the
plugin's Python API (``openedx_plugin.api``), which reads grades and completion
from the platform; handlers forward an author's edits to it after checking the
user is course staff, and never take the browser's word about a learner.
"""

import base64
import binascii
import functools
import hashlib
import importlib.resources
import json
import logging
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.utils import formats, translation
from web_fragments.fragment import Fragment
from webob import Response
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError
from xblock.fields import Scope, String
from xblock.utils.resources import ResourceLoader

from . import authoring

log = logging.getLogger(__name__)
loader = ResourceLoader(__name__)


def _(text):
    """Marks class-level strings for extraction; the i18n service translates them when shown."""
    return text


ATTR_USER_ID = "edx-platform.user_id"
ATTR_IS_STAFF = "edx-platform.user_is_staff"
ATTR_IS_AUTHENTICATED = "edx-platform.is_authenticated"
ATTR_USERNAME = "edx-platform.username"
# A body nested deeper than the editor ever sends is refused before anything walks it.
MAX_JSON_DEPTH = 16
IMAGE_TYPES = {".png": "image/png", ".svg": "image/svg+xml"}
# Base64 text is 4/3 of the file: this lets the API's own size limit speak for files near it.
MAX_IMAGE_BASE64 = 2 * 1024 * 1024
LINKEDIN_ADD_URL = "https://www.linkedin.com/profile/add"
DEFAULT_WALLET_URL = "/badges/wallet/"
FORM_FIELDS = ("name", "description", "criteria_narrative", "criteria_url", "achievement_type", "level", "category")
LEVELS = (_("Foundation"), _("Intermediate"), _("Advanced"))


def json_body_handler(func):
    """
    ``XBlock.json_handler``, with a 400 (never a 500) for bodies no editor sends.

    XBlock's own decorator answers 400 to malformed JSON, but a deeply nested body
    raises RecursionError in the parser, and JSON escapes may carry lone UTF-16
    surrogates that fail later when the text is stored or rendered. Both are
    refused here, with a message, before the handler sees the data.
    """
    @XBlock.handler
    @functools.wraps(func)
    def wrapper(self, request, suffix=""):
        if request.method != "POST":
            return JsonHandlerError(405, "Method must be POST").get_response(allow=["POST"])
        try:
            data = json.loads(request.body.decode("utf-8"))
            problem = _body_problem(data)
        except RecursionError:
            problem = "depth"
        except ValueError:
            return JsonHandlerError(400, self.ugettext("The request could not be read as JSON.")).get_response()
        if problem == "depth":
            return JsonHandlerError(400, self.ugettext("The request is nested too deeply.")).get_response()
        if problem == "text":
            return JsonHandlerError(400, self.ugettext("The request contains text that is not valid Unicode.")
                                    ).get_response()
        try:
            response = func(self, data, suffix)
        except JsonHandlerError as err:
            return err.get_response()
        if isinstance(response, Response):
            return response
        return Response(json.dumps(response), content_type="application/json", charset="utf8")
    return wrapper


def _body_problem(data):
    """'depth' or 'text' when the decoded body is nested too deeply or holds lone surrogates; else None."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return "depth"
        if isinstance(value, dict):
            stack.extend((key, depth + 1) for key in value)
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return "text"
    return None


@XBlock.wants("user", "i18n", "settings", "studio_user_permissions")
class BadgeXBlock(XBlock):
    """A badge learners can earn in this course, shown where the author put it."""

    completion_mode = XBlockCompletionMode.EXCLUDED
    i18n_js_namespace = "BadgeXBlockI18N"
    block_settings_key = "badge_xblock"

    # Scope.settings: the author's choice. Nothing about a learner is stored in the
    # block: awards and progress live in the plugin, computed from the platform's data.
    display_name = String(
        display_name=_("Display name"), default=_("Badge"), scope=Scope.settings,
        help=_("The heading learners see above the badge."),
    )
    badge_uuid = String(
        display_name=_("Badge"), default="", scope=Scope.settings,
        help=_("The badge class of this course that the block shows (its UUID); set by the editor."),
    )

    # --- services ----------------------------------------------------------------------------

    def ugettext(self, text):
        """
        Translate through the i18n service (the block's own catalogue in Open edX), then Django's.

        The rule kinds' words (their editor labels, descriptions and form errors) live in the
        app's catalogue with the kinds (openedx_plugin/rules); the platform's service reads only
        the block's catalogue when the block ships one for the language, so a message it leaves
        untranslated is asked of Django's catalogues, where the app's are.
        """
        service = self.runtime.service(self, "i18n")
        if service is None:
            return text
        gettext = getattr(service, "gettext", None) or getattr(service, "ugettext", None)
        translated = gettext(text) if gettext else text
        return translation.gettext(text) if translated == text else translated

    def ungettext(self, singular, plural, count):
        """The plural form for ``count``, through the i18n service (its ``ngettext``), then Django's."""
        service = self.runtime.service(self, "i18n")
        ngettext = getattr(service, "ngettext", None) or getattr(service, "ungettext", None) if service else None
        fallback = singular if count == 1 else plural
        translated = ngettext(singular, plural, count) if ngettext else fallback
        return translation.ngettext(singular, plural, count) if translated == fallback else translated

    def _i18n_service(self):
        return self.runtime.service(self, "i18n")

    def _xblock_user(self):
        service = self.runtime.service(self, "user")
        return service.get_current_user() if service else None

    def _opt(self, name, default=None):
        user = self._xblock_user()
        return user.opt_attrs.get(name, default) if user is not None else default

    def is_staff(self):
        """
        Course staff in the LMS: the LMS's user service sets ``user_is_staff`` per course.

        Studio's user service never sets it (it is always False there), so authoring
        rights are decided by ``author_denial``, not by this.
        """
        return self._opt(ATTR_IS_STAFF, False) is True

    def is_authenticated(self):
        return self._opt(ATTR_USER_ID) is not None and self._opt(ATTR_IS_AUTHENTICATED, True) is not False

    def identity(self):
        """
        What the runtime says about who is asking: "learner", "anonymous" or "unknown".

        "anonymous" only when the user service says so (the LMS marks anonymous users
        ``is_authenticated: False``); a runtime that names nobody in the platform's terms
        (xblock-sdk's workbench) is "unknown": nobody there can sign in to a course.
        """
        if self.is_authenticated():
            return "learner"
        if self._opt(ATTR_IS_AUTHENTICATED) is False:
            return "anonymous"
        return "unknown"

    def _studio_permissions(self):
        return self.runtime.service(self, "studio_user_permissions")

    def author_denial(self):
        """
        None when the requesting user may author this block's badge; otherwise why not, for the author.

        Studio gives both of its runtimes a ``studio_user_permissions`` service and no
        ``user_is_staff``; its handler view asks only for a login, so this check is the
        only gate: course write access, on this block's own course. The LMS has no such
        service and says course staff with ``user_is_staff``. A runtime that tells
        neither, or a block outside a course, may not author at all.
        """
        _ = self.ugettext
        context = self.course_context()
        if context is None:
            return _("This block is not part of a course, so it has no badges to edit. Add it to a unit of a "
                     "course in Studio.")
        permissions = self._studio_permissions()
        if permissions is not None:
            can_write = getattr(permissions, "can_write", None)
            if self.identity() != "anonymous" and can_write is not None and can_write(context) is True:
                return None
            return _("Only the course team can edit this badge.")
        if self.identity() == "anonymous":
            return _("Only the course team can edit this badge.")
        user = self._xblock_user()
        if user is None or ATTR_IS_STAFF not in user.opt_attrs:
            return _("This application does not tell the badge block your role in the course, so the badge cannot "
                     "be edited here.")
        if self.is_authenticated() and self.is_staff():
            return None
        return _("Only the course team can edit this badge.")

    def django_user(self):
        """The Django user the user service names, for the plugin API; None when anonymous."""
        if not self.is_authenticated():
            return None
        return self._api().user_by_id(self._opt(ATTR_USER_ID))

    def is_masquerading(self):
        """Staff viewing as a learner: the request's real user differs from the block's user."""
        return self._api().is_masquerading()

    def block_settings(self):
        service = self.runtime.service(self, "settings")
        bucket = service.get_settings_bucket(self, default={}) if service else {}
        return bucket or {}

    def _usage_id(self):
        # Tolerates runtimes (and tests) that hand the block a bare id instead of ScopeIds.
        return getattr(self.scope_ids, "usage_id", self.scope_ids)

    def course_context(self):
        """
        The block's course as an opaque CourseKey, or None outside a course.

        The usage key's context in Open edX; a runtime's ``course_id`` elsewhere. An
        empty or unparsable value is no course: "" must never stand for one, because
        badges with no course key are the operator's, not a course's.
        """
        context = getattr(self._usage_id(), "context_key", None)
        if context is None:
            context = getattr(self.runtime, "course_id", None)
        if context is None or not str(context).strip():
            return None
        return self._api().course_key_of(context)

    def course_key(self):
        """The block's course key as a string, or "" outside a course (callers check before any use)."""
        context = self.course_context()
        return str(context) if context is not None else ""

    def dom_prefix(self):
        """Element ids unique on a page that shows several badge blocks."""
        return "badge-" + hashlib.sha1(str(self._usage_id()).encode()).hexdigest()[:10]

    # --- data from the plugin ------------------------------------------------------------------

    @staticmethod
    def _api():
        # Imported when first used: the XBlock loader imports this module before Django's
        # app registry is ready, and the API imports the plugin's models.
        from openedx_plugin import api  # pylint: disable=import-outside-toplevel

        return api

    def course_badges(self):
        """The active badges of this block's course; none outside a course (never the operator's)."""
        course_key = self.course_key()
        return self._api().course_badges(course_key) if course_key else []

    def course_badge(self):
        """This block's badge, if it is an active badge of this course."""
        if not self.badge_uuid:
            return None
        return next((b for b in self.course_badges() if b["uuid"] == self.badge_uuid), None)

    def course_assessments(self):
        """The course's blocks an author can name in a rule; none when the platform cannot say."""
        course_key = self.course_key()
        if not course_key:
            return []
        try:
            return self._api().course_assessments(course_key)
        except Exception:  # pylint: disable=broad-except
            # A host without the platform's course structure: the editor still opens, without blocks.
            log.exception("Could not read the blocks of %s for the badge block", course_key)
            return []

    def block_names(self):
        return {b["usage_key"]: b["display_name"] for b in self.course_assessments()}

    # --- rendering -----------------------------------------------------------------------------

    def _render(self, template, context):
        return loader.render_django_template(f"templates/{template}", context, i18n_service=self._i18n_service())

    def _js_catalogue(self):
        """
        The URL of the JS catalogue of the learner's language: the platform's, else the block's own.

        Open edX's i18n service names the catalogue it compiled from OEP-58 (atlas)
        translations; without one, the block serves the catalogue it ships.
        """
        service = self._i18n_service()
        platform_url = getattr(service, "get_javascript_i18n_catalog_url", None)
        if callable(platform_url):
            url = platform_url(self)
            if url:
                return url
        language = (translation.get_language() or "en").split("-")[0].lower()
        path = f"public/js/translations/{language}/text.js"
        found = importlib.resources.files("badge_xblock").joinpath(path)
        return self.runtime.local_resource_url(self, path) if found.is_file() else None

    def _fragment(self, html, js=None, js_class=None, init_args=None, css=("public/css/badge.css",)):
        frag = Fragment(html)
        for path in css:
            frag.add_css_url(self.runtime.local_resource_url(self, path))
        if js:
            catalogue = self._js_catalogue()
            if catalogue:
                frag.add_javascript_url(catalogue)
            frag.add_javascript_url(self.runtime.local_resource_url(self, "public/js/i18n.js"))
            frag.add_javascript_url(self.runtime.local_resource_url(self, js))
            frag.initialize_js(js_class, init_args or {})
        return frag

    def _card_context(self, badge):
        _ = self.ugettext
        meta = [badge.get("issuer"), badge.get("achievement_type"), badge.get("level"), badge.get("category")]
        skills = [{"name": a.get("targetName", ""), "url": a.get("targetUrl", ""),
                   "framework": a.get("targetFramework", ""), "code": a.get("targetCode", "")}
                  for a in badge.get("alignments") or [] if isinstance(a, dict)]
        return {"badge": badge, "meta": " · ".join(part for part in meta if part), "skills": skills,
                "image_alt": _("Badge image: {name}").format(name=badge["name"])}

    def student_view(self, context=None):  # pylint: disable=unused-argument
        """What learners see: the badge, how to earn it, their progress, and the credential once earned."""
        try:
            data = self.student_context()
        except Exception:  # pylint: disable=broad-except
            # The unit must still render when the plugin or the platform's data cannot be read.
            log.exception("The badge block %s could not read its badge", self._usage_id())
            data = self.unavailable_context()
        html = self._render("student.html", data)
        return self._fragment(html, "public/js/badge.js", "BadgeXBlockView",
                              {"state": data["state"], "prefix": data["prefix"]})

    def unavailable_context(self):
        return {"prefix": self.dom_prefix(), "title": self.display_name, "badge": None, "state": "unconfigured",
                "unconfigured": self.ugettext("This badge cannot be shown right now. Try again later.")}

    def author_view(self, context=None):  # pylint: disable=unused-argument
        """Studio's preview: what learners see before they start, and the earning rule in words."""
        try:
            data = self.author_context()
        except Exception:  # pylint: disable=broad-except
            log.exception("The badge block %s could not read its badge", self._usage_id())
            data = self.unavailable_context()
        return self._fragment(self._render("student.html", data))

    def author_context(self):
        _ = self.ugettext
        if self.course_context() is None:
            return {"prefix": self.dom_prefix(), "title": self.display_name, "badge": None, "state": "preview",
                    "unconfigured": _("This block is not part of a course, so it has no badges to edit. Add it "
                                      "to a unit of a course in Studio.")}
        badge = self.course_badge()
        data = {"prefix": self.dom_prefix(), "title": self.display_name, "badge": None, "state": "preview",
                "unconfigured": _("No badge is chosen yet. Edit this block to create a badge or choose one of "
                                  "the course's badges.")}
        if badge is not None:
            data.update(self._card_context(badge))
            data["rule_html"] = self._rule_html(badge)
            data["note"] = _("Preview: learners see their own progress here and, once they earn the badge, "
                             "links to download and share it.")
            data["state_html"] = self._render("state.html", {"state": "preview", "prefix": data["prefix"],
                                                             "status_text": _("Not started")})
            data["dashboard_url"] = self._api().course_team_dashboard_url(self.course_key())  # issue 18
        elif self.badge_uuid:
            data["unconfigured"] = _("The chosen badge is not an active badge of this course. Edit this block "
                                     "to choose another.")
        return data

    def _rule_html(self, badge):
        if not badge.get("rule"):
            return ""
        badge_names = {b["uuid"]: b["name"] for b in self.course_badges()}
        return authoring.describe_html(badge["rule"], self.ugettext, self.block_names(), badge_names)

    def student_context(self):
        """Everything student.html needs; progress and awards come from the plugin API."""
        _ = self.ugettext
        data = {"prefix": self.dom_prefix(), "title": self.display_name, "badge": None, "state": "unconfigured",
                "unconfigured": _("This badge is not available yet.")}
        if self.course_context() is None:
            return data  # outside a course there is no course badge to show (never the operator's)
        if not self.badge_uuid:
            if self.is_staff():
                data["unconfigured"] = _("No badge is chosen yet. Edit this block in Studio to create or choose one.")
            return data
        if self.is_staff():
            data["note"] = _("You are course staff: the progress below is your own. Each learner sees theirs.")
        elif self.is_masquerading():
            data["note"] = _("You are viewing this unit as another user: the progress below is theirs.")
        user = self.django_user()
        if user is None:
            badge = self.course_badge()
            if badge is None:
                return data
            data.update(self._card_context(badge))
            data["rule_html"] = self._rule_html(badge)
            state = "anonymous" if self.identity() == "anonymous" else "unidentified"
            data["state"] = state
            data["state_html"] = self._render("state.html", self.state_context(None, state))
            return data
        learner = self._api().learner_state(self.badge_uuid, user)
        if learner is None or learner["badge"].get("course_key") != self.course_key():
            return data
        data.update(self._card_context(learner["badge"]))
        data["state"] = learner["state"]
        data["state_html"] = self._render("state.html", self.state_context(learner))
        return data

    def state_context(self, learner, nobody="anonymous"):
        """
        The part of the view that changes when the learner checks their progress.

        Without a learner, ``nobody`` says why: "anonymous" (the LMS says nobody is
        signed in: offer its sign-in page) or "unidentified" (the runtime names no
        platform user, as in xblock-sdk's workbench: there is no sign-in page to offer).
        """
        _ = self.ugettext
        prefix = self.dom_prefix()
        if learner is None and nobody == "anonymous":
            login_url = self.block_settings().get("login_url") or _setting("LOGIN_URL", "/login")
            return {"prefix": prefix, "state": "anonymous", "login_url": login_url,
                    "status_text": _("Sign in and enroll in the course to earn this badge and follow your "
                                     "progress.")}
        if learner is None:
            return {"prefix": prefix, "state": "unidentified",
                    "status_text": _("Learners of the course see their progress here.")}
        state = learner["state"]
        award = learner.get("award")
        context = {"prefix": prefix, "state": state, "progress": [], "award": None,
                   "can_check": state not in ("earned", "revoked"),
                   "wallet_url": self.block_settings().get("wallet_url") or DEFAULT_WALLET_URL}
        # The learner's badges earned in other units of the course, and where to see them all.
        elsewhere = self._api().course_badges_elsewhere(self.django_user(), self.course_key(), self.badge_uuid)
        context["course_badges_url"] = elsewhere["url"]
        if elsewhere["held"]:
            context["elsewhere_text"] = self.ungettext(
                "You also hold {count} other badge of this course.",
                "You also hold {count} other badges of this course.", elsewhere["held"]).format(count=elsewhere["held"])
        # An earned badge is the answer to "how far am I?": its block shows the award and the
        # conditions met, never a "Not yet" line (a rule of alternatives leaves some unmet, a grade
        # may fall after the award, a badge given by hand may meet none).
        items = [item for item in learner["progress"] if item["met"]] if state == "earned" else learner["progress"]
        for item in items:
            target = item.get("target") or 0
            context["progress"].append({
                "text": item["text"], "met": item["met"],
                "met_label": _("Done:") if item["met"] else _("Not yet:"),
                "value": min(item.get("current") or 0, target) if target else None, "max": target or None,
            })
        if state == "earned" and award:
            context["status_text"] = _("Earned on {date}.").format(date=_date(award["issued_on"]))
            if award.get("valid_until"):
                context["valid_text"] = _("Valid until {date}.").format(date=_date(award["valid_until"]))
            context["award"] = award
            context["linkedin_url"] = linkedin_url(learner["badge"], award)
        elif state == "expired" and award:
            context["status_text"] = _("Expired on {date}. Meet the criteria again to renew it.").format(
                date=_date(award["valid_until"]))
            context["award"] = award
        elif state == "revoked":
            context["status_text"] = _("This badge was revoked. Contact the course team if you think this is "
                                       "a mistake.")
        elif state == "in_progress":
            context["status_text"] = _("In progress.")
        else:
            context["status_text"] = _("Not started yet.")
        return context

    def studio_view(self, context=None):  # pylint: disable=unused-argument
        """The editor: create or choose the course's badge, its design, criteria and earning rule."""
        _ = self.ugettext
        denial = self.author_denial()
        if denial is not None:
            return self._fragment(self._render("message.html", {"message": denial}))
        api = self._api()
        course_key = self.course_key()
        badges = self.course_badges()
        blocks = self.course_assessments()
        current = next((b for b in badges if b["uuid"] == self.badge_uuid), None)
        rule_form = authoring.form_from_rule(current["rule"], course_key) if current else \
            authoring.form_from_rule(None, course_key)
        init = {
            "prefix": self.dom_prefix(),
            "badgeUuid": current["uuid"] if current else "",
            "badges": [_editor_badge(b, course_key) for b in badges],
            "assessments": [{"key": b["usage_key"], "name": b["display_name"], "type": b["block_type"],
                             "graded": b.get("graded", False)}
                            for b in blocks if b["block_type"] in ("problem", "vertical", "sequential", "chapter")],
            "units": [{"key": b["usage_key"], "name": b["display_name"]} for b in blocks
                      if b["block_type"] == "vertical"],
            "modes": list(authoring.certificate_modes()),
            "kinds": authoring.editor_kinds(_),
            "ruleForm": rule_form,
            # The whole tree (not only the assessable blocks): a unit proposes the skills of its text too.
            **self._skills_init(None),
        }
        html = self._render("studio.html", {
            "prefix": init["prefix"], "display_name": self.display_name, "badges": badges, "current": current,
            "achievement_types": api.achievement_types(),
            "achievement_type": (current or {}).get("achievement_type") or "Badge",
            "levels": self._levels(),
            "categories": self._categories(),
            "validity_days": (current or {}).get("validity_days") or "",
            "advanced_rule": bool(current and current.get("rule") and rule_form is None),
            "rule_html": self._rule_html(current) if current else "",
        })
        return self._fragment(html, "public/js/studio.js", "BadgeXBlockStudio", init,
                              css=("public/css/badge.css", "public/css/studio.css"))

    # --- skills from content tagging (issue 13) ------------------------------------------------

    def _content_skills(self, blocks=None):
        """``{usage_key: [skill]}`` of this course's content; none when the platform cannot say."""
        course_key = self.course_key()
        if not course_key:
            return {}
        try:
            return self._api().content_skills(course_key, blocks)
        except Exception:  # pylint: disable=broad-except
            log.exception("Could not read the content tags of %s for the badge block", course_key)
            return {}

    def _skills_init(self, blocks):
        """What studio.js needs for skills: the content's skills and the target types."""
        carried = self._content_skills(blocks)
        everything = {}
        for options in carried.values():
            for option in options:
                everything.setdefault(option["key"], option)
        return {
            "contentSkills": carried,
            "skills": sorted(everything.values(), key=lambda option: (option["taxonomy"], option["value"])),
            "targetTypes": self._api().alignment_target_types(),
        }

    def _levels(self):
        try:
            return self._api().badge_levels()
        except Exception:  # pylint: disable=broad-except
            log.exception("Could not read the level taxonomy for the badge block")
            return [self.ugettext(level) for level in LEVELS]

    def _categories(self):
        try:
            return self._api().badge_categories()
        except Exception:  # pylint: disable=broad-except
            log.exception("Could not read the category taxonomy for the badge block")
            return []

    @json_body_handler
    def search_skills(self, data, suffix=""):  # pylint: disable=unused-argument
        """
        The tags of the organization's taxonomies that contain what the author typed (the editor
        searches as they type). Authors only, checked as every editing handler checks; the
        taxonomies' own view rule is applied by the plugin.
        """
        self._require_author()
        term = data.get("term", "") if isinstance(data, dict) else None
        if not isinstance(term, str) or len(term) > 100:
            raise JsonHandlerError(400, self.ugettext("Type up to 100 characters to search for a skill."))
        user = self.django_user()
        if user is None:  # the taxonomies' view rule needs a signed-in user to ask about
            raise JsonHandlerError(403, self.ugettext("Only the course team can edit this badge."))
        return {"skills": self._api().search_skills(user, self.course_key(), term)}

    # --- handlers ------------------------------------------------------------------------------

    def _require_author(self):
        denial = self.author_denial()
        if denial is not None:
            raise JsonHandlerError(403, denial)

    def _store(self, prepared):
        """
        The plugin API's save of the editor's badge: ``(summary, None)`` or ``(None, field messages)``.

        Raises JsonHandlerError 403 when the badge belongs to another course.
        """
        try:
            summary = self._api().save_badge(
                self.course_key(), prepared["fields"], badge_uuid=prepared["badge_uuid"] or None,
                rule=prepared["rule"], image=prepared["image"], image_type=prepared["image_type"],
                user=self.django_user())
        except ValidationError as exc:
            return None, _validation_messages(exc)
        except PermissionDenied as exc:
            raise JsonHandlerError(403, str(exc) or self.ugettext("You may not edit this badge.")) from exc
        return summary, None

    @json_body_handler
    def save_badge(self, data, suffix=""):  # pylint: disable=unused-argument
        """Create or update the badge through the plugin API; field messages come back for the form."""
        self._require_author()
        prepared, errors = self._prepare(data)
        if errors:
            return _error_response(errors)
        summary, errors = self._store(prepared)
        if errors:
            return _error_response(errors)
        self.badge_uuid = summary["uuid"]
        self.display_name = prepared["display_name"]
        message = self.ugettext("Saved. Learners see the badge once the unit is published.")
        held = summary.get("held_by") or 0
        if held:  # issue 18: what learners already hold keeps its signed text
            message += " " + translation.ngettext(
                "%(count)d learner already holds this badge: the credential they were issued keeps its text. "
                "You can re-issue it with the new text from the badge dashboard.",
                "%(count)d learners already hold this badge: the credentials they were issued keep their text. "
                "You can re-issue them with the new text from the badge dashboard.", held) % {"count": held}
        return {"ok": True, "badge": _editor_badge(summary, self.course_key()),
                "rule_html": str(self._rule_html(summary)), "message": message,
                "held_by": held, "reissue_url": summary.get("reissue_url", "")}

    @json_body_handler
    def preview(self, data, suffix=""):  # pylint: disable=unused-argument
        """
        The learner's view of the form's badge before saving, with the rule in words; nothing is stored.

        It validates as Save does (the same form checks, then the API's own in a
        transaction that is rolled back), so a preview that says "ok" saves.
        """
        self._require_author()
        prepared, errors = self._prepare(data)
        if not errors:
            errors = self._dry_run(prepared)
        fields = prepared["fields"]
        badge = dict(fields, uuid=prepared["badge_uuid"], issuer=self._issuer_name(), alignments=fields["alignments"],
                     image_url=self._preview_image_url(prepared["badge_uuid"]))
        badge_names = {b["uuid"]: b["name"] for b in self.course_badges()}
        rule_html = authoring.describe_html(prepared["rule"], self.ugettext, self.block_names(), badge_names) \
            if prepared["rule"] else ""
        context = {"prefix": self.dom_prefix() + "-preview", "title": prepared["display_name"] or self.display_name,
                   "state": "preview", "rule_html": rule_html, **self._card_context(badge)}
        context["state_html"] = self._render("state.html", {"state": "preview", "prefix": context["prefix"],
                                                            "status_text": self.ugettext("Not started")})
        return {"ok": not errors, "errors": errors, "html": self._render("student.html", context),
                "rule_html": str(rule_html)}

    def _dry_run(self, prepared):
        """The API's messages for what Save would store now; the transaction is always rolled back."""
        _summary, errors = self._api().rolled_back(lambda: self._store(prepared))
        return errors or {}

    def _issuer_name(self):
        badge = self.course_badge()
        return badge["issuer"] if badge else ""

    def _preview_image_url(self, badge_uuid):
        badge = next((b for b in self.course_badges() if b["uuid"] == badge_uuid), None) if badge_uuid else None
        return badge["image_url"] if badge else ""

    @json_body_handler
    def check_now(self, data, suffix=""):  # pylint: disable=unused-argument
        """Ask the plugin to evaluate the rule for this learner now; the engine alone decides on an award."""
        user = self.django_user()
        if user is None:
            if self.identity() == "unknown":
                raise JsonHandlerError(403, self.ugettext("Learners of the course see their progress here."))
            raise JsonHandlerError(403, self.ugettext("Sign in to check your progress."))
        badge = self.course_badge()
        if badge is None:
            raise JsonHandlerError(404, self.ugettext("This badge is not available."))
        learner = self._api().check_now(self.badge_uuid, user)
        context = self.state_context(learner)
        return {"state": learner["state"], "html": self._render("state.html", context),
                "announcement": _announcement(learner["state"], self.ugettext)}

    # --- the editor's payload ------------------------------------------------------------------

    def _prepare(self, data):
        """
        The API's arguments from the editor's JSON, with messages for what is wrong.

        The browser is not trusted: badge, blocks and units must be this course's,
        and the image type comes from the file name, then from the API's sniffing.
        """
        _ = self.ugettext
        errors = {}
        data = data if isinstance(data, dict) else {}
        raw = data.get("fields") if isinstance(data.get("fields"), dict) else {}
        fields = {name: str(raw.get(name) or "").strip() for name in FORM_FIELDS}
        fields["achievement_type"] = fields["achievement_type"] or "Badge"
        days = str(raw.get("validity_days") or "").strip()
        fields["validity_days"] = None
        if days:
            if days.isdigit() and int(days) > 0:
                fields["validity_days"] = int(days)
            else:
                errors["validity_days"] = _("Enter a whole number of days, or leave it empty for no expiry.")
        fields["alignments"] = self._alignments(raw.get("alignments"), errors)
        display_name = str(data.get("display_name") or "").strip()[:255]
        if not display_name:
            errors["display_name"] = _("Enter the heading learners see above the badge.")
        badge_uuid = str(data.get("badge_uuid") or "")
        badges = self.course_badges()
        if badge_uuid and badge_uuid not in {b["uuid"] for b in badges}:
            errors["badge"] = _("Choose one of this course's badges, or create a new one.")
            badge_uuid = ""
        rule = None
        if data.get("rule") is not None:
            blocks = self.course_assessments()
            skills = {option["key"] for options in self._content_skills().values() for option in options}
            rule, rule_errors = authoring.rule_from_form(
                data["rule"], self.course_key(), _,
                blocks=[b["usage_key"] for b in blocks],
                units=[b["usage_key"] for b in blocks if b["block_type"] == "vertical"],
                badges=[b["uuid"] for b in badges], own_badge=badge_uuid or None, skills=skills)
            errors.update(rule_errors)
        image, image_type = self._image(data.get("image"), errors)
        return {"fields": fields, "display_name": display_name, "badge_uuid": badge_uuid, "rule": rule,
                "image": image, "image_type": image_type}, errors

    def _alignments(self, rows, errors):
        """
        Skill rows as Open Badges alignments; a name and a web address are what the standard
        requires. A row picked from a taxonomy names only the taxonomy and the tag: the plugin
        builds its alignment from the tag itself (issue 13).
        """
        _ = self.ugettext
        alignments = []
        for index, raw in enumerate(rows if isinstance(rows, list) else []):
            row = raw if isinstance(raw, dict) else {}
            target_type = str(row.get("type") or "").strip()
            taxonomy_id, tag = row.get("taxonomy_id"), row.get("tag")
            if taxonomy_id not in (None, "") or tag:
                alignments.append(self._taxonomy_alignment(index, taxonomy_id, tag, target_type, errors))
                continue
            values = {key: str(row.get(key) or "").strip() for key in ("framework", "code", "name", "url")}
            if not any(values.values()):
                continue
            if target_type and not self._api().valid_target_type(target_type):
                errors[f"alignments-{index}-type"] = _("Choose a target type from the list, or ext: followed by "
                                                       "letters, digits, '.', '_' or '-'.")
            if not values["name"]:
                errors[f"alignments-{index}-name"] = _("Enter the skill's name.")
            try:
                URLValidator(schemes=["http", "https"])(values["url"])
            except ValidationError:
                errors[f"alignments-{index}-url"] = _("Enter the web address (https://…) that describes the skill.")
            alignment = {"type": ["Alignment"], "targetName": values["name"], "targetUrl": values["url"]}
            if values["framework"]:
                alignment["targetFramework"] = values["framework"]
            if values["code"]:
                alignment["targetCode"] = values["code"]
            if target_type:
                alignment["targetType"] = target_type
            alignments.append(alignment)
        return alignments

    def _taxonomy_alignment(self, index, taxonomy_id, tag, target_type, errors):
        """The alignment of a taxonomy's tag, or ``{}`` with the author's message under the row."""
        _ = self.ugettext
        if isinstance(taxonomy_id, bool) or not isinstance(taxonomy_id, (int, str)) or \
                not str(taxonomy_id).isdigit() or not isinstance(tag, str) or not tag.strip():
            errors[f"alignments-{index}-name"] = _("Choose the skill again from the search.")
            return {}
        user = self.django_user()
        if user is None:
            errors[f"alignments-{index}-name"] = _("Only the course team can edit this badge.")
            return {}
        try:
            return self._api().skill_alignment(user, self.course_key(), int(taxonomy_id), tag, target_type)
        except ValidationError as exc:
            errors[f"alignments-{index}-name"] = " ".join(exc.messages)
            return {}

    def _image(self, upload, errors):
        _ = self.ugettext
        if not upload:
            return None, None
        if not isinstance(upload, dict):
            errors["image"] = _("The image could not be read; choose the file again.")
            return None, None
        filename = str(upload.get("filename") or "").lower()
        suffix = filename[filename.rfind("."):] if "." in filename else ""
        if suffix not in IMAGE_TYPES:
            errors["image"] = _("Upload a PNG or SVG file.")
            return None, None
        encoded = upload.get("data")
        if not isinstance(encoded, str) or len(encoded) > MAX_IMAGE_BASE64:
            errors["image"] = _("The image is too large; upload a file under 512 KB.")
            return None, None
        if encoded.startswith("data:"):
            encoded = encoded.split(",", 1)[-1]
        try:
            return base64.b64decode(encoded, validate=True), IMAGE_TYPES[suffix]
        except (binascii.Error, ValueError):
            errors["image"] = _("The image could not be read; choose the file again.")
            return None, None

    @staticmethod
    def workbench_scenarios():
        return [
            ("Open Badges: badge block", "<badge_xblock/>"),
            ("Open Badges: two badges in a unit",
             "<vertical_demo><badge_xblock display_name='First badge'/>"
             "<badge_xblock display_name='Second badge'/></vertical_demo>"),
        ]


# --- helpers ---------------------------------------------------------------------------------


def _setting(name, default):
    return getattr(settings, name, default)


def _date(value):
    """An ISO timestamp as a date in the active language's format."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return formats.date_format(moment, "DATE_FORMAT")


def linkedin_url(badge, award):
    """LinkedIn's add-to-profile link, pre-filled so the learner only confirms."""
    issued = datetime.fromisoformat(award["issued_on"])
    params = {"startTask": "CERTIFICATION_NAME", "name": badge["name"], "organizationName": badge.get("issuer", ""),
              "issueYear": issued.year, "issueMonth": issued.month, "certUrl": award["verify_url"],
              "certId": award["uuid"]}
    if award.get("valid_until"):
        until = datetime.fromisoformat(award["valid_until"])
        params.update(expirationYear=until.year, expirationMonth=until.month)
    return f"{LINKEDIN_ADD_URL}?{urlencode(params)}"


def _announcement(state, gettext):
    return {
        "earned": gettext("You earned this badge."),
        "in_progress": gettext("Progress updated: not all conditions are met yet."),
        "none": gettext("Progress updated: not started yet."),
        "expired": gettext("This badge has expired."),
        "revoked": gettext("This badge was revoked."),
    }.get(state, gettext("Progress updated."))


def _editor_badge(summary, course_key):
    """A badge as the editor's form fills itself from it."""
    fields = {name: summary.get(name) or "" for name in FORM_FIELDS}
    fields["validity_days"] = summary.get("validity_days") or ""
    fields["alignments"] = [{"framework": a.get("targetFramework", ""), "code": a.get("targetCode", ""),
                             "name": a.get("targetName", ""), "url": a.get("targetUrl", ""),
                             "type": a.get("targetType", "")}
                            for a in summary.get("alignments") or [] if isinstance(a, dict)]
    return {"uuid": summary["uuid"], "name": summary["name"], "image_url": summary.get("image_url", ""),
            "fields": fields, "rule": authoring.form_from_rule(summary.get("rule"), course_key),
            "has_rule": bool(summary.get("rule"))}


def _validation_messages(exc):
    """A ValidationError as {field: message}; form-wide messages under ``__all__``."""
    if hasattr(exc, "error_dict"):
        return {field: " ".join(messages) for field, messages in exc.message_dict.items()}
    return {"__all__": " ".join(exc.messages)}


def _error_response(errors):
    return Response(json.dumps({"ok": False, "errors": errors}), status=400, content_type="application/json",
                    charset="utf8")
