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

from ..data.cases import get_case
from ..data.figures import figure, load_figures
from ..analysis.ledger import LEDGER_COLUMNS, Ledger, Num, assumption
from .narrative import Quote, Safe, escape, render
from .parameters import apply_parameters, remember_report
from . import guard
from ..data.source import load_source

MULTIPLIER_WORDS = ("万亿", "万", "亿")
READER_MIME = "application/vnd.kcz.reader+json"
_MD_ESCAPE = re.compile(r"\\([\\`*_\[\]#|~])")


def _measure(unit: str, base_unit: str) -> str:
    if base_unit != "count":
        return ""
    for w in MULTIPLIER_WORDS:
        if unit.startswith(w):
            return unit[len(w):]
    return unit


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
        from . import theme  # charts only once a report is really being made

        theme.set_theme(self.lang)
        return self.params

    # -- numbers ---------------------------------------------------------------------
    def fig(self, figure_id: str) -> Num:
        """The case figure `figure_id` as a `Num` (lower/upper in `base_unit`: yuan, count, ...).

        A qualified figure (2700余家) is a range (2700 to 2800), never a point. Raises
        `UnknownFigureError` (naming the closest ids) for an id the case does not have.
        """
        return figure_num(figure_id, self.case)

    def ctx(self, context_id: str) -> Num:
        """The context row `context_id` (data/cases/<case>/context.csv) as a `Num` in its base unit.

        Carries the row's confidence; a qualified row (超400亿元) is a range. Raises
        `UnknownContextError` for an id the case's context table does not have.
        """
        from ..data.context import context_value

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
        """The metric of a case figure in the report's language (a chart or list label).

        Raises `UnknownFigureError` for an id the case does not have.
        """
        return figure(figure_id, self.case).metric(self.lang)

    def source_line(self) -> str:
        """The source line of the case document ("Source: <title>") in the report's language."""
        return self.text("common.source_line", title=self.meta["title"][self.lang])

    # -- charts ----------------------------------------------------------------------
    def chart_source(self, nums: list[Num]) -> str:
        """The source line for a chart drawing `nums`: the origins of exactly those numbers."""
        from . import theme

        return theme.source_line(nums, self.lang, self.case)

    def chart_texts(self, name: str, nums: list[Num]) -> list[str]:
        """Value labels for a chart: the same strings the text prints, ledgered."""
        return [self.ledger.format(n, f"chart:{name}") for n in nums]

    def chart(self, fig, name: str, nums: list[Num], origins: list[Num] | None = None) -> None:
        """Show a chart and ledger the numbers it draws (`origins`: what its source line cites,
        when that is more than the labelled numbers, e.g. an assumed start year)."""
        from . import theme

        for n in nums:
            self.ledger.record(n, f"chart:{name}")
        self.charts.append((name, list(origins or nums), theme.drawn_source(fig)))
        problems = theme.missing_glyph_warnings(fig)
        if problems:
            raise RuntimeError(f"chart {name!r} has missing glyphs: {problems[0]}")
        _display(fig)
        import matplotlib.pyplot as plt

        plt.close(fig)

    def bars(self, name: str, items: list[tuple[str, Num]], title_key: str, unit_key: str, **slots) -> None:
        """Show a horizontal bar chart of `items` [(label, Num)], each bar its range (lower to
        upper; an open bound is drawn as far as the data goes) and labelled with the same text
        the report prints.

        `name` names the chart in the ledger; `title_key` and `unit_key` are narrative templates
        (`slots` fill the title). Values are plotted in their base unit as given; items should
        share one. Raises `TemplateError` for an unknown key and `RuntimeError` if the chart has
        a missing glyph (a label the CJK font cannot draw).
        """
        from . import theme

        labels = [label for label, _ in items]
        nums = [n for _, n in items]
        fig = theme.bar_ranges(labels, [n.lower for n in nums], [n.upper for n in nums],
                               title=self.text(title_key, **slots), unit_label=self.text(unit_key),
                               source=self.chart_source(nums), lang=self.lang, texts=self.chart_texts(name, nums))
        self.chart(fig, name, [n for _, n in items])

    def funnel_chart(self, name: str, stages: list[tuple[str, Num]], title_key: str, unit_key: str) -> None:
        """Show stages [(template key, Num)] as a funnel, widest first, labelled with their values.

        Raises `ValueError` unless every stage is an exact figure (use `bars` for ranges).
        """
        from . import theme

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
        from . import theme

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
        from ..data.context import context_gaps

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
        from ..data.context import context_role

        c = context_role(role, self.case)
        return (None, None) if c is None else (c, self.ctx(c.id))

    def confidence(self, c) -> str:
        """The confidence label of context row `c` in the report's language (e.g. "medium confidence")."""
        return c.confidence_label(self.lang)

    # -- the reader edition: headline numbers and what the index and page header show ----
    def key_numbers(self, items: list) -> None:
        """Mark two or three of the report's numbers as its headline numbers (index card).

        `items`: `Num`s that are case figures (labelled by the figure's metric in the
        report's language) or `(template_key, Num)` pairs for derived numbers. Each is
        printed through the ledger (where: "key numbers"), so the card shows ledger text.
        Raises ValueError for a derived `Num` without a label key.
        """
        for item in items:
            key, num = item if isinstance(item, tuple) else (None, item)
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
        summary_key = f"reader.summary.{self.group}"
        from .narrative import templates

        return {
            "lang": lang, "notebook": self.notebook, "title": plain(self.title),
            "summary": plain(tpl(summary_key)) if summary_key in templates(lang) else "",
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
        (rendered templates, so their numbers are ledgered). Raises `ValueError` otherwise."""
        if not 3 <= len(sentences) <= 5:
            raise ValueError(f"key findings need three to five sentences, got {len(sentences)}")
        self.heading("common.key_findings_heading")
        self._show(Safe("\n".join(f"- {s}" for s in sentences)))

    def when(self, row) -> Safe:
        """The period of a context row as printed (2021年 / 2021; 2023年11月 / Nov 2023), ledgered."""
        from ..data.context import format_period

        if row.year.isdigit():
            return self.year(int(row.year), f"year of context {row.id}", (f"ctx:{row.id}",))
        return self.cite(format_period(row.year, self.lang), f"period of context {row.id}", (f"ctx:{row.id}",))

    def hatched(self, nums: list[Num]) -> list[bool]:
        """Which of `nums` a chart hatches: those resting on a low-confidence or derived context row."""
        from ..data.context import context_value

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

        doc = load_source(self.case)
        self.heading("common.ledger_heading")
        self.say("common.ledger_intro")
        frame = self.ledger.frame()
        _display_table(frame.rename(columns=self._columns("ledger")), _part(self.part))
        self.heading("common.sources_heading")
        self.say("common.sources_intro", title=self.meta["title"][self.lang])
        rows = []
        for fid in self.ledger.figure_ids():
            f = figure(fid, self.case)
            sec = doc.section_at(f.offset)
            rows.append({"id": fid, "metric": f.metric(self.lang), "evidence": f.evidence,
                         "section": f"{sec.path} {sec.title}".strip() or self.text("common.title_block"),
                         "offset": f.offset})
        _display_table(pd.DataFrame(rows, columns=["id", "metric", "evidence", "section", "offset"])
                       .rename(columns=self._columns("sources")), _part(self.part))
        ctx_ids = self.ledger.context_ids()
        if ctx_ids:
            from ..data.context import context_value

            self.heading("common.context_heading")
            ctx_rows = []
            for cid in ctx_ids:
                c = context_value(cid, self.case)
                ctx_rows.append({"id": cid, "indicator": c.indicator, "year": c.year, "confidence": c.confidence,
                                 "derivation": c.derivation, "source": c.source_url, "excerpt": c.excerpt})
            _display_table(pd.DataFrame(ctx_rows), _part(self.part), link_columns=("source",))
        assumptions = self.ledger.assumptions()
        self.heading("common.assumptions_heading")
        if assumptions:
            self.say("common.assumptions_intro")
            seen = {}
            for e in assumptions:
                seen.setdefault(e.num.derivation.removeprefix("parameter "), []).append(e.text)
            _display_table(pd.DataFrame([{"parameter": k, "values": ", ".join(dict.fromkeys(v))} for k, v in seen.items()])
                           .rename(columns=self._columns("assumptions")), _part(self.part))
        else:
            self.say("common.no_assumptions")

    def _columns(self, table: str) -> dict:
        keys = {"ledger": LEDGER_COLUMNS,
                "sources": ["id", "metric", "evidence", "section", "offset"],
                "assumptions": ["parameter", "values"]}[table]
        return {k: self.text(f"common.columns.{k}") for k in keys}


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


def _cell_html(value, link: bool) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    text = str(value)
    if link and re.match(r"https?://\S+$", text):
        return f'<a href="{html.escape(text, quote=True)}">{html.escape(text, quote=False)}</a>'
    return html.escape(text, quote=False)


def table_html(frame, link_columns: tuple = ()) -> str:
    """`frame` as an HTML table, every cell escaped; URLs in `link_columns` as links."""
    if not link_columns:
        return frame.to_html(index=False, escape=True, border=0, classes="kcz-table")
    cells = frame.copy()
    for col in cells.columns:
        cells[col] = [_cell_html(v, col in link_columns) for v in frame[col]]
    return cells.to_html(index=False, escape=False, border=0, classes="kcz-table")
