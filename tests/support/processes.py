"""Helpers for tests that start real services (Dask schedulers and workers)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable


def stop_all(procs: Iterable[subprocess.Popen], timeout: float = 30) -> None:
    """Terminate each process still running, last started first (workers say goodbye to
    their scheduler), and reap it; one that does not end within `timeout` s is killed."""
    for proc in reversed(list(procs)):
        if proc.poll() is None:
            proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
