"""Run folders: `<out>/<UTC timestamp>/`, written under a temporary name, then renamed.

A reader (or `latest`) never sees a half-written run: the run is assembled in
`<out>/.tmp-<stamp>-<pid>/` and renamed into place in one `os.rename`. `latest` is a
relative symlink to the newest run in which every report succeeded, swapped
atomically (a new link is made beside it and renamed over it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

LATEST = "latest"
MANIFEST = "manifest.json"
RUN_NAME = re.compile(r"^\d{8}T\d{6}Z(-\d+)?$")
TMP_PREFIX = ".tmp-"


def utc_stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")


def new_temp_run(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / f"{TMP_PREFIX}{utc_stamp()}-{os.getpid()}"
    tmp.mkdir()
    return tmp


def finalize(tmp: Path, out: Path, stamp: str) -> Path:
    """Rename the finished run into place; a second run in the same second gets `-2`."""
    final, n = out / stamp, 1
    while final.exists():
        n += 1
        final = out / f"{stamp}-{n}"
    os.rename(tmp, final)
    return final


def point_latest(out: Path, run: Path) -> None:
    link = out / LATEST
    new = out / f".{LATEST}.{os.getpid()}"
    new.unlink(missing_ok=True)
    os.symlink(run.name, new)  # relative: the folder can be moved or copied
    os.replace(new, link)


def runs(out: Path) -> list[Path]:
    """Finished runs, newest first."""
    if not out.is_dir():
        return []
    return sorted((p for p in out.iterdir() if RUN_NAME.match(p.name) and p.is_dir()), reverse=True)


def read_manifest(run: Path) -> dict | None:
    try:
        return json.loads((run / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def remove_stale_temps(out: Path) -> None:
    """Temp folders of builds that were killed with SIGKILL (we hold the lock: none is live)."""
    for p in out.glob(f"{TMP_PREFIX}*"):
        shutil.rmtree(p, ignore_errors=True)
