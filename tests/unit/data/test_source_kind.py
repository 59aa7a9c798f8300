"""case.json `source.kind` frames every page (issue 23): validated, required of shipped cases.

The framing sentences are worked out by hand from words/common.toml for each fixture's kind:
jiangcheng is a work report, blank a news report, mini states no kind.
"""

from __future__ import annotations

import json

import pytest

from kczlib.data.cases import SOURCE_KINDS, get_case, list_cases, source_kind
from kczlib.errors import DataErrors

from conftest import DATA
from support.report_setup import bare_report


def test_every_shipped_case_says_what_kind_of_source_it_is():
    for case_json in sorted((DATA / "cases").glob("*/case.json")):
        meta = json.loads(case_json.read_text(encoding="utf-8"))
        assert meta["source"].get("kind") in SOURCE_KINDS, case_json


def test_the_first_case_is_the_citys_own_write_up():
    assert json.loads((DATA / "cases" / "chengdu" / "case.json").read_text(encoding="utf-8"))["source"]["kind"] \
        == "own_write_up"


def test_an_unknown_kind_is_one_line_naming_the_file_and_field(data_copy):
    path = data_copy / "cases" / "chengdu" / "case.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"kind": "own_write_up"', '"kind": "blog"'),
                    encoding="utf-8")
    with pytest.raises(DataErrors) as err:
        get_case("chengdu")
    assert len(err.value.errors) == 1
    message = str(err.value.errors[0])
    assert len(message.splitlines()) == 1
    assert "case.json" in message and "'source.kind'" in message and "'blog'" in message
    assert "own_write_up, press_conference, news_report, work_report, statistics_bulletin" in message


def test_kcz_validate_refuses_an_unknown_kind(data_copy, capsys):
    from kczlib.cli import main

    path = data_copy / "cases" / "chengdu" / "case.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"kind": "own_write_up"', '"kind": ""'),
                    encoding="utf-8")
    assert main(["validate", "chengdu"]) != 0
    out = capsys.readouterr()
    assert "source.kind '' is not a kind of source" in out.out + out.err


def test_a_case_without_a_kind_is_framed_as_unstated(data_copy):
    path = data_copy / "cases" / "chengdu" / "case.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    del meta["source"]["kind"]
    path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    assert "chengdu" in list_cases()
    assert source_kind(get_case("chengdu").meta) == "unstated"


@pytest.mark.parametrize("case, lang, expected", [
    ("chengdu", "en", "The source is Chengdu's own case write-up, \"Optimising the innovation ecosystem"),
    ("jiangcheng", "zh", "本报告依据的是政府工作报告《江城市科创工作总结》：这是政府对自身工作的总结"),
    ("jiangcheng", "en", "The source is a government work report, \"Jiangcheng science and innovation work summary\""),
    ("blank", "en", "The source is a news report, \"Kongbai City innovation work bulletin\": a journalist's account"),
    ("mini", "zh", "本报告依据的是《示范城市报告》（案例数据未说明其来源类型）"),
])
def test_the_about_box_frames_the_source_by_its_kind(data_copy, case, lang, expected):
    import shutil

    from conftest import FIXTURES

    if case != "chengdu":
        shutil.copytree(FIXTURES / "cases" / case, data_copy / "cases" / case)
    report = bare_report("00_overview", case, lang)
    report.title, report.group = "t", "overview"
    about = report.reader_meta()["about"]["paragraphs"][0]
    assert about.startswith(expected), about
    if case != "chengdu":
        assert "成都" not in about and "Chengdu" not in about
