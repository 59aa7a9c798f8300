"""R&D figures on the R&D report, true sentences where nothing is qualified, ranks worded as Chinese writes them.

A fresh user's report on three real cases (issue 23, section 2). Expected texts are written by
hand from each case's source text (data/cases/<case>/<case>.raw.txt as curated in figures.csv):
- jiaxing_2022: "R&D经费投入强度 3.31%" (2020), "高于全省平均水平0.43个百分点", "高于全国平均水平
  0.91个百分点", "全省第2位", and "预计...达到3.4%" (2021).
- wuxi_2022: "全社会研发投入超过450亿元" (2021), "是2012年的2.25倍"; "位居全国前十"; no R&D intensity.
- fuzhou_2025: 21 figures, none with a qualifier.
- chengdu: 105 figure rows; "均排名第一" states two ranks in one mention, so 104 mentions are
  claimed by figures and one row shares its mention.
"""

from __future__ import annotations

import pytest

from kczlib.analysis.formatting import format_quantity
from kczlib.report import others
from kczlib.report.sections import fiscal, overview

from support.report_setup import bare_report


def test_r_and_d_intensity_its_expectation_and_its_gaps_show_on_the_r_and_d_report():
    r = bare_report("01_fiscal_investment", "jiaxing_2022")
    fiscal.rd_section(r, r.maybe("fiscal_st_spending"), r.maybe("rd_intensity"))
    text = "\n".join(r.shown).replace("&amp;", "&")
    assert "原文给出的全社会研发投入强度为3.31%（2020年）。" in text
    for item in ("- R&D经费投入强度（预计）：3.4%（2021年）",
                 "- R&D经费投入强度高于全省平均水平：0.43个百分点（2020年）",
                 "- R&D经费投入强度高于全国平均水平：0.91个百分点（2020年）"):
        assert item in text, item
    assert "本节从略" not in text
    # derived from the gaps: 3.31 - 0.43 = 2.88; 3.31 - 0.91 = 2.40 (printed 2.4%)
    assert "2020年全省平均的研发投入强度为2.88%（3.31%减0.43个百分点）" in text
    assert "2020年全国平均的研发投入强度为2.4%（3.31%减0.91个百分点）" in text
    en = bare_report("01_fiscal_investment", "jiaxing_2022", "en")
    fiscal.rd_section(en, None, en.maybe("rd_intensity"))
    assert "0.91 percentage points (2020)" in "\n".join(en.shown)


def test_r_and_d_spending_shows_without_an_intensity():
    r = bare_report("01_fiscal_investment", "wuxi_2022")
    fiscal.rd_section(r, None, None)
    text = "\n".join(r.shown).replace("&amp;", "&")
    assert "本案例未报告研发投入强度" in text
    assert "- 全社会研发投入：超450亿元（2021年）" in text  # 超过450亿元: a lower bound, printed 超
    assert "- 全社会研发投入为2012年的倍数：2.25倍（2021年）" in text
    assert not r.omitted  # the section is shown, not left out
    assert r.shown[0] == "## 研发投入"  # nothing outside is set beside it: no "benchmarks" in its heading


def test_the_fiscal_report_is_home_to_r_and_d_figures_its_section_does_not_print():
    assert others.home_report("capital", "rd_spending") == "01_fiscal_investment"
    assert others.home_report("capital", "tech_loan_balance") == "02_tech_finance_leverage"
    finance = bare_report("02_tech_finance_leverage", "jiaxing_2022")
    assert not any(i.startswith("rd_") for ids in others.unprinted_figures(finance).values() for i in ids)
    home = bare_report("01_fiscal_investment", "jiaxing_2022")
    # nothing printed yet: every capital-chain R&D figure of the case waits in the fiscal report's table
    assert others.unprinted_figures(home) == {"capital": ["rd_intensity_2020", "rd_intensity_above_province_2020",
                                                           "rd_intensity_above_national_2020",
                                                           "rd_intensity_2021_expected"]}


@pytest.mark.parametrize(("value", "measure", "lang", "expected"), [
    (10, "", "zh", "前十名"),      # 位居全国前十
    (25, "位", "zh", "前二十五位"),  # 前25位
    (10, "", "en", "top 10"),
])
def test_a_rank_within_the_first_n_reads_as_the_top_n(value, measure, lang, expected):
    assert format_quantity(None, "rank", "内", None, value, lang, measure) == expected


def test_a_rank_after_a_metric_ending_in_its_ranking_takes_no_second_measure_word():
    r = bare_report("01_fiscal_investment", "jiaxing_2022")
    fid = "rd_intensity_rank_province_2020"
    text = r.text("shared.finding_item", name=r.label(fid), value=r.fig(fid), year=r.period(fid))
    assert text.replace("&amp;", "&") == "R&D经费投入强度全省排名第二（2020年）"


def _caveats_and_quality(case: str, lang: str) -> str:
    from kczlib.report import theme

    theme.set_theme(lang)  # the data-quality section draws its chart in the page language
    r = bare_report("00_overview", case, lang)
    overview.overview_caveats(r)
    overview.data_quality(r)
    return "\n".join(str(s) for s in r.shown)


def test_a_case_with_no_qualified_figure_says_so_plainly():
    zh, en = _caveats_and_quality("fuzhou_2025", "zh"), _caveats_and_quality("fuzhou_2025", "en")
    assert "21个数字均未带限定词" in zh and "（）" not in zh and "0个" not in zh
    assert "None of the 21 figures is qualified" in en and "()" not in en and "(0%)" not in en


def test_the_figure_that_shares_its_mention_is_accounted_for():
    zh, en = _caveats_and_quality("chengdu", "zh"), _caveats_and_quality("chengdu", "en")
    assert "其中104处对应数据集中的数字" in zh
    assert "与别的数字共用提及的数字（原文在同处给出几项数字）有1个。" in zh  # 105 - 104 = 1
    assert "share one mention with another figure (one phrase of the source states several): 1." in en
    assert "added by the analyst" not in en  # 105 = 104 claimed + 1 shared: none added


def test_the_introduction_has_its_own_heading():
    r = bare_report("00_overview", "wuxi_2022")
    overview.overview_intro(r, "pilot_cities_in_batch")
    overview.overview_caveats(r)
    joined = "\n".join(str(s) for s in r.shown)
    assert joined.index("案例简介") < joined.index("无锡为") < joined.index("注意事项")


def test_an_index_card_describes_what_its_page_shows():
    """wuxi_2022 reports no tech-loan figure and only R&D spending on the fiscal page's subjects."""
    empty = bare_report("02_tech_finance_leverage", "wuxi_2022")
    empty.heading("finance.title", level=1)
    empty.needs("fiscal_spending", "fiscal_st_spending")  # a section left out, nothing printed
    assert empty.reader_meta()["summary"] == "无锡案例未报告本主题各节所需的数字，各节从略（页内列明）。"
    partial = bare_report("01_fiscal_investment", "wuxi_2022", "en")
    partial.heading("fiscal.title", level=1)
    fiscal.rd_section(partial, None, None)  # prints R&D spending
    partial.needs("fiscal_spending", "fiscal_st_spending")
    assert partial.reader_meta()["summary"].startswith("This page shows only what the Wuxi case reports")
    full = bare_report("01_fiscal_investment", "chengdu", "en")
    full.heading("fiscal.title", level=1)  # nothing left out: the report's own summary
    assert "leverage" not in full.reader_meta()["summary"] and "only what" not in full.reader_meta()["summary"]


def test_a_reported_figure_whose_name_ends_in_a_number_is_kept_apart_from_its_value():
    # a fresh user on Wuxi's pages: "Gross R&D spending as a multiple of 2012 2.25×" (figures.csv
    # rd_spending_multiple_2012: 2.25倍, 2021 over 2012)
    from kczlib.report.sections.available import case_findings

    for lang, expected in (("en", "Gross R&D spending as a multiple of 2012: 2.25× (2021)"),
                           ("zh", "全社会研发投入为2012年的倍数：2.25倍（2021年）")):
        r = bare_report("01_fiscal_investment", "wuxi_2022", lang)
        found = " ".join(str(s) for s in case_findings(r, [], ("rd_spending_multiple",)))
        assert expected in found.replace("&amp;", "&"), found
