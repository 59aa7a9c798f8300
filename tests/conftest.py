"""Shared fixtures: temporary copies of the data folder, so tests can break data safely."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

# Started with stdin closed (cron, some CI runners, `make test 0<&-`): Python sets
# sys.__stdin__ to None, and pytest's capture then fails an assertion whenever IPython asks
# stdin for its encoding. kcz itself copes (tests/test_cli.py runs it with stdin closed).
if sys.__stdin__ is None:
    sys.__stdin__ = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - kept for the session

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def report_notebooks(config: Path = REPO / "reports.toml") -> list[Path]:
    """The notebooks reports.toml declares: scratch notebooks beside them are not reports."""
    from kczlib.publish.config import load_config

    return sorted({r.notebook for r in load_config(config).reports})


REPORT_NOTEBOOKS = report_notebooks()


@pytest.fixture
def data_copy(tmp_path, monkeypatch) -> Path:
    """A writable copy of data/, made the active data root through KCZ_DATA."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    monkeypatch.setenv("KCZ_DATA", str(target))
    return target


def edit_csv_cell(path: Path, row_id: str, column: str, value: str, key: str = "id") -> None:
    """Change one cell of a CSV in place, keeping every other byte (for bad-input tests)."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    for row in rows[1:]:
        if row and row[header.index(key)] == row_id:
            row[header.index(column)] = value
            break
    else:
        raise KeyError(row_id)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
