"""One real `kcz build` of every report declared in the project's reports.toml, shared by
the reader-language and chart-layout tests (test_reader_language.py,
test_chart_layout.py). Reports and languages added to reports.toml later are
built and checked without touching the tests.

The build runs with KCZ_CHART_LAYOUT set, so every chart the notebooks draw also writes
its measured layout (kczlib._testing.write_layout) into `<out>/chart-layout/`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from support.builds import kcz_env, real_notebooks_exist, run_kcz, write_config
from support.once import once_per_run
from support.paths import REAL_NOTEBOOKS, REPO

LAYOUT_DIR = "chart-layout"


def declared_reports() -> list[dict]:
    """The [[report]] tables of the project's reports.toml."""
    return tomllib.loads((REPO / "reports.toml").read_text(encoding="utf-8"))["report"]


def _build(folder: Path):
    config = write_config(folder, declared_reports(), notebooks=REAL_NOTEBOOKS,
                          warm_imports=["pandas", "matplotlib.pyplot", "seaborn", "kczlib", "kczlib.report.theme"])
    layout = folder / LAYOUT_DIR
    layout.mkdir()
    return run_kcz("--config", config, "build", "-q", env=kcz_env(KCZ_CHART_LAYOUT=str(layout)))


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory) -> Path:
    """reports/latest of a build of every declared report (layouts in ../../chart-layout)."""
    if not real_notebooks_exist():
        pytest.skip("notebooks/*.ipynb not written yet")
    folder, done = once_per_run(tmp_path_factory, "kcz-reader-build", _build)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return folder / "out" / "latest"
