"""The talent report (notebooks/03_talent_inflows).

Its sections: population steps, settlement, graduates and the programme's expert stocks per resident.

Each public function takes the notebook's `Report` and shows one section or returns its
key-finding sentences.
"""

from __future__ import annotations

from kczlib.analysis import metrics
from kczlib.data.context import context_series
from kczlib.report.narrative import Safe
from kczlib.report.sections.shared import (
    context_bars,
    population_steps,
    programme_stocks,
)


def _pre_census_change(report):
    """The old series' own change over its last year: (row, change, rate of the start-of-year count)."""
    row, change = report.ctx_role("population_change_pre_census")
    _, pop = report.ctx_role("population_pre_census")
    if change is None or pop is None:
        return None, None, None
    return row, change, metrics.share(change, metrics.difference(pop, change))


def talent_findings(report) -> list:
    """Key findings of the talent report: population change, settlement, graduates, programme stocks."""
    out = []
    steps = [s for s in population_steps(report) if not s["break"]]
    census = next((s["later"] for s in population_steps(report) if s["break"]), None)
    if steps and census is not None:
        last = steps[-1]
        out.append(report.text("talent.kf_population", year=report.when(last["later"]), change=last["change"],
                               rate=last["rate"], confidence=report.confidence(last["later"]),
                               census=report.when(census)))
    srow, settled = report.ctx_role("talent_settled")
    prow, pop = report.ctx_role("population_pre_census")
    if settled is not None and pop is not None:
        out.append(report.text("talent.kf_settled", settled=settled, period=report.when(srow),
                               confidence=report.confidence(srow), share=metrics.share(settled, pop)))
    grow, gshare = report.ctx_role("grad_inflow_share")
    rrow, rank = report.ctx_role("grad_inflow_rank")
    if gshare is not None and rank is not None:
        out.append(report.text("talent.kf_graduates", share=gshare, rank=rank, year=report.when(grow),
                               confidence=report.confidence(grow)))
    stocks = programme_stocks(report)
    if stocks.population is not None:
        out.append(report.text("talent.kf_stocks", stations=stocks.stations, people=stocks.people,
                               stations_per=stocks.stations_per, people_per=stocks.people_per))
    return out


def talent_inflows(report) -> None:
    """Resident population change per year, settlement, graduate inflow and the programme's stocks.

    The census break is said, not computed; the settlement count is the talent policy's, the
    graduate inflow a share, and the programme's stocks are per ten thousand residents, with
    what they can and cannot say.
    """
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
        items.append((report.text("talent.label_step", start=report.when(s["earlier"]), end=report.when(s["later"])),
                      s["change"]))
    if any("-" in s["earlier"].period for s in steps if not s["break"]):  # a step from a dated census, not a year-end
        report.say("talent.pop_span")
    if items:
        context_bars(report, "population_change", items, "talent.pop_chart", "talent.unit_people")
    _settlement(report)
    _graduates(report)
    _stocks_per_resident(report)
    report.say("talent.can_cannot")
    report.gap("talent_settlement_series")


def _settlement(report) -> None:
    srow, settled = report.ctx_role("talent_settled")
    prow, pop = report.ctx_role("population_pre_census")
    crow, change = report.ctx_role("population_change_pre_census")
    if settled is None or pop is None or change is None:
        return
    report.say("talent.settled", settled=settled, period=report.when(srow), confidence=report.confidence(srow),
               pop=pop, pop_period=report.when(prow), share=metrics.share(settled, pop), change=change,
               change_period=report.when(crow))


def _graduates(report) -> None:
    grow, gshare = report.ctx_role("grad_inflow_share")
    _, rank = report.ctx_role("grad_inflow_rank")
    if gshare is None or rank is None:
        return
    report.say("talent.graduates", share=gshare, rank=rank, year=report.when(grow), confidence=report.confidence(grow))


def _stocks_per_resident(report) -> None:
    stocks = programme_stocks(report)
    if stocks.population is None:
        return
    report.say("talent.per_resident", stations=stocks.stations, people=stocks.people, stations_per=stocks.stations_per,
               people_per=stocks.people_per, year=report.when(stocks.row), population=stocks.population,
               confidence=report.confidence(stocks.row))
    report.say("talent.no_time_base")
