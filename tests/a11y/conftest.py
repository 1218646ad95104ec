"""The browser fixtures of tests/browser (Playwright on the system's Chromium), for the axe check."""

from tests.browser.conftest import _sync_orm_beside_playwright, browser, screenshot  # noqa: F401
