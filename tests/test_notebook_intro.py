"""The report notebooks explain themselves to the person running them, and only to them.

Each report notebook declared in reports.toml opens with a Markdown title and introduction (the
question, every parameter, how to build it for sharing), has Markdown headings between its
sections (JupyterLab's table of contents) and a parameters cell that says what it is. Those
cells are tagged `analyst-only`: the reader page, opened in a real browser, does not show them,
while the analyst page (code included) does.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from kczlib.publish.config import load_config
from kczlib.declarations import parse_declarations

TAG = "analyst-only"


def report_notebooks() -> list:
    return sorted({r.notebook for r in load_config().reports})


@pytest.fixture(params=report_notebooks(), ids=lambda p: p.stem)
def notebook(request):
    return request.param, nbformat.read(request.param, as_version=4)


def test_each_notebook_opens_with_a_title_and_an_introduction(notebook):
    path, nb = notebook
    first = nb.cells[0]
    assert first.cell_type == "markdown" and TAG in first.metadata.get("tags", [])
    assert first.source.startswith("# ")
    assert "**Question.**" in first.source
    assert f"kcz build --only {path.stem}" in first.source  # how to build it for sharing
    assert "theme.set_theme" in first.source  # the one line that makes Chinese chart labels work


def test_the_introduction_explains_every_declared_parameter(notebook):
    _, nb = notebook
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    names = [p.name for p in parse_declarations(params.source)]
    assert {"case", "lang"} <= set(names)
    for name in names:
        assert f"`{name}`" in nb.cells[0].source, name


def test_the_parameters_cell_says_that_it_is_the_parameters_cell(notebook):
    _, nb = notebook
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert re.match(r"# The parameters cell", params.source)


def test_sections_have_markdown_headings_for_the_table_of_contents(notebook):
    _, nb = notebook
    headings = [c for c in nb.cells[1:] if c.cell_type == "markdown" and re.match(r"## \S", c.source)]
    code_sections = [c for c in nb.cells if c.cell_type == "code"]
    # a heading before each code cell after the three set-up cells (imports, parameters, checks)
    assert len(headings) == len(code_sections) - 3
    assert all(TAG in c.metadata.get("tags", []) for c in headings)
    assert all(c.source.count("\n") == 0 for c in headings)  # one heading line per cell


# --- what the reader sees (a real build, opened in headless Chromium) -------------------------

from test_any_case_reports import second_case_run  # noqa: E402,F401  the session build, shared


@pytest.mark.browser
@pytest.mark.notebook
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_reader_page_shows_no_analyst_cells_and_the_analyst_page_does(second_case_run, lang):
    from test_browser import CHROMIUM_ARGS, chromium
    from playwright.sync_api import sync_playwright

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
