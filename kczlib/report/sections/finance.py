"""The tech-finance report (notebooks/02_tech_finance_leverage).

Its sections: risk-pool leverage scenarios, the Kechuangdai programme's growth and loan dynamics.

Each public function takes the notebook's `Report` and shows one section or returns its
key-finding sentences.
"""

from __future__ import annotations

from itertools import pairwise

from kczlib.analysis import metrics
from kczlib.analysis.num import ContextRef, Num
from kczlib.analysis.scenarios import POOL_BINDS, POOL_BINDS_PARTLY, break_even_loss_rate, leverage_grid
from kczlib.data.context import format_period
from kczlib.report import plots  # matplotlib: sections are only imported by notebooks
from kczlib.report.charts import unit_key
from kczlib.report.narrative import Safe
from kczlib.report.sections.available import case_findings
from kczlib.report.tables import display_table

# The indicators of this report: what its key findings may be chosen from (available.case_findings)
FINANCE_REFS = ("tech_loan_volume", "tech_loan_firms", "tech_loan_banks", "tech_loan_risk_pool_districts",
                "angel_funds", "angel_funded_firms")


def leverage_scenarios(report, loans: Num, pools_yi: list, loss_rates: list, shares: list) -> None:
    """Scenario grid of the risk pool, as sentences and a table.

    It gives loans per yuan of pool and of expected fiscal loss (capped at the pool), with the
    break-even loss rate. The loss rate is a lifetime loss rate applied to cumulative lending.
    Where the pool is not exhausted, loans per yuan of expected loss are the identity
    1 / (loss rate x share covered) of two assumptions: the text states the formula and the
    table prints that ratio only where the pool cap binds.
    """
    import pandas as pd

    pools = [report.assume("risk_pool_yi", p * 1e8, "CNY") for p in pools_yi]
    losses = [report.assume("loss_rate", x, "ratio") for x in loss_rates]
    comps = [report.assume("compensation_share", x, "ratio") for x in shares]
    grid = leverage_grid(loans, pools, losses, comps)
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
               n_scenarios=report.count(len(grid), "finance.derivation.grid"),
               n_binds=report.count(int(counts.get(POOL_BINDS, 0)), "finance.derivation.binds"),
               n_partly=report.count(int(counts.get(POOL_BINDS_PARTLY, 0)), "finance.derivation.binds_partly"))

    def cell(col: str, x, binding: str) -> str:  # as printed: ledger text, or words where no number says more
        if col == "break_even_loss_rate" and _never_exhausted(x):
            return report.text("finance_bounds.never_exhausted")
        if col == "loans_per_loss_yuan" and binding not in (POOL_BINDS, POOL_BINDS_PARTLY):
            return report.text("finance.by_formula")  # 1 / (loss rate x share): an identity of the assumptions
        return report.ledger.format(x, "scenario table")

    def fmt(col: str) -> list[str]:
        return [cell(col, x, b) for x, b in zip(grid[col], grid["pool_binding"], strict=True)]

    columns = ("pool", "loss_rate", "compensation_share", "loans_per_pool_yuan", "expected_fiscal_loss",
               "loans_per_loss_yuan", "break_even_loss_rate")
    table = pd.DataFrame({report.text(f"finance.col_{c}"): fmt(c) for c in columns})
    table.insert(5, report.text("finance.col_pool_binding"),
                 [report.text(f"finance.binding_{b}") for b in grid["pool_binding"]])
    display_table(table)


def pool_reported(report) -> bool:
    """Whether the risk-pool scenarios have an input of the case: a pool figure or a pool in its context.

    A pool figure is one of an indicator whose id names a risk pool (data/indicators.csv:
    `tech_loan_risk_pool_districts`, ...); a pool in context is the `debt_risk_pool` role.
    Otherwise the scenarios would rest on assumed pools alone, so one sentence says they are
    left out and why (`finance.scenario_no_pool`; issue 23, section 2) and False is returned.
    """
    from kczlib.data.indicators import indicators

    if any(report.has(i) for i in indicators() if "risk_pool" in i) or report.ctx_role("debt_risk_pool")[1] is not None:
        return True
    report.say("finance.scenario_no_pool")
    return False


def _never_exhausted(break_even: Num) -> bool:
    """Whether a break-even loss rate is above 100% (pool larger than loans x share covered).

    Then no loss rate exhausts the pool, so there is no rate to print (a rate is a share of the loans).
    """
    return break_even.lower is not None and break_even.lower > 1


def pool_scenario(report, loans: Num, shares: list) -> None:
    """The 2019 debt-financing risk pool (a low-confidence context row) as a labelled scenario."""
    row, pool = report.ctx_role("debt_risk_pool")
    if pool is None:
        return
    comps = [report.assume("compensation_share", x, "ratio") for x in shares]
    rates = [(c, break_even_loss_rate(loans, pool, c)) for c in comps]
    items = [report.text("finance.pool_2019_item", comp=c,
                         break_even=Safe(report.text("finance_bounds.never_exhausted")) if _never_exhausted(b) else b)
             for c, b in rates]
    report.say("finance.pool_2019", year_label=report.year(row.year_number, "common.derivation.context_year",
                                                           (ContextRef(row.id),), id=row.id),
               confidence=report.confidence(row), pool=pool, per_pool=metrics.ratio(loans, pool, "multiplier"),
               items=Safe(report.list_separator().join(items)))


def kechuangdai_growth(report, firms: Num, loans: Num, borrowing_then: Num) -> None:
    """Later and earlier 科创贷 totals from external context.

    They give loan size, loans per firm and cumulative borrowing per firm, each named for what it is.
    """
    frow, later_firms = report.ctx_role("kechuangdai_firms_latest")
    lrow, later_loans = report.ctx_role("kechuangdai_loans_latest")
    crow, loan_count = report.ctx_role("kechuangdai_loan_count_latest")
    if later_firms is None or later_loans is None or loan_count is None:
        return
    report.say("finance.growth", year_label=as_of(report, lrow),
               later_firms=later_firms, later_loans=later_loans, loan_count=loan_count,
               loans_confidence=report.confidence(lrow), firms_confidence=report.confidence(frow),
               firms_growth=metrics.growth(later_firms, firms), loans_growth=metrics.growth(later_loans, loans))
    report.say("finance.loan_size", loan_size=metrics.ratio(later_loans, loan_count, "CNY"),
               loans_per_firm=metrics.ratio(loan_count, later_firms, "count", measure=loan_count.measure),
               borrowing_later=metrics.ratio(later_loans, later_firms, "CNY"), borrowing_then=borrowing_then)
    erow, early_loans = report.ctx_role("kechuangdai_loans_early")
    efrow, early_firms = report.ctx_role("kechuangdai_firms_early")
    if early_loans is not None and early_firms is not None:
        report.say("finance.early", period=report.cite(format_period(erow.period, report.lang),
                                                       "common.derivation.context_period", (ContextRef(erow.id),),
                                                       id=erow.id),
                   loans=early_loans, firms=early_firms, confidence=report.confidence(erow),
                   per_firm=metrics.ratio(early_loans, early_firms, "CNY"))
    report.gap("kechuangdai_risk_pool")


def as_of(report, row) -> Safe:
    """The data date of a context row as printed, with the month its page printed it when that is later.

    2023年9月（2023年11月见报）/ Sep 2023 (printed Nov 2023): a publication date is never a data date.
    """
    from kczlib.data.context import format_period
    from kczlib.data.periods import month_number, period_end

    when = report.when(row)
    end = period_end(row.period)
    if not row.published or end is None or month_number(row.published) <= end:
        return when
    printed = report.cite(format_period(row.published[:7], report.lang), "finance.derivation.published",
                          (ContextRef(row.id),), id=row.id)
    return report.text("finance.as_of_printed", period=when, published=printed)


def _loan_points(report, firms: Num, loans: Num) -> list[dict]:
    """The points of 科创贷 lending and firms over time, in order.

    They are the 2019 half-year (a flow, not a cumulative total), the case's cumulative totals
    (undated within the case period), the Nov 2023 and later cumulative totals. Points whose
    rows are missing are left out.
    """
    points = []
    erow, early_loans = report.ctx_role("kechuangdai_loans_early")
    _, early_firms = report.ctx_role("kechuangdai_firms_early")
    if early_loans is not None and early_firms is not None:
        points.append({"label": report.text("finance.label_early", period=report.when(erow)), "loans": early_loans,
                       "firms": early_firms, "row": erow, "flow": True})
    period = report.cite(report.meta.get("period", ""), "common.derivation.case_period", ())
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
    """Cumulative 科创贷 lending and firms over time on one chart (ranges as ranges).

    Then the lending and firms implied between the points (bounded jointly), and borrowing per
    firm at each.
    """
    points = _loan_points(report, firms, loans)
    if len(points) < 2:
        return
    report.say("finance.dynamics_intro", period=report.cite(report.meta.get("period", ""),
                                                            "common.derivation.case_period", ()))
    scale = 1e8 if report.lang == "zh" else 1e9
    lend = [p["loans"] for p in points]
    firm_nums = [p["firms"] for p in points]
    fig = plots.paired_ranges(
        [p["label"] for p in points],
        ([None if n.lower is None else n.lower / scale for n in lend],
         [None if n.upper is None else n.upper / scale for n in lend],
         report.chart_texts("loan_dynamics", lend)),
        ([n.lower for n in firm_nums], [n.upper for n in firm_nums], report.chart_texts("loan_dynamics", firm_nums)),
        titles=(report.text("finance.dynamics_left"), report.text("finance.dynamics_right")),
        units=(report.text("fiscal.unit_yi"), report.text("finance.unit_count")),
        title=report.text("finance.dynamics_chart"), source=report.chart_source(lend + firm_nums), lang=report.lang,
        hatched=(report.hatched(lend), report.hatched(firm_nums)),
        legend=report.text("common.hatch_legend"), unit_keys=(unit_key(lend), unit_key(firm_nums)))
    report.chart(fig, "loan_dynamics", lend + firm_nums)
    cumulative = [p for p in points if not p["flow"]]
    spans = []
    for a, b in pairwise(cumulative):
        span = _span(report, a, b)
        spans.append(span)
        # a difference keeps whatever bound its inputs give: 近4000 - 3247 is at most 753, never "unbounded"
        key = "finance.between_bound" if b["firms"].lower is None else "finance.between"
        report.say(key, start=_span_end(report, a), end=_span_end(report, b), span=span,
                   lending=metrics.difference(b["loans"], a["loans"]),
                   firms=metrics.difference(b["firms"], a["firms"]))
    frow, flow = report.ctx_role("kechuangdai_lending_in_year")
    if flow is not None:
        year = report.year(frow.year_number, "common.derivation.context_year", (ContextRef(frow.id),), id=frow.id)
        report.say("finance.lending_in_year", lending=flow, year=year, period=report.when(frow),
                   confidence=report.confidence(frow))
        last = metrics.difference(cumulative[-1]["loans"], cumulative[-2]["loans"]) if len(cumulative) > 1 else None
        if last is not None and last.lower is not None and flow.upper is not None and last.lower > flow.upper:
            report.say("finance.pace_conflict", lending=last, flow=flow, span=spans[-1], year=year,
                       period=report.when(frow))
    items = [report.text("finance.per_firm_item", label=Safe(p["label"]),
                         value=metrics.ratio(p["loans"], p["firms"], "CNY")) for p in points]
    report.say("finance.per_firm_over_time", items=Safe(report.list_separator().join(items)))
    report.gap("kechuangdai_series")


def _span_end(report, point: dict) -> Safe:
    """One end of a span between cumulative totals, in words: the case's undated totals, or the totals to a date."""
    if point["row"] is None:
        return report.text("finance.span_case")
    return report.text("finance.span_cumulative", period=report.when(point["row"]))


def _span(report, a: dict, b: dict) -> Safe:
    """The length of the span between two cumulative totals, from their data dates (`period`), in words.

    An undated end (the case's totals) leaves the span unknown, and says so.
    """
    from kczlib.data.periods import months_between

    if a["row"] is None or b["row"] is None:
        return report.text("finance.no_time_base")
    n = float(months_between(a["row"].period, b["row"].period))
    months = Num(n, n, "count", refs=tuple(ContextRef(r.id) for r in (a["row"], b["row"])),
                 derivation=report.derivation("finance.derivation.months"), measure="个月", sig=6)
    return report.text("finance.span_months", months=months)


def finance_findings(report, firms: Num, loans: Num, shares: list) -> list:
    """Key findings of the finance report.

    They are growth since the case, lending implied between the points, loan size and borrowing
    per firm, and the 2019 pool as a scenario.
    """
    out: list = []
    if firms is None or loans is None:
        return case_findings(report, out, FINANCE_REFS)
    lrow, later_loans = report.ctx_role("kechuangdai_loans_latest")
    frow, later_firms = report.ctx_role("kechuangdai_firms_latest")
    crow, count = report.ctx_role("kechuangdai_loan_count_latest")
    if later_loans is not None and later_firms is not None and count is not None:
        out.append(report.text("finance.kf_growth", period=as_of(report, lrow), later_loans=later_loans,
                               later_firms=later_firms,
                               count=count, confidence=report.confidence(lrow),
                               firms_confidence=report.confidence(frow),
                               loans=loans, growth=metrics.growth(later_loans, loans)))
        out.append(report.text("finance.kf_between", period=report.when(lrow),
                               lending=metrics.difference(later_loans, loans), firms=metrics.difference(later_firms,
                                                                                                        firms)))
        out.append(report.text("finance.kf_size", period=report.when(lrow), loan_size=metrics.ratio(later_loans, count,
                                                                                                    "CNY"),
                               later=metrics.ratio(later_loans, later_firms, "CNY"), then=metrics.ratio(loans, firms,
                                                                                                        "CNY")))
    prow, pool = report.ctx_role("debt_risk_pool")
    if pool is not None:
        out.append(report.text("finance.kf_pool", pool=pool, year=report.when(prow), confidence=report.confidence(prow),
                               per_pool=metrics.ratio(loans, pool, "multiplier")))
    if not out:  # no later totals in context: the one ratio the case's own figures give
        out.append(report.text("finance.kf_borrowing", loans=loans, firms=firms,
                               avg=metrics.ratio(loans, firms, "CNY")))
    return case_findings(report, out, FINANCE_REFS)
