"""kczlib.reads: what a process read of the data, and which later edits count as a change.

One fresh Python reads a figure by id, the figures of an indicator, a column of every row and a
word of a word file, and prints its record (as a report's last output carries it); the test then
edits the data copy and asks `changes`. The fixture case `mini` has four rows (worked by hand
from its figures.csv): `incubators` (indicator `incubators`), `investment`, `firms_served`,
`provincial_rank`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from conftest import DATA, FIXTURES, REPO
from support.report_setup import keep_only_cases

READ = """
import json
from kczlib import reads
from kczlib.data.figures import figure, figure_columns, reports_indicator
from kczlib.words import word
figure("investment", "mini")
reports_indicator("incubators", "mini")
figure_columns("mini", "chain")
word("page", "page.reports", "en")
print(json.dumps(reads.record()))
"""


@pytest.fixture()
def data(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    keep_only_cases(copy)
    shutil.copytree(FIXTURES / "cases" / "mini", copy / "cases" / "mini")
    monkeypatch.setenv("KCZ_DATA", str(copy))
    return copy


def record(data) -> dict:
    env = {"PATH": "/usr/bin:/bin", "KCZ_DATA": str(data), "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", READ], env=env, capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def replace(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_record_names_the_rows_columns_and_words_read(data):
    rec = record(data)
    figures = rec["files"]["data:cases/mini/figures.csv"]
    assert sorted(figures["rows"]) == ["id=investment", "indicator=incubators"]
    assert list(figures["columns"]) == ["", "chain"]  # "": the row ids alone, to tell an added row
    assert list(rec["files"]["words:page.toml"]["words"]) == ["en:page.reports"]
    assert "data:indicators.csv" in rec["files"]  # opened while loading: read whole
    from kczlib.reads import changes

    assert changes(rec) == []


def test_a_row_not_read_is_no_change_and_a_row_read_is(data):
    rec = record(data)
    from kczlib.reads import changes

    figures = data / "cases" / "mini" / "figures.csv"
    replace(figures, "Firms served", "Firms that were served")  # a row read by no one of its columns but chain
    assert changes(rec) == []
    replace(figures, "Investment mobilised", "Investment drawn in")
    assert changes(rec) == ["cases/mini/figures.csv row investment changed"]


def test_a_new_row_changes_an_enumerated_column_and_an_indicator_query(data):
    rec = record(data)
    from kczlib.reads import changes

    figures = data / "cases" / "mini" / "figures.csv"
    line = figures.read_text(encoding="utf-8").splitlines()[1]  # the incubators row, under a new id
    with figures.open("a", encoding="utf-8") as f:
        f.write(line.replace("incubators,", "incubators_2,", 1) + "\n")
    # said as a row added, not as "column chain changed", which the chain column's hash alone implied
    assert changes(rec) == ["cases/mini/figures.csv rows indicator=incubators changed",
                            "cases/mini/figures.csv rows added, removed or reordered"]


def test_an_edited_value_of_a_column_read_is_said_as_that_column(data):
    rec = record(data)
    from kczlib.reads import changes

    figures = data / "cases" / "mini" / "figures.csv"
    replace(figures, "firms_served,outcome_services,", "firms_served,capital,")
    assert changes(rec) == ["cases/mini/figures.csv column chain changed"]


def test_a_column_added_is_said_once_not_as_every_row_read(data):
    # a fresh user added the optional `correction` column and a row: --explain blamed three rows
    # the user never touched, and stopped there without saying there was more
    rec = record(data)
    from kczlib.reads import changes

    figures = data / "cases" / "mini" / "figures.csv"
    lines = figures.read_text(encoding="utf-8").splitlines()
    figures.write_text("\n".join([lines[0] + ",correction", *(line + "," for line in lines[1:])]) + "\n",
                       encoding="utf-8")
    assert changes(rec) == ["cases/mini/figures.csv column correction added"]


def test_more_changes_than_the_limit_end_with_and_more(data):
    rec = record(data)
    from kczlib.reads import changes

    figures = data / "cases" / "mini" / "figures.csv"
    replace(figures, "Investment mobilised", "Investment drawn in")  # row investment
    replace(figures, "firms_served,outcome_services,", "firms_served,capital,")  # column chain
    assert changes(rec, limit=1) == ["cases/mini/figures.csv row investment changed", "and more"]
    assert changes(rec, limit=2) == ["cases/mini/figures.csv row investment changed",
                                     "cases/mini/figures.csv column chain changed"]


def test_a_removed_row_a_new_file_and_a_bad_record_are_changes(data):
    rec = record(data)
    from kczlib.reads import changes

    figures = data / "cases" / "mini" / "figures.csv"
    figures.write_text("\n".join(line for line in figures.read_text(encoding="utf-8").splitlines()
                                 if not line.startswith("investment,")) + "\n", encoding="utf-8")
    assert "cases/mini/figures.csv row investment changed" in changes(rec)
    (data / "cases" / "mini" / "context.csv").write_text("id\n", encoding="utf-8")
    assert changes(rec)[0] == "the files in data:cases/mini changed"
    assert changes(None) == changes({"format": 0}) == ["no readable record of what it read"]


def test_the_builder_takes_the_record_only_from_the_last_code_it_ran():
    import nbformat

    from kczlib.contract import READS_MIME
    from kczlib.publish.html.reader_page import reads_record

    rec = {"format": 1, "files": {}, "folders": {}}
    nb = nbformat.v4.new_notebook()
    last = nbformat.v4.new_code_cell("report.appendix()")
    last.outputs = [nbformat.v4.new_output("display_data", data={READS_MIME: rec})]
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), last, nbformat.v4.new_code_cell("# a comment only\n")]
    assert reads_record(nb) == rec
    nb.cells.append(nbformat.v4.new_code_cell("kczlib.load_figures()"))  # could read more after the record
    assert reads_record(nb) is None


# What the comparison (the indicator table), the overview's counts (validation, the list of rows)
# and a derived column read: every column but the metric names.
READ_TABLES = """
import json
from kczlib import reads
from kczlib.data.figures import figure_columns
from kczlib.data.indicator_values import load_indicator_values
from kczlib.data.validate import validate_case
load_indicator_values(["mini"])
assert validate_case("mini").figures == 4
figure_columns("mini")
figure_columns("mini", "year", "topic")
print(json.dumps(reads.record()))
"""


def tables_record(data) -> dict:
    env = {"PATH": "/usr/bin:/bin", "KCZ_DATA": str(data), "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", READ_TABLES], env=env, capture_output=True, text=True, timeout=120,
                          cwd=REPO)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_renaming_a_figure_changes_no_count_and_no_comparison_table(data):
    rec = tables_record(data)
    from kczlib.reads import changes

    figures = rec["files"]["data:cases/mini/figures.csv"]
    assert "sha256" not in figures and not figures["rows"]  # no whole file, no row by id
    # a derived column is recorded as its source: year <- period, topic <- chain
    assert {"", "period,chain"} <= set(figures["columns"])
    path = data / "cases" / "mini" / "figures.csv"
    replace(path, "Firms served", "Firms that were served")
    replace(path, "服务企业数", "服务的企业数")
    assert changes(rec) == []
    replace(path, ",27,,\n", ",27,a note,\n")  # the investment row's note: validation reads notes
    assert changes(rec) == ["cases/mini/figures.csv a column of the 18 it read (id, chain, section, ...) changed"]


def test_a_new_row_changes_the_list_of_rows(data):
    rec = tables_record(data)
    from kczlib.reads import changes

    figures = data / "cases" / "mini" / "figures.csv"
    line = figures.read_text(encoding="utf-8").splitlines()[3]  # firms_served (no indicator), under a new id
    with figures.open("a", encoding="utf-8") as f:
        f.write(line.replace("firms_served,", "firms_served_2,", 1) + "\n")
    assert "cases/mini/figures.csv rows added, removed or reordered" in changes(rec, limit=10)


READ_ONE_CASE = """
import json
from kczlib import reads
from kczlib.data.cases import get_case
from kczlib.data.figures import figure
from kczlib.report.parameters import check
get_case("mini")
figure("investment", "mini")
check("01_fiscal_investment", {"case": "mini", "lang": "en", "baseline_year": 2021, "pledge_start_years": [2021]})
print(json.dumps(reads.record()))
"""


def test_a_case_folder_added_beside_is_no_change_for_a_report_of_one_case(data):
    env = {"PATH": "/usr/bin:/bin", "KCZ_DATA": str(data), "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", READ_ONE_CASE], env=env, capture_output=True, text=True,
                          timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    rec = json.loads(done.stdout)
    from kczlib.reads import changes

    assert "data:cases" not in rec["folders"]  # the case list was not read
    shutil.copytree(data / "cases" / "mini", data / "cases" / "mini_2")
    assert changes(rec) == []


def test_known_cases_checks_one_folder_and_lists_all_only_when_asked(data):
    from kczlib.data.cases import KnownCases, list_cases

    known = KnownCases()
    assert "mini" in known
    for name in ("../mini", "mini/", ".mini", "", None, "cases", "nowhere"):
        assert name not in known
    assert list(known) == list_cases() == ["mini"] and len(known) == 1


def test_a_bytecode_cache_or_a_dot_entry_beside_the_files_read_is_no_change(data):
    # running the tests writes kczlib/words/__pycache__ (the words folder is a package): a build
    # after `make test-fast` rebuilt every report for it
    rec = record(data)
    from kczlib.reads import changes

    assert "words:." in rec["folders"]
    for folder in (data / "cases" / "mini", data / "cases"):
        (folder / "__pycache__").mkdir()
        (folder / ".figures.csv.swp").write_text("", encoding="utf-8")
        (folder / "figures.csv~").write_text("", encoding="utf-8")
    assert changes(rec) == []
    (data / "cases" / "mini" / "context.csv").write_text("id\n", encoding="utf-8")  # a real new input
    assert changes(rec) == ["the files in data:cases/mini changed"]


LIST_CASES = """
import json
from kczlib import reads
from kczlib.data.cases import list_cases
print(json.dumps([list_cases(), reads.record()]))
"""


def test_a_case_list_read_while_the_cases_folder_was_missing_changes_when_it_appears(tmp_path):
    # a fresh user: a comparison built on a data folder without cases/ recorded no read of the
    # case list, and a later build on real data reused that comparison of nothing
    folder = tmp_path / "data"
    folder.mkdir()
    env = {"PATH": "/usr/bin:/bin", "KCZ_DATA": str(folder), "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", LIST_CASES], env=env, capture_output=True, text=True,
                          timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    cases, rec = json.loads(done.stdout)
    assert cases == [] and "data:cases" in rec["folders"]
    from kczlib.reads import changes

    (folder / "cases").mkdir()
    (folder / "cases" / "x").mkdir()
    assert any("cases" in change for change in changes(rec)), changes(rec)


def test_a_data_folder_without_cases_is_named_by_validate(tmp_path, monkeypatch, capsys):
    from kczlib.data import validate
    from kczlib.data.cases import missing_data_folder

    monkeypatch.setenv("KCZ_DATA", str(tmp_path / "nowhere"))
    assert missing_data_folder() == (f"the data folder {tmp_path / 'nowhere'} (from $KCZ_DATA) does not exist; "
                                     "a data folder holds cases/<case>/ (see docs/data.md)")
    assert validate.main() == 2
    assert str(tmp_path / "nowhere") in capsys.readouterr().err
    monkeypatch.setenv("KCZ_DATA", str(tmp_path))
    assert "has no cases/ folder" in missing_data_folder()
    (tmp_path / "cases" / "draft").mkdir(parents=True)  # a folder, but no case.json: no case
    assert "holds no case (cases/ has no folder with a case.json)" in missing_data_folder()
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    monkeypatch.setenv("KCZ_DATA", str(tmp_path / "a-file"))
    assert "is not a folder" in missing_data_folder()
    monkeypatch.setenv("KCZ_DATA", "")  # empty is unset: the project's data (as KCZ_CHROMIUM="")
    assert missing_data_folder() is None
    monkeypatch.delenv("KCZ_DATA")
    assert missing_data_folder() is None
