"""What the comparison ranks: one period, one kind of count, one range wholly above the others."""

from __future__ import annotations

from kczlib.analysis.compare import CaseValue
from kczlib.analysis.num import Num
from kczlib.report.sections.compare import Shared
from kczlib.report.sections.compare_rank import ordered, same_period


def value(case: str, lower, upper, period: str = "2023", tally: str = "stock") -> CaseValue:
    return CaseValue(case, "hightech_enterprises", period, tally, Num(lower, upper, "count"))


def test_a_range_is_above_another_only_when_it_lies_wholly_above_it():
    def order(*values: CaseValue) -> list[str] | None:
        found = ordered([v.num for v in values])
        return None if found is None else [values[i].case for i in found]

    assert order(value("a", 420, 430), value("b", 380, 380)) == ["a", "b"]
    assert order(value("a", 420, 430), value("b", 425, 425)) is None  # overlapping: no order
    assert order(value("a", 420, None), value("b", 380, 380)) == ["a", "b"]  # at least 420 > 380
    assert order(value("a", 420, 430), value("b", 380, None)) is None  # b may be any size
    assert order(value("a", None, 430), value("b", 380, 380)) is None  # at most 430: no lower bound


def test_values_of_different_years_or_cumulative_counts_are_in_no_group():
    assert [p for p, _ in same_period(Shared("x", [value("a", 1, 1), value("b", 2, 2)]))] == ["2023"]
    assert same_period(Shared("x", [value("a", 1, 1, "2021"), value("b", 2, 2, "2023")])) == []
    cumulative = Shared("x", [value("a", 1, 1, "cumulative", "cumulative"),
                              value("b", 2, 2, "cumulative", "cumulative")])
    assert same_period(cumulative) == []  # undated starts: never ranked


def test_each_case_is_listed_at_its_latest_dated_period():
    s = Shared("x", [value("a", 1, 1, "2021"), value("a", 2, 2, "2023"), value("b", 3, 3, "2023")])
    assert [(v.case, v.period) for v in s.latest()] == [("a", "2023"), ("b", "2023")]
