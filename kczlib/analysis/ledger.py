"""The ledger of every number a report prints.

Formatting a `Num` (`kczlib.analysis.num`) through a `Ledger` records the printed text, so
a report can list every number it printed with its sources, inputs and exact bounds, and a
test can prove nothing else was printed.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pandas as pd

from kczlib.analysis.num import ContextRef, FigureRef, Num, Parameter

LEDGER_COLUMNS = ["printed", "exact", "kind", "derivation", "inputs", "ids", "where"]
DIGITS_RE = re.compile(r"\d")


def exact_text(num: Num) -> str:
    """The exact bounds of `num` for the ledger (full float precision, no rounding)."""
    def show(x: float | None) -> str:
        return "?" if x is None else f"{x:.15g}"

    if num.lower is None and num.upper is None:
        return ""
    if num.lower is not None and num.lower == num.upper:
        return show(num.lower)
    return f"[{show(num.lower)}, {show(num.upper)}]"


def inputs_text(num: Num) -> str:
    """A derived number's distinct inputs with their exact ranges, for the ledger."""
    if num.is_leaf:
        return ""
    return "; ".join(f"{input_name(leaf)} = {exact_text(leaf)}" for leaf in num.inputs())


def input_name(leaf: Num) -> str:
    """How the ledger names an input: a parameter by its name, anything else by its derivation (or ids)."""
    if isinstance(leaf.origin, Parameter):
        return leaf.origin.name
    return leaf.derivation or ", ".join(leaf.ids)


def _plain(text: str) -> str:
    """Ledger text as a reader sees it (the table escapes it again when rendered)."""
    return html.unescape(re.sub(r"\\([\\`*_\[\]#|~])", r"\1", text))


@dataclass
class Entry:
    """One printed number: its text, the `Num` behind it and where it was printed."""

    text: str
    num: Num
    where: str  # template key or chart name


@dataclass
class Ledger:
    """Every number a report printed in `lang`, in order: the reader's ledger and the digit check."""

    lang: str
    entries: list[Entry] = field(default_factory=list)

    def format(self, num: Num, where: str) -> str:
        """Format `num` in the ledger's language and record it as printed at `where`.

        Returns:
            The printed text.
        """
        text = num.format(self.lang)
        self.entries.append(Entry(text, num, where))
        return text

    def record(self, num: Num, where: str, text: str = "") -> None:
        """Note a number used in a chart, where it is drawn rather than written."""
        self.entries.append(Entry(text or num.format(self.lang), num, where))

    @property
    def texts(self) -> set[str]:
        """Every printed text in the ledger."""
        return {e.text for e in self.entries}

    def figure_ids(self) -> list[str]:
        """Ids of the case figures behind printed figures and derived numbers, first use first."""
        seen: dict[str, None] = {}
        for e in self.entries:
            if e.num.kind in ("figure", "derived"):
                for r in e.num.refs:
                    if isinstance(r, FigureRef):
                        seen[r.figure_id] = None
        return list(seen)

    def context_ids(self) -> list[str]:
        """Ids of the context rows behind printed numbers, first use first."""
        seen: dict[str, None] = {}
        for e in self.entries:
            for r in e.num.refs:
                if isinstance(r, ContextRef):
                    seen[r.context_id] = None
        return list(seen)

    def assumptions(self) -> list[Entry]:
        """The entries whose number is an assumption (a parameter), in order."""
        return [e for e in self.entries if isinstance(e.num.origin, Parameter)]

    def printed(self) -> list[Entry]:
        """The entries with each printed text and derivation once, first print first (the ledger's rows)."""
        rows: dict[tuple[str, str], Entry] = {}
        for e in self.entries:
            rows.setdefault((e.text, e.num.derivation), e)
        return list(rows.values())

    def data_as_of(self, case: str) -> str:
        """The latest period among the case figures and context rows the printed numbers rest on.

        Every ref of every entry counts (a derived number's inputs too). A figure's
        "cumulative" or "target" is not a period (a target is not data) and is skipped;
        periods compare by their last month (`kczlib.data.periods.period_end`).

        Args:
            case: the case folder name.

        Returns:
            The period as the table writes it ("2024-08", "2023", "2019-H1"), or "" if none.
        """
        from kczlib.data.context import context_value
        from kczlib.data.figures import figure
        from kczlib.data.periods import period_end

        best, best_end = "", -1
        for e in self.entries:
            for r in e.num.refs:
                period = (figure(r.figure_id, case).period if isinstance(r, FigureRef)
                          else context_value(r.context_id, case).period)
                end = period_end(period)
                if end is not None and end > best_end:
                    best, best_end = period, end
        return best

    def frame(self) -> pd.DataFrame:
        """The ledger as a table (columns `LEDGER_COLUMNS`), each printed text and derivation once."""
        rows = []
        for e in self.printed():
            rows.append({"printed": _plain(e.text), "exact": exact_text(e.num), "kind": e.num.kind,
                         "derivation": e.num.derivation or ", ".join(e.num.ids), "inputs": inputs_text(e.num),
                         "ids": ", ".join(e.num.ids), "where": e.where})
        return pd.DataFrame(rows, columns=LEDGER_COLUMNS)

    def unledgered_numbers(self, text: str) -> list[str]:
        """Digits in `text` that are not inside any printed ledger text (should be []).

        Matched regardless of letter case: a sentence shown on its own opens with a capital
        ("Just over 100,000", `narrative.sentence_start`) that the ledgered text does not have.
        """
        covered = [False] * len(text)
        for t in sorted(self.texts, key=len, reverse=True):
            for m in re.finditer(re.escape(t), text, flags=re.IGNORECASE):
                for i in range(m.start(), m.end()):
                    covered[i] = True
        return [text[max(0, m.start() - 8): m.end() + 8] for m in DIGITS_RE.finditer(text) if not covered[m.start()]]


def kind_name(num: Num) -> str:
    """The number's kind in the data-download vocabulary (conventions of issue 22).

    "case figure" (a figure of the case document, or a quotation from it), "context" (an
    external statistic, or a year or text of one: review M11), "derived" or "assumption".
    """
    return {"figure": "case figure", "quote": "case figure"}.get(num.kind, num.kind)


def publisher_of(row: object, url: str) -> str:
    """Who published a context row: its `publisher` column, else the host of its URL.

    Args:
        row: the context row (a mapping or an object with a `publisher` field), or None.
        url: the row's `source_url` (the access route, maybe a mirror).

    Returns:
        The publisher, the URL's host name, or "".
    """
    given = row.get("publisher") if isinstance(row, dict) else getattr(row, "publisher", None)
    if isinstance(given, str) and given.strip():
        return given.strip()
    return urlsplit(url).hostname or "" if url else ""


def sources(num: Num, case: str) -> dict[str, str]:
    """Where a printed number comes from: ids, evidence, publishers and URLs of its rows.

    A figure gives its id and evidence (the passage of the case document); a context row its
    id, excerpt, publisher and URL. Several rows (a derived number) are joined with "; ".

    Args:
        num: the printed number.
        case: the case folder name.

    Returns:
        {"source_id", "evidence", "publisher", "url"}; empty strings where none.
    """
    from kczlib.data.context import context_value, load_context
    from kczlib.data.figures import figure

    ids, evidence, publishers, urls = [], [], [], []
    for r in num.refs:
        ids.append(r.id)
        if isinstance(r, FigureRef):
            evidence.append(figure(r.figure_id, case).evidence)
            continue
        c = context_value(r.context_id, case)
        frame = load_context(case)
        row = frame.loc[r.context_id].to_dict() if r.context_id in frame.index else None
        evidence.append(c.excerpt)
        publishers.append(publisher_of(row, c.source_url))
        urls.append(c.source_url)

    def join(items: list[str]) -> str:
        return "; ".join(dict.fromkeys(i for i in items if i))

    return {"source_id": join(ids), "evidence": join(evidence), "publisher": join(publishers), "url": join(urls)}
