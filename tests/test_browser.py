"""Open the built reports in a real headless Chromium: links, title, Chinese text, charts.

Needs a Chromium: the system one (`apt-get install chromium`) or `KCZ_CHROMIUM=/path`.
Without one the test is skipped, except where KCZ_REQUIRE_BROWSER=1 (.ci/run): there a
missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from build_helpers import REAL_NOTEBOOKS, REPO, real_notebooks_exist, write_config
from kczlib.cli import main

pytestmark = pytest.mark.browser
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


@pytest.fixture(scope="module")
def built_run(tmp_path_factory) -> tuple[Path, str]:
    """The real overview in both languages when the notebooks exist, else the fixture."""
    folder = tmp_path_factory.mktemp("browser")
    if real_notebooks_exist():
        config = write_config(folder, [{"notebook": "00_overview"}], notebooks=REAL_NOTEBOOKS,
                              warm_imports=["pandas", "matplotlib.pyplot"])
        report = "00_overview-zh"
    else:
        config = write_config(folder, [{"notebook": "tiny_report"}])
        report = "tiny_report-zh"
    assert main(["--config", str(config), "build", "-q"]) == 0
    return folder / "out" / "latest", report


@pytest.fixture(scope="module")
def page():
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.errors = []
        page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        yield page
        browser.close()


def test_a_reader_follows_the_index_to_a_report_with_chinese_text_and_charts(built_run, page):
    run, report = built_run
    page.goto((run / "index.html").resolve().as_uri())
    assert "科创中国" in page.title()
    page.click(f'a[href="{report}.html"]')
    page.wait_for_load_state("load")
    assert page.url.endswith(f"{report}.html")
    assert page.title() == report
    text = page.inner_text("body")
    assert sum("\u4e00" <= ch <= "\u9fff" for ch in text) > 20  # Chinese prose, not just a title
    widths = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
    assert widths and all(w > 0 for w in widths), widths
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{report}.png"), full_page=True)
    assert page.errors == []
