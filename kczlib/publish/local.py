"""The local executor of `kcz build`: the reports run on this machine's kernels.

An asyncio loop in a worker thread drives `jobs` pre-warmed kernels (kernels.KernelPool);
each report is `runner.run_report`, its HTML export in a pool of export processes
(html/export_pool.py).

The loop runs in a worker thread on purpose: nbclient installs (and then removes,
resetting to the default) SIGINT/SIGTERM handlers on a main-thread loop, which would make
a later SIGTERM kill the build without cleanup. In a worker thread it cannot touch
signals; the main thread owns them (signals.terminating) and cancels the loop.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from kczlib.publish.html.export_pool import export_processes
from kczlib.publish.run_folder import file_in
from kczlib.publish.runner import ReportJob, run_report
from kczlib.publish.signals import STOPPING, ignore_signals, terminating


def run_locally(todo, config, tmp: Path, jobs: int, progress, record_child=None) -> None:
    """Run `todo` ([(config.ReportSpec, manifest entry)]) into the run folder `tmp`.

    Args:
        todo: the reports to execute, each with its manifest entry (filled in).
        config: the config.BuildConfig (kernel name, notebooks folder, warm imports, timeout).
        tmp: the run folder being written.
        jobs: reports run at the same time (kernels and export processes).
        progress: a progress.Progress.
        record_child: told the pid of each process started (the lock file keeps them).

    Raises:
        KeyboardInterrupt, errors.Terminated: the build was stopped (the reports are cancelled
            and their kernels shut down first).
        OSError: a machine fault while writing a report's files.
    """
    loop = asyncio.new_event_loop()
    state: dict = {}
    done = threading.Event()

    state["task"] = loop.create_task(_run_all(todo, config, tmp, jobs, progress, record_child))

    def worker():
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(state["task"])
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            state["error"] = exc
        finally:
            _cancel_leftover_tasks(loop)
            loop.close()
            done.set()

    thread = threading.Thread(target=worker, name="kcz-build", daemon=True)
    with terminating():
        try:
            thread.start()
            # An Event, not Thread.join: a signal raised inside join() marks the thread as
            # stopped while it still runs (CPython's bpo-45274 fix), and a later join() returns
            # at once, which would skip the clean-up below.
            while not done.wait(0.2):
                pass
        except BaseException:
            STOPPING.set()
            ignore_signals()
            loop.call_soon_threadsafe(state["task"].cancel)  # kernels are shut down in finally blocks
            done.wait()
            raise
    if "error" in state:
        raise state["error"]


def _cancel_leftover_tasks(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel the tasks still pending when the build's loop ends early, and let them finish.

    These are nbclient's kernel watchers, say; so closing the loop prints no "Task was
    destroyed but it is pending!" after an interrupted build.
    """
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


async def _run_all(todo, config, tmp: Path, jobs: int, progress, record_child=None) -> None:
    """Execute and export `todo` ([(report, entry)]) on `jobs` kernels and export processes.

    `record_child(pid)` is told of each process started (the lock file keeps them).
    """
    from kczlib.publish.kernels import KernelPool

    pool = KernelPool(len(todo), jobs, config.kernel_name, config.notebooks_dir, config.warm_imports,
                      record_child)
    slots = asyncio.Semaphore(jobs)
    # HTML export is CPU-bound Python: in processes of its own, on every core (export_pool.py)
    with export_processes(jobs, record_child) as exporter:
        try:
            pool.prime()
            await asyncio.gather(*(_run_one(report, entry, config, tmp, pool, slots, exporter, progress)
                                   for report, entry in todo))
        finally:
            await pool.close()


async def _run_one(report, entry: dict, config, tmp: Path, pool, slots, exporter, progress) -> None:
    """One report of a local build: runner.run_report, then its progress line."""
    job = ReportJob(report.name, report.notebook, report.parameters, config.kernel_name, config.cell_timeout,
                    cwd=report.notebook.parent, kernel_dir=config.notebooks_dir)
    await run_report(job, entry, pool, tmp, scratch=file_in(tmp, f".{report.name}.marking.ipynb"),
                     exporter=exporter, slots=slots, progress=progress)
    progress.finished(entry)
