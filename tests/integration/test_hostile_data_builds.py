"""Whatever `kcz validate` accepts must build: text fields of the data holding template
syntax, math text, HTML or digits (a year in a title) are printed as written, never
interpreted. Real notebooks, real kernels, on a copy of the Chengdu case whose prose and
metric names were made hostile (the notebooks address Chengdu's figure ids)."""

from __future__ import annotations

import csv
import html
import json

import pytest

from kczlib.cli import main
from kczlib.data.validate import main as validate_main

from conftest import REAL_NOTEBOOKS
from support.builds import real_notebooks_exist, run_folders, statuses, write_config

HOSTILE = " 2023 {lang} {{x}} {0} $\\frac{a}{$ <b>b</b> {% if %}"
NOTEBOOKS = ["00_overview", "01_fiscal_investment"]


@pytest.mark.skipif(not real_notebooks_exist(), reason="notebooks/*.ipynb not written yet")
def test_a_case_with_hostile_text_fields_validates_and_builds(tmp_path, data_copy):
    case = data_copy / "cases" / "chengdu"
    meta = json.loads((case / "case.json").read_text(encoding="utf-8"))
    for lang in ("zh", "en"):
        meta["title"][lang] += HOSTILE
        meta["city"][lang] += HOSTILE
    (case / "case.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    with open(case / "figures.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row["metric_zh"] += HOSTILE
        row["metric_en"] += HOSTILE
    with open(case / "figures.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    assert validate_main("chengdu") == 0  # validate accepts it...

    config = write_config(tmp_path, [{"notebook": n} for n in NOTEBOOKS], notebooks=REAL_NOTEBOOKS,
                          warm_imports=["pandas", "matplotlib.pyplot", "kczlib"])
    assert main(["--config", str(config), "build", "-q"]) == 0  # ...so it builds
    run = run_folders(tmp_path / "out")[0]
    assert set(statuses(run).values()) == {"ok"}
    # printed as written (HTML-escaped), not filled in, not typeset
    shown = html.escape(HOSTILE.strip(), quote=False)
    for name in ("00_overview-zh", "00_overview-en", "01_fiscal_investment-en"):
        page = (run / f"{name}.html").read_text(encoding="utf-8")
        assert shown in page, name
        assert "<b>b</b>" not in page
