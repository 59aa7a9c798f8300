"""Every report builds for a second case that reports few of the shared indicators.

`tests/fixtures/cases/jiangcheng` is a synthetic city: six shared indicators (fiscal S&T
spending 12.5亿元 in 2023, tech-loan firms 80余家 and lending 3亿元, 15 expert workstations,
8 academicians, high-tech enterprises 达到420 in 2023 and 380 in 2022: two years of one
indicator), one figure of its own (science parks) and no context.csv. The five notebooks are built through `kcz build`
with real kernels in both languages; each reader page must name, once and in one sentence,
the sections it leaves out. Which sections those are is worked out by hand below from the
fixture's mapping and the figures each section needs.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from conftest import REPORT_NAMES
from support.builds import real_notebooks_exist, statuses

pytestmark = [pytest.mark.notebook,
              pytest.mark.skipif(not real_notebooks_exist(), reason="notebooks/*.ipynb not written yet")]

# Sections left out for want of figures: (zh topic, en topic) per notebook, from the mapping.
# A section the case reports part of lists that part (PARTIAL); a section about one case's own
# programme (a growth pledge, a grant band, 揭榜挂帅, combination loans, the STAR share of a loan
# product, expert service staff, labs, a base along the Silk Road, the talent-policy passage) says
# nothing at all for a case without its figures (issue 23, section 2).
# 00 - innovation chain (no platforms, top teams, incubated teams); industry chain (no concept
#      verification, Belt and Road, Kejinghui). The leading group and the evaluation, which one
#      text's figures carry, are not shown at all: no sentence, no heading.
# 01 - no R&D intensity (and no context GDP to set spending against); pledge and grant: silent.
# 02 - no angel funds; lending banks and risk-pool districts missing from the loans section (partial).
# 03 - no workstation output; no overseas talent; no project funnels; workstations: partial (no
#      experts figure).
# 04 - no platforms or carriers; no STAR listings; no concept verification; no landings; no
#      conferences; high-tech enterprises: partial (no net-new figure).
NOT_REPORTED = {
    "00_overview": [("创新链", "Innovation chain"), ("产业链", "Industry chain")],
    "01_fiscal_investment": [("R&D投入强度", "R&D intensity")],
    "02_tech_finance_leverage": [("天使投资基金", "angel funds")],
    "03_talent_inflows": [("专家工作站的产出", "the output of expert workstations"),
                          ("海外人才", "overseas talent"), ("项目征集与落地", "projects collected and landed")],
    "04_platforms_and_industry": [("创新平台与载体", "innovation platforms and carriers"),
                                  ("科创板上市企业", "STAR Market listings"),
                                  ("概念验证", "concept verification"),
                                  ("项目落地", "projects landed"),
                                  ("学术交流活动", "academic exchanges")],
}
# Sections shown in part: one sentence naming what is missing, then the figures the case has.
PARTIAL = {
    "02_tech_finance_leverage": [("科技贷款的合作银行、风险资金池和放款", "tech-loan banks, risk pools and lending")],
    "03_talent_inflows": [("专家工作站及其专家", "expert workstations and their experts")],
    "04_platforms_and_industry": [("高新技术企业", "high-tech enterprises")],
}
# Words of one case's programme that no page of this case may carry (it has no figure of them).
FRAMING = {"zh": ["倍增承诺", "揭榜挂帅", "科协保姆", "丝路", "科创贷", "人才政策的版本演进", "应用场景"],
           "en": ["doubling pledge", "jiebang", "Silk Road", "Belt and Road base", "Kechuangdai",
                  "Talent policy versions", "application scenarios"]}
# Sections that compare with external data: the case has no context.csv.
NO_CONTEXT = {
    "00_overview": [("与外部统计数据的交叉核对", "the cross-checks against external statistics"),
                    ("外部数据可信度的说明", "the note on the confidence of external data")],
    "01_fiscal_investment": [("财政科技支出与预算的对比", "fiscal S&T spending against the budget")],
    "02_tech_finance_leverage": [("科技贷款此后的增长", "the growth of tech loans since the case"),
                                 ("科技贷款随时间的变化", "tech lending over time")],
    "03_talent_inflows": [("人口与人才流入", "population and talent inflows")],
    "04_platforms_and_industry": [],
}
# What the case does report, as a reader must see it (formatted by hand from figures.csv):
# 3亿元 / 90 firms = 333万元 and 3亿元 / 80 firms = 375万元 of borrowing per firm; no risk pool is
# reported, so no pool scenario is built on assumptions alone. High-tech enterprises: 达到420家
# (420 reached: exact) in 2023 less 380 in 2022 is a net increase of 40, a growth of
# 40 / 380 = 10.5% (one year: no compound rate).
SHOWN = {
    ("00_overview", "zh"): ["12.5亿元", "15家", "8位"],
    ("00_overview", "en"): ["CNY 1.25 bn", "CNY 300 m"],
    ("01_fiscal_investment", "zh"): ["2023年市级财政科技支出为12.5亿元"],
    ("01_fiscal_investment", "en"): ["CNY 1.25 bn"],
    ("02_tech_finance_leverage", "zh"): ["333万元至375万元", "本案例没有报告风险补偿资金池",
                                         "科技贷款、天使投资与科创板"],
    ("02_tech_finance_leverage", "en"): ["CNY 3.33 m to CNY 3.75 m", "This case reports no risk-compensation pool"],
    ("03_talent_inflows", "zh"): ["专家工作站数：15家", "引进院士数：8位"],
    ("03_talent_inflows", "en"): ["Expert workstations: 15", "Academicians attracted: 8"],
    ("04_platforms_and_industry", "zh"): ["高新技术企业数：420家（2023年）", "净增40家", "增长10.5%"],
    ("04_platforms_and_industry", "en"): ["a net increase of 40", "a growth of 10.5%"],
}


def page_text(run, name: str) -> str:
    page = BeautifulSoup((run / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
    return re.sub(r"\s+", " ", page.get_text(" "))


def test_every_report_builds_for_the_second_case(second_case_run):
    run, result = second_case_run
    assert result.returncode == 0, result.stdout + result.stderr
    assert statuses(run) == {f"{n}-{lang}": "ok" for n in REPORT_NAMES for lang in ("zh", "en")}


def left_out(name: str, lang: str) -> str:
    """The one sentence naming the sections a page leaves out, written out by hand (words/common.toml)."""
    figures = [t[0] if lang == "zh" else t[1] for t in NOT_REPORTED[name]]
    context = [t[0] if lang == "zh" else t[1] for t in NO_CONTEXT[name] if t[0] != "外部数据可信度的说明"]
    clauses = []
    if lang == "zh":
        quoted = ["“" + t + "”" for t in figures]
        if len(figures) == 1:
            clauses.append(f"本案例未报告{quoted[0]}所需的数据，该节从略")
        elif figures:
            clauses.append("本案例未报告以下各节所需的数据，这些节从略：" + "、".join(quoted))
        quoted = ["“" + t + "”" for t in context]
        if len(context) == 1:
            clauses.append(f"本案例没有外部对照数据，{quoted[0]}从略")
        elif context:
            clauses.append("本案例没有外部对照数据，以下各节从略：" + "、".join(quoted))
        return "；".join(clauses) + "。"
    quoted = ["“" + t + "”" for t in figures]
    if len(figures) == 1:
        clauses.append(f"This case does not report the figures the section on {quoted[0]} needs, so it is left out")
    elif figures:
        clauses.append("This case does not report the figures these sections need, so they are left out: "
                       + "; ".join(quoted))
    quoted = ["“" + t + "”" for t in context]
    if len(context) == 1:
        clauses.append(f"this case has no external context data, so the section on {quoted[0]} is left out")
    elif context:
        clauses.append("this case has no external context data, so these sections are left out: " + "; ".join(quoted))
    text = "; ".join(clauses) + "."
    return text[0].upper() + text[1:]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(NOT_REPORTED))  # worked by hand per notebook
def test_each_report_names_once_the_sections_it_leaves_out(second_case_run, name, lang):
    run, _ = second_case_run
    text = page_text(run, f"{name}-{lang}").replace("&amp;", "&")
    zh = lang == "zh"
    said = left_out(name, lang)
    assert text.count(said) == 1, said  # one sentence for all, once
    # no section says on its own that it is left out (the words each section used to repeat)
    assert ("本节从略" if zh else "so this section is left out") not in text
    for topic_zh, topic_en in PARTIAL.get(name, []):
        expected = f"本案例报告了{topic_zh}的部分数据" if zh else f"This case reports part of the figures on {topic_en}"
        assert expected in text, expected
    no_findings = ("本案例报告的数字不足以给出主要发现" if zh
                   else "This case does not report enough figures for key findings")
    # every report, the overview too (its takeaways need context), completes its findings from
    # the case's own figures
    assert no_findings not in text
    if name != "00_overview":
        for word in FRAMING[lang]:
            assert word not in text, word


@pytest.mark.parametrize("key", sorted(SHOWN))
def test_sections_the_case_does_report_show_its_numbers(second_case_run, key):
    run, _ = second_case_run
    text = page_text(run, f"{key[0]}-{key[1]}")
    for printed in SHOWN[key]:
        assert printed in text


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", REPORT_NAMES)
def test_no_report_of_the_second_case_speaks_of_chengdu(second_case_run, name, lang):
    run, _ = second_case_run
    text = page_text(run, f"{name}-{lang}")
    assert ("成都" if lang == "zh" else "Chengdu") not in text


@pytest.mark.parametrize("lang, index", [("zh", "index.html"), ("en", "index.en.html")])
def test_the_second_case_index_speaks_of_its_own_city(second_case_run, lang, index):
    run, _ = second_case_run
    page = BeautifulSoup((run / index).read_text(encoding="utf-8"), "html.parser")
    text = page.get_text(" ")
    assert ("成都" if lang == "zh" else "Chengdu") not in text
    assert ("科创贷" if lang == "zh" else "Kechuangdai") not in text  # Chengdu's loan product, by name
    assert ("江城市" if lang == "zh" else "Jiangcheng") in text
