"""Remove the build machine from a notebook before it is shared.

Tracebacks, warnings and stray prints carry absolute paths (the repository, the
virtualenv, the home folder, a temporary data copy); papermill-style metadata
carries input and output paths. Reports are read on other machines, so these are
replaced by stable placeholders: the repository becomes `.`, home becomes `~`.
"""

from __future__ import annotations

import os
import sys
import sysconfig
import tempfile
from pathlib import Path

from ..paths import PACKAGE_ROOT, data_root

# Notebook metadata that only describes where the notebook was run.
MACHINE_METADATA = ("input_path", "output_path", "cwd")


def machine_paths() -> list[tuple[str, str]]:
    """(path, placeholder) pairs, longest path first so nested roots win."""
    home = os.path.expanduser("~")
    pairs = {
        str(data_root()): "data",
        str(PACKAGE_ROOT): ".",
        str(Path(sys.prefix)): "{python}",
        str(Path(sys.base_prefix)): "{python}",
        sysconfig.get_paths()["stdlib"]: "{python-stdlib}",
        tempfile.gettempdir(): "{tmp}",
    }
    if home not in ("", "/"):
        pairs[home] = "~"
    for extra in os.environ.get("KCZ_SCRUB_PATHS", "").split(os.pathsep):
        if extra:
            pairs[extra] = "{path}"
    # realpath variants too: /tmp may be a symlink, and tracebacks print resolved paths
    for path, ph in list(pairs.items()):
        pairs.setdefault(os.path.realpath(path), ph)
    return sorted(((p, ph) for p, ph in pairs.items() if len(p) > 1), key=lambda x: -len(x[0]))


def scrub_text(text: str, pairs: list[tuple[str, str]]) -> str:
    for path, placeholder in pairs:
        if path in text:
            text = text.replace(path, placeholder)
    return text


def scrub_notebook(nb) -> None:
    """Scrub paths in place from every text output, traceback and metadata."""
    pairs = machine_paths()
    pm = nb.metadata.get("papermill", {})
    for key in MACHINE_METADATA:
        pm.pop(key, None)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            _scrub_output(output, pairs)


def _scrub_output(output, pairs) -> None:
    if "text" in output:
        output["text"] = scrub_text(_joined(output["text"]), pairs)
    if "traceback" in output:
        output["traceback"] = [scrub_text(line, pairs) for line in output["traceback"]]
    if "evalue" in output:
        output["evalue"] = scrub_text(output["evalue"], pairs)
    for mime, value in output.get("data", {}).items():
        if mime.startswith("text/") or mime == "image/svg+xml":
            output["data"][mime] = scrub_text(_joined(value), pairs)


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else value
