"""The browser the reader-facing e2e tests share: one Playwright and one headless Chromium per module.

Module scope, as each module had before: a module's pages never share a browser with another's.
A module that needs a browser of its own (other fonts, another sandbox) starts it from `playwright`.
"""

from __future__ import annotations

import pytest

from support.browser import chromium, launch


@pytest.fixture(scope="module")
def playwright():
    """A started Playwright (sync API); skips, or fails under KCZ_REQUIRE_BROWSER=1, without a Chromium."""
    chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright):
    """A headless Chromium for the module's tests (`support.browser.launch`)."""
    b = launch(playwright)
    yield b
    b.close()
