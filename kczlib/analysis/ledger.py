"""Numbers with provenance, and the ledger of every number a report prints.

A `Num` is an interval in a base unit plus where it came from: the figure or context
ids it uses and the derivation that combined them (`kechuangdai_loans /
kechuangdai_firms`). Stated figures keep their qualifier; derived numbers are intervals.
A derived `Num` also keeps its expression (`operands` and `fn`, built by
`kczlib.analysis.metrics.derive`), so its bounds are computed jointly over its distinct
inputs: an input that appears twice is one input (`x / x` is exactly 1).
Formatting a `Num` through a `Ledger` records the printed text, so a report can list
every number it printed with its sources, inputs and exact bounds, and a test can prove
nothing else was printed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from kczlib.analysis import formatting

RATIO = "ratio"  # a share or conversion rate in [0, 1], printed as percent
LEDGER_COLUMNS = ["printed", "exact", "kind", "derivation", "inputs", "ids", "where"]
DIGITS_RE = re.compile(r"\d")


@dataclass(frozen=True)
class Num:
    """A number as an interval [lower, upper] in its base unit, with where it came from.

    Figures, context rows, parameters and assumptions are leaves; a derived `Num` keeps its
    operands and function (`fn`) so bounds and the ledger can be recomputed. A bound of
    None is not stated by the source. `kind` is figure, derived, assumption, context or quote.
    """

    lower: float | None
    upper: float | None
    base_unit: str
    ids: tuple[str, ...] = ()
    derivation: str = ""
    kind: str = "derived"  # figure | derived | assumption | context | quote
    qualifier: str = "exact"
    value_base: float | None = None  # the stated point of a figure, if any
    measure: str = ""  # Chinese measure word (家, 个, 项) for counts
    confidence: str = ""  # context rows: high, medium, low, derived
    sig: int = 3  # significant digits of a derived value (kczlib.analysis.formatting's policy)
    # A derived number's expression: fn(*values of operands) -> value. Leaves have fn None.
    operands: tuple[Num, ...] = field(default=(), compare=False, repr=False)
    fn: Callable | None = field(default=None, compare=False, repr=False)

    @property
    def is_leaf(self) -> bool:
        """An independent input: a figure, context row, parameter or dataset count."""
        return self.fn is None

    @property
    def key(self) -> str:
        """Identity of an input: the same figure, row or parameter value is the same input."""
        if self.kind == "figure" and self.ids:
            return f"figure:{self.ids[0]}"
        if self.kind == "context" and self.ids:
            return f"context:{self.ids[0]}"
        return f"{self.kind}:{self.derivation}:{self.lower!r}:{self.upper!r}"

    def inputs(self) -> list[Num]:
        """The distinct independent inputs (leaves) this number is computed from, in order."""
        if self.is_leaf:
            return [self]
        seen: dict[str, Num] = {}
        for op in self.operands:
            for leaf in op.inputs():
                seen.setdefault(leaf.key, leaf)
        return list(seen.values())

    def evaluate(self, values: dict[str, float]) -> float:
        """The value of this expression when each input (by `key`) takes `values[key]`."""
        if self.is_leaf:
            return values[self.key]
        return self.fn(*(op.evaluate(values) for op in self.operands))

    @property
    def is_point(self) -> bool:
        """True when lower and upper are the same stated number."""
        return self.lower is not None and self.lower == self.upper

    @property
    def point(self) -> float | None:
        """The single value when the interval is a point, else None."""
        return self.lower if self.is_point else None

    @property
    def mid(self) -> float | None:
        """A plotting position only: never printed as if it were the figure."""
        if self.lower is not None and self.upper is not None:
            return (self.lower + self.upper) / 2
        return self.lower if self.lower is not None else self.upper

    def format(self, lang: str) -> str:
        """The one printed form of this number (text, tables and chart labels all use it)."""
        if self.base_unit == RATIO:
            if self.is_point:
                return formatting.format_share(self.lower, lang, sig=self.sig)
            return formatting.format_share_interval(self.lower, self.upper, lang, sig=self.sig)
        if self.kind in ("figure", "context") and self.value_base is not None or self.qualifier == "至":
            return formatting.format_quantity(
                self.value_base, self.base_unit, self.qualifier, self.lower, self.upper, lang,
                measure=self.measure, sig=None if self.kind in ("figure", "context") else self.sig,
            )
        return formatting.format_interval(self.lower, self.upper, self.base_unit, lang,
                                          measure=self.measure, sig=self.sig)


def exact_text(num: Num) -> str:
    """The exact bounds of `num` for the ledger (full float precision, no rounding)."""
    def show(x):
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
    return "; ".join(f"{(leaf.derivation or ', '.join(leaf.ids)).removeprefix('parameter ')} = {exact_text(leaf)}"
                     for leaf in num.inputs())


def assumption(name: str, value: float, base_unit: str, measure: str = "") -> Num:
    """A scenario parameter: not from the source, and always labelled as an assumption."""
    return Num(value, value, base_unit, (), f"parameter {name}", "assumption", measure=measure)


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
                for i in e.num.ids:
                    if not i.startswith("ctx:"):
                        seen[i] = None
        return list(seen)

    def context_ids(self) -> list[str]:
        """Ids of the context rows behind printed numbers (without `ctx:`), first use first."""
        seen: dict[str, None] = {}
        for e in self.entries:
            for i in e.num.ids:
                if i.startswith("ctx:"):
                    seen[i[4:]] = None
        return list(seen)

    def assumptions(self) -> list[Entry]:
        """The entries whose number is an assumption (a parameter), in order."""
        return [e for e in self.entries if e.num.kind == "assumption"]

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
                         "ids": ", ".join(i.removeprefix("ctx:") for i in e.num.ids), "where": e.where})
        return pd.DataFrame(rows, columns=LEDGER_COLUMNS)

    def unledgered_numbers(self, text: str) -> list[str]:
        """Digits in `text` that are not inside any printed ledger text (should be [])."""
        covered = [False] * len(text)
        for t in sorted(self.texts, key=len, reverse=True):
            for m in re.finditer(re.escape(t), text):
                for i in range(m.start(), m.end()):
                    covered[i] = True
        return [text[max(0, m.start() - 8): m.end() + 8] for m in DIGITS_RE.finditer(text) if not covered[m.start()]]
