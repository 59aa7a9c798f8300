"""The figures table of a case: loading, typing, row rules and single-figure look-up.

`data/cases/<case>/figures.csv` is curated by hand (a person decides what a figure
means); `data/schema/figures.schema.json` describes its columns. Checks against the
source document (evidence, parsing, coverage) live in `kczlib.data.validate`.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, fields
from functools import lru_cache

import pandas as pd

from .cases import Case, get_case
from ..errors import DataError, DataErrors, UnknownFigureError
from .schema import get_schema, read_table
from .datatext import DataText

FIGURES_FILE = "figures.csv"
NON_FIGURES_FILE = "non_figures.csv"


@dataclass(frozen=True)
class Figure:
    """One figure with its bounds and provenance. Missing bounds are None."""

    id: str
    chain: str
    section: str
    metric_zh: str
    metric_en: str
    value: float | None
    unit: str
    value_base: float | None
    base_unit: str
    qualifier: str
    lower: float | None
    upper: float | None
    period: str
    evidence: str
    offset: int
    note: str

    @property
    def is_exact(self) -> bool:
        return self.qualifier == "exact"

    def metric(self, lang: str) -> str:
        """The metric's name in `lang` (DataText: printed as written, digits included)."""
        return DataText(self.metric_zh if lang == "zh" else self.metric_en)


def load_figures(case: str = "chengdu") -> pd.DataFrame:
    """The case's figures, typed by the schema and indexed by `id`.

    Bounds are nullable floats (`Float64`); `chain`, `qualifier` and `base_unit` are
    categoricals. A copy is returned, so callers may modify it freely.
    """
    return _load_figures(get_case(case)).copy()


@lru_cache(maxsize=None)
def _load_figures(case: Case) -> pd.DataFrame:
    path = case.path(FIGURES_FILE)
    frame, lines = read_table(path, get_schema("figures"))
    errors = list(check_row_rules(frame, lines, path))
    if errors:
        raise DataErrors(errors)
    frame["line"] = lines
    return frame.set_index("id", drop=False)


def check_row_rules(frame: pd.DataFrame, lines: list[int], path) -> list[DataError]:
    """Rules across columns of one row that a per-field schema cannot state."""
    errors = []
    for (_, row), line in zip(frame.iterrows(), lines):
        lo, hi, vb = _num(row["lower"]), _num(row["upper"]), _num(row["value_base"])
        if lo is not None and hi is not None and lo > hi:
            errors.append(DataError(path, f"lower {lo:g} > upper {hi:g}", line, "lower"))
        if row["qualifier"] == "至":
            if lo is None or hi is None:
                errors.append(DataError(path, "a range (至) needs both lower and upper", line, "lower"))
        elif vb is None and not (row["qualifier"] == "以上" and lo is not None):
            # a scale class (千亿级, 万亿元) states only a lower bound, no point value
            errors.append(DataError(path, "value_base is empty (only a 至 range or a scale class with a lower bound "
                                          "may omit it)", line, "value_base"))
        if row["qualifier"] == "exact" and vb is not None and (lo != vb or hi != vb):
            errors.append(DataError(path, "an exact figure needs lower = upper = value_base", line, "lower"))
    return errors


def _num(x) -> float | None:
    return None if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)) else float(x)


def figure(figure_id: str, case: str = "chengdu") -> Figure:
    """One figure by id, with value, bounds and evidence."""
    frame = _load_figures(get_case(case))
    if figure_id not in frame.index:
        raise UnknownFigureError(figure_id, case, difflib.get_close_matches(figure_id, frame.index, n=3))
    return figure_from_row(frame.loc[figure_id])


def figure_from_row(row) -> Figure:
    values = {}
    for f in fields(Figure):
        v = row[f.name]
        if f.name in ("value", "value_base", "lower", "upper"):
            v = _num(v)
        elif f.name == "offset":
            v = int(v)
        else:
            v = "" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(v)
        values[f.name] = v
    return Figure(**values)


def load_non_figures(case: str = "chengdu") -> pd.DataFrame:
    """Numeric mentions in the source that are deliberately not figures, with reasons."""
    return _load_non_figures(get_case(case)).copy()


@lru_cache(maxsize=None)
def _load_non_figures(case: Case) -> pd.DataFrame:
    frame, lines = read_table(case.path(NON_FIGURES_FILE), get_schema("non_figures"))
    frame["line"] = lines
    return frame
