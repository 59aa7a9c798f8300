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

from kczlib.declarations import parse_declarations
from kczlib.publish.config import load_config

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
    assert "lang" in names and ("case" in names or "cases" in names)  # one case, or several (05_compare_cases)
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

