"""Run one report: the one execution path of `kcz build`, local or on a Dask worker.

`run_report` prepares the notebook (parameters injected by kcz, execute.prepare), takes a
pre-started kernel from a pool, executes the notebook, treats text on stderr as a failure
(it would show on the reader page), fills the manifest entry (times, status, error entry)
and writes the report's files (html/pages.write_outputs). The local executor (local.py)
runs it on the build's asyncio loop with an export process pool; the Dask task
(cluster.report_task) runs it on a worker's kernel pool plugin. A fix to timing, error
entries or the stderr check is made here once.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from pathlib import Path

from kczlib.publish.cache import coarse_record, output_record
from kczlib.publish.html.ansi import strip_ansi
from kczlib.publish.html.export_pool import export_failure, is_machine_fault
from kczlib.publish.html.pages import write_outputs
from kczlib.publish.run_folder import file_in, now_iso
from kczlib.publish.scrub import machine_paths, scrub_text
from kczlib.publish.signals import STOPPING

# papermill, nbclient, nbconvert and nbformat (which pulls jsonschema) take seconds to
# import; they are imported inside `run_report`, so a build served from the cache never
# imports them.


@dataclass(frozen=True)
class ReportJob:
    """What executing one report needs, wherever it runs.

    `notebook` is the source notebook (a worker's temporary copy on Dask); `cwd` is the
    kernel's working folder and the resources folder of the export; `kernel_dir` a
    further folder whose path is scrubbed from the outputs (the local notebooks folder).
    """
    name: str
    notebook: Path
    parameters: dict
    kernel_name: str
    cell_timeout: int  # seconds per cell
    cwd: Path
    kernel_dir: Path | None = None


async def run_report(job: ReportJob, entry: dict, pool, folder: Path, *, scratch: Path, exporter=None,
                     slots: asyncio.Semaphore | None = None, progress=None,
                     export_errors_fail_the_report: bool = True) -> None:
    """Execute `job` on a kernel of `pool` and write its files into `folder`, filling `entry`.

    Args:
        job: the report to run.
        entry: its manifest entry; gets started_at, built_at, status ("ok", "failed" or
            "cancelled"), error (failed), seconds, timings (ok, in seconds) and outputs.
        pool: a kernels.KernelPool (`await pool.take()` gives a started kernel manager).
        folder: where the three files go (the run folder, or a worker's scratch folder).
        scratch: a scratch notebook path for marking a failed cell (execute.execute).
        exporter: the executor `write_outputs` runs in (an export process pool), or None
            for the loop's default thread pool.
        slots: a semaphore held while the report executes (the build's --jobs), or None.
        progress: a progress.Progress told when the report starts, or None.
        export_errors_fail_the_report: False to let an error while writing the files
            propagate (the Dask task: the coordinator then fails the report itself).

    Raises:
        asyncio.CancelledError: the build is being stopped (entry status "cancelled" if
            its kernel died of that).
        OSError: a machine fault while writing (disk full, read-only: export_pool.MACHINE_FAULTS).
    """
    async with slots or contextlib.nullcontext():
        if progress is not None:
            progress.started(job.name)
        t0 = time.monotonic()
        entry["started_at"] = now_iso()
        failure, nb, t_kernel = await _execute_job(job, pool, scratch, progress, t0)
        t_exec = time.monotonic()
    entry["built_at"] = now_iso()
    if failure and STOPPING.is_set():  # its kernel died of the signal that stops the build
        entry["status"] = "cancelled"
        if progress is not None:
            progress.say(f"  cancelled {job.name}", level=0)
        raise asyncio.CancelledError()
    entry["status"] = "failed" if failure else "ok"
    if failure:
        entry["error"] = error_entry(failure)
    else:
        from kczlib.publish.html.reader_page import reads_record

        # what it read: the cache rebuilds it when that changes (a notebook that says nothing:
        # every data file of its case and every word file)
        entry["reads"] = (nb is not None and reads_record(nb)) or coarse_record(entry)
    await _write_files(job, entry, nb, folder, exporter, export_errors_fail_the_report)
    t_done = time.monotonic()
    entry["seconds"] = round(t_done - t0, 3)
    if entry["status"] == "ok":
        entry["timings"] = {"wait for kernel": round(t_kernel - t0, 3),
                            "execute": round(t_exec - t_kernel, 3),
                            "export": round(t_done - t_exec, 3)}


async def _execute_job(job: ReportJob, pool, scratch: Path, progress, t0: float):
    """Run `job`'s notebook on a kernel taken from `pool`, then shut that kernel down.

    Returns (failure or None, the executed notebook or None if it could not be read, the
    monotonic time the kernel was ready: `t0` if it never was). Any error but a cancellation
    becomes the report's failure; a cancellation is said and raised.
    """
    from kczlib.publish.execute import Failure, execute, prepare
    from kczlib.publish.html.reader_checks import stderr_failure
    from kczlib.publish.kernels import shutdown

    t_kernel = t0
    km, failure, nb = None, None, None
    try:
        nb = prepare(job.notebook, job.parameters, job.kernel_name)
        km = await pool.take()
        t_kernel = time.monotonic()
        failure = await execute(nb, km, job.cwd, job.cell_timeout, scratch)
        failure = failure or stderr_failure(nb)  # warnings would show on the reader page
    except (asyncio.CancelledError, KeyboardInterrupt):
        if progress is not None:
            progress.say(f"  cancelled {job.name}", level=0)
        raise
    except Exception as exc:  # kernel failed to start, bad notebook...: this report fails alone
        failure = Failure(None, type(exc).__name__, (str(exc).strip().splitlines() or [""])[0])
    finally:
        if km is not None:
            await shutdown(km)
    return failure, nb, t_kernel


async def _write_files(job: ReportJob, entry: dict, nb, folder: Path, exporter,
                       export_errors_fail_the_report: bool) -> None:
    """Write the report's three files into `folder` and record them in `entry["outputs"]`.

    An export error fails this report only (status "failed", no files), unless it is a
    machine fault or `export_errors_fail_the_report` is False: then it propagates.
    """
    import nbformat

    try:
        if nb is None:  # the notebook could not even be read: keep the source as the shared copy
            nb = nbformat.read(job.notebook, as_version=4)
        await asyncio.get_running_loop().run_in_executor(
            exporter, write_outputs, nb, entry, folder, job.cwd, job.parameters.get("lang"), job.kernel_dir)
        entry["outputs"] = {f: output_record(file_in(folder, f)) for f in entry["files"]}
    except (asyncio.CancelledError, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 - one report's export fails that report only
        if is_machine_fault(exc) or not export_errors_fail_the_report:
            raise  # the disk's fault, not the report's: exit 3, no run
        if STOPPING.is_set():
            raise asyncio.CancelledError() from None
        failure = export_failure(exc, [folder / f for f in entry["files"]])  # our own names
        if entry["status"] != "failed":  # a failure while it ran says more: it stays
            entry["error"] = error_entry(failure)
        entry.update(status="failed", files=[], outputs={})


def error_entry(failure) -> dict:
    """The manifest's `error` of a failed report.

    Args:
        failure: an execute.Failure.

    Returns:
        A dict of JSON values: cell, kind, ename, evalue, summary and head (its first 5
        lines), stripped of terminal escapes and scrubbed of machine paths.
    """
    pairs = machine_paths()
    evalue = scrub_text(strip_ansi(failure.evalue), pairs)
    ename = scrub_text(strip_ansi(failure.ename), pairs)
    head = "\n".join(f"{ename}: {evalue}".splitlines()[:5])
    if failure.kind != "error":
        head = f"[{failure.kind}] {head}"
    return {"cell": failure.cell, "kind": failure.kind, "ename": ename, "evalue": evalue,
            "summary": scrub_text(strip_ansi(failure.summary()), pairs), "head": head}
