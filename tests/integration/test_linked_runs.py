"""A no-change run links the previous run's files (issue 25, section 4): hard links on one file
system, so a daily schedule costs almost no disk, and pruning the older run leaves the newer
one whole. kcz never writes into a published file: a reused page the new run must change is
written as a new file and renamed into place, so the run it came from keeps its own.
"""

from __future__ import annotations

import hashlib
import os

from kczlib.publish.cache import files_of

from support.builds import manifest, run_folders, run_kcz, statuses, write_config

NAME = "tiny_report-zh"


def build(config) -> None:
    result = run_kcz("--config", config, "build", "-q")
    assert result.returncode == 0, result.stderr


def contents(run) -> dict[str, bytes]:
    return {f: (run / f).read_bytes() for f in files_of(NAME)}


def first_run(tmp_path):
    """(config, out folder, the first run, its report's files) of one build of the tiny report."""
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    out = tmp_path / "out"
    build(config)
    (first,) = run_folders(out)
    return config, out, first, contents(first)


def test_a_no_change_run_links_the_files_and_pruning_the_older_run_leaves_it_whole(tmp_path):
    config, out, first, before = first_run(tmp_path)
    build(config)  # nothing changed: the report is reused
    second, _ = run_folders(out)
    assert statuses(second) == {NAME: "cached"}
    for f in files_of(NAME):  # the same file, not a copy and not a symlink
        assert not (second / f).is_symlink(), f
        assert os.stat(second / f).st_ino == os.stat(first / f).st_ino, f
        assert os.stat(second / f).st_nlink == 2, f
    result = run_kcz("--config", config, "prune", "--keep", "1")
    assert result.returncode == 0, result.stderr
    assert run_folders(out) == [second] and not first.exists()
    assert os.readlink(out / "latest") == second.name
    assert contents(second) == before  # byte for byte what the first run published
    records = manifest(second)["reports"][0]["outputs"]
    for f, data in before.items():  # and what the kept run's manifest says it holds
        assert records[f] == {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}, f
        assert os.stat(second / f).st_nlink == 1, f
    build(config)  # the kept run is still a valid cache: reused again
    assert statuses(run_folders(out)[0]) == {NAME: "cached"}


def test_a_reused_page_the_new_run_changes_is_a_new_file_and_the_older_run_keeps_its_own(tmp_path):
    config, out, first, before = first_run(tmp_path)
    # a second report after it: the reused page gains a "next" link, written by finish_pages
    config = write_config(tmp_path, [{"notebook": "tiny_report"}, {"notebook": "echo_parameters"}], langs=["zh"])
    build(config)
    second, _ = run_folders(out)
    assert statuses(second) == {NAME: "cached", "echo_parameters-zh": "ok"}
    page = (second / f"{NAME}.html").read_text(encoding="utf-8")
    assert 'rel="next" href="echo_parameters-zh.html"' in page
    assert os.stat(second / f"{NAME}.html").st_ino != os.stat(first / f"{NAME}.html").st_ino
    assert os.stat(second / f"{NAME}.ipynb").st_ino == os.stat(first / f"{NAME}.ipynb").st_ino  # unchanged: linked
    assert contents(first) == before  # the older run's page was not written through the link
    records = manifest(first)["reports"][0]["outputs"]
    assert records[f"{NAME}.html"]["sha256"] == hashlib.sha256(before[f"{NAME}.html"]).hexdigest()
