"""HTML export in separate processes, so that it runs on every core beside the kernels.

Exporting a report (nbconvert twice, sanitising, the CJK font subset of the reader page)
is CPU-bound Python: in one thread of the build process it queued behind itself and
competed with the asyncio loop that drives the kernels for the GIL (profiled: 8-15 s of
a report's time was waiting for that thread). A process pool of `jobs` processes
removes both limits.

The processes are spawned, not forked (the build has threads running), and warmed when
the pool opens: nbconvert, its templates and fontTools are imported while the first
kernels start. They ignore SIGINT: a Ctrl-C is handled by the build, which terminates them on its
way out (the unfinished run is removed anyway). They die with the build even when it is
killed with SIGKILL (children.die_with_parent; cpython#111873 would keep them alive).
"""

from __future__ import annotations

import contextlib
import errno
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor, wait
from contextlib import contextmanager


def _warm(parent: int) -> None:
    from kczlib.publish.children import die_with_parent

    die_with_parent(parent)  # first: a build killed while this imports must not leave it behind
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from kczlib.publish.lean_imports import skip_unused_imports

    skip_unused_imports()  # before nbconvert imports nbformat
    from fontTools import subset  # noqa: F401

    from kczlib.publish.html import (
        export,  # noqa: F401
        pages,  # noqa: F401 - imports nbconvert, jinja2, nh3, selectolax
    )

    export._exporter(True)
    export._exporter(False)


def _nothing() -> None:
    return None


@contextmanager
def export_processes(processes: int, record_child=None):
    """A ProcessPoolExecutor of `processes` warmed export processes (at least one).

    Use with `loop.run_in_executor(pool, pages.write_outputs, ...)` (runner.run_report); every argument is
    pickled (a notebook of a few MB pickles in milliseconds). `record_child(pid)` is told
    each process's pid. Start it from a thread that outlives the pool: the processes'
    parent-death signal fires when the thread that started them ends (prctl(2)).
    """
    pool = ProcessPoolExecutor(max_workers=max(1, processes), mp_context=multiprocessing.get_context("spawn"),
                               initializer=_warm, initargs=(os.getpid(),))
    try:
        wait([pool.submit(_nothing) for _ in range(max(1, processes))], timeout=0)  # start them now
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            if record_child is not None and process.pid:
                record_child(process.pid)
        yield pool
    except BaseException:
        # interrupted or failed: the run is thrown away, so are its exports (and a process
        # still importing nbconvert on a busy machine would hold up the exit for seconds)
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        del pool
        _stop_resource_tracker()


# A full disk, an exceeded quota or a read-only file system stop the whole build with exit 3
# (CannotBuild): every later report would fail the same way, and no run is renamed into place.
MACHINE_FAULTS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


def is_machine_fault(exc: BaseException) -> bool:
    """True for an error of the machine (MACHINE_FAULTS), not of the report being written."""
    return isinstance(exc, OSError) and exc.errno in MACHINE_FAULTS


def export_failure(exc: BaseException, written):
    """The `execute.Failure` of a report whose pages could not be written.

    The report fails alone (nbconvert refusing its notebook, say); the files it had written
    are removed.

    Args:
        exc: What the export raised.
        written: Paths of the files the report had written.

    Returns:
        A Failure of one line: `exc`'s type and first line, "while writing its pages".
    """
    from kczlib.publish.execute import Failure

    for path in written:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
    first = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
    return Failure(None, type(exc).__name__, first, where="while writing its pages")


def _stop_resource_tracker() -> None:
    """Stop multiprocessing's resource tracker, which the pool's queues started.

    It would otherwise outlive an interrupted build by a moment, a child process left
    behind. The queues' semaphores are collected first, so nothing starts it again at exit.
    """
    import gc
    from multiprocessing import resource_tracker

    gc.collect()
    stop = getattr(resource_tracker._resource_tracker, "_stop", None)  # CPython 3.8+
    if stop is not None:
        stop()
