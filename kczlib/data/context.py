"""Context statistics: external figures set beside a case (GDP, R&D, population, ...).

`data/cases/<case>/context.csv` holds one row per external number with its source page,
the passage that holds it and a confidence label; `data/schema/context.schema.json`
describes the columns. `context.meta.json` beside it records where the rows came from,
what was searched for and not found (the gaps a report must state), and which row plays
which role in the cross-checks, so that no code names a case's row ids.

None of these numbers comes from the case document: they are never figures.
"""

from __future__ import annotations

import calendar
import difflib
import re
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any, TypedDict, cast
from urllib.parse import urlparse

import pandas as pd

from kczlib import reads
from kczlib.data.cases import Case, case_name, get_case
from kczlib.data.context_rules import check_row_rules, row_bounds, value_base
from kczlib.data.geo import geo_name
from kczlib.data.schema import get_schema, is_blank, read_table, typed_frame
from kczlib.errors import DataError, DataErrors, UnknownContextError  # noqa: F401 (re-exported)
from kczlib.textfile import read_json
from kczlib.words import word

CONTEXT_FILE = "context.csv"
META_FILE = "context.meta.json"
CONFIDENCES = ("high", "medium", "low", "derived")

_HALVES = {"H1": "period.first_half", "H2": "period.second_half"}  # keys of words/context.toml


def confidence_label(confidence: str, lang: str) -> str:
    """The reader's label of a confidence (high -> 高可信度 / high confidence), from words/context.toml.

    Raises:
        WordsError: an unknown confidence or language.
    """
    return word("context", f"confidence.{confidence}", lang)


def geo_label(geo: str, lang: str) -> str:
    """A place as a reader of `lang` reads it: `kczlib.data.geo.geo_name`.

    Kept under this name for the report layer; new code calls `geo_name`).
    """
    return geo_name(geo, lang)


def format_period(year: str, lang: str) -> str:
    """A context period as text (words from words/context.toml).

    2021 -> 2021年 / 2021; 2023-11 -> 2023年11月 / Nov 2023; 2019-H1 -> 2019年上半年 / H1 2019.

    Args:
        year: the period as written in context.csv's `period` column.
        lang: "zh" or "en".

    Returns:
        The period in words.
    """
    y, _, part = year.partition("-")
    if not part:
        return word("context", "period.year", lang).format(year=y)
    if part in _HALVES:
        return word("context", _HALVES[part], lang).format(year=y, half=part)
    month = str(int(part)) if lang == "zh" else calendar.month_abbr[int(part)]
    return word("context", "period.month", lang).format(year=y, month=month)


@dataclass(frozen=True)
class ContextFigure:
    """One external number with its provenance. Empty text fields are "".

    `value` is as written in `unit` (19916.98 亿元); `value_base` and `bounds` are in
    `base_unit` (CNY = yuan). `period` is the period as written (the table's `period`
    column: 2021, 2023-11, 2019-H1); `year_number` is its calendar year. `.year` is a
    deprecated alias of `.period` (kept while the report layer still reads it).
    """

    id: str
    indicator: str
    geo: str
    period: str  # the period as written (context.csv column `period`): 2021, 2023-11 or 2019-H1
    value: float
    unit: str
    confidence: str
    derivation: str
    source_url: str
    excerpt: str
    note: str
    qualifier: str = ""  # "" (exact), 余, 多, 超, 以上 or 近, as the source writes it
    publisher: str = ""  # the original publisher (国家统计局《...公报》, 科技日报), never a mirror host
    publisher_en: str = ""  # the publisher's name in English, as English pages cite it
    published: str = ""  # publication date of the source page (2023-11-17, 2023-09), "" when undated
    release: str = ""  # a slug shared by the rows of one release
    lower: float | None = None  # explicit lower bound in `unit`; None = the qualifier rule's
    upper: float | None = None  # explicit upper bound in `unit`; None = the qualifier rule's

    @property
    def value_base(self) -> float:
        """The value in its base unit (`kczlib.units.context_unit_base`)."""
        return value_base(self.value, self.unit)[0]

    @property
    def base_unit(self) -> str:
        """The base unit of the row's unit (CNY, count, percent ...)."""
        return value_base(self.value, self.unit)[1]

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """(lower, upper) in the base unit.

        Equal for an exact row; a qualified row is a range by the rules of
        `kczlib.data.quantities` (10万余人 -> 100000 to 110000, 超400亿元 -> at least 4e10
        with no upper bound, 近4000家 -> at most 4000).
        """
        return row_bounds(self.value, self.unit, self.qualifier, self.lower, self.upper)

    def publisher_in(self, lang: str) -> str:
        """The publisher as a page in `lang` names it: the Chinese name, or the English one (zh, en)."""
        return self.publisher if lang == "zh" or not self.publisher_en else self.publisher_en

    @property
    def access_host(self) -> str:
        """The host of `source_url`: the access route (often a mirror), not the publisher."""
        return urlparse(self.source_url).hostname or ""

    @property
    def year(self) -> str:
        """Deprecated alias of `period` (the period as written, not a year number)."""
        return self.period

    @property
    def year_number(self) -> int:
        """The calendar year of the period as an int (2023-11 -> 2023): the table's `year` column."""
        return int(self.period[:4])

    @property
    def is_derived(self) -> bool:
        """True when the row is computed from others (confidence `derived`)."""
        return self.confidence == "derived"

    def confidence_label(self, lang: str) -> str:
        """The confidence as a reader of `lang` reads it (`confidence_label`)."""
        return confidence_label(self.confidence, lang)


def load_context(case: str | None = None) -> pd.DataFrame:
    """The case's context rows, typed by the schema and indexed by `id` (index only, named "id").

    As in `load_figures`, "id" works in `groupby`, `sort_values`, `merge(on=...)` and
    `reset_index()`. `period` is the period as written (string: 2021, 2023-11, 2019-H1);
    the loader adds `year` (Int64, 2023 for 2023-11, so it sorts as a number),
    `value_base` (Float64) and `base_unit` (categorical, the categories of figures'
    `base_unit`) from `value` and `unit`, and `line` (Int64, the file line). `value` is as
    written in `unit` (19916.98 亿元); `value_base` is in `base_unit` (CNY = yuan).
    `confidence` is categorical; `kczlib.describe("context")` lists every column with its
    type and unit. A case without context.csv gives an empty frame.
    Raises `DataErrors` listing every problem, `UnknownCaseError` for an unknown case.
    """
    c = get_case(case_name(case))
    reads.whole(c.path(CONTEXT_FILE))  # the caller may enumerate every row
    frame, errors = _read_context(c)
    if errors:
        raise DataErrors(list(errors))
    return frame.copy()


def validate_context(case: str | None = None) -> list[DataError]:
    """Every problem in the case's context table, its metadata and its words file; [] when all is well."""
    c = get_case(case_name(case))
    frame, errors = _read_context(c)
    try:
        context_words(c.name)
        word_errors: list[DataError] = []
    except DataError as exc:
        word_errors = [exc]
    # Roles are checked against the rows only when the rows could be read at all.
    return list(errors) + _check_meta(c, None if errors else frame) + word_errors


CONTEXT_WORDS_FILE = "context.words.toml"  # per case: how each derived context row was derived, in words


def context_words(case: str) -> dict[str, dict[str, str]]:
    """{context row id: {lang: words}} of the case's `context.words.toml` ({} when it has none).

    The words a reader reads for how a derived context row was derived
    (`kczlib.analysis.derivation_words.context_derivation`).

    Raises:
        DataError: the file is not valid TOML, or an entry lacks a text in a language of `LANGS`.
    """
    import tomllib

    from kczlib.contract import LANGS

    path = get_case(case).path(CONTEXT_WORDS_FILE)
    if not path.is_file():
        return {}
    try:
        tree = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DataError(path, f"not valid TOML ({exc})") from None
    for row_id, entry in tree.items():
        if not isinstance(entry, dict) or any(not isinstance(entry.get(lang), str) for lang in LANGS):
            raise DataError(path, f"[{row_id}] needs a text in each of {', '.join(LANGS)}")
    return tree


@cache
def _read_context(case: Case) -> tuple[pd.DataFrame, tuple[DataError, ...]]:
    schema = get_schema("context")
    path = case.path(CONTEXT_FILE)
    if not path.is_file():  # context is optional for a case
        return _with_extras(typed_frame([], schema), []), ()
    try:
        frame, lines = read_table(path, schema)
    except DataErrors as exc:
        return _with_extras(typed_frame([], schema), []), tuple(exc.errors)
    except DataError as exc:  # not readable as CSV at all (encoding, an over-long field)
        return _with_extras(typed_frame([], schema), []), (exc,)
    return _with_extras(frame, lines), tuple(check_row_rules(frame, lines, path))


def _with_extras(frame: pd.DataFrame, lines: list[int]) -> pd.DataFrame:
    """The loader's columns (see `load_context`), typed as `load_figures` types them.

    The dtypes: `unit` string, `base_unit` categorical, `year` and `line` Int64.
    """
    from kczlib.data.figures import period_year

    frame["unit"] = frame["unit"].astype("string")
    frame["year"] = period_year(frame["period"])
    based = [value_base(v, u) for v, u in zip(frame["value"], frame["unit"], strict=True)]
    frame["value_base"] = pd.array([b[0] for b in based], dtype="Float64")
    base_units = next(f for f in get_schema("figures")["fields"] if f["name"] == "base_unit")["constraints"]["enum"]
    frame["base_unit"] = pd.Categorical([b[1] for b in based], categories=base_units)
    frame["line"] = pd.array(lines, dtype="Int64")
    return frame.set_index("id")


def context_value(context_id: str, case: str | None = None) -> ContextFigure:
    """One context row by id, with value (as written, in `unit`), confidence and source.

    Raises `UnknownContextError` (with the closest ids) for an id the case does not have.
    """
    case = case_name(case)
    c = get_case(case)
    with reads.quiet(c.path(CONTEXT_FILE)):
        frame, errors = _read_context(c)
    if errors:
        raise DataErrors(list(errors))
    reads.row(c.path(CONTEXT_FILE), "id", context_id)
    if context_id not in frame.index:
        raise UnknownContextError(context_id, case, difflib.get_close_matches(context_id, frame.index, n=3))
    row = frame.loc[context_id]
    values: dict[str, Any] = {}  # field name -> float (value) or str (each the field's type, below)
    for f in fields(ContextFigure):
        v = context_id if f.name == "id" else row[f.name]
        if f.name in ("lower", "upper"):
            values[f.name] = None if is_blank(v) else float(v)
        else:
            values[f.name] = float(v) if f.name == "value" else ("" if is_blank(v) else str(v))
    return ContextFigure(**values)


class ContextGap(TypedDict):
    """Context searched for and not found (context.meta.json `gaps`), one sentence per language.

    `topic` is the gap's id; `label` ({zh, en}, no digits) names it where a reader sees a name,
    as in a page's data download (the id is never printed).
    """

    topic: str
    label: dict[str, str]
    zh: str
    en: str


class ContextMeta(TypedDict, total=False):
    """context.meta.json: where the rows came from, and the roles, series and gaps reports use."""

    table: str
    schema: str
    description: str
    origin: dict[str, str]
    searched_not_found: list[str]
    gaps: list[ContextGap]
    roles: dict[str, str]  # role -> context row id
    series: dict[str, str]  # series name -> id prefix of its rows
    series_breaks: dict[str, dict[str, str]]  # series name -> {row id: reason}


def context_meta(case: str | None = None) -> ContextMeta:
    """The case's context metadata ({} when the case has none)."""
    return _read_meta(get_case(case_name(case)))


@cache
def _read_meta(case: Case) -> ContextMeta:
    path = case.path(META_FILE)
    if not path.is_file():
        return {}
    # read as written (not checked): a key of the wrong shape fails where a report uses it, as before
    return cast(ContextMeta, read_json(path))


def _check_meta(case: Case, frame: pd.DataFrame | None) -> list[DataError]:
    path = case.path(META_FILE)
    try:
        meta = _read_meta(case)
    except DataError as exc:
        return [exc]
    errors = []
    for role, context_id in meta.get("roles", {}).items():
        if frame is not None and context_id not in frame.index:
            errors.append(DataError(path, f"role {role!r} names {context_id!r}, which is not a row of {CONTEXT_FILE}",
                                    column=f"roles.{role}"))
    for i, gap in enumerate(meta.get("gaps", [])):
        for key in ("topic", "zh", "en"):
            if not str(gap.get(key, "")).strip():
                errors.append(DataError(path, f"gap {i + 1} has no {key!r}", column=f"gaps[{i}].{key}"))
        errors += _gap_label_errors(path, i, gap.get("label"))
    return errors


def _gap_label_errors(path: Path, i: int, label: object) -> list[DataError]:
    """The problems of gap `i`'s `label`: a name in each of zh and en, with no digit (a name, not a figure)."""
    errors = []
    for lang in ("zh", "en"):
        text = label.get(lang) if isinstance(label, dict) else None
        column = f"gaps[{i}].label.{lang}"
        if not isinstance(text, str) or not text.strip():
            errors.append(DataError(path, f"gap {i + 1} has no label.{lang} (its name in the data download)",
                                    column=column))
        elif re.search(r"\d", text):
            errors.append(DataError(path, f"gap {i + 1}'s label.{lang} has digits typed in; a gap's name carries "
                                    "no numbers (its sentence says the years)", column=column))
    return errors


def context_role(role: str, case: str | None = None) -> ContextFigure | None:
    """The row that plays `role` in the cross-checks (per context.meta.json), or None.

    None when the case assigns no row to the role or the row is absent, so a check can
    say "cannot tell" instead of failing.
    """
    case = case_name(case)
    context_id = context_meta(case).get("roles", {}).get(role)
    if context_id is None or context_id not in load_context(case).index:
        return None
    return context_value(context_id, case)


def context_series(name: str, case: str | None = None) -> list[ContextFigure]:
    """Rows whose id starts with the prefix the metadata gives for series `name`, by id."""
    case = case_name(case)
    prefix = context_meta(case).get("series", {}).get(name)
    if prefix is None:
        return []
    ids = sorted(i for i in load_context(case).index if i.startswith(prefix))
    return [context_value(i, case) for i in ids]


def context_gaps(case: str | None = None) -> list[ContextGap]:
    """Context searched for and not found: [{topic, zh, en}], one sentence per language."""
    return [ContextGap(**g) for g in context_meta(case).get("gaps", [])]  # copies


def series_breaks(name: str, case: str | None = None) -> dict[str, str]:
    """Rows of series `name` that start a new, re-based series ({id: reason}).

    The change from the row before them is a break in the series, not a change in the quantity.
    """
    return dict(context_meta(case).get("series_breaks", {}).get(name, {}))
