"""Cases side by side: one indicator across cases, with per-resident and per-GDP ratios where they hold.

A comparison holds figures of several cases, so a number's ids name the case they belong
to: `<case>/<figure id>` for a case figure and `<case>/<context id>` for a context row
(`qualified`, `split_ref`). The ledger and downloads of the comparison report read them
back with `split_ref`; nothing else changes in `Num`.

Normalisation rules (the issue of cases side by side, #23, section 4):

- only a figure dated by a year or month (`period` 2021, 2023-11) is normalised, by a
  denominator row of the same case with exactly the same `period`: a denominator of
  another year would divide one year's figure by another year's population;
- CNY figures: per resident (yuan per resident) and as a share of GDP;
- counts: per ten thousand residents (the usual 每万人 base), except indicators whose
  `population` is "affiliated" (people engaged with the city's bodies, mostly living
  elsewhere: review of issue 22, M1);
- only amounts and counts are normalised: the indicator's `base_unit` (data/indicators.csv) is
  CNY or count and its `tally` is stock, flow or cumulative. An index score or its change in
  points (base unit count, tally ratio or change), a rate per ten thousand already, a rank, a
  percentage, percentage points, a multiple, a target or a year gets no ratio.

Derived bounds use the vertex method (`kczlib.analysis.bounds`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from kczlib.analysis import metrics
from kczlib.analysis.num import ContextRef, FigureRef, Num, _measure
from kczlib.data.context import context_value
from kczlib.data.figures import figure
from kczlib.data.indicator_values import case_list, load_denominators, load_indicator_values
from kczlib.data.indicators import indicators
from kczlib.units import MEASURE_GROUPS, same_measure

SEP = "/"
"""Between a case name and a row id in a comparison's ids (`<case>/fiscal_st_spending_2021`)."""

COMPARE_COLUMNS = ("case", "indicator", "period", "year", "tally", "value", "lower", "upper", "base_unit",
                   "figure_id", "per_resident_lower", "per_resident_upper", "per_resident_unit", "population_id",
                   "share_of_gdp_lower", "share_of_gdp_upper", "gdp_id")
"""The columns of `compare`, in order."""


def qualified(case: str, row_id: str) -> str:
    """The id of a case's figure or context row in a comparison: `<case>/<row id>`."""
    return f"{case}{SEP}{row_id}"


def split_ref(ref_id: str) -> tuple[str, str]:
    """(case, row id) of a qualified id (`qualified`).

    Raises:
        ValueError: an id without the separator (not from a comparison).
    """
    case, sep, row_id = ref_id.partition(SEP)
    if not sep:
        raise ValueError(f"{ref_id!r} is not a qualified id <case>{SEP}<id>")
    return case, row_id


def case_figure_num(case: str, figure_id: str) -> Num:
    """A figure of `case` as a `Num` whose id names the case (`Num.from_figure`, qualified).

    A count mapped to an indicator carries the indicator's measure word where the figure's
    own word counts the same quantity (`printed_measure`): one indicator reads in one unit
    across cities.
    """
    f = figure(figure_id, case)
    measure = _measure(f.unit, f.base_unit)
    if f.base_unit == "count" and f.indicator:
        measure = printed_measure(f.indicator, measure)
    return Num.leaf(FigureRef(qualified(case, f.id)), f.lower, f.upper, f.base_unit, qualifier=f.qualifier,
                    value_base=f.value_base, measure=measure)


def printed_measure(indicator: str, written: str) -> str:
    """The measure word a comparison prints with a count of `indicator` its case writes with `written`.

    The indicator's own (data/indicators.csv `measure`) where it declares one and `written`
    counts the same quantity (`kczlib.units.same_measure`: 家 and 个); else `written` (a word
    of another quantity, 人次 for 人, is kept, and `measure_key` tells it apart).

    Raises:
        KeyError: `indicator` is not in the vocabulary.
    """
    declared = indicators()[indicator].measure
    return declared if declared and same_measure(declared, written) else written


def measure_key(num: Num) -> str:
    """What a count counts, for setting two values side by side: its measure group's first word ("" if none).

    Two values of one indicator with different keys (人 and 人次) are not one quantity;
    other base units give "".
    """
    if num.base_unit != "count" or not num.measure:
        return ""
    return next((group[0] for group in MEASURE_GROUPS if num.measure in group), num.measure)


def case_context_num(case: str, context_id: str) -> Num:
    """A context row of `case` as a `Num` whose id names the case (`Num.from_context`, qualified)."""
    c = context_value(context_id, case)
    lower, upper = c.bounds
    return Num.leaf(ContextRef(qualified(case, c.id)), lower, upper, c.base_unit, qualifier=c.qualifier or "exact",
                    value_base=c.value_base, measure=_measure(c.unit, c.base_unit), confidence=c.confidence)


@dataclass(frozen=True)
class CaseValue:
    """One case's figure for an indicator in one period, and its ratios where they hold.

    `per_resident` is yuan per resident for CNY, a count per ten thousand residents for a
    count; `share_of_gdp` a share in [0, 1] (CNY only). None where the rules of the module
    docstring give none.
    """

    case: str
    indicator: str
    period: str
    tally: str
    num: Num
    per_resident: Num | None = None
    share_of_gdp: Num | None = None


NORMALISED_UNITS = ("CNY", "count")
"""The base units of an amount or a count: the only indicators divided by a population or GDP."""
NORMALISED_TALLIES = ("stock", "flow", "cumulative")
"""The kinds of number that are amounts or counts (not a ratio, change, rank or target)."""


def normalisable(indicator: str) -> bool:
    """Whether figures of `indicator` may be put per resident or per GDP (the module's rules).

    True only for an amount (CNY) or a count that is a stock, a flow or a cumulative count in
    data/indicators.csv; an index score, a rank, a percentage, a multiple or percentage points
    is not divided by anything.

    Raises:
        KeyError: `indicator` is not in the vocabulary.
    """
    ind = indicators()[indicator]
    return ind.base_unit in NORMALISED_UNITS and ind.tally in NORMALISED_TALLIES


def case_values(indicator: str, cases: Sequence[str] | str | None = None) -> list[CaseValue]:
    """Every figure of `indicator` in `cases`, case by case (in the order of `cases`), each with its ratios.

    Args:
        indicator: an id of data/indicators.csv.
        cases: case names; None or empty means every case.

    Returns:
        One `CaseValue` per figure (a case with a series gives one per period); [] when no case reports it.

    Raises:
        UnknownIndicatorError: `indicator` is not in the vocabulary. UnknownCaseError: an unknown case.
    """
    from kczlib.data.indicators import tally_of

    tally_of(indicator)  # UnknownIndicatorError for a typo
    names = case_list(cases)
    values = load_indicator_values(names)
    denominators = load_denominators(names)
    affiliated = indicators()[indicator].population == "affiliated"
    amount = normalisable(indicator)
    out = []
    for _, row in values[values["indicator"] == indicator].iterrows():
        case, period = str(row["case"]), str(row["period"])
        num = case_figure_num(case, str(row["figure_id"]))
        pop = _denominator(denominators, case, "population", period)
        gdp = _denominator(denominators, case, "gdp", period)
        per_resident = share_of_gdp = None
        if not amount:
            pass
        elif num.base_unit == "CNY":
            per_resident = None if pop is None else metrics.ratio(num, pop, "CNY")
            share_of_gdp = None if gdp is None else metrics.share(num, gdp)
        elif num.base_unit == "count" and not affiliated and pop is not None:
            per_resident = metrics.per_ten_thousand(num, pop, num.measure)
        out.append(CaseValue(case, indicator, period, str(row["tally"]), num, per_resident, share_of_gdp))
    return out


def _denominator(frame: pd.DataFrame, case: str, kind: str, period: str) -> Num | None:
    """The case's population or GDP row of exactly `period`, as a `Num`; None if it has none (or several)."""
    if not period[:4].isdigit():
        return None
    hits = frame[(frame["case"] == case) & (frame["kind"] == kind) & (frame["period"] == period)]
    return case_context_num(case, str(hits["context_id"].iloc[0])) if len(hits) == 1 else None


def compare(indicator: str, cases: Sequence[str] | str | None = None) -> pd.DataFrame:
    """The side-by-side table of one indicator across cases (`kczlib.compare`).

    One row per case and period that reports `indicator` (`case_values`), in the order of
    `cases`. Columns (`COMPARE_COLUMNS`): case, indicator, period (as written), year (Int64),
    tally (stock, flow, cumulative or ""), value, lower, upper (in base_unit; <NA> where the
    source leaves a bound open), base_unit, figure_id (the case's own id), per_resident_lower
    and _upper (yuan per resident, or a count per ten thousand residents) with
    per_resident_unit ("CNY per resident" or "count per 10000 residents") and population_id
    (the context row divided by), share_of_gdp_lower and _upper (a share in [0, 1]) with
    gdp_id. Ratios are <NA> where the module's rules give none: a comparison reads the
    `period` and `tally` columns before setting two rows side by side.

        >>> import kczlib
        >>> list(kczlib.compare("fiscal_st_spending").columns[:3])
        ['case', 'indicator', 'period']

    Raises:
        UnknownIndicatorError: an id the vocabulary does not have. UnknownCaseError: an unknown case.
    """
    rows = []
    for v in case_values(indicator, cases):
        figure_id = split_ref(v.num.ids[0])[1]
        rows.append({
            "case": v.case, "indicator": indicator, "period": v.period,
            "year": int(v.period[:4]) if v.period[:4].isdigit() else None, "tally": v.tally,
            "value": v.num.value_base, "lower": v.num.lower, "upper": v.num.upper, "base_unit": v.num.base_unit,
            "figure_id": figure_id,
            "per_resident_lower": v.per_resident.lower if v.per_resident else None,
            "per_resident_upper": v.per_resident.upper if v.per_resident else None,
            "per_resident_unit": ("" if v.per_resident is None else
                                  "CNY per resident" if v.num.base_unit == "CNY" else "count per 10000 residents"),
            "population_id": _context_id(v.per_resident, ContextRef),
            "share_of_gdp_lower": v.share_of_gdp.lower if v.share_of_gdp else None,
            "share_of_gdp_upper": v.share_of_gdp.upper if v.share_of_gdp else None,
            "gdp_id": _context_id(v.share_of_gdp, ContextRef),
        })
    frame = pd.DataFrame(rows, columns=list(COMPARE_COLUMNS))
    for col in ("value", "lower", "upper", "per_resident_lower", "per_resident_upper", "share_of_gdp_lower",
                "share_of_gdp_upper"):
        frame[col] = frame[col].astype("Float64")
    frame["year"] = frame["year"].astype("Int64")
    return frame


def _context_id(num: Num | None, kind: type) -> str:
    """The (unqualified) id of the context row a ratio divides by, or ""."""
    if num is None:
        return ""
    found = [r.id for r in num.refs if isinstance(r, kind)]
    return split_ref(found[0])[1] if found else ""


def shared_indicators(cases: Sequence[str] | None = None, at_least: int = 2) -> list[str]:
    """Indicators reported by at least `at_least` of `cases`, in vocabulary order.

    Raises:
        UnknownCaseError: an unknown case.
    """
    values = load_indicator_values(cases)
    counts = values.groupby("indicator")["case"].nunique() if not values.empty else pd.Series(dtype=int)
    return [i for i in indicators() if counts.get(i, 0) >= at_least]
