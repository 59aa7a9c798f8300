"""What a report notebook talks to: parameters, figures as `Num`s, narrative, charts, appendix.

A notebook's cells stay an outline:

    report = Report.start("02_tech_finance_leverage", globals())   # before parameters
    # parameters cell
    params = report.configure(globals())                            # after parameters
    report.say("finance.kechuangdai", firms=report.fig("kechuangdai_firms"))
    ...
    report.appendix()
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..data.cases import get_case
from ..data.figures import figure, load_figures
from ..analysis.ledger import LEDGER_COLUMNS, Ledger, Num, assumption
from .narrative import Quote, Safe, escape, render
from .parameters import check, user_names
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
    before: set[str] = field(default_factory=set)
    params: dict = field(default_factory=dict)
    lang: str = "zh"
    case: str = "chengdu"
    ledger: Ledger | None = None
    shown: list[str] = field(default_factory=list)
    charts: list[tuple[str, list[Num], str]] = field(default_factory=list)  # (name, plotted Nums, source line)

    @classmethod
    def start(cls, notebook: str, namespace: dict) -> "Report":
        return cls(notebook, before=user_names(namespace) | {"report"})

    def configure(self, namespace: dict) -> dict:
        """Check the parameters, then set language, case, ledger and chart theme."""
        self.params = check(self.notebook, namespace, self.before)
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
        lower, upper = c.bounds  # a qualified row (超400亿元) is a range, as a case figure is
        return Num(lower, upper, c.base_unit, (f"ctx:{context_id}",), f"context {context_id}", "context",
                   c.qualifier or "exact", c.value_base, _measure(c.unit, c.base_unit), confidence=c.confidence)

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
        from . import theme

        labels = [label for label, _ in items]
        nums = [n for _, n in items]
        fig = theme.bar_ranges(labels, [n.lower for n in nums], [n.upper for n in nums],
                               title=self.text(title_key, **slots), unit_label=self.text(unit_key),
                               source=self.chart_source(nums), lang=self.lang, texts=self.chart_texts(name, nums))
        self.chart(fig, name, [n for _, n in items])

    def funnel_chart(self, name: str, stages: list[tuple[str, Num]], title_key: str, unit_key: str) -> None:
        from . import theme

        if not all(n.is_point for _, n in stages):  # the funnel labels values: ranges would print as points
            raise ValueError(f"funnel {name!r}: every stage must be an exact figure; use bars() for ranges")
        fig = theme.funnel([self.text(k) for k, _ in stages], [n.point for _, n in stages], title=self.text(title_key),
                           unit_label=self.text(unit_key), source=self.chart_source([n for _, n in stages]), lang=self.lang)
        self.chart(fig, name, [n for _, n in stages])

    def path_chart(self, name: str, path, title_key: str, unit_key: str) -> None:
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
        keys = {"ledger": LEDGER_COLUMNS,
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
