"""Shared fixtures and constants.

- paths (REPO, DATA, FIXTURES, FIXTURE_NOTEBOOKS, REAL_NOTEBOOKS) and the report notebooks
  reports.toml declares (REPORT_NOTEBOOKS, REPORT_NAMES), from tests/support/paths.py;
- data_copy: a temporary copy of the data folder, so tests can break data safely;
- built_reports (session): one real `kcz build` of every declared report (support/reader_build.py);
- second_case_run (session): one real `kcz build` of every declared report for the fixture case;
  both session builds are made once per test run, also with several workers (support/once.py);
- browser, playwright (module): one headless Chromium per module (support/browser.py);
- markers by folder: tests/integration/ is `integration`, tests/e2e/ is `e2e`.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from support.builds import kcz_env, run_kcz, write_config
from support.once import once_per_run
from support.paths import (  # noqa: F401  (tests import them from here)
    CASE_REPORT_NOTEBOOKS,
    DATA,
    FIXTURE_NOTEBOOKS,
    FIXTURES,
    REAL_NOTEBOOKS,
    REPO,
    REPORT_NAMES,
    REPORT_NOTEBOOKS,
    TESTS,
    report_notebooks,
)

pytest_plugins = ["support.reader_build", "support.browser"]

# Started with stdin closed (cron, some CI runners, `make test 0<&-`): Python sets
# sys.__stdin__ to None, and pytest's capture then fails an assertion whenever IPython asks
# stdin for its encoding. kcz itself copes (tests/integration/test_cli_runs.py runs it with stdin closed).
if sys.__stdin__ is None:
    sys.__stdin__ = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - kept for the session

SECOND_CASE = FIXTURES / "cases" / "jiangcheng"


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


@pytest.fixture(scope="session")
def second_case_run(tmp_path_factory):
    """One `kcz build` of every declared report in both languages for the fixture case
    (tests/fixtures/cases/jiangcheng), in a data folder holding the vocabulary, the schemas and
    that case only: (reports/latest of it, the finished `kcz` process). Once per test run, also
    with several workers (support/once.py)."""
    root, result = once_per_run(tmp_path_factory, "any_case", _build_second_case)
    return root / "out" / "latest", result


def _build_second_case(root: Path):
    from kczlib.paths import data_root

    data = root / "data"
    (data / "cases").mkdir(parents=True)
    shutil.copytree(data_root() / "schema", data / "schema")
    shutil.copy(data_root() / "indicators.csv", data / "indicators.csv")
    shutil.copytree(SECOND_CASE, data / "cases" / SECOND_CASE.name)
    config = write_config(root, [{"notebook": n} for n in REPORT_NAMES], notebooks=REAL_NOTEBOOKS,
                          warm_imports=["pandas", "matplotlib.pyplot", "kczlib", "kczlib.report.theme"])
    # the case is the configuration's default (a `-p` build is named custom and never `latest`)
    config.write_text(config.read_text(encoding="utf-8").replace('case = "chengdu"', f'case = "{SECOND_CASE.name}"', 1),
                      encoding="utf-8")
    from support.reader_build import LAYOUT_DIR  # (a plugin: imported here, after pytest registered it)

    (root / LAYOUT_DIR).mkdir()  # its charts' measured layouts, as for built_reports (test_chart_layout.py)
    return run_kcz("--config", config, "build", "-q", env=kcz_env(KCZ_DATA=str(data),
                                                                KCZ_CHART_LAYOUT=str(root / LAYOUT_DIR)),
                   timeout=1200)


@pytest.fixture(scope="session")
def executed_reports():
    """report(name, lang) -> the Report of that report notebook executed in process, once per
    session for all modules (support.notebooks.executed_report), with the session's data."""
    from support.notebooks import executed_report

    return executed_report


TIER_MARKS = {"integration": pytest.mark.integration, "e2e": pytest.mark.e2e}


def pytest_collection_modifyitems(items) -> None:
    """Mark each test by its tier folder: tests/integration/ `integration`, tests/e2e/ `e2e`."""
    for item in items:
        tier = Path(item.path).resolve().relative_to(TESTS).parts[0]
        if tier in TIER_MARKS:
            item.add_marker(TIER_MARKS[tier])
