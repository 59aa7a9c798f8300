"""Validation of a case against its source: provenance, parsing and coverage.

Checks, in order: the raw file's checksum; the figures and non-figures tables against
their schemas and row rules; every figure's evidence at its offset, its section, and
that parsing the evidence yields the row's value, unit, qualifier and bounds; and
coverage: every numeric mention the parser finds is claimed by figure rows or by
one non-figure row, never both, or is a non-figure the parser itself recognises (a
date, an ordinal, a list marker, a name, see `nonfigures.NON_FIGURE_RULES`); a
non-figure row for such a mention is allowed but optional (counted as `redundant_rows`).
`main()` prints a summary and returns non-zero on any problem.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pandas as pd

from kczlib import reads
from kczlib.data.cases import (
    Case,
    case_file,
    case_folder_names,
    cases_root,
    get_case,
    missing_data_folder,
    passage_errors,
    prose_digit_errors,
)
from kczlib.data.figures import (
    DRAFT_REASON,
    FIGURES_FILE,
    NON_FIGURES_FILE,
    Figure,
    figure_from_row,
    load_figures,
    load_non_figures,
    read_figures,
    read_figures_with_row_problems,
)
from kczlib.data.geo import geo_path
from kczlib.data.indicators import indicators_path, load_indicators
from kczlib.data.quantities import Mention, find_quantities
from kczlib.data.schema import get_schema, read_table
from kczlib.data.source import SourceDocument, load_source
from kczlib.data.validate_shared import once_for_shared_tables, read_geo_rows, shared_table_status, word_files_status
from kczlib.errors import DataError, DataErrors, KczError, grouped_errors

PARSED_COLUMNS = ("value", "unit", "value_base", "base_unit", "qualifier", "lower", "upper")


@dataclass
class ValidationResult:
    """What validating one case found: counts of rows, checks and mentions, and every problem.

    `mentions` (numeric mentions the parser finds in the source) must equal
    `claimed_by_figures + claimed_by_non_figures + recognised_non_figures` with nothing
    `unaccounted`; `errors` holds every `DataError` (file, line, column). `loaded` is False
    when case.json still has blanks, so only the problems are known.
    """

    case: str
    figures: int = 0
    non_figures: int = 0
    evidence_ok: int = 0
    parse_ok: int = 0
    corrected: int = 0  # figure rows whose `correction` replaces the parser's reading
    mentions: int = 0
    claimed_by_figures: int = 0
    shared_mentions: int = 0  # figure rows whose mention an earlier row claims (均排名第一 states two)
    claimed_by_non_figures: int = 0
    recognised_non_figures: int = 0  # mentions no row claims, recognised by the built-in rules
    redundant_rows: int = 0  # non-figure rows whose mention the built-in rules also recognise
    unaccounted: list[Mention] = field(default_factory=list)
    glosses_removed: int = 0
    per_chain: dict[str, int] = field(default_factory=dict)
    qualified: int = 0  # figure rows whose qualifier is one of `qualifiers`
    qualifiers: list[str] = field(default_factory=list)  # the qualifiers other than exact the figures use
    indicators_mapped: int = 0  # figures mapped to a shared indicator (data/indicators.csv)
    other_areas: dict[str, int] = field(default_factory=dict)  # figures about another place (`area`) by place
    context_rows: int = 0
    loaded: bool = True  # False when case.json still has blanks: only the problems are known
    errors: list[DataError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found and every mention is accounted for."""
        return not self.errors and not self.unaccounted


def _same(a: str | float | None, b: str | float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        # one is a float, so both are numbers: the columns compared hold one type on both sides
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


CORRECTION_HINT = ("if the analyst's reading stands, say in the row's `correction` column what the parser read "
                   "and why")


def check_figure(fig: Figure, text: str, doc: SourceDocument, path: Path,
                 line: int) -> tuple[list[DataError], Mention | None]:
    """Evidence, section and parse checks for one figure; returns errors and the mention it claims.

    The row must equal the parser's reading of its evidence (value, unit, value_base,
    base_unit, qualifier, lower, upper), unless its `correction` says why the analyst's
    reading stands: a corrected row then claims the mention the parser read there (the first
    figure mention of the evidence, else its first mention of any kind), or none when the
    parser missed the figure entirely (全国首套). The mention is in the coordinates of `text`;
    None when nothing is claimed. Errors name `path`, `line` and the column.
    """
    errors: list[DataError] = []
    at = text[fig.offset : fig.offset + len(fig.evidence)]
    if at != fig.evidence:
        found = text.find(fig.evidence)
        hint = f"; it occurs at offset {found}" if found >= 0 else "; it does not occur in the cleaned source"
        return [DataError(path, f"evidence {fig.evidence!r} is not at offset {fig.offset}{hint}",
                          line, "evidence")], None
    section = doc.section_at(fig.offset).path
    if fig.section != section:
        errors.append(DataError(path, f"section {fig.section!r} but the evidence is in section {section!r}",
                                line, "section"))
    every = find_quantities(fig.evidence)
    candidates = [m for m in every if m.quantity.is_figure_kind]
    for m in candidates:
        if _reads_as(fig, m):
            return errors, Mention(m.text, m.start + fig.offset, m.end + fig.offset, m.quantity)
    if fig.is_corrected:
        if not every:
            return errors, None
        read = (candidates or every)[0]
        return errors, Mention(read.text, read.start + fig.offset, read.end + fig.offset, read.quantity)
    if not candidates:
        errors.append(DataError(path, f"no quantity found in evidence {fig.evidence!r} ({CORRECTION_HINT})",
                                line, "evidence"))
    else:
        best = candidates[0]
        diffs = [f"{c}: row {getattr(fig, c)!r}, parsed {_parsed(best, c)!r}" for c in PARSED_COLUMNS
                 if not _same(_row_value(fig, c), _parsed(best, c))]
        errors.append(DataError(path, f"parsing {best.text!r} disagrees with the row ({'; '.join(diffs)}; "
                                      f"{CORRECTION_HINT})", line, diffs[0].split(":")[0]))
    return errors, None


def _reads_as(fig: Figure, m: Mention) -> bool:
    """True when the row holds the parser's reading of mention `m` in every parsed column."""
    return all(_same(_row_value(fig, c), _parsed(m, c)) for c in PARSED_COLUMNS)


def _parsed(m: Mention, column: str) -> str | float | None:
    v: str | float | None = getattr(m.quantity, column)  # one of PARSED_COLUMNS: a str or a number
    return (v or None) if column == "unit" else v


def _row_value(fig: Figure, column: str) -> str | float | None:
    v: str | float | None = getattr(fig, column)  # one of PARSED_COLUMNS: a str or a number
    return (v or None) if column == "unit" else v  # an empty unit reads as None on both sides


def validate_case(case: str) -> ValidationResult:
    """Check one case (see the module docstring); problems are collected in `ValidationResult.errors`.

    Raises `UnknownCaseError` for a case with no folder and `DataError` for a `case.json`
    that cannot be read at all; blanks left in `case.json` (a drafted case) are reported
    with the tables' own problems, so the curator sees everything left to fill at once.
    """
    result = ValidationResult(case)
    try:
        c = get_case(case)
    except DataErrors as exc:
        result.errors.extend(exc.errors)
        result.errors.extend(_table_errors(cases_root() / case))
        result.loaded = False
        return result
    result.errors.extend(prose_digit_errors(c.meta, c.path("case.json")))  # the build refuses them too
    try:
        doc = load_source(case)
        result.glosses_removed = doc.glosses_removed
        result.errors.extend(passage_errors(c.meta, c.path("case.json"), doc.text))
        figures, row_problems = _figures_validated(case, c.path(FIGURES_FILE))
    except DataErrors as exc:
        result.errors.extend(exc.errors)
        result.loaded = False
        return result
    except DataError as exc:
        result.errors.append(exc)
        result.loaded = False
        return result
    # rows that break a rule are said with their problems and not checked against the source;
    # the other rows are (an indicator clash must not hide an evidence problem until it is fixed)
    result.errors.extend(row_problems)
    unchecked = figures["line"].isin({e.line for e in row_problems if e.line is not None})
    try:
        non_figures = load_non_figures(case)
    except DataErrors as exc:
        result.errors.extend(exc.errors)
        non_figures = pd.DataFrame({"offset": [], "line": [], "text": []})
    result.figures, result.non_figures = len(figures), len(non_figures)
    result.per_chain = {k: int(v) for k, v in figures["chain"].value_counts(sort=False).items() if v}
    # one set for the count and for the list a report prints beside it, in the vocabulary's order
    result.qualifiers = [q for q in qualifier_vocabulary() if q != "exact" and (figures["qualifier"] == q).any()]
    result.qualified = int(figures["qualifier"].isin(result.qualifiers).sum())
    result.indicators_mapped = int(figures["indicator"].notna().sum())
    areas = figures["area"].dropna().astype(str)
    result.other_areas = {str(k): int(v) for k, v in areas[areas.str.strip() != ""].value_counts(sort=False).items()}
    claims = _check_figures(result, figures[~unchecked], doc, c.path(FIGURES_FILE))
    mentions = {m.start: m for m in find_quantities(doc.text)}
    _claim_unchecked(claims, mentions, figures[unchecked], doc.text)
    _claim_whole_mentions(claims, mentions)
    result.mentions = len(mentions)
    result.claimed_by_figures = sum(1 for s in claims if s in mentions)
    _check_non_figures(result, non_figures, mentions, claims, c.path(NON_FIGURES_FILE))
    for start, m in mentions.items():
        if start not in claims and m.quantity.is_known_non_figure:
            claims[start] = "built-in rules"
            result.recognised_non_figures += 1
    result.unaccounted = [m for s, m in sorted(mentions.items()) if s not in claims]
    context_errors = _context_errors(c)
    result.errors.extend(context_errors)
    if not context_errors and c.path("context.csv").exists():
        from kczlib.data.context import load_context

        result.context_rows = len(load_context(case))
    return result


def require_valid(case: str) -> ValidationResult:
    """Refuse a case whose data has a problem `kcz validate` reports (`validate_case`'s errors).

    A report prints a case's figures as the source's; a row whose evidence is not in the
    source, whose value disagrees with what the source says, or a case.json with blanks must
    fail the report, not be published. Numeric mentions no row claims (`unaccounted`) do not
    refuse a case: curation may still be under way, and the overview says how many there are.

    Returns:
        The case's `ValidationResult` (no errors), for what a report says of the checks.

    Raises:
        DataError: the first problem (file, line, column and reason), saying how many there
            are and that `kcz validate <case>` lists them all (one line).
        UnknownCaseError: `case` is not a case folder.
    """
    result = validate_case(case)
    errors = result.errors
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise DataError(first.path, f"{first.reason}{more}; `kcz validate {case}` lists every problem",
                        first.line, first.column)
    return result


def _claim_unchecked(claims: dict[int, str], mentions: dict[int, Mention], rows: pd.DataFrame, text: str) -> None:
    """Let rows not checked against the source (they break a rule) claim their mention, in `claims`.

    Each claims the first figure mention of its evidence where the evidence stands at its
    offset, so the mention is not also listed as unaccounted while the row's problem is fixed.
    """
    for fid, row in rows.iterrows():
        offset, evidence = row["offset"], row["evidence"]
        if pd.isna(offset) or pd.isna(evidence) or text[int(offset):int(offset) + len(evidence)] != evidence:
            continue
        inside = [m for s, m in sorted(mentions.items()) if int(offset) <= s < int(offset) + len(evidence)]
        inside = [m for m in inside if m.quantity.is_figure_kind] or inside
        if inside:
            claims.setdefault(inside[0].start, f"figure {fid!r} (not checked: see its problems)")


def _claim_whole_mentions(claims: dict[int, str], mentions: dict[int, Mention]) -> None:
    """Move a claim made at an offset inside a mention of the whole text to that mention's start.

    The evidence alone may read differently from the whole text, where the words before it
    count (the 5 of 排名5 is a count alone, a rank in the text): a corrected row claims the
    mention the whole text has there. A mention already claimed keeps its first claim.
    """
    for start in [s for s in claims if s not in mentions]:
        whole = next((m for m in mentions.values() if m.start <= start < m.end), None)
        if whole is not None and whole.start not in claims:
            claims[whole.start] = claims.pop(start)


def qualifier_vocabulary() -> list[str]:
    """The figures' qualifiers in the order of the schema's vocabulary (exact 余 多 逾 超 ...)."""
    from kczlib.data.schema import get_schema

    field_ = next(f for f in get_schema("figures")["fields"] if f["name"] == "qualifier")
    return list(field_.get("constraints", {}).get("enum", []))


# what a figure is called: shown to readers, never checked against the source or counted here
NAME_COLUMNS = ("metric_zh", "metric_en")


def _figures_validated(case: str, path: Path) -> tuple[pd.DataFrame, list[DataError]]:
    """The case's figures table and the problems of its rows (`read_figures_with_row_problems`).

    The table is recorded as read in every column validation uses (`kczlib.reads`). The metric
    names (`NAME_COLUMNS`) are not among them: a report that shows what validation counts (the
    overview's caveats) is not rebuilt when a figure is renamed.

    Raises:
        DataErrors: The table does not fit its schema.
    """
    problems: list[DataError] = []
    with reads.quiet(path):
        try:
            figures = load_figures(case)
        except DataErrors:  # read again, keeping the rows: the others are still checked
            figures, problems = read_figures_with_row_problems(path)
    reads.columns(path, tuple(f["name"] for f in get_schema("figures")["fields"] if f["name"] not in NAME_COLUMNS))
    return figures, problems


def _check_figures(result: ValidationResult, figures: pd.DataFrame, doc: SourceDocument,
                   fig_path: Path) -> dict[int, str]:
    """Check each figure against the source (`check_figure`), counting into `result`.

    Returns the claims: mention start -> the figure that claims it (the first, if several do).
    Several figures may share one mention only where it states several (均排名第一 ranks two
    criteria first): a row claiming a mention an earlier row claims must name that row's id in
    its `note`, else it is refused as the same figure held twice.
    """
    text = doc.text
    claims: dict[int, str] = {}
    claimed_by: dict[int, str] = {}
    for _, row in figures.iterrows():
        fig = figure_from_row(row)
        errs, mention = check_figure(fig, text, doc, fig_path, int(row["line"]))
        result.errors.extend(errs)
        if not any(e.column == "evidence" for e in errs):
            result.evidence_ok += 1
        if mention is not None and _reads_as(fig, mention):
            result.parse_ok += 1
        elif fig.is_corrected and not errs:
            result.corrected += 1
        if mention is not None:
            first = claimed_by.get(mention.start)
            if first is not None and first not in (fig.note or ""):
                result.errors.append(DataError(
                    fig_path, f"mention {mention.text!r} at offset {mention.start} is already claimed by figure "
                              f"{first!r}: one figure held twice? If the mention states two figures, name {first} "
                              f"in this row's note", int(row["line"]), "offset"))
            if first is not None:
                result.shared_mentions += 1
            claimed_by.setdefault(mention.start, fig.id)
            claims.setdefault(mention.start, f"figure {fig.id!r}")
    return claims


def _check_non_figures(result: ValidationResult, non_figures: pd.DataFrame, mentions: dict[int, Mention],
                       claims: dict[int, str], nf_path: Path) -> None:
    """Each non-figure row names a mention at its offset no figure claims; claims it (into `claims`)."""
    for _, row in non_figures.iterrows():
        start, line = int(row["offset"]), int(row["line"])
        m = mentions.get(start)
        if m is None or m.text != row["text"]:
            actual = f"the parser finds {m.text!r} there" if m else "the parser finds no mention there"
            result.errors.append(DataError(nf_path, f"no mention {row['text']!r} at offset {start} ({actual})",
                                           line, "offset"))
            continue
        if start in claims:
            result.errors.append(DataError(nf_path, f"mention {m.text!r} is also claimed by {claims[start]}",
                                           line, "offset"))
            continue
        claims[start] = "non_figures"
        result.claimed_by_non_figures += 1
        result.redundant_rows += m.quantity.is_known_non_figure


def _table_errors(folder: Path) -> list[DataError]:
    """Schema and row problems of a case's figures and non-figures tables, read by path."""
    errors: list[DataError] = []
    readers: tuple[tuple[str, Callable[[Path], object]], ...] = (
        (FIGURES_FILE, read_figures), (NON_FIGURES_FILE, lambda path: read_table(path, get_schema("non_figures"))))
    for name, read in readers:
        try:
            read(case_file(folder, name))  # DataError if a link
        except DataErrors as exc:
            errors.extend(exc.errors)
        except DataError as exc:
            errors.append(exc)
    return errors


def _context_errors(case: Case) -> list[DataError]:
    try:
        if not case.path("context.csv").exists():
            return []
    except DataError as exc:  # a link: refused, like every data file of a case folder
        return [exc]
    from kczlib.data.context import validate_context  # only cases with external context need it

    return list(validate_context(case.name))


def _pct(n: int, d: int) -> str:
    """The share n of d as a whole percentage; "n/a" for d = 0."""
    return f"{100 * n / d:.0f}%" if d else "n/a"


def format_report(r: ValidationResult) -> str:
    """The printed summary of one case's validation (what `kcz validate` shows), one line per fact."""
    waiting = f"case {r.case}: the checks against the source wait until the problems below are fixed"
    qualifiers = " (" + "/".join(r.qualifiers) + ")" if r.qualifiers else ""  # none: no empty brackets
    lines = [waiting] if not r.loaded else [
        f"case {r.case}: {r.figures} figures, {r.non_figures} non-figure mentions, "
        f"{r.glosses_removed} pinyin glosses removed",
        "  figures per chain: " + ", ".join(f"{k} {v}" for k, v in r.per_chain.items()),
        f"  qualified figures{qualifiers}: {r.qualified} of {r.figures}",
        f"  figures mapped to a shared indicator: {r.indicators_mapped} of {r.figures}",
        *(["  figures about another place than the city (column area; never read as the city's): "
           + ", ".join(f"{place} {n}" for place, n in r.other_areas.items())] if r.other_areas else []),
        f"  evidence verified at offset: {r.evidence_ok}/{r.figures} ({_pct(r.evidence_ok, r.figures)})",
        f"  evidence parses to the row: {r.parse_ok}/{r.figures} ({_pct(r.parse_ok, r.figures)})"
        + (f"; corrected by the analyst (column correction): {r.corrected}" if r.corrected else ""),
        f"  coverage: {r.mentions} numeric mentions = {r.claimed_by_figures} figures + "
        f"{r.claimed_by_non_figures} non-figures + "
        + (f"{r.recognised_non_figures} recognised non-figures + " if r.recognised_non_figures else "")
        + f"{len(r.unaccounted)} unaccounted",
    ]
    if r.figures == 0 and r.mentions:
        lines.append(f"  {FIGURES_FILE} has a header and no rows: none of the {r.mentions} numeric mentions "
                     "below is curated yet (add figure rows, or draft them with `kcz new-case`)")
    if r.redundant_rows:
        lines.append("  non-figure rows the parser also recognises by itself (optional): "
                     f"{r.redundant_rows} of {r.non_figures}")
    if r.context_rows:
        lines.append(f"  external context: {r.context_rows} rows with source, excerpt and confidence, "
                     "schema and row rules OK")
    for m in r.unaccounted:
        why = f": {m.quantity.note}" if m.quantity.kind == "unreadable" else ""
        lines.append(f"  unaccounted mention {m.text!r} at offset {m.start} "
                     f"(add a figure row or a non_figures row){why}")
    drafted = {e.line for e in r.errors if e.reason == DRAFT_REASON}
    blanks = [e.column for e in r.errors if e.reason.endswith("is blank: fill it in") and e.column is not None]
    if drafted or blanks:
        lines.append(f"  left to curate: {len(blanks)} blank case.json field(s)"
                     + (f" ({', '.join(blanks)})" if blanks else "")
                     + f", {len(drafted)} drafted figure row(s); details below")
    lines.extend(f"  error: {e}" for e in grouped_errors(r.errors))
    lines.append(f"  {'OK' if r.ok else 'FAILED'}")
    return "\n".join(lines)


def main(case: str | None = None, out: TextIO | None = None) -> int:
    """Validate one case, or every case folder; print a report per case.

    Returns 0 when all are valid, 1 when a case has data problems, 2 when a case cannot
    be read at all (unknown case, unreadable `case.json`); a broken case never stops
    the others from being validated.
    """
    out = out or sys.stdout
    if case is not None and not case.strip():
        print("kcz validate: a case name cannot be empty (leave it out to validate every case)", file=sys.stderr)
        return 2
    if problem := missing_data_folder():
        print(f"kcz validate: {problem}", file=sys.stderr)
        return 2
    cases = [case] if case else case_folder_names()  # an unreadable case folder is reported, not skipped
    # the vocabulary is needed only by cases that map to it; those fail on their own without it
    shared = {indicators_path(): shared_table_status(out, "indicators", indicators_path(),
                                                      lambda: f"{len(load_indicators())} in",
                                                      "no case can map a figure to an indicator"),
              geo_path(): shared_table_status(out, "geo", geo_path(), lambda: f"{len(read_geo_rows())} places in",
                                               "places print as written and list as peers")}
    status = max([*shared.values(), word_files_status(out)])
    broken = {Path(path).resolve() for path, failed in shared.items() if failed}
    for name in cases:
        try:
            result = validate_case(name)
        except KczError as exc:
            print(f"kcz validate: case {name}: {_missing_case_json(name) or exc}", file=sys.stderr)
            status = 2
            continue
        once_for_shared_tables(result.errors, broken)
        print(format_report(result), file=out)
        status = max(status, 0 if result.ok else 1)
    return status


def _missing_case_json(name: str) -> str:
    """What to say of a folder under cases/ that has no case.json at all ("" for anything else).

    It is no unknown case (the folder is right there): its case.json is what is missing.
    """
    folder = cases_root() / name
    if "/" in name or name.startswith(".") or not folder.is_dir() or os.path.lexists(folder / "case.json"):
        return ""
    return (f"{folder / 'case.json'} is missing: every case folder needs one "
            "(its city, programme and source; docs/data.md)")
