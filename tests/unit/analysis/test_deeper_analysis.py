"""The deeper analyses: inflows, peers, loan dynamics, series and key findings.

Every expected number below is worked out by hand from the rows of data/cases/chengdu/
context.csv and figures.csv (the arithmetic is in the comments and in the asserts), not
copied from the reports.
"""

from __future__ import annotations

import csv
import math
from functools import cache

from kczlib.analysis import metrics
from kczlib.analysis.num import ContextRef, FigureRef, Num
from kczlib.report import plots, theme

from conftest import CASE_REPORT_NOTEBOOKS as NOTEBOOKS
from conftest import DATA
from support.notebooks import execute_in_process

NB = {p.stem: p for p in NOTEBOOKS}
WAN = 1e4  # 万
YI = 1e8  # 亿


@cache
def report(name, lang):
    return execute_in_process(NB[name], lang)


@cache
def rows():
    with open(DATA / "cases" / "chengdu" / "context.csv", encoding="utf-8") as f:
        return {row["id"]: row for row in csv.DictReader(f)}


def value(row_id):
    return float(rows()[row_id]["value"])


def point(x, name=None):
    """A stated figure with its own identity (figures with the same id are one input)."""
    name = name or f"row_{x!r}"
    return Num.leaf(FigureRef(name), x, x, "count")


# --- the new metrics, by hand from the rows ---------------------------------------------------

def test_population_change_and_rate_from_the_rows():
    p21, p22, p23 = (value(f"pop_chengdu_{y}") * WAN for y in (2021, 2022, 2023))
    assert (p21, p22, p23) == (21192000.0, 21268000.0, 21403000.0)  # 2119.2万, 2126.8万, 2140.3万
    # 2140.3 - 2126.8 = 13.5万 (the row's own excerpt says 比2022年末增加13.5万人); 13.5 / 2126.8 = 0.6348%
    rate = metrics.change_rate(point(p23), point(p22))
    assert math.isclose(rate.lower, 135000 / 21268000) and rate.format("en") == "0.635%"
    assert metrics.difference(point(p23), point(p22)).format("zh") == "13.5万"


def test_per_ten_thousand_residents_from_the_rows():
    pop = value("pop_chengdu_2021") * WAN  # 2119.2万 = 21,192,000
    # 239 workstations / 21,192,000 x 10,000 = 0.11278; (75 + 781) experts -> 856 / 2119.2 = 0.40393
    assert metrics.per_ten_thousand(point(239), point(pop)).format("en") == "0.113"
    assert metrics.per_ten_thousand(point(856), point(pop)).format("en") == "0.404"


def test_compound_rate_of_the_hightech_series():
    first, last = value("hte_chengdu_2019"), value("hte_chengdu_2022")  # 4149, 9856
    years = Num(3, 3, "years", derivation="years")
    # (9856 / 4149) ** (1/3) - 1 = 2.37551 ** 0.33333 - 1 = 0.33430
    rate = metrics.compound_rate(point(last), point(first), years)
    assert abs(rate.lower - 0.3343) < 1e-4 and rate.format("en") == "33.4%"


def test_lending_between_the_case_and_nov_2023_is_bounded_jointly():
    later = value("kechuangdai_loans_2023") * YI  # 300.92亿
    case = Num.leaf(FigureRef("kechuangdai_loans"), 2e10, 3e10, "CNY", qualifier="多", value_base=2e10)  # 200多亿
    between = metrics.difference(Num.leaf(ContextRef("l"), later, later, "CNY"), case)
    # 300.92亿 - 300亿 = 0.92亿 = 9200万; 300.92亿 - 200亿 = 100.92亿 -> 101亿
    assert math.isclose(between.lower, 0.92e8) and math.isclose(between.upper, 100.92e8)
    assert between.format("zh") == "9200万元至101亿元" and between.format("en") == "CNY 92 m to CNY 10.1 bn"


# --- the reports: each new finding in both languages ----------------------------------------


# --- charts: low confidence is visibly different ---------------------------------------------

def test_low_confidence_bars_are_hatched_with_a_legend():
    theme.set_theme("en")
    fig = plots.compare_bars(["a", "b"], [1.0, 2.0], title="t", unit_label="u", source="s", lang="en",
                             hatched=[True, False], legend="hatched: low confidence")
    ax = fig.axes[0]
    assert [p.get_hatch() for p in ax.patches] == [plots.HATCH, None]
    # the legend sits under the plots, outside the plot area (review H2), as a figure legend
    assert ax.get_legend() is None
    assert [t.get_text() for legend in fig.legends for t in legend.get_texts()] == ["hatched: low confidence"]


def test_paired_ranges_draw_open_ends_and_hatch_per_panel():
    theme.set_theme("en")
    fig = plots.paired_ranges(["x", "y"], ([1.0, 4.0], [1.0, None], ["1", "at least 4"]),
                              ([10.0, None], [10.0, 40.0], ["10", "nearly 40"]),
                              titles=("left", "right"), units=("a", "b"), title="t", source="s", lang="en",
                              hatched=([True, False], [False, False]), legend="hatched")
    left, right = fig.axes
    assert [p.get_hatch() for p in left.patches] == [plots.HATCH, None]
    assert not any(p.get_hatch() for p in right.patches)
    assert any(line.get_gid() == "open_upper" for line in left.lines)   # 超: an arrow-head, no upper end
    assert any(line.get_gid() == "open_lower" for line in right.lines)  # 近: an arrow-head at the upper bound
