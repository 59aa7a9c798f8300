"""One indicator reads in one unit across cities; counts of different quantities stay apart.

Worked by hand from the shipped rows:
- national_societies_partnering (data/indicators.csv measure 个): chengdu
  `national_societies_partnering` 引导20个全国学会 (20个, cumulative); fuzhou_2023
  `national_societies_agreements` 4家 (cumulative); jinan_2020 `national_societies_agreements`
  12家 (2020). 家 and 个 count one quantity (bodies), so all print with 个: 20个, 4个, 12个.
- kczg_list_entries (measure 个): chengdu “科创中国”系列榜单27个 (27个); fuzhou_2023 `kczg_list_firms`
  5家 -> 5个.
- hightech_enterprises declares no measure: each case's own 家 (chengdu 7821家, 2021).
- matchmaking_events (no measure declared): chengdu `kejinghui_events` 20余场, fuzhou_2023
  `national_society_matchmaking_events` 近20场; with that row's unit changed to 批 (batches, not
  events), the two count different quantities and are said apart, each with its word.
"""

from __future__ import annotations

import json

import pytest

from kczlib.analysis.ledger import Ledger
from kczlib.analysis.num import _measure
from kczlib.data.figures import figure
from kczlib.data.indicator_values import load_indicator_values
from kczlib.data.indicators import indicators
from kczlib.paths import PACKAGE_ROOT
from kczlib.report.compare_report import CompareReport
from kczlib.report.sections import compare
from kczlib.units import COUNT_MEASURES, same_measure

from conftest import edit_csv_cell
from support.comparison import apart_sentence


def report(cases: list[str], lang: str = "zh") -> CompareReport:
    r = CompareReport("05_compare_cases", lang=lang, cases=cases)
    r.ledger = Ledger(lang)
    r.new_page()
    return r


def values_of(r: CompareReport, indicator: str) -> list[tuple[str, str]]:
    rows = compare.shared_rows(r, [s for s in compare.gather(r) if s.indicator == indicator])
    return list(zip(rows["城市"], rows["数值"], strict=True))


def test_one_indicator_prints_one_measure_word_for_every_city():
    r = report(["chengdu", "fuzhou_2023", "jinan_2020"])
    assert values_of(r, "national_societies_partnering") == [("济南", "12个"), ("成都", "20个"), ("福州", "4个")]
    assert values_of(r, "kczg_list_entries") == [("成都", "27个"), ("福州", "5个")]
    # the charts draw the same words (ledgered texts of the same Nums)
    (s,) = [s for s in compare.gather(r) if s.indicator == "kczg_list_entries"]
    assert [r.ledger.format(n, "chart:test") for _, n in compare.chart_items(r, s)] == ["27个", "5个"]


def test_an_indicator_without_a_declared_measure_keeps_each_figures_word():
    r = report(["chengdu", "wuxi_2022"])
    assert values_of(r, "hightech_enterprises") == [("成都", "7821家"), ("无锡", "4608家")]


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", ["成都20余场（累计，起点未说明，以“场”计）", "福州近20批（累计，起点未说明，以“批”计）",
            "各城市计数的单位不同，不是同一种量"]),
    ("en", ["Chengdu 20-plus (cumulative, start not stated, counted in “场”)",
            "Fuzhou nearly 20 (cumulative, start not stated, counted in “批”)",
            "the cities count in different units, which are not one quantity"]),
])
def test_counts_of_different_quantities_are_not_one_row(data_copy, lang, words):
    edit_csv_cell(data_copy / "cases" / "fuzhou_2023" / "figures.csv", "national_society_matchmaking_events",
                  "unit", "批")
    said = apart_sentence(report(["chengdu", "fuzhou_2023"], lang), "matchmaking_events")
    for w in words:
        assert w in said, (w, said)


def test_same_measure_joins_words_of_one_quantity_only():
    assert same_measure("家", "个") and same_measure("名", "人") and same_measure("场", "场次")
    assert not same_measure("人", "人次") and not same_measure("个", "批") and not same_measure("家", "人")


def test_every_indicator_two_cases_write_with_different_words_declares_its_measure():
    # the shipped data: an indicator whose cases write two words must say which one a comparison prints
    words: dict[str, set[str]] = {}
    values = load_indicator_values(None)
    for case, figure_id, indicator in zip(values["case"], values["figure_id"], values["indicator"], strict=True):
        f = figure(figure_id, case)
        if f.base_unit == "count":
            words.setdefault(indicator, set()).add(_measure(f.unit, f.base_unit))
    vocabulary = indicators()
    for indicator, written in words.items():
        if len(written) > 1:
            declared = vocabulary[indicator].measure
            assert declared and all(same_measure(declared, w) for w in written), (indicator, written)


def test_the_measure_column_admits_the_parsers_measure_words():
    schema = json.loads((PACKAGE_ROOT / "data" / "schema" / "indicators.schema.json").read_text(encoding="utf-8"))
    field = next(f for f in schema["fields"] if f["name"] == "measure")
    assert field["constraints"]["enum"] == list(COUNT_MEASURES)
