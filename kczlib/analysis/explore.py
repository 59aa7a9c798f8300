"""The public analysis API: a case's numbers with their provenance, for an analyst's own notebook.

    >>> import kczlib
    >>> case = kczlib.default_case()
    >>> n = kczlib.num(case, "kechuangdai_loans") / kczlib.num(case, "kechuangdai_firms")
    >>> n.base_unit  # yuan per firm
    'CNY'

`num(case, id)` looks `id` up as a figure id of the case, else as a shared indicator the
case reports, else as one of the case's context rows (external statistics), in that order.
The `Num` it returns names its case in its ids (`<case>/kechuangdai_loans`, as the
comparison does: `kczlib.analysis.compare.qualified`), so numbers of several cases can be
combined and the same figure id in two cases stays two inputs.

Arithmetic (`+ - * /` on `Num`, and `growth`, `share`, `per_capita`, `cagr` here) is the
reports' own (`kczlib.analysis.metrics`): bounds are joint over the distinct inputs by the
vertex method (`kczlib.analysis.bounds`), so `x / x` is 1 and `a - a` is 0. `explain`,
`to_frame`, `text` (the repr) and `html_view` (`_repr_html_`) show a number with its
derivation and its inputs' evidence.
"""

from __future__ import annotations

import difflib
import html

import pandas as pd

from kczlib.analysis import metrics
from kczlib.analysis.compare import case_context_num, case_figure_num, split_ref
from kczlib.analysis.derivation_words import derivation_words
from kczlib.analysis.formatting import format_interval
from kczlib.analysis.ledger import exact_text
from kczlib.analysis.num import RATIO, ContextRef, FigureRef, Num, Parameter, assumption, register
from kczlib.contract import LANGS
from kczlib.data.context import context_value, load_context
from kczlib.data.figures import figure, indicator, is_city_row, load_figures
from kczlib.data.indicators import indicators
from kczlib.errors import ParameterError, UnitMismatchError, UnknownNumError
from kczlib.words import word

# What `per_capita` shares out per resident: amounts (money, counts, physical quantities), never a
# rate, a rank, a multiple or a duration (3.52% per resident means nothing)
PER_CAPITA_UNITS = ("CNY", "USD", "count", "kW", "kWh", "kg", "km", "km2", "m2", "mu", "ha")
FRAME_COLUMNS = ("id", "case", "row_id", "kind", "name_zh", "name_en", "stated_zh", "stated_en", "lower", "upper",
                 "base_unit", "qualifier", "period", "evidence", "offset", "publisher", "source_url", "confidence")
"""The columns of `to_frame`, in order."""


# --- looking numbers up -------------------------------------------------------------------

def num(case: str, id: str, period: str | None = None) -> Num:  # noqa: A002 (the id of a row)
    """A case's number as a `Num`: a figure, the figure of an indicator, or a context row.

    `id` is tried as (1) a figure id of the case's figures.csv, (2) an indicator id of
    data/indicators.csv that the case reports, (3) a row id of the case's context.csv. The
    `Num`'s id names the case (`<case>/<id>`; for an indicator, the case's own figure id).

    Args:
        case: a case folder name (`kczlib.list_cases()`).
        id: a figure id, an indicator id or a context row id.
        period: for an indicator the case reports for several periods, which one ("2021",
            "cumulative", "latest" for the latest year); ignored otherwise.

    Returns:
        A leaf `Num` in its base unit (yuan for CNY): bounds as the source states them.

    Raises:
        UnknownCaseError: an unknown case. UnknownNumError: none of the three (the message
        suggests close ids). AmbiguousIndicatorError: an indicator reported for several
        periods, without `period` (the message names the periods and figures).
        IndicatorNotReportedError: an indicator the case does not report for `period`.
    """
    figures = load_figures(case)
    if id in figures.index:
        return case_figure_num(case, id)
    reported = sorted({str(i) for i in figures[is_city_row(figures)]["indicator"].dropna() if str(i)})
    context = load_context(case)
    if id in indicators() and (id in reported or id not in context.index):
        return case_figure_num(case, indicator(id, case, period).id)  # IndicatorNotReportedError if not reported
    if id in context.index:
        return case_context_num(case, id)
    known = [str(i) for i in figures.index] + reported + [str(i) for i in context.index]
    raise UnknownNumError(id, case, difflib.get_close_matches(id, known, n=3))


# --- derived numbers with a unit check ------------------------------------------------------

def _same_unit(what: str, a: Num, b: Num) -> None:
    if a.base_unit != b.base_unit:
        raise UnitMismatchError(what, a.base_unit, b.base_unit, "; both need the same unit")
    metrics.refuse_ranks(what, a, b)  # growth, share or cagr of places means nothing


def growth(later: Num, earlier: Num) -> Num:
    """The relative change from `earlier` to `later`: later / earlier - 1, as a share (0.28 = 28% more).

    A fall is negative. (`metrics.growth` is the multiple later / earlier; this is that minus 1,
    `metrics.change_rate`.)

    Raises:
        UnitMismatchError: the two are not in one base unit.
    """
    _same_unit("growth", later, earlier)
    return metrics.change_rate(later, earlier)


def share(part: Num, whole: Num) -> Num:
    """The share part / whole, in [0, 1] (printed as a percent; `metrics.share`).

    Raises:
        UnitMismatchError: the two are not in one base unit.
        ParameterError: the part is surely larger than the whole (its lower bound above the
            whole's upper bound); where their ranges overlap the share is capped at 1.
    """
    _same_unit("share", part, whole)
    if part.lower is not None and whole.upper is not None and part.lower > whole.upper:
        raise ParameterError("part", f"{part.format('en')} is larger than the whole, {whole.format('en')}: "
                                     "not a share (growth(later, earlier) is the change between two periods)")
    return metrics.share(part, whole)


def per_capita(x: Num, population: Num, per: int = 1) -> Num:
    """`x` per resident (per=1: x / population) or per ten thousand residents (per=10000).

    In `x`'s base unit: yuan per resident, firms per ten thousand residents.

    Args:
        x: any quantity.
        population: a count of people (a context row such as the resident population).
        per: 1 or 10000 (the usual 每万人 base of Chinese statistics).

    Raises:
        UnitMismatchError: `population` is not a count, or `x` is no amount (`PER_CAPITA_UNITS`: a
            percentage, a rank or a multiple per resident means nothing). ParameterError: `per` is neither.
    """
    if population.base_unit != "count":
        raise UnitMismatchError("per capita of", x.base_unit, population.base_unit, "; the population must be a count")
    if x.base_unit not in PER_CAPITA_UNITS:  # a rate, a rank or a multiple is no amount to share out
        raise UnitMismatchError("per capita of", x.base_unit, population.base_unit,
                                f"; only an amount is shared out per resident ({', '.join(PER_CAPITA_UNITS)})")
    if per == 1:
        return metrics.ratio(x, population, x.base_unit, measure=x.measure)
    if per == metrics.PER_RESIDENTS:
        return metrics.per_ten_thousand(x, population, x.measure)
    raise ParameterError("per", f"must be 1 or 10000, got {per!r}")


def cagr(later: Num, earlier: Num, years: int | float | None = None) -> Num:
    """Compound annual growth rate: (later / earlier) ** (1 / years) - 1, as a share.

    `years` defaults to the years between the two figures' periods (both must be dated by a
    year: 2021 to 2023 is two years); a number given is shown as a value you set.

    Raises:
        UnitMismatchError: the two are not in one base unit. ParameterError: `years` is not given
        and a period is not a year, or the years are not positive.
    """
    _same_unit("cagr", later, earlier)
    if years is None:
        start, end = _year(earlier), _year(later)
        span = metrics.years_between(start, end, later.refs + earlier.refs)
    else:
        span = assumption("years", float(years), "years")
    if not span.lower or span.lower <= 0:
        raise ParameterError("years", f"must be positive, got {span.lower:g}")
    return metrics.compound_rate(later, earlier, span)


def _year(n: Num) -> int:
    """The year of a figure's or context row's period (ParameterError if it has none)."""
    source = _source(n) if n.is_leaf else None
    period = str(source["period"]) if source else ""
    if not period[:4].isdigit():
        name = ", ".join(n.ids) or n.derivation
        raise ParameterError("years", f"{name} is not dated by a year (period {period!r}); pass years=")
    return int(period[:4])


# --- provenance ----------------------------------------------------------------------------------

def _printed(n: Num, lang: str) -> str:
    """`n.format(lang)`, or, for a share outside [0, 1] (a fall, a doubling), its percent; never raises."""
    try:
        return n.format(lang)
    except ParameterError:
        if n.base_unit == RATIO:
            lo, hi = (None if x is None else x * 100 for x in (n.lower, n.upper))
            return format_interval(lo, hi, "percent", lang)
        return f"{exact_text(n)} {n.base_unit}"


def _source(leaf: Num) -> dict[str, object]:
    """One input's provenance as a row of `to_frame` (evidence looked up for a `<case>/<id>` id)."""
    row: dict[str, object] = dict.fromkeys(FRAME_COLUMNS, "")
    row.update(id=leaf.derivation or ", ".join(leaf.ids), kind=leaf.kind,
               lower=leaf.lower, upper=leaf.upper, base_unit=leaf.base_unit, qualifier=leaf.qualifier,
               offset=None, stated_zh=_printed(leaf, "zh"), stated_en=_printed(leaf, "en"))
    origin = leaf.origin
    if isinstance(origin, Parameter):
        row.update(id=origin.name, name_zh=origin.name, name_en=origin.name)
    if not isinstance(origin, FigureRef | ContextRef):
        return row
    row["id"] = origin.id
    try:
        case, row_id = split_ref(origin.id)
    except ValueError:  # a report's own Num: its ids are not qualified by a case
        return row
    row.update(case=case, row_id=row_id)
    if isinstance(origin, FigureRef):
        f = figure(row_id, case)
        row.update(name_zh=f.metric_zh, name_en=f.metric_en, period=f.period, evidence=f.evidence, offset=f.offset)
    else:
        c = context_value(row_id, case)
        # context.csv writes the indicator in Chinese, a space, then English ("常住人口 resident population")
        zh, _, en = str(c.indicator).partition(" ")
        row.update(name_zh=zh, name_en=en.strip() or zh, period=c.period, evidence=c.excerpt,
                   publisher=c.publisher, source_url=c.source_url, confidence=c.confidence)
    return row


def to_frame(n: Num) -> pd.DataFrame:
    """`n`'s distinct inputs, one row each (a leaf: the number itself), with their evidence.

    Columns (`FRAME_COLUMNS`): id (`<case>/<row id>`, a parameter's name), case, row_id,
    kind (figure, context, assumption, derived), name_zh and name_en (what the figure
    counts; a context row's indicator text), stated_zh and stated_en (the value as printed:
    200多亿元), lower and upper (Float64, in base_unit; <NA> where the source leaves a bound
    open), base_unit, qualifier, period, evidence (the figure's passage of the case text, or
    the context row's excerpt), offset (Int64: where the passage starts in the case text;
    <NA> for a context row), publisher, source_url and confidence (context rows only, else "").
    """
    frame = pd.DataFrame([_source(leaf) for leaf in n.inputs()], columns=list(FRAME_COLUMNS))
    for col in ("lower", "upper"):
        frame[col] = frame[col].astype("Float64")
    frame["offset"] = frame["offset"].astype("Int64")
    return frame


def _name(leaf: Num, lang: str) -> str:
    """How an input is named in a derivation in words: what it counts, then its id."""
    if isinstance(leaf.origin, Parameter):
        return word("numbers", "explore.assumption", lang).format(name=leaf.origin.name)
    if span := metrics.years_span(leaf):
        return word("numbers", "explore.years", lang).format(start=span[0], end=span[1])
    source = _source(leaf)
    what = source[f"name_{lang}"]
    return word("numbers", "explore.input", lang).format(name=what, id=source["id"]) if what else str(source["id"])


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ParameterError("lang", f"unknown language {lang!r}", ", ".join(LANGS))


def formula(n: Num, lang: str) -> str:
    """`n`'s derivation in words of `lang`, each input named by what it counts and its id."""
    _check_lang(lang)
    if n.is_leaf:
        return word("numbers", "explore.stated", lang).format(value=_printed(n, lang), name=_name(n, lang))
    return word("numbers", "explore.equals", lang).format(value=_printed(n, lang),
                                                          formula=derivation_words(n, lang, lambda x: _name(x, lang)))


def _source_line(row: dict[str, object], lang: str) -> str:
    key = {"figure": "explore.figure_source", "context": "explore.context_source"}.get(str(row["kind"]))
    if key is None or not row["case"]:
        return word("numbers", "explore.other_source", lang).format(id=row["id"], value=row[f"stated_{lang}"])
    return word("numbers", key, lang).format(id=row["id"], value=row[f"stated_{lang}"], period=row["period"],
                                             evidence=row["evidence"], offset=row["offset"],
                                             publisher=row["publisher"], url=row["source_url"],
                                             confidence=row["confidence"])


def explain(n: Num, lang: str = "zh") -> str:
    """How `n` was derived, in `lang` ("zh" or "en"): the formula in words, then each input's evidence.

    The first line is the printed value, "=", and the formula with each input named by what
    it counts and its id; then one line per input (a figure: its value, period, passage and
    offset in the case text; a context row: its publisher, URL, confidence and excerpt).

    Raises:
        ParameterError: an unknown language.
    """
    lines = [formula(n, lang), word("numbers", "explore.sources", lang)]
    lines += [_source_line(_source(leaf), lang) for leaf in n.inputs()]
    return "\n".join(lines)


def text(n: Num) -> str:
    """The repr of `n`: its value in both languages, the exact range, the formula and its inputs' ids."""
    head = f"{_printed(n, 'zh')}  ({_printed(n, 'en')})"
    lines = [head, f"  {word('numbers', 'explore.range', 'en')}: {exact_text(n) or '?'} {n.base_unit}"]
    if not n.is_leaf:
        lines.append(f"  = {n.derivation}")
    for leaf in n.inputs():
        row = _source(leaf)
        where = f" {row['evidence']!s}" if row["evidence"] else ""
        lines.append(f"  {row['id']}: {row['stated_zh']}{where}")
    return "\n".join(lines)


def html_view(n: Num, lang: str = "zh") -> str:
    """`n` as HTML for a notebook: value, exact range, derivation in words and a table of sources.

    Every data string is escaped (`html.escape`); nothing is scripted or loaded.
    """
    e = html.escape
    w = {k: word("numbers", f"explore.{k}", lang) for k in ("range", "col_id", "col_value", "col_period",
                                                             "col_evidence", "col_where")}
    other = next(x for x in LANGS if x != lang)
    head = [f"<div class=\"kcz-num\"><p><strong>{e(_printed(n, lang))}</strong> "
            f"<span>({e(_printed(n, other))})</span></p>",
            f"<p>{e(w['range'])}: <code>{e(exact_text(n) or '?')} {e(n.base_unit)}</code></p>"]
    if not n.is_leaf:
        head += [f"<p>{e(formula(n, lang))}</p>", f"<p>{e(formula(n, other))}</p>"]
    rows = []
    for leaf in n.inputs():
        r = _source(leaf)
        where = r["source_url"] or (word("numbers", "explore.at_offset", lang).format(offset=r["offset"])
                                    if r["offset"] is not None else "")
        who = f"{r['publisher']} " if r["publisher"] else ""
        rows.append("<tr>" + "".join(f"<td>{e(str(x))}</td>" for x in (
            r["id"], r[f"stated_{lang}"], r["period"], r["evidence"], f"{who}{where}")) + "</tr>")
    cols = "".join(f"<th>{e(w[k])}</th>" for k in ("col_id", "col_value", "col_period", "col_evidence", "col_where"))
    table = f"<table><thead><tr>{cols}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    return "".join(head) + table + "</div>"


register(explain=explain, to_frame=to_frame, text=text, html=html_view)  # Num's views in a notebook

__all__ = ["FRAME_COLUMNS", "cagr", "explain", "formula", "growth", "html_view", "num", "per_capita",
           "share", "text", "to_frame"]
