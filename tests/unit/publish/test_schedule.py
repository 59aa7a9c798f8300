"""`kcz schedule`: cron and systemd recipes with the checkout's own paths, and units that
systemd itself accepts (`systemd-analyze verify`, where systemd is installed)."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kczlib.paths import PACKAGE_ROOT
from kczlib.publish import schedule

from support.builds import run_kcz


def test_the_cron_line_runs_this_checkouts_python_in_this_checkout():
    result = run_kcz("schedule", "cron", "--at", "7:05")
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    minute, hour, dom, month, dow, *command = line.split(None, 5)
    assert (minute, hour, dom, month, dow) == ("5", "7", "*", "*", "*")
    words = shlex.split(command[0])
    assert words[:3] == ["cd", str(PACKAGE_ROOT), "&&"]
    assert words[3:9] == [sys.executable, "-m", "kczlib", "build", "-q", "--wait"]
    assert words[-3:] == [">>", str(PACKAGE_ROOT / "reports" / "cron.log"), "2>&1"]


def test_a_percent_sign_and_spaces_in_paths_are_escaped_for_cron_and_systemd():
    line = schedule.cron_line("06:30", Path("/home/a b/kcz 100%"), "/home/a b/kcz 100%/.venv/bin/python")
    assert "\\%" in line and "100%'" not in line.replace("\\%", "")
    units = schedule.systemd_units("06:30", Path("/srv/k%z"), "/srv/a b/python")
    service = units[schedule.SERVICE]
    assert "WorkingDirectory=/srv/k%%z\n" in service
    assert 'ExecStart="/srv/a b/python" -m kczlib build -q --wait\n' in service


@pytest.mark.parametrize("at", ["25:00", "6", "06:61", "noon", ""])
def test_a_time_that_is_not_hh_mm_is_one_line(at):
    result = run_kcz("schedule", "systemd", "--at", at)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "HH:MM" in result.stderr


def test_the_printed_units_are_what_write_puts_in_the_folder(tmp_path):
    printed = run_kcz("schedule", "systemd", "--at", "06:30").stdout
    result = run_kcz("schedule", "systemd", "--at", "06:30", "--write", tmp_path / "units")
    assert result.returncode == 0, result.stderr
    for name in (schedule.SERVICE, schedule.TIMER):
        text = (tmp_path / "units" / name).read_text(encoding="utf-8")
        assert f"# {schedule.UNIT_FOLDER}/{name}\n{text}" in printed
    assert f"WorkingDirectory={PACKAGE_ROOT}\n" in (tmp_path / "units" / schedule.SERVICE).read_text()
    assert "OnCalendar=*-*-* 06:30\n" in (tmp_path / "units" / schedule.TIMER).read_text()


def verify(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["systemd-analyze", "verify", "--man=no", str(folder / schedule.SERVICE),
                           str(folder / schedule.TIMER)], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is not installed here")
def test_systemd_accepts_the_units_and_rejects_a_broken_copy(tmp_path):
    good = tmp_path / "good"
    schedule.write_units(good, schedule.systemd_units("23:59"))
    done = verify(good)
    assert done.returncode == 0, done.stderr
    # the check can fail: a unit whose program does not exist is refused
    bad = tmp_path / "bad"
    schedule.write_units(bad, schedule.systemd_units("23:59", python=str(tmp_path / "no-python")))
    assert verify(bad).returncode != 0
