"""Build speed on this machine (not a test; `make bench`).

1. naive loop: per report `papermill` CLI, then `jupyter nbconvert --to html`, one after another;
2. `kcz build --force` (cold: every report executed);
3. `kcz build` with nothing changed (every report from the cache);
3b. `kcz build` after a one-row edit: the English name of one talent figure of the default case
   (in a copy of the data: the builds run with KCZ_DATA pointing at it); only the reports that
   read that row (and those that read every row) are executed again;
4. the floor: per report one fresh kernel start plus the warm-up imports, summed, divided
   by the cores;
5. sweeps (a reports.toml `grid` over `loss_rate` of 02_tech_finance_leverage, English):
   cold builds of each size in --sweep-sizes (default 10,50,200; or $KCZ_BENCH_SWEEPS),
   seconds per report and the build process's peak memory for each;
6. the --dask-sweep size (default 50; $KCZ_BENCH_DASK_SWEEP; 0 skips) again on a local
   Dask cluster: `dask scheduler` and one single-threaded `dask worker` per core.

Prints medians over --repeat runs for 1-3b, the cold build's seconds per report (and per step:
waiting for a kernel, executing, exporting; from its manifest), each ratio (cold / naive, cold / floor,
no-change / naive, one-row edit / cold, Dask / local, seconds per report across sweep sizes), the
HTML sizes, and the targets: cold <= 0.25x naive and <= 1.5x floor; no-change <= 0.01x naive (issue 25);
one-row edit <= 0.3x cold; Dask
<= 1.2x local; seconds per report flat within 20% from the smallest to the largest sweep;
reader HTML < 1 MB. Each target is printed with its measured value and "holds" or "MISSED".
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kczlib.publish.config import load_config  # noqa: E402
from kczlib.publish.kernels import shutdown, socket_folder, start_warm_kernel  # noqa: E402

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


# `kcz build` in a process that reports its own peak resident memory (kernels not included)
PEAK = ("import resource, sys; from kczlib.cli import main; rc = main(sys.argv[2:]); "
        "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)); sys.exit(rc)")


def kcz_build_peak(work: Path, *args) -> tuple[float, float]:
    """(seconds, peak MiB of the build process) of `kcz <args>`."""
    peak = work / "peak.txt"
    seconds = timed([sys.executable, "-c", PEAK, peak, *args])
    return seconds, int(peak.read_text()) / 1024


def sweep_config(folder: Path, size: int) -> Path:
    """A reports.toml with one sweep of `size` reports: loss_rate 0.001, 0.002, ... (English)."""
    rates = [round(0.001 * (i + 1), 3) for i in range(size)]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "reports.toml"
    path.write_text(f"""[defaults]
case = "chengdu"
langs = ["en"]

[[report]]
notebook = "02_tech_finance_leverage"
name = "sweep"
grid = {{ loss_rate = {json.dumps(rates)} }}

[build]
notebooks_dir = {json.dumps(str(REPO / "notebooks"))}
out = "out"
""", encoding="utf-8")
    return path


class DaskCluster:
    """`dask scheduler` and `workers` single-threaded `dask worker` processes on 127.0.0.1."""

    def __init__(self, folder: Path, workers: int):
        folder.mkdir(parents=True, exist_ok=True)
        file = folder / "scheduler.json"
        common = dict(env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs = [subprocess.Popen([BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", "0",
                                        "--no-dashboard", "--scheduler-file", file], **common)]
        while not file.is_file() or not file.read_text().strip().endswith("}"):
            time.sleep(0.2)
        self.address = json.loads(file.read_text())["address"]
        self.procs += [subprocess.Popen([BIN / "dask", "worker", "--scheduler-file", file, "--nthreads", "1",
                                         "--no-nanny", "--no-dashboard"], **common) for _ in range(workers)]
        from distributed import Client

        with Client(self.address, timeout="30s") as client:
            client.wait_for_workers(workers, timeout=300)

    def stop(self) -> None:
        """Workers first (they say goodbye to the scheduler), then the scheduler."""
        for p in reversed(self.procs):
            p.terminate()
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def sweeps(tmp: Path, sizes: list[int], dask_size: int, cores: int) -> dict:
    """{"local": {size: (seconds, peak MiB)}, "dask": (size, seconds, peak MiB) or None}."""
    local = {}

    def build_locally(size):
        config = sweep_config(tmp / f"sweep{size}", size)
        local[size] = kcz_build_peak(tmp, "--config", config, "build", "-q", "--force")
        print(f"  sweep of {size:4d} locally: {local[size][0]:7.1f} s, {local[size][0] / size:.2f} s/report, "
              f"peak {local[size][1]:.0f} MiB", flush=True)

    # the Dask sweep right after its local twin (close in time on a shared machine), then larger sizes
    for size in sorted(set(sizes) | ({dask_size} if dask_size else set())):
        if size <= dask_size or not dask_size:
            build_locally(size)
    remote = None
    if dask_size:
        cluster = DaskCluster(tmp / "dask", cores)
        try:
            config = sweep_config(tmp / f"sweep{dask_size}", dask_size)
            seconds, peak = kcz_build_peak(tmp, "--config", config, "build", "-q", "--force",
                                           "--scheduler", cluster.address)
        finally:
            cluster.stop()
        remote = (dask_size, seconds, peak)
        print(f"  sweep of {dask_size:4d} on Dask ({cores} workers): {seconds:7.1f} s, "
              f"{seconds / dask_size:.2f} s/report, peak {peak:.0f} MiB", flush=True)
    for size in sorted(sizes):
        if dask_size and size > dask_size:
            build_locally(size)
    return {"local": local, "dask": remote}


def edit_one_row(data: Path, case: str, repeat: int) -> str:
    """Give the first talent figure of `case` (in the data copy `data`) a new English name; its id."""
    path = data / "cases" / case / "figures.csv"
    text = path.read_text(encoding="utf-8")
    row = next(r for r in csv.DictReader(io.StringIO(text, newline="")) if "talent" in r["chain"])
    old = row["metric_en"]
    new = f"{old} (edit {repeat + 1})"
    line = next(ln for ln in text.splitlines() if ln.startswith(f"{row['id']},"))
    path.write_text(text.replace(line, line.replace(old, new, 1), 1), encoding="utf-8")
    return row["id"]


def floor(config, reports) -> float:
    """Kernel start + imports per report, one at a time, summed; divided by the cores."""
    folder = socket_folder()  # as the build's KernelPool: sockets and connection files go there

    async def one():
        t0 = time.perf_counter()
        km = await start_warm_kernel(config.kernel_name, config.notebooks_dir, config.warm_imports, folder)
        spent = time.perf_counter() - t0
        await shutdown(km)
        return spent

    async def all_():
        return [await one() for _ in reports]

    try:
        return sum(asyncio.run(all_())) / (os.cpu_count() or 1)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def report_timings(out: Path) -> dict[str, dict[str, float]]:
    """Report name -> {"seconds": wall seconds, and each step's seconds} from the latest run's manifest."""
    manifest = json.loads((out / "latest" / "manifest.json").read_text(encoding="utf-8"))
    return {r["name"]: {"seconds": float(r.get("seconds") or 0.0), **(r.get("timings") or {})}
            for r in manifest.get("reports", [])}


def print_timings(runs: list[dict[str, dict[str, float]]]) -> None:
    """Per report, the median over the cold builds `runs` of its seconds and of each step's."""
    names = list(runs[0]) if runs else []
    steps = list(dict.fromkeys(k for run in runs for t in run.values() for k in t if k != "seconds"))
    print(f"\nper report, cold build (median of {len(runs)}; wall seconds, reports overlap):")
    print(f"  {'report':<34} {'total':>7} " + " ".join(f"{s:>16}" for s in steps))
    for name in names:
        values = [run[name] for run in runs if name in run]
        cells = [statistics.median(v.get(s, 0.0) for v in values) for s in steps]
        total = statistics.median(v["seconds"] for v in values)
        print(f"  {name:<34} {total:7.2f} " + " ".join(f"{c:16.2f}" for c in cells))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", nargs="+", default=None, help="report names (as kcz build --only)")
    ap.add_argument("--sweep-sizes", default=os.environ.get("KCZ_BENCH_SWEEPS", "10,50,200"),
                    help="comma-separated sweep sizes built locally (default %(default)s; '' skips)")
    ap.add_argument("--dask-sweep", type=int, default=int(os.environ.get("KCZ_BENCH_DASK_SWEEP", "50")),
                    help="sweep size also built on a local Dask cluster (default %(default)s; 0 skips)")
    args = ap.parse_args()
    config = load_config()
    reports = config.select(args.only)
    cores = os.cpu_count() or 1
    print(f"{len(reports)} report(s), {cores} core(s), {args.repeat} repeat(s)")
    with tempfile.TemporaryDirectory(prefix="kcz-bench-") as tmp:
        tmp = Path(tmp)
        from kczlib.paths import data_root

        shutil.copytree(data_root(), tmp / "data")  # the one-row edit changes this copy only
        os.environ["KCZ_DATA"] = str(tmp / "data")
        case = next(str(r.parameters["case"]) for r in config.reports if r.parameters.get("case"))
        naive, cold, warm, row, floors = [], [], [], [], []
        per_report: list[dict[str, dict[str, float]]] = []
        for i in range(args.repeat):
            work = tmp / f"naive{i}"
            work.mkdir()
            naive.append(naive_loop(reports, work))
            cold.append(kcz_build(tmp / "out", args.only, "--force"))
            per_report.append(report_timings(tmp / "out"))
            warm.append(kcz_build(tmp / "out", args.only))
            edited = edit_one_row(tmp / "data", case, i)
            row.append(kcz_build(tmp / "out", args.only))
            floors.append(floor(config, reports))
            print(f"  repeat {i + 1}: naive {naive[-1]:.1f} s, cold {cold[-1]:.1f} s, "
                  f"no-change {warm[-1]:.2f} s, one-row edit ({edited}) {row[-1]:.1f} s, "
                  f"floor {floors[-1]:.1f} s", flush=True)
        sizes = [int(x) for x in args.sweep_sizes.split(",") if x.strip()]
        swept = sweeps(tmp, sizes, args.dask_sweep, cores)
        n, c, w, r, f = (statistics.median(x) for x in (naive, cold, warm, row, floors))
        print(f"\nmedian  naive loop   {n:7.2f} s")
        print(f"median  kcz cold     {c:7.2f} s   {c / n:.3f}x naive   {c / f:.2f}x floor")
        print(f"median  kcz no-change{w:7.2f} s   {w / n:.4f}x naive")
        print(f"median  one-row edit {r:7.2f} s   {r / c:.3f}x cold")
        print(f"floor (kernel start + imports, summed / {cores} cores) {f:.2f} s")
        print_timings(per_report)
        latest = tmp / "out" / "latest"
        sizes = {p.name: p.stat().st_size for p in sorted(latest.glob("*.html")) if p.name != "index.html"}
        print("\nHTML sizes:")
        for name, size in sizes.items():
            print(f"  {name:<45} {size / 1024:8.0f} KiB")
        reader_max = max(s for name, s in sizes.items() if not name.endswith(".analyst.html"))
        # (target, measured, limit): holds when measured <= limit
        checks = [
            ("cold / naive", f"{c / n:.3f}x", c / n <= 0.25, "<= 0.25x"),
            ("cold / floor", f"{c / f:.2f}x", c / f <= 1.5, "<= 1.5x"),
            ("no-change / naive", f"{w / n:.4f}x", w / n <= 0.01, "<= 0.01x"),
            ("one-row edit / cold", f"{r / c:.3f}x", r / c <= 0.3, "<= 0.3x"),
            ("largest reader HTML", f"{reader_max / 1024:.0f} KiB", reader_max < 1_000_000, "< 1 MB"),
        ]
        local = swept["local"]
        if local:
            print("\nsweeps (cold, local):")
            per = {size: sec / size for size, (sec, _) in sorted(local.items())}
            for size, (sec, peak) in sorted(local.items()):
                print(f"  {size:4d} reports  {sec:8.1f} s  {per[size]:.2f} s/report  peak {peak:.0f} MiB")
            small, large = min(per), max(per)
            spread = per[large] / per[small]
            print(f"  s/report at {large} / at {small}: {spread:.2f}x")
            checks.append((f"s/report at {large} / at {small}", f"{spread:.2f}x", spread <= 1.2, "<= 1.2x"))
        if swept["dask"]:
            size, sec, peak = swept["dask"]
            ratio = sec / local[size][0]
            print(f"\nsweep of {size} on Dask ({cores} worker processes): {sec:.1f} s, local {local[size][0]:.1f} s: "
                  f"Dask / local {ratio:.2f}x (coordinator peak {peak:.0f} MiB)")
            checks.append(("Dask / local (same cores)", f"{ratio:.2f}x", ratio <= 1.2, "<= 1.2x"))
        load = os.getloadavg()
        print(f"\ntargets (load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {cores} cores at the end):")
        for label, measured, ok, limit in checks:
            print(f"  {label:<28} {measured:>10}  target {limit:<9} {'holds' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()
