"""A section shows whatever of its inputs a case has, derives what two dated figures give (issue 23, section 2).

Cases: the fixture jiangcheng (tests/fixtures/cases/jiangcheng: 12.5亿元 fiscal S&T spending in 2023,
80余家 firms and 3亿元 of tech lending, 15 workstations, 8 academicians, high-tech enterprises
380 in 2022 and 达到420 (420 reached: exact, docs/data.md) in 2023, no context) and the fixture hexi
(tests/fixtures/cases/hexi: R&D intensity 2.73% in 2020 and 3.35% in 2023, high-tech enterprises
1200 in 2021 and 1500 in 2023, 6 angel funds; no fiscal spending). Expected text is worked
out by hand from those source texts.
"""

from __future__ import annotations

import shutil

import pytest

from kczlib.report import sections
from kczlib.report.sections import available, finance, fiscal

from support.paths import FIXTURES
from support.report_setup import bare_report, copy_second_case


@pytest.fixture
def cases(data_copy):
    copy_second_case(data_copy)
    shutil.copytree(FIXTURES / "cases" / "hexi", data_copy / "cases" / "hexi")
    return data_copy


def test_a_section_lists_the_figures_it_has_after_one_sentence_of_what_is_missing(cases):
    r = bare_report("04_platforms_and_industry", "jiangcheng")
    assert not available.complete(r, "hightech", "hightech_enterprises", "hightech_enterprises_net_new")
    # the indicator's Chinese name in data/indicators.csv: hightech_enterprises_net_new
    assert r.shown[0].startswith("本案例报告了高新技术企业的部分数据，缺少国家高新技术企业净增数")
    assert r.shown[1] == "- 高新技术企业数：420家（2023年）"
    # 420 - 380 = 40; 40 / 380 = 10.526...% -> 10.5%
    assert "由2022年的380家增至2023年的420家" in r.shown[2]
    assert "净增40家" in r.shown[2] and "增长10.5%" in r.shown[2]
    assert "年均复合" not in r.shown[2]  # one year apart: no compound average


def test_the_derived_change_reads_the_same_in_english(cases):
    r = bare_report("04_platforms_and_industry", "jiangcheng", "en")
    available.complete(r, "hightech", "hightech_enterprises", "hightech_enterprises_net_new")
    assert "it does not report: Net new national high-tech enterprises" in r.shown[0]
    assert r.shown[1] == "- High-tech enterprises: 420 (2023)"
    assert "from 380 in 2022 to 420 in 2023" in r.shown[2]
    assert "a net increase of 40, a growth of 10.5%" in r.shown[2]


def test_two_stocks_years_apart_give_a_compound_average_said_to_be_one(cases):
    for lang, parts in (("zh", ["净增300家", "2年间年均复合增长11.8%", "按首末年份推算的复合平均值"]),
                        ("en", ["a net increase of 300", "over 2 years that is a compound average growth of 11.8%"])):
        r = bare_report("04_platforms_and_industry", "hexi", lang)
        assert available.series_change(r, "hightech_enterprises")
        # 1500 - 1200 = 300; (1500 / 1200) ** (1 / 2) - 1 = 1.25 ** 0.5 - 1 = 0.1180...
        for part in parts:
            assert part in r.shown[0], part


def test_r_and_d_intensity_is_shown_without_fiscal_spending(cases):
    """The issue's example: intensity 2.73% -> 3.35% was hidden because spending was missing."""
    r = bare_report("01_fiscal_investment", "hexi")
    fiscal.rd_section(r, r.maybe("fiscal_st_spending"), r.maybe("rd_intensity"))
    assert r.shown[1] == "研发投入强度：2020年为2.73%，2023年为3.35%（均为原文所给）。"
    assert r.shown[2] == "本案例未报告财政科技支出，财政支出与研发投入、GDP的对比从略。"
    assert not any("本节从略" in s for s in r.shown)
    en = bare_report("01_fiscal_investment", "hexi", "en")
    fiscal.rd_section(en, None, en.maybe("rd_intensity"))
    assert "2.73% in 2020 and 3.35% in 2023" in en.shown[1]


def test_spending_without_intensity_is_set_against_gdp_from_context(data_copy):
    """Chengdu without its R&D intensity row: 99.4亿元 / 19916.98亿元 (context GDP 2021) = 0.499%."""
    path = data_copy / "cases" / "chengdu" / "figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(x for x in lines if not x.startswith("rd_intensity_2021,")), encoding="utf-8")
    r = bare_report("01_fiscal_investment", "chengdu")
    assert r.maybe("rd_intensity") is None
    fiscal.rd_section(r, r.maybe("fiscal_st_spending"), None)
    assert "2021年成都GDP为19916.98亿元（中等可信度）" in r.shown[1]
    assert "2021年市级财政科技支出99.4亿元与之相除，推算财政科技支出相当于GDP的0.499%" in r.shown[1]


def test_a_section_of_one_case_s_programme_says_nothing_without_its_figures(cases):
    r = bare_report("03_talent_inflows", "jiangcheng")
    assert not available.complete(r, "jiebang", "open_competition_batches", "open_competition_talent",
                                  framing=True)
    assert not available.complete(r, "fiscal_pledge", "fiscal_st_spending", "fiscal_st_growth_target",
                                  framing=True, about=("fiscal_st_growth_target",))
    assert r.shown == []


def test_a_heading_names_a_loan_product_only_where_a_figure_does():
    assert available.framed(bare_report("02_tech_finance_leverage", "chengdu"), "finance.programme_heading",
                            "finance.programme_heading_generic",
                            "appendix.glossary.term.kechuangdai") == "finance.programme_heading"


def test_the_heading_of_another_case_is_neutral(cases):
    r = bare_report("02_tech_finance_leverage", "jiangcheng")
    assert available.framed(r, "finance.programme_heading", "finance.programme_heading_generic",
                            "appendix.glossary.term.kechuangdai") == "finance.programme_heading_generic"


def test_pool_scenarios_need_a_pool_of_the_case(cases):
    r = bare_report("02_tech_finance_leverage", "jiangcheng")
    assert not finance.pool_reported(r)
    assert r.shown == ["本案例没有报告风险补偿资金池，资金池杠杆情景将完全建立在假设之上，因此从略。"]
    assert finance.pool_reported(bare_report("02_tech_finance_leverage", "chengdu"))  # 9 districts with pools


def test_a_case_with_few_figures_gets_key_findings_from_them(cases):
    """jiangcheng: each report's findings, checked by hand against the fixture's figures."""
    r1 = bare_report("01_fiscal_investment", "jiangcheng")
    assert sections.fiscal_findings(r1, r1.maybe("fiscal_st_spending"), None, None, 2021) == [
        "本案例在本报告涉及的方面报告了：市级财政科技支出12.5亿元（2023年）。"]
    r2 = bare_report("02_tech_finance_leverage", "jiangcheng")
    found = sections.finance_findings(r2, r2.maybe("tech_loan_firms"), r2.maybe("tech_loan_volume"), [0.5])
    # 3亿元 / 90 = 333万元 (3.33e6) to 3亿元 / 80 = 375万元
    assert found[0].startswith("累计放款3亿元、获贷企业80余家，相除得每家企业累计获贷333万元至375万元")
    assert found[1] == "本案例在本报告涉及的方面报告了：科技贷款累计放款3亿元；科技贷款服务企业数80余家。"
    r3 = bare_report("03_talent_inflows", "jiangcheng")
    assert sections.talent_findings(r3) == ["本案例在本报告涉及的方面报告了：专家工作站数15家；引进院士数8位。"]
    r4 = bare_report("04_platforms_and_industry", "jiangcheng")
    (only,) = sections.platforms_findings(r4, r4.maybe("hightech_enterprises"))
    assert "净增40家，增长10.5%" in only


def test_findings_in_english_too(cases):
    r = bare_report("02_tech_finance_leverage", "jiangcheng", "en")
    found = sections.finance_findings(r, r.maybe("tech_loan_firms"), r.maybe("tech_loan_volume"), [0.5])
    assert "cumulative borrowing per firm of CNY 3.33 m to CNY 3.75 m" in found[0]


def test_the_national_r_and_d_figure_is_shown_when_no_peer_city_has_that_year(data_copy):
    """Chengdu's context without the three peer rows of 2022: 3.52% / 2.54% (China 2022) = 1.386, 1.39x."""
    path = data_copy / "cases" / "chengdu" / "context.csv"
    peers = ("rd_intensity_xian_2022,", "rd_intensity_chongqing_2022,", "rd_intensity_guangzhou_2022,")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(x for x in lines if not x.startswith(peers)), encoding="utf-8")
    r = bare_report("01_fiscal_investment", "chengdu")
    fiscal.rd_peer_comparison(r)
    assert r.shown[0].startswith("2022年成都R&D投入强度为3.52%（中等可信度），是全国水平（2.54%")
    assert r.shown[0].endswith("的1.39倍。")
    found = sections.fiscal_findings(r, None, None, None, 2021)  # no spending: the R&D finding stays first
    assert found[0] == r.shown[0]


def test_a_derived_change_names_its_two_inputs_by_year_in_the_ledger(cases):
    from kczlib.report.appendix import ledger_rows

    for lang, derivation in (("zh", "2023年高新技术企业数减2022年高新技术企业数"),
                             ("en", "High-tech enterprises (2023) minus High-tech enterprises (2022)")):
        r = bare_report("04_platforms_and_industry", "jiangcheng", lang)
        available.series_change(r, "hightech_enterprises")
        rows = {row["printed"]: row for row in ledger_rows(r)}
        net = rows["40家" if lang == "zh" else "40"]
        assert net["derivation"] == derivation
        assert "1年" not in rows and "1 year" not in rows  # a one-year span is not printed, nor ledgered


def test_a_partial_loans_section_shows_the_change_of_its_two_years(cases):
    """hexi: cumulative lending 8亿元 at the end of 2022 and 10亿元 at the end of 2023: 2亿元 more, 25%."""
    r = bare_report("02_tech_finance_leverage", "hexi")
    assert not available.complete(r, "loans", "tech_loan_banks", "tech_loan_risk_pool_districts", "tech_loan_firms",
                                  "tech_loan_volume")
    assert r.shown[1] == "- 科技信贷累计放款：10亿元（2023年）"
    assert r.shown[2].startswith("科技信贷放款额由2022年的8亿元增至2023年的10亿元")
    assert "净增2亿元，增长25%" in r.shown[2]  # exact inputs: an exact 25%
    en = bare_report("02_tech_finance_leverage", "hexi", "en")
    assert available.series_change(en, "tech_loan_volume")
    assert "from CNY 800 m in 2022 to CNY 1 bn in 2023" in en.shown[0]
    assert "a net increase of CNY 200 m, a growth of 25%" in en.shown[0]


def test_a_fall_is_shown_as_the_two_levels_not_as_growth(cases):
    # jiangcheng's 2022 row set to 450 (its text says 380): 450 in 2022, 420 in 2023 is a fall,
    # 420 / 450 - 1 = -6.7%; the stock sentence would say 增至 ... 净增-30家 ... 增长-6.7%
    path = cases / "cases" / "jiangcheng" / "figures.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    rows = [r.replace(",380,家,380,count,exact,380,380,2022,", ",450,家,450,count,exact,450,450,2022,") for r in rows]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = bare_report("04_platforms_and_industry", "jiangcheng")
    available.complete(r, "hightech", "hightech_enterprises", "hightech_enterprises_net_new")
    assert r.shown[2] == "国家高新技术企业数：2022年为450家，2023年为420家（均为原文所给）。"
    assert "增至" not in "".join(r.shown) and "增长" not in "".join(r.shown)
