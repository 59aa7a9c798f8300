"""`kcz schedule`: the cron line and systemd user units that rebuild the reports daily.

They are filled with this checkout's own paths (no placeholder left for the user to edit).

The command run is `<python> -m kczlib build -q --wait` in the checkout: `--wait` queues
behind a build that is still running, `-q` prints only failures and the summary, and the
old runs beyond `[build] keep_runs` are removed by the build itself.

Quoting: cron gives its line to `/bin/sh`, so paths are shell-quoted and `%` (a newline to
cron) is escaped; systemd reads `%` as a specifier (escaped as `%%`) and splits ExecStart
on white space unless a word is in double quotes (systemd.service(5), "Command lines").
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

from kczlib.errors import ScheduleError
from kczlib.paths import PACKAGE_ROOT

SERVICE = "kcz-reports.service"
TIMER = "kcz-reports.timer"
UNIT_FOLDER = "~/.config/systemd/user"
TIME_OF_DAY = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
BUILD_ARGS = ("-m", "kczlib", "build", "-q", "--wait")


def time_of_day(text: str) -> tuple[int, int]:
    """(hour, minute) of "HH:MM" (24-hour clock); ScheduleError otherwise."""
    match = TIME_OF_DAY.fullmatch(text.strip())
    if not match:
        raise ScheduleError(f"--at {text!r}: give a time of day as HH:MM, e.g. 06:30")
    return int(match.group(1)), int(match.group(2))


def cron_line(at: str = "06:30", checkout: Path = PACKAGE_ROOT, python: str = sys.executable) -> str:
    """One crontab line: build daily at `at`, appending its output to reports/cron.log."""
    hour, minute = time_of_day(at)
    log = Path(checkout) / "reports" / "cron.log"
    command = (f"cd {shlex.quote(str(checkout))} && {shlex.join([python, *BUILD_ARGS])} "
               f">> {shlex.quote(str(log))} 2>&1")
    return f"{minute} {hour} * * *  {command.replace('%', chr(92) + '%')}"


def _systemd_word(word: str) -> str:
    escaped = word.replace("%", "%%").replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"' if any(c.isspace() for c in word) or escaped != word else word


def systemd_units(at: str = "06:30", checkout: Path = PACKAGE_ROOT, python: str = sys.executable
                  ) -> dict[str, str]:
    """{file name: text} of the service and its daily timer, for `~/.config/systemd/user/`."""
    hour, minute = time_of_day(at)
    command = " ".join(_systemd_word(w) for w in (python, *BUILD_ARGS))
    service = ("[Unit]\nDescription=Build the kcz reports\n\n[Service]\nType=oneshot\n"
               f"WorkingDirectory={str(checkout).replace('%', '%%')}\nExecStart={command}\n")
    timer = ("[Unit]\nDescription=Build the kcz reports daily\n\n[Timer]\n"
             f"OnCalendar=*-*-* {hour:02d}:{minute:02d}\nPersistent=true\n\n"
             "[Install]\nWantedBy=timers.target\n")
    return {SERVICE: service, TIMER: timer}


def write_units(folder: Path, units: dict[str, str]) -> list[Path]:
    """Write `units` into `folder` (made if missing); the paths written. ScheduleError if not."""
    written = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in units.items():
            (folder / name).write_text(text, encoding="utf-8")
            written.append(folder / name)
    except OSError as exc:
        raise ScheduleError(f"cannot write the units into {folder}: {exc.strerror or exc}") from None
    return written


def schedule_lines(kind: str, at: str = "06:30", write: Path | None = None) -> list[str]:
    """`kcz schedule`: what it prints, having written the unit files if asked to.

    Args:
        kind: "cron" (one crontab line) or "systemd" (a service and its timer).
        at: time of day, "HH:MM" (24-hour clock).
        write: systemd only: the folder to write the two unit files into (`~` expanded).

    Returns:
        The lines (or blocks of lines) to print, in order.

    Raises:
        ScheduleError: `write` given for cron, a bad time of day, or the units cannot be written.
    """
    if kind == "cron":
        if write:
            raise ScheduleError("--write is for systemd units; add the cron line with `crontab -e`")
        return [cron_line(at)]
    units = systemd_units(at)
    if write:
        lines = [f"kcz: wrote {path}" for path in write_units(write.expanduser(), units)]
        return [*lines, f"then: systemctl --user daemon-reload && systemctl --user enable --now {TIMER}"]
    return [f"# {UNIT_FOLDER}/{name}\n{text}" for name, text in units.items()]
