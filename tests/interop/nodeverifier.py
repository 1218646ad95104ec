"""Run the independent Node.js verifier (tests/interop/verify.mjs) from pytest.

The verifier is Digital Bazaar's JavaScript stack (@digitalbazaar/vc, data-integrity,
eddsa-rdfc-2022-cryptosuite, vc-bitstring-status-list; jose for OB 2.0 JWS), pinned in
``package.json``/``package-lock.json`` next to this file. It never touches the network:
every URL it dereferences (did:web documents, status lists, OB 2.0 keys, badge classes,
issuers, revocation lists, hosted assertions) must be mapped to a local file through
``documents``.

Usage::

    from tests.interop import nodeverifier

    nodeverifier.ensure_node_modules()   # skips (or fails under CI) without node/npm
    [result] = nodeverifier.verify(
        [{"kind": "ob3", "path": cred_path}],
        {"https://lms.example.com/.well-known/did.json": did_json_path,
         "https://lms.example.com/status/1": status_list_path},
    )
    assert result["verified"], result["errors"]
    assert result["revoked"] is False

Item kinds: ``vc`` (any VC 2.0 Data Integrity credential), ``ob3``, ``ob3-status-list``,
``ob2-jws``, ``ob2-hosted``, ``ob3-png``, ``ob3-svg``, ``ob2-png``, ``ob2-svg``. Optional
per-item keys: ``now`` (ISO date for validity checks), ``recipient_email`` (check the
hashed recipient/identifier), ``check_issuer`` (False: do not require the proof's
controller to be the issuer), ``index`` (for ``ob3-status-list``: report that bit).
``documents`` values are a path, ``{"json": {...}}`` (inline) or ``{"status": 410}``.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.ci import in_ci

INTEROP_DIR = Path(__file__).resolve().parent
REPO_ROOT = INTEROP_DIR.parent.parent
VERIFY_JS = INTEROP_DIR / "verify.mjs"
MAKE_FIXTURES_JS = INTEROP_DIR / "make_fixtures.mjs"
NODE_MODULES = INTEROP_DIR / "node_modules"
# where the package ships its JSON-LD contexts (read by verify.mjs)
CONTEXTS_DIR = REPO_ROOT / "openedx_plugin" / "engine" / "contexts"
MIN_NODE_MAJOR = 18
NPM_CI_TIMEOUT = 600
DEFAULT_TIMEOUT = 180


class NodeVerifierError(RuntimeError):
    """The harness itself failed (not a failed verification)."""


def _unavailable(reason: str) -> None:
    """Under CI a missing Node toolchain is an error; on a developer machine, a skip."""
    if in_ci():
        raise NodeVerifierError(f"interop verifier unavailable under CI: {reason}")
    pytest.skip(f"interop verifier unavailable: {reason}")


def _node() -> str:
    node = shutil.which("node")
    if not node:
        _unavailable("`node` is not on PATH (install Node.js >= 18 to run the interop tests)")
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30, check=True)
        major = int(out.stdout.strip().lstrip("v").split(".")[0])
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        _unavailable(f"cannot run `node --version`: {exc}")
    if major < MIN_NODE_MAJOR:
        _unavailable(f"Node.js {out.stdout.strip()} is too old (need >= {MIN_NODE_MAJOR})")
    return node


def _modules_installed() -> bool:
    return (NODE_MODULES / "@digitalbazaar" / "vc" / "package.json").is_file() and (
        NODE_MODULES / "jose" / "package.json"
    ).is_file()


def ensure_node_modules() -> None:
    """Install the pinned npm packages (``npm ci``) unless they are already there."""
    _node()
    if _modules_installed():
        return
    npm = shutil.which("npm")
    if not npm:
        _unavailable("`npm` is not on PATH (needed once to install tests/interop/node_modules)")
    # one installer at a time (pytest-xdist workers share the folder)
    with open(Path(tempfile.gettempdir()) / "openedx-badges-interop-npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _modules_installed():
            return
        try:
            proc = subprocess.run(
                [npm, "ci", "--prefix", str(INTEROP_DIR), "--no-audit", "--no-fund"],
                capture_output=True,
                text=True,
                timeout=NPM_CI_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            _unavailable(f"`npm ci --prefix {INTEROP_DIR}` timed out after {NPM_CI_TIMEOUT}s")
        if proc.returncode != 0 or not _modules_installed():
            _unavailable(f"`npm ci --prefix {INTEROP_DIR}` failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")


def _plain(value: Any) -> Any:
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _run(script: Path, args: list[str], stdin: str | None, timeout: float, env: Mapping[str, str] | None = None) -> str:
    node = _node()
    run_env = dict(os.environ)
    if env:
        run_env.update(env)
    try:
        proc = subprocess.run(
            [node, str(script), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=str(INTEROP_DIR),
            env=run_env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise NodeVerifierError(f"{script.name} timed out after {timeout}s") from exc
    if proc.returncode != 0:
        raise NodeVerifierError(f"{script.name} exited {proc.returncode}:\n{proc.stderr[-4000:]}")
    return proc.stdout


def verify_raw(
    items: Iterable[Mapping[str, Any]],
    documents: Mapping[str, Any] | None = None,
    *,
    now: str | None = None,
    contexts_dir: str | os.PathLike | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> dict:
    """Run verify.mjs and return its whole response (results, versions, contexts, warnings)."""
    ensure_node_modules()
    request: dict[str, Any] = {"items": _plain(list(items)), "documents": _plain(dict(documents or {}))}
    if now is not None:
        request["now"] = now
    if contexts_dir is not None:
        request["contextsDir"] = os.fspath(contexts_dir)
    out = _run(VERIFY_JS, [], json.dumps(request), timeout)
    try:
        response = json.loads(out)
    except ValueError as exc:
        raise NodeVerifierError(f"verify.mjs printed non-JSON output: {out[:2000]!r}") from exc
    if len(response.get("results", [])) != len(request["items"]):
        raise NodeVerifierError(
            f"verify.mjs answered {len(response.get('results', []))} results for {len(request['items'])} items"
        )
    return response


def verify(
    items: Iterable[Mapping[str, Any]],
    documents: Mapping[str, Any] | None = None,
    *,
    now: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[dict]:
    """Verify each item; returns one ``{"path", "kind", "verified", "revoked", "errors", ...}`` per item."""
    return verify_raw(items, documents, now=now, timeout=timeout)["results"]


def make_fixtures(outdir: str | os.PathLike, timeout: float = DEFAULT_TIMEOUT) -> dict:
    """Write the harness self-test documents (signed by the JS stack) into ``outdir``.

    Returns ``{"files": {name: path}, "documents": {url: path|{"status": 410}}, ...}``.
    """
    ensure_node_modules()
    return json.loads(_run(MAKE_FIXTURES_JS, [os.fspath(outdir)], None, timeout))


CANON_SIGN_JS = INTEROP_DIR / "canon_sign.mjs"


def canon_sign(
    items: Iterable[Mapping[str, Any]],
    contexts: Mapping[str, Any] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[dict]:
    """Canonicalise or sign with the reference cryptosuite (canon_sign.mjs); one result per item.

    Items: ``{"op": "canonize", "doc": {...}}`` answers ``{"ok", "nquads"}``;
    ``{"op": "sign", "doc", "seed" (hex), "vm", "created"}`` answers ``{"ok", "signed"}``;
    a refusal answers ``{"ok": False, "error"}``. ``contexts`` adds url -> context document.
    """
    ensure_node_modules()
    request = {"items": _plain(list(items)), "contexts": _plain(dict(contexts or {}))}
    out = _run(CANON_SIGN_JS, [], json.dumps(request), timeout)
    try:
        results = json.loads(out)["results"]
    except (ValueError, KeyError) as exc:
        raise NodeVerifierError(f"canon_sign.mjs printed unexpected output: {out[:2000]!r}") from exc
    if len(results) != len(request["items"]):
        raise NodeVerifierError(f"canon_sign.mjs answered {len(results)} results for {len(request['items'])} items")
    return results
