"""case.json `summary` and `publication` carry no digits: `kcz validate` refuses them, as the build does.

Prose about the case is printed as written by the index and every page header; numbers come
from figures only. The build refused such a case.json late (in a worker: a BrokenProcessPool);
the data layer's rule (`kczlib.data.cases.prose_digit_errors`) now reports it at `validate`,
one line naming the file, line and field, and the report applies the same rule.
"""

from __future__ import annotations

import shutil

import pytest

from kczlib.cli import main
from kczlib.data.cases import prose_digit_errors
from kczlib.errors import DataError
from kczlib.publish.html.words import case_info

from conftest import FIXTURES

MINI = FIXTURES / "cases" / "mini"

# Hand-written: the mini fixture's case.json with a summary and a publication note added.
CASE_JSON = """{
  "case": "mini",
  "city": {"zh": "示范市", "en": "Demo City"},
  "title": {"zh": "示范城市报告", "en": "Demo city report"},
  "publisher": {"zh": "示范市（虚构的测试机构）", "en": "Demo City (a fictional test body)"},
  "author": {"zh": "测试作者", "en": "a test author"},
  "period": "2024",
  "summary": {
    "zh": "SUMMARY_ZH",
    "en": "A demo city joined the programme early."
  },
  "publication": {
    "zh": "虚构的测试文本",
    "en": "PUBLICATION_EN"
  },
  "source": {
    "file": "mini.raw.txt",
    "origin": "synthetic test case written for kcz's tests",
    "accessed": "2026-11-28",
    "sha256": "f1e67328c60d146872a375e514a794c8396981c5c02f0571a323f4befb5667a6",
    "bytes": 167,
    "pinyin_glosses": 3,
    "debris_lines": []
  }
}
"""
CLEAN_ZH = "示范市较早入选试点城市。"
CLEAN_EN = "A fictional text written for the tests."


def write_case(root, summary_zh=CLEAN_ZH, publication_en=CLEAN_EN):
    folder = root / "cases" / "mini"
    shutil.copytree(MINI, folder)
    text = CASE_JSON.replace("SUMMARY_ZH", summary_zh).replace("PUBLICATION_EN", publication_en)
    (folder / "case.json").write_text(text, encoding="utf-8")
    return folder / "case.json"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_a_hand_written_case_json_with_digits_in_its_prose_gets_one_error_per_field(tmp_path):
    import json

    path = write_case(tmp_path, summary_zh="示范市是全国26个试点城市之一。", publication_en="Published in ２０２３.")
    errors = prose_digit_errors(json.loads(path.read_text(encoding="utf-8")), path)
    # summary.zh sits on line 9 of CASE_JSON, publication.en on line 14 (counted by hand); the
    # full-width digits of ２０２３ are digits too
    assert [(e.column, e.line) for e in errors] == [("summary.zh", 9), ("publication.en", 14)]
    assert all(str(path) in str(e) and "has digits typed in" in str(e) for e in errors)


def test_prose_without_digits_and_absent_prose_give_no_error(tmp_path):
    import json

    path = write_case(tmp_path)
    meta = json.loads(path.read_text(encoding="utf-8"))
    assert prose_digit_errors(meta, path) == []
    del meta["summary"], meta["publication"]
    assert prose_digit_errors(meta, path) == []
    assert prose_digit_errors(["not", "an", "object"], path) == []


def test_validate_refuses_digits_in_the_summary_in_one_line_naming_file_and_field(capsys, data_copy):
    write_case(data_copy, summary_zh="示范市是全国26个试点城市之一。")
    code, out = run(capsys, "validate", "mini")
    assert code == 1, out
    errors = [line for line in out.splitlines() if "error" in line]
    assert len(errors) == 1, out
    assert "cases/mini/case.json, line 9, column 'summary.zh': summary.zh has digits typed in" in errors[0]


def test_validate_refuses_digits_in_the_publication_note(capsys, data_copy):
    write_case(data_copy, publication_en="Printed on 3 March.")
    code, out = run(capsys, "validate", "mini")
    assert code == 1 and "line 14, column 'publication.en': publication.en has digits typed in" in out, out


def test_the_same_case_without_digits_validates(capsys, data_copy):
    write_case(data_copy)
    code, out = run(capsys, "validate", "mini")
    assert code == 0, out


def test_the_report_refuses_it_by_the_same_rule_in_the_language_it_prints(data_copy):
    write_case(data_copy, summary_zh="示范市是全国26个试点城市之一。")
    with pytest.raises(DataError) as err:
        case_info("mini", "zh")
    assert err.value.column == "summary.zh" and "has digits typed in" in str(err.value)
    assert case_info("mini", "en")["summary"] == "A demo city joined the programme early."
