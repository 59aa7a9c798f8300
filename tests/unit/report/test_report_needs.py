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


def test_sections_the_case_cannot_fill_are_named_once_in_one_sentence(second_case):
    r = report_for(second_case)
    assert r.needs("borrowing", "tech_loan_firms", "tech_loan_volume") and not r.shown
    assert r.maybe("angel_funds") is None and r.maybe("case:science_parks").ids == ("science_parks",)
    assert not r.needs("angel", "angel_funds", "tech_loan_firms", "angel_funded_firms")
    # topics from words/common.toml missing.topics: angel -> 天使投资基金
    assert r.shown == ["本案例未报告“天使投资基金”所需的数据，该节从略。"]
    assert not r.needs("workstation_output", "workstation_patents")
    assert not r.needs("angel", "angel_funds")  # asked again (a cell run twice): named once
    assert not r.needs("fiscal_budget", "fiscal_st_spending", context=True)  # the case has no context.csv
    # still one sentence, in place: the second clause names what needs external data
    assert r.shown == ["本案例未报告以下各节所需的数据，这些节从略：“天使投资基金”、“专家工作站的产出”；"
                       "本案例没有外部对照数据，“财政科技支出与预算的对比”从略。"]


def test_the_sentence_reads_the_same_in_english(second_case):
    r = report_for(second_case, "en")
    r.needs("fiscal_budget", "fiscal_st_spending", context=True)
    assert r.shown == ["This case has no external context data, so the section on "
                       "“fiscal S&T spending against the budget” is left out."]
    r.needs("angel", "angel_funds")
    assert r.shown == ["This case does not report the figures the section on “angel funds” needs, so it is left out; "
                       "this case has no external context data, so the section on "
                       "“fiscal S&T spending against the budget” is left out."]


def test_a_heading_with_nothing_under_it_is_not_shown(second_case):
    r = report_for(second_case, "en")
    r.heading("missing.topics.angel")  # any words: a section heading
    assert not r.needs("angel", "angel_funds") and r.shown[0].startswith("This case does not report")
    r.heading("missing.topics.borrowing")  # the first had nothing under it: dropped
    r.say("missing.topics.combo")
    assert r.shown[1:] == ["## cumulative borrowing per firm", "Combination loans"]
