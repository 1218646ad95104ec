"""
A minimal XBlock runtime for the stand-in LMS.

Enough of what the LMS and Studio give a block to run the badge block for real:
field storage (settings-scope fields in the stand-in's database, see
``xblock_models``), the ``user``, ``i18n`` and ``settings`` services with the
LMS's attribute names, handler URLs routed through a view that checks sign-in,
course access and CSRF, and ``local_resource_url`` serving the block's
``public/`` files. One runtime is made per request, for the requesting user.
"""

import json
import logging

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import UsageKey
from web_fragments.fragment import Fragment
from xblock.fields import ScopeIds
from xblock.reference.user_service import UserService, XBlockUser
from xblock.runtime import IdGenerator, IdReader, KeyValueStore, KvsFieldData, Runtime

from openedx_plugin import compat

from .xblock_models import XBlockFieldValue

log = logging.getLogger(__name__)


# --- field storage -------------------------------------------------------------------------------


def _key_columns(key):
    return {"scope": key.scope.name, "user_id": "" if key.user_id is None else str(key.user_id),
            "block_scope_id": str(key.block_scope_id), "field_name": key.field_name}


class DatabaseKeyValueStore(KeyValueStore):
    """XBlock's KeyValueStore over one table; values are stored as the fields' JSON."""

    def get(self, key):
        row = XBlockFieldValue.objects.filter(**_key_columns(key)).first()
        if row is None:
            raise KeyError(key)
        return row.value

    def set(self, key, value):
        columns = _key_columns(key)
        XBlockFieldValue.objects.update_or_create(**columns, defaults={"value": value})

    def delete(self, key):
        deleted, _ = XBlockFieldValue.objects.filter(**_key_columns(key)).delete()
        if not deleted:
            raise KeyError(key)

    def has(self, key):
        return XBlockFieldValue.objects.filter(**_key_columns(key)).exists()


class UsageKeyIdReader(IdReader):
    """Usage keys are the LMS's opaque keys; a usage is its own definition here (no shared content)."""

    def get_definition_id(self, usage_id):
        return usage_id

    def get_block_type(self, def_id):
        return def_id.block_type

    def get_usage_id_from_aside(self, aside_id):
        raise NotImplementedError("The stand-in runtime has no asides.")

    def get_definition_id_from_aside(self, aside_id):
        raise NotImplementedError("The stand-in runtime has no asides.")

    def get_aside_type_from_usage(self, aside_id):
        raise NotImplementedError("The stand-in runtime has no asides.")

    def get_aside_type_from_definition(self, aside_id):
        raise NotImplementedError("The stand-in runtime has no asides.")


class NoNewIds(IdGenerator):
    """Blocks come from the stand-in's course tables, never from OLX imported here."""

    def create_usage(self, def_id):
        return def_id

    def create_definition(self, block_type, slug=None):
        raise NotImplementedError("Blocks are created in the stand-in's course tables.")

    def create_aside(self, definition_id, usage_id, aside_type):
        raise NotImplementedError("The stand-in runtime has no asides.")


# --- services ------------------------------------------------------------------------------------


class StandInUserService(UserService):
    """The LMS's DjangoXBlockUserService attributes: id, username, staff flag, role; anonymous users flagged."""

    def __init__(self, user, course_key=None, **kwargs):
        super().__init__(**kwargs)
        self._django_user = user
        self._course_key = course_key

    def get_current_user(self):
        user = self._django_user
        if user is None or not user.is_authenticated:
            xblock_user = XBlockUser(is_current_user=True)
            xblock_user.opt_attrs["edx-platform.username"] = "anonymous"
            xblock_user.opt_attrs["edx-platform.is_authenticated"] = False
            return xblock_user
        xblock_user = XBlockUser(is_current_user=True, emails=[user.email], full_name=user.get_full_name())
        # Without a course (no block loaded yet) only global staff, who have staff access everywhere.
        is_staff = compat.is_course_staff(user, self._course_key) if self._course_key else bool(user.is_staff)
        xblock_user.opt_attrs.update({
            "edx-platform.user_id": user.id,
            "edx-platform.username": user.username,
            # As the LMS's prepare_runtime_for_user: has_access(user, "staff", course) for the
            # block's own course (course staff or instructor there, or global staff).
            "edx-platform.user_is_staff": is_staff,
            "edx-platform.user_role": "staff" if is_staff else "student",
            "edx-platform.is_authenticated": True,
        })
        return xblock_user


class StandInI18nService:
    """Django's active language (LocaleMiddleware), as the LMS's XBlockI18nService falls back to."""

    def gettext(self, message):
        return translation.gettext(message)

    ugettext = gettext

    def ngettext(self, singular, plural, number):
        return translation.ngettext(singular, plural, number)

    ungettext = ngettext

    def pgettext(self, context, message):
        return translation.pgettext(context, message)

    def get_language(self):
        return translation.get_language()


class StandInSettingsService:
    """``XBLOCK_SETTINGS[block.block_settings_key]``, as the LMS's SettingsService reads it."""

    def get_settings_bucket(self, block, default=None):
        name = getattr(block, "block_settings_key", None) or type(block).__name__
        return getattr(settings, "XBLOCK_SETTINGS", {}).get(name, default if default is not None else {})


# --- the runtime ---------------------------------------------------------------------------------


class StandInRuntime(Runtime):
    """One request's runtime: the requesting user's services over the shared field storage."""

    def __init__(self, user):
        self.user = user
        super().__init__(
            id_reader=UsageKeyIdReader(), id_generator=NoNewIds(),
            services={"field-data": KvsFieldData(DatabaseKeyValueStore()), "user": StandInUserService(user),
                      "i18n": StandInI18nService(), "settings": StandInSettingsService()},
        )

    def load_block(self, usage_key):
        """The block at ``usage_key`` (a string or UsageKey) for this runtime's user."""
        usage = UsageKey.from_string(usage_key) if isinstance(usage_key, str) else usage_key
        # The LMS makes the user service per block, for the block's course.
        self._services["user"] = StandInUserService(self.user, course_key=str(usage.course_key))
        user_id = self.user.id if self.user is not None and self.user.is_authenticated else None
        return self.construct_xblock(usage.block_type, ScopeIds(user_id, usage.block_type, usage, usage))

    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):
        kwargs = {"usage_key": str(block.scope_ids.usage_id), "handler_name": handler_name}
        if suffix:
            url = reverse("xblock-handler-suffix", kwargs=dict(kwargs, suffix=suffix.lstrip("/")))
        else:
            url = reverse("xblock-handler", kwargs=kwargs)
        if thirdparty:
            url = settings.LMS_ROOT_URL.rstrip("/") + url
        return f"{url}?{query}" if query else url

    def local_resource_url(self, block, uri):
        return reverse("xblock-resource", kwargs={"block_type": block.scope_ids.block_type, "uri": uri})

    def resource_url(self, resource):
        return settings.STATIC_URL + resource

    def publish(self, block, event_type, event_data):
        log.info("XBlock event %s from %s: %s", event_type, block.scope_ids.usage_id, event_data)

    def wrap_xblock(self, block, view, frag, context):
        """The LMS's wrapper div: data-init names the JS class; init args in a script element, '<' escaped."""
        wrapped = Fragment()
        wrapped.add_fragment_resources(frag)
        base = reverse("xblock-handler", kwargs={"usage_key": str(block.scope_ids.usage_id),
                                                 "handler_name": "HANDLER"})
        attrs = {"class": f"xblock xblock-{view}", "data-usage-id": str(block.scope_ids.usage_id),
                 "data-block-type": block.scope_ids.block_type,
                 "data-handler-base": base[: -len("HANDLER/")]}
        if frag.js_init_fn:
            attrs["data-init"] = frag.js_init_fn
            attrs["data-runtime-version"] = str(frag.js_init_version)
        args = ""
        if frag.json_init_args is not None:
            args = ('<script type="json/xblock-args" class="xblock_json_init_args">'
                    + json.dumps(frag.json_init_args).replace("<", "\\u003c") + "</script>")
        attributes = format_html_join("", ' {}="{}"', attrs.items())
        wrapped.add_content(f"<div{attributes}>{frag.body_html()}{args}</div>")
        return wrapped


def parse_usage_key(value):
    try:
        return UsageKey.from_string(value)
    except InvalidKeyError:
        return None


def render(user, usage_key, view_name="student_view"):
    """A block's view as the page needs it: the wrapped body and the resources for head and foot."""
    runtime = StandInRuntime(user)
    block = runtime.load_block(usage_key)
    frag = runtime.render(block, view_name, {})
    return {"body": mark_safe(frag.body_html()),  # noqa: S308  (the block's templates escape their data)
            "head": mark_safe(frag.head_html()), "foot": mark_safe(frag.foot_html())}


def save_settings(usage_key, **fields):
    """Set settings-scope fields of a block, as an author's edit would (the demo uses this)."""
    runtime = StandInRuntime(None)
    block = runtime.load_block(usage_key)
    for name, value in fields.items():
        setattr(block, name, value)
    block.save()
    return block
