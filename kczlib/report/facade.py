"""What a report notebook talks to: parameters, figures as `Num`s, narrative, charts, appendix.

A notebook's cells stay an outline:

    report = Report.start("02_tech_finance_leverage", globals())   # before parameters
    # parameters cell
    from kczlib.report import check_parameters                      # after parameters
    params = check_parameters(globals())
    report.say("finance.kechuangdai", firms=report.fig("kechuangdai_firms"))
    ...
    report.key_numbers([firms, loans])                             # the index card's headline numbers
    report.appendix()

What the reader edition needs from a report travels in its outputs: the level-1 heading
and the appendix outputs carry `{"kcz": {"part": "title" | "appendix"}}` in their output
metadata, and `appendix()` ends with one `READER_MIME` output (title, summary, headline
numbers, the "About this report" box). `kcz build` reads these; nothing else does.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from kczlib.data.cases import get_case
from kczlib.data.datatext import DataText
from kczlib.errors import IndicatorNotReportedError
from kczlib.data.figures import LATEST, figure, indicator, load_figures, reports_indicator
from kczlib.analysis.ledger import Ledger, Num, assumption
from kczlib.report.narrative import Quote, Safe, escape, render
from kczlib.report.parameters import apply_parameters, remember_report
from kczlib.report import guard
from kczlib.data.source import load_source

MULTIPLIER_WORDS = ("万亿", "万", "亿")
CASE_PREFIX = "case:"  # a ref to a figure particular to a case, by the case's own id
from kczlib.contract import READER_MIME
_MD_ESCAPE = re.compile(r"\\([\\`*_\[\]#|~])")


def _measure(unit: str, base_unit: str) -> str:
    if base_unit != "count":
        return ""
    for w in MULTIPLIER_WORDS:
        if unit.startswith(w):
            return unit[len(w):]
    return unit


_HALF_TO_FULL = str.maketrans({"(": "（", ")": "）", ",": "，", ";": "；", ":": "："})


def typeset(text: str, lang: str) -> str:
    """Data text (metric names) in the page's typography: Chinese takes full-width （），；：."""
    out = text.translate(_HALF_TO_FULL) if lang == "zh" else text
    return DataText(out) if isinstance(text, DataText) else out  # still data text: digits may print


def figure_num(figure_id: str, case: str) -> Num:
    """A case figure as a `Num`: bounds in its `base_unit` (yuan for CNY), provenance = its id.

    Raises `UnknownFigureError` for an id the case does not have.
    """
    f = figure(figure_id, case)
    return Num(f.lower, f.upper, f.base_unit, (figure_id,), figure_id, "figure", f.qualifier, f.value_base,
               _measure(f.unit, f.base_unit))


def _display(obj, metadata: dict | None = None) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:  # plain Python: nothing to show
        return
    if get_ipython() is not None:
        display(Markdown(obj) if isinstance(obj, str) else obj, metadata=metadata)


def _part(part: str | None) -> dict | None:
    """Output metadata telling the reader page where an output belongs."""
    return {"kcz": {"part": part}} if part else None


def plain(markdown: str) -> str:
    """Rendered template text as a reader reads it: Markdown escapes and entities undone."""
    return html.unescape(_MD_ESCAPE.sub(r"\1", str(markdown))).replace("**", "")


@dataclass
class Report:
    notebook: str
    params: dict = field(default_factory=dict)
    lang: str = "zh"
    case: str = "chengdu"
    ledger: Ledger | None = None
    shown: list[str] = field(default_factory=list)
    charts: list[tuple[str, list[Num], str]] = field(default_factory=list)  # (name, plotted Nums, source line)
    title: str = ""  # the level-1 heading as shown
    group: str = ""  # the narrative group of that heading ("finance" for "finance.title")
    key: list[tuple[str, str]] = field(default_factory=list)  # (label, printed) headline numbers
    part: str | None = None  # output part while the appendix is shown

    @classmethod
    def start(cls, notebook: str, namespace: dict | None = None) -> "Report":
        """A report for `notebooks/<notebook>.ipynb`, to be configured after its parameters cell.

        `namespace` (the notebook's globals) is where `check_parameters` finds this report;
        nothing in it is read: parameters come from the cells that run, not from globals.
        """
        guard.install()  # before the parameters cells: see guard.py
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
        self.params = apply_parameters(self.notebook, namespace)
        self.lang, self.case = self.params["lang"], self.params["case"]
        self.ledger = Ledger(self.lang)
        self.figures = load_figures(self.case)
        self.meta = get_case(self.case).meta
        from kczlib.report import theme  # charts only once a report is really being made

        theme.set_theme(self.lang)
        return self.params

    # -- numbers ---------------------------------------------------------------------
    def fig(self, figure_id: str) -> Num:
        """A figure of this case by its own id (for what is particular to the case).

        Raises `UnknownFigureError` when the case has no such figure: guard a section
        that needs one with `needs("case:<id>")`."""
        return figure_num(figure_id, self.case)

    def ind(self, indicator_id: str, period: str | None = LATEST) -> Num:
        """The case's figure for a shared indicator (data/indicators.csv), as a `Num` whose
        ids name the case's figure, so ledger and sources cite the case's own row. By
        default the latest year where the case reports several (`period` as in `indicator`).

        Raises `UnknownIndicatorError`, `IndicatorNotReportedError` or `AmbiguousIndicatorError`
        (see `kczlib.indicator`)."""
        return figure_num(indicator(indicator_id, self.case, period).id, self.case)

    def has(self, ref: str) -> bool:
        """Whether the case reports `ref`: an indicator id, or `case:<figure id>` for a
        figure particular to a case. Raises `UnknownIndicatorError` for a bare id that is
        not an indicator (a typo must not read as "not reported")."""
        if ref.startswith(CASE_PREFIX):
            return ref[len(CASE_PREFIX):] in self.figures.index
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
        """True when the case reports every ref (see `has`) and, with `context=True`, has
        context rows. Otherwise shows the one sentence saying that the case does not
        report what the section `topic` needs and returns False, so the notebook skips
        the section. `topic`: a key under `missing.topics` in the narrative templates (or a
        full template key, e.g. a chain name).
        Names of missing shared indicators are listed in the report's language; a missing
        case-specific figure is not named (its id belongs to another case)."""
        from kczlib.data.indicators import indicators

        missing = [r for r in refs if not self.has(r)]
        about = self.text(topic if "." in topic else f"missing.topics.{topic}")
        if not missing and (not context or self.has_context()):
            return True
        names = [indicators()[r].name(self.lang) for r in missing if not r.startswith(CASE_PREFIX)]
        if names:
            sep = "、" if self.lang == "zh" else "; "
            self.say("missing.not_reported", topic=about, names=sep.join(names))
        elif missing:
            self.say("missing.not_reported_specific", topic=about)
        else:
            self.say("missing.no_context", topic=about)
        return False

    def ctx(self, context_id: str) -> Num:
        """The context row `context_id` (data/cases/<case>/context.csv) as a `Num` in its base unit.

        Carries the row's confidence; a qualified row (超400亿元) is a range. Raises
        `UnknownContextError` for an id the case's context table does not have.
        """
        from kczlib.data.context import context_value

        c = context_value(context_id, self.case)
        lower, upper = c.bounds  # a qualified row (超400亿元) is a range, as a case figure is
        return Num(lower, upper, c.base_unit, (f"ctx:{context_id}",), f"context {context_id}", "context",
                   c.qualifier or "exact", c.value_base, _measure(c.unit, c.base_unit), confidence=c.confidence)

    def assume(self, name: str, value: float, base_unit: str) -> Num:
        """A scenario assumption as an exact `Num` (`value` in `base_unit`), cited as
        "assumption: <name>" in charts and the ledger. Use it for parameter values only.
        """
        return assumption(name, value, base_unit)

    # -- text ------------------------------------------------------------------------
    def text(self, key: str, **slots) -> Safe:
        """A rendered template, not shown (chart titles, list items)."""
        return render(key, self.lang, self.ledger, **slots)

    def say(self, key: str, **slots) -> None:
        """Show a rendered template as Markdown (returns nothing, so a cell never echoes it)."""
        self._show(self.text(key, **slots))

    def heading(self, key: str, level: int = 2, **slots) -> None:
        """Show the template `key` as a Markdown heading of `level` (1 = the report's title,
        2 = a section, 3 = a subsection). The first level-1 heading becomes the title the reader
        page and the index show. Raises `TemplateError` for an unknown key or a missing slot.
        """
        text = self.text(key, **slots)
        if level == 1 and not self.title:  # the report's title: the reader page shows it in its header
            self.title, self.group = text, key.split(".")[0]
            self._show(Safe("# " + text), "title")
            return
        self._show(Safe("#" * level + " " + text))

    def _show(self, rendered: Safe, part: str | None = None) -> None:
        self.shown.append(rendered)
        _display(rendered, _part(part or self.part))

    def label(self, figure_id: str) -> str:
        """A figure's metric name in the page language (Chinese with full-width punctuation)."""
        return typeset(figure(figure_id, self.case).metric(self.lang), self.lang)

    def list_separator(self) -> str:
        """Between items of a list in a sentence: "；" / "; "."""
        return "；" if self.lang == "zh" else "; "

    def source_line(self) -> str:
        """The source line of the case document ("Source: <title>") in the report's language."""
        return self.text("common.source_line", title=self.meta["title"][self.lang])

    # -- charts ----------------------------------------------------------------------
    def chart_source(self, nums: list[Num]) -> str:
        """The source line for a chart drawing `nums`: the origins of exactly those numbers."""
        from kczlib.report import theme

        return theme.source_line(nums, self.lang, self.case)

    def chart_texts(self, name: str, nums: list[Num]) -> list[str]:
        """Value labels for a chart: the same strings the text prints, ledgered."""
        return [self.ledger.format(n, f"chart:{name}") for n in nums]

    def chart(self, fig, name: str, nums: list[Num], origins: list[Num] | None = None) -> None:
        """Show a chart and ledger the numbers it draws (`origins`: what its source line cites,
        when that is more than the labelled numbers, e.g. an assumed start year)."""
        from kczlib.report import theme

        for n in nums:
            self.ledger.record(n, f"chart:{name}")
        self.charts.append((name, list(origins or nums), theme.drawn_source(fig)))
        problems = theme.missing_glyph_warnings(fig)
        if problems:
            raise RuntimeError(f"chart {name!r} has missing glyphs: {problems[0]}")
        _mark_units(fig, nums)
        theme.write_layout(fig, f"{self.notebook}-{self.lang}-{name}")
        _display(fig, {"kcz": {"part": self.part, "alt": self.chart_alt(fig)}})
        import matplotlib.pyplot as plt

        plt.close(fig)

    def chart_alt(self, fig) -> str:
        """The chart's alt text in the page language: "Chart: <its title>" / "图表：<标题>"."""
        from kczlib.report.narrative import templates

        title = " ".join(ax.get_title(loc="left") for ax in fig.axes if ax.get_title(loc="left"))
        title = title or (fig._suptitle.get_text() if fig._suptitle else "")
        return templates(self.lang)["appendix.chart_alt"].format(title=title.replace("\n", ""))

    def bars(self, name: str, items: list[tuple[str, Num]], title_key: str, unit_key: str, **slots) -> None:
        """Bars of `items` (label, Num); items that count different things (units, or measure
        words: 个 platforms, 人 people) are drawn as stacked panels, one unit per axis."""
        from kczlib.report import theme

        nums = [n for _, n in items]
        groups: dict[str, list[tuple[str, Num]]] = {}
        for label, n in items:
            groups.setdefault(_unit_of(n), []).append((label, n))
        texts = dict(zip(map(id, nums), self.chart_texts(name, nums)))
        title, source = self.text(title_key, **slots), self.chart_source(nums)
        if len(groups) == 1:
            unit = next(iter(groups))
            fig = theme.bar_ranges([label for label, _ in items], [n.lower for n in nums], [n.upper for n in nums],
                                   title=title, unit_label=self.text(unit_key), source=source, lang=self.lang,
                                   texts=[texts[id(n)] for n in nums], unit=unit)
        else:
            facets = [{"labels": [label for label, _ in group], "lower": [n.lower for _, n in group],
                       "upper": [n.upper for _, n in group], "texts": [texts[id(n)] for _, n in group],
                       "unit_label": self.unit_label(unit), "unit": unit} for unit, group in groups.items()]
            fig = theme.bar_range_facets(facets, title=title, source=source, lang=self.lang)
        self.chart(fig, name, nums)

    def unit_label(self, unit: str) -> str:
        """An axis label for a unit key ("count:个"): 数量（个） / "count (units)"."""
        from kczlib.report.narrative import templates

        base, _, measure = unit.partition(":")
        words = templates(self.lang)
        key = f"appendix.measure.{measure}" if measure else f"appendix.unit.{base}"
        return words.get(key, measure or base)

    def funnel_chart(self, name: str, stages: list[tuple[str, Num]], title_key: str, unit_key: str) -> None:
        """Show stages [(template key, Num)] as a funnel, widest first, labelled with their values.

        Raises `ValueError` unless every stage is an exact figure (use `bars` for ranges).
        """
        from kczlib.report import theme

        if not all(n.is_point for _, n in stages):  # the funnel labels values: ranges would print as points
            raise ValueError(f"funnel {name!r}: every stage must be an exact figure; use bars() for ranges")
        fig = theme.funnel([self.text(k) for k, _ in stages], [n.point for _, n in stages], title=self.text(title_key),
                           unit_label=self.text(unit_key), source=self.chart_source([n for _, n in stages]), lang=self.lang)
        self.chart(fig, name, [n for _, n in stages])

    def path_chart(self, name: str, path, title_key: str, unit_key: str) -> None:
        """Show a year-by-year path (a DataFrame with `year`, `num`, `lower`, `upper`, as from
        `metrics.target_path`) as a line in 亿元 (zh) or CNY bn (en), and say each year's value.

        The x axis rests on the `baseline_year` parameter, so the chart's source line cites it.
        """
        from kczlib.report import theme

        scale = 1e8 if self.lang == "zh" else 1e9  # 亿元 / CNY bn
        lows = [None if v is None else v / scale for v in path["lower"]]
        nums = list(path["num"])
        origins = nums + [assumption("baseline_year", int(path["year"].iloc[0]), "years")]  # the x axis is assumed
        fig = theme.line_path(list(path["year"]), lows, title=self.text(title_key), unit_label=self.text(unit_key),
                              source=self.chart_source(origins), lang=self.lang, texts=self.chart_texts(name, nums))
        for year, num in zip(path["year"], path["num"]):
            self.say("fiscal.path_item", year=self.year(int(year), "parameter baseline_year + t"), amount=num)
        self.chart(fig, name, nums, origins)

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

    # -- the reader edition: headline numbers and what the index and page header show ----
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
            elif num.kind == "figure" and len(num.ids) == 1:
                label = self.label(num.ids[0])
            else:
                raise ValueError(f"key number {num.derivation!r}: not a single figure; pass (template_key, num)")
            self.key.append((label, plain(self.ledger.format(num, "key numbers"))))

    def reader_meta(self) -> dict:
        """What the reader page header and the index card show (see the module docstring)."""
        lang, tpl = self.lang, self.text
        about = [tpl("reader.about_source", title=self.meta["title"][lang]), tpl("reader.about_ranges"),
                 tpl("reader.about_assumptions" if self._uses_parameters() else "reader.about_no_assumptions"),
                 tpl("reader.about_appendix")]
        from kczlib.report.narrative import templates

        # a summary worded for any case (the city as a slot) wins over one written for Chengdu
        summary_key = next((k for k in (f"any_case.summary.{self.group}", f"reader.summary.{self.group}")
                            if k in templates(lang)), None)
        return {
            "lang": lang, "notebook": self.notebook, "title": plain(self.title),
            "summary": plain(tpl(summary_key, city=self.meta["city"][lang])) if summary_key else "",
            "key_numbers": [{"label": label, "value": value} for label, value in self.key],
            "about": {"heading": plain(tpl("reader.about_heading")), "paragraphs": [plain(p) for p in about]},
            "appendix_summary": plain(tpl("reader.appendix_summary")),
            "provenance_summary": plain(tpl("reader.provenance_summary")),
        }

    def _uses_parameters(self) -> bool:
        """Whether a scenario parameter (an assumption set when the report is run) was printed."""
        return any(e.num.derivation.startswith("parameter ") for e in self.ledger.assumptions())

    def _publish_reader_meta(self) -> None:
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:
            return
        if get_ipython() is not None:
            display({READER_MIME: self.reader_meta()}, raw=True)
    # -- key findings and external context ------------------------------------------------
    def key_findings(self, sentences: list[Safe]) -> None:
        """The report's opening: a "Key findings" heading and three to five sentences
        (rendered templates, so their numbers are ledgered). A case that reports less may
        give one or two; with none, one sentence says the case's data do not support any.
        Raises `ValueError` for more than five."""
        if len(sentences) > 5:
            raise ValueError(f"key findings need three to five sentences, got {len(sentences)}")
        self.heading("common.key_findings_heading")
        if not sentences:
            self.say("missing.no_findings")
            return
        self._show(Safe("\n".join(f"- {s}" for s in sentences)))

    def when(self, row) -> Safe:
        """The period of a context row as printed (2021年 / 2021; 2023年11月 / Nov 2023), ledgered."""
        from kczlib.data.context import format_period

        if row.year.isdigit():
            return self.year(int(row.year), f"year of context {row.id}", (f"ctx:{row.id}",))
        return self.cite(format_period(row.year, self.lang), f"period of context {row.id}", (f"ctx:{row.id}",))

    def hatched(self, nums: list[Num]) -> list[bool]:
        """Which of `nums` a chart hatches: those resting on a low-confidence or derived context row."""
        from kczlib.data.context import context_value

        def weak(num):
            return any(leaf.kind == "context" and context_value(leaf.ids[0][4:], self.case).confidence in ("low", "derived")
                       for leaf in num.inputs())

        return [weak(n) for n in nums]

    # -- appendix --------------------------------------------------------------------
    def appendix(self) -> None:
        """Numbers ledger, Sources, assumptions (marked as the appendix part), then the reader meta."""
        self.part = "appendix"
        try:
            self._appendix()
        finally:
            self.part = None
        self._publish_reader_meta()

    def _appendix(self) -> None:
        import pandas as pd

        from kczlib.report.appendix import context_rows, glossary_rows, ledger_rows, source_rows

        self.heading("common.ledger_heading")
        self.say("common.ledger_intro")
        _display_table(pd.DataFrame(ledger_rows(self)).rename(columns=self._columns("ledger")), _part(self.part))
        self.heading("common.sources_heading")
        self.say("common.sources_intro", title=self.meta["title"][self.lang])
        _display_table(pd.DataFrame(source_rows(self), columns=["metric", "evidence", "section", "offset"])
                       .rename(columns=self._columns("sources")), _part(self.part))
        if self.ledger.context_ids():
            self.heading("common.context_heading")
            _display_table(pd.DataFrame(context_rows(self)).rename(columns=self._columns("context")),
                           _part(self.part), link_columns=(self.text("appendix.columns.source"),))
        assumptions = self.ledger.assumptions()
        self.heading("common.assumptions_heading")
        if assumptions:
            self.say("common.assumptions_intro")
            seen = {}
            for e in assumptions:
                from kczlib.report.appendix import leaf_name

                seen.setdefault(leaf_name(e.num, self), []).append(e.text)
            _display_table(pd.DataFrame([{"parameter": k, "values": self.list_separator().join(dict.fromkeys(v))} for k, v in seen.items()])
                           .rename(columns=self._columns("assumptions")), _part(self.part))
        else:
            self.say("common.no_assumptions")
        self.heading("appendix.glossary_heading")
        self.say("appendix.glossary_intro")
        _display_table(pd.DataFrame(glossary_rows(self)).rename(columns=self._columns("glossary")), _part(self.part))

    def _parameter_name(self, name: str) -> str:
        from kczlib.report.narrative import templates

        key = f"appendix.parameters.{name}"
        return self.text(key) if key in templates(self.lang) else name

    def _columns(self, table: str) -> dict:
        from kczlib.report.appendix import LEDGER_SHOWN

        keys = {"ledger": [f"common.columns.{k}" for k in LEDGER_SHOWN],
                "sources": [f"common.columns.{k}" for k in ["metric", "evidence", "section", "offset"]],
                "context": [f"appendix.columns.{k}" for k in ["indicator", "year", "confidence", "source", "excerpt"]]
                + ["common.columns.derivation"],
                "assumptions": ["common.columns.parameter", "common.columns.values"],
                "glossary": [f"appendix.columns.{k}" for k in ["term", "other", "meaning"]]}[table]
        return {k.rsplit(".", 1)[1]: self.text(k) for k in keys}


def _unit_of(num: Num) -> str:
    """What a number counts, for one-unit-per-axis charts: "count:个", "CNY", "percent"."""
    return f"{num.base_unit}:{num.measure}" if num.base_unit == "count" and num.measure else num.base_unit


def _mark_units(fig, nums: list[Num]) -> None:
    """Name on a single-panel chart's axes what its numbers count ("unit:count:家"), or
    "unit:mixed:…" when they count different things (the layout test refuses that). A count
    without a measure word (a derived count) takes the measure of the others."""
    plots = [ax for ax in fig.axes if not hasattr(ax, "_colorbar") and ax.get_label() != "<colorbar>"]
    if len(plots) != 1 or plots[0].get_gid():
        return
    plots[0].set_gid("unit:" + unit_key(nums))


def unit_key(nums: list[Num]) -> str:
    """What `nums` count, as one key for an axis ("count:家", "CNY"), or "mixed:…" (sorted
    keys joined by "|") when they count different things. A count without a measure word
    (a derived count) takes the measure of the others."""
    units = {_unit_of(n) for n in nums}
    if "count" in units and any(u.startswith("count:") for u in units):
        units.discard("count")
    return units.pop() if len(units) == 1 else "mixed:" + "|".join(sorted(units))


def _display_table(frame, metadata: dict | None = None, link_columns: tuple = ()) -> None:
    """Tables as escaped HTML, so data text can never become markup.

    In `link_columns`, an http(s) URL becomes a link (href and text escaped).
    """
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:
        return
    if get_ipython() is not None:
        display(HTML(table_html(frame, link_columns)), metadata=metadata)


@dataclass(frozen=True)
class Cell:
    """A table cell in another language than the page (`lang`), or a quotation (`quote`:
    shown as written, class "kcz-quote")."""

    text: str
    lang: str | None = None
    quote: bool = False


def _cell_html(value, link: bool) -> str:
    import pandas as pd

    if isinstance(value, list):  # a mixed-language text: its pieces in turn
        return "".join(_cell_html(v, link) for v in value)
    if isinstance(value, Cell):
        attrs = (f' lang="{value.lang}"' if value.lang else "") + (' class="kcz-quote"' if value.quote else "")
        return f"<span{attrs}>{_cell_html(value.text, link)}</span>" if attrs else _cell_html(value.text, link)
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    text = str(value)
    if link and re.match(r"https?://\S+$", text):
        return f'<a href="{html.escape(text, quote=True)}">{html.escape(text, quote=False)}</a>'
    return html.escape(text, quote=False)


def table_html(frame, link_columns: tuple = ()) -> str:
    """`frame` as an HTML table, every cell escaped; URLs in `link_columns` as links;
    `Cell` values carry their `lang` and quotation mark-up onto a span."""
    cells = frame.copy()
    for col in cells.columns:
        cells[col] = [_cell_html(v, col in link_columns) for v in frame[col]]
    # text reads from the left in both languages (pandas would right-align the header row)
    return cells.to_html(index=False, escape=False, border=0, classes="kcz-table", justify="left")
