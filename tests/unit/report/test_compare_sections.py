"""What the comparison ranks: one period, one kind of count, one range wholly above the others."""

from __future__ import annotations

from kczlib.analysis.compare import CaseValue
from kczlib.analysis.num import Num
from kczlib.report.sections.compare import Shared, leader


def value(case: str, lower, upper, period: str = "2023", tally: str = "stock") -> CaseValue:
    return CaseValue(case, "hightech_enterprises", period, tally, Num(lower, upper, "count"))


def test_a_range_leads_only_when_it_lies_wholly_above_every_other():
    assert leader([value("a", 420, 430), value("b", 380, 380)]).case == "a"
    assert leader([value("a", 420, 430), value("b", 425, 425)]) is None  # overlapping: no order
    assert leader([value("a", 420, None), value("b", 380, 380)]).case == "a"  # at least 420 > 380
    assert leader([value("a", 420, 430), value("b", 380, None)]) is None  # b may be any size
    assert leader([value("a", None, 430), value("b", 380, 380)]) is None  # at most 430: no lower bound


def test_values_of_different_years_or_kinds_are_not_on_one_basis():
    assert Shared("x", [value("a", 1, 1), value("b", 2, 2)]).same_basis()
    assert not Shared("x", [value("a", 1, 1, "2021"), value("b", 2, 2, "2023")]).same_basis()
    assert not Shared("x", [value("a", 1, 1, tally="flow"), value("b", 2, 2)]).same_basis()
    cumulative = Shared("x", [value("a", 1, 1, "cumulative", "cumulative"),
                              value("b", 2, 2, "cumulative", "cumulative")])
    assert not cumulative.same_basis() and cumulative.all_cumulative()  # undated starts: never ranked


def test_each_case_is_set_side_by_side_at_its_latest_dated_period():
    s = Shared("x", [value("a", 1, 1, "2021"), value("a", 2, 2, "2023"), value("b", 3, 3, "2023")])
    assert [(v.case, v.period) for v in s.latest()] == [("a", "2023"), ("b", "2023")] and s.same_basis()
