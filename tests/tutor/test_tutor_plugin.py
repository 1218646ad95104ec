"""
The Tutor plugin (tutor-plugin/), loaded by Tutor itself, without Docker.

Two ways in: Tutor's Python API (discovery, config, patches, jobs) in this process, and
Tutor's CLI in subprocesses (``tutor plugins enable``, ``tutor config save``), whose
rendered environment is read back as an operator would get it. The plugin is installed
as an operator installs it (``pip install -e tutor-plugin``) if it is not yet.
"""

import ast
import importlib
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from .conftest import DIST, KEY, NAME, PLUGIN_DIR, entry_point_of_plugin

LMS_SETTINGS = Path("env/apps/openedx/settings/lms/production.py")
CMS_SETTINGS = Path("env/apps/openedx/settings/cms/production.py")
LMS_DEV_SETTINGS = Path("env/apps/openedx/settings/lms/development.py")




@pytest.fixture
def root(tmp_path):
    return tmp_path / "tutor-root"


def _config(tutor, root, **user):
    """The full configuration Tutor renders with, for a project whose config.yml holds ``user``."""
    from tutor import config as tutor_config

    root.mkdir(parents=True, exist_ok=True)
    if user:
        tutor_config.save_config_file(str(root), user)
    return tutor_config.load_full(str(root))


def _render_patch(config, name):
    from tutor import env

    return env.render_str(config, '{{ patch("' + name + '") }}')


def _exec_settings(text, **predefined):
    namespace = dict(predefined)
    exec(compile(text, "<settings patch>", "exec"), namespace)  # noqa: S102  (our own rendered settings)
    return namespace


def _cli(plugins_root, root, *args):
    """Run the ``tutor`` command an operator runs, on ``root``."""
    script = Path(sys.executable).with_name("tutor")
    command = [str(script)] if script.exists() else [
        sys.executable, "-c", "from tutor.commands.cli import main; main()"]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    environ.update(TUTOR_ROOT=str(root), TUTOR_PLUGINS_ROOT=str(plugins_root))
    result = subprocess.run([*command, "--root", str(root), *args], env=environ, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, f"tutor {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


# -- discovery -------------------------------------------------------------------------------


def test_discovered_through_its_entry_point(tutor):
    import tutor_openedx_badges
    from tutor import plugins

    entry_point = entry_point_of_plugin()
    assert entry_point.value == "tutor_openedx_badges.plugin"
    assert entry_point.dist.name == DIST
    assert NAME in plugins.iter_installed()
    assert dict(plugins.iter_info())[NAME] == tutor_openedx_badges.__version__
    assert plugins.is_loaded(NAME)


def test_default_pin_follows_the_package_version():
    """The plugin installs the release it was made with by default: bump both together."""
    import openedx_plugin

    about = ast.parse((PLUGIN_DIR / "tutor_openedx_badges/__about__.py").read_text())
    versions = [node.value.value for node in about.body if isinstance(node, ast.Assign)
                and node.targets[0].id == "__version__"]
    assert versions == [openedx_plugin.__version__]


# -- configuration ---------------------------------------------------------------------------


def test_defaults(tutor, root):
    import tutor_openedx_badges

    config = _config(tutor, root)
    version = tutor_openedx_badges.__version__
    assert config["OPENEDX_BADGES_VERSION"] == version
    assert config["OPENEDX_BADGES_PIP_SPEC"] == f"openedx-open-badges=={version}"
    scheme = "https" if config["ENABLE_HTTPS"] else "http"
    assert config["OPENEDX_BADGES_PUBLIC_BASE_URL"] == f"{scheme}://{config['LMS_HOST']}"
    assert config["OPENEDX_BADGES_DEFAULT_IDENTITY"] == "did:web"
    assert config["OPENEDX_BADGES_CELERY_QUEUE"] == "edx.lms.core.default"
    assert config["OPENEDX_BADGES_RUN_WORKER"] is False
    assert config["OPENEDX_BADGES_NOTIFY_LEARNERS"] is True
    assert config["OPENEDX_BADGES_REVOKE_WITH_CERTIFICATE"] is True
    assert config["OPENEDX_BADGES_OLD_KEY_ENCRYPTION_KEYS"] == []


def test_defaults_follow_the_operators_settings(tutor, root):
    config = _config(tutor, root, LMS_HOST="lms.example.com", ENABLE_HTTPS=True, OPENEDX_BADGES_RUN_WORKER=True,
                     OPENEDX_BADGES_VERSION="0.2.0")
    assert config["OPENEDX_BADGES_PUBLIC_BASE_URL"] == "https://lms.example.com"
    assert config["OPENEDX_BADGES_CELERY_QUEUE"] == "openedx_badges"
    assert config["OPENEDX_BADGES_PIP_SPEC"] == "openedx-open-badges==0.2.0"


def test_generated_key_is_a_fernet_key(tutor, root):
    from cryptography.fernet import Fernet

    key = _config(tutor, root)[KEY]
    assert Fernet(key).decrypt(Fernet(key).encrypt(b"signing key")) == b"signing key"
    assert _config(tutor, root.with_name("other-root"))[KEY] != key  # one per installation


def test_config_problems_are_reported(tutor, root):
    from tutor_openedx_badges.plugin import config_problems

    assert config_problems(_config(tutor, root)) == []
    problems = config_problems(_config(tutor, root, OPENEDX_BADGES_CELERY_QUEUE="nobody-listens",
                                       OPENEDX_BADGES_DEFAULT_IDENTITY="did:example",
                                       OPENEDX_BADGES_PUBLIC_BASE_URL="https://lms.example.com/badges"))
    assert len(problems) == 3
    assert "never run" in problems[0]


# -- patches, init task, jobs ----------------------------------------------------------------


def test_dockerfile_patch_installs_the_package(tutor, root):
    config = _config(tutor, root)
    patch = _render_patch(config, "openedx-dockerfile-post-python-requirements")
    assert f"$PIP_COMMAND install '{config['OPENEDX_BADGES_PIP_SPEC']}'" in patch
    git = "openedx-open-badges @ git+https://github.com/example/openedx-open-badges@v0.1.0"
    config = _config(tutor, root, OPENEDX_BADGES_PIP_SPEC=git)
    patch = _render_patch(config, "openedx-dockerfile-post-python-requirements")
    assert f"$PIP_COMMAND install '{git}'" in patch


def _platform_settings(**values):
    """The names the patch finds in the settings module: the platform's, then the package's defaults."""
    from types import SimpleNamespace

    from openedx_plugin.settings import common

    settings = SimpleNamespace(EXPLICIT_QUEUES={"other.task": {"queue": "x"}},
                               CELERYBEAT_SCHEDULE={"other": {"task": "other.periodic", "schedule": 60}}, **values)
    common.plugin_settings(settings)
    return vars(settings)


def test_settings_patch_gives_the_configured_values(tutor, root):
    config = _config(tutor, root, OPENEDX_BADGES_DEFAULT_IDENTITY="did:key", OPENEDX_BADGES_NOTIFY_LEARNERS=False,
                     OPENEDX_BADGES_OLD_KEY_ENCRYPTION_KEYS=["b2xkLWtleQ=="])
    settings = _exec_settings(_render_patch(config, "openedx-common-settings"), **_platform_settings())
    assert settings["OPENEDX_BADGES_KEY_ENCRYPTION_KEYS"] == [config[KEY], "b2xkLWtleQ=="]
    assert settings["OPENEDX_BADGES_DEFAULT_IDENTITY"] == "did:key"
    assert settings["OPENEDX_BADGES_NOTIFY_LEARNERS"] is False
    assert settings["OPENEDX_BADGES_REVOKE_WITH_CERTIFICATE"] is True
    assert settings["OPENEDX_BADGES_CELERY_QUEUE"] == "edx.lms.core.default"
    production = _exec_settings(_render_patch(config, "openedx-lms-production-settings"))
    assert production["OPENEDX_BADGES_PUBLIC_BASE_URL"] == config["OPENEDX_BADGES_PUBLIC_BASE_URL"]


def test_beat_tasks_are_routed_to_the_queue(tutor, root):
    """
    Every openedx_badges task in the schedule the platform's beat reads goes to the plugin's
    queue; the platform's own routes and entries stay. The LMS configures celery without a
    namespace (openedx/core/lib/celery), so that schedule is CELERYBEAT_SCHEDULE; a
    CELERY_BEAT_SCHEDULE is never read by beat, and the patch does not pretend it is.
    """
    config = _config(tutor, root, OPENEDX_BADGES_RUN_WORKER=True)
    ours = {name: {"task": name, "schedule": 300.0}
            for name in ("openedx_badges.sweep_pending", "openedx_badges.requeue_pushes")}
    platform = {"EXPLICIT_QUEUES": {"other.task": {"queue": "x"}},
                "CELERYBEAT_SCHEDULE": {"other": {"task": "other.periodic", "schedule": 60}, **ours},
                "CELERY_BEAT_SCHEDULE": {"stray": {"task": "openedx_badges.never_read", "schedule": 60}}}
    routes = _exec_settings(_render_patch(config, "openedx-common-settings"), **platform)["EXPLICIT_QUEUES"]
    assert {task: routes[task] for task in ours} == {task: {"queue": "openedx_badges"} for task in ours}
    assert routes["other.task"] == {"queue": "x"}
    assert "other.periodic" not in routes
    assert "openedx_badges.never_read" not in routes


def test_the_packages_own_beat_tasks_reach_the_queue(tutor, root):
    """The plugin's settings write the schedule the LMS's beat reads, and the patch routes it."""
    config = _config(tutor, root, OPENEDX_BADGES_RUN_WORKER=True)
    platform = _platform_settings()
    scheduled = {entry["task"] for entry in platform["CELERYBEAT_SCHEDULE"].values()
                 if entry["task"].startswith("openedx_badges.")}
    assert "openedx_badges.sweep_pending" in scheduled
    routes = _exec_settings(_render_patch(config, "openedx-common-settings"), **platform)["EXPLICIT_QUEUES"]
    assert {task: routes[task] for task in scheduled} == {task: {"queue": "openedx_badges"} for task in scheduled}


def test_init_task_migrates(tutor):
    from tutor import hooks

    tasks = list(hooks.Filters.CLI_DO_INIT_TASKS.iterate_from_context(hooks.Contexts.app(NAME).name))
    assert tasks == [("lms", "./manage.py lms migrate openedx_badges")]


def test_sweep_job(tutor):
    from tutor import hooks

    job = next(command for command in hooks.Filters.CLI_DO_COMMANDS.iterate() if command.name == "badges-sweep")
    callback = getattr(job.callback, "__wrapped__", job.callback)  # Tutor wraps it once plugins are loaded
    assert list(callback(inline=False, limit=10000)) == [("lms", "./manage.py lms badges_sweep --limit 10000")]
    assert list(callback(inline=True, limit=5)) == [("lms", "./manage.py lms badges_sweep --limit 5 --inline")]


def test_no_worker_unless_asked(tutor, root):
    config = _config(tutor, root)
    assert _render_patch(config, "local-docker-compose-prod-services").strip() == ""
    assert _render_patch(config, "k8s-deployments").strip() == ""


def test_worker_patches_are_valid_yaml(tutor, root):
    config = _config(tutor, root, OPENEDX_BADGES_RUN_WORKER=True, OPENEDX_BADGES_WORKER_CONCURRENCY=4)
    services = yaml.safe_load(_render_patch(config, "local-docker-compose-prod-services"))
    worker = services["badges-worker"]
    assert "--queues=openedx_badges" in worker["command"]
    assert "--concurrency=4" in worker["command"]
    assert worker["environment"]["DJANGO_SETTINGS_MODULE"] == "lms.envs.tutor.production"
    deployment = [doc for doc in yaml.safe_load_all(_render_patch(config, "k8s-deployments")) if doc][0]
    assert deployment["kind"] == "Deployment"
    assert "--queues=openedx_badges" in deployment["spec"]["template"]["spec"]["containers"][0]["args"]


# -- the operator's commands and the rendered environment ------------------------------------


@pytest.fixture(scope="module")
def enabled_root(tutor, plugins_root, tmp_path_factory):
    """``tutor plugins enable openedx_badges`` on a new project, as the README says."""
    root = tmp_path_factory.mktemp("enabled") / "root"
    _cli(plugins_root, root, "plugins", "enable", NAME)
    return root


def _saved_config(root):
    return yaml.safe_load((root / "config.yml").read_text())


def test_cli_lists_the_plugin(tutor, plugins_root, enabled_root):
    listing = _cli(plugins_root, enabled_root, "plugins", "list").stdout
    assert any(line.split()[0] == NAME and "enabled" in line for line in listing.splitlines() if line.strip())
    assert "badges-sweep" in _cli(plugins_root, enabled_root, "local", "do", "--help").stdout


def test_key_reaching_the_environment_is_saved(tutor, plugins_root, enabled_root):
    """Even before any ``config save``: a key rendered but not kept would lock the signing keys away."""
    from cryptography.fernet import Fernet

    key = _saved_config(enabled_root)[KEY]
    Fernet(key)
    for settings in (LMS_SETTINGS, CMS_SETTINGS, LMS_DEV_SETTINGS):
        assert f'OPENEDX_BADGES_KEY_ENCRYPTION_KEYS = ["{key}"]' in (enabled_root / settings).read_text()
    _cli(plugins_root, enabled_root, "config", "save")
    _cli(plugins_root, enabled_root, "config", "save", "--set", "OPENEDX_BADGES_NOTIFY_LEARNERS=false")
    assert _saved_config(enabled_root)[KEY] == key
    assert _cli(plugins_root, enabled_root, "config", "printvalue", KEY).stdout.strip() == key
    assert f'["{key}"]' in (enabled_root / LMS_SETTINGS).read_text()


def test_rendered_environment(tutor, plugins_root, tmp_path):
    root = tmp_path / "root"
    git = "openedx-open-badges @ git+https://github.com/example/openedx-open-badges@main"
    _cli(plugins_root, root, "plugins", "enable", NAME)
    _cli(plugins_root, root, "config", "save", "--set", "LMS_HOST=lms.example.com", "--set", "ENABLE_HTTPS=true",
         "--set", "OPENEDX_BADGES_DEFAULT_IDENTITY=did:key", "--set", "OPENEDX_BADGES_REVOKE_WITH_CERTIFICATE=false",
         "--set", f"OPENEDX_BADGES_PIP_SPEC={git}")
    key = _saved_config(root)[KEY]

    dockerfile = (root / "env/build/openedx/Dockerfile").read_text()
    assert f"$PIP_COMMAND install '{git}'" in dockerfile
    assert dockerfile.index("openedx-open-badges @") > dockerfile.index("requirements/edx/base.txt")

    for path in (LMS_SETTINGS, CMS_SETTINGS):
        text = (root / path).read_text()
        ast.parse(text)  # the whole settings module is still valid Python
        assert f'OPENEDX_BADGES_KEY_ENCRYPTION_KEYS = ["{key}"]' in text
        assert 'OPENEDX_BADGES_DEFAULT_IDENTITY = "did:key"' in text
        assert "OPENEDX_BADGES_REVOKE_WITH_CERTIFICATE = False" in text
        assert "OPENEDX_BADGES_NOTIFY_LEARNERS = True" in text
        assert 'OPENEDX_BADGES_CELERY_QUEUE = "edx.lms.core.default"' in text
        assert 'OPENEDX_BADGES_PUBLIC_BASE_URL = "https://lms.example.com"' in text
    development = (root / LMS_DEV_SETTINGS).read_text()
    ast.parse(development)
    assert f'["{key}"]' in development
    assert "OPENEDX_BADGES_PUBLIC_BASE_URL" not in development  # development keeps LMS_ROOT_URL (port 8000)

    compose = yaml.safe_load((root / "env/local/docker-compose.prod.yml").read_text())
    assert "badges-worker" not in compose["services"]
    assert "--queues=edx.lms.core.default,edx.lms.core.high,edx.lms.core.high_mem" in compose["services"][
        "lms-worker"]["command"]


def test_rendered_environment_with_dedicated_worker(tutor, plugins_root, tmp_path):
    root = tmp_path / "root"
    _cli(plugins_root, root, "plugins", "enable", NAME)
    _cli(plugins_root, root, "config", "save", "--set", "OPENEDX_BADGES_RUN_WORKER=true")

    compose = yaml.safe_load((root / "env/local/docker-compose.prod.yml").read_text())
    worker = compose["services"]["badges-worker"]
    assert worker["command"][:3] == ["celery", "--app=lms.celery", "worker"]
    assert "--queues=openedx_badges" in worker["command"]
    assert worker["image"] == compose["services"]["lms-worker"]["image"]
    assert worker["volumes"] == compose["services"]["lms-worker"]["volumes"]

    deployments = [doc for doc in yaml.safe_load_all((root / "env/k8s/deployments.yml").read_text()) if doc]
    by_name = {doc["metadata"]["name"]: doc for doc in deployments}
    container = by_name["badges-worker"]["spec"]["template"]["spec"]["containers"][0]
    assert "--queues=openedx_badges" in container["args"]
    assert container["image"] == by_name["lms-worker"]["spec"]["template"]["spec"]["containers"][0]["image"]

    assert 'OPENEDX_BADGES_CELERY_QUEUE = "openedx_badges"' in (root / LMS_SETTINGS).read_text()


def test_wrong_queue_warns(tutor, plugins_root, tmp_path):
    root = tmp_path / "root"
    _cli(plugins_root, root, "plugins", "enable", NAME)
    result = _cli(plugins_root, root, "config", "save", "--set", "OPENEDX_BADGES_CELERY_QUEUE=nobody-listens")
    assert "badge tasks would never run" in result.stderr


def test_disabling_removes_the_patches_and_keeps_the_key(tutor, plugins_root, tmp_path):
    root = tmp_path / "root"
    _cli(plugins_root, root, "plugins", "enable", NAME)
    key = _saved_config(root)[KEY]
    _cli(plugins_root, root, "plugins", "disable", NAME)
    assert "OPENEDX_BADGES" not in (root / LMS_SETTINGS).read_text()
    assert "openedx-open-badges" not in (root / "env/build/openedx/Dockerfile").read_text()
    assert _saved_config(root)[KEY] == key  # enabling it again must find the same key


# -- the distribution ------------------------------------------------------------------------


def test_wheel_ships_the_patches(tutor, tmp_path):
    """Patches are package data: a wheel without them would load and render nothing."""
    source = tmp_path / "src"
    shutil.copytree(PLUGIN_DIR, source, ignore=shutil.ignore_patterns("*.egg-info", "__pycache__", "build"))
    command = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"), str(source)]
    if importlib.util.find_spec("setuptools") is not None:
        command.insert(-1, "--no-build-isolation")
    subprocess.run(command, check=True)
    wheel = next((tmp_path / "dist").glob("tutor_contrib_openedx_badges-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(archive.read(n).decode() for n in names if n.endswith("entry_points.txt"))
    patches = {p.name for p in (PLUGIN_DIR / "tutor_openedx_badges/patches").iterdir()}
    assert {f"tutor_openedx_badges/patches/{name}" for name in patches} <= names
    assert "[tutor.plugin.v1]\nopenedx_badges = tutor_openedx_badges.plugin" in entry_points
