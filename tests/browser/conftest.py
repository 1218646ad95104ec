"""
Browser fixtures: Playwright driving the system's Chromium (never a downloaded one).

The browser tests are skipped, with the reason, only on a developer machine that
lacks Chromium or the ``playwright`` package; under CI (``CI`` set) that is a failure.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.ci import in_ci

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Screenshots go to a temporary folder; BADGES_SCREENSHOT_DIR=docs/screenshots refreshes the documented ones.
SCREENSHOT_DIR_ENV = "BADGES_SCREENSHOT_DIR"

# pytest-django's live server listens here (the stand-in's ALLOWED_HOSTS lists it); only these tests use it.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")


@pytest.fixture(scope="module", autouse=True)
def _sync_orm_beside_playwright():
    """
    Playwright's sync API keeps an event loop in this thread while a browser module runs;
    the tests' own ORM calls (fixtures, assertions, the database flush after each test)
    are plain synchronous code, so Django's guard is lifted for these modules only.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _unavailable(reason):
    if in_ci():
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


def chromium_path():
    candidate = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if candidate and Path(candidate).exists() else None


@pytest.fixture(scope="module")
def browser(_sync_orm_beside_playwright):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the `playwright` package is not installed (pip install playwright)")
    path = chromium_path()
    if path is None:
        _unavailable("Chromium is not installed (apt-get install chromium, or set CHROMIUM_PATH)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(width=1100) -> a page in a fresh context (its own cookies) on the live server."""
    contexts = []

    def make(width=1100, height=900):
        context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": height},
                                      accept_downloads=True, locale="en-US")
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(tmp_path_factory):
    folder = Path(os.environ.get(SCREENSHOT_DIR_ENV) or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name, locator=None):
        path = folder / f"{name}.png"
        (page.locator(locator) if locator else page).screenshot(path=str(path), **({} if locator else
                                                                                    {"full_page": True}))
        return path
    return take


def sign_in(page, username, password):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
