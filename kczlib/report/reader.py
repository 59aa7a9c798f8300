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

from kczlib.analysis.ledger import Ledger
from kczlib.analysis.num import FigureRef
from kczlib.contract import READER_MIME
from kczlib.data.cases import CaseMeta
from kczlib.report.display import show
from kczlib.report.narrative import Safe, require_ledger

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
    text: Callable[..., Safe]
    say: Callable[..., None]
    show: Callable[..., None]
    heading: Callable[..., None]
    label: Callable[[str], str]  # of `LabelMethods`

    def key_findings(self, sentences: list[Safe]) -> None:
        """The report's opening: a "Key findings" heading and three to five sentences.

        The sentences are rendered templates, so their numbers are ledgered. A case that reports
        less may give one or two; with none, one sentence says the case's data do not support any.
        Raises `ValueError` for more than five.
        """
        if len(sentences) > 5:
            raise ValueError(f"key findings need three to five sentences, got {len(sentences)}")
        self.heading("common.key_findings_heading")
        if not sentences:
            self.say("missing.no_findings")
            return
        self.show(Safe("\n".join(f"- {s}" for s in sentences)))


    def key_numbers(self, items: list) -> None:
        """Mark two or three of the report's numbers as its headline numbers (index card).

        `items`: `Num`s that are case figures (labelled by the figure's metric in the
        report's language) or `(template_key, Num)` pairs for derived numbers; None (or a
        pair holding None), a number the case does not report, is left out. Each is
        printed through the ledger (where: "key numbers"), so the card shows ledger text.
        Raises ValueError for a derived `Num` without a label key.
        """
        for item in items:
            key, num = item if isinstance(item, tuple) else (None, item)
            if num is None:
                continue
            if key is not None:
                label = plain(self.text(key))
            elif isinstance(num.origin, FigureRef):
                label = self.label(num.origin.figure_id)
            else:
                raise ValueError(f"key number {num.derivation!r}: not a single figure; pass (template_key, num)")
            self.key.append((label, plain(require_ledger(self.ledger).format(num, "key numbers"))))

    def reader_meta(self) -> dict:
        """What the reader page header and the index card show (see the module docstring)."""
        lang, tpl = self.lang, self.text
        about = [tpl("reader.about_source", title=self.meta["title"][lang]), tpl("reader.about_ranges"),
                 tpl("reader.about_assumptions" if self._uses_parameters() else "reader.about_no_assumptions"),
                 tpl("reader.about_appendix")]
        from kczlib.report.narrative import templates

        # a summary worded for any case (the city as a slot) wins over one written for the first case
        summary_key = next((k for k in (f"any_case.summary.{self.group}", f"reader.summary.{self.group}")
                            if k in templates(lang)), None)
        return {
            "lang": lang, "notebook": self.notebook, "title": plain(self.title),
            "summary": plain(tpl(summary_key, city=self.meta["city"][lang])) if summary_key else "",
            "key_numbers": [{"label": label, "value": value} for label, value in self.key],
            "about": {"heading": plain(tpl("reader.about_heading")), "paragraphs": [plain(p) for p in about]},
            "sections": self._sections(),
            "appendix_summary": plain(tpl("reader.appendix_summary")),
            "provenance_summary": plain(tpl("reader.provenance_summary")),
        }

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
        show({READER_MIME: self.reader_meta()}, raw=True)
