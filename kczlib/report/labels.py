"""Words and labels a report prints that are not quantities.

They are metric names, years, periods, dataset counts, quoted passages, cited data text
and context rows.

`LabelMethods` is that part of `Report`; every year or count it prints is ledgered.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import cast

from kczlib.analysis.ledger import Ledger
from kczlib.analysis.num import (
    Cited,
    ContextRef,
    DatasetCount,
    FigureRef,
    Num,
    Parameter,
    Period,
    Ref,
    parameter_derivation,
)
from kczlib.data.cases import get_case, passage_of
from kczlib.data.datatext import DataText
from kczlib.data.figures import figure
from kczlib.data.source import load_source
from kczlib.errors import DataError
from kczlib.report.display import show as show_output
from kczlib.report.narrative import Quote, Safe, escape, footnote_mark, footnote_marks, require_ledger, templates
from kczlib.words import word

DATASET_MEASURE = "个"  # the measure word of a dataset count: a unit key of figures.csv's vocabulary (appendix.measure)

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

    # what the mixin uses of `Report` (declared for the type checker; `Report` sets them)
    lang: str
    case: str
    ledger: Ledger | None
    shown: list
    text: Callable[..., Safe]
    say: Callable[..., None]
    ctx: Callable[[str], Num]

    def label(self, figure_id: str) -> str:
        """A figure's metric name in the page language (Chinese with full-width punctuation)."""
        return typeset(figure(figure_id, self.case).metric(self.lang), self.lang)

    def list_separator(self) -> str:
        """Between items of a list in a sentence: "；" / "; " (`common.list_separator`)."""
        return templates(self.lang)["common.list_separator"]

    def derivation(self, derivation: str, **slots) -> str:
        """A leaf's derivation as the ledger keeps it, in the page language.

        Args:
            derivation: a key of the prose word files (`common.derivation.context_year`),
                filled with `slots` in the page language; or a code-level derivation that the
                appendix itself names in words ("parameter <name>", "period of <figure id>"),
                returned as it is.
            **slots: values of the key's `{slots}` (ids, topics: never printed as numbers).

        Returns:
            The derivation text.
        """
        words = templates(self.lang)
        return words[derivation].format(**slots) if derivation in words else derivation


    # -- labels that are numbers but not quantities -----------------------------------
    def period(self, figure_id: str) -> Safe:
        """The year a figure refers to, as printed (2021年 / 2021)."""
        p = figure(figure_id, self.case).period
        if not p.isdigit():
            return Safe(self.text("fiscal.no_year"))
        return self.figure_year(int(p), FigureRef(figure_id), f"period of {figure_id}")

    def figure_year(self, year: int, ref: FigureRef, derivation: str) -> Safe:
        """`year`, the period of the figure `ref`, printed as a label and ledgered (see `year`).

        The appendix names it "year of <the figure's metric>".
        """
        num = Num(year, year, "years", origin=Period(of=ref), refs=(ref,), derivation=derivation)
        return self._year_label(year, num)

    def year(self, year: int, derivation: str, refs: tuple[Ref, ...], **slots: object) -> Safe:
        """`year` printed as a label (2021年 / 2021: `common.year`) and ledgered.

        Args:
            year: the year.
            derivation: as in `derivation`, filled with `slots`.
            refs: the figures or context rows whose period it is (at least one).
            **slots: slots of `derivation`.

        Returns:
            The printed year.

        Raises:
            ValueError: for no `refs` (a year from a parameter is a `parameter_year`).
        """
        if not refs:
            raise ValueError(f"year {derivation!r}: no figure or context row; a parameter's year is parameter_year")
        num = Num(year, year, "years", origin=Period(), refs=refs, derivation=self.derivation(derivation, **slots))
        return self._year_label(year, num)

    def parameter_year(self, year: int, name: str, plus: str = "") -> Safe:
        """`year`, set by the scenario parameter `name` (plus `plus`: "t", "window"), printed and ledgered.

        The ledger's derivation reads "parameter <name>" or "parameter <name> + <plus>".
        """
        derivation = parameter_derivation(name) + (f" + {plus}" if plus else "")
        return self._year_label(year, Num(year, year, "years", origin=Parameter(name), derivation=derivation))

    def _year_label(self, year: int, num: Num) -> Safe:
        text = templates(self.lang)["common.year"].format(year=year)
        require_ledger(self.ledger).record(num, "year", text)
        return Safe(text)

    def count(self, n: int, key: str, **slots) -> Num:
        """A count computed from the dataset itself (rows, mentions).

        `key` names what is counted (a word key, e.g. `overview.derivation.figure_rows`, filled
        with `slots`): the ledger shows it as the count's derivation, in the page language.
        """
        what = self.derivation(key, **slots)
        return Num(float(n), float(n), "count", origin=DatasetCount(what), derivation=what,
                   measure=DATASET_MEASURE, sig=6)

    def case_passage(self, name: str) -> Quote | None:
        """The passage of the case's source that case.json `passages` names `name`, or None.

        A quote particular to one text is named by that case's data, never by a notebook
        (`kczlib.data.cases.passage_errors` checks the names when the case is validated).

        Raises:
            DataError: case.json names the passage but the source text does not hold it.
        """
        ends = get_case(self.case).meta.get("passages", {}).get(name)
        if ends is None:
            return None
        found = passage_of(load_source(self.case).text, ends["start"], ends["end"])
        if found is None:
            raise DataError(get_case(self.case).path("case.json"),
                            f"passages.{name}: the source has no passage from {ends['start']!r} to {ends['end']!r}")
        return Quote(*found)

    # -- helpers for sections that cite data text or external context -------------------
    def gap(self, topic: str) -> None:
        """Say the case's context gap `topic`, in the report's language.

        A gap is what was searched for and not found (context.meta.json `gaps`); nothing is said
        if the case lists no such gap.
        """
        from kczlib.data.context import context_gaps

        for g in context_gaps(self.case):
            if g["topic"] == topic:
                said = cast("dict[str, str]", g)[self.lang]  # the gap's text in each report language (zh, en)
                self.say("common.gap", text=self.cite(said, "common.derivation.context_gap", (),
                                                      topic=g["label"][self.lang]))

    def cite(self, text: str, derivation: str, refs: tuple[Ref, ...], **slots) -> Safe:
        """Data text that may hold years or counts, ledgered as cited, then escaped.

        The ledger entry has `derivation` (as in `derivation`, filled with `slots`) and rests on `refs`.
        """
        num = Num(None, None, "count", origin=Cited(), refs=refs, derivation=self.derivation(derivation, **slots))
        shown = footnote_marks(escape(text), self.lang)  # a low-confidence note: a mark (narrative.footnote_marks)
        require_ledger(self.ledger).record(num, "cited text", shown)  # the ledger holds the text as printed
        return Safe(shown)

    def ctx_role(self, role: str):
        """(row, Num) for the context row playing `role` in context.meta.json.

        (None, None) when the case assigns no row to it, so a section can say "cannot tell" instead
        of failing. `row` is a `ContextFigure` (its `period` as written: 2021, 2023-11).
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

        refs = (ContextRef(row.id),)
        if row.period.isdigit():
            return self.year(int(row.period), "common.derivation.context_year", refs, id=row.id)
        return self.cite(format_period(row.period, self.lang), "common.derivation.context_period", refs, id=row.id)

    def footnotes(self) -> None:
        """The page's footnote list, after the body: one note per mark its sentences carry.

        A value read from a reprint carries a mark in its sentence (`narrative.footnote_marks`);
        the note saying what the mark means (`context.footnote.low`) is shown here once, as
        HTML `<div class="kcz-footnotes">`, and nothing when no sentence carries the mark.
        """
        mark = footnote_mark(self.lang)
        if not any(mark in str(s) for s in self.shown):
            return
        note = word("context", "footnote.low", self.lang).format(mark=mark)
        self.shown.append(Safe(note))
        show_output(f'<div class="kcz-footnotes"><p>{html.escape(note, quote=False)}</p></div>', None, as_html=True)
