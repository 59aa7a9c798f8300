"""Which cases a report reads, as the builder's pre-flight data check sees them (publish/preflight.py).

Expected values come from reports.toml's conventions and the notebooks' declarations: a per-case
report reads `case`; the comparison declares `cases = []`, which means every case folder.
"""

from __future__ import annotations

from kczlib.publish.cases import data_problem, known_cases
from kczlib.publish.preflight import cases_read

from conftest import REAL_NOTEBOOKS


def test_a_per_case_report_reads_its_case():
    assert cases_read(REAL_NOTEBOOKS / "02_tech_finance_leverage.ipynb", {"case": "foshan_2022", "lang": "en"}) \
        == ["foshan_2022"]


def test_the_comparison_reads_every_case_by_default_and_the_given_ones_otherwise():
    notebook = REAL_NOTEBOOKS / "05_compare_cases.ipynb"
    assert cases_read(notebook, {"lang": "zh"}) == known_cases()
    assert "chengdu" in known_cases() and len(known_cases()) > 1
    assert cases_read(notebook, {"cases": ["wuxi_2022", "chengdu"]}) == ["wuxi_2022", "chengdu"]


def test_a_value_of_another_type_reads_no_case_here():
    # the report's own parameter check refuses it, with the known names
    assert cases_read(REAL_NOTEBOOKS / "02_tech_finance_leverage.ipynb", {"case": 3}) == []


def test_an_unknown_or_valid_case_has_no_data_problem():
    assert data_problem("no_such_city") is None
    assert data_problem("chengdu") is None
