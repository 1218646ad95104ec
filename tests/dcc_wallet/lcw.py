"""
Run the DCC Learner Credential Wallet's own libraries (``wallet.mjs``) from pytest.

The npm packages are pinned in ``package.json``/``package-lock.json`` next to this file
and installed with ``npm ci`` (``cd tests/dcc_wallet && npm ci --no-audit --no-fund``).
On a developer machine without Node.js or those packages the tests are skipped with
that command as the reason; under CI (``CI`` set) they fail instead.
"""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.ci import in_ci

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "wallet.mjs"
INSTALL = "cd tests/dcc_wallet && npm ci --no-audit --no-fund"
PACKAGES = ("vc", "ed25519-signature-2020", "ed25519-verification-key-2020", "did-method-key",
            "security-document-loader", "verifier-core")
MIN_NODE_MAJOR = 20


def _unavailable(reason):
    if in_ci():
        pytest.fail(f"the DCC wallet interop test cannot run under CI: {reason}", pytrace=False)
    pytest.skip(f"DCC wallet interop test skipped: {reason}")


def node():
    """The node binary, once the wallet's pinned packages are installed."""
    binary = shutil.which("node")
    if not binary:
        _unavailable("`node` is not on PATH (install Node.js >= 20)")
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30, check=False)
    try:
        major = int(version.stdout.strip().lstrip("v").split(".")[0])
    except ValueError:
        major = 0
    if major < MIN_NODE_MAJOR:
        _unavailable(f"Node.js {version.stdout.strip() or '?'} is too old (need >= {MIN_NODE_MAJOR})")
    lock = json.loads((HERE / "package-lock.json").read_text())["packages"]
    for name in PACKAGES:
        installed = HERE / "node_modules" / "@digitalcredentials" / name / "package.json"
        wanted = lock[f"node_modules/@digitalcredentials/{name}"]["version"]
        if not installed.is_file() or json.loads(installed.read_text())["version"] != wanted:
            _unavailable(f"@digitalcredentials/{name}@{wanted} is not installed: run `{INSTALL}`")
    return binary


def run_wallet(link, *, site_origin, local_origin, tamper=None, seed_hex=None, timeout=120):
    """Play the wallet against ``link``; returns what ``wallet.mjs`` reports (see its header)."""
    binary = node()
    spec = {"link": link, "site_origin": site_origin, "local_origin": local_origin}
    if tamper:
        spec["tamper"] = tamper
    if seed_hex:
        spec["seed_hex"] = seed_hex
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(spec, handle)
    try:
        proc = subprocess.run([binary, str(SCRIPT), handle.name], capture_output=True, text=True, timeout=timeout,
                              cwd=str(HERE), check=False)
    finally:
        os.unlink(handle.name)
    marker = "@@WALLET-RESULT@@"
    if proc.returncode != 0 or marker not in proc.stdout:
        raise AssertionError(f"wallet.mjs failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    result = json.loads(proc.stdout.rsplit(marker, 1)[1])
    result["console"] = proc.stdout.rsplit(marker, 1)[0][-4000:]
    return result
