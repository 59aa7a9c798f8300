"""The platforms report (notebooks/04_platforms_and_industry).

Its sections: the high-tech enterprise series, STAR listings and carriers.

Each public function takes the notebook's `Report` and shows one section or returns its
key-finding sentences.
"""

from __future__ import annotations

from itertools import pairwise

from kczlib.analysis import metrics
from kczlib.analysis.num import Num
from kczlib.data.figures import figure
from kczlib.report import plots  # matplotlib: sections are only imported by notebooks
from kczlib.report.narrative import Safe
from kczlib.report.sections.available import case_findings
from kczlib.report.sections.shared import hightech_points

# A code-level derivation, never printed: the appendix names a "period of …" leaf in words
# ("<metric>的年份" / "year of <metric>", appendix.leaves.period_of).
PERIOD_OF_TOTAL = "period of the case total"


# The indicators of this report: what its key findings may be chosen from (available.case_findings)
PLATFORMS_REFS = ("hightech_enterprises", "hightech_enterprises_net_new", "star_listed_firms",
                  "national_innovation_platforms", "incubators", "national_incubators", "incubation_carriers",
                  "incubated_teams", "concept_verification_projects", "competition_projects",
                  "competition_projects_landed")


def _years_between(report, a, b) -> Num:
    """Whole years between two series points, a derived count naming the rows it comes from."""
    return metrics.years_between(a[0], b[0], tuple(r for p in (a, b) for r in p[1].refs))


def hightech_series(report, total: Num, prior: Num) -> None:
    """High-tech enterprises over the years with the growth of each step and on average.

    The case's implied prior-year stock is set against the context row of that year.
    """
    points = hightech_points(report, total)
    if len(points) < 2:
        report.gap("hightech_2023")
        return
    items = [report.text("platforms.hightech_item", year=report.year(y, "common.derivation.series_year", n.refs),
                         value=n,
                         confidence=label) for y, n, label, _ in points]
    report.say("platforms.hightech_series", items=Safe(report.list_separator().join(items)))
    steps = [report.text("platforms.hightech_step", start=report.year(a[0], "common.derivation.series_year", a[1].refs),
                         end=report.year(b[0], "common.derivation.series_year", b[1].refs),
                         rate=metrics.change_rate(b[1], a[1]))
             for a, b in pairwise(points)]
    report.say("platforms.hightech_steps", items=Safe(report.list_separator().join(steps)))
    first, last = points[0], points[-1]
    report.say("platforms.hightech_average", start=report.year(first[0], "common.derivation.series_year",
                                                               first[1].refs),
               end=report.year(last[0], "common.derivation.series_year", last[1].refs),
               multiple=metrics.growth(last[1], first[1]),
               cagr=metrics.compound_rate(last[1], first[1], _years_between(report, first, last)))
    report.say("platforms.hightech_scope")
    nums = [p[1] for p in points]
    year = int(figure(total.ids[0], report.case).period)
    fig = plots.compare_bars([report.year(p[0], "common.derivation.series_year", p[1].refs) for p in points],
                             [n.mid for n in nums],
                             title=report.text("platforms.hightech_chart"),
                             unit_label=report.text("platforms.unit_firms"),
                             source=report.chart_source(nums), lang=report.lang, notes=[p[2] for p in points],
                             highlight=report.figure_year(year, total.refs[0], PERIOD_OF_TOTAL),
                             texts=report.chart_texts("hightech_series", nums),
                             hatched=report.hatched(nums), legend=report.text("common.hatch_legend"))
    report.chart(fig, "hightech_series", nums)
    report.gap("hightech_2023")


def star_against_listed(report, star: Num) -> None:
    """STAR listings against the city's other listed firms.

    A share is given only where the two counts come from the same date; the case's undated
    count and the 2020 total are not divided.
    """
    rows = [(role, *report.ctx_role(role)) for role in ("star_listed_prior", "star_listed_latest")]
    series = [report.text("platforms.star_item", period=report.when(r), value=n, confidence=report.confidence(r))
              for _, r, n in rows if n is not None]
    period = report.cite(report.meta.get("period", ""), "common.derivation.case_period", ())
    if series:
        report.say("platforms.star_series", case=star, period=period, items=Safe(report.list_separator().join(series)))
    lrow, listed = report.ctx_role("listed_all_latest")
    srow, star_latest = report.ctx_role("star_listed_latest")
    if listed is not None and star_latest is not None and lrow.period == srow.period:
        report.say("platforms.star_share", period=report.when(lrow), star=star_latest, listed=listed,
                   confidence=report.confidence(lrow), share=metrics.share(star_latest, listed),
                   others=metrics.difference(listed, star_latest))
    orow, older = report.ctx_role("listed_all_2020")
    if older is not None:
        report.say("platforms.listed_mismatch", listed=older, year=report.when(orow),
                   confidence=report.confidence(orow),
                   case=star, period=period)
        report.gap("star_listed_2020")


def carriers_side_by_side(report) -> None:
    """Concept-verification centre and pilot-production base outputs: counts side by side by kind.

    Project counts are the only ones in the same unit, and they count different stages.
    """
    f = report.fig
    verified, incubated = report.ind("concept_verification_projects"), f("concept_verification_incubated")
    transfer, firms, patents = (f("belt_road_base_transfer_projects"), f("belt_road_base_firms_incubated"),
                                f("belt_road_base_patents"))
    report.say("platforms.carriers_compare", verified=verified, transfer=transfer, incubated=incubated, firms=firms)
    items = [(report.text(k), n) for k, n in (("platforms.label_verified", verified),
                                              ("platforms.label_transfer", transfer),
                                              ("platforms.label_verified_incubated", incubated),
                                              ("platforms.label_base_firms", firms),
                                              ("platforms.label_base_patents", patents))]
    report.bars("concept_side_by_side", items, "platforms.concept_chart", "finance.unit_count")


def platforms_findings(report, total: Num) -> list:
    """Key findings of the platforms report.

    They are the high-tech series, STAR against all listings, the year mismatch, and the two
    carriers' outputs.
    """
    out = []
    points = hightech_points(report, total) if total is not None else []
    if len(points) >= 2:
        first, last = points[0], points[-1]
        out.append(report.text("platforms.kf_hightech", first=first[1],
                               start=report.year(first[0], "common.derivation.series_year", first[1].refs),
                               last=last[1], end=report.year(last[0], "common.derivation.series_year", last[1].refs),
                               multiple=metrics.growth(last[1], first[1]),
                               cagr=metrics.compound_rate(last[1], first[1], _years_between(report, first, last))))
    lrow, listed = report.ctx_role("listed_all_latest")
    srow, star_latest = report.ctx_role("star_listed_latest")
    star = report.maybe("star_listed_firms")
    if star is not None and listed is not None and star_latest is not None and lrow.period == srow.period:
        out.append(report.text("platforms.kf_star", case=star, period=report.when(lrow),
                               star=star_latest, listed=listed, share=metrics.share(star_latest, listed),
                               confidence=report.confidence(lrow)))
    orow, older = report.ctx_role("listed_all_2020")
    if older is not None:
        out.append(report.text("platforms.kf_mismatch", listed=older, year=report.when(orow)))
    if report.has("concept_verification_projects") and report.has("coop_base_transfer_projects"):
        out.append(report.text("platforms.kf_carriers", verified=report.ind("concept_verification_projects"),
                               transfer=report.ind("coop_base_transfer_projects")))
    return case_findings(report, out, PLATFORMS_REFS)
