"""notebooks/examples/explore_cases.ipynb runs with a real kernel and shows hand-worked values with provenance.

Values worked by hand from the case files:
- chengdu: 国家高新技术企业总量达7821家 (2021), 净增国家高新技术企业1701家 (2021), 科创板上市企业累计达14家;
  2021年末常住人口2119.2万人 (context pop_chengdu_2021): 7821 / 21,192,000 * 10000 = 3.6905 per ten thousand;
  net new share 1701 / 7821 = 0.21749 -> 21.7%; 获得贷款200多亿元 over 2700余家 firms:
  2.0e10 / 2800 = 714万元 to 3.0e10 / 2700 = 1111万元.
- foshan_2022: 8700家 (2022), 1600家 net new (2022): 1600 / 8700 = 0.18391 -> 18.4%.
- wuxi_2022: 达到4608家 (2021), 达到10家 STAR Market firms.
"""

from __future__ import annotations

import json

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import REPO

pytestmark = pytest.mark.notebook

NOTEBOOK = REPO / "notebooks" / "examples" / "explore_cases.ipynb"


@pytest.fixture(scope="module")
def executed():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=300,
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    return nb


def outputs(cell, mime="text/plain") -> str:
    """A cell's outputs of type `mime` joined (printed text counts as text/plain)."""
    parts = [o["data"].get(mime, "") if "data" in o else o.get("text", "") if mime == "text/plain" else ""
             for o in cell.get("outputs", [])]
    return "".join(parts)


def test_is_stored_stripped_and_is_not_a_report():
    stored = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in stored["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    # about ten lines of code compare three cities on three indicators
    assert sum(len("".join(c["source"]).splitlines()) for c in code) <= 14
    assert "explore_cases" not in (REPO / "reports.toml").read_text(encoding="utf-8")


def test_three_cities_three_indicators_with_ranges_and_provenance(executed):
    cells = [c for c in executed.cells if c.cell_type == "code"]
    assert not [o for c in cells for o in c.outputs if o.output_type == "error"]
    pivot, detail, compared, share, explained, per_firm = (outputs(c) for c in cells)
    for v in ("7821.0", "8700.0", "4608.0", "1701.0", "1600.0", "14.0", "10.0"):
        assert v in pivot
    for text in ("总量达7821家", "hightech_total_2021", "达到4608家", "hightech_enterprises_2022", "lower", "upper"):
        assert text in detail
    assert "3.690544" in compared and "pop_chengdu_2021" in compared
    assert share.startswith("21.7%") and "chengdu/hightech_net_new_2021" in share
    assert explained.startswith("18.4% = ") and '"1600家" (at character' in explained
    assert per_firm.startswith("714万元至1111万元")
    html = outputs(cells[-1], "text/html")
    assert "714万元至1111万元" in html and "获得贷款200多亿元" in html and "<table>" in html and "<script" not in html
