"""docs/architecture.md and the README's layout table name only modules that exist."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
APP = ROOT / "openedx_plugin"


def named_paths(text):
    """Backticked app paths such as `credentials/issuing.py`, `awards/bulk_issue.award_many`, `conf.py`."""
    for found in re.findall(r"`([a-z_/]+(?:\.py)?)(?:[.`])", text):
        token = found.removeprefix("openedx_plugin/")
        if "/" in token or token.endswith(".py"):
            yield token


def exists(token):
    """An app module or package, a repository path, or a folder of a package the text names."""
    base = token.removesuffix(".py").rstrip("/")
    candidates = [APP / f"{base}.py", APP / base / "__init__.py", ROOT / token.rstrip("/"), ROOT / "tests" / base]
    candidates += [folder / name for folder in APP.iterdir() if folder.is_dir() for name in (base, f"{base}.py")]
    return any(path.exists() for path in candidates)


def test_the_architecture_page_names_existing_modules():
    text = (ROOT / "docs" / "architecture.md").read_text()
    tokens = set(named_paths(text))
    assert {"credentials/issuing", "awards/awarding", "conf.py", "checks.py"} <= {t.removesuffix(".py") for t in tokens} | tokens
    assert [token for token in tokens if not exists(token)] == []


def test_the_readme_layout_names_existing_modules():
    text = (ROOT / "README.md").read_text()
    layout = text[text.index("## Layout"):text.index("## Dependencies")]
    assert [token for token in named_paths(layout) if not exists(token)] == []
