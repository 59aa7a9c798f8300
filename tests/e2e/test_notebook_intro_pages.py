"""The report notebooks explain themselves to the person running them, and only to them.

Each report notebook declared in reports.toml opens with a Markdown title and introduction (the
question, every parameter, how to build it for sharing), has Markdown headings between its
sections (JupyterLab's table of contents) and a parameters cell that says what it is. Those
cells are tagged `analyst-only`: the reader page, opened in a real browser, does not show them,
while the analyst page (code included) does.
"""

from __future__ import annotations

import nbformat
import pytest

from kczlib.publish.config import load_config

TAG = "analyst-only"


def report_notebooks() -> list:
    return sorted({r.notebook for r in load_config().reports})


@pytest.fixture(params=report_notebooks(), ids=lambda p: p.stem)
def notebook(request):
    return request.param, nbformat.read(request.param, as_version=4)


# --- what the reader sees (a real build, opened in headless Chromium) -------------------------

@pytest.mark.browser
@pytest.mark.notebook
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_reader_page_shows_no_analyst_cells_and_the_analyst_page_does(second_case_run, lang):
    from playwright.sync_api import sync_playwright

    from support.browser import CHROMIUM_ARGS, chromium

    run, _ = second_case_run
    name = f"01_fiscal_investment-{lang}"
    source = nbformat.read(next(p for p in report_notebooks() if p.stem == "01_fiscal_investment"), as_version=4)
    analyst_lines = [c.source.splitlines()[0].lstrip("# ").strip() for c in source.cells
                     if TAG in c.metadata.get("tags", [])]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto((run / f"{name}.html").resolve().as_uri())
            reader = page.inner_text("body")
            page.goto((run / f"{name}.analyst.html").resolve().as_uri())
            analyst = page.inner_text("body")
        finally:
            browser.close()
    assert "kcz build --only" not in reader and "kcz build --only" in analyst
    for line in analyst_lines:  # the title, the introduction's first line, each section heading
        assert line not in reader, line
        assert line in analyst, line
