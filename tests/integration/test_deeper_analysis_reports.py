"""The deeper analyses: inflows, peers, loan dynamics, series and key findings.

Every expected number below is worked out by hand from the rows of data/cases/chengdu/
context.csv and figures.csv (the arithmetic is in the comments and in the asserts), not
copied from the reports.
"""

from __future__ import annotations

import csv
import re
from functools import cache

import pytest

from conftest import CASE_REPORT_NOTEBOOKS as NOTEBOOKS
from conftest import DATA, edit_csv_cell
from support.notebooks import execute_in_process, executed_report

NB = {p.stem: p for p in NOTEBOOKS}


def report(name, lang):
    return executed_report(name, lang)  # once per session, for every module


def text(name, lang):
    return "\n".join(report(name, lang).shown)


@cache
def rows():
    with open(DATA / "cases" / "chengdu" / "context.csv", encoding="utf-8") as f:
        return {row["id"]: row for row in csv.DictReader(f)}


def value(row_id):
    return float(rows()[row_id]["value"])


# --- the new metrics, by hand from the rows ---------------------------------------------------


# --- the reports: each new finding in both languages ----------------------------------------

PHRASES = {
    "03_talent_inflows": {
        "en": [
            "What this page measures: the net change each year in residents",  # first lines: what it measures
            "Over 2023: 135,000 (0.635% of the count at the start of the year; medium confidence)",  # 13.5 / 2126.8
            "Over 2022: 76,000 (0.359% of the count",                  # stated 7.6万; 7.6 / (2126.8 - 7.6) = 0.3586%
            "Over 2021: 245,000 (1.17% of the count",                  # stated 24.5万; 24.5 / (2119.2 - 24.5) = 1.1697%
            "2019, old year-end series: 251,000 (1.54% of the count at the start of the year",  # 25.1 / (1658.1 - 25.1)
            "Nov 2020: 20,937,757 (census count; medium confidence)",
            "2019: up 240,200†",                        # registered residents: 24.02万
            "2023: up 267,000 (medium confidence)",                    # registered residents: 26.7万
            "is a break in the series, not an inflow",
            "0.603% to 0.663% of the 16,581,000 residents",            # 10万 / 1658.1万 .. 11万 / 1658.1万 (10万余)
            "at 4.7%, 2nd nationally†",                                # † low confidence: a footnote
            "are cumulative counts since an undated start: neither residents nor migrants",
            "so no ratio per ten thousand residents is computed",
            "no rate per year of the programme can be given",
            "3.58 academicians and experts per station",              # (75 + 781) / 239 = 3.5816
        ],
        "zh": ["2023年全年：13.5万人（占年初人口的0.635%；中等可信度）", "不是人口流入", "4.7%，居全国第二名†",
               "2093.8万人（普查20,937,757人；中等可信度）",             # 20,937,757 to the thousand
               "累计数（起点未注明），既不是常住人员，也不是迁入", "平均每站3.58位院士和专家",
               "原文这样描述成都人才政策的演进："],
    },
    "01_fiscal_investment": {
        "en": [
            "1.39× the national 2.54%†",                 # 3.52 / 2.54 = 1.3858
            "Guangzhou 3.43% (high confidence)",
            "Chengdu's municipal spending was 36.4% of that amount",   # 99.4 / 273.3 = 0.36370
            "is CNY 259 bn, for 2023",                              # 2586.8亿 = 258.68 bn, 3 digits
            "no target can be computed",
            "if it was no lower than the CNY 9.94 bn of 2021 (an assumption), "
            "the end-point target by 2025 is at least CNY 19.9 bn",
        ],
        "zh": ["是全国水平2.54%†的1.39倍", "成都市级支出相当于该数额的36.4%",
               "无法计算目标"],
    },
    "02_tech_finance_leverage": {
        "en": [
            "lending of CNY 92 m to CNY 10.1 bn and 447 to 547 more firms are implied",  # 3247 - 2800 .. 3247 - 2700
            "lending of at least CNY 9.91 bn is implied",              # 超400亿 - 300.92亿 = 99.08亿
            "(about 11 months between the two data dates)",             # Sep 2023 -> Aug 2024
            "the firms added were at most 753",                         # 近4000 - 3247 = 753
            "cumulative to Aug 2024: at least CNY 10 m",               # 400亿 / 近4000 firms = 1000万
            "By Sep 2023 (printed Nov 2023)",                           # the stock is on a page of 2023-09-12
            "H1 2019 (half-year flow): CNY 1.99 m",                    # 7.93亿 / 399 = 198.7万
        ],
        "zh": ["隐含放款9200万元至101亿元，企业增加447家至547家", "隐含放款至少99.1亿元", "按前后数据日期计约11个月",
               "新增企业至多753家", "截至2023年9月（2023年11月见报）",
               "获得过“科创贷”支持的比例超80%"],                         # not 比例为超80%
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
    # right after the title; the talent report first says in one paragraph what it measures (issue 22, M4)
    assert i <= (2 if name == "03_talent_inflows" else 1)
    bullets = shown[i + 1].split("\n")
    assert 3 <= len(bullets) <= 5 and all(b.startswith("- ") and re.search(r"\d", b) for b in bullets)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_finance_analyses_are_sections_not_subsections_of_the_findings(lang):
    # review M13: the scenario and loan-dynamics analyses are h2 sections after the key findings
    shown = report("02_tech_finance_leverage", lang).shown
    headings = [s for s in shown if s.startswith("#")]
    h2 = ["Key findings", "Scenario:", "Loan dynamics"] if lang == "en" else ["主要发现", "情景分析", "贷款动态"]
    for start in h2:
        assert any(h.startswith("## " + start) for h in headings), headings
    # nothing is nested under the key findings (a later section may have its own h3s: the
    # other reported figures are one table per chain)
    after_findings = headings[headings.index(next(h for h in headings if h.startswith("## " + h2[0]))) + 1:]
    assert not after_findings[0].startswith("### "), headings


def test_new_charts_of_external_data_cite_their_sources():
    # each external source by its publisher, with the page read as the access route (review M18)
    expected = {"01_fiscal_investment": {"rd_intensity_series": [
                    "Guangzhou Bureau of Statistics, Guangzhou Statistical Yearbook 2023 "
                    "(via tjj.gz.gov.cn, high confidence)",
                    "Chongqing Municipal Bureau of Science and Technology (via yongxinshebei.com"],
                    "pledge_scenarios": ["assumption: scenario windows of the pledge"]},
                "02_tech_finance_leverage": {"loan_dynamics": [
                    "(via freewechat.com",
                    "Science and Technology Daily (via digitalpaper.stdaily.com, medium confidence)", "case study"]},
                "03_talent_inflows": {"population_change": ["(via wuhanx.com, low confidence", "(via m.yybnet.net",
                                                            "(via zw.china.com.cn", "(via dzb.51grb.com"]},
                "04_platforms_and_industry": {"hightech_series": ["(via shadafang.com", "(via www.chinafabu.com"]}}
    for name, charts in expected.items():
        sources = {c: s for c, _, s in report(name, "en").charts}
        for chart, hosts in charts.items():
            assert all(h in sources[chart] for h in hosts), (chart, sources[chart])
    assert "case study" not in {c: s for c, _, s in report("03_talent_inflows", "en").charts}["population_change"]


def test_a_changed_population_row_changes_the_talent_report(data_copy):
    edit_csv_cell(data_copy / "cases" / "chengdu" / "context.csv", "pop_change_chengdu_2023", "value", "100")
    edit_csv_cell(data_copy / "cases" / "chengdu" / "context.csv", "pop_change_chengdu_2023", "excerpt",
                  "比上年末增加100万人")  # a row's excerpt states its value (kcz validate)
    body = "\n".join(execute_in_process(NB["03_talent_inflows"], "en").shown)
    # 100万 = 1,000,000 over 2023; 100 / (2140.3 - 100) = 4.901%
    assert "Over 2023: 1,000,000 (4.90% of the count at the start of the year; medium confidence)" in body
    assert "135,000" not in body


def test_a_changed_peer_row_changes_the_fiscal_report(data_copy):
    edit_csv_cell(data_copy / "cases" / "chengdu" / "context.csv", "rd_intensity_china_2022", "value", "1.76")
    edit_csv_cell(data_copy / "cases" / "chengdu" / "context.csv", "rd_intensity_china_2022", "excerpt",
                  "R&D经费投入强度(与GDP之比)为1.76%")  # a row's excerpt states its value (kcz validate)
    body = "\n".join(execute_in_process(NB["01_fiscal_investment"], "en").shown)
    assert "2× the national 1.76%" in body  # 3.52 / 1.76 = 2 exactly


# --- charts: low confidence is visibly different ---------------------------------------------


