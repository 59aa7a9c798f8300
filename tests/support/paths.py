"""Where the tests find the project: the repository, its data, the fixture notebooks and cases,
and the report notebooks reports.toml declares (so adding a report needs no test edit)."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
REPO = TESTS.parent
DATA = REPO / "data"
FIXTURES = TESTS / "fixtures"
FIXTURE_NOTEBOOKS = TESTS / "notebooks"
REAL_NOTEBOOKS = REPO / "notebooks"


def report_notebooks(config: Path = REPO / "reports.toml") -> list[Path]:
    """The notebooks reports.toml declares: scratch notebooks beside them are not reports."""
    from kczlib.publish.config import load_config

    return sorted({r.notebook for r in load_config(config).reports})


def case_report_notebooks(config: Path = REPO / "reports.toml") -> list[Path]:
    """The report notebooks about one case (they declare `case`): not the comparison of several cases."""
    from kczlib.publish.overrides import declared_parameters

    return [p for p in report_notebooks(config) if "case" in declared_parameters(p)]


REPORT_NOTEBOOKS = report_notebooks()
REPORT_NAMES = [p.stem for p in REPORT_NOTEBOOKS]
CASE_REPORT_NOTEBOOKS = case_report_notebooks()  # per-case reports: tests of one case's page use these
