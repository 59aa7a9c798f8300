"""`kcz build --scheduler`: real `dask scheduler` and `dask worker` processes on 127.0.0.1.

Nothing is mocked: the workers are started from the project's environment, execute the
real notebooks in kernels of their own and return the pages; the coordinating build
writes the run. Each test builds two reports through the cluster at most.
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DATA, REAL_NOTEBOOKS, REPORT_NAMES
from support.builds import kcz_command, kcz_env, manifest, real_notebooks_exist, run_kcz, statuses, write_config
from support.processes import stop_all

pytestmark = pytest.mark.notebook
BIN = Path(sys.executable).parent
DASK = BIN / "dask"


class LocalCluster:
    """A scheduler and named workers as separate processes; `kill(name)` SIGKILLs one."""

    def __init__(self, folder: Path, workers=("w1", "w2"), worker_env=None):
        self.folder, self.procs = folder, {}
        folder.mkdir(parents=True, exist_ok=True)
        self.file = folder / "scheduler.json"
        self._start("scheduler", [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0",
                                  "--no-dashboard", "--scheduler-file", self.file])
        deadline = time.monotonic() + 60
        while not self.file.is_file() or not self.file.read_text().strip().endswith("}"):
            assert time.monotonic() < deadline, "dask scheduler did not start"
            time.sleep(0.2)
        self.address = json.loads(self.file.read_text())["address"]
        for name in workers:
            self._start(name, [DASK, "worker", "--scheduler-file", self.file, "--name", name, "--nthreads", "1",
                               "--no-nanny", "--no-dashboard"], env=worker_env)
        self.wait_for_workers(len(workers))

    def _start(self, name, cmd, env=None):
        log = open(self.folder / f"{name}.log", "w")  # noqa: SIM115 - the process writes it until stopped
        self.procs[name] = subprocess.Popen([str(c) for c in cmd], stdout=log, stderr=subprocess.STDOUT,
                                            env=env or kcz_env(), cwd=self.folder)

    def client(self):
        from distributed import Client

        return Client(self.address, timeout="20s", set_as_default=False)

    def wait_for_workers(self, n: int) -> None:
        with self.client() as c:
            c.wait_for_workers(n, timeout=120)

    def kill(self, name: str) -> None:
        self.procs[name].send_signal(signal.SIGKILL)
        self.procs[name].wait()

    def stop(self) -> None:
        """Workers first (they say goodbye to the scheduler), then the scheduler."""
        stop_all(self.procs.values())


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = LocalCluster(tmp_path_factory.mktemp("dask"))
    yield c
    c.stop()


def appendix_tables(notebook: Path) -> list[str]:
    """The HTML of every appendix table (numbers ledger, Sources, context, assumptions)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    tables = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            html = "".join(out.get("data", {}).get("text/html", ""))
            if (out.get("metadata") or {}).get("kcz", {}).get("part") == "appendix" and "<table" in html:
                tables.append(html)
    return tables


needs_notebooks = pytest.mark.skipif(not real_notebooks_exist(), reason="report notebooks missing")


@needs_notebooks
def test_cluster_build_matches_a_local_build(cluster, tmp_path, built_reports):
    # every default report of reports.toml, through the cluster and locally: the local build is
    # the session's one build of them (support/reader_build.py, exit code 0 asserted there), and
    # the cluster builds the same config into a folder of its own
    config = built_reports.parent.parent / "reports.toml"
    remote = run_kcz("--config", config, "build", "--scheduler", cluster.address, "--out", tmp_path / "remote")
    assert remote.returncode == 0, remote.stderr
    r_run, l_run = (tmp_path / "remote" / "latest").resolve(), built_reports.resolve()
    only = sorted(e["name"] for e in manifest(l_run)["reports"])
    assert len(only) == 2 * len(REPORT_NAMES)  # every report notebook in two languages
    assert statuses(r_run) == statuses(l_run) == {name: "ok" for name in only}
    # the same ledger, Sources and assumptions, table for table
    for name in only:
        remote_tables = appendix_tables(r_run / f"{name}.ipynb")
        assert len(remote_tables) >= 3, name  # ledger, Sources, assumptions at least
        assert remote_tables == appendix_tables(l_run / f"{name}.ipynb"), name
    # made on the workers, and the run is complete as a local one is
    assert {e["worker"] for e in manifest(r_run)["reports"]} <= {"w1", "w2"}
    assert sorted(p.name for p in r_run.iterdir()) == sorted(p.name for p in l_run.iterdir())
    assert "<html" in (r_run / "00_overview-en.html").read_text(encoding="utf-8")


@needs_notebooks
def test_a_sweep_on_the_cluster_is_grouped_and_cached_per_combination(cluster, tmp_path):
    entry = {"notebook": "02_tech_finance_leverage", "name": "stress",
             "grid": {"loss_rate": [0.01, 0.05]}, "langs": ["en"]}
    config = write_config(tmp_path, [entry], notebooks=REAL_NOTEBOOKS, langs=["en"])
    listed = run_kcz("--config", config, "list")
    assert listed.returncode == 0, listed.stderr
    names = ["stress-loss_rate-0p01-en", "stress-loss_rate-0p05-en"]
    assert [line.split()[0] for line in listed.stdout.splitlines()] == names
    first = run_kcz("--config", config, "build", "--scheduler", cluster.address)
    assert first.returncode == 0, first.stderr
    run = (tmp_path / "out" / "latest").resolve()
    assert statuses(run) == {n: "ok" for n in names}
    # each report got its grid value as the (one-item list) parameter
    for name, rate in zip(names, (0.01, 0.05), strict=True):
        nb = json.loads((run / f"{name}.ipynb").read_text(encoding="utf-8"))
        injected = next(c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
        assert f"loss_rate = [{rate}]" in "".join(injected["source"])
    assert appendix_tables(run / f"{names[0]}.ipynb") != appendix_tables(run / f"{names[1]}.ipynb")
    # the English index holds one table for the sweep: a row per value, linking each report
    from bs4 import BeautifulSoup

    page = BeautifulSoup((run / "index.en.html").read_text(encoding="utf-8"), "html.parser")
    sweep = page.select_one("#sweep-stress")
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")][:2] for tr in sweep.select("tbody tr")]
    assert rows == [["0.01", names[0]], ["0.05", names[1]]]
    assert [a["href"] for a in sweep.select("tbody a")] == [f"{n}.html" for n in names]
    assert page.select(f'article.kcz-card a[href="{names[0]}.html"]') == page.select(
        f'#sweep-stress a[href="{names[0]}.html"]')
    # a third value: the two earlier combinations come from the cache, only the new one runs
    entry["grid"]["loss_rate"].append(0.02)
    write_config(tmp_path, [entry], notebooks=REAL_NOTEBOOKS, langs=["en"])
    second = run_kcz("--config", config, "build", "--scheduler", cluster.address)
    assert second.returncode == 0, second.stderr
    assert statuses((tmp_path / "out" / "latest").resolve()) == {
        names[0]: "cached", "stress-loss_rate-0p05-en": "cached", "stress-loss_rate-0p02-en": "ok"}


def test_a_worker_killed_mid_report_does_not_lose_the_build(tmp_path):
    c = LocalCluster(tmp_path / "dask")
    try:
        started = tmp_path / "started"  # each report's kernel creates started-<lang> as its eight seconds begin
        config = write_config(tmp_path, [{"notebook": "slow_report", "parameters": {"seconds": 8,
                                                                                  "started": str(started)}}],
                              langs=["zh", "en"])
        proc = subprocess.Popen(kcz_command("--config", config, "build", "--scheduler", c.address),
                                env=kcz_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # wait until both workers are running a report and both kernels are inside the report's
        # eight seconds (polled, not slept for), then kill one of them
        with c.client() as client:
            deadline = time.monotonic() + 120
            while True:
                busy = {addr: keys for addr, keys in client.processing().items() if keys}
                if len(busy) == 2 and all(started.with_name(f"started-{lang}").exists() for lang in ("zh", "en")):
                    break
                assert time.monotonic() < deadline and proc.poll() is None, "reports never ran on both workers"
                time.sleep(0.2)
        c.kill("w1")
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        run = (tmp_path / "out" / "latest").resolve()
        assert statuses(run) == {"slow_report-zh": "ok", "slow_report-en": "ok"}
        # the task that was on w1 ran again on w2: both reports were made there in the end
        assert {e["worker"] for e in manifest(run)["reports"]} == {"w2"}
        assert "slow report finished" in (run / "slow_report-zh.ipynb").read_text(encoding="utf-8")
    finally:
        c.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("via", ["flag", "env"])
def test_an_unreachable_scheduler_is_one_message_and_exit_2_before_anything_is_written(tmp_path, via):
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
    address = f"tcp://127.0.0.1:{_free_port()}"
    if via == "flag":
        result = run_kcz("--config", config, "build", "--scheduler", address)
    else:
        result = run_kcz("--config", config, "build", env=kcz_env(KCZ_SCHEDULER=address))
    assert result.returncode == 2
    assert result.stderr.startswith(f"kcz: error: cannot reach the Dask scheduler at {address}")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()  # no lock, no run folder, nothing


def test_a_worker_with_other_data_is_refused_before_anything_is_written(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    with open(data / "cases" / "chengdu" / "figures.csv", "a", encoding="utf-8") as f:
        f.write("\n")  # one byte more: another data version
    c = LocalCluster(tmp_path / "dask", workers=("other",), worker_env=kcz_env(KCZ_DATA=str(data)))
    try:
        config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"])
        result = run_kcz("--config", config, "build", "--scheduler", c.address)
    finally:
        c.stop()
    assert result.returncode == 2
    assert "workers with another installation" in result.stderr
    assert "data files differ" in result.stderr
    assert not (tmp_path / "out").exists()
