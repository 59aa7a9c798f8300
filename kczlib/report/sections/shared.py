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
from kczlib.analysis.num import Num
from kczlib.data.context import ContextFigure, context_series
from kczlib.data.figures import figure
from kczlib.data.geo import geo_order
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


def context_bars(report, name: str, items: list[tuple[str, Num]], title_key: str, unit_key: str, **slots) -> None:
    """Range bars like `Report.bars`, with low-confidence and derived context hatched.

    A legend says so; the source line lists exactly the origins of the drawn numbers.
    """
    labels = [label for label, _ in items]
    nums = [n for _, n in items]
    fig = plots.bar_ranges(labels, [n.lower for n in nums], [n.upper for n in nums],
                           title=report.text(title_key, **slots), unit_label=report.text(unit_key),
                           source=report.chart_source(nums), lang=report.lang, texts=report.chart_texts(name, nums),
                           hatched=report.hatched(nums), legend=report.text("common.hatch_legend"))
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
    """The programme's expert workstations and their people.

    Both are also given per ten thousand residents of the case year. Fields are None when the
    case does not report them.
    """

    stations: Num | None = None  # expert workstations
    people: Num | None = None  # their academicians + experts
    row: object = None  # the context row of the case year's population (a ContextFigure)
    population: Num | None = None  # that population
    stations_per: Num | None = None  # workstations per ten thousand residents
    people_per: Num | None = None  # people per ten thousand residents


def programme_stocks(report) -> ProgrammeStocks:
    """Workstations and their academicians + experts per ten thousand residents of the case year.

    Args:
        report: the notebook's `Report`.

    Returns:
        A `ProgrammeStocks`; all None when the case does not report the three indicators,
        the per-resident fields None when it assigns no population row to the case year.
    """
    if not all(report.has(i) for i in ("expert_workstations", "workstation_academicians", "workstation_experts")):
        return ProgrammeStocks()
    stations = report.ind("expert_workstations")
    people = metrics.total([report.ind("workstation_academicians"), report.ind("workstation_experts")])
    row, pop = report.ctx_role("population_case_year")
    if pop is None:
        return ProgrammeStocks(stations, people)
    return ProgrammeStocks(stations, people, row, pop, metrics.per_ten_thousand(stations, pop, "家"),
                           metrics.per_ten_thousand(people, pop, "位"))
