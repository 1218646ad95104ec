"""
Tutor plugin for Open Badges for Open edX.

Everything is declared through Tutor's hooks, so disabling the plugin removes it again:
the package is installed by a Dockerfile patch, the settings by settings patches, the
tables by an init task, and the optional dedicated worker by compose and Kubernetes patches.
"""

from __future__ import annotations

import base64
import os
import secrets
import typing as t
from importlib import resources

import click
from tutor import config as tutor_config
from tutor import fmt, hooks, serialize

from .__about__ import __version__

# The LMS worker of Tutor 21/22 consumes these queues (``LMS_WORKER_COMMAND``).
LMS_DEFAULT_QUEUE = "edx.lms.core.default"
DEDICATED_QUEUE = "openedx_badges"

# Defaults: templates are rendered against the whole configuration, so they follow
# LMS_HOST, ENABLE_HTTPS and OPENEDX_BADGES_RUN_WORKER as the operator changes them.
hooks.Filters.CONFIG_DEFAULTS.add_items(
    [
        ("OPENEDX_BADGES_VERSION", __version__),
        # Any pip requirement: a pinned release, or "openedx-open-badges @ git+https://...@<ref>".
        ("OPENEDX_BADGES_PIP_SPEC", "openedx-open-badges=={{ OPENEDX_BADGES_VERSION }}"),
        # Signed into every credential: choose it once (docs/operator-guide.md, section 3).
        ("OPENEDX_BADGES_PUBLIC_BASE_URL", "{% if ENABLE_HTTPS %}https{% else %}http{% endif %}://{{ LMS_HOST }}"),
        ("OPENEDX_BADGES_DEFAULT_IDENTITY", "did:web"),
        ("OPENEDX_BADGES_NOTIFY_LEARNERS", True),
        ("OPENEDX_BADGES_REVOKE_WITH_CERTIFICATE", True),
        # Keys that only decrypt (earlier values of OPENEDX_BADGES_KEY_ENCRYPTION_KEY), for rotation.
        ("OPENEDX_BADGES_OLD_KEY_ENCRYPTION_KEYS", []),
        # Off: tasks go to the LMS default queue, which Tutor's lms-worker already consumes.
        ("OPENEDX_BADGES_RUN_WORKER", False),
        ("OPENEDX_BADGES_WORKER_CONCURRENCY", 2),
        # Produce BADGE_AWARDED and BADGE_REVOKED to the event bus Tutor configures (edx-event-bus-redis).
        ("OPENEDX_BADGES_EVENT_BUS", False),
        ("OPENEDX_BADGES_EVENT_BUS_TOPIC", "learning-badges-lifecycle"),
        # The edx.badge.* tracking-log events (docs/tracking-events.md).
        ("OPENEDX_BADGES_TRACKING", True),
        # "My badges" in the user menu of the MFE header (tutor-mfe's env.config.jsx patches): on by
        # default so learners find their wallet where their account pages are; the label is shown as is.
        ("OPENEDX_BADGES_MFE_USER_MENU", True),
        ("OPENEDX_BADGES_MFE_USER_MENU_LABEL", "My badges"),
        # The learner's wallet in the LMS: MFEs live on another host, so the menu needs the full URL.
        ("OPENEDX_BADGES_WALLET_URL",
         "{% if ENABLE_HTTPS %}https{% else %}http{% endif %}://{{ LMS_HOST }}/badges/wallet/"),
        (
            "OPENEDX_BADGES_CELERY_QUEUE",
            "{% if OPENEDX_BADGES_RUN_WORKER %}" + DEDICATED_QUEUE + "{% else %}" + LMS_DEFAULT_QUEUE + "{% endif %}",
        ),
    ]
)

# Generated once and kept in config.yml: losing it makes every stored signing key
# unreadable, so it must never be regenerated (see _keep_rendered_key).
KEY_SETTING = "OPENEDX_BADGES_KEY_ENCRYPTION_KEY"
hooks.Filters.CONFIG_UNIQUE.add_items([(KEY_SETTING, "{{ 32|openedx_badges_urlsafe_b64_random }}")])


def urlsafe_b64_random(length: int) -> str:
    """
    ``length`` random bytes, URL-safe base64: with 32 bytes, a Fernet key.

    This is what ``cryptography.fernet.Fernet.generate_key`` does; written out here
    because Tutor's own environment does not ship ``cryptography``.
    """
    return base64.urlsafe_b64encode(secrets.token_bytes(int(length))).decode("ascii")


hooks.Filters.ENV_TEMPLATE_FILTERS.add_item(("openedx_badges_urlsafe_b64_random", urlsafe_b64_random))


def _keep_rendered_key(root_env: str, config: dict[str, t.Any]) -> None:
    """
    Write the encryption key just rendered into the environment to config.yml if it is not there.

    ``tutor plugins enable`` reads config.yml before loading the plugin, then renders the
    environment: the unique key is generated for the rendering but not saved, and the next
    ``tutor config save`` would render another one. Signing keys encrypted in between would
    become unreadable, so the key that reached the environment is made permanent.
    """
    if "TUTOR_" + KEY_SETTING in os.environ or not config.get(KEY_SETTING):
        return  # set from the environment on purpose: not ours to store
    root = os.path.dirname(os.path.abspath(root_env)) if os.path.basename(root_env) == "env" else root_env
    path = tutor_config.config_path(root)
    if not os.path.exists(path):
        return
    with open(path, encoding="utf-8") as handle:
        saved = serialize.load(handle) or {}
    if saved.get(KEY_SETTING):
        return
    saved[KEY_SETTING] = config[KEY_SETTING]
    tutor_config.save_config_file(root, saved)


def _cli_root() -> str | None:
    """The project root of the running ``tutor`` command (``tutor --root``), if there is one."""
    context = click.get_current_context(silent=True)
    if context is None:
        return None
    root = context.find_root().params.get("root") or getattr(context.obj, "root", None)
    return str(root) if root else None


def _keep_loaded_key(config: dict[str, t.Any]) -> None:
    """
    Tutor 21: the same, when the full configuration is loaded for rendering.

    Tutor 21 has no ``ENV_SAVED`` action (it appeared in Tutor 22). There, ``tutor config
    save`` and ``tutor plugins enable`` render the environment from the configuration that
    ``load_full`` just built and announced with ``CONFIG_LOADED`` (a copy of it, holding the
    same generated key), so storing the key at that moment stores the one that is rendered.
    """
    root = _cli_root()
    if root:
        _keep_rendered_key(root, config)


# Tutor 22 (Verawood) announces each rendering of the environment; Tutor 21 (Ulmo) does not.
if hasattr(hooks.Actions, "ENV_SAVED"):
    hooks.Actions.ENV_SAVED.add()(_keep_rendered_key)
else:
    hooks.Actions.CONFIG_LOADED.add()(_keep_loaded_key)


# Patches are files named after the patch they fill, shipped as package data.
for _path in sorted((resources.files("tutor_openedx_badges") / "patches").iterdir(), key=lambda path: path.name):
    if _path.is_file() and not _path.name.startswith("."):
        hooks.Filters.ENV_PATCHES.add_item((_path.name, _path.read_text(encoding="utf-8")))

# The core init already runs every migration; naming ours keeps
# ``tutor local do init --limit=openedx_badges`` useful after an upgrade of the package alone.
hooks.Filters.CLI_DO_INIT_TASKS.add_item(("lms", "./manage.py lms migrate openedx_badges"))


@click.command(name="badges-sweep", help="Queue the badge evaluations stored while the broker was down.")
@click.option("--inline", is_flag=True, help="Evaluate them in the job's container instead of queueing them.")
@click.option("--limit", type=int, default=10000, show_default=True, help="Most evaluations to handle.")
def badges_sweep(inline: bool, limit: int) -> t.Iterator[tuple[str, str]]:
    """Tutor runs no celery beat, so the sweep is a job: run it from cron (see the README)."""
    command = f"./manage.py lms badges_sweep --limit {int(limit)}"
    yield ("lms", command + (" --inline" if inline else ""))


hooks.Filters.CLI_DO_COMMANDS.add_item(badges_sweep)


def lms_worker_queues() -> list[str]:
    """Queues consumed by Tutor's lms-worker, read from its command as other plugins left it."""
    for argument in hooks.Filters.LMS_WORKER_COMMAND.iterate():
        if argument.startswith(("--queues=", "-Q=")):
            return argument.split("=", 1)[1].split(",")
    return [LMS_DEFAULT_QUEUE]


def config_problems(config: dict[str, t.Any]) -> list[str]:
    """Settings that would leave tasks unconsumed or credentials unverifiable."""
    problems = []
    queue = config.get("OPENEDX_BADGES_CELERY_QUEUE")
    if not config.get("OPENEDX_BADGES_RUN_WORKER") and queue not in lms_worker_queues():
        problems.append(
            f"OPENEDX_BADGES_CELERY_QUEUE={queue!r} is not consumed by the lms-worker and "
            "OPENEDX_BADGES_RUN_WORKER is false: badge tasks would never run."
        )
    if config.get("OPENEDX_BADGES_DEFAULT_IDENTITY") not in ("did:web", "did:key"):
        problems.append("OPENEDX_BADGES_DEFAULT_IDENTITY must be 'did:web' or 'did:key'.")
    base_url = str(config.get("OPENEDX_BADGES_PUBLIC_BASE_URL", ""))
    if base_url.rstrip("/") != base_url or base_url.count("/") > 2:
        problems.append("OPENEDX_BADGES_PUBLIC_BASE_URL must be an origin, without a path or trailing slash.")
    return problems


@hooks.Actions.CONFIG_LOADED.add()
def _warn_about_config(config: dict[str, t.Any]) -> None:
    """Warn, not fail: ``tutor config save`` must still work so the operator can fix the value."""
    for problem in config_problems(config):
        fmt.echo_alert(f"openedx_badges: {problem}")
