"""The talent report (notebooks/03_talent_inflows).

Its sections: what the page measures, the inflow-type measures first (yearly change of
residents and of registered residents, settlement under the talent policy, the graduates'
inflow share), then the programme's own expert figures, which are cumulative counts.

Each public function takes the notebook's `Report` and shows one section or returns its
key-finding sentences. Two rules live here because this report needs them first:
`span_labels` (a change over a span other than a year is never shown beside yearly changes
without its span) and `rounded_difference` (a difference prints no finer than its inputs).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from kczlib.analysis import metrics
from kczlib.analysis.bounds import bounded, operand_name
from kczlib.analysis.num import ContextRef, FigureRef, Num
from kczlib.data.cases import get_case
from kczlib.data.context import context_meta, context_series, context_value, load_context
from kczlib.data.indicators import tally_of
from kczlib.data.periods import months_between
from kczlib.report.narrative import Safe
from kczlib.report.sections.available import case_findings
from kczlib.report.sections.shared import (
    context_bars,
    population_steps,
    programme_stocks,
)

YEAR_MONTHS = 12  # a yearly change spans twelve months


# --- rules ---------------------------------------------------------------------------

def span_labels(labels: list[str], months: list[int],
                span_text: Callable[[int], str]) -> tuple[list[str], list[bool]]:
    """Labels of changes, each marked with its span unless it spans a year.

    A change over 14 months drawn or printed beside yearly changes reads as a yearly one; so
    every change whose span is not `YEAR_MONTHS` gets its span appended (`span_text(months)`)
    and is flagged to be hatched (review of issue 22, M5).

    Args:
        labels: the changes' labels.
        months: the span of each change in whole months.
        span_text: the words of a span of n months, e.g. n -> "（14个月）".

    Returns:
        (labels, flags): the labels with spans where needed, and True where the span is not a year.

    Raises:
        ValueError: when the two lists differ in length or a span is not positive.
    """
    if len(labels) != len(months):
        raise ValueError(f"{len(labels)} labels for {len(months)} spans")
    if any(m <= 0 for m in months):
        raise ValueError(f"a change needs a positive span, got {months}")
    odd = [m != YEAR_MONTHS for m in months]
    return [f"{label}{span_text(m)}" if o else label
            for label, m, o in zip(labels, months, odd, strict=True)], odd


def input_resolution(n: Num) -> float:
    """The rounding step of a stated number, read from its value: 21192000 (2119.2万) -> 1000.

    The largest power of ten that divides the stated value (1 for a value stated to the unit,
    such as a census count). A derived or unstated number has no stated step: 1.

    Args:
        n: a figure or context row as a `Num`.

    Returns:
        The step in the number's base unit.
    """
    v = n.value_base
    if not isinstance(n.origin, FigureRef | ContextRef) or v is None or v != int(v) or v == 0:
        return 1.0
    step, v = 1, abs(int(v))
    while v % (step * 10) == 0:
        step *= 10
    return float(step)


def rounded_difference(a: Num, b: Num) -> Num:
    """`a - b`, rounded to the coarser rounding step of the two stated inputs.

    2119.2万 (to the thousand) minus a census count of 20,937,757 is about 254,000, not
    254,243: a difference claims no more precision than its coarser input (issue 22, M5).

    Args:
        a: the later number.
        b: the earlier number.

    Returns:
        The difference as a derived `Num` whose value is a multiple of the coarser step.
    """
    step = max(input_resolution(a), input_resolution(b))
    return bounded(lambda x, y: step * math.floor((x - y) / step + 0.5), [a, b], a.base_unit,
                           f"round({operand_name(a)} - {operand_name(b)}, {step:g})", a.measure)


def tally_words(report, indicator_ids: list[str]) -> Safe:
    """What kind of count the indicators are, in words from their declared `tally`.

    One kind shared by all gives `talent.tally.<kind>`; mixed or undeclared kinds give
    `talent.tally.mixed` (issue 22, M2: the page calls a number a stock or flow only from the data).

    Args:
        report: the notebook's `Report`.
        indicator_ids: ids of data/indicators.csv.

    Returns:
        The words, in the report's language.
    """
    kinds = {tally_of(i) for i in indicator_ids}
    kind = kinds.pop() if len(kinds) == 1 else ""
    return report.text(f"talent.tally.{kind or 'mixed'}")


# --- findings ------------------------------------------------------------------------

def _level_of_year(report, period: str) -> Num | None:
    """The resident level at the end of `period` (a year), from the population series."""
    row = next((r for r in context_series("population", report.case) if r.period == period), None)
    return None if row is None else report.ctx(row.id)


def yearly_changes(report) -> list[dict]:
    """The stated change of residents over each year, with its rate and whether it is old-series.

    Rows of the case's `population_change` series (each the change over its year, 12 months);
    the rate is the change over the level at the start of the year (the year-end level less
    the change). Rows before a series break are marked old-series.
    """
    from kczlib.data.context import series_breaks

    rows = context_series("population_change", report.case)
    breaks = series_breaks("population_change", report.case)
    first_new = min((r.period for r in rows if r.id in breaks), default=None)
    out = []
    for r in rows:
        change, level = report.ctx(r.id), _level_of_year(report, r.period)
        rate = None if level is None else metrics.share(change, metrics.difference(level, change))
        out.append({"row": r, "change": change, "rate": rate,
                    "old": first_new is not None and r.period < first_new})
    return out


def talent_measures(report) -> None:
    """The page's first lines: what it measures, and that no inflow series of talent exists.

    The external measures (population, settlement, graduates) are named only where the case's
    context holds a population series; otherwise the page measures the case's own figures.
    """
    report.say("talent.measures" if context_series("population", report.case) else "talent.measures_case_only")


def talent_findings(report) -> list:
    """Key findings: yearly change of residents and of registration, settlement, graduates, programme."""
    out = []
    changes = [c for c in yearly_changes(report) if not c["old"] and c["rate"] is not None]
    if changes:
        last = changes[-1]
        out.append(report.text("talent.kf_population", year=report.when(last["row"]), change=last["change"],
                               rate=last["rate"], confidence=report.confidence(last["row"])))
    hukou = context_series("hukou_change", report.case)
    if hukou:
        out.append(report.text("talent.kf_hukou", year=report.when(hukou[-1]), change=report.ctx(hukou[-1].id),
                               confidence=report.confidence(hukou[-1])))
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
    if stocks.stations is not None:
        out.append(report.text("talent.kf_programme", stations=stocks.stations, people=stocks.people,
                               kind=tally_words(report, list(PROGRAMME))))
    return case_findings(report, out[:5], TALENT_REFS)


PROGRAMME = ("expert_workstations", "workstation_academicians", "workstation_experts")
# The indicators of this report: what its key findings may be chosen from (available.case_findings)
TALENT_REFS = (*PROGRAMME, "workstation_projects", "workstation_patents", "workstation_invention_patents",
               "workstation_awards", "overseas_experts", "haizhi_bases", "haizhi_workstations", "expert_service_teams")


# --- the inflow section --------------------------------------------------------------

def talent_inflows(report) -> None:
    """Residents and registered residents by year, settlement, the graduate inflow, and what is missing.

    The census break is said, not computed. Yearly changes come from the publishers' own
    statements where the case has them (`population_change`), else from consecutive levels,
    each marked with its span when it is not a year (`span_labels`).
    """
    report.heading("talent.inflow_heading", level=2)
    if not report.needs("talent_inflows", context=True):
        return
    rows = context_series("population", report.case)
    if len(rows) < 2:
        _levels_without_series(report, rows)
        return
    _levels(report, rows)
    report.say("talent.pop_change_intro")
    if context_series("population_change", report.case):
        _stated_changes(report)
    else:
        _level_steps(report)
    _hukou(report)
    _settlement(report)
    _graduates(report)
    # what the data can say names the graduates' inflow: only where the context holds it
    report.say("talent.can_cannot" if report.ctx_role("grad_inflow_share")[1] is not None else "talent.cannot_say")
    report.gap("census_migration")
    report.gap("talent_settlement_series")


def _levels_without_series(report, rows) -> None:
    """What a case without a population series has: its resident levels, listed, or one sentence.

    A single level, or levels the case's context.meta.json does not declare a comparable
    series (`series.population`; e.g. a year-end count before the 2020 census and one after
    it), gives no change and so no inflow measure; the levels are still shown.
    """
    roles = context_meta(report.case).get("roles", {})
    table = load_context(report.case)
    city = str(get_case(report.case).meta["city"]["zh"])
    residents = table.index[table["indicator"].astype(str).str.startswith(RESIDENTS) & table["geo"].eq(city)]
    ids = ({r.id for r in rows} | {i for role, i in roles.items() if role in POPULATION_LEVEL_ROLES}
           | {str(i) for i in residents})
    levels = sorted((context_value(i, report.case) for i in ids), key=lambda r: r.period)
    if not levels:
        report.say("talent.no_population")
        return
    items = [report.text("talent.pop_item", period=report.when(r), value=report.ctx(r.id),
                         confidence=report.confidence(r)) for r in levels]
    key = "talent.pop_one_level" if len(levels) == 1 else "talent.pop_no_series"
    report.say(key, items=Safe(report.list_separator().join(items)))


# context.meta.json roles of the city's resident population at one date (not its changes), and the
# indicator words of such a row in context.csv (a row of the case's city with no role is one too)
RESIDENTS = "常住人口"
POPULATION_LEVEL_ROLES = ("population_case_year", "population_census", "population_latest", "population_pre_census")


def _levels(report, rows) -> None:
    """The resident levels, the census count in full beside its rounding, and the census break."""
    steps = population_steps(report)
    census = {s["later"].id for s in steps if s["break"]}

    def item(r):
        value = report.ctx(r.id)
        if r.id in census and input_resolution(value) == 1:  # a count to the person: a rounding beside it
            rounded = bounded(lambda x: 1000 * math.floor(x / 1000 + 0.5), [value], value.base_unit,
                                      f"round({operand_name(value)}, 1000)", value.measure)
            exact = report.cite(value.format("en"), "talent.derivation.census_count", (ContextRef(r.id),), id=r.id)
            return report.text("talent.pop_item_census", period=report.when(r), value=rounded, exact=exact,
                               confidence=report.confidence(r))
        return report.text("talent.pop_item", period=report.when(r), value=value, confidence=report.confidence(r))

    report.say("talent.pop_series", items=Safe(report.list_separator().join(item(r) for r in rows)))
    for s in steps:
        if s["break"]:
            report.say("talent.pop_break", before=report.ctx(s["earlier"].id), before_period=report.when(s["earlier"]),
                       after_period=report.when(s["later"]))


def _stated_changes(report) -> None:
    """Each year's stated change as a list item and a bar, all twelve-month spans."""
    items = []
    for c in yearly_changes(report):
        key = "talent.pop_change_old" if c["old"] else "talent.pop_change_year"
        rate = c["rate"] if c["rate"] is not None else Safe(report.text("talent.no_rate"))
        report.say(key, period=report.when(c["row"]), change=c["change"], rate=rate,
                   confidence=report.confidence(c["row"]))
        label_key = "talent.label_old_series" if c["old"] else "talent.label_year"
        label = report.text(label_key, period=report.when(c["row"]))
        items.append((label, c["change"], YEAR_MONTHS, None))
    _change_bars(report, items)


def _level_steps(report) -> None:
    """Changes between consecutive levels (a case without stated changes), each with its span."""
    from kczlib.data.context import series_breaks

    breaks = series_breaks("population", report.case)
    items = []
    for s in population_steps(report):
        if s["break"]:
            continue
        a, b = s["earlier"], s["later"]
        span_num = _months(a, b, a.id in breaks)
        months = int(span_num.point or 0)
        change = rounded_difference(report.ctx(b.id), report.ctx(a.id))
        label = report.text("talent.label_step", start=report.when(a), end=report.when(b))
        span = Safe("") if months == YEAR_MONTHS else report.text("talent.span_label", months=span_num)
        report.say("talent.pop_change_item", start=report.when(a), end=report.when(b), change=change,
                   rate=s["rate"], confidence=report.confidence(b), span=span)
        items.append((label, change, months, span_num))
    _change_bars(report, items)


def _months(a, b, census_start: bool) -> Num:
    """The whole months between two context rows' periods, a derived count naming both rows.

    Periods are read as their ends (`months_between`), except a census row (`census_start`),
    whose reference date is the first day of its month (0:00 on 1 November 2020 for the
    seventh census): one month more, so November 2020 to the end of 2021 is 14 months.
    """
    n = float(months_between(a.period, b.period) + (1 if census_start else 0))
    return Num(n, n, "count", refs=(ContextRef(a.id), ContextRef(b.id)), measure="个月",
               derivation=f"months from {a.period} to {b.period}", sig=6)


def _change_bars(report, items: Sequence[tuple[str, Num, int, Num | None]]) -> None:
    """Bars of changes; a change over any span but a year carries its span and is hatched (`span_labels`).

    Items: (label, change, span in months, the span as a `Num` when it is not a year).
    """
    if not items:
        return
    spans = {m: n for _, _, m, n in items if n is not None}
    labels, odd = span_labels([label for label, _, _, _ in items], [m for _, _, m, _ in items],
                              lambda m: str(report.text("talent.span_label", months=spans[m])))
    context_bars(report, "population_change", list(zip(labels, [n for _, n, _, _ in items], strict=True)),
                 "talent.pop_chart", "talent.unit_people", extra_hatched=odd)


def _hukou(report) -> None:
    """The stated change of registered (hukou) residents by year: registration, not residence."""
    rows = context_series("hukou_change", report.case)
    if not rows:
        return
    items = report.list_separator().join(
        report.text("talent.hukou_item", period=report.when(r), change=report.ctx(r.id),
                    confidence=report.confidence(r)) for r in rows)
    report.say("talent.hukou", items=Safe(items))


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


def programme_counts(report) -> None:
    """The programme's workstations and people: what kind of count they are, from the indicators' `tally`."""
    stocks = programme_stocks(report)
    if stocks.stations is None:
        return
    report.say("talent.programme_counts", stations=stocks.stations, people=stocks.people,
               kind=tally_words(report, list(PROGRAMME)))
    report.say("talent.no_time_base")
