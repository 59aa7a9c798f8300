"""Reuse a report from an earlier run when nothing it depends on has changed.

The key hashes the notebook's code, the parameters, the data files of its case, the
kczlib sources and the package versions. Earlier runs' manifests record each
report's key; a successful report with the same key is linked (or copied) into the
new run instead of being executed again.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

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
    """key -> (run folder, manifest entry) of successful reports, newest run winning."""
    found: dict[str, tuple[Path, dict]] = {}
    for run in runs(out)[:MAX_RUNS_SCANNED]:
        manifest = read_manifest(run) or {}
        for entry in manifest.get("reports", []):
            key = entry.get("cache_key")
            if entry.get("status") in ("ok", "cached") and key and key not in found:
                if all((run / f).is_file() for f in entry.get("files", [])):
                    found[key] = (run, entry)
    return found


def link_or_copy(src: Path, dst: Path) -> None:
    """Hard links cost nothing; files are never modified after a run is written."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
