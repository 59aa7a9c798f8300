"""The `kcz` command line: subcommands, one-line user errors, exit codes."""

from __future__ import annotations

import pytest

from support.builds import run_kcz, write_config


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


def test_a_build_with_stdin_closed_runs_as_under_cron(tmp_path):
    """cron and some CI runners start programs with file descriptor 0 closed."""
    import subprocess

    from support.builds import kcz_command, kcz_env, run_folders, statuses

    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    command = " ".join(f"'{part}'" for part in kcz_command("--config", config, "build", "-q"))
    done = subprocess.run(["sh", "-c", f"exec 0<&-; exec {command}"], env=kcz_env(),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert statuses(run_folders(tmp_path / "out")[0]) == {"tiny_report-zh": "ok"}
