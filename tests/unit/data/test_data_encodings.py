"""Data files as users really save them: Excel's BOM, GBK, over-long fields, a broken case.

Each case is a small synthetic folder (a copy of tests/fixtures/cases/mini) in a temporary
data root that KCZ_DATA points at. Expected lines are counted by hand in the fixture files.
"""

import codecs
import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest

import kczlib
from kczlib.data.validate import main as validate_main
from kczlib.data.validate import validate_case

from conftest import DATA, FIXTURES, REPO

MINI = FIXTURES / "cases" / "mini"


@pytest.fixture
def root(tmp_path, monkeypatch):
    """A data root holding only the schemas, the indicator vocabulary and no case yet."""
    target = tmp_path / "data"
    shutil.copytree(DATA / "schema", target / "schema")
    shutil.copy(DATA / "indicators.csv", target / "indicators.csv")
    (target / "cases").mkdir()
    monkeypatch.setenv("KCZ_DATA", str(target))
    return target


def add_case(root, name="mini"):
    folder = root / "cases" / name
    shutil.copytree(MINI, folder)
    return folder


def reencode(path, encoding, bom=b""):
    path.write_bytes(bom + path.read_text(encoding="utf-8").encode(encoding))


def run(capsys, case=None):
    code = validate_main(case)
    out = capsys.readouterr()
    return code, out.out, out.err


# ---- Excel's "CSV UTF-8" and other files with a byte-order mark ----------------------

@pytest.mark.parametrize("name", ["figures.csv", "non_figures.csv", "case.json"])
def test_a_utf8_byte_order_mark_is_accepted(root, name):
    folder = add_case(root)
    reencode(folder / name, "utf-8", codecs.BOM_UTF8)
    report = validate_case("mini")
    assert report.ok, report.errors
    assert (report.figures, report.non_figures) == (4, 2)
    assert kczlib.figure("firms_served", case="mini").upper == 400


def test_a_raw_source_with_a_byte_order_mark_keeps_its_offsets(root):
    folder = add_case(root)
    raw = folder / "mini.raw.txt"
    reencode(raw, "utf-8", codecs.BOM_UTF8)
    meta = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    meta["source"]["sha256"] = hashlib.sha256(raw.read_bytes()).hexdigest()
    (folder / "case.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    assert validate_case("mini").ok
    assert kczlib.load_source("mini").text.startswith("示范城市报告")


# ---- files that are not UTF-8 ------------------------------------------------------------

# file -> the line of its first non-ASCII character (line 1 of each CSV is its ASCII header;
# case.json has "zh": "示范市" on line 4)
FIRST_CHINESE_LINE = {"figures.csv": 2, "non_figures.csv": 2, "case.json": 4}


@pytest.mark.parametrize("name", list(FIRST_CHINESE_LINE))
@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_a_gbk_file_is_one_message_with_file_line_and_what_was_found(root, capsys, name, encoding):
    folder = add_case(root)
    reencode(folder / name, encoding)
    code, out, err = run(capsys, "mini")
    text = out + err
    assert code != 0 and "Traceback" not in text and "UnicodeDecodeError" not in text
    assert f"{folder / name}, line {FIRST_CHINESE_LINE[name]}: not UTF-8: expected UTF-8 text" in text
    assert "looks like GBK/GB18030" in text


def test_a_gbk_context_table_is_named_with_its_line(root, capsys):
    folder = add_case(root)
    header = (DATA / "cases" / "chengdu" / "context.csv").read_text(encoding="utf-8").splitlines()[0]
    (folder / "context.csv").write_bytes((header + "\ngdp_2021,地区生产总值,成都,2021,1,亿元,high,,,,\n").encode("gbk"))
    code, out, err = run(capsys, "mini")
    assert code != 0 and "Traceback" not in out + err
    # line 2 is gdp_2021,地区...: its first GBK byte is the 10th of the line
    assert f"{folder / 'context.csv'}, line 2: not UTF-8: expected UTF-8 text, but byte 10 of the line" in out
    assert "GBK/GB18030" in out


def test_a_utf16_table_says_utf16(root, capsys):
    folder = add_case(root)
    reencode(folder / "figures.csv", "utf-16")  # Excel's "Unicode Text" writes a UTF-16 BOM
    code, out, err = run(capsys, "mini")
    assert code != 0 and f"{folder / 'figures.csv'}, line 1: not UTF-8" in out and "looks like UTF-16" in out


def test_a_raw_source_that_is_not_utf8_names_file_expected_and_found_encoding(root, capsys):
    folder = add_case(root)
    raw = folder / "mini.raw.txt"
    reencode(raw, "gb18030")
    meta = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    meta["source"]["sha256"] = hashlib.sha256(raw.read_bytes()).hexdigest()  # the checksum is not the problem
    (folder / "case.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "mini")
    assert code != 0 and "Traceback" not in out + err
    # 示 is CA BE in GB18030, which happens to be valid UTF-8 (U+02BE); 范 (B7 B6) is not
    assert f"{raw}, line 1: not UTF-8: expected UTF-8 text, but byte 3 of the line (0xb7)" in out
    assert "looks like GBK/GB18030" in out
    with pytest.raises(kczlib.errors.DataError, match="expected UTF-8"):
        kczlib.load_source("mini")


# ---- a field over the csv module's limit ------------------------------------------------

def test_a_field_over_the_csv_limit_is_one_message_with_its_line(root, capsys):
    folder = add_case(root)
    path = folder / "figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # line 3 (investment) gets a note of 131,073 characters: one over the limit
    lines[2] = lines[2].rstrip("\n") + "x" * 131_073 + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    code, out, err = run(capsys, "mini")
    assert code != 0 and "Traceback" not in out + err
    assert f"{path}, line 3: cannot read this CSV record: a field is longer than 131,072 characters" in out


# ---- one broken case does not stop the others ------------------------------------------

@pytest.mark.parametrize("breakage,line", [("gbk", 4), ("syntax", 3)])
def test_validating_every_case_goes_on_after_a_broken_case_json(root, capsys, breakage, line):
    bad, _good = add_case(root, "a_broken"), add_case(root, "b_good")
    if breakage == "gbk":
        reencode(bad / "case.json", "gbk")
    else:  # line 3 loses its closing quote
        text = (bad / "case.json").read_text(encoding="utf-8").replace('"city": {', '"city: {', 1)
        (bad / "case.json").write_text(text, encoding="utf-8")
    code, out, err = run(capsys)
    assert code == 2
    assert f"case a_broken: {bad / 'case.json'}, line {line}:" in err
    assert "case b_good:" in out and out.rstrip().endswith("OK")


def test_the_command_line_prints_no_traceback_for_a_gbk_case_json(root):
    bad, _good = add_case(root, "a_broken"), add_case(root, "b_good")
    reencode(bad / "case.json", "gb18030")
    env = {**os.environ, "KCZ_DATA": str(root)}
    proc = subprocess.run([sys.executable, "-m", "kczlib", "validate"],
                          capture_output=True, text=True, cwd=REPO, env=env)
    assert proc.returncode == 2 and "Traceback" not in proc.stdout + proc.stderr
    assert "line 4: not UTF-8: expected UTF-8 text" in proc.stderr and "GBK/GB18030" in proc.stderr
    assert "case b_good:" in proc.stdout and "OK" in proc.stdout
