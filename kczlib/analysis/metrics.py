"""Derived indicators: generic ratios, shares, differences, totals, growth and rates.

Each is a `Num` bounded jointly over its distinct inputs by the vertex method
(`kczlib.analysis.bounds`). The risk-pool scenario model is `kczlib.analysis.scenarios`.

For now this module also re-exports `derive`, `joint_bounds` (from `bounds`) and
`capped_loss`, `break_even_loss_rate`, `pool_binding`, `leverage_grid`,
`POOL_*` (from `scenarios`), so code that imports them from here keeps working; new code
imports them from their modules.
"""

from __future__ import annotations

import re
from dataclasses import replace

from kczlib.analysis.bounds import bounded, derive, joint_bounds, operand_name  # noqa: F401 (re-exported)
from kczlib.analysis.num import RATIO, Num, Ref, register
from kczlib.analysis.scenarios import (  # noqa: F401 (re-exported)
    POOL_BINDS,
    POOL_BINDS_PARTLY,
    POOL_HOLDS,
    break_even_loss_rate,
    capped_loss,
    leverage_grid,
    pool_binding,
)
from kczlib.errors import NonMonotoneError, UnitMismatchError  # noqa: F401 (NonMonotoneError re-exported)

# Shares of fewer than this many items print with 2 significant digits, not 3.
SMALL_COUNT = 30


# --- indicators -------------------------------------------------------------------

def ratio(a: Num, b: Num, base_unit: str, measure: str = "") -> Num:
    """The ratio `a / b` for non-negative quantities, bounded jointly (a shared input cancels)."""
    return bounded(lambda x, y: x / y, [a, b], base_unit, f"{operand_name(a)} / {operand_name(b)}", measure)


def share(part: Num, whole: Num) -> Num:
    """The share `part / whole` in [0, 1] (values above 1 are capped at 1).

    A share of fewer than `SMALL_COUNT` items prints with 2 significant digits: 3 would
    claim a precision a handful of items cannot give.
    """
    small = whole.base_unit == "count" and whole.upper is not None and whole.upper < SMALL_COUNT
    return bounded(lambda p, w: min(p / w, 1.0), [part, whole], RATIO, f"{operand_name(part)} / {operand_name(whole)}",
              sig=2 if small else 3)


def difference(a: Num, b: Num, measure: str = "") -> Num:
    """The difference `a - b` as a `Num` in a's base unit, bounded jointly over both inputs' ranges.

    Where `a` has no lower bound (近4000: at most 4000), neither has the difference: the vertex
    method's stand-in of 0 for an open lower bound is no statement of the source, so
    近4000 - 3247 is "at most 753", not "-3247 to 753". A bound one side states is kept.

    Two percentages, or two shares, differ by percentage points (`percentage_point`; a share's
    fraction times 100); otherwise the difference is in a's base unit.

    Raises `NonMonotoneError` only if the vertex method cannot bound it (never for a difference).
    """
    # two percentages differ by percentage points (3.52% - 2.54% is 0.98 percentage points, not 0.98%);
    # so do two shares (fractions printed as percents: 0.35 - 0.25 is 10 percentage points, not "10%")
    if a.base_unit == b.base_unit == RATIO:
        d = bounded(lambda x, y: (x - y) * 100, [a, b], "percentage_point",
                    f"({operand_name(a)} - {operand_name(b)}) * 100", measure or a.measure)
    else:
        unit = "percentage_point" if a.base_unit == b.base_unit == "percent" else a.base_unit
        d = bounded(lambda x, y: x - y, [a, b], unit, f"{operand_name(a)} - {operand_name(b)}",
                    measure or a.measure)
    if a.lower is None and d.lower is not None and not d.is_point:  # a - a is exactly 0, even for 近4000
        d = replace(d, lower=None)
    return d


def total(nums: list[Num], derivation: str = "", measure: str = "") -> Num:
    """The sum of `nums` as a `Num` in the first one's base unit (all should share it).

    Bounded jointly: a sum of ranges is a range. `derivation` overrides the formula shown in
    the ledger; `measure` the counted word. Raises `IndexError` for an empty list.
    """
    return bounded(lambda *xs: sum(xs), list(nums), nums[0].base_unit,
              derivation or " + ".join(operand_name(n) for n in nums), measure or nums[0].measure)


def growth(later: Num, earlier: Num) -> Num:
    """The growth multiple `later / earlier` (1.28 = 28% more)."""
    return ratio(later, earlier, "multiplier")


def scaled(x: Num, factor: Num) -> Num:
    """The product of `x` and a factor (a share or a multiplier)."""
    return bounded(lambda a, f: a * f, [x, factor], x.base_unit, f"{operand_name(x)} * {operand_name(factor)}",
                   x.measure)


def percent_of(x: Num, pct: Num) -> Num:
    """The amount `pct` percent of `x` (pct in percent points, e.g. 3%以上 of GDP)."""
    return bounded(lambda a, p: a * p / 100, [x, pct], x.base_unit, f"{operand_name(x)} * {operand_name(pct)} / 100",
                   x.measure)


def as_percent(share_num: Num) -> Num:
    """A share in [0, 1] as percent points, for charts with a percent axis."""
    return bounded(lambda s: s * 100, [share_num], "percent", f"{operand_name(share_num)} * 100", sig=share_num.sig)


def annual_growth_for_multiple(multiple: Num, years: Num) -> Num:
    """Compound annual growth that reaches `multiple` in `years`: multiple ** (1 / years) - 1.

    "Within 3 years" (upper bound 3, no lower) means at least 2 ** (1/3) - 1 a year.
    """
    return bounded(lambda m, y: m ** (1 / y) - 1, [multiple, years], RATIO,
              f"{operand_name(multiple)} ** (1 / {operand_name(years)}) - 1")


def how_many_fit(budget: Num, unit_cost: Num) -> Num:
    """How many items of a cost range a budget could fund: budget / cost, as a range."""
    return ratio(budget, unit_cost, "count", measure="个")


# --- change over time and scale ------------------------------------------------------

def change_rate(later: Num, earlier: Num) -> Num:
    """Relative change later / earlier - 1, as a share (0.0036 prints 0.36%).

    For quantities that grew: a fall gives a negative share, which the formatter refuses
    with a clear error rather than printing it as growth.
    """
    return bounded(lambda a, b: a / b - 1, [later, earlier], RATIO,
                   f"{operand_name(later)} / {operand_name(earlier)} - 1")


# Rates per resident are stated per ten thousand (每万人), the usual Chinese statistical base.
PER_RESIDENTS = 1e4


def per_ten_thousand(x: Num, population: Num, measure: str = "") -> Num:
    """The density: `x` per ten thousand of `population` (a count of people): x / population * 10^4.

    In `x`'s base unit (a count per ten thousand residents, or yuan per ten thousand residents).
    """
    return bounded(lambda a, p: a / p * PER_RESIDENTS, [x, population], x.base_unit,
              f"{operand_name(x)} / {operand_name(population)} * 10000", measure)


def compound_rate(later: Num, earlier: Num, years: Num) -> Num:
    """Average compound annual change from `earlier` to `later` over `years`, as a share.

    That is (later / earlier) ** (1 / years) - 1, as a share.
    """
    return bounded(lambda a, b, y: (a / b) ** (1 / y) - 1, [later, earlier, years], RATIO,
              f"({operand_name(later)} / {operand_name(earlier)}) ** (1 / {operand_name(years)}) - 1")


YEARS_FROM = "years from"


def years_between(start: int, end: int, refs: tuple[Ref, ...] = ()) -> Num:
    """Whole years from `start` to `end` (two years), a derived count of years resting on `refs`.

    Its derivation reads "years from <start> to <end>" (`YEARS_FROM`), which the words of a
    derivation name in either language. It has no origin: it is derived from the rows' periods.
    """
    n = float(end - start)
    return Num(n, n, "years", refs=tuple(refs), derivation=f"{YEARS_FROM} {start} to {end}", sig=6)


def years_span(num: Num) -> tuple[str, str] | None:
    """(start, end) years of a `years_between` count, as written in its derivation; None for any other number.

    Its name in words is then "the years from <start> to <end>" (word `explore.years`), never the
    name of the rows its years were read from.
    """
    m = re.fullmatch(rf"{YEARS_FROM} (\d+) to (\d+)", num.derivation)
    return (m[1], m[2]) if m and num.is_leaf else None


# --- arithmetic: what the operators of `Num` compute (+ - * /) -------------------------------

# Base units that are pure numbers: multiplying by one keeps the other's unit.
DIMENSIONLESS = (RATIO, "multiplier")


def add(a: Num, b: Num) -> Num:
    """`a + b` (`total`); both in one base unit, not a rank. Raises `UnitMismatchError` otherwise."""
    _same_unit("+", a, b)
    return total([a, b])


def subtract(a: Num, b: Num) -> Num:
    """`a - b` (`difference`); both in one base unit, not a rank. Raises `UnitMismatchError` otherwise.

    Two percentages, or two shares, give percentage points (`difference`).
    """
    _same_unit("-", a, b)
    return difference(a, b)


def multiply(a: Num, b: Num) -> Num:
    """`a * b`, where one side is a pure number (a share or a multiplier: `scaled`) or a percent (`percent_of`).

    The result is in the other side's base unit. Raises `UnitMismatchError` for two
    quantities with units (CNY times a count).
    """
    refuse_ranks("*", a, b)
    if b.base_unit in DIMENSIONLESS:
        return scaled(a, b)
    if a.base_unit in DIMENSIONLESS:
        return scaled(b, a)
    if b.base_unit == "percent":
        return percent_of(a, b)
    if a.base_unit == "percent":
        return percent_of(b, a)
    raise UnitMismatchError("*", a.base_unit, b.base_unit, "; one side must be a share, a multiplier or a percent")


def divide(a: Num, b: Num) -> Num:
    """`a / b` (`ratio`), bounded jointly (a shared input cancels: `x / x` is 1).

    Units: the same base unit on both sides gives a multiplier (a pure number); dividing by
    a count gives `a`'s unit per item (CNY / count: yuan per firm); dividing by a pure
    number keeps `a`'s unit. Raises `UnitMismatchError` for anything else (a count per yuan).
    """
    refuse_ranks("/", a, b)
    if a.base_unit == b.base_unit:
        return ratio(a, b, "multiplier")
    if b.base_unit == "count":
        return ratio(a, b, a.base_unit)
    if b.base_unit in DIMENSIONLESS:
        return ratio(a, b, a.base_unit, measure=a.measure)
    raise UnitMismatchError("/", a.base_unit, b.base_unit, "; divide by a count, a pure number or the same unit")


def _same_unit(op: str, a: Num, b: Num) -> None:
    if a.base_unit != b.base_unit:
        raise UnitMismatchError(op, a.base_unit, b.base_unit, "; both sides need the same unit")
    refuse_ranks(op, a, b)


def refuse_ranks(op: str, a: Num, b: Num) -> None:
    """Refuse arithmetic on a rank: 1st + 2nd is no 3rd, 2nd / 1st no "2×" (places are orders, not amounts).

    Raises:
        UnitMismatchError: `a` or `b` is a rank (base unit "rank").
    """
    if "rank" in (a.base_unit, b.base_unit):
        raise UnitMismatchError(op, a.base_unit, b.base_unit, "; ranks are orders, not amounts: compare them in words")


register(add=add, subtract=subtract, multiply=multiply, divide=divide)  # Num's + - * /
