"""`kcz build --scheduler ADDRESS`: the reports the cache does not serve run on a Dask cluster.

The coordinating `kcz build` keeps everything users rely on: it checks parameters,
takes the lock, consults the cache, and writes the run folder, manifest, index and
`latest` exactly as the local build does. Only the work of one report, executing the
notebook in a fresh kernel and exporting its two HTML pages, is a Dask task
(`report_task`, which calls runner.run_report, as the local build does) on a worker
(dask.distributed's scheduler does the queueing, retries and rescheduling; there is no
job queue here).

On each worker a plugin (`KernelPoolPlugin`) holds a pool of pre-started kernels with
the heavy imports done, as the local build does: every report still gets a kernel of its
own. The plugin is registered again by every build (so no kernel warmed with an older
kczlib serves a new build) and shuts its kernels down when replaced or when the worker
closes.

Workers need the same installation: kczlib sources, data files and package versions
must match the coordinator's (`installation`), or the reports of one run would be made by
different code. `Cluster.open` checks every connected worker before anything is written;
each task checks its worker again (a worker may join later) and fails its report with
the reason rather than run on a different installation.

Faults: a worker that dies mid-report loses only its task, which the scheduler runs again
on another worker (up to `distributed.scheduler.allowed-failures` times, 3 by default);
past that, or on any other task error, the report is marked failed with the reason and
the build goes on. An unreachable scheduler is a `ClusterError` (exit 2) raised before
the lock is taken or any file written. A task that fails or whose worker is lost is
reported as such: which cells ran on that worker is not known here.

Trust and data (cluster_access.py): the address is checked before any connection (plain
tcp:// only on this machine unless --allow-insecure-cluster; tls:// with certificates);
workers answer with JSON text and bytes only, checked on arrival; nothing a worker sends
back is unpickled by kcz or, where Dask lets a client refuse it, by Dask.

Paths: a worker scrubs what it returns with its own machine paths (scrub.machine_paths
runs in the worker process); its paths are also registered on the coordinator
(`scrub.register_paths`) so that the manifest and index are scrubbed of them too.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import tempfile
import threading
from asyncio import CancelledError
from functools import lru_cache
from pathlib import Path
from typing import cast

from distributed import WorkerPlugin  # this module is imported only for --scheduler

from kczlib.errors import ClusterError, NotRun, RefusedAnswer, TaskFailed
from kczlib.paths import PACKAGE_ROOT, data_root
from kczlib.publish.cache import coarse_record, output_record
from kczlib.publish.cluster_access import (
    RESULT_KEYS,
    check_address,
    checked_result,
    is_str_dict,
    json_answer,
    open_client,
    security_for,
)
from kczlib.publish.html.pages import write_outputs
from kczlib.publish.run_folder import file_in, now_iso
from kczlib.publish.runner import ReportJob, error_entry, run_report
from kczlib.publish.signals import terminating

__all__ = ["Cluster", "ClusterError", "installation", "report_task"]
PLUGIN = "kcz-kernels"
WORKERS_TIMEOUT = 20  # seconds to wait for a first worker on a scheduler that has none
ANSWER_TIMEOUT = 120  # seconds for every worker to answer the installation check


# --- what a worker must have in common with the coordinator --------------------------------

@lru_cache(maxsize=1)
def installation() -> dict:
    """What this process runs: its kczlib sources, data files and package versions.

    Cached per process: a worker's imported kczlib does not change while it runs.

    Returns:
        {"kczlib", "data", "versions"}: hashes of the kczlib sources and of every data file,
        and the tracked package versions (manifest.TRACKED_PACKAGES).
    """
    from kczlib.publish import manifest as mf

    folder = data_root() / "cases"
    cases = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    data = {case: mf.data_files(case) for case in cases} | {"": mf.data_files(None)}  # None: shared files only
    return {"kczlib": mf.hash_json(mf.kczlib_sources()), "data": mf.hash_json(data),
            "versions": mf.package_versions()}


def differences(mine: dict, theirs: dict) -> list[str]:
    """What differs between two `installation()` results, in words (empty if nothing)."""
    found = []
    if theirs.get("kczlib") != mine["kczlib"]:
        found.append("kczlib sources differ")
    if theirs.get("data") != mine["data"]:
        found.append("data files differ")
    versions = theirs.get("versions") or {}
    found += [f"{name} {versions.get(name, 'missing')} (here {v})"
              for name, v in mine["versions"].items() if versions.get(name) != v]
    return found


def installation_json() -> str:
    """The Dask task answering the installation check: `installation()` as JSON text."""
    return json.dumps(installation(), sort_keys=True)


def worker_paths_json() -> str:
    """The Dask task naming a worker's machine paths and its Dask scratch folder.

    Returns:
        JSON text of [[path, placeholder], ...]: scrub.machine_paths of the worker, and its
        local directory.
    """
    from distributed import get_worker

    from kczlib.publish.scrub import machine_paths

    return json.dumps([[str(get_worker().local_directory), "{worker}"]] + [list(p) for p in machine_paths()])


# --- the coordinator side -------------------------------------------------------------------

class Cluster:
    """A connection to a running Dask scheduler whose workers were checked."""

    def __init__(self, client, address: str):
        self.client, self.address = client, address

    @classmethod
    def open(cls, address: str, config, say=lambda text: None, tls: dict | None = None,
             allow_insecure: bool = False) -> Cluster:
        """Connect to the scheduler at `address` and make its workers ready for reports.

        Checks the address, connects, waits for a worker, checks every worker's installation
        and registers the kernel pool plugin.

        Args:
            address: The scheduler's address (tcp:// or tls://).
            config: The build's config (kernels, warm imports, notebooks).
            say: Prints a progress line.
            tls: {"ca", "cert", "key"} paths, or None: Dask's config.
            allow_insecure: Accept a plain tcp:// scheduler off this machine.

        Returns:
            The connected cluster.

        Raises:
            ClusterError: Any of these steps failed (nothing has been written yet).
        """
        security = security_for(check_address(address, allow_insecure), **(tls or {}))
        client = open_client(address, security)
        try:
            cluster = cls(client, address)
            cluster._check_workers()
            cluster._register_plugin(KernelPoolPlugin(config.kernel_name, list(config.warm_imports)))
        except BaseException:
            client.close()
            raise
        say(f"kcz: Dask scheduler {address}: {len(client.scheduler_info()['workers'])} worker(s), "
            "installation checked")
        return cluster

    def _check_workers(self) -> None:
        try:
            self.client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
        except TimeoutError:
            raise ClusterError(f"the Dask scheduler at {self.address} has no workers "
                               f"(waited {WORKERS_TIMEOUT} s); start some with `dask worker {self.address}`") from None
        mine = installation()
        bad = []
        for worker, theirs in sorted(self._ask_each_worker(installation_json, "installation").items()):
            if not is_str_dict(theirs, nested=("versions",)):
                raise ClusterError(f"worker {worker}: its installation is not kcz's data; refused")
            diff = differences(mine, theirs)
            if diff:
                bad.append(f"{worker}: {'; '.join(diff)}")
        if bad:
            raise ClusterError("workers with another installation than this checkout (install the same "
                               "kczlib, data and packages on every worker):\n  " + "\n  ".join(bad))
        from kczlib.publish.scrub import register_paths

        for worker, pairs in self._ask_each_worker(worker_paths_json, "paths").items():
            if type(pairs) is not list or not all(type(p) is list and len(p) == 2 and all(type(x) is str for x in p)
                                                   for p in pairs):
                raise ClusterError(f"worker {worker}: its paths are not kcz's data; refused")
            register_paths([tuple(p) for p in pairs])

    def _ask_each_worker(self, function, what: str) -> dict:
        """{worker address: JSON value} of `function` run as a task on each connected worker.

        A task, not `client.run`: its answer is read with msgpack only and its errors are
        not unpickled. Raises ClusterError naming the worker.
        """
        futures = {worker: self.client.submit(function, key=f"kcz-{what}-{os.urandom(4).hex()}", workers=[worker],
                                              allow_other_workers=False, pure=False)
                   for worker in self.client.scheduler_info()["workers"]}
        answers = {}
        try:
            for worker, future in futures.items():
                try:
                    value = future.result(timeout=ANSWER_TIMEOUT)
                except TaskFailed:
                    raise ClusterError(f"worker {worker} did not answer kcz's {what} check (its task failed: "
                                       "see the worker's log)") from None
                except TypeError as exc:  # distributed refused to deserialise it (not msgpack)
                    raise ClusterError(f"worker {worker}: its {what} answer is not data "
                                       f"({str(exc).splitlines()[0]}); refused") from None
                except TimeoutError:
                    raise ClusterError(f"worker {worker} did not answer kcz's {what} check within "
                                       f"{ANSWER_TIMEOUT} s") from None
                except CancelledError:  # distributed's FutureCancelledError: the scheduler was lost
                    raise ClusterError(f"the Dask scheduler at {self.address} was lost during kcz's {what} "
                                       "check") from None
                except Exception as exc:  # noqa: BLE001 - a lost connection...: one line, no traceback
                    raise ClusterError(f"worker {worker}: kcz's {what} check failed ({type(exc).__name__}: "
                                       f"{str(exc).splitlines()[0] if str(exc) else 'no answer'})") from None
                answers[worker] = json_answer(value, f"worker {worker}, {what} check")
        finally:
            _cancel(self.client, list(futures.values()))
        return answers

    def _register_plugin(self, plugin) -> None:
        """Register `plugin` on every worker, reading no exception a worker sends back.

        client.register_plugin's error path unpickles that exception; here a worker whose
        plugin failed is named, its error is not read.
        """
        from distributed.protocol.pickle import dumps

        try:
            answers = self.client.sync(self.client.scheduler.register_worker_plugin, plugin=dumps(plugin),
                                       name=PLUGIN, idempotent=False)
        except Exception as exc:  # noqa: BLE001 - a refused answer (TypeError), a lost connection...
            raise ClusterError(f"the kcz kernel pool could not be registered on the workers ({type(exc).__name__}: "
                               f"{str(exc).splitlines()[0] if str(exc) else 'no answer'})") from None
        if type(answers) is not dict:
            raise ClusterError("the scheduler's answer to registering the kcz kernel pool is not data; refused")
        failed = sorted(str(w) for w, a in answers.items() if not (type(a) is dict and a.get("status") == "OK"))
        if failed:
            raise ClusterError(f"the kcz kernel pool did not start on worker(s) {', '.join(failed)} "
                               "(see the worker's log)")

    def close(self) -> None:
        """Close the connection to the scheduler (the workers and their kernel pools stay)."""
        self.client.close()

    def run(self, todo, config, tmp: Path, progress) -> None:
        """Run the reports as tasks on the workers and write each result into `tmp`.

        Results are written as they arrive (main thread), filling in their entries.
        Ctrl-C / SIGTERM cancel the tasks.

        Args:
            todo: [(config.ReportSpec, manifest entry)] of the reports to run.
            config: The build's config.
            tmp: The run folder being written.
            progress: The build's `Progress`.
        """
        expected = installation()
        futures = {}
        for report, entry in todo:
            payload = _payload(report, entry, config, expected)
            future = self.client.submit(report_task, payload, key=f"kcz-{report.name}-{os.urandom(4).hex()}",
                                        pure=False)
            futures[future] = (report, entry)
            progress.say(f"  queued  {report.name}")
        with terminating():
            self._collect(futures, tmp, progress)

    def _collect(self, futures: dict, tmp: Path, progress) -> None:
        """Write each result into `tmp` as it arrives; cancel what is left on the way out."""
        from distributed import as_completed

        try:
            for future in as_completed(futures, loop=self.client.loop):
                report, entry = futures.pop(future)  # dropped once written: memory stays bounded
                try:
                    result = checked_result(future, entry)
                except (Exception, CancelledError) as exc:  # noqa: BLE001 - a lost worker or scheduler, a refused
                    # answer...: this report fails
                    _fail_without_notebook(report, entry, exc, tmp)
                else:
                    _write_result(result, entry, tmp)
                    del result
                future.release()
                progress.finished(entry)
        finally:
            _cancel(self.client, list(futures))


def _cancel(client, futures: list) -> None:
    """Cancel what is left; with the scheduler gone there is nothing to cancel."""
    if futures:
        # ClosedClientError, a lost connection: the tasks went with it
        with contextlib.suppress(Exception):
            client.cancel(futures)


def _payload(report, entry: dict, config, expected: dict) -> dict:
    try:  # where the worker should run the kernel: the same folder of its own checkout
        notebooks = config.notebooks_dir.relative_to(PACKAGE_ROOT).as_posix()
    except ValueError:
        notebooks = None
    return {"name": report.name, "notebook": report.notebook.read_text(encoding="utf-8"),
            "notebooks_dir": notebooks, "parameters": report.parameters,
            "kernel_name": config.kernel_name, "cell_timeout": config.cell_timeout,
            "entry": {k: v for k, v in entry.items() if k != "status"}, "expected": expected}


def _write_result(result: dict, entry: dict, tmp: Path) -> None:
    """A task's files written into the run folder `tmp`, its entry fields merged in."""
    for filename, data in zip(entry["files"], result["files"], strict=True):
        file_in(tmp, filename).write_bytes(data)
    entry.update(result["entry"])
    # size and hash of each file, as a local build records them: the cache checks them before reuse
    entry["outputs"] = {f: output_record(file_in(tmp, f)) for f in entry["files"]}
    if entry.get("status") == "ok":
        entry["reads"] = _reads_of(entry, tmp)


def _reads_of(entry: dict, tmp: Path) -> dict:
    """What a report made on a worker read, as a local build records it (`runner.run_report`).

    Read from its executed notebook, which came back as bytes and is parsed as JSON here (data,
    never unpickled); a notebook that records nothing, or cannot be read, depends on every data
    and word file (`cache.coarse_record`), so the next build is never wrongly reused.
    """
    import nbformat

    from kczlib.publish.html.reader_page import reads_record

    notebooks = [f for f in entry["files"] if f.endswith(".ipynb")]
    try:
        nb = nbformat.reads(file_in(tmp, notebooks[0]).read_text(encoding="utf-8"), as_version=4) if notebooks else None
    except (OSError, ValueError):
        nb = None
    return (nb is not None and reads_record(nb)) or coarse_record(entry)


UNKNOWN_PROGRESS = "on the Dask cluster (the cells that ran there are not known)"


def _fail_without_notebook(report, entry: dict, exc: BaseException, tmp: Path) -> None:
    """Mark a report failed whose task itself failed, its files the unexecuted notebook.

    The task fails when its worker died too often, it raised, the scheduler was lost, or its
    answer was refused. Which cells ran on the worker is not known here, and the summary says
    so (not "before any cell ran").
    """
    import nbformat

    from kczlib.publish.execute import Failure

    reason = str(exc).splitlines()[0] if str(exc) else "the task was lost"
    name = ("refused answer" if isinstance(exc, RefusedAnswer) else "not run" if isinstance(exc, NotRun)
            else f"Dask {type(exc).__name__}")
    entry.update(status="failed", built_at=now_iso(), seconds=0.0,
                 error=error_entry(Failure(None, name, reason, where=UNKNOWN_PROGRESS)))
    nb = nbformat.read(report.notebook, as_version=4)
    write_outputs(nb, entry, tmp, report.notebook.parent, report.parameters.get("lang"))


# --- the worker side ------------------------------------------------------------------------

class KernelPoolPlugin(WorkerPlugin):
    """Worker plugin: an asyncio loop in a thread of its own holding a KernelPool.

    `ahead` kernels per worker thread are started before they are needed (default 1), so
    a worker's next report finds a kernel with its imports done.
    """

    idempotent = False  # a new build replaces the pool: kernels warmed by older code go

    def __init__(self, kernel_name: str, warm_imports: list[str], ahead: int = 1):
        self.kernel_name, self.warm_imports, self.ahead = kernel_name, warm_imports, ahead
        self.loop: asyncio.AbstractEventLoop | None = None
        self.pool = None

    def __getstate__(self):
        return {"kernel_name": self.kernel_name, "warm_imports": self.warm_imports, "ahead": self.ahead}

    def __setstate__(self, state):
        self.__init__(**state)

    def setup(self, worker):
        from kczlib.publish.kernels import KernelPool

        self.loop = asyncio.new_event_loop()
        ready = threading.Event()

        def serve():
            asyncio.set_event_loop(self.loop)
            self.loop.call_soon(ready.set)
            self.loop.run_forever()

        threading.Thread(target=serve, name="kcz-kernels", daemon=True).start()
        ready.wait()
        ahead = self.ahead * max(1, getattr(worker.state, "nthreads", 1))
        # a pool without end: it starts kernels for as long as the worker runs
        self.pool = KernelPool(10**12, ahead, self.kernel_name, _worker_cwd(None), self.warm_imports)
        asyncio.run_coroutine_threadsafe(self._prime(), self.loop).result()

    async def _prime(self):
        self.pool.prime()

    def call(self, coro):
        """Run `coro` on the plugin's loop from a task thread; its result or exception."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def teardown(self, worker):
        if self.loop is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(self.pool.close(), self.loop).result(timeout=60)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)


def _worker_cwd(notebooks_dir: str | None) -> Path:
    """The kernel's working folder: the worker checkout's notebooks folder if it has one."""
    folder = PACKAGE_ROOT / (notebooks_dir or "notebooks")
    return folder if folder.is_dir() else Path(tempfile.gettempdir())


def report_task(payload: dict) -> dict:
    """The Dask task: run one report on this worker (runner.run_report) and return its files.

    `payload`: name, notebook (its JSON text), notebooks_dir (relative to the project),
    parameters, kernel_name, cell_timeout, entry (the manifest entry so far, for the
    provenance block), expected (the coordinator's `installation()`).
    Returns {"files": [bytes of <name>.ipynb, .html, .analyst.html], "entry": JSON text of
    {status, started_at, built_at, seconds, timings or error, worker}}, scrubbed of this
    worker's paths: bytes and text only, which the coordinator reads without pickle.
    A notebook that fails is a result with status "failed", as locally; a worker with
    another installation or no kernel pool answers {"files": [], "entry": JSON of
    {"status": "not run", "reason"}} instead.
    """
    from distributed import get_worker

    diff = differences(payload["expected"], installation())
    worker = get_worker()
    plugin = cast("KernelPoolPlugin | None", worker.plugins.get(PLUGIN))
    if diff:
        return _not_run(f"worker {worker.address} has another installation: {'; '.join(diff)}")
    if plugin is None or plugin.pool is None:
        return _not_run(f"worker {worker.address} has no kcz kernel pool (its plugin failed to start: "
                        "see the worker's log)")
    entry = dict(payload["entry"])
    with tempfile.TemporaryDirectory(prefix="kcz-task-") as scratch:
        work = Path(scratch)
        source = work / "source" / f"{payload['name']}.ipynb"
        source.parent.mkdir()
        source.write_text(payload["notebook"], encoding="utf-8")
        out = work / "out"
        out.mkdir()
        job = ReportJob(payload["name"], source, payload["parameters"], payload["kernel_name"],
                        payload["cell_timeout"], cwd=_worker_cwd(payload["notebooks_dir"]))
        # an error writing the files fails the task: the coordinator then fails the report
        plugin.call(run_report(job, entry, plugin.pool, out, scratch=work / "marking.ipynb",
                               export_errors_fail_the_report=False))
        files = [(out / f).read_bytes() for f in entry["files"]]
    entry["worker"] = worker.name if isinstance(worker.name, str) else str(worker.name)
    return {"files": files, "entry": json.dumps({k: entry[k] for k in RESULT_KEYS if k in entry})}


def _not_run(reason: str) -> dict:
    """report_task's answer when this worker cannot run the report (no files)."""
    return {"files": [], "entry": json.dumps({"status": "not run", "reason": reason})}
