"""How a build meets SIGINT, SIGTERM and SIGHUP: raised as exceptions in every phase (so the
clean-up runs), held while a finished run is renamed into place, ignored during clean-up.

`STOPPING` is set once a signal has begun to stop the build: a kernel that dies of that same
signal is then reported as cancelled, not as a failure of its notebook.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

from kczlib.errors import Terminated

STOPPING = threading.Event()
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def in_main_thread() -> bool:
    """True in the main thread, the only one in which Python lets a handler be set."""
    return threading.current_thread() is threading.main_thread()


def raise_terminated(signum, frame):
    """A signal handler: marks the build as stopping and raises Terminated(signum)."""
    STOPPING.set()
    raise Terminated(signum)


@contextmanager
def terminating(signums=(signal.SIGTERM, signal.SIGHUP)):
    """Within the block, `signums` raise Terminated (`raise_terminated`) in the main thread;
    the old handlers come back after it. Elsewhere than the main thread: no change."""
    previous = {s: signal.signal(s, raise_terminated) for s in signums} if in_main_thread() else {}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def ignore_signals() -> None:
    """SIGINT/SIGTERM/SIGHUP ignored from here on (a second Ctrl-C must not break a clean-up)."""
    if in_main_thread():
        for signum in SIGNALS:
            signal.signal(signum, signal.SIG_IGN)


class signals_held:  # noqa: N801 - used as a statement: `with signals_held() as held`
    """Within the block, SIGINT/SIGTERM/SIGHUP are recorded, not acted on (the block is
    short); the old handlers come back after it. `as` gives the list of signals seen."""

    def __enter__(self) -> list[int]:
        self.seen: list[int] = []
        self.old: dict = {}
        if in_main_thread():
            for signum in SIGNALS:
                self.old[signum] = signal.signal(signum, lambda n, f: self.seen.append(n))
        return self.seen

    def __exit__(self, *exc) -> bool:
        for signum, handler in self.old.items():
            signal.signal(signum, handler)
        return False
