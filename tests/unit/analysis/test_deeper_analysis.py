"""The deeper analyses: inflows, peers, loan dynamics, series and key findings.

Every expected number below is worked out by hand from the rows of data/cases/chengdu/
context.csv and figures.csv (the arithmetic is in the comments and in the asserts), not
copied from the reports.
"""

from __future__ import annotations

import csv
import math
import re
from functools import lru_cache

import pytest

from conftest import DATA, edit_csv_cell
from conftest import REPORT_NOTEBOOKS as NOTEBOOKS
from support.notebooks import execute_in_process
from kczlib.analysis import metrics
from kczlib.analysis.ledger import Num
from kczlib.report import plots, theme

NB = {p.stem: p for p in NOTEBOOKS}
WAN = 1e4  # 万
YI = 1e8  # 亿


@lru_cache(maxsize=None)
def report(name, lang):
    return execute_in_process(NB[name], lang)


def text(name, lang):
    return "\n".join(report(name, lang).shown)


@lru_cache(maxsize=None)
def rows():
    with open(DATA / "cases" / "chengdu" / "context.csv", encoding="utf-8") as f:
        return {row["id"]: row for row in csv.DictReader(f)}


def value(row_id):
    return float(rows()[row_id]["value"])


def point(x, name=None):
    """A stated figure with its own identity (figures with the same id are one input)."""
    name = name or f"row_{x!r}"
    return Num(x, x, "count", (name,), name, "figure")


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
    years = Num(3, 3, "years", (), "years", "derived")
    # (9856 / 4149) ** (1/3) - 1 = 2.37551 ** 0.33333 - 1 = 0.33430
    rate = metrics.compound_rate(point(last), point(first), years)
    assert abs(rate.lower - 0.3343) < 1e-4 and rate.format("en") == "33.4%"


def test_lending_between_the_case_and_nov_2023_is_bounded_jointly():
    later = value("kechuangdai_loans_2023") * YI  # 300.92亿
    case = Num(2e10, 3e10, "CNY", ("kechuangdai_loans",), "kechuangdai_loans", "figure", "多", 2e10)  # 200多亿
    between = metrics.difference(Num(later, later, "CNY", ("ctx:l",), "context l", "context"), case)
    # 300.92亿 - 300亿 = 0.92亿 = 9200万; 300.92亿 - 200亿 = 100.92亿 -> 101亿
    assert math.isclose(between.lower, 0.92e8) and math.isclose(between.upper, 100.92e8)
    assert between.format("zh") == "9200万元至101亿元" and between.format("en") == "CNY 92 m to CNY 10.1 bn"


# --- the reports: each new finding in both languages ----------------------------------------

PHRASES = {
    "03_talent_inflows": {
        "en": [
            "2022 to 2023: 135,000 (0.635%; medium confidence)",       # 2140.3万 - 2126.8万; 13.5 / 2126.8
            "2021 to 2022: 76,000 (0.359%; medium confidence)",        # 2126.8 - 2119.2 = 7.6万; 7.6 / 2119.2 = 0.3586%
            "Nov 2020 to 2021: 254,243 (1.21%",                        # 21,192,000 - 20,937,757; / 20,937,757 = 1.2143%
            "2019, old year-end series: 251,000 (1.54% of the count at the start of the year",  # 25.1 / (1658.1 - 25.1)
            "is a break in the series, not an inflow",
            "0.603% to 1.21% of the 16,581,000 residents",             # 10万 / 1658.1万 .. 20万 / 1658.1万 (10万余)
            "at 4.7%, 2nd nationally (low confidence",
            "0.113 workstations and 0.404 academicians and experts per ten thousand residents",
            "no rate per year of the programme can be given",
        ],
        "zh": ["2022年至2023年：13.5万人（0.635%；中等可信度）", "不是人口流入", "4.7%，居全国第二名（低可信度",
               "每万名常住人口0.113家工作站、0.404位院士和专家"],
    },
    "01_fiscal_investment": {
        "en": [
            "1.39× the national 2.54% (low confidence",                 # 3.52 / 2.54 = 1.3858
            "Guangzhou 3.43% (high confidence)",
            "Chengdu's municipal spending was 36.4% of that amount",   # 99.4 / 273.3 = 0.36370
            "is CNY 258.68 bn, for 2023",
            "no target can be computed",
            "if it was no lower than the CNY 9.94 bn of 2021 (an assumption), the pledge means at least CNY 19.9 bn by 2025",
        ],
        "zh": ["是全国水平2.54%（低可信度：转载，待核对原文）的1.39倍", "成都市级支出相当于该数额的36.4%", "无法计算目标"],
    },
    "02_tech_finance_leverage": {
        "en": [
            "lending of CNY 92 m to CNY 10.1 bn and 447 to 547 more firms are implied",  # 3247 - 2800 .. 3247 - 2700
            "lending of at least CNY 9.91 bn is implied",              # 超400亿 - 300.92亿 = 99.08亿
            "That span is 9 months.",                                   # Nov 2023 -> Aug 2024
            "Aug 2024, cumulative: at least CNY 10 m",                 # 400亿 / 近4000 firms = 1000万
            "H1 2019 (half-year flow): CNY 1.99 m",                    # 7.93亿 / 399 = 198.7万
        ],
        "zh": ["隐含放款9200万元至101亿元，企业增加447家至547家", "隐含放款至少99.1亿元", "该时段为9个月。"],
    },
    "04_platforms_and_industry": {
        "en": [
            "2019 to 2020: 47.5%; 2020 to 2021: 27.8%; 2021 to 2022: 26.0%",  # 6120/4149, 7821/6120, 9856/7821
            "grew to 2.38×, 33.4% a year on average",                   # 9856 / 4149 = 2.3755
            "17 of the city's 146 listed companies were on the STAR Market",
            "11.6%, with 129 listed on other boards",                   # 17 / 146 = 11.64%; 146 - 17
            "the years and scope differ, so no share is computed",
        ],
        "zh": ["2019年至2020年：47.5%", "占11.6%，其他板块及境外上市129家", "年份与口径都不同"],
    },
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", sorted(PHRASES))
def test_new_findings_worked_by_hand_appear_in_both_languages(name, lang):
    body = text(name, lang)
    for phrase in PHRASES[name][lang]:
        assert phrase in body, phrase


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_talent_report_has_an_inflow_measure_with_its_source_and_confidence(lang):
    r = report("03_talent_inflows", lang)
    body = text("03_talent_inflows", lang)
    assert ("0.635%" in body) and (("medium confidence" in body) if lang == "en" else ("中等可信度" in body))
    charts = {name: source for name, _, source in r.charts}
    assert "dzb.51grb.com" in charts["population_change"]  # the 2023 row's page, cited under the chart
    assert "pop_chengdu_2023" in r.ledger.context_ids()     # and listed in the External sources appendix


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", sorted(NB))
def test_every_report_opens_with_three_to_five_key_findings(name, lang):
    shown = report(name, lang).shown
    heading = "## Key findings" if lang == "en" else "## 主要发现"
    i = shown.index(heading)
    assert i <= 1  # right after the title
    bullets = shown[i + 1].split("\n")
    assert 3 <= len(bullets) <= 5 and all(b.startswith("- ") and re.search(r"\d", b) for b in bullets)


def test_new_charts_of_external_data_cite_their_sources():
    expected = {"01_fiscal_investment": {"rd_intensity_series": ["tjj.gz.gov.cn (high confidence)", "yongxinshebei.com"],
                                         "pledge_scenarios": ["assumption: start year of the pledge's window"]},
                "02_tech_finance_leverage": {"loan_dynamics": ["freewechat.com", "digitalpaper.stdaily.com (medium confidence)",
                                                               "case study"]},
                "03_talent_inflows": {"population_change": ["wuhanx.com (low confidence", "house.china.com.cn"]},
                "04_platforms_and_industry": {"hightech_series": ["shadafang.com", "www.chinafabu.com"]}}
    for name, charts in expected.items():
        sources = {c: s for c, _, s in report(name, "en").charts}
        for chart, hosts in charts.items():
            assert all(h in sources[chart] for h in hosts), (chart, sources[chart])
    assert "case study" not in {c: s for c, _, s in report("03_talent_inflows", "en").charts}["population_change"]


def test_a_changed_population_row_changes_the_talent_report(data_copy):
    edit_csv_cell(data_copy / "cases" / "chengdu" / "context.csv", "pop_chengdu_2023", "value", "2226.8")
    body = "\n".join(execute_in_process(NB["03_talent_inflows"], "en").shown)
    # 2226.8 - 2126.8 = 100万 = 1,000,000; 100 / 2126.8 = 4.702%
    assert "2022 to 2023: 1,000,000 (4.70%; medium confidence)" in body
    assert "135,000" not in body


def test_a_changed_peer_row_changes_the_fiscal_report(data_copy):
    edit_csv_cell(data_copy / "cases" / "chengdu" / "context.csv", "rd_intensity_china_2022", "value", "1.76")
    body = "\n".join(execute_in_process(NB["01_fiscal_investment"], "en").shown)
    assert "2× the national 1.76%" in body  # 3.52 / 1.76 = 2 exactly


# --- charts: low confidence is visibly different ---------------------------------------------

def test_low_confidence_bars_are_hatched_with_a_legend():
    theme.set_theme("en")
    fig = plots.compare_bars(["a", "b"], [1.0, 2.0], title="t", unit_label="u", source="s", lang="en",
                             hatched=[True, False], legend="hatched: low confidence")
    ax = fig.axes[0]
    assert [p.get_hatch() for p in ax.patches] == [plots.HATCH, None]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["hatched: low confidence"]


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
