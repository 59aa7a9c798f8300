"""The figures table of a case: loading, typing, row rules and single-figure look-up.

`data/cases/<case>/figures.csv` is curated by hand (a person decides what a figure
means); `data/schema/figures.schema.json` describes its columns. Checks against the
source document (evidence, parsing, coverage) live in `kczlib.data.validate`.
Its `indicator` column maps a figure to the shared vocabulary (`kczlib.data.indicators`);
`indicator()` looks a figure up by indicator, so a report can ask any case for it.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any, SupportsFloat, cast

import pandas as pd

from kczlib import reads
from kczlib.data.cases import Case, case_name, get_case
from kczlib.data.datatext import DataText
from kczlib.data.indicators import indicators, indicators_path
from kczlib.data.schema import get_schema, is_blank, read_table
from kczlib.errors import (
    AmbiguousIndicatorError,
    DataError,
    DataErrors,
    IndicatorNotReportedError,
    UnknownFigureError,
    UnknownIndicatorError,
)

FIGURES_FILE = "figures.csv"
NON_FIGURES_FILE = "non_figures.csv"


@dataclass(frozen=True)
class Figure:
    """One figure with its bounds and provenance. Missing bounds are None.

    Units: `value` is the number as written, in `unit` (200 for 200多亿元); `value_base`,
    `lower` and `upper` are in `base_unit` (CNY = yuan: 2e10 and 3e10). `topic` and
    `is_outcome` split `chain` (outcome_talent -> topic talent, an outcome).
    `indicator` is the shared indicator id it reports, or "" for a figure particular to the case.
    `correction` says what the parser read and why the analyst's reading stands, "" when the
    row is the parser's reading.
    """

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
    indicator: str = ""  # the shared indicator id (data/indicators.csv), "" if none
    correction: str = ""  # an analyst correction of the parser's reading (why the row stands), "" if none
    area: str = ""  # the place the figure is about when not the case's city (福建省, 嘉善县), "" for the city

    @property
    def is_corrected(self) -> bool:
        """True when the analyst's reading replaces the parser's (the row's `correction` is filled)."""
        return bool(self.correction.strip())

    @property
    def is_exact(self) -> bool:
        """True when the source states the number without a qualifier (lower = upper = value_base)."""
        return self.qualifier == "exact"

    @property
    def topic(self) -> str:
        """What the figure is about, whether a programme measure or an outcome.

        `chain` without its `outcome_` prefix (outcome_talent -> talent).
        """
        return chain_topic(self.chain)

    @property
    def is_outcome(self) -> bool:
        """True for a figure of the source's outcomes part (`chain` outcome_*)."""
        return self.chain.startswith(OUTCOME_PREFIX)

    def metric(self, lang: str) -> str:
        """What is counted, in `lang` ("zh" or "en"; anything but "zh" gives English).

        As DataText: printed as written, digits included.
        """
        return DataText(self.metric_zh if lang == "zh" else self.metric_en)


OUTCOME_PREFIX = "outcome_"


def chain_topic(chain: str) -> str:
    """The topic of a `chain` value: the chain without its `outcome_` prefix.

    The source reports each part of the programme twice: what was done (chain `talent`)
    and, in its outcomes part, what came of it (chain `outcome_talent`); the topic is the
    same. Rule documented in data/schema/figures.schema.json (`loaderFields`).
    """
    return chain[len(OUTCOME_PREFIX):] if chain.startswith(OUTCOME_PREFIX) else chain


def load_figures(case: str | None = None) -> pd.DataFrame:
    """The case's figures: one row per figure, indexed by `id` (a string index named "id").

    `id` is the index only, not also a column, so pandas accepts "id" wherever it takes a
    column name: `groupby("id")`, `sort_values("id")`, `merge(..., on="id")`, and
    `reset_index()` turns it into a column; `frame.loc["kechuangdai_firms"]` looks one up.

    Columns are the schema's (data/schema/figures.schema.json; `kczlib.describe("figures")`
    lists each with its type and unit) plus those the loader adds: `topic` and `is_outcome`
    (from `chain`: filter `topic == "talent"` for every talent figure), `year` (Int64, the
    year of a `period` such as "2021"; <NA> for cumulative and target) and `line` (Int64,
    the file line). Units: `value` is as written in `unit` (99.4 with unit 亿元), while
    `value_base`, `lower` and `upper` are in `base_unit` (9.94e9 CNY, i.e. yuan).
    Numbers are nullable floats (`Float64`); `chain`, `topic`, `qualifier` and `base_unit`
    are categoricals. A copy is returned, so callers may modify it freely.
    Raises `UnknownCaseError` for an unknown case and `DataErrors` listing every problem
    of the table.
    """
    c = get_case(case_name(case))
    reads.whole(c.path(FIGURES_FILE))  # the caller may enumerate every row
    return _load_figures(c).copy()


def figure_columns(case: str | None, *names: str) -> pd.DataFrame:
    """Columns `names` of every figure of the case, indexed by `id` (a copy).

    For a report that looks at some columns of all rows (which figures belong to a chain,
    whether a term occurs in any metric): it depends on those columns only, so an edit of
    another column of a row does not rebuild it (`kczlib.reads.columns`). `names` are columns
    of figures.csv (`area` is there, empty, when the file has no such column) or columns the
    loader derives from one (`DERIVED_FROM`: `year` from `period`, `topic` and `is_outcome`
    from `chain`), which count as reading their source; not `line`.

    Raises `UnknownCaseError`, `DataErrors` as `load_figures`; KeyError for an unknown column.
    """
    c = get_case(case_name(case))
    path = c.path(FIGURES_FILE)
    with reads.quiet(path):
        frame = _load_figures(c)
    if "line" in names:
        raise KeyError("line: a row's file line is not a column of figures.csv (read the whole table)")
    read = dict.fromkeys(DERIVED_FROM.get(n, n) for n in names)
    reads.columns(path, tuple(read))
    return frame[list(names)].copy()


DERIVED_FROM = {"year": "period", "topic": "chain", "is_outcome": "chain"}  # loader column -> its figures.csv column


def has_figure(figure_id: str, case: str | None = None) -> bool:
    """Whether the case has a figure `figure_id` (its row, or its absence, is what the caller read)."""
    c = get_case(case_name(case))
    path = c.path(FIGURES_FILE)
    with reads.quiet(path):
        frame = _load_figures(c)
    reads.row(path, "id", figure_id)
    return figure_id in frame.index


@cache
def _load_figures(case: Case) -> pd.DataFrame:
    return read_figures(case.path(FIGURES_FILE))


def read_figures(path: str | os.PathLike[str]) -> pd.DataFrame:
    """A figures table read from `path`, checked and indexed by `id`, with its file `line`s.

    Raises `DataErrors` listing every schema, row-rule, indicator-mapping and draft
    problem (each naming file, line and column); `DataError` if the file cannot be read.
    """
    frame, errors = read_figures_with_row_problems(path)
    if errors:
        raise DataErrors(errors)
    return frame


def read_figures_with_row_problems(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, list[DataError]]:
    """The figures table of `path` as `read_figures` gives it, and the problems of its rows.

    For `kcz validate`, which checks the other rows against the source while some break a rule
    (an indicator clash must not hide an evidence problem until it is fixed).

    Returns:
        (every row, indexed by `id`, with the loader's columns; the row-rule, area, indicator
        and draft problems, each naming file, line and column).

    Raises:
        DataErrors: The table does not fit its schema (no rows to read). DataError: unreadable.
    """
    try:
        frame, lines = read_table(Path(path), get_schema("figures"))
    except DataErrors as exc:  # list drafted rows too: a draft's blanks fail the schema first
        raise DataErrors(exc.errors + _draft_rows_in(path)) from None
    errors = (check_row_rules(frame, lines, path) + check_areas(frame, lines, path)
              + check_indicators(frame, lines, path) + check_drafts(frame, lines, path))
    return with_loader_columns(frame, lines), errors


def with_loader_columns(frame: pd.DataFrame, lines: list[int]) -> pd.DataFrame:
    """`frame` indexed by `id` with the columns the loader adds (see `load_figures`)."""
    topics = [t for t in get_schema("figures")["fields"] if t["name"] == "chain"][0]["constraints"]["enum"]
    topic_order = list(dict.fromkeys(chain_topic(c) for c in topics))
    chain = frame["chain"].astype("string")
    frame["topic"] = pd.Categorical([chain_topic(c) for c in chain], categories=topic_order)
    frame["is_outcome"] = pd.array([c.startswith(OUTCOME_PREFIX) for c in chain], dtype="boolean")
    frame["year"] = period_year(frame["period"])
    frame["line"] = pd.array(lines, dtype="Int64")
    return frame.set_index("id")


def period_year(periods: pd.Series) -> pd.Series:
    """The year (Int64) of each period written as a year or a month or half of one.

    2021, 2023-11, 2019-H1; <NA> for `cumulative`, `target` or an empty period.
    """
    years = periods.astype("string").str.extract(r"^(\d{4})(?:-|$)", expand=False)
    return pd.to_numeric(years, errors="coerce").astype("Int64")


def check_row_rules(frame: pd.DataFrame, lines: list[int], path: str | os.PathLike[str]) -> list[DataError]:
    """Rules across columns of one row that a per-field schema cannot state."""
    errors: list[DataError] = []
    for (_, row), line in zip(frame.iterrows(), lines, strict=True):
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


DRAFT_REASON = ("drafted by kcz new-case and not yet curated: fill id, chain, metric_zh, metric_en and period, "
                "check the row against the source, set indicator if one fits, then clear this cell")


def check_drafts(frame: pd.DataFrame, lines: list[int], path: str | os.PathLike[str]) -> list[DataError]:
    """A row whose `draft` cell is not empty is still to be curated."""
    return [DataError(path, DRAFT_REASON, line, "draft")
            for draft, line in zip(frame["draft"], lines, strict=True) if not is_blank(draft)]


def _draft_rows_in(path: str | os.PathLike[str]) -> list[DataError]:
    """Draft errors read straight from the CSV text, for a table the schema already refused."""
    import csv
    import io

    from kczlib.textfile import read_utf8

    reader = csv.DictReader(io.StringIO(read_utf8(path), newline=""))
    if "draft" not in (reader.fieldnames or []):
        return []
    errors: list[DataError] = []
    line = 1
    for record in reader:
        start, line = line + 1, reader.line_num
        if not is_blank(record.get("draft")):
            errors.append(DataError(path, DRAFT_REASON, start, "draft"))
    return errors


AREA_NAME = re.compile(r"[\u4e00-\u9fff·（）()]+")  # a place or body as a Chinese text names it


def case_city(path: str | os.PathLike[str]) -> str:
    """The city (case.json `city.zh`, without 市) of the case folder holding `path`; "" if none is stated."""
    meta_path = Path(path).parent / "case.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8-sig"))
        return str(meta["city"]["zh"]).strip().removesuffix("市")
    except (OSError, ValueError, KeyError, TypeError):
        return ""  # the case folder's own checks report a missing or broken case.json


def check_areas(frame: pd.DataFrame, lines: list[int], path: str | os.PathLike[str]) -> list[DataError]:
    """The `area` column: empty for the case's city, else the other place's name in Chinese characters.

    An area is written as the text names the place (福建省, 嘉善县, 全国, a firm): Chinese
    characters only, no digits, spaces or Latin letters; the case's own city (case.json
    `city.zh`, with or without 市) is refused, since an empty cell already means it.
    """
    city = case_city(path)
    errors: list[DataError] = []
    for area, line in zip(frame["area"], lines, strict=True):
        if is_blank(area):
            continue
        text = str(area)
        if not AREA_NAME.fullmatch(text):
            errors.append(DataError(path, f"area {text!r} is not a place's name as the Chinese text writes it "
                                          "(Chinese characters only, e.g. 福建省, 嘉善县, 全国; leave it empty "
                                          "for the case's city)", line, "area"))
        elif city and text.removesuffix("市") == city:
            errors.append(DataError(path, f"area {text!r} is the case's own city: leave the cell empty",
                                    line, "area"))
    return errors


def is_city_row(frame: pd.DataFrame) -> pd.Series:
    """A boolean mask of the rows of a figures frame about the case's city (`area` empty or absent)."""
    if "area" not in frame.columns:
        return pd.Series(True, index=frame.index)
    return frame["area"].isna() | (frame["area"].astype("string").str.strip() == "")


def check_indicators(frame: pd.DataFrame, lines: list[int], path: str | os.PathLike[str]) -> list[DataError]:
    """The `indicator` column: a known id, the indicator's base unit, one figure per period and area.

    Two figures of one case may map to one indicator only with different `period`s (the
    years of a series: hightech 2021 and 2023) or `area`s (the city's count beside the
    province's); the same indicator, period and area twice is an error on the later row,
    naming the first.
    """
    mapped = frame["indicator"]
    if mapped.isna().all():
        return []
    vocabulary = indicators()  # DataErrors naming data/indicators.csv if the vocabulary is broken
    errors: list[DataError] = []
    seen: dict[tuple[str, object, str], tuple[object, int]] = {}  # (indicator, period, area) -> first (id, line)
    for (_, row), line in zip(frame.iterrows(), lines, strict=True):
        ind = row["indicator"]
        if is_blank(ind):
            continue
        if ind not in vocabulary:
            close = difflib.get_close_matches(ind, list(vocabulary), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            errors.append(DataError(path, f"unknown indicator {ind!r} (not an id of {indicators_path()}){hint}",
                                    line, "indicator"))
            continue
        expected = vocabulary[ind].base_unit
        if not is_blank(row["base_unit"]) and str(row["base_unit"]) != expected:
            errors.append(DataError(path, f"indicator {ind!r} is measured in {expected}, "
                                    f"but this figure's base_unit is {row['base_unit']}", line, "indicator"))
        area = "" if is_blank(row["area"]) else str(row["area"])
        key = (ind, row["period"], area)
        if key in seen:
            first_id, first_line = seen[key]
            where = f" and area {area!r}" if area else ""
            errors.append(DataError(path, f"indicator {ind!r} is already mapped for period {row['period']!r}{where} "
                                          f"by figure {first_id!r} on line {first_line}; a case maps one figure per "
                                          "indicator, period and area", line, "indicator"))
        else:
            seen[key] = (row["id"], line)
    return errors


def _num(x: object) -> float | None:
    # a cell of a number column: None, pd.NA, NaN, or a Python or NumPy number
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return None
    return float(cast(SupportsFloat, x))


def figure(figure_id: str, case: str | None = None) -> Figure:
    """One figure by id, with value (as written, in `unit`), bounds (in `base_unit`) and evidence.

    Raises `UnknownFigureError` (with the closest ids) for an id the case does not have,
    `UnknownCaseError` for an unknown case and `DataErrors` for a broken table.
    """
    case = case_name(case)
    c = get_case(case)
    with reads.quiet(c.path(FIGURES_FILE)):
        frame = _load_figures(c)
    reads.row(c.path(FIGURES_FILE), "id", figure_id)
    if figure_id not in frame.index:
        raise UnknownFigureError(figure_id, case, difflib.get_close_matches(figure_id, frame.index, n=3))
    return figure_from_row(frame.loc[figure_id])


LATEST = "latest"  # indicator(period=LATEST): the latest year where a case reports several years


def indicator(indicator_id: str, case: str | None = None, period: str | None = None) -> Figure:
    """The case's figure for a shared indicator (see `data/indicators.csv`).

    `period` (a year such as "2021", "cumulative" or "target") chooses among the periods
    a case reports; without it the case must report exactly one. `period="latest"` takes the
    one period reported, or else the latest year among several (a series such as high-tech
    enterprises in 2021 and 2023; reports use it so that such a case still builds). Only the
    city's figures answer (`area` empty): a province's or a county's figure mapped to the
    same indicator is never returned as the city's. Raises
    `UnknownIndicatorError` for an id not in the vocabulary, `IndicatorNotReportedError`
    when the case maps no figure to it (for that period), and `AmbiguousIndicatorError`
    when `period` is None and the case reports several periods.
    """
    case = case_name(case)
    rows = _indicator_rows(indicator_id, case)
    periods = [str(p) for p in rows["period"]]
    if period == LATEST:
        years = [p for p in periods if p.isdigit()]
        period = max(years, key=int) if len(rows) > 1 and years else None
    if period is not None:
        rows = rows[rows["period"].eq(period).fillna(False).to_numpy(bool)]
    if rows.empty:
        name = indicators()[indicator_id].name_en
        raise IndicatorNotReportedError(indicator_id, case, name, period, periods)
    if len(rows) > 1:
        raise AmbiguousIndicatorError(indicator_id, case, periods, [str(i) for i in rows.index])
    return figure_from_row(rows.iloc[0])


def reports_indicator(indicator_id: str, case: str | None = None) -> bool:
    """Whether the case maps a figure of its city (`area` empty) to the indicator.

    Raises `UnknownIndicatorError` for an id that is not an indicator.
    """
    case = case_name(case)
    return not _indicator_rows(indicator_id, case).empty


def _indicator_rows(indicator_id: str, case: str) -> pd.DataFrame:
    vocabulary = indicators()
    if indicator_id not in vocabulary:
        raise UnknownIndicatorError(indicator_id, difflib.get_close_matches(indicator_id, list(vocabulary), n=3))
    c = get_case(case_name(case))
    with reads.quiet(c.path(FIGURES_FILE)):
        frame = _load_figures(c)
    reads.row(c.path(FIGURES_FILE), "indicator", indicator_id)
    return frame[frame["indicator"].eq(indicator_id).fillna(False).to_numpy(bool) & is_city_row(frame).to_numpy(bool)]


def figure_from_row(row: pd.Series) -> Figure:
    """A `Figure` from one row of `load_figures` (a Series whose name is the id)."""
    values: dict[str, Any] = {}  # field name -> float | None, int or str (each the field's type, below)
    for f in fields(Figure):
        v = row.name if f.name == "id" else row[f.name]
        if f.name in ("value", "value_base", "lower", "upper"):
            v = _num(v)
        elif f.name == "offset":
            v = int(v)
        else:
            v = "" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(v)
        values[f.name] = v
    return Figure(**values)


def load_non_figures(case: str | None = None) -> pd.DataFrame:
    """Numeric mentions in the source that are deliberately not figures, with reasons."""
    return _load_non_figures(get_case(case_name(case))).copy()


@cache
def _load_non_figures(case: Case) -> pd.DataFrame:
    frame, lines = read_table(case.path(NON_FIGURES_FILE), get_schema("non_figures"))
    frame["line"] = lines
    return frame
