"""The `Report` a report notebook talks to: parameters, numbers, text, output parts.

A notebook's cells stay an outline:

    report = Report.start("02_tech_finance_leverage", globals())   # before parameters
    # parameters cell
    from kczlib.report import check_parameters                      # after parameters
    check_parameters(globals());
    report.say("finance.kechuangdai", firms=report.ind("kechuangdai_firms"))
    ...
    report.key_numbers([firms, loans])                             # the index card's headline numbers
    report.appendix()

`Report` itself holds numbers (`fig`, `ind`, `ctx`, `assume`, `maybe`, `needs`) and text
(`text`, `say`, `heading`); charts come from `charts.ChartMethods`, printed labels
(years, counts, cited text) from `labels.LabelMethods`, and the reader edition (key
findings, headline numbers, reader metadata) from `reader.ReaderMethods`. The appendix
tables are built by `appendix.show_appendix`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kczlib.analysis.ledger import Ledger
from kczlib.analysis.num import Num, assumption, context_num, figure_num
from kczlib.data.cases import CaseMeta, get_case
from kczlib.data.figures import LATEST, figure, figure_columns, has_figure, indicator, load_figures, reports_indicator
from kczlib.data.validate import ValidationResult, require_valid
from kczlib.errors import IndicatorNotReportedError
from kczlib.report.appendix import show_appendix
from kczlib.report.charts import ChartMethods
from kczlib.report.display import part_metadata, release_held, show
from kczlib.report.labels import LabelMethods
from kczlib.report.narrative import Safe, render, sentence_start
from kczlib.report.parameters import apply_parameters, install_guard, remember_report
from kczlib.report.reader import ReaderMethods

if TYPE_CHECKING:
    import pandas as pd

CASE_PREFIX = "case:"  # a ref to a figure particular to a case, by the case's own id


@dataclass
class Report(ChartMethods, LabelMethods, ReaderMethods):
    """One report being made in a notebook (see the module docstring).

    It holds its parameters, language, case and ledger, and what it has shown.
    """

    notebook: str
    params: dict = field(default_factory=dict)
    lang: str = "zh"
    case: str = ""  # the case folder name: the notebook's `case` parameter sets it (`configure`)
    ledger: Ledger | None = None
    shown: list[str] = field(default_factory=list)
    charts: list[tuple[str, list[Num], str]] = field(default_factory=list)  # (name, plotted Nums, source line)
    title: str = ""  # the level-1 heading as shown
    group: str = ""  # the narrative group of that heading ("finance" for "finance.title")
    key: list[tuple[str, str]] = field(default_factory=list)  # (label, printed) headline numbers
    findings: list[str] = field(default_factory=list)  # the key findings as plain text (reader meta)
    part: str | None = None  # output part while the appendix is shown
    configured: bool = False  # set by `configure`
    meta: CaseMeta | dict[str, Any] = field(default_factory=dict)  # the case's case.json, once configured
    omitted: list[tuple[str, Safe]] = field(default_factory=list)  # (reason, topic) of each section left out
    omitted_id: str = ""  # the display id of the one sentence naming them (`omit`)
    omitted_at: int = -1  # where that sentence is in `shown`
    validation: ValidationResult | None = None  # the case's data checks, made by `configure` (no errors)

    @classmethod
    def start(cls, notebook: str, namespace: dict | None = None) -> Report:
        """A report for `notebooks/<notebook>.ipynb`, to be configured after its parameters cell.

        `namespace` (the notebook's globals) is where `check_parameters` finds this report;
        nothing in it is read: parameters come from the cells that run, not from globals.
        """
        install_guard()  # before the parameters cells: see report/parameters.py
        report = cls(notebook)
        remember_report(namespace, report)
        return report

    def configure(self, namespace: dict) -> dict:
        """Check the parameters, then set language, case, ledger and chart theme.

        The values are those the parameters cell (and papermill's injected cell) that ran
        right before assigned (`parameters.apply_parameters`); checked and coerced, they
        are written to `namespace` (the notebook's globals) and returned.
        Raises ParameterError (one line).
        """
        # nothing from an earlier run survives
        self.params, self.ledger, self.shown = {}, None, []
        self.charts, self.title, self.group, self.key, self.part = [], "", "", [], None
        self.findings = []
        self.new_page()
        self.params = apply_parameters(self.notebook, namespace)
        self.lang, self.case = self.params["lang"], self.params["case"]
        self.ledger = Ledger(self.lang)
        self.configured = True
        self.meta = get_case(self.case).meta
        self.validation = require_valid(self.case)  # a figure row `kcz validate` refuses is never printed
        from kczlib.report import theme  # charts only once a report is really being made

        theme.set_theme(self.lang)
        return self.params

    @property
    def figures(self) -> pd.DataFrame | None:
        """The case's whole figures table (`load_figures`), or None before `configure`.

        Reading it counts as reading every row (`kczlib.reads`): any edit of figures.csv
        rebuilds the report. Use `figure_columns` when some columns of all rows are enough.
        """
        return load_figures(self.case) if self.configured else None

    def figure_columns(self, *names: str) -> pd.DataFrame:
        """Columns `names` of every figure of the case (`kczlib.data.figures.figure_columns`).

        Raises AttributeError before `configure`.
        """
        if not self.configured:
            raise AttributeError("the report's figures table: configure the report first")
        return figure_columns(self.case, *names)

    # -- numbers ---------------------------------------------------------------------
    def fig(self, figure_id: str) -> Num:
        """A figure of this case by its own id (for what is particular to the case).

        Raises `UnknownFigureError` when the case has no such figure: guard a section
        that needs one with `needs("case:<id>")`.
        """
        return figure_num(figure_id, self.case)

    def ind(self, indicator_id: str, period: str | None = LATEST) -> Num:
        """The case's figure for a shared indicator (data/indicators.csv), as a `Num`.

        The `Num`'s ids name the case's figure, so ledger and sources cite the case's own row. By
        default the latest year where the case reports several (`period` as in `indicator`).

        Raises `UnknownIndicatorError`, `IndicatorNotReportedError` or `AmbiguousIndicatorError`
        (see `kczlib.indicator`).
        """
        return figure_num(indicator(indicator_id, self.case, period).id, self.case)

    def has(self, ref: str) -> bool:
        """Whether the case reports `ref`.

        `ref` is an indicator id, or `case:<figure id>` for a figure particular to a case. Raises
        `UnknownIndicatorError` for a bare id that is not an indicator (a typo must not read as
        "not reported").
        """
        if ref.startswith(CASE_PREFIX):
            if not self.configured:  # as `None.index` did before the report is configured
                raise AttributeError("the report's figures table: configure the report first")
            return has_figure(ref[len(CASE_PREFIX):], self.case)
        return reports_indicator(ref, self.case)

    def get(self, ref: str) -> Num:
        """The `Num` of `ref` (see `has`): `ind(ref)` or `fig(<figure id>)`."""
        return self.fig(ref[len(CASE_PREFIX):]) if ref.startswith(CASE_PREFIX) else self.ind(ref)

    def maybe(self, ref: str, period: str | None = LATEST) -> Num | None:
        """`get(ref)`, or None when the case does not report it (for an indicator: in `period`)."""
        if not self.has(ref):
            return None
        if ref.startswith(CASE_PREFIX):
            return self.get(ref)
        try:
            return self.ind(ref, period)
        except IndicatorNotReportedError:
            return None

    def period_of(self, num: Num) -> str:
        """The period (a year, "cumulative", "target") of the case figure behind `num`."""
        return figure(num.ids[0], self.case).period

    def has_context(self) -> bool:
        """Whether the case has external context rows (a case may have no context.csv)."""
        from kczlib.data.context import load_context

        return not load_context(self.case).empty

    def needs(self, topic: str, *refs: str, context: bool = False) -> bool:
        """True when the case reports every ref (see `has`) and, with `context=True`, has context rows.

        Otherwise records the section as left out (`omit`: one sentence per page names every
        section left out) and returns False, so the notebook skips the section. `topic`: a key
        under `missing.topics` in the narrative templates (or a full template key, e.g. a chain name).
        """
        missing = [r for r in refs if not self.has(r)]
        about = self.text(topic if "." in topic else f"missing.topics.{topic}")
        if not missing and (not context or self.has_context()):
            return True
        self.omit("figures" if missing else "context", about)
        return False

    def new_page(self) -> None:
        """Forget what an earlier run of the notebook left out or held (`omit`, held headings)."""
        import uuid

        from kczlib.report.display import drop_held

        self.omitted, self.omitted_id = [], f"kcz-omitted-{uuid.uuid4().hex}"
        drop_held()

    def omit(self, reason: str, topic: Safe) -> None:
        """Record a section left out, and say once, in one sentence, every section left out so far.

        The sentence (`missing.left_out*`) is shown where the first section is left out, before
        any held heading, and updated in place as more are; sections left out for want of
        external data are named in a second clause. A case with no figures at all says so once
        (`missing.no_figures`), so no list follows.

        Args:
            reason: "figures" (the case does not report what the section needs) or "context"
                (it has no external data for it).
            topic: the section's topic, as `needs` names it.
        """
        from kczlib.report.display import show_note

        if (reason, topic) in self.omitted or not self.reports_figures():
            return
        first = not self.omitted
        self.omitted.append((reason, topic))
        text = sentence_start(self.left_out_sentence(), self.lang)
        if first:
            self.shown.append(text)
            self.omitted_at = len(self.shown) - 1
        else:
            self.shown[self.omitted_at] = text
        show_note(text, self.omitted_id, update=not first)

    def left_out_sentence(self) -> Safe:
        """The one sentence naming the sections left out so far (`omitted`), in the page's language."""
        clauses = []
        for reason in ("figures", "context"):
            topics = [t for r, t in self.omitted if r == reason]
            if not topics:
                continue
            quoted = [self.text("missing.quoted", topic=t) for t in topics]
            one = "_one" if len(topics) == 1 else ""
            clauses.append(self.text(f"missing.left_out_{reason}{one}",
                                     topics=Safe(self.text("common.name_separator").join(quoted))))
        return self.text("missing.left_out", clauses=Safe(self.text("common.list_separator").join(clauses)))

    def ctx(self, context_id: str) -> Num:
        """The context row `context_id` (data/cases/<case>/context.csv) as a `Num` in its base unit.

        Carries the row's confidence; a qualified row (超400亿元) is a range. Raises
        `UnknownContextError` for an id the case's context table does not have.
        """
        return context_num(context_id, self.case)


    def assume(self, name: str, value: float, base_unit: str) -> Num:
        """A scenario assumption as an exact `Num` (`value` in `base_unit`).

        It is cited as "assumption: <name>" in charts and the ledger. Use it for parameter values only.
        """
        return assumption(name, value, base_unit)

    # -- text ------------------------------------------------------------------------
    def text(self, key: str, **slots) -> Safe:
        """A rendered template, not shown (chart titles, list items).

        The slot `city` is the case's city in the page language (case.json `city`) unless given.
        """
        if "city" not in slots and self.meta:
            slots["city"] = self.meta["city"][self.lang]
        return render(key, self.lang, self.ledger, **slots)

    def say(self, key: str, **slots) -> None:
        """Show a rendered template as Markdown (returns nothing, so a cell never echoes it).

        Shown on its own, the text is a paragraph: in English its first letter is a capital
        (`narrative.sentence_start`), whatever number's words open it.
        """
        self.show(sentence_start(self.text(key, **slots), self.lang))

    def heading(self, key: str, level: int = 2, **slots) -> None:
        """Show the template `key` as a Markdown heading of `level`.

        `level` 1 is the report's title, 2 a section, 3 a subsection. The first level-1 heading
        becomes the title the reader page and the index show. A section or subsection heading of
        the body is held until something is shown under it (`display.hold_heading`), so a heading
        whose sections are all left out never reaches the page. Raises `TemplateError` for an
        unknown key or a missing slot.
        """
        text = self.text(key, **slots)
        if level == 1 and not self.title:  # the report's title: the reader page shows it in its header
            self.title, self.group = text, key.split(".")[0]
            self.show(Safe("# " + text), "title")
            return
        markdown = Safe("#" * level + " " + text)
        if self.part is None and level >= 2:  # a body section: shown only with something under it
            from kczlib.report.display import hold_heading

            hold_heading(level, markdown, None, lambda: self.shown.append(markdown))
            return
        self.show(markdown)

    def show(self, rendered: Safe, part: str | None = None) -> None:
        """Show rendered template text (a `Safe`: its numbers are ledgered) as Markdown.

        Args:
            rendered: text from `text` (or several joined, e.g. a list).
            part: the output part ("title"); by default the current one (the appendix while
                it is shown, else the body).
        """
        release_held()  # the headings it sits under first, in `shown` too
        self.shown.append(rendered)
        show(rendered, part_metadata(part or self.part))


    # -- appendix --------------------------------------------------------------------
    def appendix(self) -> None:
        """Other reported figures, footnotes, then the appendix part (ledger, Sources, assumptions), reader meta.

        "Other reported figures" (`others.other_figures`): the figures of the chains this report is
        home to that no section of it printed, so every figure of the case appears in some page.
        """
        from kczlib.report.display import drop_held
        from kczlib.report.others import other_figures

        other_figures(self)
        drop_held()  # a body heading with nothing under it (the footnotes are not under it)
        self.footnotes()
        self.part = "appendix"
        try:
            show_appendix(self)
        finally:
            self.part = None
        self._publish_reader_meta()
