"""Section code two reports share.

Context bar charts, the R&D intensity rows, population steps, the programme's expert stocks
and the high-tech series points.

Each public function takes the notebook's `Report` and shows one section or returns its
key-finding sentences.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from kczlib.analysis import metrics
from kczlib.analysis.num import FigureRef, Num
from kczlib.data.context import ContextFigure, context_series
from kczlib.data.figures import figure
from kczlib.data.geo import geo_order
from kczlib.data.indicators import per_resident_allowed
from kczlib.errors import PerResidentError
from kczlib.report import plots  # matplotlib: sections are only imported by notebooks

NATION = 3  # the `order` data/geo.csv gives the nation (peers 1, province 2): `kczlib.data.geo.geo_order`


def rd_rows(report):
    """R&D intensity rows, ordered.

    The case city comes first, then the rows by `geo_order` (peer cities, province, nation;
    data/geo.csv), by name, by period.
    """
    city = report.meta["city"]["zh"]
    rows = context_series("rd_intensity", report.case)
    return sorted(rows, key=lambda r: (0 if r.geo == city else geo_order(r.geo), r.geo, r.period))


def rd_peers(report):
    """The case city's latest R&D intensity beside the other rows of the same year.

    (city row, city Num, national row, national Num, [(row, Num) of peers and province]), or None.
    """
    city = report.meta["city"]["zh"]
    rows = rd_rows(report)
    mine = [r for r in rows if r.geo == city]
    if not mine:
        return None
    latest = max(mine, key=lambda r: r.period)
    same = [r for r in rows if r.period == latest.period and r.geo != city]
    nation = next((r for r in same if geo_order(r.geo) == NATION), None)
    others = [(r, report.ctx(r.id)) for r in same if r is not nation]
    return latest, report.ctx(latest.id), nation, None if nation is None else report.ctx(nation.id), others


def hightech_points(report, total: Num) -> list[tuple[int, Num, str, ContextFigure | None]]:
    """The high-tech enterprise series by year.

    Context rows, with the case's total in its own year (replacing a context row of that year).
    Items: (year, Num, label, context row or None). `total` None (a case that does not report
    the indicator) gives the context rows alone; a total of no single year is left out.
    """
    points: dict[int, tuple[int, Num, str, ContextFigure | None]] = {
        r.year_number: (r.year_number, report.ctx(r.id), report.confidence(r), r)
        for r in context_series("hightech", report.case)}
    period = None if total is None else figure(total.ids[0], report.case).period
    if period is None or not period.isdigit():
        return [points[y] for y in sorted(points)]
    year = int(period)
    points[year] = (year, total, report.text("platforms.from_case"), None)
    return [points[y] for y in sorted(points)]


def context_bars(report, name: str, items: list[tuple[str, Num]], title_key: str, unit_key: str,
                 extra_hatched: list[bool] | None = None, **slots) -> None:
    """Range bars like `Report.bars`, with low-confidence and derived context hatched.

    A legend says so; the source line lists exactly the origins of the drawn numbers.
    `extra_hatched` hatches further bars (a change over a span that is not a year).
    """
    labels = [label for label, _ in items]
    nums = [n for _, n in items]
    hatched = [a or b for a, b in zip(report.hatched(nums), extra_hatched or [False] * len(nums), strict=True)]
    fig = plots.bar_ranges(labels, [n.lower for n in nums], [n.upper for n in nums],
                           title=report.text(title_key, **slots), unit_label=report.text(unit_key),
                           source=report.chart_source(nums), lang=report.lang, texts=report.chart_texts(name, nums),
                           hatched=hatched, legend=report.text("common.hatch_legend"))
    report.chart(fig, name, nums)


def population_steps(report) -> list[dict]:
    """Consecutive resident-population rows.

    Per step: the two rows and, unless the later row starts a re-based series (a census), the
    change and its rate.
    """
    from kczlib.data.context import series_breaks

    rows = context_series("population", report.case)
    breaks = series_breaks("population", report.case)
    steps = []
    for a, b in pairwise(rows):
        step = {"earlier": a, "later": b, "break": b.id in breaks}
        if not step["break"]:
            pa, pb = report.ctx(a.id), report.ctx(b.id)
            step["change"], step["rate"] = metrics.difference(pb, pa), metrics.change_rate(pb, pa)
        steps.append(step)
    return steps


@dataclass(frozen=True)
class ProgrammeStocks:
    """The programme's expert workstations and their people: cumulative counts since an undated start.

    Per ten thousand residents only where the indicators count residents (`per_resident`);
    for the case's affiliated academicians and experts those fields stay None. Fields are
    None when the case does not report them.
    """

    stations: Num | None = None  # expert workstations
    people: Num | None = None  # their academicians + experts
    row: object = None  # the context row of the case year's population (a ContextFigure)
    population: Num | None = None  # that population
    stations_per: Num | None = None  # workstations per ten thousand residents (None: refused)
    people_per: Num | None = None  # people per ten thousand residents (None: refused)


def resident_count(report, x: Num) -> bool:
    """Whether every case figure `x` rests on counts residents (data/indicators.csv `population`).

    Args:
        report: the notebook's `Report`.
        x: a figure or a number derived from figures.

    Returns:
        True when x rests on figures only and each one's indicator is declared `residents`.
    """
    if not x.refs or not all(isinstance(r, FigureRef) for r in x.refs):
        return False
    indicators = [figure(r.id, report.case).indicator for r in x.refs]
    return all(bool(i) and per_resident_allowed(i) for i in indicators)


def per_resident(report, x: Num, population: Num, measure: str = "") -> Num:
    """`x` per ten thousand residents, refused unless x counts residents (issue 22, M1).

    Args:
        report: the notebook's `Report`.
        x: a count of people resting on case figures.
        population: the resident population.
        measure: the Chinese measure word of the result.

    Returns:
        `metrics.per_ten_thousand(x, population, measure)`.

    Raises:
        PerResidentError: when a figure under x is not declared a count of residents.
    """
    if not resident_count(report, x):
        raise PerResidentError(list(x.ids))
    return metrics.per_ten_thousand(x, population, measure)


def programme_stocks(report) -> ProgrammeStocks:
    """Workstations and their academicians + experts, with ratios per resident where allowed.

    Args:
        report: the notebook's `Report`.

    Returns:
        A `ProgrammeStocks`; all None when the case does not report the three indicators,
        the per-resident fields None when it assigns no population row to the case year or
        the indicators do not count residents (`resident_count`).
    """
    if not all(report.has(i) for i in ("expert_workstations", "workstation_academicians", "workstation_experts")):
        return ProgrammeStocks()
    stations = report.ind("expert_workstations")
    people = metrics.total([report.ind("workstation_academicians"), report.ind("workstation_experts")])
    row, pop = report.ctx_role("population_case_year")
    if pop is None:
        return ProgrammeStocks(stations, people)
    per = [per_resident(report, x, pop, m) if resident_count(report, x) else None
           for x, m in ((stations, "家"), (people, "位"))]
    return ProgrammeStocks(stations, people, row, pop, per[0], per[1])
