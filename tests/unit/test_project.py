"""Project hygiene: dependency lists agree, notebooks are stripped, imports stay light."""

import json
import re
import subprocess
import sys
import tomllib

import pytest

from conftest import REPO, REPORT_NOTEBOOKS


def _names(specs):
    return {re.split(r"[<>=!~ \[]", s.strip(), maxsplit=1)[0].lower() for s in specs}


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = _names(project["dependencies"]) | _names(extras["test"]) | _names(extras["dev"])
    listed = set()
    text = (REPO / "environment.yml").read_text()
    for line in text[text.index("dependencies:"):].splitlines():
        m = re.match(r"^\s+-\s+([A-Za-z][\w.-]*)", line)
        if m and m.group(1) not in ("python", "pip"):
            listed.add(m.group(1).lower())
    assert listed == wanted


@pytest.mark.parametrize("nb", REPORT_NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_in_git_carry_no_outputs(nb):
    cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
    dirty = [i for i, c in enumerate(cells)
             if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert dirty == [], f"{nb.name}: cells {dirty} have outputs; clear them before committing"


def test_importing_kczlib_does_not_import_plotting_libraries():
    code = ("import sys, kczlib; kczlib.load_figures(); "
            "print(sorted(m for m in ('matplotlib', 'seaborn') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_nothing_reads_the_shared_reference_folder():
    hits = subprocess.run(["git", "grep", "-n", "-e", "shared/source", "-e", "shared/context",
                           "--", "kczlib", "notebooks", "Makefile", ".ci", "pyproject.toml", "reports.toml"],
                          capture_output=True, text=True, cwd=REPO).stdout
    assert hits == ""


def test_ci_runs_exactly_the_readmes_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text()
    assert "make test" in readme and re.search(r"^make test$", ci, re.M)


@pytest.mark.parametrize("make_exit", [0, 2])
def test_ci_prints_its_total_wall_time_last_also_when_a_step_fails(tmp_path, make_exit):
    # the real script, run by bash from a copy of the checkout's .ci/, with `make` and `chromium`
    # stand-ins on PATH that log their arguments: the steps and the timing line, not the suite
    (tmp_path / ".ci").mkdir()
    (tmp_path / ".ci" / "run").write_text((REPO / ".ci" / "run").read_text())
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in (("make", f'echo "make $*" >> "{tmp_path}/calls"; exit {make_exit}'),
                       ("chromium", "exit 0")):
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(["bash", str(tmp_path / ".ci" / "run")], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == make_exit, done.stderr
    calls = (tmp_path / "calls").read_text().splitlines()
    assert calls == (["make lint", "make typecheck", "make test"] if make_exit == 0 else ["make lint"])
    assert re.fullmatch(r"ci: total \d+ s \(\d+ min \d+ s\)", done.stdout.strip().splitlines()[-1]), done.stdout


def test_no_code_word_file_or_notebook_names_a_case():
    # every case's folder name and its city in each language (from its case.json), searched in
    # the package (code, word files, templates) and the report notebooks
    from kczlib.data.cases import get_case, list_cases

    names = set()
    for case in list_cases():
        names |= {case, *get_case(case).meta["city"].values()}
    files = [p for p in (REPO / "kczlib").rglob("*") if p.suffix in (".py", ".toml", ".j2", ".css")]
    files += sorted((REPO / "notebooks").glob("*.ipynb"))
    found = [f"{p.relative_to(REPO)}: {name}" for p in files for name in sorted(names)
             if name.lower() in p.read_text(encoding="utf-8").lower()]
    assert found == []
