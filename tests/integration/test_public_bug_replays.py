"""Public bug reports replayed through `kcz build`, each once a failure of kcz:

- papermill#864: a parameters line with a second `=` (kcz's own `# >= 0` constraint) was
  skipped by papermill's inspection, so the parameter could not be set;
- OSC 8 hyperlinks and other terminal escapes (ipython#15389, ansi2html#130) reached
  pages, index and manifest as raw characters;
- cpython#111873: `kill -9` of a build left its export processes running for ever;
- a kernelspec without `name` (pavics-sdi#305) crashed the whole build at export, and
  one naming a Python kernel not installed here refused it;
- a report failed for writing to stderr had no marked cell.

Every build is real (kernels, papermill, nbconvert); the notebooks are written here.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil

from support.builds import kcz_command, kcz_env, manifest, run_folders, run_kcz, statuses, write_config

PYTHON3 = {"name": "python3", "display_name": "Python 3", "language": "python"}


def notebook(folder: Path, name: str, *cells: str, params: str | None = None, kernelspec=PYTHON3,
             markdown: dict | None = None) -> Path:
    """`folder/name.ipynb`: a cell tagged `parameters` (if `params`), then code `cells`,
    then a Markdown cell with `markdown` as its fields (if given)."""
    nb = nbformat.v4.new_notebook()
    if kernelspec is not None:
        nb.metadata["kernelspec"] = kernelspec
    if params is not None:
        cell = nbformat.v4.new_code_cell(params)
        cell.metadata["tags"] = ["parameters"]
        nb.cells.append(cell)
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    if markdown is not None:
        nb.cells.append(nbformat.from_dict({"cell_type": "markdown", "metadata": {}, **markdown}))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")  # as given: nbformat.write would validate
    return path


def home_env(tmp_path: Path) -> dict:
    """The build's environment with a home of its own: no parameter cache of earlier runs."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return kcz_env(HOME=str(home))


def outputs_text(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))


# --- papermill#864: '>=' in a parameter's comment -------------------------------------

GE_PARAMS = ("count: int = 1  # >= 0: how many items\n"
             "ceiling: float = 2.5  # <= 10: the upper bound\n"
             "label = 'x'  # a == b is not an assignment")


def test_a_parameter_whose_comment_holds_ge_or_le_can_be_set(tmp_path):
    nbs = tmp_path / "nbs"
    notebook(nbs, "bounded", "print('values', count, ceiling, label)", params=GE_PARAMS)
    config = write_config(tmp_path, [{"notebook": "bounded", "parameters": {"ceiling": 7.5}}],
                          notebooks=nbs, langs=["zh"])
    env = home_env(tmp_path)
    listed = run_kcz("--config", config, "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "Unable to parse" not in listed.stderr and listed.stderr.strip() == ""
    result = run_kcz("--config", config, "build", "-q", "-p", "count=5", env=env)
    assert result.returncode == 0, result.stderr
    run = run_folders(tmp_path / "out")[0]
    (name,) = statuses(run)
    nb = nbformat.read(run / f"{name}.ipynb", as_version=4)
    assert "values 5 7.5 x" in outputs_text(nb)


def test_parameter_names_read_every_module_level_assignment_and_nothing_else():
    from kczlib.publish.overrides import parameter_names

    source = ("%matplotlib inline\n"
              "a: int = 1  # >= 0\n"
              "b = c = 2  # <= 3, != 4\n"
              "d, (e, f) = 1, (2, 3)\n"
              "g: int  # declared, no value: not a parameter\n"
              "if True:\n    h = 1  # not module level\n"
              "def i():\n    j = 2\n"
              "a = 5  # again: once\n")
    assert parameter_names(source) == ["a", "b", "c", "d", "e", "f"]


def test_parameters_are_read_afresh_and_a_stale_cache_file_changes_nothing(tmp_path, monkeypatch):
    """Attack log C18: a cache file with entries edited (a language removed, a name added)
    gave wrong names without a word. Names are now read from the notebook every time."""
    from kczlib.publish import overrides

    home = tmp_path / "home"
    (home / ".cache" / "kcz").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    path = notebook(tmp_path, "bounded", "pass", params=GE_PARAMS)
    (home / ".cache" / "kcz" / "notebook-parameters.json").write_text(
        json.dumps({"anything": ["evil"]}), encoding="utf-8")
    assert list(overrides.declared_parameters(path)) == ["count", "ceiling", "label"]
    path.write_text(path.read_text(encoding="utf-8").replace("label", "title"), encoding="utf-8")
    assert list(overrides.declared_parameters(path)) == ["count", "ceiling", "title"]


# --- OSC 8 and every other escape sequence --------------------------------------------

# The sequences are built from pieces, so that the source of the cells (shown in the
# analyst page, and quoted by the traceback) holds none of the strings looked for.
ESCAPES_CELL = (r'''
ESC, BEL, C1_CSI = chr(27), chr(7), chr(0x9B)
ST, OSC = ESC + "\\", ESC + "]"
def link(url, text, end):
    return OSC + "8;;" + url + end + text + OSC + "8;;" + end
print("see " + link("https://example.com" + "/docs", "the docs", ST) + " here (ST)")
print("or " + OSC + "8;id=7;" + "https://example.org" + "/help" + BEL + "the help page" + OSC + "8;;" + BEL + " (BEL)")
print(ESC + "[1;31mbold red" + ESC + "[0m and " + ESC + "[38;5;208morange" + ESC + "[0m")
print("a " + ESC + "Pq#0;2;0;0;0" + "kcz-" + "dcs-payload" + ST + " string, " '''
                r'''+ ESC + "_" + "kcz-" + "apc-payload" + ST + " too")
print("title " + OSC + "0;" + "kcz-" + "window-title" + BEL + " set, " '''
                r'''+ ESC + "7saved" + ESC + "8, c1 " + C1_CSI + "2Jcleared")
''')
RAISE_CELL = ('raise ValueError("bad input, see " + link("https://example.com" + "/err", "the docs", BEL) '
              '+ " for " + ESC + "[31mhelp" + ESC + "[0m")')


def test_terminal_escapes_reach_no_page_index_or_manifest(tmp_path):
    nbs = tmp_path / "nbs"
    notebook(nbs, "escapes", ESCAPES_CELL, RAISE_CELL)
    config = write_config(tmp_path, [{"notebook": "escapes"}], notebooks=nbs, langs=["en"])
    result = run_kcz("--config", config, "build", "-q", env=home_env(tmp_path))
    assert result.returncode == 1, result.stderr  # the ValueError fails the report
    run = run_folders(tmp_path / "out")[0]
    reader, analyst = (run / "escapes.html").read_text(encoding="utf-8"), \
        (run / "escapes.analyst.html").read_text(encoding="utf-8")
    shared = {"reader": reader, "analyst": analyst, "manifest": (run / "manifest.json").read_text(encoding="utf-8"),
              **{p.name: p.read_text(encoding="utf-8") for p in run.glob("index*.html")}}
    for where, text in shared.items():
        for bad in ("\x1b", "\\u001b", "&#27;", "\x07", "\x9b", "\x9d", "]8;", "kcz-dcs-payload",
                    "kcz-apc-payload", "kcz-window-title", "example.com/docs", "example.org/help",
                    "example.com/err"):
            assert bad not in text, (where, bad)
    for page in (reader, analyst):
        assert "see the docs here (ST)" in page and "or the help page (BEL)" in page
        assert "saved" in page and "cleared" in page
    # the analyst page keeps the colours nbconvert renders from SGR codes
    assert "ansi-red-fg" in analyst
    error = manifest(run)["reports"][0]["error"]
    # cells: the injected parameters (1, at the top: there is no parameters cell), 2, 3
    assert error["summary"] == "error at cell 3: ValueError: bad input, see the docs for help"
    assert "bad input, see the docs for help" in shared["index.en.html"]


def test_strip_ansi_drops_each_kind_of_sequence_and_keeps_colours_only_when_asked():
    from kczlib.publish.html.ansi import strip_ansi

    text = ("\x1b]8;;u\x1b\\A\x1b]8;;\x1b\\|\x1b]8;;u\x07B\x1b]8;;\x07|\x1bPdcs\x1b\\|\x1bXsos\x1b\\|"
            "\x1b^pm\x1b\\|\x1b_apc\x1b\\|\x1bc|\x1b(B|\x9d2;t\x9c|\x1b[2K\x1b[32mC\x1b[0m|\x1b")
    assert strip_ansi(text) == "A|B||||||||C|"
    assert strip_ansi(text, keep_colours=True) == "A|B||||||||\x1b[32mC\x1b[0m|"


# --- kill -9 of a build ------------------------------------------------------------------

def running(proc: psutil.Process) -> bool:
    """Still running: not gone, and not a zombie (dead, waiting for a PID 1 that may not reap)."""
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _is_kernel(p: psutil.Process) -> bool:
    try:
        return "ipykernel_launcher" in " ".join(p.cmdline())
    except psutil.Error:
        return False


def _is_export(p: psutil.Process) -> bool:
    try:
        return "spawn_main" in " ".join(p.cmdline())
    except psutil.Error:
        return False


def test_kill_9_of_a_build_leaves_no_kernel_or_export_process(tmp_path):
    nbs = tmp_path / "nbs"
    notebook(nbs, "sleeper", "import time\ntime.sleep(60)")
    notebook(nbs, "quick", "print('quick')")
    config = write_config(tmp_path, [{"notebook": "sleeper"}, {"notebook": "quick"}], notebooks=nbs,
                          langs=["zh"], warm_imports=[])
    build = subprocess.Popen(kcz_command("--config", config, "build", "-q", "--force", "--jobs", "2"),
                             env=home_env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen: dict[int, psutil.Process] = {}
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            for p in _descendants(build.pid):
                seen.setdefault(p.pid, p)
            kernels = [p for p in seen.values() if _is_kernel(p) and running(p)]
            exports = [p for p in seen.values() if _is_export(p) and running(p)]
            if kernels and len(exports) == 2 and (tmp_path / "out").exists():
                break
            assert build.poll() is None, build.stderr.read().decode()
            time.sleep(0.2)
        assert kernels and len(exports) == 2, [p.cmdline() for p in seen.values()]
        for p in _descendants(build.pid):  # anything started since the last look
            seen.setdefault(p.pid, p)
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=30)
        deadline = time.monotonic() + 20
        while any(running(p) for p in seen.values()) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = [(p.pid, p.cmdline()) for p in seen.values() if running(p)]
        assert left == []
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
        for p in seen.values():
            if running(p):
                p.kill()
        build.stderr.close()


def test_the_next_build_stops_only_the_leftovers_it_can_prove_are_its_own(tmp_path):
    from kczlib.publish.lock import LOCK_NAME, build_lock

    def orphan(code: str) -> psutil.Process:
        """A process of this user whose parent has already exited, as a killed build's child."""
        out = subprocess.run(["sh", "-c", f'"{sys.executable}" -c "{code}" >/dev/null 2>&1 & echo $!'],
                             capture_output=True, text=True, check=True)
        proc = psutil.Process(int(out.stdout.strip()))
        deadline = time.monotonic() + 10
        while code.split(";")[0] not in " ".join(proc.cmdline()) and time.monotonic() < deadline:
            time.sleep(0.05)  # until its command line is the one exec'd
        return proc

    leftover = orphan("from multiprocessing.spawn import spawn_main; import time; time.sleep(120)")
    moved_on = orphan("from multiprocessing.spawn import spawn_main; import time; time.sleep(121)")
    stranger = orphan("import time; time.sleep(122)")  # not a kernel or export process
    try:
        out = tmp_path / "out"
        with build_lock(out) as lock:
            for p in (leftover, moved_on, stranger):
                lock.record_child(p.pid)
        lines = (out / LOCK_NAME).read_text(encoding="utf-8").splitlines()
        assert lines[0] == str(os.getpid()) and len(lines) == 4
        # `moved_on` recorded with another start time: its pid now names another process
        records = [json.loads(line) for line in lines[1:]]
        for rec in records:
            if rec["pid"] == moved_on.pid:
                rec["started"] -= 1.0
        (out / LOCK_NAME).write_text("\n".join([lines[0], *map(json.dumps, records), "not json"]) + "\n",
                                     encoding="utf-8")
        with build_lock(out) as lock:
            assert lock.leftovers == [leftover.pid]
        assert not running(leftover) and running(moved_on) and running(stranger)
    finally:
        for p in (leftover, moved_on, stranger):
            if running(p):
                p.kill()


# --- kernelspecs: no name, a Python kernel not installed; export errors -----------------

def test_a_kernelspec_without_name_or_naming_an_absent_python_kernel_builds_with_a_warning(tmp_path):
    nbs = tmp_path / "nbs"
    notebook(nbs, "nameless", "print('nameless ran')", kernelspec={"language": "python"})
    notebook(nbs, "conda_env", "print('conda ran')",
             kernelspec={"name": "conda-env-analysis-py", "display_name": "Python [conda env:analysis]",
                         "language": "python"})
    notebook(nbs, "plain", "print('plain ran')")
    config = write_config(tmp_path, [{"notebook": n} for n in ("nameless", "conda_env", "plain")],
                          notebooks=nbs, langs=["zh"])
    result = run_kcz("--config", config, "build", "-q", env=home_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warned = [line for line in result.stderr.splitlines() if "running it on 'python3'" in line]
    assert len(warned) == 2, result.stderr
    assert any("nameless.ipynb" in w and '"language": "python"' in w for w in warned)
    assert any("conda_env.ipynb" in w and "conda-env-analysis-py" in w for w in warned)
    run = run_folders(tmp_path / "out")[0]
    # no `lang` parameter in these notebooks: the names carry no language
    assert statuses(run) == {"nameless": "ok", "conda_env": "ok", "plain": "ok"}
    for name, said in (("nameless", "nameless ran"), ("conda_env", "conda ran")):
        nb = nbformat.read(run / f"{name}.ipynb", as_version=4)
        assert nb.metadata.kernelspec["name"] == "python3"  # what it ran on, and a valid notebook
        assert said in (run / f"{name}.html").read_text(encoding="utf-8")
    assert (tmp_path / "out" / "latest").resolve() == run.resolve()


def test_a_notebook_nbconvert_refuses_fails_alone_with_one_line(tmp_path):
    nbs = tmp_path / "nbs"
    # a cell whose metadata breaks nbformat's schema (`collapsed` must be true or false):
    # it runs (nothing reads it), and nbconvert refuses the notebook when it exports it
    path = notebook(nbs, "bad_output", "print('ran fine')")
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"][-1]["metadata"]["collapsed"] = "not a boolean"
    path.write_text(json.dumps(nb), encoding="utf-8")
    notebook(nbs, "good", "print('good ran')")
    config = write_config(tmp_path, [{"notebook": "bad_output"}, {"notebook": "good"}],
                          notebooks=nbs, langs=["zh"])
    result = run_kcz("--config", config, "build", "-q", env=home_env(tmp_path))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "terminated" not in result.stderr
    run = run_folders(tmp_path / "out")[0]
    assert statuses(run) == {"bad_output": "failed", "good": "ok"}
    error = manifest(run)["reports"][0]["error"]
    assert error["summary"].startswith("error while writing its pages: ")
    assert "\n" not in error["summary"]
    failed = [line for line in result.stderr.splitlines() if "FAILED" in line]
    assert len(failed) == 1 and "bad_output" in failed[0]
    assert not list(run.glob("bad_output*"))  # nothing half-written
    assert "good ran" in (run / "good.html").read_text(encoding="utf-8")


# --- a failure on stderr marks its cell ------------------------------------------------

def test_a_report_failed_for_stderr_output_marks_the_cell_that_wrote_it(tmp_path):
    nbs = tmp_path / "nbs"
    stderr_code = "import sys\nprint('kcz-warned-here', file=sys.stderr)"
    notebook(nbs, "noisy", "print('first')", stderr_code, "print('after')")
    config = write_config(tmp_path, [{"notebook": "noisy"}], notebooks=nbs, langs=["zh"])
    result = run_kcz("--config", config, "build", "-q", env=home_env(tmp_path))
    assert result.returncode == 1, result.stderr
    run = run_folders(tmp_path / "out")[0]
    error = manifest(run)["reports"][0]["error"]
    # cells: the injected parameters (1, at the top: there is no parameters cell), first (2),
    # the one writing to stderr (3), after (4)
    assert error["cell"] == 3 and error["summary"].startswith("error at cell 3: StderrOutput: ")
    assert "kcz-warned-here" in error["summary"]
    nb = nbformat.read(run / "noisy.ipynb", as_version=4)
    anchor = next(i for i, c in enumerate(nb.cells) if 'id="papermill-error-cell"' in c.source)
    assert nb.cells[anchor + 1].source == stderr_code  # right above the cell that wrote
    assert "In [3]" in nb.cells[0].source and "papermill-error-cell" in nb.cells[0].source
    analyst = (run / "noisy.analyst.html").read_text(encoding="utf-8")
    assert "In [3]" in analyst and "StderrOutput" in analyst
