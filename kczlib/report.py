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

from .cases import get_case
from .figures import figure, load_figures
from .ledger import Ledger, Num, assumption
from .metrics import share as metrics_share
from .narrative import Quote, Safe, escape, render
from .context import geo_label
from .parameters import check, user_names
from .source import load_source

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
        from .context import context_value

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

    # -- sections shared with the context data (issue 5) -------------------------------
    def chain_headlines(self, headlines: dict[str, list[str]]) -> None:
        from . import theme

        for chain, ids in headlines.items():
            pairs = [self.text("overview.chain_pair", label=self.label(i), value=self.fig(i)) for i in ids]
            self.say("overview.chain_item", chain=self.text(f"common.chains.{chain}"), items=Safe("; ".join(pairs)))
        counts = [(self.label(i), self.fig(i)) for ids in headlines.values() for i in ids
                  if self.fig(i).base_unit == "count"]
        self.bars("chain_headlines", counts, "overview.chains_chart", "overview.unit_mixed")

    def crosschecks(self) -> None:
        from .crosschecks import run_crosschecks

        checks = run_crosschecks(self.case)
        if not checks:
            return
        self.heading("overview.crosscheck_heading")
        for c in checks:
            ids = tuple((c.case_side.figure_ids if c.case_side else [])) + tuple(
                f"ctx:{i}" for i in (c.context_side.context_ids if c.context_side else []))
            explanation = c.explanation(self.lang)
            self.say("overview.crosscheck_item", title=self._cite(c.title(self.lang), f"cross-check {c.id}", ids),
                     outcome=self.text(f"overview.outcome_{c.outcome}"),
                     explanation=self._cite(explanation, f"cross-check {c.id}", ids))

    def data_quality(self) -> None:
        from .validate import validate_case

        r = validate_case(self.case)
        self.heading("overview.quality_heading")
        n = self.count(r.figures, "rows of figures.csv")
        q = self.count(r.qualified, "rows of figures.csv with a qualifier other than exact")
        self.say("overview.quality", n_figures=n, n_qualified=q, share_qualified=metrics_share(q, n),
                 mentions=self.count(r.mentions, "numeric mentions the parser finds in the source"),
                 claimed_figures=self.count(r.claimed_by_figures, "mentions claimed by figure rows"),
                 claimed_non=self.count(r.claimed_by_non_figures, "rows of non_figures.csv"),
                 unaccounted=self.count(len(r.unaccounted), "mentions claimed by no row"))
        items = [(self.text(f"common.chains.{chain}"), self.count(v, f"rows of figures.csv with chain = {chain}"))
                 for chain, v in r.per_chain.items()]
        self.bars("per_chain", items, "overview.quality_chart", "overview.unit_count")

    def _gap(self, topic: str) -> None:
        from .context import context_gaps

        for g in context_gaps(self.case):
            if g["topic"] == topic:
                self.say("common.gap", text=self._cite(g[self.lang], f"context gap {topic}", ()))

    def _cite(self, text: str, derivation: str, ids: tuple) -> Safe:
        """Data text that may hold years or counts: ledgered as cited, then escaped."""
        self.ledger.record(Num(None, None, "count", ids, derivation, "context"), "cited text", escape(text))
        return Safe(escape(text))

    def _ctx_role(self, role: str):
        from .context import context_role

        c = context_role(role, self.case)
        return (None, None) if c is None else (c, self.ctx(c.id))

    def _confidence(self, c) -> str:
        return c.confidence_label(self.lang)

    def fiscal_benchmarks(self, spending: Num, intensity: Num) -> None:
        from . import metrics

        gdp_row, gdp = self._ctx_role("gdp_case_year")
        if gdp is not None:
            rd_floor = metrics.percent_of(gdp, intensity)
            self.say("fiscal.rd_context", year_label=self.year(gdp_row.year_number, f"year of context {gdp_row.id}", (f"ctx:{gdp_row.id}",)),
                     gdp=gdp, confidence=self._confidence(gdp_row), rd_floor=rd_floor,
                     fiscal_share=metrics.share(spending, rd_floor), fiscal_gdp_share=metrics.share(spending, gdp))
        rd_row, rd = self._ctx_role("rd_case_year")
        if rd is not None:
            derivation = self._cite(rd_row.derivation, f"derivation of context {rd_row.id}", (f"ctx:{rd_row.id}",)) \
                if rd_row.derivation else Safe("")
            self.say("fiscal.beside_rd", year_label=self.year(rd_row.year_number, f"year of context {rd_row.id}", (f"ctx:{rd_row.id}",)),
                     rd=rd, confidence=self._confidence(rd_row), derivation=derivation,
                     fiscal_share=metrics.share(spending, rd))
        pop_row, pop = self._ctx_role("population_case_year")
        if pop is not None:
            self.say("fiscal.per_resident", population=pop, confidence=self._confidence(pop_row),
                     year_label=self.year(pop_row.year_number, f"year of context {pop_row.id}", (f"ctx:{pop_row.id}",)),
                     per_capita=metrics.ratio(spending, pop, "CNY"))
        self._rd_series_chart()
        self._gap("fiscal_st_series")
        self._gap("peer_city_rd_intensity")

    def _rd_series_chart(self) -> None:
        from . import theme
        from .context import context_series

        rows = context_series("rd_intensity", self.case)
        if not rows:
            return
        labels, values, notes, nums = [], [], [], []
        for r in sorted(rows, key=lambda r: (r.geo, r.year)):
            num = self.ctx(r.id)
            nums.append(num)
            labels.append(f"{geo_label(r.geo, self.lang)} {r.year}")
            values.append(r.value_base)
            notes.append(self._confidence(r))
        fig = theme.compare_bars(labels, values, title=self.text("fiscal.rd_series_chart"),
                                 unit_label=self.text("fiscal.unit_percent"), source=self.source_line(), lang=self.lang,
                                 notes=notes, sig=None)
        self.chart(fig, "rd_intensity_series", nums)

    def leverage_scenarios(self, loans: Num, pools_yi: list, loss_rates: list, shares: list) -> None:
        from . import metrics, theme

        pools = [self.assume("risk_pool_yi", p * 1e8, "CNY") for p in pools_yi]
        losses = [self.assume("loss_rate", x, "ratio") for x in loss_rates]
        comps = [self.assume("compensation_share", x, "ratio") for x in shares]
        grid = metrics.leverage_grid(loans, pools, losses, comps)
        first = grid.iloc[0]
        self.say("finance.scenario", pool=first["pool"], loss=first["loss_rate"], comp=first["compensation_share"],
                 per_pool=first["loans_per_pool_yuan"], expected_loss=first["expected_fiscal_loss"],
                 per_loss=first["loans_per_loss_yuan"])
        import pandas as pd

        fmt = lambda col: [self.ledger.format(x, "scenario table") for x in grid[col]]  # noqa: E731
        table = pd.DataFrame({self.text(f"finance.col_{c}"): fmt(c) for c in
                              ("pool", "loss_rate", "compensation_share", "loans_per_pool_yuan",
                               "expected_fiscal_loss", "loans_per_loss_yuan")})
        _display_table(table)
        # Heatmap of loans per yuan of expected fiscal loss: it depends on the loss rate and
        # the compensation share only. Cells are coloured by the interval's middle but
        # labelled with the interval itself, never with a false point.
        cells = grid.drop_duplicates(subset=["loss_rate", "compensation_share"], keep="first")
        labels = {}
        rows = []
        for _, r in cells.iterrows():
            text = self.ledger.format(r["loans_per_loss_yuan"], "scenario heatmap")
            labels[r["loans_per_loss_yuan"].mid] = text
            rows.append({"loss": self.ledger.format(r["loss_rate"], "scenario heatmap"),
                         "comp": self.ledger.format(r["compensation_share"], "scenario heatmap"),
                         "v": r["loans_per_loss_yuan"].mid})
        frame = pd.DataFrame(rows).pivot_table(index="loss", columns="comp", values="v", sort=False)
        frame.index.name, frame.columns.name = self.text("finance.grid_rows"), self.text("finance.grid_cols")
        fig = theme.grid_heatmap(frame, title=self.text("finance.grid_chart"), unit_label=self.text("finance.grid_unit"),
                                 source=self.source_line(), lang=self.lang, fmt=lambda v: labels.get(v, ""))
        self.chart(fig, "leverage_grid", list(cells["loans_per_loss_yuan"]))

    def kechuangdai_growth(self, firms: Num, loans: Num, avg_then: Num) -> None:
        from . import metrics

        frow, later_firms = self._ctx_role("kechuangdai_firms_latest")
        lrow, later_loans = self._ctx_role("kechuangdai_loans_latest")
        if later_firms is None or later_loans is None:
            return
        self.say("finance.growth", year_label=self.year(lrow.year_number, f"year of context {lrow.id}", (f"ctx:{lrow.id}",)),
                 later_firms=later_firms, later_loans=later_loans,
                 confidence=f"{self._confidence(frow)} / {self._confidence(lrow)}",
                 firms_growth=metrics.growth(later_firms, firms), loans_growth=metrics.growth(later_loans, loans),
                 avg_then=avg_then, avg_later=metrics.ratio(later_loans, later_firms, "CNY"))
        self._gap("kechuangdai_risk_pool")

    def hightech_series(self, total: Num, prior: Num) -> None:
        from . import theme
        from .context import context_series

        rows = context_series("hightech", self.case)
        items = [self.text("platforms.hightech_item", year=self.year(r.year_number, f"year of context {r.id}", (f"ctx:{r.id}",)),
                           value=self.ctx(r.id), confidence=self._confidence(r)) for r in rows]
        if items:
            self.say("platforms.hightech_series", items=Safe("; ".join(items)))
        year = int(figure(total.ids[0], self.case).period)
        points = sorted([(r.year_number, self.ctx(r.id), self._confidence(r)) for r in rows]
                        + [(year, total, self.text("platforms.from_case")), (year - 1, prior, self.text("platforms.implied"))],
                        key=lambda p: p[0])
        # bars rather than a line: each year carries its own source and confidence label
        fig = theme.compare_bars([self.year(p[0], "year of the series point") for p in points], [p[1].mid for p in points],
                                 title=self.text("platforms.hightech_chart"), unit_label=self.text("platforms.unit_firms"),
                                 source=self.source_line(), lang=self.lang, notes=[p[2] for p in points],
                                 highlight=self.year(year, "period of the case total"), sig=None)
        self.chart(fig, "hightech_series", [p[1] for p in points])

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
            from .context import context_value

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
