"""Report sections that combine several figures, charts and external context.

Each function takes the notebook's `Report` and shows one section; they live here,
not in the notebooks, so that the notebooks stay an outline and the logic is tested.
"""

from __future__ import annotations

from kczlib.analysis import metrics

from kczlib.report import plots  # matplotlib: sections are only imported by notebooks
from kczlib.data.context import context_series, format_period, geo_label
from kczlib.data.figures import figure
from kczlib.analysis.ledger import Num, assumption
from kczlib.report.narrative import Safe
from kczlib.report.charts import unit_key
from kczlib.report.tables import display_table


def chain_headlines(report, headlines: dict[str, list[str]]) -> None:
    """One line per chain with its headline figures (refs as in `Report.has`: indicator ids
    or `case:<figure id>`), then the counts among them as one chart. Figures the case does
    not report are left out; a chain with none gets the "not reported" sentence."""
    counts = []
    for chain, refs in headlines.items():
        nums = [report.get(r) for r in refs if report.has(r)]
        if not nums:
            report.needs(f"common.chains.{chain}", *refs)
            continue
        pairs = [report.text("overview.chain_pair", label=report.label(n.ids[0]), value=n) for n in nums]
        report.say("overview.chain_item", chain=report.text(f"common.chains.{chain}"), items=Safe(report.list_separator().join(pairs)))
        counts += [(report.label(n.ids[0]), n) for n in nums if n.base_unit == "count"]
    if counts:
        report.bars("chain_headlines", counts, "overview.chains_chart", "overview.unit_mixed")


def crosschecks(report) -> None:
    """A "cross-checks" section: each check of the case's figures against external context
    (`kczlib.analysis.crosschecks.run_crosschecks`) with its outcome and explanation;
    nothing when the case has no context to check against.
    """
    from kczlib.analysis.crosschecks import run_crosschecks

    checks = run_crosschecks(report.case)
    if not checks:
        return
    report.heading("overview.crosscheck_heading")
    if not report.needs("crosschecks", context=True):
        return
    for c in checks:
        ids = tuple((c.case_side.figure_ids if c.case_side else [])) + tuple(
            f"ctx:{i}" for i in (c.context_side.context_ids if c.context_side else []))
        explanation = c.explanation(report.lang)
        report.say("overview.crosscheck_item", title=report.cite(c.title(report.lang), f"cross-check {c.id}", ids),
                 outcome=report.text(f"overview.outcome_{c.outcome}"),
                 explanation=report.cite(explanation, f"cross-check {c.id}", ids))


def data_quality(report) -> None:
    """A "data quality" section from `validate_case`: figure rows, the qualified share, how the
    source's numeric mentions are accounted for, and a bar chart of figures per chain.
    """
    from kczlib.data.validate import validate_case

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
    """Fiscal S&T `spending` (CNY) and R&D `intensity` (percent of GDP) set beside external
    GDP, R&D spending and population where the case's context assigns those roles; a role
    without a row is skipped (its gap is said elsewhere).
    """

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
    rd_peer_comparison(report)
    report.gap("fiscal_st_series")
    report.gap("peer_city_rd_intensity")


# Geographies by kind, for ordering a benchmark chart: the case city, peer cities, province, nation.
_GEO_ORDER = {"四川省": 2, "全国": 3}


def _rd_rows(report):
    """R&D intensity rows ordered: the case city, peer cities (by name), Sichuan, China; each by year."""
    city = report.meta["city"]["zh"]
    rows = context_series("rd_intensity", report.case)
    return sorted(rows, key=lambda r: (0 if r.geo == city else _GEO_ORDER.get(r.geo, 1), r.geo, r.year))


def _rd_series_chart(report) -> None:
    """R&D intensity of the city, its peers, Sichuan and China in one chart: each bar says its
    year and confidence (years differ), low-confidence and derived bars are hatched."""
    rows = _rd_rows(report)
    if not rows:
        return
    nums = [report.ctx(r.id) for r in rows]
    labels = [f"{geo_label(r.geo, report.lang)} {format_period(r.year, report.lang)}" for r in rows]
    city = report.meta["city"]["zh"]
    latest = max((r for r in rows if r.geo == city), key=lambda r: r.year, default=None)
    fig = plots.compare_bars(labels, [n.mid for n in nums], title=report.text("fiscal.rd_series_chart"),
                             unit_label=report.text("fiscal.unit_percent"), source=report.chart_source(nums), lang=report.lang,
                             notes=[report.confidence(r) for r in rows], texts=report.chart_texts("rd_intensity_series", nums),
                             highlight=None if latest is None else labels[rows.index(latest)],
                             hatched=report.hatched(nums), legend=report.text("common.hatch_legend"))
    report.chart(fig, "rd_intensity_series", nums)


def rd_peers(report):
    """The case city's latest R&D intensity beside the other rows of the same year:
    (city row, city Num, national row, national Num, [(row, Num) of peers and province]) or None."""
    city = report.meta["city"]["zh"]
    rows = _rd_rows(report)
    mine = [r for r in rows if r.geo == city]
    if not mine:
        return None
    latest = max(mine, key=lambda r: r.year)
    same = [r for r in rows if r.year == latest.year and r.geo != city]
    nation = next((r for r in same if r.geo == "全国"), None)
    others = [(r, report.ctx(r.id)) for r in same if r.geo != "全国"]
    return latest, report.ctx(latest.id), nation, None if nation is None else report.ctx(nation.id), others


def _peer_items(report, others) -> Safe:
    return Safe(report.list_separator().join(report.text("fiscal.peer_item", geo=geo_label(r.geo, report.lang), value=n,
                                      confidence=report.confidence(r)) for r, n in others))


def rd_peer_comparison(report) -> None:
    """One sentence: the city's latest R&D intensity against the nation's and its peers' in the same year."""
    found = rd_peers(report)
    if found is None:
        return
    row, mine, nrow, nation, others = found
    if nation is None or not others:
        report.gap("peer_city_rd_intensity")
        return
    report.say("fiscal.peers", year=report.when(row), chengdu=mine, confidence=report.confidence(row),
               china=nation, china_confidence=report.confidence(nrow), vs_china=metrics.ratio(mine, nation, "multiplier"),
               items=_peer_items(report, others))


def _budget_name(row) -> str:
    """The budget's Chinese name as the context row writes it (一般公共预算支出): data text, not a template's."""
    return row.indicator.split(" ")[0]


def fiscal_against_budget(report, spending: Num) -> None:
    """Fiscal S&T spending against a general public budget only where the years match:
    the city's budget (years differ: say so) and Sichuan's province-wide spending and share."""
    year = figure(spending.ids[0], report.case).period
    brow, budget = report.ctx_role("budget_latest")
    if budget is not None:
        if brow.year == year:
            report.say("fiscal.budget_share", budget=budget, year=report.when(brow), confidence=report.confidence(brow),
                       share=metrics.share(spending, budget), budget_name=_budget_name(brow))
        else:
            report.say("fiscal.budget_other_year", budget=budget, budget_year=report.when(brow),
                       confidence=report.confidence(brow), year=report.period(spending.ids[0]),
                       budget_name=_budget_name(brow))
            report.gap("budget_year_mismatch")
    prow, province = report.ctx_role("fiscal_st_province")
    srow, pshare = report.ctx_role("fiscal_st_share_province")
    if province is not None and prow.year == year:
        report.say("fiscal.province", year=report.when(prow), province=province, confidence=report.confidence(prow),
                   province_share=pshare if pshare is not None else Safe(report.text("fiscal.no_year")),
                   ratio=metrics.share(spending, province), budget_name=_budget_name(brow) if brow is not None else "")


# A later window's base is unknown; the one assumption that bounds it: spending did not fall.
NOT_BELOW = "spending_not_below_stated_year"


def _known_floor(spending: Num) -> Num:
    """Spending in a later start year, bounded below by the stated year's spending under the
    assumption that it did not fall (a factor of at least 1, no upper bound)."""
    factor = Num(1.0, None, "multiplier", (), f"parameter {NOT_BELOW}", "assumption")
    return metrics.scaled(spending, factor)


def pledge_scenarios(report, spending: Num, multiple: Num, years: Num, cagr: Num, start_years: list[int]) -> None:
    """The doubling pledge under several start years of its window. Only the stated year has a
    spending figure: a window starting then has a known base; a later start has a base only
    bounded below (if spending did not fall); an earlier start has no base at all."""
    known = int(figure(spending.ids[0], report.case).period)
    span = int(years.upper)
    report.say("fiscal.scenarios_intro", known_year=report.period(spending.ids[0]))
    series, nums, origins = [], [], []
    for start in sorted(set(start_years)):
        s_num = assumption("pledge_start_years", start, "years")
        origins.append(s_num)
        start_label = report.year(start, "parameter pledge_start_years")
        end_label = report.year(start + span, "parameter pledge_start_years + window")
        if start < known:
            report.say("fiscal.scenario_before", start=start_label, end=end_label, known_year=report.period(spending.ids[0]))
            continue
        base = spending if start == known else _known_floor(spending)
        path = metrics.target_path(base, cagr, start, span)
        target = path["num"].iloc[-1]
        key = "fiscal.scenario_known" if start == known else "fiscal.scenario_after"
        report.say(key, start=start_label, end=end_label, target=target, base=spending, known_year=report.period(spending.ids[0]))
        scale = 1e8 if report.lang == "zh" else 1e9
        texts = ["" for _ in path["num"]]
        texts[-1] = report.ledger.format(target, "chart:pledge_scenarios")
        series.append((report.text("fiscal.scenario_label", start=start_label), list(path["year"]),
                       [n.lower / scale for n in path["num"]], texts))
        nums += list(path["num"])
    if series:
        fig = plots.multi_path(series, title=report.text("fiscal.scenarios_chart"), unit_label=report.text("fiscal.unit_yi"),
                               source=report.chart_source(nums + origins), lang=report.lang)
        report.chart(fig, "pledge_scenarios", nums, nums + origins)


def fiscal_findings(report, spending: Num, cagr: Num, multiple: Num, years: Num) -> list:
    """Key findings of the fiscal report: spending against the province, R&D against peers,
    the pledge's required growth and target, and the budget gap."""
    out = []
    if spending is None:  # every finding of this report is about spending
        return out
    year = figure(spending.ids[0], report.case).period
    prow, province = report.ctx_role("fiscal_st_province")
    if province is not None and prow.year == year:
        out.append(report.text("fiscal.kf_province", spending=spending, year=report.period(spending.ids[0]),
                               ratio=metrics.share(spending, province), province=province, confidence=report.confidence(prow)))
    found = rd_peers(report)
    if found is not None and found[3] is not None:
        row, mine, nrow, nation, others = found
        out.append(report.text("fiscal.kf_peers", year=report.when(row), chengdu=mine, confidence=report.confidence(row),
                               vs_china=metrics.ratio(mine, nation, "multiplier"), china=nation,
                               china_confidence=report.confidence(nrow), items=_peer_items(report, others)))
    if multiple is not None and years is not None:
        target = metrics.scaled(spending, multiple)
        out.append(report.text("fiscal.kf_pledge", years=years, multiple=multiple, cagr=cagr, target=target,
                               year=report.period(spending.ids[0])))
    brow, budget = report.ctx_role("budget_latest")
    if budget is not None and brow.year != year:
        out.append(report.text("fiscal.kf_budget", budget_year=report.when(brow), year=report.period(spending.ids[0]),
                               budget_name=_budget_name(brow)))
    return out


def leverage_scenarios(report, loans: Num, pools_yi: list, loss_rates: list, shares: list) -> None:
    """Scenario grid of the risk pool: loans per yuan of pool and of expected fiscal loss
    (capped at the pool), with the break-even loss rate; table, sentences and heatmap."""
    import pandas as pd

    pools = [report.assume("risk_pool_yi", p * 1e8, "CNY") for p in pools_yi]
    losses = [report.assume("loss_rate", x, "ratio") for x in loss_rates]
    comps = [report.assume("compensation_share", x, "ratio") for x in shares]
    grid = metrics.leverage_grid(loans, pools, losses, comps)
    first = grid.iloc[0]
    slots = dict(pool=first["pool"], loss=first["loss_rate"], comp=first["compensation_share"],
                 per_pool=first["loans_per_pool_yuan"], expected_loss=first["expected_fiscal_loss"],
                 per_loss=first["loans_per_loss_yuan"])
    if _never_exhausted(first["break_even_loss_rate"]):
        report.say("finance_bounds.scenario_never_exhausted", **slots)
    else:
        report.say("finance.scenario", **slots, break_even=first["break_even_loss_rate"])  # ledger order as before
    counts = grid["pool_binding"].value_counts()
    report.say("finance.scenario_binding",
               n_scenarios=report.count(len(grid), "scenarios in the grid (pools x loss rates x shares)"),
               n_binds=report.count(int(counts.get(metrics.POOL_BINDS, 0)), "scenarios where the pool binds at every loan volume"),
               n_partly=report.count(int(counts.get(metrics.POOL_BINDS_PARTLY, 0)), "scenarios where the pool binds at part of the loan range"))
    fmt = lambda col: [report.text("finance_bounds.never_exhausted") if col == "break_even_loss_rate" and _never_exhausted(x)
                       else report.ledger.format(x, "scenario table") for x in grid[col]]  # noqa: E731
    columns = ("pool", "loss_rate", "compensation_share", "loans_per_pool_yuan", "expected_fiscal_loss",
               "loans_per_loss_yuan", "break_even_loss_rate")
    table = pd.DataFrame({report.text(f"finance.col_{c}"): fmt(c) for c in columns})
    table.insert(5, report.text("finance.col_pool_binding"),
                 [report.text(f"finance.binding_{b}") for b in grid["pool_binding"]])
    display_table(table)
    _leverage_heatmap(report, grid)


def _never_exhausted(break_even: Num) -> bool:
    """A break-even loss rate above 100% (pool larger than loans x share covered): no loss
    rate exhausts the pool, so there is no rate to print (a rate is a share of the loans)."""
    return break_even.lower is not None and break_even.lower > 1


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
    fig = plots.grid_heatmap(frame, title=report.text("finance.grid_chart"), unit_label=report.text("finance.grid_unit"),
                             source=report.chart_source(nums), lang=report.lang, labels=labels)
    report.chart(fig, "leverage_grid", nums)


def pool_scenario(report, loans: Num, shares: list) -> None:
    """The 2019 debt-financing risk pool (a low-confidence context row) as a labelled scenario."""
    row, pool = report.ctx_role("debt_risk_pool")
    if pool is None:
        return
    comps = [report.assume("compensation_share", x, "ratio") for x in shares]
    rates = [(c, metrics.break_even_loss_rate(loans, pool, c)) for c in comps]
    items = [report.text("finance.pool_2019_item", comp=c,
                         break_even=Safe(report.text("finance_bounds.never_exhausted")) if _never_exhausted(b) else b)
             for c, b in rates]
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


def hightech_points(report, total: Num) -> list[tuple[int, Num, str, object]]:
    """The high-tech enterprise series by year: context rows, with the case's total in its own
    year (replacing a context row of that year). Items: (year, Num, label, context row or None).
    `total` None (a case that does not
    report the indicator) gives the context rows alone; a total of no single year is left out."""
    points = {r.year_number: (r.year_number, report.ctx(r.id), report.confidence(r), r)
              for r in context_series("hightech", report.case)}
    period = None if total is None else figure(total.ids[0], report.case).period
    if period is None or not period.isdigit():
        return [points[y] for y in sorted(points)]
    year = int(period)
    points[year] = (year, total, report.text("platforms.from_case"), None)
    return [points[y] for y in sorted(points)]


def _years_between(report, a, b) -> Num:
    """Whole years between two series points, a derived count naming the rows it comes from."""
    ids = tuple(i for p in (a, b) for i in p[1].ids)
    n = float(b[0] - a[0])
    return Num(n, n, "years", ids, f"years from {a[0]} to {b[0]}", "derived", sig=6)


def hightech_series(report, total: Num, prior: Num) -> None:
    """High-tech enterprises over the years with the growth of each step and on average; the
    case's implied prior-year stock is set against the context row of that year."""
    points = hightech_points(report, total)
    if len(points) < 2:
        report.gap("hightech_2023")
        return
    items = [report.text("platforms.hightech_item", year=report.year(y, "year of the series point", n.ids), value=n,
                         confidence=label) for y, n, label, _ in points]
    report.say("platforms.hightech_series", items=Safe(report.list_separator().join(items)))
    steps = [report.text("platforms.hightech_step", start=report.year(a[0], "year of the series point", a[1].ids),
                         end=report.year(b[0], "year of the series point", b[1].ids), rate=metrics.change_rate(b[1], a[1]))
             for a, b in zip(points, points[1:])]
    report.say("platforms.hightech_steps", items=Safe(report.list_separator().join(steps)))
    first, last = points[0], points[-1]
    report.say("platforms.hightech_average", start=report.year(first[0], "year of the series point", first[1].ids),
               end=report.year(last[0], "year of the series point", last[1].ids), multiple=metrics.growth(last[1], first[1]),
               cagr=metrics.compound_rate(last[1], first[1], _years_between(report, first, last)))
    report.say("platforms.hightech_scope")
    nums = [p[1] for p in points]
    year = int(figure(total.ids[0], report.case).period)
    fig = plots.compare_bars([report.year(p[0], "year of the series point", p[1].ids) for p in points], [n.mid for n in nums],
                             title=report.text("platforms.hightech_chart"), unit_label=report.text("platforms.unit_firms"),
                             source=report.chart_source(nums), lang=report.lang, notes=[p[2] for p in points],
                             highlight=report.year(year, "period of the case total", total.ids),
                             texts=report.chart_texts("hightech_series", nums),
                             hatched=report.hatched(nums), legend=report.text("common.hatch_legend"))
    report.chart(fig, "hightech_series", nums)
    report.gap("hightech_2023")


def star_against_listed(report, star: Num) -> None:
    """STAR listings against the city's other listed firms: a share only where the two counts
    come from the same date; the case's undated count and the 2020 total are not divided."""
    rows = [(role, *report.ctx_role(role)) for role in ("star_listed_prior", "star_listed_latest")]
    series = [report.text("platforms.star_item", period=report.when(r), value=n, confidence=report.confidence(r))
              for _, r, n in rows if n is not None]
    period = report.cite(report.meta.get("period", ""), "period of the case (case.json)", ())
    if series:
        report.say("platforms.star_series", case=star, period=period, items=Safe(report.list_separator().join(series)))
    lrow, listed = report.ctx_role("listed_all_latest")
    srow, star_latest = report.ctx_role("star_listed_latest")
    if listed is not None and star_latest is not None and lrow.year == srow.year:
        report.say("platforms.star_share", period=report.when(lrow), star=star_latest, listed=listed,
                   confidence=report.confidence(lrow), share=metrics.share(star_latest, listed),
                   others=metrics.difference(listed, star_latest))
    orow, older = report.ctx_role("listed_all_2020")
    if older is not None:
        report.say("platforms.listed_mismatch", listed=older, year=report.when(orow), confidence=report.confidence(orow),
                   case=star, period=period)
        report.gap("star_listed_2020")


def carriers_side_by_side(report) -> None:
    """Concept-verification centre and pilot-production base outputs: counts side by side by
    kind; project counts are the only ones in the same unit, and they count different stages."""
    f = report.fig
    verified, incubated = report.ind("concept_verification_projects"), f("concept_verification_incubated")
    transfer, firms, patents = (f("belt_road_base_transfer_projects"), f("belt_road_base_firms_incubated"),
                                f("belt_road_base_patents"))
    report.say("platforms.carriers_compare", verified=verified, transfer=transfer, incubated=incubated, firms=firms)
    items = [(report.text(k), n) for k, n in (("platforms.label_verified", verified), ("platforms.label_transfer", transfer),
                                              ("platforms.label_verified_incubated", incubated),
                                              ("platforms.label_base_firms", firms), ("platforms.label_base_patents", patents))]
    report.bars("concept_side_by_side", items, "platforms.concept_chart", "finance.unit_count")


def platforms_findings(report, total: Num) -> list:
    """Key findings of the platforms report: the high-tech series, STAR against all listings,
    the year mismatch, and the two carriers' outputs."""
    out = []
    points = hightech_points(report, total) if total is not None else []
    if len(points) >= 2:
        first, last = points[0], points[-1]
        out.append(report.text("platforms.kf_hightech", first=first[1], start=report.year(first[0], "year of the series point", first[1].ids),
                               last=last[1], end=report.year(last[0], "year of the series point", last[1].ids),
                               multiple=metrics.growth(last[1], first[1]),
                               cagr=metrics.compound_rate(last[1], first[1], _years_between(report, first, last))))
    lrow, listed = report.ctx_role("listed_all_latest")
    srow, star_latest = report.ctx_role("star_listed_latest")
    star = report.maybe("star_listed_firms")
    if star is not None and listed is not None and star_latest is not None and lrow.year == srow.year:
        out.append(report.text("platforms.kf_star", case=star, period=report.when(lrow),
                               star=star_latest, listed=listed, share=metrics.share(star_latest, listed),
                               confidence=report.confidence(lrow)))
    orow, older = report.ctx_role("listed_all_2020")
    if older is not None:
        out.append(report.text("platforms.kf_mismatch", listed=older, year=report.when(orow)))
    if report.has("concept_verification_projects") and report.has("case:belt_road_base_transfer_projects"):
        out.append(report.text("platforms.kf_carriers", verified=report.ind("concept_verification_projects"),
                               transfer=report.fig("belt_road_base_transfer_projects")))
    return out


# --- shared: a chart of external (and case) numbers, low confidence hatched -------------

def context_bars(report, name: str, items: list[tuple[str, Num]], title_key: str, unit_key: str, **slots) -> None:
    """Range bars like `Report.bars`, with low-confidence and derived context hatched and a
    legend saying so; the source line lists exactly the origins of the drawn numbers."""
    labels = [label for label, _ in items]
    nums = [n for _, n in items]
    fig = plots.bar_ranges(labels, [n.lower for n in nums], [n.upper for n in nums],
                           title=report.text(title_key, **slots), unit_label=report.text(unit_key),
                           source=report.chart_source(nums), lang=report.lang, texts=report.chart_texts(name, nums),
                           hatched=report.hatched(nums), legend=report.text("common.hatch_legend"))
    report.chart(fig, name, nums)


def _role(report, role: str):
    """(row, Num) of a context role, or (None, None) when the case has no such row."""
    return report.ctx_role(role)


# --- talent inflows (03) ---------------------------------------------------------------

def population_steps(report) -> list[dict]:
    """Consecutive resident-population rows: per step the two rows and, unless the later row
    starts a re-based series (a census), the change and its rate."""
    from kczlib.data.context import series_breaks

    rows = context_series("population", report.case)
    breaks = series_breaks("population", report.case)
    steps = []
    for a, b in zip(rows, rows[1:]):
        step = {"earlier": a, "later": b, "break": b.id in breaks}
        if not step["break"]:
            pa, pb = report.ctx(a.id), report.ctx(b.id)
            step["change"], step["rate"] = metrics.difference(pb, pa), metrics.change_rate(pb, pa)
        steps.append(step)
    return steps


def _pre_census_change(report):
    """The old series' own change over its last year: (row, change, rate of the start-of-year count)."""
    row, change = _role(report, "population_change_pre_census")
    _, pop = _role(report, "population_pre_census")
    if change is None or pop is None:
        return None, None, None
    return row, change, metrics.share(change, metrics.difference(pop, change))


def _programme_stocks(report):
    """Workstations and their academicians + experts per ten thousand residents of the case year
    (all None when the case does not report the three indicators)."""
    if not all(report.has(i) for i in ("expert_workstations", "workstation_academicians", "workstation_experts")):
        return None, None, None, None, None, None
    stations = report.ind("expert_workstations")
    people = metrics.total([report.ind("workstation_academicians"), report.ind("workstation_experts")])
    row, pop = _role(report, "population_case_year")
    if pop is None:
        return stations, people, None, None, None, None
    return (stations, people, row, pop, metrics.per_ten_thousand(stations, pop, "家"),
            metrics.per_ten_thousand(people, pop, "位"))


def talent_findings(report) -> list:
    """Key findings of the talent report: population change, settlement, graduates, programme stocks."""
    out = []
    steps = [s for s in population_steps(report) if not s["break"]]
    census = next((s["later"] for s in population_steps(report) if s["break"]), None)
    if steps and census is not None:
        last = steps[-1]
        out.append(report.text("talent.kf_population", year=report.when(last["later"]), change=last["change"],
                               rate=last["rate"], confidence=report.confidence(last["later"]), census=report.when(census)))
    srow, settled = _role(report, "talent_settled")
    prow, pop = _role(report, "population_pre_census")
    if settled is not None and pop is not None:
        out.append(report.text("talent.kf_settled", settled=settled, period=report.when(srow),
                               confidence=report.confidence(srow), share=metrics.share(settled, pop)))
    grow, gshare = _role(report, "grad_inflow_share")
    rrow, rank = _role(report, "grad_inflow_rank")
    if gshare is not None and rank is not None:
        out.append(report.text("talent.kf_graduates", share=gshare, rank=rank, year=report.when(grow),
                               confidence=report.confidence(grow)))
    stations, people, _, pop_case, st_per, pe_per = _programme_stocks(report)
    if pop_case is not None:
        out.append(report.text("talent.kf_stocks", stations=stations, people=people, stations_per=st_per, people_per=pe_per))
    return out


def talent_inflows(report) -> None:
    """Resident population change per year (with the census break said, not computed), the
    talent policy's settlement count, the graduate inflow share, and the programme's stocks
    per ten thousand residents, with what they can and cannot say."""
    report.heading("talent.inflow_heading", level=2)
    if not report.needs("talent_inflows", context=True):
        return
    rows = context_series("population", report.case)
    if not rows:
        report.say("talent.no_population")
        return
    report.say("talent.pop_series", items=Safe(report.list_separator().join(
        report.text("talent.pop_item", period=report.when(r), value=report.ctx(r.id), confidence=report.confidence(r))
        for r in rows)))
    steps = population_steps(report)
    for s in steps:
        if s["break"]:
            report.say("talent.pop_break", before=report.ctx(s["earlier"].id), before_period=report.when(s["earlier"]),
                       after=report.ctx(s["later"].id), after_period=report.when(s["later"]))
    report.say("talent.pop_change_intro")
    items = []
    orow, ochange, orate = _pre_census_change(report)
    if ochange is not None:
        report.say("talent.pop_change_old", period=report.when(orow), change=ochange, rate=orate,
                   confidence=report.confidence(orow))
        items.append((report.text("talent.label_old_series", period=report.when(orow)), ochange))
    for s in steps:
        if s["break"]:
            continue
        confidence = report.confidence(s["later"]) if s["later"].confidence == s["earlier"].confidence else \
            report.text("talent.two_confidences", a=report.confidence(s["earlier"]), b=report.confidence(s["later"]))
        report.say("talent.pop_change_item", start=report.when(s["earlier"]), end=report.when(s["later"]),
                   change=s["change"], rate=s["rate"], confidence=Safe(confidence))
        items.append((report.text("talent.label_step", start=report.when(s["earlier"]), end=report.when(s["later"])), s["change"]))
    if any("-" in s["earlier"].year for s in steps if not s["break"]):  # a step from a dated census, not a year-end
        report.say("talent.pop_span")
    if items:
        context_bars(report, "population_change", items, "talent.pop_chart", "talent.unit_people")
    _settlement(report)
    _graduates(report)
    _stocks_per_resident(report)
    report.say("talent.can_cannot")
    report.gap("talent_settlement_series")


def _settlement(report) -> None:
    srow, settled = _role(report, "talent_settled")
    prow, pop = _role(report, "population_pre_census")
    crow, change = _role(report, "population_change_pre_census")
    if settled is None or pop is None or change is None:
        return
    report.say("talent.settled", settled=settled, period=report.when(srow), confidence=report.confidence(srow),
               pop=pop, pop_period=report.when(prow), share=metrics.share(settled, pop), change=change,
               change_period=report.when(crow))


def _graduates(report) -> None:
    grow, gshare = _role(report, "grad_inflow_share")
    _, rank = _role(report, "grad_inflow_rank")
    if gshare is None or rank is None:
        return
    report.say("talent.graduates", share=gshare, rank=rank, year=report.when(grow), confidence=report.confidence(grow))


def _stocks_per_resident(report) -> None:
    stations, people, row, pop, st_per, pe_per = _programme_stocks(report)
    if pop is None:
        return
    report.say("talent.per_resident", stations=stations, people=people, stations_per=st_per, people_per=pe_per,
               year=report.when(row), population=pop, confidence=report.confidence(row))
    report.say("talent.no_time_base")


# --- tech finance: loan dynamics (02) ----------------------------------------------------

def _loan_points(report, firms: Num, loans: Num) -> list[dict]:
    """The points of 科创贷 lending and firms over time, in order: the 2019 half-year (a flow,
    not a cumulative total), the case's cumulative totals (undated within the case period),
    the Nov 2023 and later cumulative totals. Points whose rows are missing are left out."""
    points = []
    erow, early_loans = report.ctx_role("kechuangdai_loans_early")
    _, early_firms = report.ctx_role("kechuangdai_firms_early")
    if early_loans is not None and early_firms is not None:
        points.append({"label": report.text("finance.label_early", period=report.when(erow)), "loans": early_loans,
                       "firms": early_firms, "row": erow, "flow": True})
    period = report.cite(report.meta.get("period", ""), "period of the case (case.json)", ())
    points.append({"label": report.text("finance.label_case", period=period), "loans": loans, "firms": firms,
                   "row": None, "flow": False})
    for loans_role, firms_role in (("kechuangdai_loans_latest", "kechuangdai_firms_latest"),
                                   ("kechuangdai_loans_later", "kechuangdai_firms_later")):
        lrow, l_num = report.ctx_role(loans_role)
        _, f_num = report.ctx_role(firms_role)
        if l_num is not None and f_num is not None:
            points.append({"label": report.text("finance.label_cumulative", period=report.when(lrow)), "loans": l_num,
                           "firms": f_num, "row": lrow, "flow": False})
    return points


def loan_dynamics(report, firms: Num, loans: Num) -> None:
    """Cumulative 科创贷 lending and firms over time on one chart (ranges as ranges), the lending
    and firms implied between the points (bounded jointly), and borrowing per firm at each."""
    from kczlib.data.context import months_between

    points = _loan_points(report, firms, loans)
    if len(points) < 2:
        return
    report.heading("finance.dynamics_heading", level=3)
    report.say("finance.dynamics_intro", period=report.cite(report.meta.get("period", ""), "period of the case (case.json)", ()))
    scale = 1e8 if report.lang == "zh" else 1e9
    lend = [p["loans"] for p in points]
    firm_nums = [p["firms"] for p in points]
    fig = plots.paired_ranges(
        [p["label"] for p in points],
        ([None if n.lower is None else n.lower / scale for n in lend], [None if n.upper is None else n.upper / scale for n in lend],
         report.chart_texts("loan_dynamics", lend)),
        ([n.lower for n in firm_nums], [n.upper for n in firm_nums], report.chart_texts("loan_dynamics", firm_nums)),
        titles=(report.text("finance.dynamics_left"), report.text("finance.dynamics_right")),
        units=(report.text("fiscal.unit_yi"), report.text("finance.unit_count")),
        title=report.text("finance.dynamics_chart"), source=report.chart_source(lend + firm_nums), lang=report.lang,
        hatched=(report.hatched(lend), report.hatched(firm_nums)),
        legend=report.text("common.hatch_legend"), unit_keys=(unit_key(lend), unit_key(firm_nums)))
    report.chart(fig, "loan_dynamics", lend + firm_nums)
    cumulative = [p for p in points if not p["flow"]]
    for a, b in zip(cumulative, cumulative[1:]):
        slots = {"start": Safe(a["label"]), "end": Safe(b["label"]), "lending": metrics.difference(b["loans"], a["loans"])}
        if a["firms"].lower is not None and b["firms"].lower is not None:
            report.say("finance.between", firms=metrics.difference(b["firms"], a["firms"]), **slots)
        else:  # a bound only from above ("nearly"): the firms added cannot be bounded from below
            report.say("finance.between_lending", **slots)
        if a["row"] is not None and b["row"] is not None:
            n = float(months_between(a["row"].year, b["row"].year))
            months = Num(n, n, "count", tuple(f"ctx:{r.id}" for r in (a["row"], b["row"])),
                         "months between the two periods", "derived", measure="个月", sig=6)
            report.say("finance.months", months=months)
        else:
            report.say("finance.no_time_base")
    frow, flow = report.ctx_role("kechuangdai_lending_in_year")
    if flow is not None:
        report.say("finance.lending_in_year", lending=flow, period=report.when(frow), confidence=report.confidence(frow))
        last = metrics.difference(cumulative[-1]["loans"], cumulative[-2]["loans"]) if len(cumulative) > 1 else None
        if last is not None and last.lower is not None and flow.upper is not None and last.lower > flow.upper:
            report.say("finance.pace_conflict", lending=last, flow=flow)
    items = [report.text("finance.per_firm_item", label=Safe(p["label"]),
                         value=metrics.ratio(p["loans"], p["firms"], "CNY")) for p in points]
    report.say("finance.per_firm_over_time", items=Safe(report.list_separator().join(items)))
    report.gap("kechuangdai_series")


def finance_findings(report, firms: Num, loans: Num, shares: list) -> list:
    """Key findings of the finance report: growth since the case, lending implied between the
    points, loan size and borrowing per firm, and the 2019 pool as a scenario."""
    out = []
    if firms is None or loans is None:
        return out
    lrow, later_loans = report.ctx_role("kechuangdai_loans_latest")
    frow, later_firms = report.ctx_role("kechuangdai_firms_latest")
    crow, count = report.ctx_role("kechuangdai_loan_count_latest")
    if later_loans is not None and later_firms is not None and count is not None:
        out.append(report.text("finance.kf_growth", period=report.when(lrow), later_loans=later_loans, later_firms=later_firms,
                               count=count, confidence=report.confidence(lrow), firms_confidence=report.confidence(frow),
                               loans=loans, growth=metrics.growth(later_loans, loans)))
        out.append(report.text("finance.kf_between", period=report.when(lrow),
                               lending=metrics.difference(later_loans, loans), firms=metrics.difference(later_firms, firms)))
        out.append(report.text("finance.kf_size", period=report.when(lrow), loan_size=metrics.ratio(later_loans, count, "CNY"),
                               later=metrics.ratio(later_loans, later_firms, "CNY"), then=metrics.ratio(loans, firms, "CNY")))
    prow, pool = report.ctx_role("debt_risk_pool")
    if pool is not None:
        out.append(report.text("finance.kf_pool", pool=pool, year=report.when(prow), confidence=report.confidence(prow),
                               per_pool=metrics.ratio(loans, pool, "multiplier")))
    return out


# --- overview: executive summary (00) --------------------------------------------------------

def overview_findings(report) -> list:
    """One takeaway per chain, each with its numbers: fiscal input against the province and
    R&D against the nation, 科创贷 growth, talent inflows against the programme's stocks, and
    the high-tech enterprise series. A chain whose context is missing is left out."""
    out = []
    spending = report.maybe("fiscal_st_spending")
    prow, province = report.ctx_role("fiscal_st_province")
    found = rd_peers(report)
    if spending is not None and province is not None and found is not None and found[3] is not None:
        row, mine, nrow, nation, _ = found
        out.append(report.text("overview.kf_fiscal", spending=spending, year=report.period(spending.ids[0]),
                               ratio=metrics.share(spending, province), province_confidence=report.confidence(prow),
                               rd=mine, rd_year=report.when(row), vs_china=metrics.ratio(mine, nation, "multiplier")))
    lrow, later = report.ctx_role("kechuangdai_loans_latest")
    frow, later_firms = report.ctx_role("kechuangdai_firms_latest")
    loans, firms = report.maybe("tech_loan_volume"), report.maybe("tech_loan_firms")
    if later is not None and later_firms is not None and loans is not None and firms is not None:
        out.append(report.text("overview.kf_finance", loans=loans, firms=firms,
                               period=report.when(lrow), later=later, later_firms=later_firms,
                               confidence=report.confidence(lrow)))
    steps = [s for s in population_steps(report) if not s["break"]]
    grow, gshare = report.ctx_role("grad_inflow_share")
    stations, people, _, pop, _, people_per = _programme_stocks(report)
    if steps and gshare is not None and pop is not None and people is not None:
        out.append(report.text("overview.kf_talent", rate=steps[-1]["rate"], year=report.when(steps[-1]["later"]),
                               share=gshare, grad_year=report.when(grow), people=people, people_per=people_per))
    points = hightech_points(report, report.maybe("hightech_enterprises"))
    if len(points) >= 2:
        first, last = points[0], points[-1]
        out.append(report.text("overview.kf_industry", first=first[1], start=report.year(first[0], "year of the series point", first[1].ids),
                               last=last[1], end=report.year(last[0], "year of the series point", last[1].ids),
                               multiple=metrics.growth(last[1], first[1])))
    return out


def overview_caveats(report) -> None:
    """The biggest caveats: a self-reported source, qualified figures as ranges, missing series."""
    from kczlib.data.context import context_gaps, load_context
    from kczlib.data.validate import validate_case

    r = validate_case(report.case)
    n = report.count(r.figures, "rows of figures.csv")
    q = report.count(r.qualified, "rows of figures.csv with a qualifier other than exact")
    frame = load_context(report.case)
    weak = report.count(int(frame["confidence"].isin(["low", "derived"]).sum()), "context rows of low confidence or derived")
    rows = report.count(len(frame), "rows of context.csv")
    gaps = report.count(len(context_gaps(report.case)), "data gaps recorded in context.meta.json")
    report.heading("overview.caveats_heading")
    series = ("overview.caveat_series", {"gaps": gaps, "weak": weak, "rows": rows}) if report.has_context() else \
        ("missing.no_context", {"topic": Safe(report.text("missing.topics.caveat_context"))})
    report._show(Safe("\n".join("- " + report.text(k, **s) for k, s in (
        ("any_case.caveat_source", {"n_figures": n, "city": report.meta["city"][report.lang]}),
        ("overview.caveat_ranges", {"n_qualified": q, "n_figures": n, "share": metrics.share(q, n)}),
        series))))
