"""Benchmarks beside the case figures; expected numbers worked out by hand beside each."""

from __future__ import annotations

import csv
import json

import pytest

from conftest import edit_csv_cell
from kczlib.context import ContextFigure
from kczlib.context_benchmarks import (
    fiscal_benchmarks,
    fiscal_beside_rd,
    fiscal_per_resident,
    fiscal_share_of_gdp,
    hightech_rows,
    hightech_series,
    kechuangdai_benchmarks,
    kechuangdai_loan_size,
    rd_intensity_series,
)
from kczlib.figures import Figure


def fig(id, value_base, qualifier="exact", lower=None, upper=None, base_unit="count", period="2021"):
    if qualifier == "exact":
        lower = upper = value_base
    return Figure(id, "capital", "", "", "", value_base, "", value_base, base_unit, qualifier,
                  lower, upper, period, "", 0, "")


def ctx(id, value, unit, confidence="medium", year="2021", derivation=""):
    url = "" if confidence == "derived" else "http://example.org/page"
    return ContextFigure(id, "", "成都", year, value, unit, confidence, derivation, url, "", "")


SPENDING = fig("fiscal_st_spending_2021", 9.94e9, base_unit="CNY")  # 99.4亿元
GDP = ctx("gdp_chengdu_2021", 19916.98, "亿元")
POP = ctx("pop_chengdu_2021", 2119.2, "万人")
RD = ctx("rd_chengdu_2021", 631.92, "亿元", "derived", derivation="733.26 - 101.34")


# --- fiscal ---------------------------------------------------------------------------


def test_fiscal_spending_is_half_a_percent_of_gdp():
    # 99.4亿 / 19916.98亿 = 0.0049907 (about 0.50% of GDP)
    share = fiscal_share_of_gdp(SPENDING, GDP)
    assert share["lower"] == share["upper"] == pytest.approx(0.0049907, rel=1e-4)
    assert share["confidence"] == {"gdp_chengdu_2021": "medium"}
    assert share["figure_ids"] == ["fiscal_st_spending_2021"]


def test_fiscal_share_of_an_interval_is_an_interval():
    # [90亿, 100亿] / 20000亿 = [0.0045, 0.005]
    spending = fig("s", None, "至", 9e9, 1e10, base_unit="CNY")
    share = fiscal_share_of_gdp(spending, ctx("g", 20000, "亿元"))
    assert (share["lower"], share["upper"]) == (pytest.approx(0.0045), pytest.approx(0.005))


def test_fiscal_spending_per_resident_is_about_469_yuan():
    # 9.94e9 yuan / (2119.2 * 10^4 people) = 9.94e9 / 21,192,000 = 469.04 yuan
    per = fiscal_per_resident(SPENDING, POP)
    assert per["lower"] == pytest.approx(469.04, abs=0.01)
    assert per["unit"] == "CNY" and per["year"] == 2021


def test_fiscal_spending_beside_derived_rd_carries_the_derivation():
    # 99.4亿 / 631.92亿 = 0.15730 (about 15.7%)
    beside = fiscal_beside_rd(SPENDING, RD)
    assert beside["lower"] == pytest.approx(0.15730, rel=1e-4)
    assert beside["same_year"] is True
    assert beside["confidence"] == {"rd_chengdu_2021": "derived"}
    assert beside["derivation"] == {"rd_chengdu_2021": "733.26 - 101.34"}


def test_fiscal_beside_rd_of_another_year_says_so():
    beside = fiscal_beside_rd(SPENDING, ctx("rd_chengdu_2022", 733.26, "亿元", year="2022"))
    assert (beside["year"], beside["same_year"]) == (2022, False)


def test_real_fiscal_benchmarks_use_the_case_year_rows():
    bench = fiscal_benchmarks("chengdu")
    assert bench["share_of_gdp"]["lower"] == pytest.approx(99.4 / 19916.98)
    assert bench["per_resident"]["lower"] == pytest.approx(9.94e9 / 21_192_000)
    assert bench["beside_rd"]["context_ids"] == ["rd_chengdu_2021"]


def test_missing_gdp_row_leaves_only_that_benchmark_empty(data_copy):
    meta_path = data_copy / "cases/chengdu/context.meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    del meta["roles"]["gdp_case_year"]
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    bench = fiscal_benchmarks("chengdu")
    assert bench["share_of_gdp"] is None
    assert bench["per_resident"] is not None


def test_changed_population_row_changes_spending_per_resident(data_copy):
    path = data_copy / "cases/chengdu/context.csv"
    row = next(r for r in csv.DictReader(path.open(encoding="utf-8")) if r["id"] == "pop_chengdu_2021")
    doubled = float(row["value"]) * 2
    edit_csv_cell(path, "pop_chengdu_2021", "value", repr(doubled))
    per = fiscal_benchmarks("chengdu")["per_resident"]
    assert per["lower"] == pytest.approx(9.94e9 / (doubled * 1e4))


# --- R&D intensity series ---------------------------------------------------------------


def test_rd_intensity_series_has_city_province_and_nation():
    series = rd_intensity_series("chengdu")
    got = {(r.geo_en, r.year): (r.value, r.confidence) for r in series.itertuples()}
    assert got == {
        ("Chengdu", 2021): (3.17, "derived"),
        ("Chengdu", 2022): (3.52, "medium"),
        ("China", 2021): (2.44, "medium"),
        ("Sichuan", 2020): (2.17, "high"),
        ("Sichuan", 2021): (2.26, "low"),
    }


def test_rd_intensity_series_keeps_derivation_and_source():
    series = rd_intensity_series("chengdu").set_index("context_id")
    assert series.loc["rd_intensity_chengdu_2021", "derivation"].startswith("3.52 - 0.35")
    assert series.loc["rd_intensity_china_2021", "source_url"].startswith("https://keji.rednet.cn/")


# --- 科创贷 --------------------------------------------------------------------------

FIRMS = fig("kechuangdai_firms", 2700, "余", 2700, 2800, period="cumulative")
LOANS = fig("kechuangdai_loans", 2e10, "多", 2e10, 3e10, base_unit="CNY", period="cumulative")
FIRMS_LATER = ctx("kechuangdai_firms_2023", 3247, "家", "low", "2023")
LOANS_LATER = ctx("kechuangdai_loans_2023", 300.92, "亿元", year="2023-11")
COUNT_LATER = ctx("kechuangdai_loan_count_2023", 9748, "笔", year="2023-11")


def test_loan_size_then_runs_from_low_loans_over_many_firms_to_high_over_few():
    # 2e10 / 2800 = 7,142,857 (714万) to 3e10 / 2700 = 11,111,111 (1111万) yuan per firm
    then = kechuangdai_loan_size(FIRMS, LOANS, None, None, None)["then_per_firm"]
    assert (then["lower"], then["upper"]) == (pytest.approx(7_142_857.14), pytest.approx(11_111_111.11))


def test_loan_size_later_per_firm_and_per_loan():
    size = kechuangdai_loan_size(FIRMS, LOANS, FIRMS_LATER, LOANS_LATER, COUNT_LATER)
    # 3.0092e10 / 3247 = 9,267,632 (927万) per firm; 3.0092e10 / 9748 = 3,086,992 (309万) per loan
    assert size["later_per_firm"]["lower"] == pytest.approx(9_267_632, abs=1)
    assert size["later_per_loan"]["lower"] == pytest.approx(3_086_992, abs=1)
    assert size["later_per_firm"]["confidence"] == {"kechuangdai_loans_2023": "medium", "kechuangdai_firms_2023": "low"}


def test_loan_size_later_is_none_without_the_later_totals():
    size = kechuangdai_loan_size(FIRMS, LOANS, None, LOANS_LATER, None)
    assert size["later_per_firm"] is None and size["later_per_loan"] is None


def test_real_kechuangdai_benchmarks_show_growth_and_size():
    bench = kechuangdai_benchmarks("chengdu")
    assert bench["growth"]["firms"]["lower"] == pytest.approx(3247 / 2800)
    assert bench["growth"]["loans"]["upper"] == pytest.approx(300.92e8 / 2e10)
    assert bench["loan_size"]["later_per_loan"]["lower"] == pytest.approx(300.92e8 / 9748)


# --- high-tech series ---------------------------------------------------------------


def test_hightech_rows_add_case_total_and_implied_prior_year():
    external = [ctx("hte_chengdu_2020", 6120, "家", "low", "2020"), ctx("hte_chengdu_2022", 9856, "家", "medium", "2022")]
    rows = hightech_rows(external, fig("hightech_total_2021", 7821), fig("hightech_net_new_2021", 1701))
    got = [(r.year, r.value, r.kind, r.confidence) for r in rows.itertuples()]
    # implied 2020: 7821 - 1701 = 6120
    assert got == [
        (2020, 6120, "case_implied", "derived"),
        (2020, 6120, "external", "low"),
        (2021, 7821, "case", "case"),
        (2022, 9856, "external", "medium"),
    ]
    assert rows.loc[rows["kind"] == "case_implied", "derivation"].item() == "7821 - 1701"


def test_real_hightech_series_has_external_and_case_rows():
    series = hightech_series("chengdu")
    assert sorted(series["kind"]) == ["case", "case_implied", "external", "external"]
