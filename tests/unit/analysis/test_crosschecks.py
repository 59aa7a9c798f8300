"""Cross-checks between case figures and context rows.

Unit tests build Figures and ContextFigures by hand with the values of figures.csv and
context.csv; every expected number is worked out in the comment or expression beside it.
"""

from __future__ import annotations

import csv
import math

import pytest

from kczlib.analysis.crosschecks import (
    OUTCOMES,
    check_hightech_stock,
    check_kechuangdai_growth,
    check_rd_intensity,
    check_star_listings,
    figure_bounds,
    run_crosschecks,
)
from kczlib.data.context import ContextFigure
from kczlib.data.figures import Figure

from conftest import edit_csv_cell


def fig(id, value_base, qualifier="exact", lower=None, upper=None, base_unit="count", period="2021"):
    if qualifier == "exact":
        lower = upper = value_base
    return Figure(id, "overview", "", "", "", value_base, "", value_base, base_unit, qualifier,
                  lower, upper, period, "", 0, "")


def ctx(id, value, unit="家", confidence="medium", year="2020", derivation=""):
    url = "" if confidence == "derived" else "http://example.org/page"
    return ContextFigure(id, "", "成都", year, value, unit, confidence, derivation, url, "", "",
                         publisher=f"{id}的发布机构")


TOTAL = fig("hightech_total_2021", 7821)
NET_NEW = fig("hightech_net_new_2021", 1701)
RD_CLAIM = fig("rd_intensity_2021", 3, "以上", lower=3, upper=None, base_unit="percent")
KCD_FIRMS = fig("kechuangdai_firms", 2700, "余", 2700, 2800, period="cumulative")
KCD_LOANS = fig("kechuangdai_loans", 2e10, "多", 2e10, 3e10, base_unit="CNY", period="cumulative")
STAR = fig("star_market_listed", 14, period="cumulative")


# --- bounds ---------------------------------------------------------------------------


def test_exact_figure_is_a_point_interval():
    assert figure_bounds(TOTAL) == (7821, 7821)


def test_open_ended_claim_has_an_infinite_upper_bound():
    assert figure_bounds(RD_CLAIM) == (3, math.inf)


# --- (a) high-tech stock --------------------------------------------------------------


def test_hightech_implied_2020_stock_matches_external_count():
    # 7821 - 1701 = 6120, the external 2020 count is 6120: gap 0
    check = check_hightech_stock(TOTAL, NET_NEW, ctx("hte_chengdu_2020", 6120, confidence="low"))
    assert check.outcome == "agree"
    assert (check.numbers["implied_lower"], check.numbers["implied_upper"]) == (6120, 6120)
    assert check.numbers["gap"] == 0
    assert check.context_side.confidence == {"hte_chengdu_2020": "low"}
    assert check.case_side.figure_ids == ("hightech_total_2021", "hightech_net_new_2021")


def test_hightech_gap_within_two_percent_still_agrees():
    # 6200 - 6120 = 80; 80 / 6200 = 1.29% <= 2%
    check = check_hightech_stock(TOTAL, NET_NEW, ctx("x", 6200))
    assert check.outcome == "agree"
    assert check.numbers["relative_gap"] == pytest.approx(80 / 6200)


def test_hightech_gap_beyond_two_percent_disagrees():
    # 6300 - 6120 = 180; 180 / 6300 = 2.86% > 2%
    check = check_hightech_stock(TOTAL, NET_NEW, ctx("x", 6300))
    assert check.outcome == "disagree"
    assert check.numbers["gap"] == 180


def test_hightech_external_below_implied_gives_negative_gap():
    # 6000 - 6120 = -120; -120 / 6000 = -2% exactly: on the tolerance, still agree
    check = check_hightech_stock(TOTAL, NET_NEW, ctx("x", 6000))
    assert check.numbers["gap"] == -120
    assert check.outcome == "agree"


def test_hightech_explanation_prints_the_numbers_it_was_given():
    check = check_hightech_stock(TOTAL, NET_NEW, ctx("x", 6300, confidence="low"))
    assert "6300家" in check.explanation_zh and "6120家" in check.explanation_zh
    assert "6,300" in check.explanation_en and "low confidence" in check.explanation_en
    assert "disagree" in check.explanation_en


# --- (b) R&D intensity ----------------------------------------------------------------

RD_2021 = ctx("rd_intensity_chengdu_2021", 3.17, "%", "derived", "2021", "3.52 - 0.35: stated change")


def test_rd_intensity_derived_external_value_within_claim_agrees():
    # claim [3, inf); external 3.17 (= 3.52 - 0.35); margin 3.17 - 3 = 0.17
    check = check_rd_intensity(RD_CLAIM, RD_2021)
    assert check.outcome == "agree"
    assert check.numbers["margin_over_lower"] == pytest.approx(0.17)
    assert check.context_side.derivation == {"rd_intensity_chengdu_2021": "3.52 - 0.35: stated change"}


def test_rd_intensity_explanation_says_how_the_external_value_was_derived():
    check = check_rd_intensity(RD_CLAIM, RD_2021)
    assert "3.52 - 0.35" in check.explanation_zh and "derived as 3.52 - 0.35" in check.explanation_en
    assert "3%以上" in check.explanation_zh and "at least 3%" in check.explanation_en


def test_rd_intensity_below_claim_disagrees():
    check = check_rd_intensity(RD_CLAIM, ctx("x", 2.9, "%", year="2021"))
    assert check.outcome == "disagree"


def test_rd_intensity_second_route_divides_rd_by_gdp():
    # 631.92亿 / 19916.98亿 = 0.031728 -> 3.1728%
    rd = ctx("rd_chengdu_2021", 631.92, "亿元", "derived", "2021", "733.26 - 101.34")
    gdp = ctx("gdp_chengdu_2021", 19916.98, "亿元", "medium", "2021")
    check = check_rd_intensity(RD_CLAIM, RD_2021, rd, gdp)
    assert check.numbers["from_rd_over_gdp"] == pytest.approx(3.1728, abs=1e-4)
    assert check.context_side.context_ids == ("rd_intensity_chengdu_2021", "rd_chengdu_2021", "gdp_chengdu_2021")
    assert "3.17%" in check.explanation_en


# --- (c) 科创贷 growth ----------------------------------------------------------------

FIRMS_2023 = ctx("kechuangdai_firms_2023", 3247, confidence="low", year="2023-09")
LOANS_2023 = ctx("kechuangdai_loans_2023", 300.92, "亿元", year="2023-09")


def test_kechuangdai_growth_is_an_interval_from_the_case_bounds():
    check = check_kechuangdai_growth(KCD_FIRMS, KCD_LOANS, FIRMS_2023, LOANS_2023)
    n = check.numbers
    assert check.outcome == "agree"
    # firms: 3247 / 2800 = 1.1596, 3247 / 2700 = 1.2026
    assert (n["firms_growth_lower"], n["firms_growth_upper"]) == (pytest.approx(1.1596, abs=1e-4),
                                                                  pytest.approx(1.2026, abs=1e-4))
    # loans: 300.92亿 = 3.0092e10; 3.0092e10 / 3e10 = 1.00307, 3.0092e10 / 2e10 = 1.5046
    assert (n["loans_growth_lower"], n["loans_growth_upper"]) == (pytest.approx(1.00307, abs=1e-5),
                                                                  pytest.approx(1.5046))
    # added firms: 3247 - 2800 = 447 to 3247 - 2700 = 547
    assert (n["firms_added_lower"], n["firms_added_upper"]) == (447, 547)
    # added lending: 3.0092e10 - 3e10 = 9.2e7 to 3.0092e10 - 2e10 = 1.0092e10
    assert (n["loans_added_lower"], n["loans_added_upper"]) == (pytest.approx(9.2e7), pytest.approx(1.0092e10))


def test_kechuangdai_later_total_below_case_lower_bound_disagrees():
    # a cumulative total cannot fall from at least 2700 to 2600
    check = check_kechuangdai_growth(KCD_FIRMS, KCD_LOANS, ctx("x", 2600, year="2023"), LOANS_2023)
    assert check.outcome == "disagree"
    assert "firms" in check.explanation_en


def test_kechuangdai_explanation_labels_each_external_confidence():
    check = check_kechuangdai_growth(KCD_FIRMS, KCD_LOANS, FIRMS_2023, LOANS_2023)
    # each external (300.92亿元 = CNY 30.1 bn at 3 significant digits, L5)
    # each external number with its publisher, then its confidence
    assert "3247家（kechuangdai_firms_2023的发布机构，低可信度" in check.explanation_zh
    assert "300.92亿元（kechuangdai_loans_2023的发布机构，中等可信度）" in check.explanation_zh
    assert "CNY 30.1 bn in Sep 2023 (kechuangdai_loans_2023的发布机构, medium confidence)" in check.explanation_en


# --- (d) STAR Market ------------------------------------------------------------------


def test_star_listings_later_count_above_case_agrees():
    # 17 - 14 = 3 more
    check = check_star_listings(STAR, ctx("star_listed_chengdu_2023", 17, confidence="low", year="2023-09"))
    assert check.outcome == "agree"
    assert (check.numbers["added_lower"], check.numbers["added_upper"]) == (3, 3)


def test_star_listings_later_count_below_case_disagrees():
    assert check_star_listings(STAR, ctx("x", 12, year="2023-09")).outcome == "disagree"


# --- missing inputs -------------------------------------------------------------------


@pytest.mark.parametrize(
    "check, missing",
    [
        (lambda: check_hightech_stock(TOTAL, None, ctx("x", 6120)), "hightech_enterprises_net_new"),
        (lambda: check_rd_intensity(RD_CLAIM, None), "rd_intensity_case_year"),
        (lambda: check_kechuangdai_growth(KCD_FIRMS, KCD_LOANS, None, LOANS_2023), "kechuangdai_firms_latest"),
        (lambda: check_star_listings(None, ctx("x", 17)), "star_listed_firms"),
    ],
)
def test_missing_input_gives_cannot_tell_naming_it(check, missing):
    result = check()
    assert result.outcome == "cannot_tell"
    assert missing in result.explanation_en and missing in result.explanation_zh
    assert result.case_side is None and result.context_side is None


def test_check_wording_comes_from_the_word_file_in_both_languages():
    # titles and explanations are keys of kczlib/words/checks.toml, not text in code
    from kczlib.words import word
    result = check_star_listings(None, ctx("x", 17))
    assert result.title("zh") == word("checks", "star_listings.title", "zh")
    assert result.title("en") == word("checks", "star_listings.title", "en")
    assert result.explanation_en.startswith(word("checks", "cannot_tell", "en").split("{")[0])
    assert result.explanation_zh.startswith(word("checks", "cannot_tell", "zh").split("{")[0])


# --- on the real data -----------------------------------------------------------------


def test_real_case_crosschecks_all_agree_with_the_numbers_worked_out_by_hand():
    checks = {c.id: c for c in run_crosschecks("chengdu")}
    assert list(checks) == ["hightech_stock_2020", "rd_intensity_2021", "kechuangdai_growth", "star_market_listings"]
    assert {c.outcome for c in checks.values()} == {"agree"}
    assert checks["hightech_stock_2020"].numbers["implied_lower"] == 7821 - 1701
    assert checks["rd_intensity_2021"].numbers["external"] == pytest.approx(3.52 - 0.35)
    assert checks["kechuangdai_growth"].numbers["loans_growth_upper"] == pytest.approx(300.92e8 / 2e10)
    assert checks["star_market_listings"].numbers["later"] == 17


def test_every_outcome_is_one_of_the_three():
    assert {c.outcome for c in run_crosschecks("chengdu")} <= set(OUTCOMES)


def test_changed_context_row_changes_the_check(data_copy):
    path = data_copy / "cases/chengdu/context.csv"
    row = next(r for r in csv.DictReader(path.open(encoding="utf-8")) if r["id"] == "hte_chengdu_2020")
    changed = float(row["value"]) * 1.5  # far outside the 2% tolerance
    edit_csv_cell(path, "hte_chengdu_2020", "value", repr(changed))
    edit_csv_cell(path, "hte_chengdu_2020", "excerpt", f"高新技术企业{changed:g}家")  # a row states its value
    check = next(c for c in run_crosschecks("chengdu") if c.id == "hightech_stock_2020")
    assert check.numbers["external"] == changed
    assert check.outcome == "disagree"


def test_without_figures_table_every_check_cannot_tell(data_copy):
    (data_copy / "cases/chengdu/figures.csv").unlink()
    checks = run_crosschecks("chengdu")
    assert [c.outcome for c in checks] == ["cannot_tell"] * 4
    assert "indicator hightech_enterprises" in checks[0].explanation_en  # the missing input, by its shared indicator


def test_without_context_table_every_check_cannot_tell(data_copy):
    (data_copy / "cases/chengdu/context.csv").unlink()
    assert [c.outcome for c in run_crosschecks("chengdu")] == ["cannot_tell"] * 4
