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


NO_SYSTEMD = shutil.which("systemd-analyze") is None
needs_systemd = pytest.mark.skipif(NO_SYSTEMD, reason="systemd-analyze is not installed here (systemd's own check of "
                                                      "the units cannot run)")


def verify(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["systemd-analyze", "verify", "--man=no", str(folder / schedule.SERVICE),
                           str(folder / schedule.TIMER)], capture_output=True, text=True, timeout=120)


def printed_units(stdout: str) -> dict[str, str]:
    """The unit files in what `kcz schedule systemd` prints: each block starts `# <folder>/<name>`."""
    units: dict[str, str] = {}
    for block in stdout.split(f"# {schedule.UNIT_FOLDER}/")[1:]:
        name, text = block.split("\n", 1)
        units[name] = text.rstrip("\n") + "\n"
    return units


@needs_systemd
def test_systemd_accepts_the_units_kcz_schedule_prints(tmp_path):
    result = run_kcz("schedule", "systemd", "--at", "23:59")
    assert result.returncode == 0, result.stderr
    units = printed_units(result.stdout)
    assert sorted(units) == sorted([schedule.SERVICE, schedule.TIMER])
    assert f"ExecStart={sys.executable} -m kczlib build -q --wait\n" in units[schedule.SERVICE]  # absolute
    schedule.write_units(tmp_path, units)
    done = verify(tmp_path)
    assert done.returncode == 0, done.stderr


@needs_systemd
def test_systemd_accepts_a_checkout_path_with_spaces_and_percent_and_rejects_broken_units(tmp_path):
    checkout = tmp_path / "my reports 100%"
    python = checkout / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.symlink_to(sys.executable)
    units = schedule.systemd_units("06:30", checkout, str(python))
    schedule.write_units(tmp_path / "good", units)
    done = verify(tmp_path / "good")
    assert done.returncode == 0, done.stderr
    # the check can fail: each of these breaks the service, and systemd says so
    service = units[schedule.SERVICE]
    broken = {
        "unquoted": service.replace(f'"{str(python).replace("%", "%%")}"', str(python).replace("%", "%%")),
        "relative": service.replace(f'ExecStart="{str(python).replace("%", "%%")}"', "ExecStart=.venv/bin/python"),
        "missing": service.replace(".venv/bin/python", ".venv/bin/no-python"),
    }
    for why, text in broken.items():
        assert text != service, why
        folder = tmp_path / why
        schedule.write_units(folder, {**units, schedule.SERVICE: text})
        done = verify(folder)
        assert done.returncode != 0, (why, text)
        assert "kcz-reports.service" in done.stderr, (why, done.stderr)
