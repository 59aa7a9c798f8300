"""Reuse a report from an earlier run when nothing it depends on has changed.

The key hashes the notebook's code, the parameters, the data files of its case, the
kczlib sources and the package versions. Earlier runs' manifests record each
report's key; a successful report with the same key is linked (or copied) into the
new run instead of being executed again.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from .config import SAFE_NAME
from .lock import UnsafeOutputFolder

from .manifest import hash_json
from .run_folder import read_manifest, runs

CACHE_FORMAT = 1  # bump when the builder's output layout changes
MAX_RUNS_SCANNED = 20


def cache_key(notebook_hash: str, parameters: dict, data: dict, sources: dict, versions: dict) -> str:
    return hash_json({
        "format": CACHE_FORMAT, "notebook": notebook_hash, "parameters": parameters,
        "data": data, "kczlib": sources, "versions": versions,
    })


def previous_outputs(out: Path) -> dict[str, tuple[Path, dict]]:
    """key -> (run folder, manifest entry) of successful reports, newest run winning.

    Only a report whose every file (`files_of(name)`, name a safe name) is a regular
    file in a real run folder counts: a symlink planted in place of a run or a report
    file is never reused, so it cannot carry another file into a new run or `latest`.
    """
    found: dict[str, tuple[Path, dict]] = {}
    for run in runs(out)[:MAX_RUNS_SCANNED]:
        manifest = read_manifest(run) or {}
        for entry in manifest.get("reports", []):
            key, name = entry.get("cache_key"), str(entry.get("name", ""))
            if (entry.get("status") in ("ok", "cached") and key and key not in found
                    and SAFE_NAME.fullmatch(name)
                    and all(_regular_file(run / f) for f in files_of(name))):
                found[key] = (run, entry)
    return found


def files_of(name: str) -> list[str]:
    """The files a report writes into its run folder."""
    return [f"{name}.ipynb", f"{name}.html", f"{name}.analyst.html"]


def _regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)  # lstat: a symlink is not followed
    except OSError:
        return False


def link_or_copy(src: Path, dst: Path) -> None:
    """Hard links cost nothing; files are never modified after a run is written.

    Raises UnsafeOutputFolder if `src` is not a regular file (e.g. a symlink planted
    after the cache was scanned): it is neither linked nor followed.
    """
    if not _regular_file(src):
        raise UnsafeOutputFolder(f"{src} is not a regular file; kcz does not reuse links")
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        shutil.copyfile(src, dst, follow_symlinks=False)
