"""The reader edition's part of a report.

It holds the key findings, the headline numbers and the metadata the reader page header
and the index card show.

What the reader edition needs from a report travels in its outputs: the level-1 heading
and the appendix outputs carry `{"kcz": {"part": "title" | "appendix"}}` in their output
metadata, and `Report.appendix()` ends with one `READER_MIME` output (title, summary,
headline numbers, the "About this report" box). `kcz build` reads these; nothing else does.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from kczlib import reads
from kczlib.analysis.derivation_words import derivation_words
from kczlib.analysis.ledger import Entry, Ledger, exact_text, kind_name, sources
from kczlib.analysis.num import ContextRef, FigureRef, Num, Passage, Period
from kczlib.contract import READER_MIME, READS_MIME
from kczlib.data.cases import CaseMeta
from kczlib.report.display import show
from kczlib.report.narrative import Safe, require_ledger, sentence_start, templates
from kczlib.words import words

_MD_ESCAPE = re.compile(r"\\([\\`*_\[\]#|~])")


def plain(markdown: str) -> str:
    """Rendered template text as a reader reads it: Markdown escapes and entities undone.

    Args:
        markdown: rendered template text.

    Returns:
        The plain text.
    """
    return html.unescape(_MD_ESCAPE.sub(r"\1", str(markdown))).replace("**", "")


class ReaderMethods:
    """The reader-edition methods of `Report` (a mixin: it uses the report's lang, meta, ledger, text)."""

    # what the mixin uses of `Report` (declared for the type checker; `Report` sets them)
    notebook: str
    lang: str
    ledger: Ledger | None
    meta: CaseMeta | dict[str, Any]
    title: str
    shown: list
    group: str
    key: list[tuple[str, str]]
    findings: list[str]
    omitted: list  # (reason, topic) of each section left out (`Report.omit`)
    case: str
    configured: bool  # `configure` ran (the case's tables can be read)
    figure_columns: Callable[..., Any]  # columns of every figure of the case (a DataFrame)
    text: Callable[..., Safe]
    say: Callable[..., None]
    show: Callable[..., None]
    heading: Callable[..., None]
    label: Callable[[str], str]  # of `LabelMethods`
    list_separator: Callable[[], str]  # of `LabelMethods`
    period: Callable[[str], Safe]  # of `LabelMethods`

    def key_findings(self, sentences: list[Safe], none_key: str | None = None) -> None:
        """The report's opening: a "Key findings" heading and three to five sentences.

        The sentences are rendered templates, so their numbers are ledgered. A case that reports
        less may give one or two; with none, one sentence says why: `none_key`'s template when
        given (a comparison: its cities share no indicator), else that the case's data do not
        support any, or, for a case whose figures.csv holds no row, that the case reports no
        figures (issue 23). Raises `ValueError` for more than five.
        """
        if len(sentences) > 5:
            raise ValueError(f"key findings need three to five sentences, got {len(sentences)}")
        sentences = [sentence_start(s, self.lang) for s in sentences]
        self.findings = [plain(s) for s in sentences]  # reader meta `findings` (the index's first line)
        self.heading("common.key_findings_heading")
        if not sentences:
            self.say(none_key or ("missing.no_findings" if self.reports_figures() else "missing.no_figures"))
            return
        self.show(Safe("\n".join(f"- {s}" for s in sentences)))


    def reports_figures(self) -> bool:
        """Whether the case's figures.csv holds at least one figure row (a drafted case may hold none)."""
        return self.configured and len(self.figure_columns()) > 0  # the ids only: not the rows' content

    def key_numbers(self, items: list) -> None:
        """Mark two or three of the report's numbers as its headline numbers (index card).

        `items`: `Num`s that are case figures (labelled by the figure's metric in the
        report's language, with the figure's year where it has one) or `(template_key, Num)`
        pairs for derived numbers; None (or a pair holding None), a number the case does not
        report, is left out. Each is printed through the ledger (where: "key numbers"), so the
        card shows ledger text. English labels are in sentence case.
        Raises ValueError for a derived `Num` without a label key.
        """
        for item in items:
            key, num = item if isinstance(item, tuple) else (None, item)
            if num is None:
                continue
            if key is not None:
                label = plain(self.text(key))
            elif isinstance(num.origin, FigureRef):
                label = self._figure_key_label(num.origin.figure_id)
            else:
                raise ValueError(f"key number {num.derivation!r}: not a single figure; pass (template_key, num)")
            if self.lang == "en":  # sentence case, whatever the word file or the figure's metric writes
                label = label[:1].upper() + label[1:]
            self.key.append((label, plain(require_ledger(self.ledger).format(num, "key numbers"))))

    def _figure_key_label(self, figure_id: str) -> str:
        """A case figure's label on the index card: its metric, with its year where it has one (review L17)."""
        from kczlib.data.figures import figure

        label = self.label(figure_id)
        if not figure(figure_id, self.case).period.isdigit():
            return label
        return plain(self.text("reader.key.with_period", label=label, period=self.period(figure_id)))

    def reader_meta(self) -> dict:
        """What the reader page header and the index card show (see the module docstring)."""
        lang, tpl = self.lang, self.text
        from kczlib.data.cases import source_kind

        about = [tpl(f"reader.about_source.{source_kind(self.meta)}", title=self.meta["title"][lang]),
                 tpl("reader.about_ranges"),
                 tpl("reader.about_assumptions" if self._uses_parameters() else "reader.about_no_assumptions"),
                 tpl("reader.about_appendix")]

        # a summary worded for any case (the city as a slot) wins over one written for the first case
        summary_key = next((k for k in (f"any_case.summary.{self.group}", f"reader.summary.{self.group}")
                            if k in templates(lang)), None)
        if summary_key and self.omitted and self.group != "overview":
            # sections left out: the fixed summary would describe contents this page lacks (issue 23)
            printed = require_ledger(self.ledger).figure_ids()
            summary_key = "any_case.summary.reported_only" if printed else "any_case.summary.nothing_reported"
        summary = plain(tpl(summary_key, city=self.meta["city"][lang])) if summary_key else ""
        return self.page_meta(summary, about, require_ledger(self.ledger).data_as_of(self.case))

    def page_meta(self, summary: str, about: list, as_of: str) -> dict:
        """The reader metadata every report page carries (the keys of the module docstring).

        Args:
            summary: the index card's summary, plain text.
            about: the paragraphs of "About this report" (template texts).
            as_of: the latest dated period the printed numbers rest on ("" if none).
        """
        tpl = self.text
        return {
            "lang": self.lang, "notebook": self.notebook, "title": plain(self.title),
            "summary": summary,
            "key_numbers": [{"label": label, "value": value} for label, value in self.key],
            "about": {"heading": plain(tpl("reader.about_heading")), "paragraphs": [plain(p) for p in about]},
            "sections": self._sections(),
            "appendix_summary": plain(tpl("reader.appendix_summary")),
            "provenance_summary": plain(tpl("reader.provenance_summary")),
            "findings": list(self.findings),
            "data_as_of": as_of, "data_as_of_text": _period_words(as_of, self.lang),
            "numbers": self.numbers(),
        }

    def numbers(self) -> list[dict]:
        """One dict per number printed on the page (the ledger's rows), for the data downloads.

        Keys (conventions of issue 22): label (page language), text (as printed; for a cited
        text or quotation, the numbers in it, as the appendix ledger shows them), value, lower,
        upper (base unit; None where not stated or not a quantity), unit (the base unit in the
        page language), kind ("case figure", "context", "derived", "assumption"), source_id,
        evidence, publisher, url, derivation (its inputs with their exact values).

        Returns:
            The rows, in the order first printed; empty rows (a cited text without a number) left out.
        """
        from kczlib.report.appendix import _NUMBER, leaf_namer, parameter_plus

        rows = []
        for e in require_ledger(self.ledger).printed():
            num = e.num
            cited = _is_cited(e)
            text = "; ".join(_NUMBER.findall(plain(e.text))) if cited else plain(e.text)
            if not text:
                continue
            label = (num.derivation if num.origin is None and num.is_leaf  # computed in a section: its words
                     else derivation_words(num, self.lang, leaf_namer(num, self)))
            if isinstance(num.origin, Period) and num.origin.of is None and num.refs:  # a row's year, named so
                label = templates(self.lang)["appendix.leaves.period_of"].format(name=label)
            if plus := parameter_plus(num):  # the end year of a window, not the parameter's own year
                label = self.text(f"appendix.parameter_plus.{plus}", name=label)
            if cited:  # "73.3; 10.1" are numbers of a text cited on R&D expenditure, not its values
                label = templates(self.lang)["appendix.leaves.cited_numbers"].format(name=label)
            quantity = not cited
            rows.append({
                "label": plain(label), "text": text,
                "value": _round(_value(num)) if quantity else None,
                "lower": _round(num.lower) if quantity else None, "upper": _round(num.upper) if quantity else None,
                "unit": _unit_words(num, self.lang) if quantity else "",
                "kind": kind_name(num), **sources(num, self.case),
                **({"evidence": plain(e.text)} if isinstance(num.origin, Passage) else {}),  # the quotation itself
                "derivation": "" if num.is_leaf else self.list_separator().join(
                    f"{leaf_namer(num, self)(leaf)} = {exact_text(leaf)}" for leaf in num.inputs()),
            })
        return rows

    def _sections(self) -> list[dict[str, str]]:
        """The report's h2 sections before the appendix, as {"id", "heading"} (reader meta `sections`).

        The ids are those the reader page gives its body's h2 headings in order (`kcz-s1`, ...:
        kczlib/publish/html/reader_page.add_contents); the appendix starts at the ledger heading.
        """
        stop = plain(self.text("common.ledger_heading")).strip()
        found: list[dict[str, str]] = []
        for rendered in self.shown:
            for line in str(rendered).splitlines():
                if not line.startswith("## "):
                    continue
                heading = plain(line[3:]).strip()
                if heading == stop:
                    return found
                found.append({"id": f"kcz-s{len(found) + 1}", "heading": heading})
        return found

    def _uses_parameters(self) -> bool:
        """Whether a scenario parameter (an assumption set when the report is run) was printed."""
        return bool(require_ledger(self.ledger).assumptions())

    def _publish_reader_meta(self) -> None:
        meta = self.reader_meta()  # first: it reads the periods of the rows it cites
        # what the report read, for `kcz build` to rebuild it only when that changes (kczlib.reads)
        show({READER_MIME: meta, READS_MIME: reads.record()}, raw=True)


def _is_cited(e: Entry) -> bool:
    """A cited text or quotation: only the numbers in it are printed numbers (as in the appendix)."""
    return e.where == "cited text" or isinstance(e.num.origin, Passage)


def _value(num: Num) -> float | None:
    """The stated value of a number: its point, or the figure's stated number of a range (超400亿元)."""
    if num.point is not None:
        return num.point
    return num.value_base if isinstance(num.origin, FigureRef | ContextRef) else None


def _round(x: float | None) -> float | None:
    """A bound without float noise (63191999999.99999 -> 63192000000.0): twelve significant digits."""
    return None if x is None else float(f"{x:.12g}")


def _unit_words(num: Num, lang: str) -> str:
    """The base unit in the page language (`page.unit.*` in words/page.toml); a count its measure word."""
    table = words("page", lang)
    if num.base_unit == "count" and num.measure and lang == "zh":
        return num.measure
    return table.get(f"page.unit.{num.base_unit}", num.base_unit)


def _period_words(period: str, lang: str) -> str:
    """A period ("2024-08", "2019-H1", "2023") in words, or ""."""
    from kczlib.data.context import format_period

    return format_period(period, lang) if period else ""
