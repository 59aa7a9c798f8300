"""The comparison compares values of one period and one kind, as ranges, and says where each city stands.

Worked by hand from the shipped figures (data/cases/*/figures.csv, indicator hightech_enterprises,
each a stock of national high-tech enterprises):
- chengdu hightech_total_2021: 总量达7821家, period 2021;
- wuxi_2022 hightech_enterprises_2021: 达到4608家, period 2021;
- xiangyang_2022 hightech_enterprises_2021: 达到874家, period 2021;
- foshan_2022 hightech_enterprises_2022: 8700家, period 2022 (another year: named, not ranked).
All exact, so the three 2021 ranges are points: 7821 > 4608 > 874, none overlapping. Chengdu is
highest of 3, Xiangyang lowest of 3, Wuxi below Chengdu and above Xiangyang. Per resident: only
Chengdu has a 2021 population (pop_chengdu_2021; wuxi_2022 and xiangyang_2022 have 2020-11 and
2022 rows), so the 2021 comparison has no per-resident part.
fuzhou_2025 (case.json source.published 2025-12-15) reports national society service stations
to date (64, cumulative): the page is as of December 2025, not of its latest dated figure.
"""

from __future__ import annotations

import pytest

from kczlib.analysis.compare import CaseValue
from kczlib.analysis.ledger import Ledger
from kczlib.analysis.num import Num
from kczlib.report.compare_report import CompareReport
from kczlib.report.sections import compare, compare_rank
from kczlib.report.sections.compare import Shared

FOUR = ["chengdu", "foshan_2022", "wuxi_2022", "xiangyang_2022"]


def report(cases: list[str], lang: str = "en") -> CompareReport:
    r = CompareReport("05_compare_cases", lang=lang, cases=cases)
    r.ledger = Ledger(lang)
    r.new_page()
    return r


def value(case: str, lower, upper, period: str = "2021") -> CaseValue:
    return CaseValue(case, "hightech_enterprises", period, "stock", Num(lower, upper, "count"))


def test_only_values_of_one_dated_period_from_two_cities_form_a_group():
    s = Shared("hightech_enterprises", [value("a", 1, 1, "2021"), value("b", 2, 2, "2021"), value("c", 3, 3, "2022"),
                                        value("a", 4, 4, "cumulative"), value("b", 5, 5, "cumulative")])
    assert [(p, [v.case for v in vs]) for p, vs in compare_rank.same_period(s)] == [("2021", ["a", "b"])]


def test_a_range_that_overlaps_another_is_not_ranked():
    nums = [Num(100, 120, "count"), Num(110, 110, "count"), Num(50, 60, "count")]
    # 100-120 meets 110: those two overlap; 50-60 lies wholly below both
    assert compare_rank.placing(nums, 0) == ([], [2], [1])
    assert compare_rank.placing(nums, 2) == ([0, 1], [], [])
    assert compare_rank.ordered(nums) is None
    # an open upper bound ("at least 100") lies above 60 but may be any size: it overlaps 150
    assert compare_rank.placing([Num(100, None, "count"), Num(60, 60, "count")], 0) == ([], [1], [])
    assert compare_rank.placing([Num(100, None, "count"), Num(150, 150, "count")], 0) == ([], [], [1])
    assert compare_rank.ordered([Num(5, 5, "count"), Num(9, 9, "count"), Num(1, 2, "count")]) == [1, 0, 2]


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "In 2021, national high-tech enterprises from highest to lowest: Chengdu 7,821; Wuxi 4,608; "
           "Xiangyang 874. Values of other periods: Foshan 8,700 (2022)."),
    ("zh", "2021年，国家高新技术企业数从高到低依次为成都7821家、无锡4608家、襄阳874家。"
           "其他时期的数值：佛山8700家（2022年）。")])
def test_same_year_values_are_compared_and_other_years_named(lang, expected):
    r = report(FOUR, lang)
    findings = compare_rank.findings(r, compare.gather(r))
    assert findings[0] == expected
    # no finding carries the clause the caveats say once
    assert not any("not ranked" in f or "不排高低" in f for f in findings if "overlap" not in f and "重叠" not in f)


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["Chengdu: highest of 3 cities in national high-tech enterprises (2021), at 7,821.",
            "Wuxi: national high-tech enterprises (2021) at 4,608, below Chengdu and above Xiangyang.",
            "Xiangyang: lowest of 3 cities in national high-tech enterprises (2021), at 874.",
            "No other city reports a value of the same period and kind as Foshan for any shared indicator, "
            "so these are not ranked."]),
    ("zh", ["成都：国家高新技术企业数（2021年）为7821家，在3个城市中最高。",
            "无锡：国家高新技术企业数（2021年）为4608家，低于成都，高于襄阳。",
            "襄阳：国家高新技术企业数（2021年）为874家，在3个城市中最低。",
            "对于佛山报告的共同指标，没有其他城市报告同一时期、同一口径的数值，因此不排高低。"])])
def test_where_each_city_stands_on_the_same_year_rows(lang, expected):
    r = report(FOUR, lang)
    compare_rank.standing(r, compare.gather(r))
    assert r.shown[1:] == expected


def test_cities_with_nothing_to_rank_are_named_once_together():
    # foshan_2020 shares no indicator with the others (test_compare_like_with_like); foshan_2022 and
    # jiaxing_2022 share none in one period with another city (8,700 in 2022; R&D intensity 3.31% in 2020)
    r = report(["chengdu", "foshan_2020", "foshan_2022", "jiaxing_2022", "wuxi_2022"])
    compare_rank.standing(r, compare.gather(r))
    said = r.shown[1:]
    assert sum("not ranked" in t for t in said) == 1
    assert "No other city reports a value of the same period and kind as Foshan (2020-2023 case); Jiaxing" in said[-2]
    assert said[-1] == "No indicator of Foshan (2018-2021 case) is reported by another city."


def test_the_caveats_say_once_why_other_periods_are_not_ranked():
    r = report(FOUR)
    compare.caveats(r, compare.gather(r))
    said = r.shown[1:]
    assert sum("not ranked" in t for t in said) == 1
    assert ("Indicators the cities report for different periods: National high-tech enterprises "
            "(Chengdu 2021; Foshan 2022; Wuxi 2021; Xiangyang 2021)") in said[1]


def test_the_shared_table_is_long_four_columns_same_period_rows_together():
    r = report(FOUR)
    shared = [s for s in compare.gather(r) if s.indicator == "hightech_enterprises"]
    frame = compare.shared_rows(r, shared)
    assert list(frame.columns) == ["Indicator", "City", "Period", "Value"]  # however many cities
    # 2022 first (latest), then the 2021 values in the report's order of cities
    assert frame[["City", "Period", "Value"]].values.tolist() == [
        ["Foshan", "2022", "8,700"], ["Chengdu", "2021", "7,821"], ["Wuxi", "2021", "4,608"],
        ["Xiangyang", "2021", "874"]]


def test_the_page_is_as_of_its_latest_period_a_cumulative_count_dated_by_its_text():
    r = report(["fuzhou_2023", "fuzhou_2025"])
    shared = compare.gather(r)
    compare.shared_rows(r, shared)
    # fuzhou_2023's latest dated figure on the page is of 2022; fuzhou_2025's cumulative 64 was published 2025-12-15
    assert r.data_as_of() == "2025-12"


def test_same_year_values_are_compared_per_resident_where_every_city_has_that_years_population(data_copy):
    from conftest import edit_csv_cell

    # In this copy the census rows of Wuxi (7,462,135) and Xiangyang (5,260,951) are dated 2021, so
    # each 2021 value has a population of its year. Per ten thousand residents, by hand:
    # Chengdu 7821 / 2119.2 = 3.6905; Wuxi 4608 / 746.2135 = 6.1752; Xiangyang 874 / 526.0951 = 1.6613,
    # so per resident the order is Wuxi, Chengdu, Xiangyang (points: no overlap).
    edit_csv_cell(data_copy / "cases" / "wuxi_2022" / "context.csv", "pop_wuxi_2020", "period", "2021")
    edit_csv_cell(data_copy / "cases" / "xiangyang_2022" / "context.csv", "pop_xiangyang_2020", "period", "2021")
    r = report(["chengdu", "wuxi_2022", "xiangyang_2022"])
    shared = compare.gather(r)
    assert compare_rank.findings(r, shared)[0] == (
        "In 2021, national high-tech enterprises from highest to lowest: Chengdu 7,821; Wuxi 4,608; Xiangyang 874. "
        "In 2021, national high-tech enterprises per ten thousand residents from highest to lowest: "
        "Wuxi 6.18; Chengdu 3.69; Xiangyang 1.66.")
    compare_rank.standing(r, shared)
    assert r.shown[-2] == ("Wuxi: national high-tech enterprises (2021) at 4,608, below Chengdu and above Xiangyang; "
                           "highest of 3 cities in national high-tech enterprises per ten thousand residents (2021), "
                           "at 6.18.")


def test_a_citys_own_term_with_quotes_in_it_nests_them():
    # chengdu's metric 入围“科创中国”系列榜单数 and fuzhou_2023's 入选“科创中国”榜单企业数 (their
    # figures.csv metric_zh) differ, so the caveat quotes both; their own “” become ‘’ inside the “”
    r = report(["chengdu", "fuzhou_2023"], "zh")
    compare.caveats(r, compare.gather(r))
    said = "".join(r.shown)
    assert "成都为“入围‘科创中国’系列榜单数”" in said and "为“入选‘科创中国’榜单企业数”" in said
    assert "“入围“" not in said


@pytest.mark.parametrize("lang, expected", [("zh", "每万常住人口3.69家"), ("en", "3.69 per ten thousand residents")])
def test_a_per_resident_cell_says_what_it_is_per(lang, expected):
    # a fresh user: the column holds amounts per resident and counts per ten thousand residents,
    # and its cell read a bare "3.69家" / "3.69". Chengdu's 7821 high-tech enterprises (2021) over
    # its 2021 resident population of 2119.2万: 7821 / 2119.2 = 3.6905 per ten thousand residents
    r = report(["chengdu", "wuxi_2022"], lang)
    values = [v for s in compare.gather(r) for v in s.values
              if v.case == "chengdu" and s.indicator == "hightech_enterprises" and v.period == "2021"]
    assert len(values) == 1 and values[0].per_resident is not None
    assert compare._per_resident_cell(r, values[0]) == expected


@pytest.mark.parametrize("lang, sentence", [
    ("zh", "表中没有金额指标，而只有金额才折算为占地区生产总值的比重，因此表中不列占地区生产总值比重。"),
    ("en", "No indicator in the table is an amount of money, and only amounts are set against GDP, so the table "
           "has no share-of-GDP column."),
])
def test_a_normalised_column_no_city_fills_is_said_in_one_sentence_not_shown_empty(lang, sentence):
    # a fresh user: the per-resident table had an entirely empty "占地区生产总值比重" column. Every
    # indicator two shipped cities share is a count or a percentage (high-tech enterprises, R&D
    # intensity, ...), and only an amount in CNY is set against GDP, so no row has a share of GDP;
    # the sentence says that reason (it said no city's data held a GDP of the period, which was false)
    from kczlib.data.cases import list_cases

    r = report(list_cases(), lang)
    before = len(r.shown)
    compare.normalised_table(r, compare.gather(r))
    said = [str(block) for block in r.shown[before:]]
    assert sentence in said
    assert not any("per-resident column" in b or "不列人均数值" in b for b in said)  # that column has values

