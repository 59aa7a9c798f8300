"""kczlib.compare: one indicator across cases, worked by hand from the case files.

Chengdu: 市级财政科技支出99.4亿元 (2021), 国家高新技术企业总量达7821家 (2021), 2021年末常住人口
2119.2万人, GDP 2021 19916.98亿元 (context.csv). Jiangcheng (tests/fixtures): 12.5亿元 (2023),
80余家 firms with tech loans, no context.
"""

from __future__ import annotations

import pandas as pd
import pytest

import kczlib
from kczlib.analysis.compare import COMPARE_COLUMNS, case_values, qualified, shared_indicators, split_ref
from kczlib.errors import UnknownCaseError, UnknownIndicatorError

from support.report_setup import copy_second_case

CASES = ["chengdu", "jiangcheng"]


@pytest.fixture
def two_cases(data_copy):
    copy_second_case(data_copy)


def test_fiscal_spending_side_by_side_with_per_resident_and_gdp(two_cases):
    table = kczlib.compare("fiscal_st_spending", CASES)
    assert tuple(table.columns) == COMPARE_COLUMNS
    assert list(table["case"]) == CASES and list(table["period"]) == ["2021", "2023"]
    chengdu, jiangcheng = table.iloc[0], table.iloc[1]
    assert chengdu["value"] == 9.94e9 and jiangcheng["value"] == 1.25e9
    # 99.4亿元 / 2119.2万人 = 9.94e9 / 21192000 = 469.04 yuan per resident
    assert chengdu["per_resident_lower"] == pytest.approx(469.0449, rel=1e-6)
    assert chengdu["per_resident_upper"] == chengdu["per_resident_lower"]
    assert chengdu["per_resident_unit"] == "CNY per resident" and chengdu["population_id"] == "pop_chengdu_2021"
    # 99.4亿元 / 19916.98亿元 = 0.4991%
    assert chengdu["share_of_gdp_lower"] == pytest.approx(99.4 / 19916.98)
    assert chengdu["gdp_id"] == "gdp_chengdu_2021"
    # no context rows: no ratios
    assert pd.isna(jiangcheng["per_resident_lower"]) and pd.isna(jiangcheng["share_of_gdp_lower"])
    assert jiangcheng["gdp_id"] == ""


def test_counts_per_ten_thousand_residents_of_the_same_year_only(two_cases):
    table = kczlib.compare("hightech_enterprises", CASES)
    chengdu = table[table["case"] == "chengdu"].iloc[0]
    # 7821 / 21192000 * 10000 = 3.6905 per ten thousand residents
    assert chengdu["per_resident_lower"] == pytest.approx(3.690544, rel=1e-6)
    assert chengdu["per_resident_unit"] == "count per 10000 residents"
    assert sorted(table[table["case"] == "jiangcheng"]["period"]) == ["2022", "2023"]


def test_ranges_stay_ranges_and_cumulative_counts_are_not_normalised(two_cases):
    table = kczlib.compare("tech_loan_firms", CASES).set_index("case")
    assert (table.loc["chengdu", "lower"], table.loc["chengdu", "upper"]) == (2700, 2800)  # 2700余家
    assert (table.loc["jiangcheng", "lower"], table.loc["jiangcheng", "upper"]) == (80, 90)  # 80余家
    assert set(table["tally"]) == {"cumulative"} and set(table["population_id"]) == {""}


def test_the_numbers_name_their_case(two_cases):
    values = case_values("fiscal_st_spending", CASES)
    assert values[0].num.ids == ("chengdu/fiscal_st_spending_2021",)
    assert set(values[0].per_resident.ids) == {"chengdu/fiscal_st_spending_2021", "chengdu/pop_chengdu_2021"}
    assert split_ref(qualified("jiangcheng", "hightech_2023")) == ("jiangcheng", "hightech_2023")
    with pytest.raises(ValueError):
        split_ref("hightech_2023")


def test_shared_indicators_are_those_two_cases_report(two_cases):
    # both texts report fiscal S&T spending, tech-loan volume and firms, workstations,
    # academicians and high-tech enterprises (jiangcheng.raw.txt; chengdu's figures.csv)
    assert shared_indicators(CASES) == ["fiscal_st_spending", "tech_loan_volume", "tech_loan_firms",
                                        "expert_workstations", "workstation_academicians", "hightech_enterprises"]
    assert shared_indicators(["chengdu"]) == []


def test_mistakes_are_named(two_cases):
    with pytest.raises(UnknownIndicatorError):
        kczlib.compare("fiscal_spendin", CASES)
    with pytest.raises(UnknownCaseError, match="atlantis"):
        kczlib.compare("fiscal_st_spending", ["atlantis"])
    assert kczlib.compare("pilot_evaluation_rank", ["jiangcheng"]).empty


def test_an_index_score_gets_no_per_resident_figure_and_a_count_does():
    # jiaxing_2022 figures.csv innovation_index_2020: 嘉兴市创新指数196.7 (an index score; the
    # vocabulary's base_unit is count, tally ratio). Dividing it by pop_jiaxing_2020 (5,411,000)
    # would give 196.7 / 541.1 = 0.3635 "per ten thousand residents", which means nothing.
    table = kczlib.compare("innovation_index", ["jiaxing_2022"])
    assert list(table["period"]) == ["2020", "2019"]
    assert table["per_resident_lower"].isna().all() and table["share_of_gdp_lower"].isna().all()
    assert set(table["per_resident_unit"]) == {""} and set(table["population_id"]) == {""}
    # the rise of the index in points (innovation_index_change, tally change) is no count either
    assert kczlib.compare("innovation_index_change", ["jiaxing_2022"])["per_resident_lower"].isna().all()
    # a count of the same case and year still is: national high-tech enterprises of Chengdu,
    # 7821家 (2021) / 2119.2万人 (pop_chengdu_2021) = 7821 / 2119.2 = 3.6905 per ten thousand
    count = kczlib.compare("hightech_enterprises", ["chengdu"]).iloc[0]
    assert count["per_resident_lower"] == pytest.approx(7821 / 2119.2, rel=1e-9)
    assert count["per_resident_unit"] == "count per 10000 residents"


@pytest.mark.parametrize(("indicator", "expected"), [
    ("fiscal_st_spending", True), ("hightech_enterprises", True),  # an amount, a count
    ("innovation_index", False), ("invention_patents_per_10k", False),  # a score; already per 10,000
    ("rd_intensity", False), ("provincial_innovation_index_rank", False)])  # a percentage; a rank
def test_only_amounts_and_counts_are_normalisable(indicator, expected):
    from kczlib.analysis.compare import normalisable

    assert normalisable(indicator) is expected
