"""Running a report notebook's own cells in this process (no kernel, no display), to read its
Report: the ledger, the shown narratives, the charts and their source lines."""

from __future__ import annotations

import json
import os
from functools import cache
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


_SESSION_DATA = os.environ.get("KCZ_DATA")  # the data root of the session, before any test's data_copy


@cache
def executed_report(name: str, lang: str):
    """The Report of report notebook `name` in `lang`, executed in process once per test session
    with the session's data (a test's data_copy does not leak into it); the conftest fixture
    `executed_reports` hands out this function. A test that edits the data runs
    execute_in_process itself."""
    from support.paths import REAL_NOTEBOOKS

    saved = os.environ.get("KCZ_DATA")
    _set_data(_SESSION_DATA)
    try:
        return execute_in_process(REAL_NOTEBOOKS / f"{name}.ipynb", lang)
    finally:
        _set_data(saved)


def _set_data(root: str | None) -> None:
    if root is None:
        os.environ.pop("KCZ_DATA", None)
    else:
        os.environ["KCZ_DATA"] = root
