"""Derived numbers are functions of their distinct inputs, bounded jointly (vertex method).

Every expected bound is worked out by hand from the inputs' ranges in the comments.
"""

import math

import pytest

from kczlib.analysis import bounds, metrics, scenarios
from kczlib.analysis.ledger import Ledger, inputs_text
from kczlib.analysis.num import FigureRef, Num, assumption, figure_num
from kczlib.errors import NonMonotoneError


def fig(id_, lo, hi, unit="count"):
    return Num.leaf(FigureRef(id_), lo, hi, unit)


def n(id_):
    return figure_num(id_, "chengdu")


def test_x_over_x_is_exactly_one():
    x = fig("x", 2, 3)
    r = metrics.ratio(x, x, "multiplier")
    assert r.lower == r.upper == 1  # the old bounds were 2/3 .. 3/2
    assert [leaf.key for leaf in r.inputs()] == ["figure:x"]  # one input, used twice


def test_x_over_x_is_one_even_when_x_has_no_upper_bound():
    x = fig("x", 2, None)  # 超2
    r = metrics.ratio(x, x, "multiplier")
    assert r.lower == r.upper == 1


def test_a_plus_b_over_a_with_a_ranged():
    a, b = fig("a", 2, 3), fig("b", 5, 5)
    r = metrics.ratio(metrics.total([a, b]), a, "multiplier")
    # (a + b) / a = 1 + 5 / a falls as a rises: 1 + 5/3 = 8/3 at a = 3, 1 + 5/2 = 7/2 at a = 2
    assert math.isclose(r.lower, 8 / 3) and math.isclose(r.upper, 7 / 2)
    # operation by operation it would be (2 + 5) / 3 = 7/3 .. (3 + 5) / 2 = 4: too wide
    assert r.lower > 7 / 3 and r.upper < 4


def test_a_over_a_plus_b_with_a_ranged():
    a, b = fig("a", 2, 3), fig("b", 5, 5)
    r = metrics.share(a, metrics.total([a, b]))
    # a / (a + 5) rises with a: 2/7 at a = 2, 3/8 at a = 3
    assert math.isclose(r.lower, 2 / 7) and math.isclose(r.upper, 3 / 8)


def test_distinct_inputs_still_combine_from_opposite_ends():
    a, b = fig("a", 2, 3), fig("b", 4, 5)
    r = metrics.ratio(a, b, "multiplier")
    assert math.isclose(r.lower, 2 / 5) and math.isclose(r.upper, 3 / 4)
    d = metrics.difference(b, a)
    assert (d.lower, d.upper) == (1, 3)  # 4 - 3 .. 5 - 2


@pytest.mark.parametrize("loss, share, expected", [
    (0.01, 0.5, 200), (0.01, 0.8, 125), (0.02, 0.5, 100), (0.02, 0.8, 62.5), (0.05, 0.5, 40), (0.05, 0.8, 25),
])
def test_loans_per_yuan_of_expected_loss_is_exactly_one_over_loss_times_share(loss, share, expected):
    # a pool of 100亿 never binds: expected loss is at most 3e10 * 0.05 * 0.8 = 12亿
    pool = assumption("risk_pool_yi", 1e10, "CNY")
    row = scenarios.leverage_grid(n("kechuangdai_loans"), [pool], [assumption("loss_rate", loss, "ratio")],
                                [assumption("compensation_share", share, "ratio")]).iloc[0]
    r = row["loans_per_loss_yuan"]
    assert r.lower == r.upper == expected  # 1 / (loss x share), whatever the loans
    assert r.format("en") == f"{expected:g}×"
    assert row["pool_binding"] == "holds"


def test_a_pool_that_binds_caps_the_expected_loss():
    pool = assumption("risk_pool_yi", 5e8, "CNY")
    row = scenarios.leverage_grid(n("kechuangdai_loans"), [pool], [assumption("loss_rate", 0.05, "ratio")],
                                [assumption("compensation_share", 0.8, "ratio")]).iloc[0]
    # uncapped 2e10*0.05*0.8 = 8e8 .. 1.2e9, all above the 5e8 pool: the loss is the pool
    assert row["expected_fiscal_loss"].lower == row["expected_fiscal_loss"].upper == 5e8
    assert row["pool_binding"] == "binds"
    # loans / pool = 2e10 / 5e8 = 40 .. 3e10 / 5e8 = 60
    assert (row["loans_per_loss_yuan"].lower, row["loans_per_loss_yuan"].upper) == (40, 60)


def test_a_pool_that_binds_over_part_of_the_loan_range():
    pool = assumption("risk_pool_yi", 1e9, "CNY")
    row = scenarios.leverage_grid(n("kechuangdai_loans"), [pool], [assumption("loss_rate", 0.05, "ratio")],
                                [assumption("compensation_share", 0.8, "ratio")]).iloc[0]
    # uncapped 8e8 .. 1.2e9 against a 1e9 pool: capped 8e8 .. 1e9; loans / loss 25 (2e10 / 8e8) .. 30 (3e10 / 1e9)
    assert (row["expected_fiscal_loss"].lower, row["expected_fiscal_loss"].upper) == (8e8, 1e9)
    assert (row["loans_per_loss_yuan"].lower, row["loans_per_loss_yuan"].upper) == (25, 30)
    assert row["pool_binding"] == "partly"


def test_a_non_monotone_expression_raises_a_clear_error():
    q = fig("q", 0.2, 0.8, "ratio")
    # q (1 - q) is 0.16 at both ends and 0.25 at q = 0.5: the corners cannot bound it
    with pytest.raises(NonMonotoneError, match=r"q \* \(1 - q\).*not monotone"):
        bounds.derive(lambda v: v * (1 - v), [q], "ratio", "q * (1 - q)")


def test_a_lower_only_input_leaves_the_upper_bound_open():
    firms = n("star_market_kechuangdai_share")  # 超八成: > 80, no upper bound
    assert firms.upper is None
    doubled = metrics.scaled(firms, assumption("k", 2, "multiplier"))
    assert doubled.lower == 160 and doubled.upper is None


def test_an_upper_only_input_gives_at_most_not_a_false_zero():
    per_team = metrics.ratio(n("jiebang_team_financing"), n("jiebang_funded_teams"), "CNY")
    # 近1亿 over 3 teams: at most 1e8 / 3 = 33,333,333 yuan; no lower bound is known
    assert per_team.lower is None and math.isclose(per_team.upper, 1e8 / 3)
    assert per_team.format("en") == "at most CNY 33.3 m"


def test_within_three_years_gives_at_least_the_three_year_rate():
    g = metrics.annual_growth_for_multiple(n("fiscal_st_doubling"), n("fiscal_st_doubling_years"))
    # years in (0, 3]: the rate is 2 ** (1/3) - 1 at 3 years and grows without bound as years shrink
    assert math.isclose(g.lower, 2 ** (1 / 3) - 1) and g.upper is None


def test_the_ledger_keeps_inputs_formula_and_exact_value():
    loans = n("kechuangdai_loans")
    r = metrics.ratio(loans, metrics.scaled(loans, assumption("loss_rate", 0.01, "ratio")), "multiplier")
    ledger = Ledger("en")
    assert ledger.format(r, "test") == "100×"
    row = ledger.frame().iloc[0]
    assert row["exact"] == "100"
    assert row["derivation"] == "kechuangdai_loans / (kechuangdai_loans * parameter loss_rate)"
    assert row["inputs"] == "kechuangdai_loans = [20000000000, 30000000000]; loss_rate = 0.01"
    assert inputs_text(loans) == ""  # a stated figure is its own input


def test_metrics_still_re_exports_the_names_moved_to_bounds_and_scenarios():
    for name in ("derive", "joint_bounds", "NonMonotoneError"):
        assert getattr(metrics, name) is getattr(bounds, name)
    for name in ("capped_loss", "break_even_loss_rate", "pool_binding", "leverage_grid",
                 "POOL_BINDS", "POOL_BINDS_PARTLY", "POOL_HOLDS"):
        assert getattr(metrics, name) is getattr(scenarios, name)
