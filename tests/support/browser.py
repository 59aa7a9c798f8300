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
