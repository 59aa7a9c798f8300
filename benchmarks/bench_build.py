"""Build speed, three ways on this machine (not a test; `make bench`).

1. naive loop: per report `papermill` CLI, then `jupyter nbconvert --to html`, one after another;
2. `kcz build --force` (cold: every report executed);
3. `kcz build` with nothing changed (every report from the cache).

Prints medians over --repeat runs, ratios to the naive loop, the HTML sizes, and the
floor: per report one fresh kernel start plus the warm-up imports, summed, divided by
the cores. Targets: cold <= 0.25x naive and <= 1.5x floor; no-change <= 0.02x naive;
reader HTML < 1 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kczlib.build.kernels import shutdown, start_warm_kernel  # noqa: E402
from kczlib.build.config import load_config  # noqa: E402

BIN = Path(sys.executable).parent


def env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), e.get("PYTHONPATH")]))
    return e


def timed(cmd, **kw) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t0


def naive_loop(reports, work: Path) -> float:
    t0 = time.perf_counter()
    for r in reports:
        out = work / f"{r.name}.ipynb"
        params = [a for k, v in r.parameters.items() for a in ("-p", k, str(v))]
        timed([BIN / "papermill", r.notebook, out, *params, "--cwd", r.notebook.parent, "--no-progress-bar"])
        timed([BIN / "jupyter", "nbconvert", "--to", "html", out])
    return time.perf_counter() - t0


def kcz_build(out: Path, only, *extra) -> float:
    return timed([sys.executable, "-m", "kczlib", "build", "-q", "--out", out,
                  *(["--only", *only] if only else []), *extra])


def floor(config, reports) -> float:
    """Kernel start + imports per report, one at a time, summed; divided by the cores."""
    async def one():
        t0 = time.perf_counter()
        km = await start_warm_kernel(config.kernel_name, config.notebooks_dir, config.warm_imports)
        spent = time.perf_counter() - t0
        await shutdown(km)
        return spent

    async def all_():
        return [await one() for _ in reports]

    return sum(asyncio.run(all_())) / (os.cpu_count() or 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", nargs="+", default=None, help="report names (as kcz build --only)")
    args = ap.parse_args()
    config = load_config()
    reports = config.select(args.only)
    cores = os.cpu_count() or 1
    print(f"{len(reports)} report(s), {cores} core(s), {args.repeat} repeat(s)")
    with tempfile.TemporaryDirectory(prefix="kcz-bench-") as tmp:
        tmp = Path(tmp)
        naive, cold, warm, floors = [], [], [], []
        for i in range(args.repeat):
            work = tmp / f"naive{i}"
            work.mkdir()
            naive.append(naive_loop(reports, work))
            cold.append(kcz_build(tmp / "out", args.only, "--force"))
            warm.append(kcz_build(tmp / "out", args.only))
            floors.append(floor(config, reports))
            print(f"  repeat {i + 1}: naive {naive[-1]:.1f} s, cold {cold[-1]:.1f} s, "
                  f"no-change {warm[-1]:.2f} s, floor {floors[-1]:.1f} s")
        n, c, w, f = (statistics.median(x) for x in (naive, cold, warm, floors))
        print(f"\nmedian  naive loop   {n:7.2f} s")
        print(f"median  kcz cold     {c:7.2f} s   {c / n:.3f}x naive   {c / f:.2f}x floor")
        print(f"median  kcz no-change{w:7.2f} s   {w / n:.4f}x naive")
        print(f"floor (kernel start + imports, summed / {cores} cores) {f:.2f} s")
        latest = tmp / "out" / "latest"
        sizes = {p.name: p.stat().st_size for p in sorted(latest.glob("*.html")) if p.name != "index.html"}
        print("\nHTML sizes:")
        for name, size in sizes.items():
            print(f"  {name:<45} {size / 1024:8.0f} KiB")
        reader_max = max(s for name, s in sizes.items() if not name.endswith(".analyst.html"))
        checks = [
            ("cold <= 0.25x naive", c <= 0.25 * n),
            ("cold <= 1.5x floor", c <= 1.5 * f),
            ("no-change <= 0.02x naive", w <= 0.02 * n),
            ("reader HTML < 1 MB", reader_max < 1_000_000),
        ]
        print("\ntargets:")
        for label, ok in checks:
            print(f"  {'holds ' if ok else 'MISSED'}  {label}")


if __name__ == "__main__":
    main()
