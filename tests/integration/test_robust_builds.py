"""`kcz build` under what real users and machines do: notebooks that exit early or die,
kernels of another language, long runtime paths, odd reports.toml entries, partial and
overridden builds, full or read-only disks, damaged cache state, signals.

Every build here is real (real kernels, papermill, nbconvert); the notebooks are
written by each test with nbformat, so each one shows its input in place.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from kczlib.cli import main

from conftest import FIXTURE_NOTEBOOKS
from support.builds import kcz_command, kcz_env, manifest, run_folders, run_kcz, statuses, write_config

PARAMS = 'case = "chengdu"\nlang = "zh"'


def notebook(folder: Path, name: str, *cells: str, params: str | None = PARAMS,
             kernelspec: dict | None = None) -> Path:
    """A notebook `folder/name.ipynb`: a parameters cell (unless None), then `cells`."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = kernelspec or {"name": "python3", "display_name": "Python 3",
                                               "language": "python"}
    if params is not None:
        cell = nbformat.v4.new_code_cell(params)
        cell.metadata["tags"] = ["parameters"]
        nb.cells.append(cell)
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    path = folder / f"{name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def build(config: Path, *args) -> int:
    return main(["--config", str(config), "build", "-q", *map(str, args)])


def entries(run: Path) -> dict[str, dict]:
    return {e["name"]: e for e in manifest(run)["reports"]}


# --- 1. a clean exit is a success ---------------------------------------------------

CLEAN_EXITS = {"sys_exit": "import sys\nsys.exit()", "sys_exit_0": "import sys\nsys.exit(0)",
               "raise_system_exit": "raise SystemExit"}


def test_a_clean_exit_ends_the_report_successfully_with_the_cells_that_ran(tmp_path, capsys):
    nbs = tmp_path / "nbs"
    for name, code in CLEAN_EXITS.items():
        notebook(nbs, name, "print('before the exit')", code, "print('never runs')")
    notebook(nbs, "exit_with_message", "print('before the exit')", "raise SystemExit('stop here')")
    config = write_config(tmp_path, [{"notebook": n} for n in [*CLEAN_EXITS, "exit_with_message"]],
                          notebooks=nbs, langs=["zh"])
    assert build(config) == 1  # exit_with_message fails, as under papermill
    run = run_folders(tmp_path / "out")[0]
    assert statuses(run) == {**{f"{n}-zh": "ok" for n in CLEAN_EXITS}, "exit_with_message-zh": "failed"}
    for name in CLEAN_EXITS:
        nb = nbformat.read(run / f"{name}-zh.ipynb", as_version=4)
        printed = [o.get("text", "") for c in nb.cells for o in c.get("outputs", [])]
        assert printed == ["before the exit\n"]  # not 'never runs', no SystemExit traceback
        assert "before the exit" in (run / f"{name}-zh.html").read_text(encoding="utf-8")


# --- 2. every kind of failure marks the cell that was running ----------------------

FAILURES = {  # notebook -> (failing cell, kind)
    "line_magic": ("%this_magic_does_not_exist", "error"),
    "killed": ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer does", "dead kernel"),
    "too_slow": ("import time\ntime.sleep(60)", "timeout"),
}


def test_every_kind_of_failure_marks_the_running_cell_and_names_its_kind(tmp_path, capsys):
    nbs = tmp_path / "nbs"
    for name, (code, _) in FAILURES.items():
        notebook(nbs, name, "print('first cell ran')", code, "print('never runs')")
    config = write_config(tmp_path, [{"notebook": n} for n in FAILURES], notebooks=nbs, langs=["zh"])
    config.write_text(config.read_text(encoding="utf-8") + "cell_timeout = 5\n", encoding="utf-8")
    assert build(config) == 1
    terminal = capsys.readouterr().err
    run = run_folders(tmp_path / "out")[0]
    index_en = (run / "index.en.html").read_text(encoding="utf-8")
    for name, (code, kind) in FAILURES.items():
        error = entries(run)[f"{name}-zh"]["error"]
        # cells: parameters (1), injected parameters (2), first cell (3), the failing one (4)
        assert error["kind"] == kind and error["cell"] == 4, error
        assert "before any cell ran" not in error["summary"]
        line = next(ln for ln in terminal.splitlines() if f"FAILED  {name}-zh" in ln)
        assert kind in line and "at cell 4" in line
        assert f"({kind})" in index_en
        nb = nbformat.read(run / f"{name}-zh.ipynb", as_version=4)
        anchor = next(i for i, c in enumerate(nb.cells) if 'id="papermill-error-cell"' in c.source)
        assert nb.cells[anchor + 1].source == code  # the anchor sits right above the cell
        assert "In [4]" in nb.cells[0].source  # the banner links to it
    index_zh = (run / "index.html").read_text(encoding="utf-8")
    assert all(word in index_zh for word in ("出错", "内核终止", "超时"))


# --- 3. a notebook for another kernel -----------------------------------------------

def test_a_notebook_asking_for_another_kernel_is_refused_naming_it(tmp_path):
    nbs = tmp_path / "nbs"
    notebook(nbs, "r_notebook", 'print("hello from R")', params='case = "chengdu"\nlang = "zh"',
             kernelspec={"name": "ir", "display_name": "R", "language": "R"})
    config = write_config(tmp_path, [{"notebook": "r_notebook"}], notebooks=nbs, langs=["zh"])
    result = run_kcz("--config", config, "build", "-q")
    assert result.returncode == 2, result.stderr
    assert "report r_notebook" in result.stderr and "'ir'" in result.stderr and "(R)" in result.stderr
    assert "Traceback" not in result.stderr and not run_folders(tmp_path / "out")


# --- 4. long runtime folder; kernel files of a killed build -------------------------

def test_a_long_runtime_dir_builds_and_a_killed_builds_kernel_files_are_removed(tmp_path):
    runtime = tmp_path / ("r" * 60) / "jupyter-runtime"
    assert len(str(runtime)) >= 90
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = Path("/tmp") / f"kcz-{dead.pid}-leftover"
    stale.mkdir(exist_ok=True)
    (stale / "kernel-abc.json").write_text("{}")
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    # its own socket folder is kcz-<its pid>-* in the temp folder: looked for by pid, since other kcz
    # processes on the machine (other tests' children, a user's build) may come and go
    proc = subprocess.Popen(kcz_command("--config", config, "build", "-q"),
                            env=kcz_env(JUPYTER_RUNTIME_DIR=str(runtime)), stderr=subprocess.PIPE, text=True)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert not stale.exists()
    assert not list(Path("/tmp").glob(f"kcz-{proc.pid}-*"))  # its own folder is gone too


# --- 5. reports.toml entries ----------------------------------------------------------

def test_a_subfolder_notebook_builds_under_a_safe_name(tmp_path):
    nbs = tmp_path / "nbs"
    (nbs / "sub").mkdir(parents=True)
    shutil.copy(FIXTURE_NOTEBOOKS / "tiny_report.ipynb", nbs / "sub" / "tiny.ipynb")
    config = write_config(tmp_path, [{"notebook": "sub/tiny"}], notebooks=nbs, langs=["zh"])
    assert build(config) == 0
    run = run_folders(tmp_path / "out")[0]
    assert statuses(run) == {"sub-tiny-zh": "ok"}
    assert (run / "sub-tiny-zh.html").is_file()


def test_defaults_apply_only_where_the_notebook_declares_them(tmp_path):
    nbs = tmp_path / "nbs"
    notebook(nbs, "no_case", "print('text is', text)", params='text = "plain"')
    config = write_config(tmp_path, [{"notebook": "no_case"}], notebooks=nbs)  # case, zh + en
    assert build(config) == 0
    run = run_folders(tmp_path / "out")[0]
    (entry,) = manifest(run)["reports"]
    assert entry["name"] == "no_case" and entry["parameters"] == {}  # neither case nor lang


@pytest.mark.parametrize("where", ["entry", "defaults"])
def test_an_empty_langs_is_one_message_naming_the_entry(tmp_path, where):
    config = write_config(tmp_path, [{"notebook": "tiny_report", **({"langs": []} if where == "entry" else {})}],
                          langs=[] if where == "defaults" else ["zh"])
    result = run_kcz("--config", config, "build", "-q")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert ("[[report]] #1" if where == "entry" else "[defaults]") in result.stderr
    assert "langs must be a non-empty list" in result.stderr


# --- 6. latest is the full configured set with its own parameters --------------------

def test_an_overridden_build_is_named_custom_and_never_latest(tmp_path, capsys):
    config = write_config(tmp_path, [{"notebook": "echo_parameters"}], langs=["zh"])
    out = tmp_path / "out"
    assert build(config) == 0
    latest = os.readlink(out / "latest")
    assert build(config, "--only", "echo_parameters-zh", "-p", "text=changed") == 0
    run = run_folders(out)[0]
    (name,) = statuses(run)
    assert re.fullmatch(r"echo_parameters-zh-custom-[0-9a-f]{8}", name)
    assert os.readlink(out / "latest") == latest
    assert "latest unchanged" in capsys.readouterr().err
    assert "'changed'" in (run / f"{name}.ipynb").read_text(encoding="utf-8")


def test_a_partial_build_that_cannot_be_completed_leaves_latest_alone(tmp_path, capsys):
    config = write_config(tmp_path, [{"notebook": "tiny_report"}, {"notebook": "echo_parameters"}],
                          langs=["zh"])
    out = tmp_path / "out"
    assert build(config, "--only", "tiny_report-zh") == 0
    assert not os.path.lexists(out / "latest")
    assert "the run is partial" in capsys.readouterr().err
    assert manifest(run_folders(out)[0])["not_in_run"] == ["echo_parameters-zh"]
    assert build(config, "--only", "echo_parameters-zh") == 0  # the cache completes the set
    assert statuses(run_folders(out)[0]) == {"echo_parameters-zh": "ok", "tiny_report-zh": "cached"}
    assert os.readlink(out / "latest") == run_folders(out)[0].name


# --- 7. environment faults: one message, exit 3, previous run intact -----------------

def test_out_pointing_at_a_file_is_one_message_and_exit_3(tmp_path):
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    target = tmp_path / "a_file"
    target.write_text("mine\n")
    result = run_kcz("--config", config, "build", "-q", "--out", target)
    assert result.returncode == 3 and "Traceback" not in result.stderr
    assert str(target) in result.stderr and "not a folder" in result.stderr
    assert target.read_text() == "mine\n"


def test_a_lock_that_is_a_folder_is_one_message_and_exit_3(tmp_path):
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    (tmp_path / "out" / ".kcz-build.lock").mkdir(parents=True)
    result = run_kcz("--config", config, "build", "-q")
    assert result.returncode == 3 and "Traceback" not in result.stderr
    assert ".kcz-build.lock is a folder" in result.stderr


@pytest.fixture
def small_disk(tmp_path):
    """A real tmpfs of 16 MiB (needs root, as in CI); unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_one_message_and_the_previous_run_stays(tmp_path, small_disk):
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    out = small_disk / "out"
    assert build(config, "--out", out) == 0
    before = {p.name: p.read_bytes() for p in run_folders(out)[0].iterdir()}
    latest = os.readlink(out / "latest")
    filler = small_disk / "filler"
    # fill the disk to the last byte (dd stops with "No space left on device")
    subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=4k"], capture_output=True)
    result = run_kcz("--config", config, "build", "-q", "--force", "--out", out)
    assert result.returncode == 3, result.stderr
    assert "no space left on the device" in result.stderr and "Traceback" not in result.stderr
    assert os.readlink(out / "latest") == latest and len(run_folders(out)) == 1
    assert {p.name: p.read_bytes() for p in run_folders(out)[0].iterdir()} == before
    assert not list(out.glob(".tmp-*"))


def test_a_disk_that_fills_while_pages_are_written_is_exit_3_and_no_run(tmp_path, small_disk):
    """Attack log B1 (re-test): with room for the run folder but not for its pages, the
    report was marked failed and a run was renamed into place (exit 1)."""
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    out = small_disk / "out"
    assert build(config, "--out", out) == 0
    latest = os.readlink(out / "latest")
    page_size = (out / latest / "tiny_report-zh.html").stat().st_size
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    room = page_size * 3 // 2  # room for some of the pages, not for all
    assert free > room
    (small_disk / "filler").write_bytes(b"\0" * (free - room))
    result = run_kcz("--config", config, "build", "-q", "--force", "--out", out)
    assert result.returncode == 3, result.stderr
    assert "no space left on the device" in result.stderr and "Traceback" not in result.stderr
    # the machine's fault, said once: not a report's failure first
    assert "FAILED" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert os.readlink(out / "latest") == latest and len(run_folders(out)) == 1
    assert not list(out.glob(".tmp-*"))


def test_a_read_only_output_folder_is_one_message_and_exit_3(tmp_path, small_disk):
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    out = small_disk / "out"
    assert build(config, "--out", out) == 0
    latest = os.readlink(out / "latest")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = run_kcz("--config", config, "build", "-q", "--force", "--out", out)
    assert result.returncode == 3, result.stderr
    assert "read-only" in result.stderr and str(out) in result.stderr and "Traceback" not in result.stderr
    assert os.readlink(out / "latest") == latest


def test_build_help_documents_the_exit_codes():
    result = subprocess.run(kcz_command("build", "--help"), env=kcz_env(), capture_output=True, text=True)
    assert "3 could not build" in " ".join(result.stdout.split())


# --- 8. cache state kcz cannot read is a cache miss ----------------------------------

def test_foreign_cache_state_is_a_cache_miss_with_a_warning(tmp_path):
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    out = tmp_path / "out"
    assert build(config) == 0
    (run_folders(out)[0] / "manifest.json").write_text('{"reports": [1]}')
    result = run_kcz("--config", config, "build", "-q")
    assert result.returncode == 0, result.stderr
    assert "warning" in result.stderr and "not a kcz" in result.stderr
    assert statuses(run_folders(out)[0]) == {"tiny_report-zh": "ok"}


def test_a_renamed_report_is_built_again_and_its_pages_link_to_its_own_names(tmp_path):
    """Attack log C19/C19c: pages reused under another name kept the old name's title and
    language links, which pointed at files not in the run."""
    import re

    config = write_config(tmp_path, [{"notebook": "tiny_report"}])
    assert build(config) == 0
    config = write_config(tmp_path, [{"notebook": "tiny_report", "name": "renamed"}])
    assert build(config) == 0
    run = run_folders(tmp_path / "out")[0]
    assert statuses(run) == {"renamed-zh": "ok", "renamed-en": "ok"}
    for lang, other in (("zh", "en"), ("en", "zh")):
        page = (run / f"renamed-{lang}.html").read_text(encoding="utf-8")
        assert "tiny_report" not in page
        linked = set(re.findall(r'href="([^"#]+\.html)"', page))
        assert f"renamed-{other}.html" in linked
        assert all((run / name).is_file() for name in linked)  # no link leaves the run


# --- 9. damaged cached output is never reused ---------------------------------------
# (a no-change run hard-links the earlier run's files: tests/integration/test_linked_runs.py)

def test_a_damaged_cached_file_is_built_again(tmp_path, capsys):
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    out = tmp_path / "out"
    assert build(config) == 0
    first = run_folders(out)[0]
    assert build(config) == 0
    second = run_folders(out)[0]
    assert statuses(second) == {"tiny_report-zh": "cached"}
    kept = (first / "tiny_report-zh.html").read_bytes()
    # emptied in place in latest (= second); the runs share the file (a hard link), so the
    # first run's copy is damaged too, and neither may be reused
    (out / "latest" / "tiny_report-zh.html").write_bytes(b"")
    assert build(config) == 0
    third = run_folders(out)[0]
    entry = entries(third)["tiny_report-zh"]
    assert entry["status"] == "ok" and "cached_from" not in entry  # built again
    page = (third / "tiny_report-zh.html").read_bytes()
    assert page.endswith(b"</html>") and len(page) > len(kept) // 2  # a whole page again (its build time differs)
    assert os.stat(third / "tiny_report-zh.html").st_ino != os.stat(second / "tiny_report-zh.html").st_ino


def test_a_cached_file_changed_in_place_is_not_reused(tmp_path, capsys):
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    out = tmp_path / "out"
    assert build(config) == 0
    html = out / "latest" / "tiny_report-zh.html"
    data = html.read_bytes()
    assert b"</body>" in data
    html.write_bytes(data.replace(b"</body>", b"</bodX>"))  # same size, other bytes
    assert build(config) == 0
    assert "not reusing tiny_report-zh" in capsys.readouterr().err
    assert statuses(run_folders(out)[0]) == {"tiny_report-zh": "ok"}
    assert b"</bodX>" not in (run_folders(out)[0] / "tiny_report-zh.html").read_bytes()


def test_a_cached_file_that_grew_is_not_reused_and_the_build_says_so(tmp_path, capsys):
    """Attack log K1a: a page edited to another size (a script appended) was dropped
    from the cache without a word; the build now names the run and the file."""
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    out = tmp_path / "out"
    assert build(config) == 0
    edited_run = run_folders(out)[0]
    html = edited_run / "tiny_report-zh.html"
    html.write_bytes(html.read_bytes() + b"<script>document.title='x'</script>")
    capsys.readouterr()
    assert build(config) == 0
    err = capsys.readouterr().err
    assert f"run {edited_run.name}: tiny_report-zh.html differs from the size recorded" in err
    assert statuses(run_folders(out)[0]) == {"tiny_report-zh": "ok"}
    assert b"<script>" not in (run_folders(out)[0] / "tiny_report-zh.html").read_bytes()


# --- 10. signals ----------------------------------------------------------------------

@pytest.mark.parametrize("signum, code, word", [(signal.SIGTERM, 143, "terminated"),
                                                (signal.SIGHUP, 129, "hung up")])
def test_a_signal_while_waiting_for_the_lock_gives_a_message(tmp_path, signum, code, word):
    from kczlib.publish.lock import build_lock

    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    with build_lock(tmp_path / "out"):
        proc = subprocess.Popen(kcz_command("--config", config, "build", "--wait"), env=kcz_env(),
                                stderr=subprocess.PIPE, text=True)
        while not _waiting_on_flock(proc.pid):
            assert proc.poll() is None
            time.sleep(0.05)
        proc.send_signal(signum)
        assert proc.wait(timeout=60) == code
    err = proc.stderr.read()
    assert f"kcz: {word}; no run was written" in err and "Traceback" not in err
    assert not list((tmp_path / "out").glob(".tmp-*"))


def _waiting_on_flock(pid: int) -> bool:
    """The process is blocked in flock() on its lock file (seen in /proc, not guessed)."""
    try:
        return "flock" in Path(f"/proc/{pid}/wchan").read_text() or any(
            "FLOCK" in line and "->" in line for line in Path("/proc/locks").read_text().splitlines())
    except OSError:
        return False


def test_a_ctrl_c_at_start_up_gives_no_traceback(tmp_path):
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    proc = subprocess.Popen(kcz_command("--config", config, "build"), env=kcz_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(400):  # until the program's own code runs: it catches SIGHUP from then on
        if _catches(proc.pid, signal.SIGHUP) or proc.poll() is not None:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)  # while it imports (the build has not started)
    _, err = proc.communicate(timeout=120)
    assert "Traceback" not in err and proc.returncode == 130, err
    assert "interrupted" in err and not list((tmp_path / "out").glob(".tmp-*"))


def _catches(pid: int, signum: int) -> bool:
    """The process has a handler for `signum` (SigCgt in /proc/<pid>/status)."""
    try:
        line = next(ln for ln in Path(f"/proc/{pid}/status").read_text().splitlines() if ln.startswith("SigCgt:"))
    except (OSError, StopIteration):
        return False
    return bool(int(line.split()[1], 16) >> (signum - 1) & 1)


def test_a_leftover_latest_link_of_a_killed_build_is_removed(tmp_path):
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    out = tmp_path / "out"
    out.mkdir()
    (out / ".latest.99999").symlink_to("20000101T000000Z")
    assert build(config) == 0
    assert not os.path.lexists(out / ".latest.99999")
