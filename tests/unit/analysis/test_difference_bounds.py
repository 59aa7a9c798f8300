"""A difference of a one-sided figure and an exact one is printed as the bound it has (review L22).

Hand-worked: 近4000家 - 3247家 is at most 4000 - 3247 = 753 firms (no lower bound is stated);
近60亿元 - 10亿元 is at most 50亿元; 超400亿元 - 300.92亿元 is at least 99.08亿元.
"""

from __future__ import annotations

import pytest

from kczlib.analysis import metrics
from kczlib.analysis.formatting import format_interval
from kczlib.analysis.num import ContextRef, Num, context_num


def _leaf(cid: str, lo: float | None, hi: float | None, unit: str) -> Num:
    return Num.leaf(ContextRef(cid), lo, hi, unit)


@pytest.mark.parametrize("a,b,expected", [
    ((None, 4000.0), (3247.0, 3247.0), (None, 753.0)),
    ((None, 6e9), (1e9, 1e9), (None, 5e9)),
    ((4e10, None), (3.0092e10, 3.0092e10), (9.908e9, None)),
    ((2800.0, 2900.0), (2700.0, 2800.0), (0.0, 200.0)),  # both bounded: joint bounds, 2800-2800 to 2900-2700
])
def test_a_difference_keeps_the_bounds_its_inputs_state(a, b, expected):
    d = metrics.difference(_leaf("a", *a, "count"), _leaf("b", *b, "count"))
    for got, want in zip((d.lower, d.upper), expected, strict=True):
        assert (got is None and want is None) or got == pytest.approx(want)


def test_firms_added_between_the_later_totals_print_as_at_most_753():
    d = metrics.difference(context_num("kechuangdai_firms_2024", "chengdu"),
                           context_num("kechuangdai_firms_2023", "chengdu"))
    assert d.lower is None and d.upper == pytest.approx(753.0)
    assert format_interval(d.lower, d.upper, "count", "zh", "家") == "至多753家"
    assert format_interval(d.lower, d.upper, "count", "en", "家") == "at most 753"


# --- C2: a 余 range prints with the mark where its width puts it -------------------------------


@pytest.mark.parametrize("value,lower,upper,zh,en", [
    (1e5, 1e5, 1.1e5, "10万余人", "just over 100,000"),        # 10万余: one 万 wide
    (3e5, 3e5, 4e5, "30余万人", "300,000-plus"),               # 30余万: ten 万 wide
    (2e6, 2e6, 2.01e6, "200万余人", "just over 2,000,000"),    # 200万余: one 万 wide
    (2700, 2700, 2800, "2700余人", "2,700-plus"),              # no scale word: after the digits
])
def test_a_yu_range_is_written_back_as_the_source_writes_it(value, lower, upper, zh, en):
    from kczlib.analysis.formatting import format_quantity
    from kczlib.data.quantities import parse_quantity

    assert format_quantity(value, "count", "余", lower, upper, "zh", "人") == zh
    assert format_quantity(value, "count", "余", lower, upper, "en", "人") == en
    q = parse_quantity(zh)  # and it reads back as the same range
    assert (q.lower, q.upper) == pytest.approx((lower, upper))
