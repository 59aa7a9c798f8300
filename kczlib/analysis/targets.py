"""Targets that bind only at their end point: "翻一番 in 3 years", "增长2倍 in 5 years", "达到X by year Y".

The rule (review of the reader pages, C1): a pledge to reach a multiple of a base, or a level,
by the end of a window constrains only the value at the end of that window
(value in the end year >= multiple x base, or >= level). The years between are not targets: a
city may hold spending flat for two years and still double it in the third. What such a pledge
implies is the minimum compound average rate, (end value / base) ** (1 / years) - 1, never a
per-year floor. A constant-rate path at that rate is one illustrative path among many; its
intermediate values are returned as plain floats (for a drawn line), never as `Num`s, so no
report can print them as "at least X in year t".

Where actual values after the base year exist, `EndPointTarget.path_to_date` sets each against
the end point only: the compound average still needed from that year to reach it, and, for the
end year itself, whether the target was met.
"""

from __future__ import annotations

from dataclasses import dataclass

from kczlib.analysis.bounds import bounded, operand_name
from kczlib.analysis.num import RATIO, Num

# The end year's actual against the end point: met at every value of both ranges, missed at
# every value, or undetermined (the ranges overlap, or a bound is open).
MET, MISSED, UNDETERMINED = "met", "missed", "undetermined"


@dataclass(frozen=True)
class EndPointTarget:
    """A target on one end point: `multiple` x `base` (or `level`) by `base_year` + `years`.

    Attributes:
        base: the quantity in the base year (a `Num` in its base unit, e.g. CNY).
        base_year: the year `base` is for (an assumption where the pledge names none).
        years: the window in years; its upper bound is the latest end ("within 3 years": [None, 3]).
        multiple: the target multiple of the base (翻一番: 2; 增长2倍: 3), or None.
        level: the target level in the base's unit (达到X), or None. Exactly one of
            `multiple` and `level` is given.
    """

    base: Num
    base_year: int
    years: Num
    multiple: Num | None = None
    level: Num | None = None

    def __post_init__(self) -> None:
        """Check the target is complete.

        Raises:
            ValueError: neither or both of `multiple` and `level`, or a window without an upper bound.
        """
        if (self.multiple is None) == (self.level is None):
            raise ValueError("an end-point target needs exactly one of multiple and level")
        if self.years.upper is None or self.years.upper <= 0:
            raise ValueError("an end-point target needs a window with a positive upper bound (its end year)")

    @property
    def end_year(self) -> int:
        """The year by which the target must be met: base year + the window's upper bound."""
        return self.base_year + int(round(float(self.years.upper or 0)))

    def end_value(self) -> Num:
        """The end point: multiple x base, or the level (in the base's unit)."""
        if self.level is not None:
            return self.level
        multiple = self.multiple
        assert multiple is not None  # __post_init__
        return bounded(lambda b, m: b * m, [self.base, multiple], self.base.base_unit,
                       f"{operand_name(self.base)} * {operand_name(multiple)}", self.base.measure)

    def required_rate(self) -> Num:
        """The minimum compound average annual rate that reaches the end point, as a share.

        multiple ** (1 / years) - 1, or (level / base) ** (1 / years) - 1. "Within 3 years" has
        no lower bound on the years, so the rate is "at least" 2 ** (1/3) - 1 = 25.99%.
        """
        if self.multiple is not None:
            return bounded(lambda m, y: m ** (1 / y) - 1, [self.multiple, self.years], RATIO,
                           f"{operand_name(self.multiple)} ** (1 / {operand_name(self.years)}) - 1")
        level = self.end_value()
        return bounded(lambda v, b, y: (v / b) ** (1 / y) - 1, [level, self.base, self.years], RATIO,
                       f"({operand_name(level)} / {operand_name(self.base)}) ** (1 / {operand_name(self.years)}) - 1")

    def rate_still_needed(self, actual: Num, year: int) -> Num:
        """The compound average rate needed from an actual value in `year` to the end point.

        (end value / actual) ** (1 / (end year - year)) - 1, as a share; negative where the
        actual is already above the end point.

        Raises:
            ValueError: `year` is not between the base year and the end year (exclusive of the end).
        """
        if not self.base_year <= year < self.end_year:
            raise ValueError(f"year {year} is not inside the window {self.base_year}-{self.end_year}")
        span = self.end_year - year
        end = self.end_value()
        return bounded(lambda v, a: (v / a) ** (1 / span) - 1, [end, actual], RATIO,
                       f"({operand_name(end)} / {operand_name(actual)}) ** (1 / {span}) - 1")

    def status(self, actual: Num) -> str:
        """Whether an actual value for the end year meets the end point: MET, MISSED or UNDETERMINED."""
        end = self.end_value()
        if actual.lower is not None and end.upper is not None and actual.lower >= end.upper:
            return MET
        if actual.upper is not None and end.lower is not None and actual.upper < end.lower:
            return MISSED
        return UNDETERMINED

    def path_to_date(self, actuals: dict[int, Num]) -> list[dict[str, object]]:
        """Actual values after the base year set against the end point only.

        Args:
            actuals: year -> actual value (the base's unit); years outside the window are ignored.

        Returns:
            One dict per year in order: year, actual, and either `still_needed` (the compound
            average rate from that year to the end point) or, for the end year, `status`.
        """
        rows: list[dict[str, object]] = []
        for year in sorted(y for y in actuals if self.base_year < y <= self.end_year):
            actual = actuals[year]
            if year == self.end_year:
                rows.append({"year": year, "actual": actual, "status": self.status(actual)})
            else:
                rows.append({"year": year, "actual": actual, "still_needed": self.rate_still_needed(actual, year)})
        return rows

    def constant_rate_path(self) -> list[tuple[int, float]]:
        """An illustrative constant-rate path from the base to the end point, as (year, value) floats.

        It grows the base's middle value at the required rate's lower bound (the rate that
        reaches the end point exactly in the end year). Intermediate years are not targets:
        the values are for a drawn line labelled so, and are not `Num`s, so they cannot be
        printed or ledgered as figures.

        Raises:
            ValueError: the required rate or the base has no bound to draw from.
        """
        rate, base = self.required_rate().lower, self.base.mid
        if rate is None or base is None:
            raise ValueError("the required rate or the base is unbounded: no path to draw")
        return [(self.base_year + t, base * (1 + rate) ** t) for t in range(self.end_year - self.base_year + 1)]
