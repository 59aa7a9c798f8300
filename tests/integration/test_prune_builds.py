"""Old run folders are removed: `kcz prune --keep N` and `[build] keep_runs` after a build.

Never removed: the run `latest` points to, a run being written, anything that is not a
real run folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from kczlib.publish.lock import build_lock

from support.builds import run_folders, run_kcz, write_config


def fake_runs(out: Path, stamps: list[str]) -> None:
    """Run folders as kcz leaves them: a manifest and a page."""
    for stamp in stamps:
        (out / stamp).mkdir(parents=True)
        (out / stamp / "index.html").write_text(stamp, encoding="utf-8")
        (out / stamp / "manifest.json").write_text('{"kcz_manifest": 1, "reports": []}', encoding="utf-8")


STAMPS = ["20260101T000000Z", "20260102T000000Z", "20260103T000000Z", "20260104T000000Z",
          "20260105T000000Z"]


def names(out: Path) -> list[str]:
    """What is in `out`, the build lock aside."""
    return sorted(p.name for p in out.iterdir() if p.name != ".kcz-build.lock")


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
