"""
"My badges" in the user menu of the MFE header, as Tutor renders it with tutor-mfe.

The plugin fills two of tutor-mfe's ``env.config.jsx`` patches (docs/platform-contract.md,
rows TM1-TM3); these tests render the environment with the ``tutor`` command an operator runs,
then evaluate the generated ``env.config.jsx`` with Node the way an MFE build calls it, and
apply its slot operations to the menus frontend-component-header passes by default.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.ci import unavailable

from .conftest import NAME
from .test_tutor_plugin import _cli

NODE_DIR = Path(__file__).resolve().parent / "node"
ENV_CONFIG = Path("env/plugins/mfe/build/mfe/env.config.jsx")
DESKTOP = "org.openedx.frontend.layout.header_desktop_user_menu.v1"
MOBILE = "org.openedx.frontend.layout.header_mobile_user_menu.v1"
LEARNING = "org.openedx.frontend.layout.header_learning_user_menu.v1"

# The menus as frontend-component-header builds them for a signed-in learner
# (src/Header.jsx defaultUserMenu; src/learning-header/AuthenticatedUserDropdown.jsx).
GROUPED_MENU = [{"items": [
    {"type": "item", "href": "http://lms.example.com/dashboard", "content": "Dashboard"},
    {"type": "item", "href": "http://apps.lms.example.com/profile/u/ada", "content": "Profile"},
    {"type": "item", "href": "http://apps.lms.example.com/account/", "content": "Account"},
    {"type": "item", "href": "http://lms.example.com/logout", "content": "Sign Out"},
]}]
LEARNING_ITEMS = [
    {"message": "Dashboard", "href": "http://lms.example.com/dashboard"},
    {"message": "Account", "href": "http://apps.lms.example.com/account/"},
    {"message": "Sign Out", "href": "http://lms.example.com/logout"},
]


@pytest.fixture(scope="module")
def node():
    path = shutil.which("node")
    if path is None:
        unavailable("`node` is not on PATH (Node.js 18+ evaluates the rendered env.config.jsx)")
    if not (NODE_DIR / "node_modules/@openedx/frontend-plugin-framework").is_dir():
        unavailable(f"npm ci has not been run in {NODE_DIR} (scripts/test.sh does it)")
    return path


@pytest.fixture(scope="module")
def mfe_plugin(tutor):
    try:
        import tutormfe  # noqa: F401
    except ImportError:
        unavailable("tutor-mfe is not installed (requirements/tutor21.txt, tutor22.txt)")


def render(plugins_root, root, *settings):
    _cli(plugins_root, root, "plugins", "enable", "mfe", NAME)
    args = []
    for setting in settings:
        args += ["--set", setting]
    _cli(plugins_root, root, "config", "save", *args)
    return root / ENV_CONFIG


def evaluate(node, env_config, app_id, defaults):
    payload = json.dumps({"file": str(env_config), "appId": app_id, "defaults": defaults})
    result = subprocess.run([node, str(NODE_DIR / "check_env_config.mjs")], input=payload, capture_output=True,
                            text=True, timeout=60, cwd=NODE_DIR, check=False)
    assert result.returncode == 0, f"node could not evaluate {env_config}:\n{result.stderr}"
    return json.loads(result.stdout)


DEFAULTS = {DESKTOP: {"menu": GROUPED_MENU}, MOBILE: {"menu": GROUPED_MENU}, LEARNING: {"items": LEARNING_ITEMS}}


@pytest.mark.parametrize("app_id", ["learning", "learner-dashboard", "account", "profile"])
def test_my_badges_is_in_every_user_menu(tutor, mfe_plugin, node, plugins_root, tmp_path, app_id):
    env_config = render(plugins_root, tmp_path / "root", "LMS_HOST=lms.example.com", "ENABLE_HTTPS=true")
    out = evaluate(node, env_config, app_id, DEFAULTS)
    assert out["errors"] == []  # env.config.jsx logs and drops every slot when anything throws
    wallet = "https://lms.example.com/badges/wallet/"
    for slot in (DESKTOP, MOBILE, LEARNING):
        assert out["slots"][slot] == {"keepDefault": True, "ops": [["modify", "default_contents"]]}

    for slot in (DESKTOP, MOBILE):
        items = out["props"][slot]["menu"][0]["items"]
        assert [item["content"] for item in items] == ["Dashboard", "Profile", "Account", "My badges", "Sign Out"]
        assert items[3] == {"type": "item", "href": wallet, "content": "My badges"}
    learning = out["props"][LEARNING]["items"]
    assert [item["message"] for item in learning] == ["Dashboard", "Account", "My badges", "Sign Out"]
    assert learning[2] == {"href": wallet, "message": "My badges"}


def test_signed_out_menus_stay_empty_and_the_label_and_url_follow_the_config(tutor, mfe_plugin, node, plugins_root,
                                                                            tmp_path):
    env_config = render(plugins_root, tmp_path / "root", "LMS_HOST=lms.example.org", "ENABLE_HTTPS=false",
                        'OPENEDX_BADGES_MFE_USER_MENU_LABEL=Mes badges "Open"</script>')
    out = evaluate(node, env_config, "learning", {DESKTOP: {"menu": []}, LEARNING: {"items": LEARNING_ITEMS}})
    assert out["errors"] == []
    assert out["props"][DESKTOP]["menu"] == []  # signed out: nothing added
    entry = out["props"][LEARNING]["items"][-2]
    assert entry == {"href": "http://lms.example.org/badges/wallet/", "message": 'Mes badges "Open"</script>'}


def test_the_menu_entry_can_be_switched_off(tutor, mfe_plugin, node, plugins_root, tmp_path):
    env_config = render(plugins_root, tmp_path / "root", "OPENEDX_BADGES_MFE_USER_MENU=false")
    assert "openedxBadges" not in env_config.read_text()
    out = evaluate(node, env_config, "learning", DEFAULTS)
    assert out["errors"] == []
    assert not set(out["slots"]) & {DESKTOP, MOBILE, LEARNING}
