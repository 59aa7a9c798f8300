"""The shared indicator vocabulary and the `indicator` column of a case's figures table.

Expected figures are read by hand from the Chengdu source (see data/cases/chengdu) and the
mini fixture's text; bad-input tests break one cell of a copy of the data and expect one
message naming file, line and column.
"""

import shutil

import pytest

import kczlib
from kczlib.data.validate import main as validate_main
from kczlib.errors import AmbiguousIndicatorError, IndicatorNotReportedError, UnknownIndicatorError

from conftest import FIXTURES, edit_csv_cell


def run_validate(capsys, case="chengdu"):
    code = validate_main(case)
    out = capsys.readouterr()
    return code, out.out + out.err


def line_of(path, needle):
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.startswith(needle))


@pytest.fixture
def figures_csv(data_copy):
    return data_copy / "cases" / "chengdu" / "figures.csv"


@pytest.fixture
def with_mini(data_copy):
    shutil.copytree(FIXTURES / "cases" / "mini", data_copy / "cases" / "mini")
    return data_copy


def test_the_vocabulary_loads_with_unique_ids_and_both_names():
    vocab = kczlib.load_indicators()
    assert vocab.index.is_unique and 80 <= len(vocab) <= 250  # bound argued in test_genre_vocabulary
    assert vocab.loc["tech_loan_volume", "base_unit"] == "CNY"
    assert vocab.loc["hightech_enterprises", "name_zh"] == "国家高新技术企业数"


def test_a_chengdu_indicator_is_the_figure_the_source_states():
    # 累计帮助2700余家科技型企业获得贷款200多亿元: 200多亿元 is 2e10 to 3e10 yuan
    loans = kczlib.indicator("tech_loan_volume")
    assert (loans.id, loans.lower, loans.upper, loans.base_unit) == ("kechuangdai_loans", 2e10, 3e10, "CNY")
    # 2021年市级财政科技支出99.4亿元
    assert kczlib.indicator("fiscal_st_spending", period="2021").value_base == 9.94e9
    # 总量达7821家 (2021)
    assert kczlib.indicator("hightech_enterprises", "chengdu").value == 7821


def test_a_second_case_reports_some_indicators_and_not_others(with_mini):
    assert kczlib.indicator("incubators", case="mini").value == 12  # 全市建成孵化器12家
    assert kczlib.reports_indicator("incubators", "mini")
    assert not kczlib.reports_indicator("fiscal_st_spending", "mini")
    with pytest.raises(IndicatorNotReportedError, match="case 'mini' does not report indicator 'fiscal_st_spending'"):
        kczlib.indicator("fiscal_st_spending", case="mini")


def test_an_unknown_indicator_id_suggests_the_close_one():
    with pytest.raises(UnknownIndicatorError, match="no indicator 'tech_loan_volumes'.*did you mean tech_loan_volume"):
        kczlib.indicator("tech_loan_volumes")
    with pytest.raises(UnknownIndicatorError):
        kczlib.reports_indicator("no_such_thing", "chengdu")


def test_unknown_indicator_in_a_figures_table_names_file_line_and_column(capsys, figures_csv):
    edit_csv_cell(figures_csv, "kechuangdai_loans", "indicator", "tech_loans")
    code, out = run_validate(capsys)
    line = line_of(figures_csv, "kechuangdai_loans,")
    assert code != 0
    assert f"figures.csv, line {line}, column 'indicator': unknown indicator 'tech_loans'" in out


def test_two_figures_of_one_period_mapped_to_one_indicator_name_both_lines(capsys, figures_csv):
    # both cumulative: 20多家银行 and 9个区(市)县
    edit_csv_cell(figures_csv, "kechuangdai_risk_pool_districts", "indicator", "tech_loan_banks")
    code, out = run_validate(capsys)
    first, second = line_of(figures_csv, "kechuangdai_banks,"), line_of(figures_csv, "kechuangdai_risk_pool_districts,")
    assert code != 0
    assert (f"figures.csv, line {second}, column 'indicator': indicator 'tech_loan_banks' is already mapped for "
            f"period 'cumulative' by figure 'kechuangdai_banks' on line {first}") in out
    assert out.count("is already mapped") == 1


def test_one_indicator_in_two_periods_is_a_series_chosen_by_period(figures_csv):
    # 首批26个 (2020) beside 20多家银行 (cumulative): allowed, since the periods differ
    edit_csv_cell(figures_csv, "pilot_cities_first_batch", "indicator", "tech_loan_banks")
    # the message names each period's figure, so either way of choosing one is at hand
    with pytest.raises(AmbiguousIndicatorError, match=r"periods 2020 \(pilot_cities_first_batch\), "
                                                      r"cumulative \(kechuangdai_banks\); pass period="):
        kczlib.indicator("tech_loan_banks")
    assert kczlib.indicator("tech_loan_banks", period="2020").value == 26
    assert kczlib.indicator("tech_loan_banks", period="cumulative").lower == 20


def test_an_indicator_of_another_unit_is_refused(capsys, figures_csv):
    edit_csv_cell(figures_csv, "kechuangdai_loans", "indicator", "tech_loan_firms")
    code, out = run_validate(capsys)
    line = line_of(figures_csv, "kechuangdai_loans,")
    assert code != 0
    assert (f"figures.csv, line {line}, column 'indicator': indicator 'tech_loan_firms' is measured in count, "
            "but this figure's base_unit is CNY") in out


def test_a_row_breaking_a_rule_does_not_hide_another_rows_evidence_problem(capsys, figures_csv):
    # a fresh user fixed an indicator clash and only then learnt that another row's evidence was
    # not in the source: validation said the checks against the source waited for the first fix
    edit_csv_cell(figures_csv, "kechuangdai_loans", "indicator", "tech_loan_firms")
    edit_csv_cell(figures_csv, "angel_funds", "evidence", "共同出资设立8支天使投资基金")  # the text says 7支
    code, out = run_validate(capsys)
    assert code == 1
    assert (f"figures.csv, line {line_of(figures_csv, 'kechuangdai_loans,')}, column 'indicator': indicator "
            "'tech_loan_firms' is measured in count") in out
    assert (f"figures.csv, line {line_of(figures_csv, 'angel_funds,')}, column 'evidence': evidence "
            "'共同出资设立8支天使投资基金' is not at offset 2017; it does not occur in the cleaned source") in out
    assert "wait until the problems below are fixed" not in out
    # the row with the clash is not checked against the source, and its mention (200多亿元) is
    # still its own; the row whose evidence is wrong claims none, so its 7支 is unaccounted
    assert "unaccounted mention '200多亿元'" not in out
    assert "unaccounted mention '7支' at offset 2023" in out


def test_a_bad_vocabulary_row_names_its_line_and_column(capsys, data_copy):
    path = data_copy / "indicators.csv"
    edit_csv_cell(path, "rd_intensity", "base_unit", "percentage")
    code, out = run_validate(capsys)
    assert code != 0
    assert (f"indicators.csv, line {line_of(path, 'rd_intensity,')}, "
            "column 'base_unit': 'percentage' is not one of") in out
    # said once, under the table's own line; the case that loads the table points there once
    assert out.count("'percentage' is not one of") == 1
    assert out.count(f"{path}: is broken (its errors are listed above)") == 1


def test_a_bad_vocabulary_row_is_listed_once_for_all_cases(capsys, data_copy):
    path = data_copy / "indicators.csv"
    edit_csv_cell(path, "rd_intensity", "base_unit", "percentage")
    edit_csv_cell(path, "fiscal_st_spending", "base_unit", "yuan")
    code, out = run_validate(capsys, case=None)
    cases = sorted(p.name for p in (data_copy / "cases").iterdir() if (p / "case.json").is_file())
    assert code == 1 and len(cases) > 1
    assert out.count("'percentage' is not one of") == out.count("'yuan' is not one of") == 1
    assert out.count(f"{path}: is broken (its errors are listed above)") == len(cases)


def test_a_figures_table_without_the_indicator_column_still_loads(with_mini):
    path = with_mini / "cases" / "mini" / "figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n", encoding="utf-8")
    assert "indicator" not in path.read_text(encoding="utf-8")
    assert kczlib.figure("incubators", case="mini").indicator == ""
    assert not kczlib.reports_indicator("incubators", "mini")


def test_a_row_still_marked_draft_is_listed(capsys, figures_csv):
    lines = figures_csv.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",draft"] + [ln + ("," + "suggested indicator: tech_loan_firms"
                                           if ln.startswith("kechuangdai_firms,")
                                           else ",") for ln in lines[1:]]
    figures_csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = run_validate(capsys)
    line = line_of(figures_csv, "kechuangdai_firms,")
    assert code != 0
    assert f"figures.csv, line {line}, column 'draft': drafted by kcz new-case and not yet curated" in out
