"""The fiscal report (notebooks/01_fiscal_investment).

Its sections: the pledge as an end-point target (`kczlib.analysis.targets`) with its window
scenarios, spending against GDP, R&D, population and budget, R&D intensity beside peers.

Each public function takes the notebook's `Report` and shows one section or returns its
key-finding sentences.
"""

from __future__ import annotations

from kczlib.analysis import formatting, metrics
from kczlib.analysis.derivation_words import context_derivation
from kczlib.analysis.num import ContextRef, Num, Parameter, assumption
from kczlib.analysis.targets import EndPointTarget
from kczlib.data.context import format_period
from kczlib.data.figures import figure
from kczlib.data.geo import geo_name
from kczlib.report import plots  # matplotlib: sections are only imported by notebooks
from kczlib.report.narrative import Safe
from kczlib.report.sections.available import case_findings, series_change
from kczlib.report.sections.rd import RD_REFS, rd_figures, rd_reported
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
                      else report.cite(_derivation_in_unit(rd_row, report.case, report.lang),
                                       "common.derivation.context_derivation",
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


def rd_section(report, spending: Num | None, intensity: Num | None) -> None:
    """The R&D section: whatever of intensity, R&D figures, fiscal spending and GDP the case and its context give.

    With both intensity and fiscal spending: the source's claim and the benchmarks
    (`fiscal_benchmarks`). With the intensity alone: the intensity (at each year the case gives,
    `available.series_change`), the chart and peer sentence of context, and one sentence that
    spending is missing. Without the intensity: fiscal spending as a share of GDP from context
    (derived and said so) or one sentence that the intensity is not reported. In every case the
    other R&D figures the case reports (`rd.RD_REFS`: R&D spending, its change, an expected
    intensity, the gaps to province and nation) follow as a list (`rd.rd_figures`): none is
    hidden because another is missing (issue 23). With none of them at all, the section is left
    out with the one "not reported" sentence.
    """
    more = rd_reported(report)
    if intensity is None:
        gdp_row, gdp = report.ctx_role("gdp_case_year")
        if (spending is None or gdp is None) and not more:
            report.needs("rd_intensity", "rd_intensity")
            return
        # nothing outside is set beside R&D figures alone: the heading names no benchmarks
        report.heading("fiscal.rd_heading" if spending is not None and gdp is not None else "fiscal.rd_heading_plain")
        if spending is not None and gdp is not None:
            report.say("fiscal.spending_of_gdp", spending=spending, year=report.period(spending.ids[0]), gdp=gdp,
                       gdp_year=report.when(gdp_row), confidence=report.confidence(gdp_row),
                       share=metrics.share(spending, gdp))
        else:
            report.say("fiscal.rd_no_intensity")
        rd_figures(report, more, lead="fiscal.rd_reported")
        return
    report.heading("fiscal.rd_heading")
    if spending is not None:
        report.say("fiscal.rd_claim", intensity=intensity)
        series_change(report, "rd_intensity")
        rd_figures(report, more)
        fiscal_benchmarks(report, spending, intensity)
        return
    if not series_change(report, "rd_intensity"):
        year = report.period_of(intensity)
        report.say("fiscal.rd_stated", intensity=intensity,
                   year=report.period(intensity.ids[0]) if year.isdigit() else Safe(report.text("fiscal.no_year")))
    rd_figures(report, more)
    report.say("fiscal.rd_no_spending")
    _rd_series_chart(report)
    rd_peer_comparison(report)


def _derivation_in_unit(row, case: str, lang: str) -> str:
    """A context row's derivation ("733.26 - 101.34: why") with its inputs in the unit the row prints in.

    The formula before the first ": " is written in the row's unit (亿元); printed beside a value
    in CNY bn it must be in CNY bn too (review L6), so each number is printed as a value is. The
    why is the case's words for the row (`derivation_words.context_derivation`).
    """
    formula = row.derivation.partition(": ")[0]
    return context_derivation(row, case, lang, formula=formatting.format_formula(formula, row.unit, lang))


def _rd_series_chart(report) -> None:
    """R&D intensity of the city, its peers, Sichuan and China in one chart.

    Each bar says its year and a short confidence label (years differ); low-confidence and derived
    bars are hatched; every bar of the case's city is highlighted.
    """
    rows = rd_rows(report)
    if not rows:
        return
    nums = [report.ctx(r.id) for r in rows]
    labels = [f"{geo_name(r.geo, report.lang)} {format_period(r.period, report.lang)}" for r in rows]
    city = report.meta["city"]["zh"]
    mine = [label for label, r in zip(labels, rows, strict=True) if r.geo == city]  # every year of the city alike
    fig = plots.compare_bars(labels, [n.mid for n in nums], title=report.text("fiscal.rd_series_chart"),
                             unit_label=report.text("fiscal.unit_percent"), source=report.chart_source(nums),
                             lang=report.lang,
                             notes=[report.text(f"fiscal.chart_confidence.{r.confidence}") for r in rows],
                             texts=report.chart_texts("rd_intensity_series", nums),
                             highlight=mine or None,
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
    if nation is not None and not others:  # the national figure is shown though peers are missing
        report.say("fiscal.vs_nation", year=report.when(row), intensity=mine, confidence=report.confidence(row),
                   china=nation, china_confidence=report.confidence(nrow),
                   vs_china=metrics.ratio(mine, nation, "multiplier"))
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


# The indicators of this report: what its key findings may be chosen from (available.case_findings)
FISCAL_REFS = ("fiscal_st_spending", "rd_intensity", "fiscal_project_grant", "fiscal_st_growth_target", *RD_REFS)


# A later window's base is unknown; the one assumption that bounds it: spending did not fall.
NOT_BELOW = "spending_not_below_stated_year"


def _known_floor(spending: Num) -> Num:
    """Spending in a later start year, bounded below by the stated year's spending.

    This assumes that spending did not fall (a factor of at least 1, no upper bound).
    """
    factor = Num.leaf(Parameter(NOT_BELOW), 1.0, None, "multiplier")
    return metrics.scaled(spending, factor)


def pledge_target(spending: Num, multiple: Num, years: Num, base_year: int) -> EndPointTarget:
    """The pledge as an end-point target: `multiple` x `spending` by `base_year` + `years` (C1 of the review)."""
    return EndPointTarget(base=spending, base_year=base_year, years=years, multiple=multiple)


def _path_series(target: EndPointTarget, scale: float, end_text: str, base_text: str = "") -> tuple[list, list, list]:
    """Years, values (in `scale`) and point texts of the illustrative constant-rate path: the base and end labelled."""
    path = target.constant_rate_path()
    texts = ["" for _ in path]
    texts[0], texts[-1] = base_text, end_text
    return [y for y, _ in path], [v / scale for _, v in path], texts


def pledge_end_point(report, spending: Num, multiple: Num, years: Num, baseline_year: int) -> None:
    """The pledge's end point on the stated spending, with the minimum compound average rate.

    Only the end point binds: the text states it, no year between is given a value, and the
    chart draws a constant-rate path labelled as illustrative (intermediate years are not targets).
    Actual values after the base year (none in the source) would be set against the end point only.
    """
    target = pledge_target(spending, multiple, years, baseline_year)
    end, rate = target.end_value(), target.required_rate()
    report.say("fiscal.doubling", years=years, multiple=multiple, cagr=rate)
    end_label = report.parameter_year(target.end_year, "baseline_year", plus="window")
    report.say("fiscal.end_point", base_year=report.period(spending.ids[0]),
               baseline_year=report.parameter_year(baseline_year, "baseline_year"), base=spending, target=end,
               end=end_label)
    report.say("fiscal.no_actuals", base_year=report.period(spending.ids[0]))
    scale = 1e8 if report.lang == "zh" else 1e9
    ledger = report.ledger
    xs, ys, texts = _path_series(target, scale, ledger.format(end, "chart:fiscal_path"),
                                 ledger.format(spending, "chart:fiscal_path"))
    origins = [spending, end, assumption("baseline_year", baseline_year, "years")]
    fig = plots.line_path(xs, ys, title=report.text("fiscal.path_chart"), unit_label=report.text("fiscal.unit_yi"),
                          source=report.chart_source(origins), lang=report.lang, texts=texts,
                          marked=[0, len(xs) - 1], dashed=True)
    report.chart(fig, "fiscal_path", [spending, end], origins)


def pledge_scenarios(report, spending: Num, multiple: Num, years: Num, start_years: list[int]) -> None:
    """The doubling pledge under several start years of its window, each an end-point target.

    Only the stated year has a spending figure: a window starting then has a known base; a later
    start has a base only bounded below (if spending did not fall); an earlier start has no base at all.
    The chart marks each window's base and end point; the dashed lines between are illustrative.
    """
    known = int(figure(spending.ids[0], report.case).period)
    report.say("fiscal.scenarios_intro", known_year=report.period(spending.ids[0]))
    series, nums, origins = [], [], []
    scale = 1e8 if report.lang == "zh" else 1e9
    for start in sorted(set(start_years)):
        s_num = assumption("pledge_start_years", start, "years")
        origins.append(s_num)
        target = pledge_target(spending if start <= known else _known_floor(spending), multiple, years, start)
        start_label = report.parameter_year(start, "pledge_start_years")
        end_label = report.parameter_year(target.end_year, "pledge_start_years", plus="window")
        if start < known:
            report.say("fiscal.scenario_before", start=start_label, end=end_label,
                       known_year=report.period(spending.ids[0]))
            continue
        end = target.end_value()
        key = "fiscal.scenario_known" if start == known else "fiscal.scenario_after"
        report.say(key, start=start_label, end=end_label, target=end, base=spending,
                   known_year=report.period(spending.ids[0]))
        xs, ys, texts = _path_series(target, scale, report.ledger.format(end, "chart:pledge_scenarios"))
        series.append((report.text("fiscal.scenario_label", start=start_label), xs, ys, texts))
        nums.append(end)
    if series:
        fig = plots.multi_path(series, title=report.text("fiscal.scenarios_chart"),
                               unit_label=report.text("fiscal.unit_yi"),
                               source=report.chart_source(nums + origins), lang=report.lang, ends_only=True)
        report.chart(fig, "pledge_scenarios", nums, nums + origins)


def _province_same_year(report, spending: Num):
    """(row, Num) of the province's fiscal S&T spending when it is for the spending's year, else (None, None)."""
    prow, province = report.ctx_role("fiscal_st_province")
    if province is None or prow.period != figure(spending.ids[0], report.case).period:
        return None, None
    return prow, province


def spending_statement(report, spending: Num) -> None:
    """The spending figure in the body, under its own heading, only where no key finding states it.

    The province finding states it (with its year); repeating it as the first body line reads
    as an echo (review M13).
    """
    if _province_same_year(report, spending)[1] is not None:
        return
    report.heading("fiscal.spending_heading")
    report.say("fiscal.spending", year_label=report.period(spending.ids[0]), spending=spending)


def _rd_findings(report) -> list:
    """The R&D finding: the city's latest intensity against the nation's (and its peers' where context has them)."""
    out: list = []
    found = rd_peers(report)
    if found is not None and found[3] is not None and not found[4]:  # the nation without peers
        row, mine, nrow, nation, _ = found
        out.append(report.text("fiscal.vs_nation", year=report.when(row), intensity=mine,
                               confidence=report.confidence(row), china=nation,
                               china_confidence=report.confidence(nrow),
                               vs_china=metrics.ratio(mine, nation, "multiplier")))
    elif found is not None and found[3] is not None:
        row, mine, nrow, nation, others = found
        out.append(report.text("fiscal.kf_peers", year=report.when(row), intensity=mine,
                               confidence=report.confidence(row),
                               vs_china=metrics.ratio(mine, nation, "multiplier"), china=nation,
                               china_confidence=report.confidence(nrow), items=_peer_items(report, others)))
    return out


def fiscal_findings(report, spending: Num, multiple: Num, years: Num, baseline_year: int) -> list:
    """Key findings of the fiscal report.

    They are spending against the province (a comparison of sizes), R&D against peers, the
    pledge's minimum compound average growth and end-point target, and the budget gap.
    """
    out: list = []
    if spending is None:  # every other finding of this report's own is about spending
        return case_findings(report, _rd_findings(report), FISCAL_REFS)
    year = figure(spending.ids[0], report.case).period
    prow, province = _province_same_year(report, spending)
    if province is not None:
        out.append(report.text("fiscal.kf_province", spending=spending, year=report.period(spending.ids[0]),
                               ratio=metrics.share(spending, province), province=province,
                               confidence=report.confidence(prow)))
    out += _rd_findings(report)
    if multiple is not None and years is not None:
        target = pledge_target(spending, multiple, years, baseline_year)
        out.append(report.text("fiscal.kf_pledge", years=years, multiple=multiple, cagr=target.required_rate(),
                               target=target.end_value(), year=report.period(spending.ids[0]),
                               end=report.parameter_year(target.end_year, "baseline_year", plus="window")))
    brow, budget = report.ctx_role("budget_latest")
    if budget is not None and brow.period != year:
        out.append(report.text("fiscal.kf_budget", budget_year=report.when(brow), year=report.period(spending.ids[0]),
                               budget_name=_budget_name(brow)))
    return case_findings(report, out, FISCAL_REFS)
