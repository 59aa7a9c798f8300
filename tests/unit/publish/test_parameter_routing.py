"""`-p` values go to the reports that declare them (issue 23, section 4).

reports.toml builds the per-case reports (they declare `case`) and the comparison
05_compare_cases (it declares `cases`, not `case`).
"""

from __future__ import annotations

import pytest

from kczlib.declarations import coerce, parse_declarations
from kczlib.errors import ParameterError
from kczlib.publish.config import load_config
from kczlib.publish.overrides import apply_overrides


@pytest.fixture(scope="module")
def config():
    return load_config()


def by_name(reports):
    return {r.name: r.parameters for r in reports}


def test_the_comparison_takes_no_case_from_the_defaults(config):
    params = by_name(apply_overrides(list(config.reports), {}))
    assert params["05_compare_cases-zh"] == {"lang": "zh"}
    assert params["01_fiscal_investment-en"]["case"] == "chengdu"


def test_case_goes_to_the_per_case_reports_only(config):
    params = by_name(apply_overrides(list(config.reports), {"case": "chengdu"}))
    assert all(p["case"] == "chengdu" for n, p in params.items() if not n.startswith("05_"))
    assert "case" not in params["05_compare_cases-en"]


def test_cases_goes_to_the_comparison_only(config):
    params = by_name(apply_overrides(list(config.reports), {"cases": ["chengdu"]}))
    assert params["05_compare_cases-zh"]["cases"] == ["chengdu"]
    assert "cases" not in params["00_overview-zh"]


def test_a_parameter_no_selected_report_declares_is_refused(config):
    with pytest.raises(ParameterError, match="'case': not a parameter of 05_compare_cases.ipynb"):
        apply_overrides(config.select(["05_compare_cases"]), {"case": "chengdu"})
    with pytest.raises(ParameterError, match="'cases': not a parameter of 01_fiscal_investment.ipynb"):
        apply_overrides(config.select(["01_fiscal_investment"]), {"cases": ["chengdu"]})
    with pytest.raises(ParameterError, match="'nosuch'"):
        apply_overrides(list(config.reports), {"nosuch": 1})


def test_an_unknown_case_in_cases_is_refused_before_any_kernel(config):
    with pytest.raises(ParameterError) as caught:
        apply_overrides(list(config.reports), {"cases": ["chengdu", "atlantis"]})
    assert "unknown case 'atlantis'" in str(caught.value) and "\n" not in str(caught.value)


def test_an_empty_list_is_allowed_only_where_the_default_is_empty():
    every, rates = parse_declarations('cases: list[str] = []  # a known case: cases (empty: every case)\n'
                                      'rates: list[float] = [0.1]  # in [0, 1]: rates')
    assert coerce(every, [], ["chengdu"]) == []
    assert coerce(every, ["chengdu"], ["chengdu"]) == ["chengdu"]
    with pytest.raises(ParameterError, match="unknown case 'x'"):
        coerce(every, ["x"], ["chengdu"])
    with pytest.raises(ParameterError, match="non-empty"):
        coerce(rates, [], [])
