"""
A minimal XBlock runtime for the stand-in LMS and its Studio pages.

Enough of what the LMS and Studio give a block to run the badge block for real:
field storage (settings-scope fields in the stand-in's database, see
``xblock_models``), and per runtime the services its platform counterpart gives,
with the platform's shapes: the LMS runtime (``user`` with ``user_is_staff`` per
course, per-block ``i18n`` over the block's ``text`` catalogue, ``settings``) and
Studio's (``user`` without a staff flag, ``studio_user_permissions``). Handler URLs
go through views that check what the platform's views check; ``local_resource_url``
serves the block's ``public/`` files. One runtime is made per request, for the
requesting user.
"""

import gettext
import importlib.resources
import json
import logging
from functools import partial

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

from . import platform
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


class UnsavedKeyValueStore(DatabaseKeyValueStore):
    """
    Reads the shared storage, drops writes: Studio's ``component_handler`` saves a
    block's fields after a handler only for course authors and drops the rest quietly.
    """

    def set(self, key, value):
        log.warning("Field %s not saved: the Studio user may not write this course", key.field_name)

    def delete(self, key):
        log.warning("Field %s not deleted: the Studio user may not write this course", key.field_name)


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
#
# Each service has the shape of the platform's (docs/platform-contract.md, XBlock runtime rows), and
# each runtime offers the services its platform counterpart offers: the LMS's
# ``prepare_runtime_for_user`` (lms/djangoapps/courseware/block_render.py) and Studio's
# ``load_services_for_studio`` (cms/djangoapps/contentstore/utils.py) and preview runtime
# (cms/djangoapps/contentstore/views/preview.py).

ATTR_PREFIX = "edx-platform."


class StandInUserService(UserService):
    """
    DjangoXBlockUserService's shape: the same ``edx-platform.*`` attributes, the same defaults.

    The flags are what the runtime passes, as in the platform: the LMS passes
    ``user_is_staff`` (course staff), Studio passes nothing, so it is False there.
    Anonymous users carry only ``is_authenticated: False`` and the country code.
    """

    def __init__(self, user, **kwargs):
        super().__init__()
        self._django_user = user
        self._flags = {
            "user_is_beta_tester": kwargs.get("user_is_beta_tester", False),
            "user_is_global_staff": kwargs.get("user_is_global_staff", False),
            "user_is_staff": kwargs.get("user_is_staff", False),
            "user_role": kwargs.get("user_role", "student"),
            "anonymous_user_id": kwargs.get("anonymous_user_id"),
            "deprecated_anonymous_user_id": kwargs.get("deprecated_anonymous_user_id"),
            "request_country_code": kwargs.get("request_country_code"),
        }

    def get_current_user(self):
        user = self._django_user
        xblock_user = XBlockUser(is_current_user=True)
        attrs = xblock_user.opt_attrs
        if user is None or not user.is_authenticated:
            attrs[ATTR_PREFIX + "is_authenticated"] = False
            attrs[ATTR_PREFIX + "request_country_code"] = self._flags["request_country_code"]
            return xblock_user
        xblock_user.full_name = user.get_full_name() or None
        xblock_user.emails = [user.email]
        attrs.update({ATTR_PREFIX + name: value for name, value in self._flags.items()})
        attrs.update({
            ATTR_PREFIX + "is_authenticated": True,
            ATTR_PREFIX + "user_id": user.id,
            ATTR_PREFIX + "username": user.username,
            ATTR_PREFIX + "user_preferences": {},
        })
        return xblock_user


def lms_user_is_staff(user, course_key):
    """
    The LMS's ``user_is_staff``: ``has_access(user, 'staff', course_key)`` for the block's
    own course (course staff or instructor there, or in its organization, or global staff),
    answered by the stand-in's course roles.
    """
    return bool(user is not None and user.is_authenticated and platform.is_course_staff(user, course_key))


def studio_access(user, course_key, write):
    """
    Studio's ``has_studio_read_access``/``has_studio_write_access``: the course team of this
    course (staff or instructor role, or global staff), through the stand-in's course roles.
    """
    return bool(user is not None and user.is_authenticated and user.is_active
                and platform.is_course_staff(user, course_key))


def lms_user_service(user, block):
    """The LMS's user service for ``block``'s course, as ``prepare_runtime_for_user`` builds it."""
    course_key = block.scope_ids.usage_id.context_key
    is_staff = lms_user_is_staff(user, course_key)
    authenticated = user is not None and user.is_authenticated
    return StandInUserService(
        user, user_is_staff=is_staff,
        user_is_global_staff=bool(authenticated and user.is_staff),
        user_role="staff" if is_staff else "student",
        anonymous_user_id=f"anon-{user.id}-{course_key}" if authenticated else None,
        deprecated_anonymous_user_id=f"anon-{user.id}" if authenticated else None,
    )


class StandInStudioPermissionsService:
    """
    Studio's StudioPermissionsService: ``can_read``/``can_write(course_key)`` on an opaque course key.

    The platform reads attributes of the key (its org, for organisation roles), so a
    string is an error there; it is refused here too, so a block that passes one is caught.
    """

    def __init__(self, user):
        self._user = user

    @staticmethod
    def _checked(course_key):
        from opaque_keys.edx.keys import CourseKey  # pylint: disable=import-outside-toplevel

        if not isinstance(course_key, CourseKey):
            raise TypeError(f"StudioPermissionsService takes a CourseKey, not {type(course_key).__name__}")
        return course_key

    def can_read(self, course_key):
        return studio_access(self._user, self._checked(course_key), write=False)

    def can_write(self, course_key):
        return studio_access(self._user, self._checked(course_key), write=True)


class StandInI18nService:
    """
    The platform's XBlockI18nService: the block's own ``text`` catalogue, else Django's.

    As in xmodule/modulestore/django.py, a service is made per block: the catalogue
    ``<root package>/translations/<locale>/LC_MESSAGES/text.mo`` of the block's class
    in the active language, and Django's translation functions when the block ships
    none for it. Attribute access goes to the translator (``ugettext`` is ``gettext``),
    so ``xblock.utils``'s template tags can merge the catalogue into ``{% trans %}``.
    """

    def __init__(self, block=None):
        self.translator = translation
        if block is None:
            return
        package = getattr(block, "unmixed_class", type(block)).__module__.split(".")[0]
        try:
            locale_dir = importlib.resources.files(package) / "translations"
        except ModuleNotFoundError:
            return
        language = translation.get_language() or settings.LANGUAGE_CODE
        try:
            self.translator = gettext.translation("text", str(locale_dir), [translation.to_locale(language)])
        except OSError:
            pass  # no catalogue of this block in this language: Django's, as the platform falls back

    def __getattr__(self, name):
        return getattr(self.translator, "gettext" if name == "ugettext" else name)

    def get_javascript_i18n_catalog_url(self, block):  # pylint: disable=unused-argument
        """The platform's URL of an OEP-58 (atlas) JS catalogue; the stand-in compiles none."""
        return None


class StandInSettingsService:
    """``XBLOCK_SETTINGS[block.block_settings_key]``, as the LMS's SettingsService reads it."""

    def get_settings_bucket(self, block, default=None):
        name = getattr(block, "block_settings_key", None) or type(block).__name__
        return getattr(settings, "XBLOCK_SETTINGS", {}).get(name, default if default is not None else {})


# --- the runtimes --------------------------------------------------------------------------------


class StandInRuntime(Runtime):
    """
    The LMS runtime of one request: the requesting user's services over the shared field storage.

    Services: ``field-data``, ``user`` (with ``user_is_staff`` for the block's course),
    ``i18n`` (per block) and ``settings``; no ``studio_user_permissions``, as in the LMS.
    """

    handler_route = "xblock-handler"

    def __init__(self, user):
        self.user = user
        super().__init__(id_reader=UsageKeyIdReader(), id_generator=NoNewIds(), services=self._services_for(user))

    def _services_for(self, user):
        return {"field-data": KvsFieldData(DatabaseKeyValueStore()), "user": partial(lms_user_service, user),
                "i18n": StandInI18nService, "settings": StandInSettingsService()}

    def service(self, block, service_name):
        """As the platform's ModuleStoreRuntime: a callable service is made for the asking block."""
        service = super().service(block, service_name)
        return service(block) if callable(service) else service

    def load_block(self, usage_key):
        """The block at ``usage_key`` (a string or UsageKey) for this runtime's user."""
        usage = UsageKey.from_string(usage_key) if isinstance(usage_key, str) else usage_key
        user_id = self.user.id if self.user is not None and self.user.is_authenticated else None
        return self.construct_xblock(usage.block_type, ScopeIds(user_id, usage.block_type, usage, usage))

    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):
        kwargs = {"usage_key": str(block.scope_ids.usage_id), "handler_name": handler_name}
        if suffix:
            url = reverse(self.handler_route + "-suffix", kwargs=dict(kwargs, suffix=suffix.lstrip("/")))
        else:
            url = reverse(self.handler_route, kwargs=kwargs)
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
        base = reverse(self.handler_route, kwargs={"usage_key": str(block.scope_ids.usage_id),
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


class StandInStudioRuntime(StandInRuntime):
    """
    Studio's runtime of one request: the editor (``studio_view``) and its handlers, or the preview.

    As ``load_services_for_studio``: a user service built from the user alone (no
    ``user_is_staff``, so it is False; role "student"), ``studio_user_permissions``
    and ``settings``; the preview runtime adds the user's course role and the per-block
    ``i18n`` service. Handlers go to the Studio handler view, which asks only for a login.
    """

    handler_route = "studio-xblock-handler"

    def __init__(self, user, preview=False, save_fields=True):
        self.preview = preview
        self.save_fields = save_fields
        super().__init__(user)

    def _services_for(self, user):
        store = DatabaseKeyValueStore() if self.save_fields else UnsavedKeyValueStore()
        services = {"field-data": KvsFieldData(store), "user": StandInUserService(user),
                    "studio_user_permissions": StandInStudioPermissionsService(user),
                    "settings": StandInSettingsService(), "i18n": StandInI18nService}
        if self.preview:
            services["user"] = partial(_preview_user_service, user)
        return services


def _preview_user_service(user, block):
    """The preview runtime's user service: the user and their course role (``get_user_role``), no staff flag."""
    course_key = block.scope_ids.usage_id.context_key
    role = "staff" if studio_access(user, course_key, write=True) else "student"
    return StandInUserService(user, user_role=role)


def parse_usage_key(value):
    try:
        return UsageKey.from_string(value)
    except InvalidKeyError:
        return None


def runtime_for_view(user, view_name):
    """The runtime the platform renders ``view_name`` in: Studio's editor, Studio's preview, or the LMS."""
    if view_name == "studio_view":
        return StandInStudioRuntime(user)
    if view_name == "author_view":
        return StandInStudioRuntime(user, preview=True)
    return StandInRuntime(user)


def render(user, usage_key, view_name="student_view"):
    """A block's view as the page needs it: the wrapped body and the resources for head and foot."""
    runtime = runtime_for_view(user, view_name)
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
