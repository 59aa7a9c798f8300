"""The `kcz` command line: subcommands, one-line user errors, exit codes."""

from __future__ import annotations

import json

import pytest

from kczlib.cli import main

from conftest import REPORT_NAMES
from support.builds import run_kcz, write_config


def test_list_shows_every_report_with_its_parameters(tmp_path, capsys):
    config = write_config(tmp_path, [{"notebook": "tiny_report"}])
    assert main(["--config", str(config), "list"]) == 0
    out = capsys.readouterr().out
    assert "tiny_report-zh" in out and "tiny_report-en" in out and "lang='en'" in out


def test_list_json_is_machine_readable(tmp_path, capsys):
    config = write_config(tmp_path, [{"notebook": "tiny_report", "parameters": {"case": "x"}}], langs=["zh"])
    assert main(["--config", str(config), "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"name": "tiny_report-zh", "notebook": "tiny_report.ipynb",
         "parameters": {"case": "x", "lang": "zh"}}]


def test_the_default_definitions_name_every_notebook_in_both_languages(capsys):
    assert main(["list", "--json"]) == 0
    names = {r["name"] for r in json.loads(capsys.readouterr().out)}
    assert names == {f"{n}-{lang}" for n in REPORT_NAMES for lang in ("zh", "en")}


def test_a_missing_definitions_file_is_a_user_error(tmp_path, capsys):
    assert main(["--config", str(tmp_path / "nope.toml"), "list"]) == 2
    assert "no report definitions" in capsys.readouterr().err


def test_python_dash_m_kczlib_is_the_same_command():
    result = run_kcz("--help")
    assert result.returncode == 0 and "build" in result.stdout and "validate" in result.stdout


def test_validate_runs_the_dataset_validation():
    pytest.importorskip("kczlib.data.validate")
    result = run_kcz("validate", "chengdu")
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr




@pytest.mark.parametrize("value", ["en", "zh"])
def test_build_refuses_lang_as_a_parameter_and_says_what_to_use(tmp_path, capsys, value):
    # -p lang=en would reach every report, -zh ones included (an English page named ...-zh-custom-...):
    # refused before anything runs, one line naming the parameter and the way to pick a language
    out = tmp_path / "reports"
    assert main(["build", "--out", str(out), "-p", f"lang={value}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "parameter 'lang'" in err
    assert "langs" in err and "--only '*-en'" in err
    assert not out.exists()  # nothing ran, no run folder


def test_only_given_twice_selects_both():
    # a user's `--only '00_*' --only '01_*'` built the 01 reports alone: argparse kept the last list
    from kczlib.cli import parser

    assert parser().parse_args(["build", "--only", "a", "b", "--only", "c"]).only == ["a", "b", "c"]


def test_a_parameter_given_twice_is_refused_not_silently_replaced(capsys):
    # a second fresh user: -p loss_rate=0.01 -p loss_rate=0.02 built with 0.02 alone, without a word
    assert main(["build", "-p", "loss_rate=0.01", "-p", "loss_rate=0.02"]) == 2
    assert "-p loss_rate is given twice (0.01 and 0.02)" in capsys.readouterr().err
