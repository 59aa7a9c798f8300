"""Report sections that combine several figures, charts and external context.

Each function takes the notebook's `Report` and shows one section; they live here,
not in the notebooks, so that the notebooks stay an outline and the logic is tested.
"""

from __future__ import annotations

from ..analysis import metrics

from . import theme  # theme: sections are only imported by notebooks
from ..data.context import context_series, format_period, geo_label
from ..data.figures import figure
from ..analysis.ledger import Num
from .narrative import Safe
from .facade import _display_table


def chain_headlines(report, headlines: dict[str, list[str]]) -> None:
    for chain, ids in headlines.items():
        pairs = [report.text("overview.chain_pair", label=report.label(i), value=report.fig(i)) for i in ids]
        report.say("overview.chain_item", chain=report.text(f"common.chains.{chain}"), items=Safe(report.list_separator().join(pairs)))
    counts = [(report.label(i), report.fig(i)) for ids in headlines.values() for i in ids
              if report.fig(i).base_unit == "count"]
    report.bars("chain_headlines", counts, "overview.chains_chart", "overview.unit_mixed")


def crosschecks(report) -> None:
    from ..analysis.crosschecks import run_crosschecks

    checks = run_crosschecks(report.case)
    if not checks:
        return
    report.heading("overview.crosscheck_heading")
    for c in checks:
        ids = tuple((c.case_side.figure_ids if c.case_side else [])) + tuple(
            f"ctx:{i}" for i in (c.context_side.context_ids if c.context_side else []))
        explanation = c.explanation(report.lang)
        report.say("overview.crosscheck_item", title=report.cite(c.title(report.lang), f"cross-check {c.id}", ids),
                 outcome=report.text(f"overview.outcome_{c.outcome}"),
                 explanation=report.cite(explanation, f"cross-check {c.id}", ids))


def data_quality(report) -> None:
    from ..data.validate import validate_case

    r = validate_case(report.case)
    report.heading("overview.quality_heading")
    n = report.count(r.figures, "rows of figures.csv")
    q = report.count(r.qualified, "rows of figures.csv with a qualifier other than exact")
    report.say("overview.quality", n_figures=n, n_qualified=q, share_qualified=metrics.share(q, n),
             mentions=report.count(r.mentions, "numeric mentions the parser finds in the source"),
             claimed_figures=report.count(r.claimed_by_figures, "mentions claimed by figure rows"),
             claimed_non=report.count(r.claimed_by_non_figures, "rows of non_figures.csv"),
             unaccounted=report.count(len(r.unaccounted), "mentions claimed by no row"))
    items = [(report.text(f"common.chains.{chain}"), report.count(v, f"rows of figures.csv with chain = {chain}"))
             for chain, v in r.per_chain.items()]
    report.bars("per_chain", items, "overview.quality_chart", "overview.unit_count")


def fiscal_benchmarks(report, spending: Num, intensity: Num) -> None:

    gdp_row, gdp = report.ctx_role("gdp_case_year")
    if gdp is not None:
        rd_floor = metrics.percent_of(gdp, intensity)
        report.say("fiscal.rd_context", year_label=report.year(gdp_row.year_number, f"year of context {gdp_row.id}", (f"ctx:{gdp_row.id}",)),
                 gdp=gdp, confidence=report.confidence(gdp_row), rd_floor=rd_floor,
                 fiscal_share=metrics.share(spending, rd_floor), fiscal_gdp_share=metrics.share(spending, gdp))
    rd_row, rd = report.ctx_role("rd_case_year")
    if rd is not None:
        # context.csv writes derivations in English: a Chinese page points to its appendix table
        derivation = Safe(report.text("appendix.notes.derivation_in_appendix")) if report.lang == "zh" and rd_row.derivation \
            else report.cite(rd_row.derivation, f"derivation of context {rd_row.id}", (f"ctx:{rd_row.id}",)) \
            if rd_row.derivation else Safe("")
        report.say("fiscal.beside_rd", year_label=report.year(rd_row.year_number, f"year of context {rd_row.id}", (f"ctx:{rd_row.id}",)),
                 rd=rd, confidence=report.confidence(rd_row), derivation=derivation,
                 fiscal_share=metrics.share(spending, rd))
    pop_row, pop = report.ctx_role("population_case_year")
    if pop is not None:
        report.say("fiscal.per_resident", population=pop, confidence=report.confidence(pop_row),
                 year_label=report.year(pop_row.year_number, f"year of context {pop_row.id}", (f"ctx:{pop_row.id}",)),
                 per_capita=metrics.ratio(spending, pop, "CNY"))
    _rd_series_chart(report)
    report.gap("fiscal_st_series")
    report.gap("peer_city_rd_intensity")


def _rd_series_chart(report) -> None:
    rows = context_series("rd_intensity", report.case)
    if not rows:
        return
    labels, values, notes, nums = [], [], [], []
    for r in sorted(rows, key=lambda r: (r.geo, r.year)):
        num = report.ctx(r.id)
        nums.append(num)
        labels.append(f"{geo_label(r.geo, report.lang)} {r.year}")
        values.append(r.value_base)
        notes.append(report.confidence(r))
    fig = theme.compare_bars(labels, values, title=report.text("fiscal.rd_series_chart"),
                             unit_label=report.text("fiscal.unit_percent"), source=report.chart_source(nums), lang=report.lang,
                             notes=notes, texts=report.chart_texts("rd_intensity_series", nums))
    report.chart(fig, "rd_intensity_series", nums)


def leverage_scenarios(report, loans: Num, pools_yi: list, loss_rates: list, shares: list) -> None:
    """Scenario grid of the risk pool: loans per yuan of pool and of expected fiscal loss
    (capped at the pool), with the break-even loss rate; table, sentences and heatmap."""
    import pandas as pd

    pools = [report.assume("risk_pool_yi", p * 1e8, "CNY") for p in pools_yi]
    losses = [report.assume("loss_rate", x, "ratio") for x in loss_rates]
    comps = [report.assume("compensation_share", x, "ratio") for x in shares]
    grid = metrics.leverage_grid(loans, pools, losses, comps)
    first = grid.iloc[0]
    report.say("finance.scenario", pool=first["pool"], loss=first["loss_rate"], comp=first["compensation_share"],
               per_pool=first["loans_per_pool_yuan"], expected_loss=first["expected_fiscal_loss"],
               per_loss=first["loans_per_loss_yuan"], break_even=first["break_even_loss_rate"])
    counts = grid["pool_binding"].value_counts()
    report.say("finance.scenario_binding",
               n_scenarios=report.count(len(grid), "scenarios in the grid (pools x loss rates x shares)"),
               n_binds=report.count(int(counts.get(metrics.POOL_BINDS, 0)), "scenarios where the pool binds at every loan volume"),
               n_partly=report.count(int(counts.get(metrics.POOL_BINDS_PARTLY, 0)), "scenarios where the pool binds at part of the loan range"))
    fmt = lambda col: [report.ledger.format(x, "scenario table") for x in grid[col]]  # noqa: E731
    columns = ("pool", "loss_rate", "compensation_share", "loans_per_pool_yuan", "expected_fiscal_loss",
               "loans_per_loss_yuan", "break_even_loss_rate")
    table = pd.DataFrame({report.text(f"finance.col_{c}"): fmt(c) for c in columns})
    table.insert(5, report.text("finance.col_pool_binding"),
                 [report.text(f"finance.binding_{b}") for b in grid["pool_binding"]])
    _display_table(table)
    _leverage_heatmap(report, grid)


def _leverage_heatmap(report, grid) -> None:
    """Loans per yuan of expected fiscal loss: one row per loss rate and share, one column
    per pool. Each cell is labelled with the printed figure (the same string as the table)
    and coloured by the middle of its range."""
    import pandas as pd

    texts, values, rows, cols = {}, {}, [], []
    for _, r in grid.iterrows():
        row = report.text("finance.grid_row_label", loss=r["loss_rate"], comp=r["compensation_share"])
        col = report.ledger.format(r["pool"], "scenario heatmap")
        rows.append(row) if row not in rows else None
        cols.append(col) if col not in cols else None
        texts[(row, col)] = report.ledger.format(r["loans_per_loss_yuan"], "scenario heatmap")
        values[(row, col)] = r["loans_per_loss_yuan"].mid
    frame = pd.DataFrame([[values[(r, c)] for c in cols] for r in rows], index=rows, columns=cols, dtype=float)
    frame.index.name, frame.columns.name = report.text("finance.grid_rows"), report.text("finance.grid_cols")
    labels = pd.DataFrame([[texts[(r, c)] for c in cols] for r in rows], index=rows, columns=cols)
    nums = list(grid["loans_per_loss_yuan"])
    fig = theme.grid_heatmap(frame, title=report.text("finance.grid_chart"), unit_label=report.text("finance.grid_unit"),
                             source=report.chart_source(nums), lang=report.lang, labels=labels)
    report.chart(fig, "leverage_grid", nums)


def pool_scenario(report, loans: Num, shares: list) -> None:
    """The 2019 debt-financing risk pool (a low-confidence context row) as a labelled scenario."""
    row, pool = report.ctx_role("debt_risk_pool")
    if pool is None:
        return
    comps = [report.assume("compensation_share", x, "ratio") for x in shares]
    items = [report.text("finance.pool_2019_item", comp=c, break_even=metrics.break_even_loss_rate(loans, pool, c))
             for c in comps]
    report.say("finance.pool_2019", year_label=report.year(row.year_number, f"year of context {row.id}", (f"ctx:{row.id}",)),
               confidence=report.confidence(row), pool=pool, per_pool=metrics.ratio(loans, pool, "multiplier"),
               items=Safe(report.list_separator().join(items)))


def kechuangdai_growth(report, firms: Num, loans: Num, borrowing_then: Num) -> None:
    """Later and earlier 科创贷 totals from external context: loan size, loans per firm,
    cumulative borrowing per firm, each named for what it is."""
    frow, later_firms = report.ctx_role("kechuangdai_firms_latest")
    lrow, later_loans = report.ctx_role("kechuangdai_loans_latest")
    crow, loan_count = report.ctx_role("kechuangdai_loan_count_latest")
    if later_firms is None or later_loans is None or loan_count is None:
        return
    report.say("finance.growth", year_label=report.year(lrow.year_number, f"year of context {lrow.id}", (f"ctx:{lrow.id}",)),
               later_firms=later_firms, later_loans=later_loans, loan_count=loan_count,
               loans_confidence=report.confidence(lrow), firms_confidence=report.confidence(frow),
               firms_growth=metrics.growth(later_firms, firms), loans_growth=metrics.growth(later_loans, loans))
    report.say("finance.loan_size", loan_size=metrics.ratio(later_loans, loan_count, "CNY"),
               loans_per_firm=metrics.ratio(loan_count, later_firms, "count", measure=loan_count.measure),
               borrowing_later=metrics.ratio(later_loans, later_firms, "CNY"), borrowing_then=borrowing_then)
    erow, early_loans = report.ctx_role("kechuangdai_loans_early")
    efrow, early_firms = report.ctx_role("kechuangdai_firms_early")
    if early_loans is not None and early_firms is not None:
        report.say("finance.early", period=report.cite(format_period(erow.year, report.lang), f"period of context {erow.id}", (f"ctx:{erow.id}",)),
                   loans=early_loans, firms=early_firms, confidence=report.confidence(erow),
                   per_firm=metrics.ratio(early_loans, early_firms, "CNY"))
    report.gap("kechuangdai_risk_pool")


def hightech_series(report, total: Num, prior: Num) -> None:
    rows = context_series("hightech", report.case)
    items = [report.text("platforms.hightech_item", year=report.year(r.year_number, f"year of context {r.id}", (f"ctx:{r.id}",)),
                       value=report.ctx(r.id), confidence=report.confidence(r)) for r in rows]
    if items:
        report.say("platforms.hightech_series", items=Safe(report.list_separator().join(items)))
    year = int(figure(total.ids[0], report.case).period)
    points = sorted([(r.year_number, report.ctx(r.id), report.confidence(r)) for r in rows]
                    + [(year, total, report.text("platforms.from_case")), (year - 1, prior, report.text("platforms.implied"))],
                    key=lambda p: p[0])
    # bars rather than a line: each year carries its own source and confidence label
    nums = [p[1] for p in points]
    fig = theme.compare_bars([report.year(p[0], "year of the series point") for p in points], [p[1].mid for p in points],
                             title=report.text("platforms.hightech_chart"), unit_label=report.text("platforms.unit_firms"),
                             source=report.chart_source(nums), lang=report.lang, notes=[p[2] for p in points],
                             highlight=report.year(year, "period of the case total"), texts=report.chart_texts("hightech_series", nums))
    report.chart(fig, "hightech_series", nums)
