"""`kcz build` rebuilds only the reports whose inputs changed (issue 25, part 1).

Real builds, real kernels, on a copy of kczlib (the word files and modules live in the package,
and the test edits them) and of the data with the first case only. Three English reports keep
it small: 00_overview (counts every figure row), 01_fiscal_investment and 03_talent_inflows.
Which report depends on what was worked out by hand from the data and word files:

- `jiebang_talent` (figures.csv) is a figure of chain `outcome_talent`, whose home report is
  03_talent_inflows (every figure appears in its home report: printed by a section, or listed
  under "other reported figures"); 00_overview counts the rows of figures.csv and what validation
  finds in them (qualifiers, shared mentions), none of which a figure's name changes; 01 prints
  fiscal figures and no talent figure. Editing its English name rebuilds 03 and reuses 00 and 01.
- `fiscal.rd_heading` (kczlib/words/fiscal.toml) is the heading of 01's section on R&D
  (`sections/fiscal.py`, shown whenever the case reports R&D intensity, as the first case does:
  `rd_intensity_2021`); neither 00 nor 03 prints a fiscal.* word. Editing its English text
  rebuilds 01 only.
- Any kczlib module (here kczlib/analysis/metrics.py) rebuilds every report.
"""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import DATA, REPO
from support.builds import kcz_command, kcz_env, manifest, write_config
from support.report_setup import keep_only_cases

pytestmark = pytest.mark.notebook
NAMES = ("00_overview", "01_fiscal_investment", "03_talent_inflows")
OLD_NAME = "Talents gathered through jiebang guashuai (industry and technical experts)"
NEW_NAME = "People gathered through jiebang guashuai (industry and technical experts)"
OLD_HEADING = 'en = "R&D and outside benchmarks"'
NEW_HEADING = 'en = "R&D against outside benchmarks"'


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """(root, env, config) of a project copy: kczlib, notebooks, the data with the first case, reports.toml."""
    root = tmp_path_factory.mktemp("incremental")
    for folder in ("kczlib", "notebooks"):  # the notebooks find their own file under the project root
        shutil.copytree(REPO / folder, root / "src" / folder, ignore=shutil.ignore_patterns("__pycache__", "scratch"))
    shutil.copytree(DATA, root / "data")
    keep_only_cases(root / "data", "chengdu")
    config = write_config(root, [{"notebook": n} for n in NAMES], notebooks=root / "src" / "notebooks", langs=["en"],
                          warm_imports=["pandas", "matplotlib.pyplot", "kczlib", "kczlib.report.theme"])
    env = kcz_env(KCZ_DATA=str(root / "data"), PYTHONPATH=str(root / "src"))
    return root, env, config


def build(project, *args) -> tuple[Path, dict[str, str], str]:
    """(run folder, {report: status}, the --explain lines) of one `kcz build --explain`."""
    root, env, config = project
    # from the copy's folder: `python -m` puts the working folder first on the path, so the builder
    # (and the kernels, which get the builder's project root first) import the copy of kczlib
    done = subprocess.run(kcz_command("--config", config, "build", "--explain", "--jobs", "2", *args),
                          env=env, cwd=root / "src", capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    run = (root / "out" / "latest").resolve()
    return run, {e["name"]: e["status"] for e in manifest(run)["reports"]}, done.stderr


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def page(run: Path, name: str) -> str:
    """The reader page, without what differs between two builds of the same inputs.

    That is the build's times, the run's name and the id nbformat gives the injected-parameters
    cell (random, new each time a notebook is executed).
    """
    text = (run / f"{name}.html").read_text(encoding="utf-8")
    text = re.sub(r'id="cell-id=[0-9a-f]+"', 'id="cell-id"', text)
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?", "<time>", text)
    return re.sub(r"\d{8}T\d{6}Z", "<run>", text)


@pytest.fixture(scope="module")
def builds(project):
    """The builds, in order: cold, one row edited, one word edited, the same with --force, a module edited."""
    root = project[0]
    out = {"cold": build(project)}
    edit(root / "data" / "cases" / "chengdu" / "figures.csv", OLD_NAME, NEW_NAME)
    out["row"] = build(project)
    edit(root / "src" / "kczlib" / "words" / "fiscal.toml", OLD_HEADING, NEW_HEADING)
    out["word"] = build(project)
    out["force"] = build(project, "--force")
    with (root / "src" / "kczlib" / "analysis" / "metrics.py").open("a", encoding="utf-8") as f:
        f.write("\n# an edit of a module: every report depends on kczlib's code\n")
    out["module"] = build(project)
    return out


def test_a_cold_build_runs_every_report(builds):
    _, status, said = builds["cold"]
    assert status == {f"{n}-en": "ok" for n in NAMES}
    assert "00_overview-en: rebuilt: no earlier build of it" in said


def test_an_edited_row_rebuilds_exactly_the_reports_that_read_it(builds):
    run, status, said = builds["row"]
    assert status == {"00_overview-en": "cached", "01_fiscal_investment-en": "cached", "03_talent_inflows-en": "ok"}
    assert "03_talent_inflows-en: rebuilt: cases/chengdu/figures.csv row jiebang_talent changed" in said
    assert "00_overview-en: reused: nothing it read changed" in said
    assert "01_fiscal_investment-en: reused: nothing it read changed" in said
    assert NEW_NAME.split(" (")[0] in (run / "03_talent_inflows-en.html").read_text(encoding="utf-8")


def test_an_edited_word_rebuilds_only_the_report_that_prints_it(builds):
    run, status, said = builds["word"]
    assert status == {"00_overview-en": "cached", "01_fiscal_investment-en": "ok", "03_talent_inflows-en": "cached"}
    assert "01_fiscal_investment-en: rebuilt: fiscal.toml key fiscal.rd_heading (en) changed" in said
    assert "R&amp;D against outside benchmarks" in (run / "01_fiscal_investment-en.html").read_text(encoding="utf-8")


def test_a_forced_build_gives_the_same_pages_as_the_incremental_one(builds):
    incremental, forced = builds["word"][0], builds["force"][0]
    assert set(builds["force"][1].values()) == {"ok"}
    for name in NAMES:
        a, b = (page(run, f"{name}-en").replace(">", ">\n").splitlines() for run in (incremental, forced))
        assert a == b, (name, list(difflib.unified_diff(a, b, lineterm="", n=0))[:8])


def test_an_edited_module_rebuilds_every_report(builds):
    _, status, said = builds["module"]
    assert set(status.values()) == {"ok"}
    assert said.count("rebuilt: kczlib changed (kczlib/analysis/metrics.py)") == len(NAMES)
