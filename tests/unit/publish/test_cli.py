"""The `kcz` command line: subcommands, one-line user errors, exit codes."""

from __future__ import annotations

import json

import pytest

from conftest import REPORT_NAMES
from support.builds import run_kcz, write_config
from kczlib.cli import main


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


@pytest.mark.parametrize("args, message", [
    (["build", "--only", "no_such_report"], "no such report"),
    (["build", "-p", "novalue"], "expected name=value"),
    (["build", "-p", "colour=red"], "parameter 'colour'"),
])
def test_a_user_error_is_one_line_on_stderr_and_exit_2(tmp_path, args, message):
    config = write_config(tmp_path, [{"notebook": "tiny_report"}])
    result = run_kcz("--config", config, *args)
    assert result.returncode == 2
    assert result.stderr.startswith("kcz: error: ") and message in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


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


def test_a_build_with_stdin_closed_runs_as_under_cron(tmp_path):
    """cron and some CI runners start programs with file descriptor 0 closed."""
    import subprocess

    from support.builds import kcz_command, kcz_env, statuses, run_folders

    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    command = " ".join(f"'{part}'" for part in kcz_command("--config", config, "build", "-q"))
    done = subprocess.run(["sh", "-c", f"exec 0<&-; exec {command}"], env=kcz_env(),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert statuses(run_folders(tmp_path / "out")[0]) == {"tiny_report-zh": "ok"}
