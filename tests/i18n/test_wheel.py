"""
The built wheel, installed in a fresh virtual environment, renders the wallet and the block
in Spanish, French and Arabic: the catalogues are where Django and Open edX's XBlock i18n
service look for them. Nothing of the checkout is importable in that environment.
"""

import os
import subprocess
import sys
import textwrap
import venv

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
pytestmark = pytest.mark.slow

SETTINGS = """
SECRET_KEY = "i18n-wheel-test"
USE_I18N = True
USE_TZ = True
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Spanish"), ("fr", "French"), ("ar", "Arabic")]
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.staticfiles",
                  "openedx_plugin.apps.OpenBadgesConfig"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
              "OPTIONS": {"context_processors": ["django.template.context_processors.request"]}}]
STATIC_URL = "/static/"
ROOT_URLCONF = "wheel_urls"
LOGIN_URL = "/login"
"""

SCRIPT = r'''
import gettext, os, sys
import django
django.setup()
from django.template.loader import render_to_string
from django.utils import translation
import badge_xblock, openedx_plugin
from badge_xblock import BadgeXBlock

for module in (badge_xblock, openedx_plugin):
    assert not os.path.abspath(module.__file__).startswith(sys.argv[1]), module.__file__


class I18nService:
    """As Open edX's XBlockI18nService: the block's own text.mo, attributes from the translator."""
    def __init__(self, lang):
        localedir = os.path.join(os.path.dirname(badge_xblock.__file__), "translations")
        self.translator = gettext.translation("text", localedir=localedir, languages=[lang])

    def __getattr__(self, name):
        return getattr(self.translator, name)

    def ugettext(self, text):
        return self.translator.gettext(text)


from opaque_keys.edx.keys import CourseKey, UsageKey
from xblock.runtime import MemoryIdManager, Runtime
from xblock.field_data import DictFieldData
from xblock.fields import ScopeIds
from xblock.reference.user_service import UserService, XBlockUser


class AnonymousUserService(UserService):
    """As the LMS's user service for a visitor who is not signed in."""
    def get_current_user(self):
        user = XBlockUser(is_current_user=True)
        user.opt_attrs["edx-platform.is_authenticated"] = False
        return user


USAGE = UsageKey.from_string("block-v1:Academy+D101+2026+type@badge_xblock+block@badge")


class MiniRuntime(Runtime):
    def handler_url(self, *args, **kwargs): return "/handler"
    def local_resource_url(self, block, uri): return "/resource/" + uri
    def resource_url(self, resource): return "/resource/" + resource
    def publish(self, *args, **kwargs): pass


BADGE = {"uuid": "b1", "name": "Data Wrangler", "description": "Cleans data.", "issuer": "Academy",
         "achievement_type": "Badge", "level": "", "alignments": [], "image_url": "", "rule": None,
         "criteria_narrative": "Do the work.", "criteria_url": ""}


class FakeApi:
    @staticmethod
    def course_badges(course_key): return [BADGE]

    @staticmethod
    def course_key_of(context): return CourseKey.from_string(str(context))

    @staticmethod
    def is_masquerading(): return False


BadgeXBlock._api = staticmethod(lambda: FakeApi)

checks = {
    "es": ("Mis insignias", "Cómo obtenerla", "Inicia sesión e inscríbete"),
    "fr": ("Mes badges", "Comment l'obtenir", "Connectez-vous et inscrivez-vous"),
    "ar": ("شاراتي", "كيفية الحصول عليها", "سجّل الدخول والتحق"),
}
for lang, (wallet_text, template_text, python_text) in checks.items():
    with translation.override(lang):
        page = render_to_string("openedx_badges/wallet_base.html", {})
        assert wallet_text in page, (lang, page[:400])
        assert f'lang="{lang}"' in page
        assert ('dir="rtl"' in page) == (lang == "ar"), lang
        ids = MemoryIdManager()
        runtime = MiniRuntime(ids, ids, services={"i18n": I18nService(lang), "user": AnonymousUserService()})
        block = runtime.construct_xblock_from_class(
            BadgeXBlock, ScopeIds(None, "badge_xblock", USAGE, USAGE),
            field_data=DictFieldData({"badge_uuid": "b1"}))
        html = block.student_view().content
        assert template_text in html, (lang, html)
        assert python_text in html, (lang, html)
        assert "How to earn it" not in html
    print(lang, "ok")
'''


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def test_wheel_renders_in_each_language(tmp_path):
    wheels = tmp_path / "wheels"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), ROOT],
        cwd=tmp_path)
    wheel = next(wheels.glob("openedx_open_badges-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    python = str(env_dir / "bin" / "python")
    clean = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE")}
    run([python, "-m", "pip", "install", "-q", "-r", os.path.join(ROOT, "requirements", "base.txt"), str(wheel)],
        cwd=tmp_path, env=clean)
    app = tmp_path / "app"
    app.mkdir()
    (app / "wheel_settings.py").write_text(SETTINGS)
    (app / "wheel_urls.py").write_text(
        'from django.urls import include, path\nurlpatterns = [path("", include("openedx_plugin.urls"))]\n')
    (app / "render.py").write_text(textwrap.dedent(SCRIPT))
    env = dict(clean, DJANGO_SETTINGS_MODULE="wheel_settings", PYTHONPATH=str(app))
    result = run([python, "-I", "-c", f"import sys; sys.path.insert(0, {str(app)!r}); "
                  f"sys.argv = ['render.py', {ROOT!r}]; exec(open({str(app / 'render.py')!r}).read())"],
                 cwd=app, env=env)
    assert result.stdout.split() == ["es", "ok", "fr", "ok", "ar", "ok"]
