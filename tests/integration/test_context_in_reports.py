"""External context in the reports: benchmarks with confidence labels, from data only."""

import pytest

from conftest import CASE_REPORT_NOTEBOOKS as NOTEBOOKS
from conftest import edit_csv_cell
from support.notebooks import execute_in_process, executed_report

NB = {p.stem: p for p in NOTEBOOKS}


def narrative(name, lang):
    return "\n".join(executed_report(name, lang).shown)  # once per session, for every module


@pytest.mark.parametrize("lang,gdp,label", [("zh", "19916.98亿元", "中等可信度"),
                                            ("en", "CNY 1.99 trn", "medium confidence")])
def test_fiscal_report_sets_spending_beside_gdp_rd_and_population_with_confidence(lang, gdp, label):
    text = narrative("01_fiscal_investment", lang)
    assert gdp in text and label in text
    # 99.4亿 / 19916.98亿 = 0.499%; 99.4亿 / 2119.2万 residents = 469 yuan; 99.4 / 631.92 = 15.7%
    assert "0.499%" in text and ("469元" in text or "CNY 469" in text) and "15.7%" in text
    assert ("数据缺口" in text) or ("Data gap" in text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_finance_report_shows_growth_since_the_case_with_confidence(lang):
    text = narrative("02_tech_finance_leverage", lang)
    # 3247 / 2800 = 1.1596 -> 1.16; 3247 / 2700 = 1.2026 -> 1.20 (3 digits, half up)
    assert ("1.16倍至1.20倍" in text) if lang == "zh" else ("1.16× to 1.20×" in text)
    # a low-confidence value carries the footnote mark, and the page says once what it means
    assert "†" in text and (("转载稿" in text) if lang == "zh" else ("reprint" in text))


def test_overview_states_every_cross_check_outcome():
    text = narrative("00_overview", "en")
    assert text.count("(agree)") == 4


def test_a_changed_context_row_changes_the_report(data_copy):
    edit_csv_cell(data_copy / "cases" / "chengdu" / "context.csv", "gdp_chengdu_2021", "value", "9940")
    edit_csv_cell(data_copy / "cases" / "chengdu" / "context.csv", "gdp_chengdu_2021", "excerpt",
                  "GDP總量達到9940億元")  # a row's excerpt states its value (kcz validate)
    text = "\n".join(execute_in_process(NB["01_fiscal_investment"], "en").shown)  # the edited data, not the session's
    # 99.4 / 9940 = 1% of GDP exactly
    assert "CNY 994 bn" in text and "to GDP 1%" in text
