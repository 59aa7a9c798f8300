"""End-point targets (kczlib.analysis.targets): only the end point binds; the rate is a compound average.

Expected values are worked out by hand:
- 翻一番 within 3 years: 2 ** (1/3) = 1.259921, so at least 25.99% a year (26.0% printed);
  on 99.4亿 in 2021 the end point is 2 x 99.4 = 198.8亿 by 2024.
- 增长2倍 (to 3 times) in 5 years: 3 ** (1/5) = e ** (1.098612 / 5) = 1.245731, 24.57% a year.
- 达到100 by 2025 from 50 in 2020: 2 ** (1/5) = 1.148698, 14.87% a year.
"""

from __future__ import annotations

import pytest

from kczlib.analysis.formatting import format_share_interval
from kczlib.analysis.num import Num, Parameter
from kczlib.analysis.targets import MET, MISSED, UNDETERMINED, EndPointTarget


def leaf(name: str, lower: float | None, upper: float | None, unit: str) -> Num:
    return Num.leaf(Parameter(name), lower, upper, unit)


def doubling() -> EndPointTarget:
    return EndPointTarget(base=leaf("spending", 99.4e8, 99.4e8, "CNY"), base_year=2021,
                          years=leaf("years", None, 3, "years"), multiple=leaf("multiple", 2, 2, "multiplier"))


def test_doubling_within_three_years_binds_2024_at_twice_the_base_and_needs_a_compound_average():
    target = doubling()
    assert target.end_year == 2024
    end = target.end_value()
    assert end.lower == end.upper == pytest.approx(198.8e8)
    rate = target.required_rate()
    assert rate.lower == pytest.approx(0.259921, abs=1e-6) and rate.upper is None  # "within": at least
    assert format_share_interval(rate.lower, rate.upper, "zh") == "至少26.0%"
    assert format_share_interval(rate.lower, rate.upper, "en") == "at least 26.0%"


def test_a_second_target_kind_grow_by_twice_in_five_years():
    target = EndPointTarget(base=leaf("base", 40, 40, "count"), base_year=2020, years=leaf("years", 5, 5, "years"),
                            multiple=leaf("multiple", 3, 3, "multiplier"))  # 增长2倍: to three times
    assert target.end_year == 2025
    assert target.end_value().lower == pytest.approx(120)
    rate = target.required_rate()
    assert rate.lower == rate.upper == pytest.approx(0.245731, abs=1e-6)


def test_a_level_by_a_year_needs_the_rate_from_the_base_to_the_level():
    target = EndPointTarget(base=leaf("base", 50, 50, "CNY"), base_year=2020, years=leaf("years", 5, 5, "years"),
                            level=leaf("level", 100, 100, "CNY"))
    assert target.required_rate().lower == pytest.approx(0.148698, abs=1e-6)
    assert target.end_value().lower == 100


def test_only_the_end_year_is_checked_intermediate_years_give_the_rate_still_needed():
    target = doubling()
    # flat in 2022 and 2023 (99.4亿) is not "off track": it needs 198.8/99.4 = 2x in the one year left
    rows = target.path_to_date({2022: leaf("a22", 99.4e8, 99.4e8, "CNY"), 2023: leaf("a23", 99.4e8, 99.4e8, "CNY"),
                                2024: leaf("a24", 200e8, 200e8, "CNY"), 2030: leaf("late", 1, 1, "CNY")})
    assert [r["year"] for r in rows] == [2022, 2023, 2024]
    assert "status" not in rows[0] and "status" not in rows[1]
    # from 2022: (198.8 / 99.4) ** (1/2) - 1 = 41.42%; from 2023: 2 - 1 = 100%
    assert rows[0]["still_needed"].lower == pytest.approx(0.414214, abs=1e-6)
    assert rows[1]["still_needed"].lower == pytest.approx(1.0)
    assert rows[2]["status"] == MET  # 200 >= 198.8
    assert target.status(leaf("low", 150e8, 150e8, "CNY")) == MISSED
    assert target.status(leaf("range", 190e8, 210e8, "CNY")) == UNDETERMINED


def test_the_constant_rate_path_is_plain_floats_from_the_base_to_the_end_point():
    path = doubling().constant_rate_path()
    assert [y for y, _ in path] == [2021, 2022, 2023, 2024]
    assert path[0][1] == pytest.approx(99.4e8) and path[-1][1] == pytest.approx(198.8e8)
    # 99.4 x 1.259921 = 125.24亿: drawn, but a float, never a Num a report could print as "at least"
    assert path[1][1] == pytest.approx(125.236e8, rel=1e-4)
    assert not any(isinstance(v, Num) for _, v in path)


@pytest.mark.parametrize("kw", [{}, {"multiple": leaf("m", 2, 2, "multiplier"), "level": leaf("l", 1, 1, "CNY")}])
def test_a_target_needs_exactly_one_of_multiple_and_level(kw):
    with pytest.raises(ValueError, match="exactly one"):
        EndPointTarget(base=leaf("b", 1, 1, "CNY"), base_year=2020, years=leaf("y", 3, 3, "years"), **kw)


def test_a_target_needs_an_end_year():
    with pytest.raises(ValueError, match="upper bound"):
        EndPointTarget(base=leaf("b", 1, 1, "CNY"), base_year=2020, years=leaf("y", 3, None, "years"),
                       multiple=leaf("m", 2, 2, "multiplier"))
