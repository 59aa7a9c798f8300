"""Run folders made by hand for the pruning tests (unit and integration)."""

from __future__ import annotations

from pathlib import Path

STAMPS = ["20260101T000000Z", "20260102T000000Z", "20260103T000000Z", "20260104T000000Z",
          "20260105T000000Z"]


def fake_runs(out: Path, stamps: list[str]) -> None:
    """Run folders as kcz leaves them: a manifest and a page."""
    for stamp in stamps:
        (out / stamp).mkdir(parents=True)
        (out / stamp / "index.html").write_text(stamp, encoding="utf-8")
        (out / stamp / "manifest.json").write_text('{"kcz_manifest": 1, "reports": []}', encoding="utf-8")


def names(out: Path) -> list[str]:
    """What is in `out`, the build lock aside."""
    return sorted(p.name for p in out.iterdir() if p.name != ".kcz-build.lock")
