"""Words and labels a report prints that are not quantities: metric names, years,
periods, dataset counts, quoted passages, cited data text and context rows.

`LabelMethods` is that part of `Report`; every year or count it prints is ledgered.
"""

from __future__ import annotations

from kczlib.analysis.ledger import Num
from kczlib.data.datatext import DataText
from kczlib.data.figures import figure
from kczlib.data.source import load_source
from kczlib.report.narrative import Quote, Safe, escape

_HALF_TO_FULL = str.maketrans({"(": "（", ")": "）", ",": "，", ";": "；", ":": "："})


def typeset(text: str, lang: str) -> str:
    """Data text (metric names) in the page's typography: Chinese takes full-width （），；：.

    Args:
        text: the text; a `DataText` stays one (its digits may print).
        lang: "zh" or "en".

    Returns:
        The text, with full-width punctuation in Chinese.
    """
    out = text.translate(_HALF_TO_FULL) if lang == "zh" else text
    return DataText(out) if isinstance(text, DataText) else out  # still data text: digits may print


class LabelMethods:
    """The label methods of `Report` (a mixin: it uses the report's lang, case, ledger, text)."""

    def label(self, figure_id: str) -> str:
        """A figure's metric name in the page language (Chinese with full-width punctuation)."""
        return typeset(figure(figure_id, self.case).metric(self.lang), self.lang)

    def list_separator(self) -> str:
        """Between items of a list in a sentence: "；" / "; "."""
        return "；" if self.lang == "zh" else "; "


    # -- labels that are numbers but not quantities -----------------------------------
    def period(self, figure_id: str) -> Safe:
        """The year a figure refers to, as printed (2021年 / 2021)."""
        p = figure(figure_id, self.case).period
        return self.year(int(p), f"period of {figure_id}", (figure_id,)) if p.isdigit() else Safe(self.text("fiscal.no_year"))

    def year(self, year: int, derivation: str, ids: tuple = ()) -> Safe:
        """`year` printed as a label (2021年 / 2021) and ledgered with `derivation` and the
        figure or context `ids` it comes from (none: an assumption, e.g. a parameter).
        """
        text = f"{year}年" if self.lang == "zh" else str(year)
        self.ledger.record(Num(year, year, "years", ids, derivation, "figure" if ids else "assumption"), "year", text)
        return Safe(text)

    def count(self, n: int, derivation: str) -> Num:
        """A count computed from the dataset itself (rows, mentions)."""
        return Num(float(n), float(n), "count", (), derivation, "derived", measure="个", sig=6)

    def has_passage(self, start: str, end: str) -> bool:
        """Whether the case's source text holds a passage from `start` to `end` (a quote
        particular to one case's text)."""
        text = load_source(self.case).text
        i = text.find(start)
        return i >= 0 and text.find(end, i) >= 0

    def source_passage(self, start: str, end: str) -> Quote:
        """The passage of the cleaned case source from the first `start` to the next `end`
        (both included), as a `Quote` with its offset. Raises `ValueError` if either is not found.
        """
        text = load_source(self.case).text
        i = text.index(start)
        j = text.index(end, i) + len(end)
        return Quote(text[i:j], i)

    # -- helpers for sections that cite data text or external context -------------------
    def gap(self, topic: str) -> None:
        """Say the case's context gap `topic` (context.meta.json `gaps`: what was searched
        for and not found), in the report's language; nothing if the case lists no such gap.
        """
        from kczlib.data.context import context_gaps

        for g in context_gaps(self.case):
            if g["topic"] == topic:
                self.say("common.gap", text=self.cite(g[self.lang], f"context gap {topic}", ()))

    def cite(self, text: str, derivation: str, ids: tuple) -> Safe:
        """Data text that may hold years or counts: ledgered as cited, then escaped."""
        self.ledger.record(Num(None, None, "count", ids, derivation, "context"), "cited text", escape(text))
        return Safe(escape(text))

    def ctx_role(self, role: str):
        """(row, Num) for the context row playing `role` in context.meta.json, or (None, None)
        when the case assigns no row to it, so a section can say "cannot tell" instead of failing.
        `row` is a `ContextFigure` (its `year` is the period as written: 2021, 2023-11).
        """
        from kczlib.data.context import context_role

        c = context_role(role, self.case)
        return (None, None) if c is None else (c, self.ctx(c.id))

    def confidence(self, c) -> str:
        """The confidence label of context row `c` in the report's language (e.g. "medium confidence")."""
        return c.confidence_label(self.lang)


    def when(self, row) -> Safe:
        """The period of a context row as printed (2021年 / 2021; 2023年11月 / Nov 2023), ledgered."""
        from kczlib.data.context import format_period

        if row.year.isdigit():
            return self.year(int(row.year), f"year of context {row.id}", (f"ctx:{row.id}",))
        return self.cite(format_period(row.year, self.lang), f"period of context {row.id}", (f"ctx:{row.id}",))

