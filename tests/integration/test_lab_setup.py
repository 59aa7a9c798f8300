"""The analyst's set-up: scratch notebooks beside the reports, notebooks stored without outputs.

Each test works on a temporary copy of the project, so nothing here touches this clone's
git configuration or its notebooks folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import REPO, REPORT_NOTEBOOKS
from support.lab import MAKE_WITH_THIS_VENV, VENV, project_copy

STRIPPED_KEYS = ["--extra-keys", "metadata.language_info"]  # the Makefile's NBSTRIPOUT_KEYS
# the reports, the examples and the test notebooks (not a scratch or Untitled notebook of the analyst)
COMMITTED_NOTEBOOKS = [p for pattern in ("notebooks/[0-9][0-9]_*.ipynb", "notebooks/examples/*.ipynb",
                                         "tests/notebooks/*.ipynb") for p in sorted(REPO.glob(pattern))]


def saved_scratch_notebook() -> nbformat.NotebookNode:
    """What JupyterLab saves for a new notebook someone ran: outputs, counts, no parameters."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("import kczlib\nlen(kczlib.load_figures())", execution_count=3)
    cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "123"}, execution_count=3)]
    nb.cells = [cell, nbformat.v4.new_code_cell("x = 1  # a name the reports never declare")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def in_copy(copy: Path, *args, **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(copy))
    return subprocess.run([sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True,
                          timeout=600, **kw)


def collected(copy: Path) -> list[str]:
    out = in_copy(copy, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider")
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return sorted(line for line in out.stdout.splitlines() if "::" in line)


def test_reports_are_the_notebooks_reports_toml_declares():
    numbered = sorted(p.name for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert numbered and [p.name for p in REPORT_NOTEBOOKS] == numbered


def test_a_scratch_notebook_beside_the_reports_changes_no_test_and_no_build(tmp_path):
    copy = project_copy(tmp_path / "kcz")
    before = collected(copy)
    nbformat.write(saved_scratch_notebook(), copy / "notebooks" / "Untitled.ipynb")
    (copy / "notebooks" / "scratch").mkdir()
    nbformat.write(saved_scratch_notebook(), copy / "notebooks" / "scratch" / "Untitled1.ipynb")
    assert collected(copy) == before
    assert not [t for t in before if "Untitled" in t]
    # the tests that look at every report notebook still pass beside it
    quick = in_copy(copy, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/unit/report/test_parameters.py",
                    "tests/unit/test_project.py::test_notebooks_in_git_carry_no_outputs",
                    "tests/integration/test_notebooks.py::test_the_reports_are_the_numbered_notebooks")
    assert quick.returncode == 0, quick.stdout[-3000:]
    listed = in_copy(copy, "-m", "kczlib", "list")
    assert listed.returncode == 0 and "Untitled" not in listed.stdout and "00_overview-zh" in listed.stdout


def test_git_ignores_the_scratch_folder_but_keeps_its_readme():
    ignored = subprocess.run(["git", "check-ignore", "--no-index", "-q", "notebooks/scratch/Untitled.ipynb"], cwd=REPO)
    assert ignored.returncode == 0
    kept = subprocess.run(["git", "check-ignore", "--no-index", "-q", "notebooks/scratch/README.md"], cwd=REPO)
    assert kept.returncode == 1


@pytest.mark.parametrize("nb", REPORT_NOTEBOOKS, ids=lambda p: p.stem)
def test_report_notebooks_are_stored_as_nbstripout_leaves_them(nb):
    cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
    assert not [i for i, c in enumerate(cells) if c.get("outputs") or c.get("execution_count") is not None]
    check = subprocess.run([str(VENV / "bin" / "nbstripout"), "--verify", "--keep-id", *STRIPPED_KEYS, str(nb)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("nb", COMMITTED_NOTEBOOKS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_committed_notebooks_carry_the_metadata_jupyterlab_writes(nb):
    # JupyterLab 4 writes the running kernel's spec (the .venv kernel.json says "Python 3 (ipykernel)")
    # and its own language_info; the filter drops language_info, so a saved notebook is stored as is
    metadata = json.loads(nb.read_text(encoding="utf-8"))["metadata"]
    assert metadata == {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                       "name": "python3"}}


def make(copy: Path, target: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", "-C", str(copy), target, *MAKE_WITH_THIS_VENV],
                          capture_output=True, text=True, timeout=120, **kw)


def git(copy: Path, *args) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.org")
    out = subprocess.run(["git", *args], cwd=copy, capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.skipif(shutil.which("make") is None or shutil.which("git") is None, reason="needs make and git")
def test_setup_makes_git_store_notebooks_without_outputs(tmp_path):
    copy = project_copy(tmp_path / "kcz")
    git(copy, "init", "-q")
    done = make(copy, "setup")
    assert done.returncode == 0, done.stdout + done.stderr
    clean = git(copy, "config", "filter.nbstripout.clean")
    assert "nbstripout" in clean and "--extra-keys metadata.language_info" in clean
    report = copy / "notebooks" / "02_tech_finance_leverage.ipynb"
    nb = nbformat.read(report, as_version=4)
    saved = json.loads(report.read_text(encoding="utf-8"))
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.execution_count = 7
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="output of a lab session\n")]
    # what JupyterLab 4.6 adds on save (seen in the user journey): the running Python's language_info
    nb.metadata["language_info"] = {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                                    "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                                    "pygments_lexer": "ipython3", "version": "3.11.7"}
    nbformat.write(nb, report)
    git(copy, "add", "notebooks/02_tech_finance_leverage.ipynb")
    stored = json.loads(git(copy, "show", ":notebooks/02_tech_finance_leverage.ipynb"))
    assert stored["cells"] == saved["cells"]  # outputs and count gone, ids and sources as committed
    assert stored["metadata"] == saved["metadata"]  # language_info gone: the stored file is unchanged
    assert "output of a lab session" in report.read_text(encoding="utf-8")  # the working file keeps them


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_setup_outside_a_git_clone_succeeds_and_says_so(tmp_path):
    copy = project_copy(tmp_path / "kcz")
    done = make(copy, "setup", env=dict(os.environ, GIT_CEILING_DIRECTORIES=str(tmp_path)))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "not a git clone" in done.stdout
    assert not (copy / ".git").exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_lab_opens_at_the_project_root_and_passes_options_through():
    dry = subprocess.run(["make", "--no-print-directory", "-n", "-C", str(REPO), "lab", *MAKE_WITH_THIS_VENV,
                          "LAB_ARGS=--allow-root --port 8899"], capture_output=True, text=True, timeout=60)
    command = [line for line in dry.stdout.splitlines() if "jupyter lab" in line]
    assert len(command) == 1, dry.stdout
    assert "--ServerApp.root_dir=." in command[0] and command[0].endswith("--allow-root --port 8899")
