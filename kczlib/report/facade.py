"""What a report notebook talks to: parameters, figures as `Num`s, narrative, charts, appendix.

A notebook's cells stay an outline:

    report = Report.start("02_tech_finance_leverage", globals())   # before parameters
    # parameters cell
    from kczlib.report import check_parameters                      # after parameters
    params = check_parameters(globals())
    report.say("finance.kechuangdai", firms=report.fig("kechuangdai_firms"))
    ...
    report.appendix()
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..data.cases import get_case
from ..data.figures import figure, load_figures
from ..analysis.ledger import Ledger, Num, assumption
from .narrative import Quote, Safe, escape, render
from .parameters import apply_parameters, remember_report
from ..data.source import load_source

MULTIPLIER_WORDS = ("万亿", "万", "亿")


def _measure(unit: str, base_unit: str) -> str:
    if base_unit != "count":
        return ""
    for w in MULTIPLIER_WORDS:
        if unit.startswith(w):
            return unit[len(w):]
    return unit


def figure_num(figure_id: str, case: str) -> Num:
    f = figure(figure_id, case)
    return Num(f.lower, f.upper, f.base_unit, (figure_id,), figure_id, "figure", f.qualifier, f.value_base,
               _measure(f.unit, f.base_unit))


def _display(obj) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:  # plain Python: nothing to show
        return
    if get_ipython() is not None:
        display(Markdown(obj) if isinstance(obj, str) else obj)


@dataclass
class Report:
    notebook: str
    params: dict = field(default_factory=dict)
    lang: str = "zh"
    case: str = "chengdu"
    ledger: Ledger | None = None
    shown: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, notebook: str, namespace: dict | None = None) -> "Report":
        """A report for `notebooks/<notebook>.ipynb`, to be configured after its parameters cell.

        `namespace` (the notebook's globals) is where `check_parameters` finds this report;
        nothing in it is read: parameters come from the cells that run, not from globals.
        """
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
        self.params, self.ledger, self.shown = {}, None, []  # nothing from an earlier run survives
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
        return figure_num(figure_id, self.case)

    def ctx(self, context_id: str) -> Num:
        from ..data.context import context_value

        c = context_value(context_id, self.case)
        return Num(c.value_base, c.value_base, c.base_unit, (f"ctx:{context_id}",), f"context {context_id}", "context",
                   "exact", c.value_base, confidence=c.confidence)

    def assume(self, name: str, value: float, base_unit: str) -> Num:
        return assumption(name, value, base_unit)

    # -- text ------------------------------------------------------------------------
    def text(self, key: str, **slots) -> Safe:
        """A rendered template, not shown (chart titles, list items)."""
        return render(key, self.lang, self.ledger, **slots)

    def say(self, key: str, **slots) -> None:
        """Show a rendered template as Markdown (returns nothing, so a cell never echoes it)."""
        self._show(self.text(key, **slots))

    def heading(self, key: str, level: int = 2, **slots) -> None:
        self._show(Safe("#" * level + " " + self.text(key, **slots)))

    def _show(self, rendered: Safe) -> None:
        self.shown.append(rendered)
        _display(rendered)

    def label(self, figure_id: str) -> str:
        return figure(figure_id, self.case).metric(self.lang)

    def source_line(self) -> str:
        return self.text("common.source_line", title=self.meta["title"][self.lang])

    # -- charts ----------------------------------------------------------------------
    def chart(self, fig, name: str, nums: list[Num]) -> None:
        """Show a chart and ledger the numbers it draws."""
        from . import theme

        for n in nums:
            self.ledger.record(n, f"chart:{name}")
        problems = theme.missing_glyph_warnings(fig)
        if problems:
            raise RuntimeError(f"chart {name!r} has missing glyphs: {problems[0]}")
        _display(fig)
        import matplotlib.pyplot as plt

        plt.close(fig)

    def bars(self, name: str, items: list[tuple[str, Num]], title_key: str, unit_key: str, **slots) -> None:
        from . import theme

        labels = [label for label, _ in items]
        fig = theme.bar_ranges(labels, [n.lower for _, n in items], [n.upper for _, n in items],
                               title=self.text(title_key, **slots), unit_label=self.text(unit_key),
                               source=self.source_line(), lang=self.lang)
        self.chart(fig, name, [n for _, n in items])

    def funnel_chart(self, name: str, stages: list[tuple[str, Num]], title_key: str, unit_key: str) -> None:
        from . import theme

        if not all(n.is_point for _, n in stages):  # the funnel labels values: ranges would print as points
            raise ValueError(f"funnel {name!r}: every stage must be an exact figure; use bars() for ranges")
        fig = theme.funnel([self.text(k) for k, _ in stages], [n.point for _, n in stages], title=self.text(title_key),
                           unit_label=self.text(unit_key), source=self.source_line(), lang=self.lang)
        self.chart(fig, name, [n for _, n in stages])

    def path_chart(self, name: str, path, title_key: str, unit_key: str) -> None:
        from . import theme

        scale = 1e8 if self.lang == "zh" else 1e9  # 亿元 / CNY bn
        lows = [None if v is None else v / scale for v in path["lower"]]
        fig = theme.line_path(list(path["year"]), lows, title=self.text(title_key), unit_label=self.text(unit_key),
                              source=self.source_line(), lang=self.lang)
        for year, num in zip(path["year"], path["num"]):
            self.say("fiscal.path_item", year=self.year(int(year), "parameter baseline_year + t"), amount=num)
        self.chart(fig, name, list(path["num"]))

    # -- labels that are numbers but not quantities -----------------------------------
    def period(self, figure_id: str) -> Safe:
        """The year a figure refers to, as printed (2021年 / 2021)."""
        p = figure(figure_id, self.case).period
        return self.year(int(p), f"period of {figure_id}", (figure_id,)) if p.isdigit() else Safe(self.text("fiscal.no_year"))

    def year(self, year: int, derivation: str, ids: tuple = ()) -> Safe:
        text = f"{year}年" if self.lang == "zh" else str(year)
        self.ledger.record(Num(year, year, "years", ids, derivation, "figure" if ids else "assumption"), "year", text)
        return Safe(text)

    def count(self, n: int, derivation: str) -> Num:
        """A count computed from the dataset itself (rows, mentions)."""
        return Num(float(n), float(n), "count", (), derivation, "derived", measure="个", sig=6)

    def source_passage(self, start: str, end: str) -> Quote:
        text = load_source(self.case).text
        i = text.index(start)
        j = text.index(end, i) + len(end)
        return Quote(text[i:j], i)

    # -- helpers for sections that cite data text or external context -------------------
    def gap(self, topic: str) -> None:
        from ..data.context import context_gaps

        for g in context_gaps(self.case):
            if g["topic"] == topic:
                self.say("common.gap", text=self.cite(g[self.lang], f"context gap {topic}", ()))

    def cite(self, text: str, derivation: str, ids: tuple) -> Safe:
        """Data text that may hold years or counts: ledgered as cited, then escaped."""
        self.ledger.record(Num(None, None, "count", ids, derivation, "context"), "cited text", escape(text))
        return Safe(escape(text))

    def ctx_role(self, role: str):
        from ..data.context import context_role

        c = context_role(role, self.case)
        return (None, None) if c is None else (c, self.ctx(c.id))

    def confidence(self, c) -> str:
        return c.confidence_label(self.lang)

    # -- appendix --------------------------------------------------------------------
    def appendix(self) -> None:
        """Numbers ledger, Sources (evidence and section per figure), assumptions."""
        import pandas as pd

        doc = load_source(self.case)
        self.heading("common.ledger_heading")
        self.say("common.ledger_intro")
        frame = self.ledger.frame()
        _display_table(frame.rename(columns=self._columns("ledger")))
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
                       .rename(columns=self._columns("sources")))
        ctx_ids = self.ledger.context_ids()
        if ctx_ids:
            from ..data.context import context_value

            self.heading("common.context_heading")
            ctx_rows = []
            for cid in ctx_ids:
                c = context_value(cid, self.case)
                ctx_rows.append({"id": cid, "indicator": c.indicator, "year": c.year, "confidence": c.confidence,
                                 "derivation": c.derivation, "source": c.source_url, "excerpt": c.excerpt})
            _display_table(pd.DataFrame(ctx_rows))
        assumptions = self.ledger.assumptions()
        self.heading("common.assumptions_heading")
        if assumptions:
            self.say("common.assumptions_intro")
            seen = {}
            for e in assumptions:
                seen.setdefault(e.num.derivation.removeprefix("parameter "), []).append(e.text)
            _display_table(pd.DataFrame([{"parameter": k, "values": ", ".join(dict.fromkeys(v))} for k, v in seen.items()])
                           .rename(columns=self._columns("assumptions")))
        else:
            self.say("common.no_assumptions")

    def _columns(self, table: str) -> dict:
        keys = {"ledger": ["printed", "kind", "derivation", "ids", "where"],
                "sources": ["id", "metric", "evidence", "section", "offset"],
                "assumptions": ["parameter", "values"]}[table]
        return {k: self.text(f"common.columns.{k}") for k in keys}


def _display_table(frame) -> None:
    """Tables as escaped HTML, so data text can never become markup."""
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:
        return
    if get_ipython() is not None:
        display(HTML(frame.to_html(index=False, escape=True, border=0, classes="kcz-table")))
