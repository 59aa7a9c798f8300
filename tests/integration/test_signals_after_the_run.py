"""A signal that arrives once the run is being put in place gets a true message and the
signal's exit code (attack log A12, A15, A15').

The signal is sent by the build process to itself at the moment under test: a small
driver wraps one function of the real pipeline (the rename into place, or the summary
printed after `latest` moved) so that it signals right after doing its real work, as the
attacker did by pausing the process there.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from support.builds import kcz_env, run_folders, write_config

DRIVER = """
import os, signal, sys

def wrap():
    import kczlib.publish.pipeline as pipeline
    from kczlib.publish import progress

    where, signum = sys.argv[1], int(sys.argv[2])
    if where == "finalize":
        real = pipeline.finalize
        def finalize(*args):
            run = real(*args)
            os.kill(os.getpid(), signum)  # held: the run is in place, latest not yet moved
            return run
        pipeline.finalize = finalize
    else:
        real = progress.Progress.summary
        def summary(self, *args, **kwargs):
            real(self, *args, **kwargs)
            os.kill(os.getpid(), signum)  # after latest moved
        progress.Progress.summary = summary

if __name__ == "__main__":  # the export pool's processes import this file too
    wrap()
    from kczlib.cli import main
    sys.exit(main(sys.argv[3:]))
"""

CODES = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGHUP: 129}
WORDS = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated", signal.SIGHUP: "hung up"}


def build_with_signal(tmp_path, where: str, signum: int) -> subprocess.CompletedProcess:
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    return subprocess.run([sys.executable, str(driver), where, str(int(signum)), "--config",
                           str(config), "build", "-q"], env=kcz_env(), capture_output=True,
                          text=True, timeout=600)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_while_the_run_is_renamed_finishes_the_build_and_exits_with_its_code(tmp_path, signum):
    done = build_with_signal(tmp_path, "finalize", signum)
    out = tmp_path / "out"
    [run] = run_folders(out)
    assert done.returncode == CODES[signum], done.stderr
    assert os.readlink(out / "latest") == run.name  # the build finished first
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"kcz: {WORDS[signum]} while the run was put in place")
    assert f"run {run.name} was written before it; latest -> {run.name}" in last
    assert "no run was written" not in done.stderr and "Traceback" not in done.stderr


def test_a_signal_after_latest_moved_does_not_say_no_run_was_written(tmp_path):
    done = build_with_signal(tmp_path, "summary", signal.SIGINT)
    out = tmp_path / "out"
    [run] = run_folders(out)
    assert done.returncode == 130, done.stderr
    assert os.readlink(out / "latest") == run.name
    assert done.stderr.strip().splitlines()[-1] == (
        f"kcz: interrupted; run {run.name} was written before it; latest -> {run.name}")
    assert "no run was written" not in done.stderr
