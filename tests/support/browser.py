"""The headless Chromium the browser tests drive: where it is, how it is started, where
screenshots go.

Needs a Chromium: the system one (`apt-get install chromium`) or `KCZ_CHROMIUM=/path`.
Without one a browser test is skipped, except where KCZ_REQUIRE_BROWSER=1 (.ci/run): there a
missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil

import pytest

from support.paths import REPO

ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def chromium() -> str:
    path = os.environ.get("KCZ_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    message = ("no Chromium found: install one (`apt-get install chromium`) "
               "or point KCZ_CHROMIUM at a Chromium binary")
    if os.environ.get("KCZ_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (KCZ_REQUIRE_BROWSER=1: the browser test must run here)")
    pytest.skip(message)


CAPTURE_FAILED = "Unable to capture screenshot"


def full_page_screenshot(page, path=None) -> bytes:
    """A full-page screenshot of `page` (into `path`, if given), captured again once if Chromium
    refuses the first capture with "Unable to capture screenshot".

    Why once more: for a full-page capture Chromium's compositor paints the whole page, here
    up to tens of thousands of px tall with every fold open, into one frame; on a loaded
    machine that frame can fail and CDP's Page.captureScreenshot answers this error
    (tests/e2e/test_phone_pages.py failed so once at 1280 px; microsoft/playwright#32144).
    The page has not changed, so the second capture shows the same thing; any other error,
    or a second failure, is raised.
    """
    from playwright.sync_api import Error

    kwargs = {"full_page": True} | ({"path": str(path)} if path is not None else {})
    try:
        return page.screenshot(**kwargs)
    except Error as e:
        if CAPTURE_FAILED not in str(e):
            raise
    return page.screenshot(**kwargs)


def launch(playwright, env=None):
    """A headless Chromium (`chromium()`, `CHROMIUM_ARGS`) started through a Playwright instance.

    `env`: the browser's environment, for a test that starts one of its own (fontconfig is read
    when Chromium starts).
    """
    return playwright.chromium.launch(executable_path=chromium(), headless=True, args=CHROMIUM_ARGS, env=env)


# The browser the reader-facing e2e tests share (a plugin: tests/conftest.py registers this
# module): one Playwright and one headless Chromium per module, as each module had before, so a
# module's pages never share a browser with another's. A test that needs a browser of its own
# (other fonts, another sandbox) starts it from `playwright`.

@pytest.fixture(scope="module")
def playwright():
    """A started Playwright (sync API); skips, or fails under KCZ_REQUIRE_BROWSER=1, without a Chromium."""
    chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright):
    """A headless Chromium for the module's tests (`launch`)."""
    b = launch(playwright)
    yield b
    b.close()
