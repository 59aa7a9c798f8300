"""Bad data gives one readable message naming file, line, column and reason."""

import subprocess
import sys

import pytest

from kczlib.data.validate import main as validate_main

from conftest import REPO, edit_csv_cell


def run_validate(capsys, case="chengdu"):
    code = validate_main(case)
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.fixture
def figures_csv(data_copy):
    return data_copy / "cases" / "chengdu" / "figures.csv"


def line_of(path, needle):
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.startswith(needle))


def test_missing_column_is_named(capsys, figures_csv):
    text = figures_csv.read_text(encoding="utf-8").replace(",metric_en,", ",metric_english,", 1)
    figures_csv.write_text(text, encoding="utf-8")
    code, out = run_validate(capsys)
    assert code != 0
    assert "figures.csv, line 1, column 'metric_en': missing column" in out


def test_non_numeric_value_is_located(capsys, figures_csv):
    edit_csv_cell(figures_csv, "kechuangdai_firms", "lower", "2700余")
    code, out = run_validate(capsys)
    line = line_of(figures_csv, "kechuangdai_firms,")
    assert code != 0 and f"figures.csv, line {line}, column 'lower': '2700余' is not a number" in out


def test_lower_above_upper_is_located(capsys, figures_csv):
    edit_csv_cell(figures_csv, "kechuangdai_firms", "lower", "2900")
    code, out = run_validate(capsys)
    line = line_of(figures_csv, "kechuangdai_firms,")
    assert code != 0 and f"line {line}, column 'lower': lower 2900 > upper 2800" in out


def test_duplicate_id_names_both_lines(capsys, figures_csv):
    edit_csv_cell(figures_csv, "kechuangdai_loans", "id", "kechuangdai_firms")
    code, out = run_validate(capsys)
    first = line_of(figures_csv, "kechuangdai_firms,")
    assert code != 0 and f"duplicate id 'kechuangdai_firms' (first on line {first})" in out


def test_evidence_not_in_the_source_is_reported(capsys, figures_csv):
    edit_csv_cell(figures_csv, "kechuangdai_firms", "evidence", "累计帮助2800余家")
    code, out = run_validate(capsys)
    assert (code != 0 and "evidence '累计帮助2800余家' is not at offset" in out
            and "does not occur in the cleaned source" in out)


def test_row_that_disagrees_with_its_evidence_names_the_column(capsys, figures_csv):
    edit_csv_cell(figures_csv, "kechuangdai_firms", "upper", "2900")
    code, out = run_validate(capsys)
    assert code != 0 and "column 'upper': parsing '2700余家' disagrees with the row" in out


@pytest.mark.parametrize("column,value,allowed", [("chain", "finance", "overview, innovation"),
                                                  ("qualifier", "about", "exact, 余, 多")])
def test_unknown_category_lists_the_allowed_values(capsys, figures_csv, column, value, allowed):
    edit_csv_cell(figures_csv, "kechuangdai_firms", column, value)
    code, out = run_validate(capsys)
    assert code != 0 and f"column {column!r}: {value!r} is not one of: {allowed}" in out


def test_unaccounted_mention_fails_coverage(capsys, figures_csv):
    # without its figure row, 2700余家 (a quantity, not a name) is claimed by nothing
    lines = figures_csv.read_text(encoding="utf-8").splitlines(keepends=True)
    figures_csv.write_text("".join(ln for ln in lines if not ln.startswith("kechuangdai_firms,")), encoding="utf-8")
    code, out = run_validate(capsys)
    assert code != 0 and "unaccounted mention '2700余家'" in out


def test_a_figures_table_with_a_header_only_says_it_has_no_rows(capsys, figures_csv):
    """Attack log D6: 105 'unaccounted' lines and no word that the table is empty."""
    header = figures_csv.read_text(encoding="utf-8").splitlines(keepends=True)[0]
    figures_csv.write_text(header, encoding="utf-8")
    code, out = run_validate(capsys)
    assert code != 0
    assert "figures.csv has a header and no rows" in out
    assert "unaccounted mention '2700余家'" in out  # the mentions are still listed


def test_a_non_figure_the_parser_recognises_needs_no_row(capsys, data_copy):
    # row 2 is 一 at offset 38, the section marker 一、: a list marker the parser knows
    nf = data_copy / "cases" / "chengdu" / "non_figures.csv"
    lines = nf.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[1].startswith("一,38,list_marker")
    nf.write_text("".join(lines[:1] + lines[2:]), encoding="utf-8")
    code, out = run_validate(capsys)
    assert code == 0, out
    # 105 figure rows claim 104 mentions (均排名第一 is two figures); the 67 rows left include the
    # restated 3批 (a reference the parser cannot know by itself)
    assert "172 numeric mentions = 104 figures + 67 non-figures + 1 recognised non-figures + 0 unaccounted" in out
    assert "recognises by itself (optional): 66 of 67" in out


def test_unknown_case_lists_known_cases_without_a_traceback():
    proc = subprocess.run([sys.executable, "-m", "kczlib", "validate", "wuhan"],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode != 0
    assert "unknown case 'wuhan'; known cases: chengdu" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_validate_command_reports_full_coverage_on_the_real_data():
    proc = subprocess.run([sys.executable, "-m", "kczlib", "validate"], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 unaccounted" in proc.stdout and "(100%)" in proc.stdout and "587 pinyin glosses removed" in proc.stdout


def test_chengdu_needs_no_hand_written_non_figure_row_but_its_one_reference(capsys, data_copy):
    # every one of the 67 curated non-figures (dates, ordinals, markers, names, idioms,
    # versions) is recognised by the parser's own rules; only the restated 3批 (a reference to
    # the figure jiebang_guashuai_batches, held once) needs its row
    nf = data_copy / "cases" / "chengdu" / "non_figures.csv"
    lines = nf.read_text(encoding="utf-8").splitlines(keepends=True)
    nf.write_text("".join([lines[0]] + [x for x in lines if ",reference," in x]), encoding="utf-8")
    code, out = run_validate(capsys)
    assert code == 0, out
    assert "172 numeric mentions = 104 figures + 1 non-figures + 67 recognised non-figures + 0 unaccounted" in out
