"""Old run folders are removed: `kcz prune --keep N` and `[build] keep_runs` after a build.

Never removed: the run `latest` points to, a run being written, anything that is not a
real run folder.
"""

from __future__ import annotations

import os

import pytest

from kczlib.publish.run_folder import prune_runs

from support.builds import run_kcz, write_config
from support.runs import STAMPS, fake_runs, names


def test_the_newest_runs_and_latests_target_are_kept(tmp_path):
    out = tmp_path / "out"
    fake_runs(out, STAMPS)
    os.symlink("20260101T000000Z", out / "latest")  # the oldest is latest: kept anyway
    (out / ".tmp-20260106T000000Z-99").mkdir()  # a run being written
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    os.symlink(outside, out / "20250101T000000Z")  # named like a run, but a link
    removed = prune_runs(out, keep=2)
    assert removed == ["20260103T000000Z", "20260102T000000Z"]
    assert names(out) == [".tmp-20260106T000000Z-99", "20250101T000000Z", "20260101T000000Z",
                          "20260104T000000Z", "20260105T000000Z", "latest"]
    assert outside.is_dir()


def test_a_folder_named_like_a_run_that_kcz_did_not_write_is_left_alone(tmp_path):
    """A fresh tester's attack: a run-named folder holding someone's file was removed."""
    out = tmp_path / "out"
    fake_runs(out, STAMPS[2:])
    (out / STAMPS[0]).mkdir()
    (out / STAMPS[0] / "f").write_text("mine", encoding="utf-8")
    (out / STAMPS[1]).mkdir()
    (out / STAMPS[1] / "manifest.json").write_text('{"reports": []}', encoding="utf-8")  # not kcz's
    assert prune_runs(out, keep=1) == ["20260104T000000Z", "20260103T000000Z"]
    assert (out / STAMPS[0] / "f").read_text(encoding="utf-8") == "mine"
    assert (out / STAMPS[1] / "manifest.json").is_file()


def test_the_newest_whole_runs_are_kept_however_many_failed_runs_came_after(tmp_path):
    # a fresh user: `kcz prune --keep 2` removed a good run and kept an all-failed one; a week of
    # failing scheduled builds would have removed every good run but `latest`'s
    out = tmp_path / "out"
    fake_runs(out, STAMPS)
    for stamp, manifest in ((STAMPS[0], '{"kcz_manifest": 1, "status": "ok", "complete": true, "reports": []}'),
                            (STAMPS[1], '{"kcz_manifest": 1, "status": "ok", "complete": true, "reports": []}'),
                            (STAMPS[2], '{"kcz_manifest": 1, "status": "failed", "reports": []}'),
                            (STAMPS[3], '{"kcz_manifest": 1, "status": "failed", "reports": []}'),
                            (STAMPS[4], '{"kcz_manifest": 1, "status": "ok", "complete": false, "reports": []}')):
        (out / stamp / "manifest.json").write_text(manifest, encoding="utf-8")
    # newest first: 05 partial, 04 failed, 03 failed, 02 whole, 01 whole; keep 2 -> 05, 04 by age,
    # 02 and 01 as the two newest whole runs; only 03 goes
    assert prune_runs(out, keep=2) == ["20260103T000000Z"]
    assert names(out) == [STAMPS[0], STAMPS[1], STAMPS[3], STAMPS[4]]


def test_keeping_more_runs_than_there_are_removes_nothing(tmp_path):
    out = tmp_path / "out"
    fake_runs(out, STAMPS[:2])
    assert prune_runs(out, keep=30) == []
    assert names(out) == STAMPS[:2]


def test_keep_must_be_at_least_one(tmp_path):
    with pytest.raises(ValueError, match="at least 1"):
        prune_runs(tmp_path, keep=0)


def test_kcz_prune_says_what_it_removed(tmp_path):
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    out = tmp_path / "out"
    fake_runs(out, STAMPS)
    result = run_kcz("--config", config, "prune", "--keep", "3")
    assert result.returncode == 0, result.stderr
    assert "removed 2 run(s)" in result.stdout and "3 left" in result.stdout
    assert names(out) == STAMPS[2:]


@pytest.mark.parametrize("value", ["0", "-3", "2.5", '"many"', "true"])
def test_a_bad_keep_runs_is_one_line(tmp_path, value):
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    config.write_text(config.read_text(encoding="utf-8") + f"keep_runs = {value}\n", encoding="utf-8")
    result = run_kcz("--config", config, "list")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "keep_runs must be a whole number" in result.stderr


