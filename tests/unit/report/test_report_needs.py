"""`Report.has` / `needs` / `maybe`: how a section asks for shared indicators or a case's own figures."""

from __future__ import annotations

import pytest

from kczlib.errors import UnknownIndicatorError
from kczlib.report import Report

from support.report_setup import bare_report, copy_second_case


def report_for(case: str, lang: str = "zh") -> Report:
    return bare_report("00_overview", case, lang)


@pytest.fixture
def second_case(data_copy):
    return copy_second_case(data_copy)


def test_refs_are_indicators_or_a_case_figure_by_its_own_id():
    r = report_for("chengdu")
    assert r.has("tech_loan_volume") and r.has("leading_group_districts")
    assert not r.has("case:science_parks")
    assert r.get("tech_loan_volume").ids == ("kechuangdai_loans",)  # the ledger cites Chengdu's own row


def test_a_misspelt_indicator_is_an_error_not_a_missing_section():
    with pytest.raises(UnknownIndicatorError, match="tech_loan_volume"):
        report_for("chengdu").has("tech_loan_volum")


def test_a_section_the_case_cannot_fill_is_one_sentence_naming_what_is_missing(second_case):
    r = report_for(second_case)
    assert r.needs("borrowing", "tech_loan_firms", "tech_loan_volume") and not r.shown
    assert r.maybe("angel_funds") is None and r.maybe("case:science_parks").ids == ("science_parks",)
    assert not r.needs("angel", "angel_funds", "tech_loan_firms", "angel_funded_firms")
    # the indicators' Chinese names in data/indicators.csv: angel_funds, angel_funded_firms
    assert len(r.shown) == 1 and "天使投资基金数" in r.shown[0] and "天使基金已投企业数" in r.shown[0]
    assert "获科技信贷企业数" not in r.shown[0]  # reported: not named
    assert not r.needs("fiscal_budget", "fiscal_st_spending", context=True)  # the case has no context.csv
    assert "外部对照数据" in r.shown[1]
