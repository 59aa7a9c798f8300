"""Running a report notebook's own cells in this process (no kernel, no display), to read its
Report: the ledger, the shown narratives, the charts and their source lines."""

from __future__ import annotations

import json
from pathlib import Path


def execute_in_process(nb_path: Path, lang: str):
    """Run the notebook's own cells in this process (no display), returning its Report."""
    ns = {}
    cells = [c for c in json.loads(nb_path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    exec("".join(cells[0]["source"]), ns)
    exec("".join(cells[1]["source"]), ns)
    ns["lang"] = lang
    for c in cells[2:]:
        exec("".join(c["source"]), ns)
    return ns["report"]
