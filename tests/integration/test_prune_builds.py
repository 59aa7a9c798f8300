"""Old run folders are removed: `kcz prune --keep N` and `[build] keep_runs` after a build.

Never removed: the run `latest` points to, a run being written, anything that is not a
real run folder.
"""

from __future__ import annotations

import os

from kczlib.publish.lock import build_lock

from support.builds import run_folders, run_kcz, write_config
from support.runs import STAMPS, fake_runs, names


def test_kcz_prune_waits_for_no_build_it_would_race(tmp_path):
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    out = tmp_path / "out"
    fake_runs(out, STAMPS)
    with build_lock(out):
        result = run_kcz("--config", config, "prune", "--keep", "1")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "another kcz build is running" in result.stderr
    assert names(out) == STAMPS


def test_a_build_keeps_keep_runs_runs(tmp_path):
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    config.write_text(config.read_text(encoding="utf-8") + "keep_runs = 2\n", encoding="utf-8")
    out = tmp_path / "out"
    for _ in range(3):  # one executed, two served from the cache
        result = run_kcz("--config", config, "build", "-q")
        assert result.returncode == 0, result.stderr
    runs = run_folders(out)
    assert len(runs) == 2
    assert os.readlink(out / "latest") == runs[0].name
    assert "removed 1 old run(s), keeping the newest 2" in result.stderr + result.stdout
