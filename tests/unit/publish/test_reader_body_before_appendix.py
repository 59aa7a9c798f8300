"""The outputs a cell shows before its first appendix output stay in the reader page's body
(the page's footnotes come right before the appendix in the same notebook cell: M16)."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from kczlib.publish.html.reader_page import reader_notebook


def _html(text: str, part: str | None = None):
    return new_output("display_data", data={"text/html": text},
                      metadata={"kcz": {"part": part}} if part else {})


def test_a_cell_s_body_outputs_before_the_appendix_stay_in_the_body():
    nb = new_notebook(cells=[
        new_code_cell("report.say(...)", outputs=[_html("<p>finding</p>")]),
        new_code_cell("report.appendix()", outputs=[_html('<div class="kcz-footnotes">† note</div>'),
                                                     _html("<h2>Numbers ledger</h2>", "appendix"),
                                                     _html("<table></table>", "appendix")]),
    ])
    nbformat.validator.normalize(nb)
    cells = reader_notebook(nb).cells
    parts = [(c.metadata["kcz_part"], [o["data"]["text/html"][:12] for o in c.outputs]) for c in cells]
    assert parts == [("body", ["<p>finding</"]),
                     ("body", ['<div class="']),
                     ("appendix", ["<h2>Numbers ", "<table></tab"])]


def test_a_cell_that_starts_with_the_appendix_is_not_split():
    nb = new_notebook(cells=[new_code_cell("report.appendix()", outputs=[_html("<h2>A</h2>", "appendix")])])
    assert [c.metadata["kcz_part"] for c in reader_notebook(nb).cells] == ["appendix"]
