"""Numbers ledger, narrative templates and derived metrics, with hand-worked values."""

import math

import pytest

from kczlib.analysis import metrics, scenarios
from kczlib.analysis.ledger import Ledger
from kczlib.analysis.num import Num, Parameter, figure_num
from kczlib.data.prose_numbers import literal_numbers
from kczlib.report.narrative import TemplateError, render, templates


def test_a_number_typed_into_a_template_is_rejected():
    assert literal_numbers("累计帮助2700余家企业{x}") == ["2700", "2700余家"]
    assert literal_numbers("超八成企业{x}") == ["超八成"]
    assert literal_numbers("{firms} firms helped") == []


def test_all_template_sets_are_number_free_and_match_across_languages():
    assert set(templates("zh")) == set(templates("en"))


def test_render_refuses_digits_passed_as_plain_text():
    with pytest.raises(TemplateError, match="carries digits"):
        render("finance.star", "en", Ledger("en"), share="80%")


def test_data_text_is_escaped_in_narratives():
    out = render("overview.title", "en", Ledger("en"), city="<script>alert('x')</script>", programme="pilot city")
    assert "<script>" not in out and "&lt;script&gt;" in out


def n(id_):
    return figure_num(id_, "chengdu")


def test_cumulative_borrowing_per_firm_is_bounded_by_both_ranges():
    avg = metrics.ratio(n("kechuangdai_loans"), n("kechuangdai_firms"), "CNY")
    # 200多亿 in (2e10, 3e10), 2700余 in (2700, 2800): 2e10/2800 .. 3e10/2700
    assert math.isclose(avg.lower, 2e10 / 2800) and math.isclose(avg.upper, 3e10 / 2700)
    assert avg.derivation == "kechuangdai_loans / kechuangdai_firms"
    # 7,142,857 = 714.29万 -> 714万 / 7.14 m; 11,111,111 = 1111.1万 -> 1111万 / 11.1 m (half up, not outwards)
    assert avg.format("en") == "CNY 7.14 m to CNY 11.1 m" and avg.format("zh") == "714万元至1111万元"


def test_doubling_within_three_years_needs_at_least_26_percent_a_year():
    g = metrics.annual_growth_for_multiple(n("fiscal_st_doubling"), n("fiscal_st_doubling_years"))
    assert math.isclose(g.lower, 2 ** (1 / 3) - 1) and g.upper is None  # 3年内: at most 3 years
    # 2 ** (1/3) = 1.259921...: 25.9921% prints 26.0%, the conventional rounding (not 25.9%)
    assert g.format("en") == "at least 26.0%" and g.format("zh") == "至少26.0%"


def test_combo_loans_share_of_kechuangdai_is_a_range():
    s = metrics.share(n("combo_loans_total"), n("kechuangdai_loans"))
    assert math.isclose(s.lower, 20.85e8 / 3e10) and math.isclose(s.upper, 20.85e8 / 2e10)


def test_implied_prior_year_hightech_stock_is_total_minus_net_new():
    prior = metrics.difference(n("hightech_total_2021"), n("hightech_net_new_2021"))
    assert prior.lower == prior.upper == 7821 - 1701
    growth = metrics.growth(n("hightech_total_2021"), prior)
    assert math.isclose(growth.lower, 7821 / 6120)


def test_angel_fund_listing_rate_and_conversion_of_international_projects():
    assert metrics.share(n("angel_neeq_listed"), n("angel_funded_firms")).lower == 2 / 16
    intl = metrics.share(n("haizhi_projects_matched"), n("intl_projects_collected"))  # 5 of 200余 (200..300)
    assert math.isclose(intl.lower, 5 / 300) and math.isclose(intl.upper, 5 / 200)


def test_grant_band_gives_a_project_count_range():
    k = metrics.how_many_fit(n("fiscal_st_spending_2021"), n("fiscal_grant_range"))
    assert math.isclose(k.lower, 9.94e9 / 2e7) and math.isclose(k.upper, 9.94e9 / 1e6)


def test_leverage_grid_is_loans_over_pool_and_over_expected_loss():
    pool = Num.leaf(Parameter("risk_pool_yi"), 1e9, 1e9, "CNY")
    loss = Num.leaf(Parameter("loss_rate"), 0.02, 0.02, "ratio")
    comp = Num.leaf(Parameter("compensation_share"), 0.5, 0.5, "ratio")
    row = scenarios.leverage_grid(n("kechuangdai_loans"), [pool], [loss], [comp]).iloc[0]
    assert (row["loans_per_pool_yuan"].lower, row["loans_per_pool_yuan"].upper) == (20.0, 30.0)
    # expected loss 2e10*0.02*0.5 = 2e8 .. 3e10*0.02*0.5 = 3e8, below the 1e9 pool: loans cancel,
    # 1 / (0.02 * 0.5) = 100 exactly (the old operation-by-operation bounds gave 66.7 to 150)
    assert row["loans_per_loss_yuan"].lower == row["loans_per_loss_yuan"].upper == 100
    assert math.isclose(row["expected_fiscal_loss"].upper, 3e10 * 0.02 * 0.5)
    # break-even loss rate: 1e9 / (3e10 * 0.5) = 6.67% .. 1e9 / (2e10 * 0.5) = 10%
    assert (math.isclose(row["break_even_loss_rate"].lower, 1 / 15)
            and math.isclose(row["break_even_loss_rate"].upper, 0.1))
    assert row["pool_binding"] == "holds"


def test_qualified_figure_keeps_its_qualifier_in_both_languages():
    assert n("kechuangdai_firms").format("zh") == "2700余家"
    assert n("kechuangdai_firms").format("en") == "2,700-plus"
    assert n("rd_intensity_2021").format("zh") == "3%以上"
