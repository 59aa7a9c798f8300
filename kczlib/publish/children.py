"""The build's child processes die with it, even when it is killed with SIGKILL.

A `kcz build` starts kernels and export processes (export_pool.py). When the build ends
normally, or on Ctrl-C/SIGTERM, it stops them itself. SIGKILL leaves it no chance, and:

- an export process (multiprocessing's spawn worker) never notices: it holds the write
  end of its own call queue, so it never sees EOF (cpython#111873) and stays alive,
  reparented to PID 1, at about 84 MB each. So each one asks Linux to kill it when its
  parent dies (`prctl(PR_SET_PDEATHSIG, SIGKILL)`, see prctl(2); it fires when the
  *thread* that started the child ends, and kcz starts them from the build thread, which
  outlives the pool), and also watches `os.getppid()` from a thread (the portable
  fallback, and a check that the parent was not already gone before prctl ran).
- a kernel (ipykernel) exits by itself within about a second of its parent's death: its
  parent poller watches the parent pid that jupyter_client passes in `JPY_PARENT_PID`.

As a last line, the build records each child (pid, start time, command line) in its lock
file (lock.py); the next build, once it holds the lock, kills any recorded process that
is still alive and provably that child: the same pid, start time and command line, owned
by this user, and a kcz kernel or export process by its command line (psutil reads them).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

# what a child of a build runs: the only command lines a leftover may have
CHILD_MARKERS = ("ipykernel_launcher", "from multiprocessing.spawn import spawn_main")


def die_with_parent(parent: int, poll: float = 1.0) -> None:
    """Make this process end when process `parent` (its parent) dies.

    Linux: the parent-death signal SIGKILL (prctl(2)). Everywhere: a daemon thread that
    ends the process when `os.getppid()` is no longer `parent` (checked at once too, in
    case the parent died before this ran), every `poll` seconds.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):  # the watchdog below still works
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)

    def watch():
        while True:
            time.sleep(poll)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="kcz-parent-watch", daemon=True).start()


def record(pid: int) -> str | None:
    """One line of JSON identifying process `pid` for `kill_leftovers`.

    Args:
        pid: The child process.

    Returns:
        {"pid", "started" (psutil's `create_time`, seconds since the epoch), "cmdline"} as
        JSON text; None if the process is already gone.
    """
    import psutil

    try:
        proc = psutil.Process(pid)
        with proc.oneshot():
            return json.dumps({"pid": pid, "started": proc.create_time(), "cmdline": proc.cmdline()})
    except (psutil.Error, OSError):
        return None


def kill_leftovers(lines) -> list[int]:
    """Kill (SIGKILL) each recorded child of an earlier build that is still running.

    A process is killed only if it is provably the recorded child: same pid, start time and
    command line, this user's, and a command line with one of CHILD_MARKERS. Lines that are
    not records are ignored (the file is in the output folder: its content is data, never
    trusted).

    Args:
        lines: Lines of the lock file, each meant to be a `record`.

    Returns:
        The pids killed, after waiting (up to 5 s) for them to be gone.
    """
    import psutil

    victims = []
    for line in lines:
        try:
            rec = json.loads(line)
            pid, started, cmdline = int(rec["pid"]), float(rec["started"]), list(rec["cmdline"])
        except (ValueError, TypeError, KeyError):
            continue
        if pid <= 1 or pid == os.getpid() or not any(m in " ".join(map(str, cmdline)) for m in CHILD_MARKERS):
            continue
        try:
            proc = psutil.Process(pid)
            with proc.oneshot():
                same = (proc.create_time() == started and proc.cmdline() == cmdline
                        and proc.uids().real == os.getuid())
            if same:
                proc.kill()
                victims.append(proc)
        except (psutil.Error, OSError):
            continue
    deadline = time.monotonic() + 5
    while any(running(p) for p in victims) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [p.pid for p in victims]


def running(proc) -> bool:
    """Whether psutil Process `proc` still runs.

    A zombie (dead, not yet reaped by a PID 1 that does not reap) does not.

    Args:
        proc: A `psutil.Process`.

    Returns:
        True if it runs and is no zombie; False if it is gone or cannot be asked.
    """
    import psutil

    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False
