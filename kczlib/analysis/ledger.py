"""The ledger of every number a report prints.

Formatting a `Num` (`kczlib.analysis.num`) through a `Ledger` records the printed text, so
a report can list every number it printed with its sources, inputs and exact bounds, and a
test can prove nothing else was printed.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

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

    def frame(self) -> pd.DataFrame:
        """The ledger as a table (columns `LEDGER_COLUMNS`), each printed text and derivation once."""
        rows, seen = [], set()
        for e in self.entries:
            key = (e.text, e.num.derivation)
            if key in seen:
                continue
            seen.add(key)
            rows.append({"printed": _plain(e.text), "exact": exact_text(e.num), "kind": e.num.kind,
                         "derivation": e.num.derivation or ", ".join(e.num.ids), "inputs": inputs_text(e.num),
                         "ids": ", ".join(e.num.ids), "where": e.where})
        return pd.DataFrame(rows, columns=LEDGER_COLUMNS)

    def unledgered_numbers(self, text: str) -> list[str]:
        """Digits in `text` that are not inside any printed ledger text (should be [])."""
        covered = [False] * len(text)
        for t in sorted(self.texts, key=len, reverse=True):
            for m in re.finditer(re.escape(t), text):
                for i in range(m.start(), m.end()):
                    covered[i] = True
        return [text[max(0, m.start() - 8): m.end() + 8] for m in DIGITS_RE.finditer(text) if not covered[m.start()]]
