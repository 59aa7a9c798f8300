"""How well the indicator vocabulary covers a curated case (`kcz vocabulary`).

Two numbers per case (docs/data.md, "How well the vocabulary covers a case"):

- mapped share: of the case's curated figures (rows of `figures.csv`), the share whose
  `indicator` cell names an indicator of `data/indicators.csv`;
- suggestion accuracy: of the mapped figures, the share for which the cues of the vocabulary
  suggest exactly the figure's indicator and nothing else, read from the words around the
  figure's evidence as `kcz new-case` reads them (`suggestion_for`).

The first says how much of what a case reports the shared reports can ask for; the second
how much of that mapping a curator gets from the draft for free.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kczlib.data.drafting import CLAUSE_BREAKS, suggest_indicators
from kczlib.data.figures import load_figures
from kczlib.data.indicators import Indicator, indicators
from kczlib.data.quantities import find_quantities
from kczlib.data.source import load_source


@dataclass(frozen=True)
class Miss:
    """A mapped figure whose suggestion is not exactly its indicator: what was suggested instead."""

    figure_id: str
    indicator: str
    suggested: tuple[str, ...]  # () for no suggestion, several ids for a tie


@dataclass(frozen=True)
class VocabularyCoverage:
    """Counts of one case: `figures` curated rows, `mapped` of them with an indicator, `exact` suggested exactly."""

    case: str
    figures: int
    mapped: int
    exact: int
    misses: list[Miss] = field(default_factory=list)

    @property
    def mapped_share(self) -> float | None:
        """The share mapped / figures (0..1), or None for a case without figures."""
        return self.mapped / self.figures if self.figures else None

    @property
    def accuracy(self) -> float | None:
        """The share exact / mapped (0..1), or None for a case that maps no figure."""
        return self.exact / self.mapped if self.mapped else None


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Start and end offsets of the clause of `text` holding text[start:end].

    A clause runs between two of `kczlib.data.drafting.CLAUSE_BREAKS` (。；，、：! ? and line
    breaks), as for `kcz new-case`; the breaks themselves are left out.
    """
    lo = max(text.rfind(c, 0, start) for c in CLAUSE_BREAKS) + 1
    his = [j for j in (text.find(c, end) for c in CLAUSE_BREAKS) if j >= 0]
    return lo, (min(his) if his else len(text))


def suggestion_for(text: str, spans: list[tuple[int, int]], i: int, base_unit: str,
                   vocabulary: dict[str, Indicator]) -> list[str]:
    """The indicators `kcz new-case` suggests for the mention at spans[i] of `text`.

    Args:
        text: the cleaned source text.
        spans: (start, end) character offsets of every numeric mention of `text`, sorted by start.
        i: the index in `spans` of the mention asked about.
        base_unit: the mention's base unit (only indicators of this unit are suggested).
        vocabulary: indicators by id (`kczlib.data.indicators.indicators()`).

    Returns:
        `suggest_indicators` of the window (the mention's clause, cut at the end of the mention
        before it and the start of the mention after it, so each measure keeps its own noun);
        if that names none, of the whole clause. Ids in vocabulary order; [] for none.
    """
    start, end = spans[i]
    lo, hi = clause_bounds(text, start, end)
    win_lo = max(lo, spans[i - 1][1]) if i > 0 else lo
    win_hi = min(hi, spans[i + 1][0]) if i + 1 < len(spans) else hi
    return (suggest_indicators(text[win_lo:win_hi], base_unit, vocabulary)
            or suggest_indicators(text[lo:hi], base_unit, vocabulary))


def figure_spans(text: str, figures: pd.DataFrame) -> tuple[list[tuple[int, int]], dict[str, int]]:
    """Every mention the parser finds in `text`, and which one each curated figure is.

    A figure is the parser's mention inside its evidence (the evidence may hold more words
    than the number: 两院院士和781位专家); of several, the one of the figure's base unit and
    value. A figure whose evidence holds no mention of the parser (an analyst's addition)
    is its evidence span, added to the others.

    Returns:
        The spans sorted by start, and for each figure id the index of its span.
    """
    parsed = find_quantities(text)
    chosen: dict[str, tuple[int, int]] = {}
    for fid, row in figures.iterrows():
        lo, hi = int(row["offset"]), int(row["offset"]) + len(str(row["evidence"]))
        inside = [m for m in parsed if m.start < hi and lo < m.end]
        same = [m for m in inside if m.quantity.base_unit == row["base_unit"]
                and not pd.isna(row["value_base"]) and m.quantity.value_base == float(row["value_base"])]
        pick = (same or inside)[:1]
        chosen[str(fid)] = (pick[0].start, pick[0].end) if pick else (lo, hi)
    spans = sorted({(m.start, m.end) for m in parsed} | set(chosen.values()))
    where = {s: k for k, s in enumerate(spans)}
    return spans, {fid: where[s] for fid, s in chosen.items()}


def vocabulary_coverage(case: str | None = None) -> VocabularyCoverage:
    """The mapped share and suggestion accuracy of `case` (default: the default case).

    A figure counts as suggested exactly when `suggestion_for` its evidence in the cleaned
    source returns [its indicator]: no suggestion, another one or a tie is a miss.

    Raises:
        UnknownCaseError: for an unknown case.
        DataErrors: for a figures table or source that does not load (run `kcz validate`).
    """
    figures = load_figures(case)
    doc = load_source(case)
    vocabulary = indicators()
    spans, index = figure_spans(doc.text, figures)
    mapped = exact = 0
    misses: list[Miss] = []
    for fid, row in figures.iterrows():
        ind = "" if pd.isna(row["indicator"]) else str(row["indicator"])
        if not ind:
            continue
        mapped += 1
        got = suggestion_for(doc.text, spans, index[str(fid)], str(row["base_unit"]), vocabulary)
        if got == [ind]:
            exact += 1
        else:
            misses.append(Miss(str(fid), ind, tuple(got)))
    return VocabularyCoverage(doc.case, len(figures), mapped, exact, misses)


def _pct(share: float | None) -> str:
    return "n/a" if share is None else f"{100 * share:.0f}%"


def format_coverage(c: VocabularyCoverage, misses: bool = False) -> str:
    """One line for `c` (what `kcz vocabulary` prints); with `misses`, one more line per miss."""
    lines = [f"{c.case}: {c.mapped} of {c.figures} figures mapped to an indicator ({_pct(c.mapped_share)}); "
             f"suggested exactly {c.exact} of {c.mapped} ({_pct(c.accuracy)})"]
    if misses:
        lines += [f"  {m.figure_id}: {m.indicator}, suggested {', '.join(m.suggested) or 'none'}" for m in c.misses]
    return "\n".join(lines)
