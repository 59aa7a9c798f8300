"""Every case's indicator figures as one tidy table, and the denominators a comparison divides by.

`load_indicators()` is the vocabulary (what any case may report); `load_indicator_values()`
is what the cases do report: one row per figure that maps to an indicator, across cases,
so that cases can be set side by side (notebooks/05_compare_cases). `load_denominators()`
gives each case's resident population and GDP from its context rows, the only external
numbers a comparison normalises by.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import pandas as pd

from kczlib.data.cases import cases_root, get_case, list_cases
from kczlib.data.context import load_context
from kczlib.data.figures import figure_columns, is_city_row
from kczlib.data.indicators import indicators

VALUE_COLUMNS = ("case", "indicator", "period", "year", "value", "lower", "upper", "qualifier", "written",
                 "unit", "base_unit", "tally", "figure_id", "evidence")
"""The columns of `load_indicator_values`, in order."""
# the figures.csv columns (and the loader's `year`) the table is made of: what a comparison depends on
FIGURE_COLUMNS_READ = ("indicator", "area", "period", "year", "value_base", "lower", "upper", "qualifier", "value",
                       "unit", "base_unit", "evidence")

DENOMINATOR_COLUMNS = ("case", "kind", "period", "year", "value", "lower", "upper", "base_unit", "context_id",
                       "confidence")
"""The columns of `load_denominators`, in order."""

# A context row is a denominator when the Chinese name in its `indicator` column (the text
# before the first space or bracket) is exactly one of these: 常住人口增量 (a change) and
# 地区生产总值增速 (a rate) are not. The first case's context.csv writes "常住人口 resident population",
# "常住人口（第七次全国人口普查） ...", "地区生产总值 GDP"; new cases keep that form (docs/data.md).
DENOMINATOR_NAMES = {"常住人口": "population", "地区生产总值": "gdp"}


def case_list(cases: Sequence[str] | str | None = None) -> list[str]:
    """`cases` checked, in the order given (duplicates dropped); None or empty: every case, sorted.

    One name given as a string is one case (`"abc"` is the case abc, not the cases a, b and c).

    Raises:
        UnknownCaseError: for a name that is not a folder of data/cases (the message lists the known ones).
    """
    if isinstance(cases, str):
        cases = [cases]
    names = list(dict.fromkeys(cases or list_cases()))
    for name in names:
        get_case(name)
    return names


def load_indicator_values(cases: Sequence[str] | str | None = None) -> pd.DataFrame:
    """Every figure that maps to a shared indicator, of every case in `cases`, as one long table.

    One row per figure (a case reports an indicator for its city at most once per period, so `case`,
    `indicator` and `period` identify a row). Figures particular to a case (no indicator)
    are left out, and so are figures of another area than the case's city (`area` filled: a
    province's total, a county's index), so a comparison never sets a province beside a city.
    Rows come case by case in the order of `cases`, each case's in file order.

    Columns (`VALUE_COLUMNS`):
        case (str), indicator (str, an id of data/indicators.csv), period (str, as the
        figures table writes it: 2023, 2023-11, cumulative, target), year (Int64; <NA> for a
        period that is not dated), value, lower, upper (Float64, in `base_unit`: the stated
        point and the bounds, e.g. 80余家 -> value 80, lower 80, upper 90; a bound the source
        leaves open is <NA>), qualifier (exact, 余, 以上 ...), written (Float64, the number as
        written in `unit`: 12.5 for 12.5亿元), unit (as written), base_unit (CNY, count,
        percent ...), tally (the indicator's declared kind of count: stock, flow, cumulative,
        or "" when the vocabulary declares none; a figure whose period is "cumulative" is a
        count since an undated start whatever its indicator declares, so it reads "cumulative"),
        figure_id (the case's own id of the row), evidence (the passage of the source).

    Args:
        cases: case folder names; None or empty means every case in data/cases.

    Returns:
        The table, with a fresh RangeIndex; empty (with these columns) when no case maps a figure.

    Raises:
        UnknownCaseError: a name that is not a case. DataErrors: a broken figures table.
    """
    # made once per process for the same cases, like the tables it is made of (a comparison asks
    # once per indicator: 44 tables of nine cases per report were a tenth of its kernel's time)
    return _indicator_values(str(cases_root()), tuple(case_list(cases))).copy()


@cache
def _indicator_values(root: str, names: tuple[str, ...]) -> pd.DataFrame:
    vocabulary = indicators()
    parts = []
    for case in names:
        figures = figure_columns(case, *FIGURE_COLUMNS_READ)  # a renamed metric rebuilds no comparison
        mapped = figures[figures["indicator"].notna() & (figures["indicator"].astype("string") != "")
                         & is_city_row(figures)]
        if mapped.empty:
            continue
        period = mapped["period"].astype("string")
        declared = [vocabulary[i].tally for i in mapped["indicator"]]
        parts.append(pd.DataFrame({
            "case": case,
            "indicator": mapped["indicator"].astype("string"),
            "period": period,
            "year": mapped["year"],
            "value": mapped["value_base"].astype("Float64"),
            "lower": mapped["lower"].astype("Float64"),
            "upper": mapped["upper"].astype("Float64"),
            "qualifier": mapped["qualifier"].astype("string"),
            "written": mapped["value"].astype("Float64"),
            "unit": mapped["unit"].astype("string"),
            "base_unit": mapped["base_unit"].astype("string"),
            "tally": ["cumulative" if p == "cumulative" else t for p, t in zip(period, declared, strict=True)],
            "figure_id": mapped.index.astype("string"),
            "evidence": mapped["evidence"].astype("string"),
        }))
    if not parts:
        return _empty(VALUE_COLUMNS)
    frame = pd.concat(parts, ignore_index=True)
    frame["case"] = frame["case"].astype("string")
    frame["tally"] = frame["tally"].astype("string")
    return frame[list(VALUE_COLUMNS)]


def denominator_kind(indicator_text: str) -> str | None:
    """"population", "gdp" or None for a context row's `indicator` text (see `DENOMINATOR_NAMES`)."""
    name = str(indicator_text).replace("（", " ").replace("(", " ").split(" ", 1)[0].strip()
    return DENOMINATOR_NAMES.get(name)


def load_denominators(cases: Sequence[str] | None = None) -> pd.DataFrame:
    """Each case's resident population and GDP for the city itself, from its context rows.

    A row counts when its `indicator` names resident population or GDP (`denominator_kind`)
    and its `geo` is the case's city (case.json `city.zh`, with or without 市): national and
    provincial rows are benchmarks, not denominators.

    Columns (`DENOMINATOR_COLUMNS`): case, kind ("population" or "gdp"), period (as
    written), year (Int64), value, lower, upper (Float64, in the base unit: persons, yuan),
    base_unit, context_id (the row's id in the case's context.csv), confidence.

    Args:
        cases: case folder names; None or empty means every case.

    Returns:
        The rows, case by case in file order; empty (with these columns) when none.

    Raises:
        UnknownCaseError: a name that is not a case. DataErrors: a broken context table.
    """
    return _denominators(str(cases_root()), tuple(case_list(cases))).copy()  # once, as `load_indicator_values`


@cache
def _denominators(root: str, names: tuple[str, ...]) -> pd.DataFrame:
    from kczlib.data.context import context_value

    rows = []
    for case in names:
        city = str(get_case(case).meta["city"]["zh"]).removesuffix("市")
        context = load_context(case)
        for cid, row in context.iterrows():
            kind = denominator_kind(row["indicator"])
            if kind is None or str(row["geo"]).removesuffix("市") != city:
                continue
            c = context_value(str(cid), case)
            lower, upper = c.bounds
            rows.append({"case": case, "kind": kind, "period": c.period, "year": c.year_number,
                         "value": c.value_base, "lower": lower, "upper": upper, "base_unit": c.base_unit,
                         "context_id": str(cid), "confidence": c.confidence})
    if not rows:
        return _empty(DENOMINATOR_COLUMNS)
    frame = pd.DataFrame(rows, columns=list(DENOMINATOR_COLUMNS))
    frame["year"] = frame["year"].astype("Int64")
    for col in ("value", "lower", "upper"):
        frame[col] = frame[col].astype("Float64")
    return frame


def _empty(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
