"""The fiscal report (notebooks/01_fiscal_investment).

Its sections: spending against GDP, R&D, population and budget, R&D intensity beside peers,
and the pledge's growth scenarios.

Each public function takes the notebook's `Report` and shows one section or returns its
key-finding sentences.
"""

from __future__ import annotations

from typing import cast

from kczlib.analysis import metrics
from kczlib.analysis.num import ContextRef, Num, Parameter, assumption
from kczlib.analysis.scenarios import target_path
from kczlib.data.context import format_period
from kczlib.data.figures import figure
from kczlib.data.geo import geo_name
from kczlib.report import plots  # matplotlib: sections are only imported by notebooks
from kczlib.report.narrative import Safe
from kczlib.report.sections.shared import rd_peers, rd_rows


def fiscal_benchmarks(report, spending: Num, intensity: Num) -> None:
    """Fiscal S&T `spending` (CNY) and R&D `intensity` (percent of GDP) beside external benchmarks.

    The benchmarks are external GDP, R&D spending and population where the case's context
    assigns those roles; a role without a row is skipped (its gap is said elsewhere).
    """
    gdp_row, gdp = report.ctx_role("gdp_case_year")
    if gdp is not None:
        rd_floor = metrics.percent_of(gdp, intensity)
        report.say("fiscal.rd_context", year_label=report.year(gdp_row.year_number, "common.derivation.context_year",
                                                               (ContextRef(gdp_row.id),), id=gdp_row.id),
                 gdp=gdp, confidence=report.confidence(gdp_row), rd_floor=rd_floor,
                 fiscal_share=metrics.share(spending, rd_floor), fiscal_gdp_share=metrics.share(spending, gdp))
    rd_row, rd = report.ctx_role("rd_case_year")
    if rd is not None:
        # context.csv writes derivations in English: a Chinese page points to its appendix table
        derivation = (Safe(report.text("appendix.notes.derivation_in_appendix"))
                      if report.lang == "zh" and rd_row.derivation
                      else report.cite(rd_row.derivation, "common.derivation.context_derivation",
                                       (ContextRef(rd_row.id),), id=rd_row.id)
                      if rd_row.derivation else Safe(""))
        report.say("fiscal.beside_rd", year_label=report.year(rd_row.year_number, "common.derivation.context_year",
                                                              (ContextRef(rd_row.id),), id=rd_row.id),
                 rd=rd, confidence=report.confidence(rd_row), derivation=derivation,
                 fiscal_share=metrics.share(spending, rd))
    pop_row, pop = report.ctx_role("population_case_year")
    if pop is not None:
        report.say("fiscal.per_resident", population=pop, confidence=report.confidence(pop_row),
                 year_label=report.year(pop_row.year_number, "common.derivation.context_year",
                                        (ContextRef(pop_row.id),), id=pop_row.id),
                 per_capita=metrics.ratio(spending, pop, "CNY"))
    _rd_series_chart(report)
    rd_peer_comparison(report)
    report.gap("fiscal_st_series")
    report.gap("peer_city_rd_intensity")


def _rd_series_chart(report) -> None:
    """R&D intensity of the city, its peers, Sichuan and China in one chart.

    Each bar says its year and confidence (years differ); low-confidence and derived bars are hatched.
    """
    rows = rd_rows(report)
    if not rows:
        return
    nums = [report.ctx(r.id) for r in rows]
    labels = [f"{geo_name(r.geo, report.lang)} {format_period(r.period, report.lang)}" for r in rows]
    city = report.meta["city"]["zh"]
    latest = max((r for r in rows if r.geo == city), key=lambda r: r.period, default=None)
    fig = plots.compare_bars(labels, [n.mid for n in nums], title=report.text("fiscal.rd_series_chart"),
                             unit_label=report.text("fiscal.unit_percent"), source=report.chart_source(nums),
                             lang=report.lang,
                             notes=[report.confidence(r) for r in rows],
                             texts=report.chart_texts("rd_intensity_series", nums),
                             highlight=None if latest is None else labels[rows.index(latest)],
                             hatched=report.hatched(nums), legend=report.text("common.hatch_legend"))
    report.chart(fig, "rd_intensity_series", nums)


def _peer_items(report, others) -> Safe:
    return Safe(report.list_separator().join(report.text("fiscal.peer_item", geo=geo_name(r.geo, report.lang), value=n,
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
    report.say("fiscal.peers", year=report.when(row), intensity=mine, confidence=report.confidence(row),
               china=nation, china_confidence=report.confidence(nrow), vs_china=metrics.ratio(mine, nation,
                                                                                              "multiplier"),
               items=_peer_items(report, others))


def _budget_name(row) -> str:
    """The budget's Chinese name as the context row writes it (一般公共预算支出): data text, not a template's."""
    return row.indicator.split(" ")[0]


def fiscal_against_budget(report, spending: Num) -> None:
    """Fiscal S&T spending against a general public budget, only where the years match.

    The budgets are the city's (years differ: say so) and Sichuan's province-wide spending and share.
    """
    year = figure(spending.ids[0], report.case).period
    brow, budget = report.ctx_role("budget_latest")
    if budget is not None:
        if brow.period == year:
            report.say("fiscal.budget_share", budget=budget, year=report.when(brow), confidence=report.confidence(brow),
                       share=metrics.share(spending, budget), budget_name=_budget_name(brow))
        else:
            report.say("fiscal.budget_other_year", budget=budget, budget_year=report.when(brow),
                       confidence=report.confidence(brow), year=report.period(spending.ids[0]),
                       budget_name=_budget_name(brow))
            report.gap("budget_year_mismatch")
    prow, province = report.ctx_role("fiscal_st_province")
    srow, pshare = report.ctx_role("fiscal_st_share_province")
    if province is not None and prow.period == year:
        report.say("fiscal.province", year=report.when(prow), province=province, confidence=report.confidence(prow),
                   province_share=pshare if pshare is not None else Safe(report.text("fiscal.no_year")),
                   ratio=metrics.share(spending, province), budget_name=_budget_name(brow) if brow is not None else "")


# A later window's base is unknown; the one assumption that bounds it: spending did not fall.
NOT_BELOW = "spending_not_below_stated_year"


def _known_floor(spending: Num) -> Num:
    """Spending in a later start year, bounded below by the stated year's spending.

    This assumes that spending did not fall (a factor of at least 1, no upper bound).
    """
    factor = Num.leaf(Parameter(NOT_BELOW), 1.0, None, "multiplier")
    return metrics.scaled(spending, factor)


def pledge_scenarios(report, spending: Num, multiple: Num, years: Num, cagr: Num, start_years: list[int]) -> None:
    """The doubling pledge under several start years of its window.

    Only the stated year has a spending figure: a window starting then has a known base; a later
    start has a base only bounded below (if spending did not fall); an earlier start has no base at all.
    """
    known = int(figure(spending.ids[0], report.case).period)
    span = int(cast(float, years.upper))  # the pledge's window is a stated figure: it has an upper bound
    report.say("fiscal.scenarios_intro", known_year=report.period(spending.ids[0]))
    series, nums, origins = [], [], []
    for start in sorted(set(start_years)):
        s_num = assumption("pledge_start_years", start, "years")
        origins.append(s_num)
        start_label = report.parameter_year(start, "pledge_start_years")
        end_label = report.parameter_year(start + span, "pledge_start_years", plus="window")
        if start < known:
            report.say("fiscal.scenario_before", start=start_label, end=end_label,
                       known_year=report.period(spending.ids[0]))
            continue
        base = spending if start == known else _known_floor(spending)
        path = target_path(base, cagr, start, span)
        target = path["num"].iloc[-1]
        key = "fiscal.scenario_known" if start == known else "fiscal.scenario_after"
        report.say(key, start=start_label, end=end_label, target=target, base=spending,
                   known_year=report.period(spending.ids[0]))
        scale = 1e8 if report.lang == "zh" else 1e9
        texts = ["" for _ in path["num"]]
        texts[-1] = report.ledger.format(target, "chart:pledge_scenarios")
        series.append((report.text("fiscal.scenario_label", start=start_label), list(path["year"]),
                       [n.lower / scale for n in path["num"]], texts))
        nums += list(path["num"])
    if series:
        fig = plots.multi_path(series, title=report.text("fiscal.scenarios_chart"),
                               unit_label=report.text("fiscal.unit_yi"),
                               source=report.chart_source(nums + origins), lang=report.lang)
        report.chart(fig, "pledge_scenarios", nums, nums + origins)


def fiscal_findings(report, spending: Num, cagr: Num, multiple: Num, years: Num) -> list:
    """Key findings of the fiscal report.

    They are spending against the province, R&D against peers, the pledge's required growth and
    target, and the budget gap.
    """
    out = []
    if spending is None:  # every finding of this report is about spending
        return out
    year = figure(spending.ids[0], report.case).period
    prow, province = report.ctx_role("fiscal_st_province")
    if province is not None and prow.period == year:
        out.append(report.text("fiscal.kf_province", spending=spending, year=report.period(spending.ids[0]),
                               ratio=metrics.share(spending, province), province=province,
                               confidence=report.confidence(prow)))
    found = rd_peers(report)
    if found is not None and found[3] is not None:
        row, mine, nrow, nation, others = found
        out.append(report.text("fiscal.kf_peers", year=report.when(row), intensity=mine,
                               confidence=report.confidence(row),
                               vs_china=metrics.ratio(mine, nation, "multiplier"), china=nation,
                               china_confidence=report.confidence(nrow), items=_peer_items(report, others)))
    if multiple is not None and years is not None:
        target = metrics.scaled(spending, multiple)
        out.append(report.text("fiscal.kf_pledge", years=years, multiple=multiple, cagr=cagr, target=target,
                               year=report.period(spending.ids[0])))
    brow, budget = report.ctx_role("budget_latest")
    if budget is not None and brow.period != year:
        out.append(report.text("fiscal.kf_budget", budget_year=report.when(brow), year=report.period(spending.ids[0]),
                               budget_name=_budget_name(brow)))
    return out
