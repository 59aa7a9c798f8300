"""The R&D figures of the fiscal report's R&D section (notebooks/01_fiscal_investment, issue 23).

The section's core is R&D intensity (`fiscal.rd_section`); a case may report R&D otherwise:
gross R&D spending, its growth or multiple of a base year, the change of intensity, an
expected intensity, the gap to the province's and the nation's intensity, a provincial rank.
The section shows every one of these the case has, with the change two dated figures give
(`available.series_change`), and never hides one because the intensity or fiscal spending is
missing. The fiscal report is these figures' home (`kczlib.report.others.INDICATOR_HOMES`),
so one the section does not print is in that report's "other reported figures".
"""

from __future__ import annotations

from kczlib.analysis import metrics
from kczlib.report.sections.available import figure_items, series_change

# The R&D indicators (data/indicators.csv) the section shows beside the intensity, in order.
RD_REFS = ("rd_spending", "rd_spending_growth", "rd_spending_multiple", "rd_intensity_change",
           "rd_intensity_expected", "rd_intensity_above_province", "rd_intensity_above_national",
           "rd_intensity_rank_province")


def rd_reported(report) -> list[str]:
    """The ids of `RD_REFS` the case reports (`Report.has`), in `RD_REFS` order."""
    return [r for r in RD_REFS if report.has(r)]


def rd_figures(report, refs: list[str], *, lead: str = "fiscal.rd_more") -> None:
    """The case's R&D figures `refs` as a list after one lead sentence, then each one's change over years.

    Args:
        report: the notebook's `Report`.
        refs: indicator ids the case reports (`rd_reported`); nothing is shown when empty.
        lead: the template key of the sentence before the list.
    """
    if not refs:
        return
    report.say(lead)
    figure_items(report, [report.get(r) for r in refs])
    for r in refs:
        series_change(report, r)
    implied_levels(report, refs)


# A gap to a place's intensity (data/indicators.csv) -> the place's words (fiscal.rd_place.<key>)
GAPS = {"rd_intensity_above_province": "province", "rd_intensity_above_national": "nation"}


def implied_levels(report, refs: list[str]) -> None:
    """The province's and the nation's R&D intensity implied by the case's gap to them, one sentence each.

    The case's intensity of the gap's year minus the gap (percentage points), as a derived
    number (`metrics.difference`, ranges by the vertex method). Nothing for a gap without the
    case's intensity of the same year.

    Args:
        report: the notebook's `Report`.
        refs: the R&D indicator ids the case reports (`rd_reported`).
    """
    for ref, place in GAPS.items():
        if ref not in refs:
            continue
        gap = report.get(ref)
        year = report.period_of(gap)
        intensity = report.maybe("rd_intensity", year) if year.isdigit() else None
        if intensity is None:
            continue
        report.say("fiscal.rd_implied", year=report.period(gap.ids[0]), place=report.text(f"fiscal.rd_place.{place}"),
                   level=metrics.difference(intensity, gap), intensity=intensity, gap=gap)
