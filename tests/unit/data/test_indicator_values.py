"""kczlib.load_indicator_values and load_denominators, worked by hand from the case files.

Expected values are read off tests/fixtures/cases/jiangcheng/jiangcheng.raw.txt and its
figures.csv, and off data/cases/chengdu (the source's 市级财政科技支出99.4亿元 and the context
excerpt 2021年末成都市常住人口为2119.2万人).
"""

from __future__ import annotations

import pandas as pd
import pytest

import kczlib
from kczlib.data.indicator_values import VALUE_COLUMNS, denominator_kind, load_denominators
from kczlib.errors import UnknownCaseError

from support.report_setup import copy_second_case, keep_only_cases


@pytest.fixture
def two_cases(data_copy):
    keep_only_cases(data_copy, "chengdu")
    copy_second_case(data_copy)
    return ["chengdu", "jiangcheng"]


def test_the_fixture_case_as_a_long_table(two_cases):
    frame = kczlib.load_indicator_values(["jiangcheng"])
    assert tuple(frame.columns) == VALUE_COLUMNS
    # eight figures, one of them (science_parks, 3个科技园区) maps to no indicator
    assert len(frame) == 7 and "science_parks" not in set(frame["figure_id"])
    spending = frame[frame["figure_id"] == "fiscal_st_spending_2023"].iloc[0]
    # 市级财政科技支出12.5亿元 (2023): 12.5 x 10^8 yuan, a flow in a year
    assert (spending["case"], spending["indicator"], spending["period"]) == ("jiangcheng", "fiscal_st_spending", "2023")
    assert spending["value"] == 1.25e9 and spending["lower"] == spending["upper"] == 1.25e9
    assert (spending["written"], spending["unit"], spending["base_unit"]) == (12.5, "亿元", "CNY")
    assert spending["tally"] == "flow" and spending["evidence"] == "12.5亿元"
    firms = frame[frame["indicator"] == "tech_loan_firms"].iloc[0]
    # 80余家: at least 80, below 90; a count since an undated start
    assert (firms["lower"], firms["upper"], firms["qualifier"]) == (80, 90, "余")
    assert (firms["period"], firms["tally"]) == ("cumulative", "cumulative")
    hightech = frame[frame["indicator"] == "hightech_enterprises"].set_index("period")
    # 达到420家 in 2023 (as the parser reads it today: at least 420) and 380家 in 2022: a series of stocks
    assert hightech.loc["2022", "value"] == 380 and hightech.loc["2023", "lower"] == 420
    assert set(hightech["tally"]) == {"stock"} and hightech.loc["2023", "year"] == 2023


def test_every_case_by_default_case_by_case(two_cases):
    frame = kczlib.load_indicator_values()
    assert list(dict.fromkeys(frame["case"])) == ["chengdu", "jiangcheng"]
    row = frame[(frame["case"] == "chengdu") & (frame["indicator"] == "fiscal_st_spending")].iloc[0]
    assert (row["period"], row["value"], row["figure_id"]) == ("2021", 9.94e9, "fiscal_st_spending_2021")
    # the order given is kept, duplicates dropped
    assert list(dict.fromkeys(kczlib.load_indicator_values(["jiangcheng", "chengdu", "jiangcheng"])["case"])) \
        == ["jiangcheng", "chengdu"]
    # the vocabulary is unchanged beside it
    assert kczlib.load_indicators().index.name == "id"


def test_an_unknown_case_names_itself(two_cases):
    with pytest.raises(UnknownCaseError, match="atlantis"):
        kczlib.load_indicator_values(["chengdu", "atlantis"])


def test_denominators_are_the_citys_own_population_and_gdp_rows(two_cases):
    frame = load_denominators(two_cases)
    assert set(frame["case"]) == {"chengdu"}  # the fixture case has no context.csv
    pop = frame[(frame["kind"] == "population") & (frame["period"] == "2021")].iloc[0]
    assert pop["value"] == pytest.approx(21_192_000) and pop["context_id"] == "pop_chengdu_2021"  # 2119.2万人
    gdp = frame[(frame["kind"] == "gdp") & (frame["period"] == "2021")].iloc[0]
    assert gdp["value"] == pytest.approx(1.991698e12)  # 19916.98亿元
    # national and provincial rows, and the population change, are not denominators
    assert not frame["context_id"].str.contains("china|sichuan|change").any()


@pytest.mark.parametrize(("text", "kind"), [
    ("常住人口 resident population", "population"), ("常住人口（第七次全国人口普查） resident population (7th census)",
                                                   "population"),
    ("地区生产总值 GDP", "gdp"), ("常住人口增量 resident population change", None), ("R&D经费 R&D expenditure", None)])
def test_denominator_kind_reads_the_chinese_name(text, kind):
    assert denominator_kind(text) == kind


def test_an_empty_list_means_every_case(data_copy):
    keep_only_cases(data_copy, "chengdu")
    frame = kczlib.load_indicator_values([])  # chengdu is the only case of the data copy
    assert set(frame["case"]) == {"chengdu"} and isinstance(frame, pd.DataFrame)


def test_one_case_given_as_a_string_is_that_case(two_cases):
    # a fresh user passed cases="chengdu" and got "unknown case 'c'"
    assert set(kczlib.load_indicator_values("jiangcheng")["case"]) == {"jiangcheng"}
    assert set(kczlib.compare("fiscal_st_spending", "jiangcheng")["case"]) == {"jiangcheng"}
