"""Bad input is one message: a wrong-typed or path-like `case`, a lone surrogate, argv bytes
that are not UTF-8, a linked data file, a grid too large, a raw file that is a device, a
FIFO or huge. Each gives exit status 2 and one readable line naming the parameter, file or
field (or, where it is one report's fault, a failed report), never a traceback, and what
was published (`latest`) stays as it was. Also: the path scrubber replaces whole paths only.

Inputs are our own; a few are the review's strings (copied here, nothing read from it).
"""

from __future__ import annotations

import codecs
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURE_NOTEBOOKS, FIXTURES, REAL_NOTEBOOKS, REPO
from support.builds import (
    kcz_env,
    manifest,
    real_notebooks_exist,
    run_folders,
    shared_files,
    shared_text,
    statuses,
    without_embedded_data,
    write_config,
)

KCZ = [sys.executable, "-m", "kczlib"]


def kcz(*args, env=None, timeout=600) -> subprocess.CompletedProcess:
    """A real `kcz` process; args may be bytes (argv that is not UTF-8)."""
    return subprocess.run([*KCZ, *args], env=env or kcz_env(), capture_output=True, text=True,
                          timeout=timeout, cwd=REPO)


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def assert_one_line(result, code: int, *named: str) -> str:
    """`result` exited with `code` and said exactly one line on stderr naming every `named`."""
    lines = error_lines(result)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert len(lines) == 1, result.stderr
    for word in named:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (links followed) with its bytes: 'nothing published lost'."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the path scrubber: whole paths only ---------------------------------------------------

# --- the page frame reads a case only through the data layer --------------------------------

# --- data files: one reader, regular files, bounded, no lone surrogates ----------------------

# --- a case folder's data files are its own: no links ----------------------------------------


# --- kcz new-case on something that is not a text file ---------------------------------------


# --- argv that is not UTF-8, and grids too large: refused before anything runs ----------------

@pytest.fixture
def tiny_config(tmp_path):
    return write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["en"])


@pytest.mark.parametrize("arg,named", [
    (b"case=\xb3\xc9\xb6\xbc", ["-p case", "0xb3", "UTF-8"]),  # 成都 from a GBK terminal
    (b"lang=en\xff", ["-p lang", "0xff"]),
    (b"\xe9t\xe9=1", ["-p", "parameter name", "0xe9"]),  # Latin-1 été
])
def test_a_parameter_that_is_not_utf8_is_one_line(tiny_config, tmp_path, arg, named):
    result = subprocess.run([*KCZ, "--config", str(tiny_config), "build", "-p", arg], env=kcz_env(),
                            capture_output=True, timeout=120, cwd=REPO)
    result = subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode(errors="replace"),
                                         result.stderr.decode(errors="replace"))
    assert_one_line(result, 2, *named)
    assert not (tmp_path / "out").exists()  # nothing ran


def grid_config(folder: Path, grid: dict, build: str = "") -> Path:
    lines = ['[defaults]', 'case = "chengdu"', 'langs = ["zh", "en"]', '', '[[report]]',
             'notebook = "02_tech_finance_leverage"', 'name = "stress"',
             "grid = { " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in grid.items()) + " }", '',
             '[build]', f'notebooks_dir = {json.dumps(str(REAL_NOTEBOOKS))}', 'out = "out"', build]
    path = folder / "reports.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


RATES = [round(0.001 * i, 3) for i in range(1, 31)]  # 30 values in [0, 1]


@pytest.mark.skipif(not real_notebooks_exist(), reason="notebooks/*.ipynb not written yet")
def test_a_grid_over_max_reports_is_one_line_naming_the_report_and_the_count(tmp_path):
    config = grid_config(tmp_path, {"loss_rate": RATES, "compensation_share": RATES})  # 30 × 30 × 2 = 1800
    result = kcz("--config", config, "list")
    assert_one_line(result, 2, "[[report]] #1 (stress)", "1,800 reports", "30 × 30 combinations × 2 languages",
                    "max_reports = 500")
    assert result.stdout == ""
    result = kcz("--config", config, "build", "--max-reports", "1000")
    assert_one_line(result, 2, "max_reports = 1000")
    assert not (tmp_path / "out").exists()
    listed = kcz("--config", config, "list", "--max-reports", "1800")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 1800


# --- builds: a bad case fails its report only; the build and `latest` survive ----------------

def published(tmp_path, config) -> tuple[Path, dict]:
    """Build `config` once (all ok) and return `latest`'s target and its files."""
    result = kcz("--config", config, "build", "-q")
    assert result.returncode == 0, result.stderr
    latest = tmp_path / "out" / "latest"
    return latest.resolve(), snapshot(latest)


def assert_failed_report_only(result, latest: Path, files: dict, *named: str) -> Path:
    """rc 1; one FAILED line naming `named`; no traceback; the run written; `latest` unchanged."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "terminated while starting" not in result.stderr
    failed = [line for line in error_lines(result) if "FAILED" in line]
    assert len(failed) == 1, result.stderr
    for word in named:
        assert word in failed[0], (word, failed[0])
    out = latest.parent
    assert (out / "latest").resolve() == latest and snapshot(out / "latest") == files
    run = max(run_folders(out), key=lambda p: p.name)
    assert run != latest and (run / "index.html").is_file() and (run / "index.en.html").is_file()
    return run


def test_a_case_of_the_wrong_type_or_a_path_fails_its_report_not_the_build(tmp_path, data_copy, tiny_config):
    """P9 and P10: `case` None, 5, [1], True, a dict or a path (by -p and in reports.toml).
    Each report fails with its notebook's message; the index is written; the outside
    case.json that the path points at is never read into the page frame."""
    outside = tmp_path / "evil" / "evilcase"
    shutil.copytree(data_copy / "cases" / "chengdu", outside)
    meta = json.loads((outside / "case.json").read_text(encoding="utf-8"))
    meta["city"] = {"zh": "OUTSIDE-CITY", "en": "OUTSIDE-CITY"}
    meta["period"] = "OUTSIDE-PERIOD"
    (outside / "case.json").write_text(json.dumps(meta), encoding="utf-8")
    path_case = os.path.relpath(outside, data_copy / "cases")  # the review's form: ../../<folder>
    assert path_case.startswith("../../")
    latest, files = published(tmp_path, tiny_config)

    for arg, words in (("case=None", ["unknown case", "None"]), ("case=[1]", ["unknown case", "[1]"])):  # by -p
        result = kcz("--config", tiny_config, "build", "-q", "-p", arg)
        run = assert_failed_report_only(result, latest, files, *words)
        assert set(statuses(run).values()) == {"failed"}
    # a language by -p is refused before anything runs (a report's language is in its name)
    result = kcz("--config", tiny_config, "build", "-q", "-p", "lang=[1]")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "parameter 'lang'" in result.stderr and "--only '*-en'" in result.stderr

    bad = {"five": 5, "list": [1], "yes": True, "table": {"a": [1, 2], "b": {"c": "x"}}, "path": path_case}
    (tmp_path / "bad").mkdir()
    config = write_config(tmp_path / "bad", [{"notebook": "tiny_report", "name": name, "parameters": {"case": v}}
                                             for name, v in bad.items()], langs=["en"])
    result = kcz("--config", config, "build", "-q", "--out", tmp_path / "out")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    failed = [line for line in error_lines(result) if "FAILED" in line]
    assert len(failed) == len(bad) and all("unknown case" in line for line in failed), result.stderr
    assert (tmp_path / "out" / "latest").resolve() == latest and snapshot(tmp_path / "out" / "latest") == files
    run = max(run_folders(tmp_path / "out"), key=lambda p: p.name)
    assert statuses(run) == {f"{name}-en": "failed" for name in bad}
    for path in shared_files(run):
        assert "OUTSIDE" not in shared_text(path), path.name


@pytest.mark.skipif(not real_notebooks_exist(), reason="notebooks/*.ipynb not written yet")
@pytest.mark.parametrize("arg, shown", [("case=None", "None is a NoneType, not a str"),
                                        ("case=atlantis", "unknown case 'atlantis'"),
                                        ("case=../chengdu", "unknown case '../chengdu'")])
def test_an_unknown_case_on_real_reports_is_one_line_before_anything_runs(tmp_path, data_copy, arg, shown):
    """A -p case that names no case folder (None, a made-up name, a path) is a usage error of
    the build: exit 2 and one line naming the parameter and the value, before any kernel
    starts; no run folder, and what was published stays (it was one FAILED line per report)."""
    config = write_config(tmp_path, [{"notebook": "00_overview"}, {"notebook": "01_fiscal_investment"}],
                          notebooks=REAL_NOTEBOOKS, langs=["en"],
                          warm_imports=["pandas", "matplotlib.pyplot", "kczlib"])
    out = tmp_path / "out"
    out.mkdir()
    (out / "latest").symlink_to("previous")  # something published before, not ours to touch
    (out / "previous").mkdir()
    (out / "previous" / "index.html").write_text("published", encoding="utf-8")
    result = kcz("--config", config, "build", "-q", "-p", arg)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert lines[0].startswith("kcz: error: parameter 'case'") and shown in lines[0] and "chengdu" in lines[0]
    assert sorted(p.name for p in out.iterdir()) == ["latest", "previous"]
    assert (out / "previous" / "index.html").read_text(encoding="utf-8") == "published"


@pytest.mark.skipif(not real_notebooks_exist(), reason="notebooks/*.ipynb not written yet")
@pytest.mark.parametrize("arg, shown", [
    ("loss_rate=1.5", "parameter 'loss_rate': 1.5 is outside (0, 1]"),
    # a pool that covers no loss is never drawn on: its break-even printed "cannot be determined" in a sentence
    ("compensation_share=0", "parameter 'compensation_share': 0.0 is outside (0, 1]"),
    ("baseline_year=1800", "parameter 'baseline_year': 1800 is outside [2015, 2035]")])
def test_a_value_outside_its_declared_range_is_one_line_before_anything_runs(tmp_path, arg, shown):
    # 02 declares `loss_rate: list[float] ... # in (0, 1]`, 01 `baseline_year: int ... # in [2015, 2035]`;
    # a fresh user's -p loss_rate=1.5 started kernels, failed each report and left a failed run
    config = write_config(tmp_path, [{"notebook": "01_fiscal_investment"}, {"notebook": "02_tech_finance_leverage"}],
                          notebooks=REAL_NOTEBOOKS, langs=["en"], warm_imports=["pandas"])
    result = kcz("--config", config, "build", "-q", "-p", arg)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert lines[0].startswith(f"kcz: error: {shown}") and "(given by -p)" in lines[0]
    assert "-y" not in lines[0]  # the hint is kcz's syntax, not papermill's (a second fresh user)
    assert not (tmp_path / "out").exists()


def test_a_lone_surrogate_in_case_json_is_one_line_in_validate_and_a_failed_report(tmp_path, data_copy,
                                                                                   tiny_config):
    latest, files = published(tmp_path, tiny_config)
    path = data_copy / "cases" / "chengdu" / "case.json"
    meta = json.loads(shared_text(path))
    meta["title"]["en"] = "Jiangcheng \ud800 summary"  # the review's string: a JSON escape
    path.write_text(json.dumps(meta), encoding="ascii")
    assert "\\ud800" in path.read_text(encoding="ascii")
    result = kcz("validate", "chengdu", env=kcz_env(KCZ_DATA=str(data_copy)))
    assert_one_line(result, 2, "case.json", "title.en", "lone surrogate")
    result = kcz("--config", tiny_config, "build", "-q")
    assert_failed_report_only(result, latest, files, "case.json", "title.en")


def test_a_case_json_with_a_byte_order_mark_keeps_its_title_in_the_index(tmp_path, data_copy, tiny_config):
    path = data_copy / "cases" / "chengdu" / "case.json"
    title = json.loads(shared_text(path))["title"]["en"]
    path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    result = kcz("--config", tiny_config, "build", "-q")
    assert result.returncode == 0, result.stderr
    index = (tmp_path / "out" / "latest" / "index.en.html").read_text(encoding="utf-8")
    shown = html.unescape(re.sub(r"<[^>]+>", "", index))  # the text a reader sees
    assert title and f"“{title}”" in shown


# --- the kernel's working folder and short paths in a real build (LEAK1, SCRUB1) -------------

def test_a_notebooks_folder_outside_the_checkout_is_scrubbed_and_short_paths_spare_html(tmp_path, data_copy):
    import nbformat

    nbs = tmp_path / "nbs"
    nbs.mkdir()
    nb = nbformat.read(FIXTURE_NOTEBOOKS / "tiny_report.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import os\n"
        "print('working in', os.getcwd())\n"
        "print('url https://example.org/s/page, word /sx, file /s/a.csv')"))
    nbformat.write(nb, nbs / "paths.ipynb")
    config = write_config(tmp_path, [{"notebook": "paths"}], notebooks=nbs, langs=["en"])
    canary_tmp = tmp_path / "canary-tmp"  # the system temp folder is not where nbs/ is
    canary_tmp.mkdir()
    env = kcz_env(TMPDIR=str(canary_tmp), KCZ_SCRUB_PATHS="/s")  # `/s`: a short path, as HOME=/s was
    result = kcz("--config", config, "build", "-q", env=env)
    assert result.returncode == 0, result.stderr
    run = tmp_path / "out" / "latest"
    page = (run / "paths-en.html").read_text(encoding="utf-8")
    assert "working in {notebooks}" in page
    assert "url https://example.org/s/page, word /sx, file {path}/a.csv" in page
    for path in shared_files(run):
        text = without_embedded_data(shared_text(path))
        assert str(nbs) not in text and os.path.realpath(nbs) not in text, path.name
        assert "<{path}" not in text and "&lt;{path}" not in text, path.name  # `</span>` untouched
    assert "</span>" in page
    assert manifest(run)["status"] == "ok"


# --- JSON and TOML nested beyond Python's parser (a fresh tester's attacks) ------------------

DEEP = 100_000  # far past the recursion limit of Python's json and tomllib parsers


def test_a_case_json_nested_beyond_reason_is_one_line_and_a_failed_report(tmp_path, data_copy, tiny_config):
    latest, files = published(tmp_path, tiny_config)
    path = data_copy / "cases" / "chengdu" / "case.json"
    text = shared_text(path).rstrip()
    assert text.endswith("}")
    path.write_text(text[:-1] + ', "extra": ' + "[" * DEEP + "]" * DEEP + "}", encoding="utf-8")
    result = kcz("validate", "chengdu", env=kcz_env(KCZ_DATA=str(data_copy)))
    assert_one_line(result, 2, "case.json", "nested deeper")
    result = kcz("--config", tiny_config, "build", "-q", "--force")
    assert_failed_report_only(result, latest, files, "case.json")


def test_an_old_manifest_nested_beyond_reason_is_skipped_with_a_warning(tmp_path, tiny_config):
    latest, _ = published(tmp_path, tiny_config)
    (latest / "manifest.json").write_text("[" * DEEP + "]" * DEEP, encoding="utf-8")
    result = kcz("--config", tiny_config, "build", "-q")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert f"run {latest.name}: manifest.json is not a kcz manifest" in result.stderr
    new = max(run_folders(tmp_path / "out"), key=lambda p: p.name)
    assert new != latest and statuses(new) == {"tiny_report-en": "ok"}


SECRET = "secret-token-Q7Z,x,y"


@pytest.fixture
def raw_inputs(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    huge = tmp_path / "two-gigabytes.txt"
    with open(huge, "wb") as f:
        f.truncate(2 * 1024 ** 3)  # sparse
    return {"fifo": (fifo, "FIFO"), "device": (Path("/dev/zero"), "character device"),
            "folder": (tmp_path, "folder"), "huge": (huge, "larger than")}


# --- the command line (`kcz validate`, `kcz new-case` in a subprocess) ----------------------

@pytest.mark.parametrize("name,code", [("context.csv", 1), ("figures.csv", 1), ("case.json", 2)])
def test_a_linked_data_file_is_refused_by_validate_in_one_line(data_copy, tmp_path, name, code):
    """A linked table is a data problem of the case (exit 1, listed with the others); a
    linked case.json means the case cannot be read at all (exit 2, one line on stderr)."""
    target = data_copy / "cases" / "chengdu" / name
    elsewhere = tmp_path / f"outside-{name}"
    elsewhere.write_text(SECRET + "\n", encoding="utf-8")
    target.unlink()
    target.symlink_to(elsewhere)
    result = kcz("validate", "chengdu", env=kcz_env(KCZ_DATA=str(data_copy)))
    output = result.stdout + result.stderr
    assert result.returncode == code and "Traceback" not in output
    said = [line for line in output.splitlines() if "symbolic link" in line]
    assert len(said) == 1 and name in said[0], output
    if code == 2:
        assert_one_line(result, 2, name)
    assert "secret-token" not in output


def test_a_case_folder_that_is_a_link_is_refused(data_copy):
    (data_copy / "cases" / "evil").symlink_to(FIXTURES / "cases" / "mini")
    result = kcz("validate", "evil", env=kcz_env(KCZ_DATA=str(data_copy)))
    assert_one_line(result, 2, "cases/evil", "case folder is a symbolic link")
    result = kcz("validate", env=kcz_env(KCZ_DATA=str(data_copy)))  # all cases: chengdu still checked
    assert result.returncode == 2 and "chengdu" in result.stdout and "Traceback" not in result.stderr
    assert [line for line in error_lines(result) if "evil" in line] == error_lines(result)


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "huge"])
def test_new_case_on_a_non_text_file_is_one_line_and_writes_nothing(data_copy, raw_inputs, kind):
    path, words = raw_inputs[kind]
    before = sorted(os.listdir(data_copy / "cases"))
    result = kcz("new-case", "wuhan", path, env=kcz_env(KCZ_DATA=str(data_copy)), timeout=120)
    assert_one_line(result, 2, str(path), words)
    assert sorted(os.listdir(data_copy / "cases")) == before  # no folder, no hidden temp folder


def test_new_case_onto_a_dangling_link_is_refused(data_copy, tmp_path):
    raw = tmp_path / "raw.txt"
    raw.write_text("二、成效\n累计帮助2700余家企业。\n", encoding="utf-8")
    (data_copy / "cases" / "dang").symlink_to(tmp_path / "nowhere")
    result = kcz("new-case", "dang", raw, env=kcz_env(KCZ_DATA=str(data_copy)))
    assert_one_line(result, 2, "'dang'", "already exists")
    assert not (tmp_path / "nowhere").exists()


def test_new_case_where_the_cases_folder_cannot_be_written_is_one_line(data_copy, tmp_path):
    """N12 (a read-only data/cases; as root permissions do not stop us, so a file stands in
    its way): one line, nothing written."""
    raw = tmp_path / "raw.txt"
    raw.write_text("二、成效\n累计帮助2700余家企业。\n", encoding="utf-8")
    shutil.rmtree(data_copy / "cases")
    (data_copy / "cases").write_text("not a folder", encoding="utf-8")
    result = kcz("new-case", "wuhan", raw, env=kcz_env(KCZ_DATA=str(data_copy)))
    assert_one_line(result, 2, "cannot write", "cases")
    assert (data_copy / "cases").read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("title, named", [
    ("用\u0301户", "U+0301 (COMBINING ACUTE ACCENT)"),  # the review's: a mark after a Han character
    ("成都\ue000试点", "U+E000 (unnamed)"),  # private use
    ("试点\u0378", "U+0378 (unnamed)"),  # unassigned
])
def test_a_title_the_charts_cannot_draw_is_named_by_validate(data_copy, title, named):
    """Attack log CF2: such a title passed validate, then the Chinese reports failed."""
    path = data_copy / "cases" / "chengdu" / "case.json"
    meta = json.loads(shared_text(path))
    meta["title"]["zh"] = title
    path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    result = kcz("validate", "chengdu", env=kcz_env(KCZ_DATA=str(data_copy)))
    assert result.returncode != 0
    errors = [line for line in (result.stdout + result.stderr).splitlines() if "title.zh" in line]
    assert len(errors) == 1 and named in errors[0] and "cannot draw" in errors[0]


def test_an_accent_written_as_letter_and_mark_is_composed_and_fine(data_copy):
    path = data_copy / "cases" / "chengdu" / "case.json"
    meta = json.loads(shared_text(path))
    meta["city"]["en"] = "Chengdu (Che\u0301ngdu\u0300)"  # é and u-grave as letter + mark: NFC composes them
    path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    result = kcz("validate", "chengdu", env=kcz_env(KCZ_DATA=str(data_copy)))
    assert "city.en" not in result.stdout + result.stderr


def test_a_reports_toml_nested_beyond_reason_is_one_line(tmp_path, tiny_config):
    tiny_config.write_text(tiny_config.read_text(encoding="utf-8") + "deep = " + "[" * DEEP + "]" * DEEP + "\n",
                           encoding="utf-8")
    assert_one_line(kcz("--config", tiny_config, "list"), 2, "reports.toml", "nested deeper")


@pytest.mark.parametrize("kind", ["missing", "folder", "fifo"])
def test_validate_of_every_case_reports_a_case_folder_it_cannot_read(data_copy, kind):
    """A fresh tester's attack: a case folder whose case.json is missing, a folder or a FIFO
    was skipped by `kcz validate` (no argument), which then said OK with exit 0."""
    folder = data_copy / "cases" / "broken"
    folder.mkdir()
    if kind == "folder":
        (folder / "case.json").mkdir()
    elif kind == "fifo":
        os.mkfifo(folder / "case.json")
    result = kcz("validate", env=kcz_env(KCZ_DATA=str(data_copy)), timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if "broken" in line]
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "case chengdu:" in result.stdout  # the readable case is still validated



def test_a_case_folder_without_case_json_is_named_in_a_warning_not_left_out_silently(data_copy, tmp_path):
    # a folder still being filled (or whose case.json was deleted) is no case: the comparison of
    # every case leaves it out, and the build says so once before any report runs
    (data_copy / "cases" / "foshan_2020" / "case.json").unlink()
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["en"])
    done = kcz("--config", config, "build", "-q", env=kcz_env(KCZ_DATA=str(data_copy)))
    assert done.returncode == 0, done.stderr
    warned = [line for line in done.stderr.splitlines() if "foshan_2020" in line]
    assert warned == ["kcz: warning: cases/foshan_2020 has no case.json: it is no case, and no report reads it "
                      "(the comparison of every case leaves it out); `kcz validate foshan_2020` says what is missing"]
