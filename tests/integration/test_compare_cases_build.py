"""The comparison report, built by `kcz build` for the first case and the fixture case (issue 23, section 4).

Expected values worked by hand from the figures.csv rows:
- chengdu fiscal_st_spending_2021: 市级财政科技支出99.4亿元, period 2021;
  jiangcheng fiscal_st_spending_2023: 12.5亿元, period 2023 (different years: a caveat);
- chengdu kechuangdai_firms: 累计帮助2700余家 (cumulative); jiangcheng tech_loan_firms: 80余家 (cumulative);
- chengdu hightech_total_2021: 总量达7821家 (2021); jiangcheng hightech_2022: 380家 (2022);
- the table is long: one row per indicator, city and period (indicator, city, period, value);
- per resident: 99.4亿元 / 2119.2万人 (chengdu context pop_chengdu_2021) = 469.04 -> 469元;
  share of GDP: 99.4亿元 / 19916.98亿元 (gdp_chengdu_2021) = 0.4991% -> 0.499%.
"""

from __future__ import annotations

import re
import shutil

import pytest
from bs4 import BeautifulSoup

from conftest import DATA, REAL_NOTEBOOKS, SECOND_CASE
from support.builds import kcz_env, run_folders, run_kcz, statuses, write_config
from support.report_setup import keep_only_cases

pytestmark = pytest.mark.notebook
NAME = "05_compare_cases"


@pytest.fixture(scope="module")
def compare_build(tmp_path_factory):
    """(the run folder, the finished `kcz` process, the config, the env) of one build of 05 for two cases."""
    root = tmp_path_factory.mktemp("compare")
    data = root / "data"
    shutil.copytree(DATA, data)
    keep_only_cases(data, "chengdu")  # the first case and the fixture: values worked by hand above
    shutil.copytree(SECOND_CASE, data / "cases" / SECOND_CASE.name)
    config = write_config(root, [{"notebook": NAME}], notebooks=REAL_NOTEBOOKS,
                          warm_imports=["pandas", "matplotlib.pyplot", "kczlib", "kczlib.report.theme"])
    env = kcz_env(KCZ_DATA=str(data))
    result = run_kcz("--config", config, "build", "-q", env=env, timeout=1200)
    return root / "out" / "latest", result, config, env


def page_text(run, name: str) -> str:
    page = BeautifulSoup((run / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
    return re.sub(r"\s+", " ", page.get_text(" "))


def test_it_builds_in_both_languages_without_a_case_parameter(compare_build):
    run, result, _, _ = compare_build
    assert result.returncode == 0, result.stdout + result.stderr
    assert statuses(run) == {f"{NAME}-zh": "ok", f"{NAME}-en": "ok"}


@pytest.mark.parametrize(("lang", "phrases"), [
    ("zh", ["本报告对照的城市：成都、江城市。", "成都 2021年 99.4亿元", "江城市 2023年 12.5亿元",
            "成都 累计，起点未说明 2700余家", "江城市 累计，起点未说明 80余家",
            "成都 2021年 7821家", "江城市 2022年 380家",
            "469元", "0.499%",
            "时期不同的指标：财政科技支出（成都2021年；江城市2023年）",
            "获科技信贷企业数：成都2700余家（累计，起点未说明）；江城市80余家（累计，起点未说明）。",
            "只有同一时期、同一口径的数值才相互比较"]),
    ("en", ["Cities compared: Chengdu; Jiangcheng.", "Chengdu 2021 CNY 9.94 bn", "Jiangcheng 2023 CNY 1.25 bn",
            "Chengdu cumulative, start not stated 2,700-plus", "Jiangcheng cumulative, start not stated 80-plus",
            "Chengdu 2021 7,821", "Jiangcheng 2022 380", "CNY 469", "0.499%",
            "Indicators the cities report for different periods: Fiscal S&T spending (Chengdu 2021; Jiangcheng 2023)",
            "Only values of one period and one kind of number are compared with each other"]),
])
def test_the_table_shows_each_citys_figures_as_ranges_with_periods(compare_build, lang, phrases):
    run, _, _, _ = compare_build
    text = page_text(run, f"{NAME}-{lang}")
    for phrase in phrases:
        assert phrase in text, phrase


def test_the_page_data_name_each_number_s_case_and_evidence(compare_build):
    run, _, _, _ = compare_build
    lines = (run / f"{NAME}-en.csv").read_text(encoding="utf-8-sig").splitlines()
    spending = [line for line in lines if '"chengdu/fiscal_st_spending_2021"' in line]
    assert spending and all("市级财政科技支出99.4亿元" in line for line in spending)
    assert any(",9940000000,9940000000,9940000000," in line for line in spending)  # value, lower, upper
    assert any(line.startswith('"year of Chengdu') and ',"2021",' in line for line in spending)  # its period
    assert any('"jiangcheng/fiscal_st_spending_2023"' in line and "1250000000" in line for line in lines)
    # the ratio rests on the figure and the population row of the same year
    assert any("chengdu/fiscal_st_spending_2021; chengdu/pop_chengdu_2021" in line for line in lines)


def test_the_index_lists_the_comparison_first(compare_build):
    run, _, _, _ = compare_build
    for index in ("index.html", "index.en.html"):
        page = BeautifulSoup((run / index).read_text(encoding="utf-8"), "html.parser")
        sections = page.select("section.kcz-case")
        assert sections and sections[0].get("id") == "across-cases"
        assert sections[0].select_one(f'a[href="{NAME}-{"zh" if index == "index.html" else "en"}.html"]')


def test_an_unknown_case_is_exit_2_with_one_line(compare_build):
    _, _, config, env = compare_build
    result = run_kcz("--config", config, "build", "-q", "-p", "cases=['chengdu', 'atlantis']", env=env)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert "'cases'" in lines[0] and "unknown case 'atlantis'" in lines[0]


def test_a_case_parameter_is_refused_when_no_selected_report_declares_it(compare_build):
    _, _, config, env = compare_build
    result = run_kcz("--config", config, "build", "-q", "-p", "case=chengdu", env=env)
    assert result.returncode == 2 and "not a parameter of 05_compare_cases.ipynb" in result.stderr


def test_with_one_case_the_page_says_a_comparison_needs_two(compare_build):
    _, _, config, env = compare_build
    out = config.parent / "out"
    before = set(run_folders(out))
    result = run_kcz("--config", config, "build", "-q", "-p", "cases=['chengdu']", env=env, timeout=1200)
    assert result.returncode == 0, result.stderr
    (run,) = set(run_folders(out)) - before
    names = sorted(statuses(run))  # 05_compare_cases-<lang>-custom-<hash>
    zh, en = (page_text(run, n) for n in sorted(names, key=lambda n: "-zh-" not in n))
    assert "对照需要多个城市的案例，而本次只有成都的案例" in zh
    assert "A comparison needs cases of at least two cities; this build has only the case of Chengdu" in en
    # its one finding counts the indicators the case maps (the number of the index card)
    assert re.search(r"成都的案例报告了共享指标词表中的\d+项指标", zh)
    assert re.search(r"Chengdu's case reports \d+ indicators of the shared vocabulary", en)
    page = BeautifulSoup((run / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.select("section.kcz-case")[-1].get("id") == "across-cases"  # after the cases: one case only


def test_cities_that_share_no_indicator_get_no_false_no_figures_sentence(tmp_path):
    # a fresh user: Foshan's two cases (8 and 15 figure rows in data/cases/foshan_2020 and foshan_2022)
    # share no indicator as the same kind of number; the key findings said "This case reports no
    # figures: its figures table holds none"
    config = write_config(tmp_path, [{"notebook": NAME, "parameters": {"cases": ["foshan_2020", "foshan_2022"]}}],
                          notebooks=REAL_NOTEBOOKS, langs=["en"],
                          warm_imports=["pandas", "matplotlib.pyplot", "kczlib", "kczlib.report.theme"])
    result = run_kcz("--config", config, "build", "-q", env=kcz_env(), timeout=1200)
    assert result.returncode == 0, result.stderr
    text = page_text(tmp_path / "out" / "latest", f"{NAME}-en")
    assert "These cities share no indicator reported as the same kind of number, so there are no key findings." in text
    assert "reports no figures" not in text


def test_an_empty_share_of_gdp_column_is_explained_by_its_real_reason(built_reports):
    # every indicator two shipped cases share as one kind of number is a count or a percentage
    # (研发投入强度 %, 国家高新技术企业数 家, ...): no amount of money, so nothing is set against GDP.
    # The page said no city's data held a GDP of the figures' period, while Chengdu's
    # context.csv has gdp_chengdu_2021 and the table has Chengdu rows for 2021.
    text = page_text(built_reports, f"{NAME}-en")
    assert "No indicator in the table is an amount of money, and only amounts are set against GDP" in text
    assert "hold a GDP of the same period" not in text
