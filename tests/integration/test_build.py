"""`kcz build` end to end on fixture notebooks (real kernels, real papermill/nbconvert),
plus the real notebooks when they exist (marked `notebook`)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import nbformat
import pytest

from kczlib.cli import main
from kczlib.publish.lock import build_lock

from conftest import REAL_NOTEBOOKS, REPORT_NOTEBOOKS
from support.builds import (
    kcz_command,
    kcz_env,
    manifest,
    real_notebooks_exist,
    run_folders,
    run_kcz,
    statuses,
    write_config,
)

TINY = [{"notebook": "tiny_report"}]


def kcz(config: Path, *args) -> int:
    return main(["--config", str(config), "build", "-q", *map(str, args)])


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory):
    """One fixture build (zh + en) shared by the assertions about a successful run."""
    folder = tmp_path_factory.mktemp("tiny")
    config = write_config(folder, TINY)
    code = kcz(config)
    out = folder / "out"
    return config, out, code, run_folders(out)[0]


def test_a_successful_build_writes_every_output_and_points_latest_at_it(tiny_build):
    _, out, code, run = tiny_build
    assert code == 0
    for name in ("tiny_report-zh", "tiny_report-en"):
        for suffix in (".ipynb", ".html", ".analyst.html"):
            assert (run / f"{name}{suffix}").stat().st_size > 0
    assert (run / "index.html").is_file()
    assert statuses(run) == {"tiny_report-zh": "ok", "tiny_report-en": "ok"}
    assert os.readlink(out / "latest") == run.name  # relative link
    assert not list(out.glob(".tmp-*"))


def test_manifest_records_parameters_hashes_versions_and_timings(tiny_build):
    run = tiny_build[3]
    assert manifest(run)["data"] == "data"  # the project's own data folder
    entry = manifest(run)["reports"][0]
    assert entry["parameters"] == {"case": "chengdu", "lang": "zh"}
    assert set(entry["inputs"]) == {"notebook", "data", "kczlib"}
    assert any(p.startswith("cases/chengdu/") for p in entry["inputs"]["data"])
    assert "kczlib/publish/pipeline.py" in entry["inputs"]["kczlib"]
    assert {"pandas", "papermill", "nbconvert", "python"} <= set(entry["versions"])
    assert entry["seconds"] > 0 and entry["data_version"]


def test_reader_html_hides_code_and_analyst_html_shows_it(tiny_build):
    run = tiny_build[3]
    reader = (run / "tiny_report-zh.html").read_text(encoding="utf-8")
    analyst = (run / "tiny_report-zh.analyst.html").read_text(encoding="utf-8")
    def text(html):
        return re.sub(r"<[^>]+>", "", html)  # code is split into highlighting spans

    assert "plt.subplots" not in text(reader) and "plt.subplots" in text(analyst)
    assert '<div class="jp-InputPrompt' not in reader and '<div class="jp-InputPrompt' in analyst
    for html in (reader, analyst):
        assert "data:image/png;base64," in html
        assert "构建信息" in html  # the provenance block ends every report


def test_the_executed_notebook_has_parameters_injected_and_provenance_last(tiny_build):
    nb = nbformat.read(tiny_build[3] / "tiny_report-en.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "lang = 'en'" in injected[0].source
    assert "kcz-provenance" in nb.cells[-1].metadata["tags"]
    assert "Provenance" in nb.cells[-1].source


def test_a_second_build_is_served_from_the_cache(tiny_build):
    config, out, _, first = tiny_build
    assert kcz(config) == 0
    second = run_folders(out)[0]
    assert second != first
    assert set(statuses(second).values()) == {"cached"}
    assert (second / "tiny_report-zh.html").read_bytes() == (first / "tiny_report-zh.html").read_bytes()
    assert os.readlink(out / "latest") == second.name


def test_force_executes_again(tiny_build, capsys):
    config, out, _, _ = tiny_build
    capsys.readouterr()
    assert kcz(config, "--force", "--only", "tiny_report-zh") == 0
    # the summary counts the one report selected (the start line, not shown with -q, says 1
    # report(s)); the other is said apart
    err = capsys.readouterr().err
    assert "kcz: 1 ok; 1 more carried over unchanged from earlier runs in " in err
    # the other configured report completes the run from the cache, so it is latest
    assert statuses(run_folders(out)[0]) == {"tiny_report-zh": "ok", "tiny_report-en": "cached"}
    assert os.readlink(out / "latest") == run_folders(out)[0].name


def test_changing_one_case_reruns_only_the_reports_of_that_case(tmp_path, data_copy):
    shutil.copytree(data_copy / "cases" / "chengdu", data_copy / "cases" / "demo")
    config = write_config(tmp_path, [
        {"notebook": "tiny_report"},
        {"notebook": "tiny_report", "name": "tiny_demo", "parameters": {"case": "demo"}},
    ], langs=["zh"])
    assert kcz(config) == 0
    meta = data_copy / "cases" / "demo" / "case.json"
    case = json.loads(meta.read_text(encoding="utf-8"))
    case["title"]["zh"] = "改过的标题"
    meta.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")

    assert kcz(config) == 0
    run = run_folders(tmp_path / "out")[0]
    assert statuses(run) == {"tiny_report-zh": "cached", "tiny_demo-zh": "ok"}
    assert "改过的标题" in (run / "tiny_demo-zh.html").read_text(encoding="utf-8")


def test_a_failing_report_is_marked_and_does_not_stop_the_others(tiny_build, tmp_path):
    config = write_config(tmp_path, [{"notebook": "tiny_report"}, {"notebook": "fails_in_cell_3"}],
                          langs=["zh"])
    out = tmp_path / "out"
    assert kcz(config, "--only", "tiny_report-zh") == 0
    assert not os.path.lexists(out / "latest")  # a partial run (fails_in_cell_3 not built)

    assert kcz(config) == 1
    run = run_folders(out)[0]
    assert statuses(run) == {"tiny_report-zh": "cached", "fails_in_cell_3-zh": "failed"}
    assert not os.path.lexists(out / "latest")  # a run with a failure is not latest either
    error = next(e for e in manifest(run)["reports"] if e["status"] == "failed")["error"]
    assert error["ename"] == "UnknownCaseError" and "no_such_case" in error["head"]
    assert "no_such_case" in (run / "index.html").read_text(encoding="utf-8")
    nb = nbformat.read(run / "fails_in_cell_3-zh.ipynb", as_version=4)
    assert "An Exception was encountered" in nb.cells[0].source  # papermill's banner
    failing = [c for c in nb.cells if any(o.output_type == "error" for o in c.get("outputs", []))]
    assert len(failing) == 1 and "no_such_case" in failing[0].source


def test_an_unknown_parameter_stops_the_build_before_anything_runs(tmp_path, capsys):
    config = write_config(tmp_path, TINY)
    assert kcz(config, "-p", "colour=red") == 2
    err = capsys.readouterr().err
    assert "'colour'" in err and "case" in err and "lang" in err
    assert not (tmp_path / "out").exists() or not run_folders(tmp_path / "out")


def test_a_second_build_on_the_same_folder_exits_with_a_clear_message(tmp_path):
    config = write_config(tmp_path, TINY)
    with build_lock(tmp_path / "out"):
        result = run_kcz("--config", config, "build")
    assert result.returncode == 2
    assert f"another kcz build is running (pid {os.getpid()})" in result.stderr
    assert "Traceback" not in result.stderr


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_an_interrupted_build_leaves_no_run_and_no_kernel(tmp_path, signum, code):
    config = write_config(tmp_path, [{"notebook": "slow_report"}], langs=["zh"])
    out = tmp_path / "out"
    (out / "20000101T000000Z").mkdir(parents=True)
    (out / "latest").symlink_to("20000101T000000Z")
    proc = subprocess.Popen(kcz_command("--config", config, "build"), env=kcz_env(),
                            stderr=subprocess.PIPE, text=True)
    assert "start   slow_report-zh" in _read_until(proc, "start   slow_report-zh")
    kernels = _children(proc.pid)
    assert kernels and list(out.glob(".tmp-*"))
    proc.send_signal(signum)
    assert proc.wait(timeout=60) == code
    rest = proc.stderr.read()
    assert "cancelled slow_report-zh" in rest and "FAILED" not in rest, rest
    # one message, from the build itself: no export process's start-up message, no asyncio
    # "Task was destroyed" (attack log S21, B1)
    assert "while starting" not in rest and "Task was destroyed" not in rest, rest
    assert rest.strip().splitlines()[-1].endswith("no run was written, latest unchanged"), rest
    assert not list(out.glob(".tmp-*"))
    assert [p.name for p in run_folders(out)] == ["20000101T000000Z"]
    assert os.readlink(out / "latest") == "20000101T000000Z"
    assert not [pid for pid in kernels if _alive(pid)]


def _read_until(proc, marker: str) -> str:
    seen = ""
    for line in proc.stderr:
        seen += line
        if marker in line:
            return seen
    raise AssertionError(f"build ended before {marker!r}:\n{seen}")


# --- the real notebooks ---------------------------------------------------------------

real = pytest.mark.skipif(not real_notebooks_exist(), reason="notebooks/*.ipynb not written yet")


@pytest.fixture(scope="module")
def real_build(built_reports, tmp_path_factory):
    """(config, out) of a build of every declared report: the session's one build
    (support/reader_build.py, which asserts its exit code 0), its output folder copied so
    that the builds below add their runs to a folder of their own. Same reports, languages
    and case, so the copy's runs are the cache a second `kcz build` of this config reads."""
    folder = tmp_path_factory.mktemp("real")
    shutil.copytree(built_reports.parent, folder / "out", symlinks=True)  # `latest` stays a relative link
    config = write_config(folder, [{"notebook": n.stem} for n in REPORT_NOTEBOOKS],
                          notebooks=REAL_NOTEBOOKS,
                          warm_imports=["pandas", "matplotlib.pyplot", "seaborn", "kczlib", "kczlib.report.theme"])
    return config, folder / "out"


@real
@pytest.mark.notebook
def test_the_real_notebooks_build_into_an_index_and_every_report(real_build):
    config, out = real_build
    run = out / "latest"
    assert set(statuses(run).values()) == {"ok"}, statuses(run)
    names = {e["name"] for e in manifest(run)["reports"]}
    assert len(names) == 2 * len(REPORT_NOTEBOOKS)
    index = (run / "index.html").read_text(encoding="utf-8")
    for name in names:
        assert f'href="{name}.html"' in index
        assert (run / f"{name}.html").stat().st_size > 0


@real
@pytest.mark.notebook
def test_the_real_notebooks_come_from_the_cache_unless_their_data_changes(real_build, data_copy):
    config, out = real_build
    assert kcz(config) == 0  # a data copy with the same bytes has the same hashes
    assert set(statuses(run_folders(out)[0]).values()) == {"cached"}

    from conftest import edit_csv_cell

    figures = data_copy / "cases" / "chengdu" / "figures.csv"
    names = ("00_overview", "01_fiscal_investment", "02_tech_finance_leverage", "03_talent_inflows",
             "04_platforms_and_industry", "05_compare_cases")
    everything = {f"{n}-{lang}" for n in names for lang in ("zh", "en")}
    # pilot_cities_first_batch is an overview figure: the overview reads the whole table (its
    # city rows), so both of its pages are rebuilt (00_overview-en is not in the partial run);
    # the other reports read no figure's names (nor do the checks of the case's data), so they
    # come from the cache
    edit_csv_cell(figures, "pilot_cities_first_batch", "metric_en", "First batch of pilot cities (edited)")
    assert kcz(config, "--only", "00_overview-zh") == 0
    assert statuses(run_folders(out)[0]) == {"00_overview-zh": "ok",
                                             **{name: "cached" for name in everything if "overview" not in name}}
    assert manifest(run_folders(out)[0])["not_in_run"] == ["00_overview-en"]
    # its note is part of the case's data checks (a note names a shared mention), which every
    # report of the case makes before it prints a figure: none of them can come from the cache
    edit_csv_cell(figures, "pilot_cities_first_batch", "note", "edited by a test")
    assert kcz(config, "--only", "00_overview-zh") == 0
    assert statuses(run_folders(out)[0]) == {"00_overview-zh": "ok"}
    assert sorted(manifest(run_folders(out)[0])["not_in_run"]) == sorted(everything - {"00_overview-zh"})
