"""How `kcz` meets SIGINT, SIGTERM and SIGHUP, in one place.

- Start-up (`exit_quietly_while_starting`, installed by cli.py when it is imported as the
  `kcz` program): a signal before `main` runs ends the program with one line, not a
  traceback from inside an import.
- The command (`terminating`, used by cli.main and by both executors): SIGTERM and SIGHUP
  raise Terminated (`raise_terminated`, the one handler that does), as SIGINT raises
  KeyboardInterrupt, so the clean-up runs in every phase.
- Held (`signals_held`) while a finished run is renamed into place; ignored
  (`ignore_signals`) during clean-up.

`STOPPING` is set once a signal has begun to stop the build: a kernel that dies of that same
signal is then reported as cancelled, not as a failure of its notebook.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from kczlib.errors import Terminated

STOPPING = threading.Event()
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# exit code and word of a command ended by each signal (128 + the signal's number)
SIGNAL_EXITS: dict[int, tuple[int, str]] = {signal.SIGINT: (130, "interrupted"), signal.SIGTERM: (143, "terminated"),
                                         signal.SIGHUP: (129, "hung up")}


def _exit_at_start_up(signum, frame):
    """Before `main` runs nothing has been done, so a signal simply ends the program."""
    code, word = SIGNAL_EXITS.get(signum, SIGNAL_EXITS[signal.SIGTERM])
    sys.stderr.write(f"kcz: {word} while starting; nothing was done\n")
    os._exit(code)


def started_as_the_kcz_program() -> bool:
    """Whether this process is the `kcz` program itself.

    Returns:
        True in the `kcz` process; False when imported by other code, and in the build's
        export processes (spawned: they import the program's main module again, and a build
        stopping them must not make each print "terminated while starting").
    """
    if not (Path(sys.argv[0]).name == "kcz" or sys.argv[0].endswith(os.path.join("kczlib", "__main__.py"))):
        return False
    # a spawned child was given the parent's sys.argv; its own command line is `python -c
    # "from multiprocessing.spawn import spawn_main; ..."` (sys.orig_argv, Python 3.10+)
    return not any(arg.startswith("from multiprocessing.spawn import") for arg in sys.orig_argv)


def exit_quietly_while_starting() -> None:
    """Until `end_start_up`, a signal ends the program with one line and the signal's exit code.

    Only in the `kcz` program (`started_as_the_kcz_program`); elsewhere nothing changes.
    """
    if started_as_the_kcz_program():
        for signum in SIGNALS:
            signal.signal(signum, _exit_at_start_up)


def end_start_up() -> None:
    """From here on SIGINT raises KeyboardInterrupt (the clean-up runs).

    Only if the start-up handler was installed; otherwise nothing changes.
    """
    if signal.getsignal(signal.SIGINT) is _exit_at_start_up:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def in_main_thread() -> bool:
    """True in the main thread, the only one in which Python lets a handler be set."""
    return threading.current_thread() is threading.main_thread()


def raise_terminated(signum, frame):
    """A signal handler: marks the build as stopping and raises Terminated(signum)."""
    STOPPING.set()
    raise Terminated(signum)


@contextmanager
def terminating(signums=(signal.SIGTERM, signal.SIGHUP)):
    """Within the block, `signums` raise Terminated (`raise_terminated`) in the main thread.

    The old handlers come back after it. Elsewhere than the main thread: no change.

    Args:
        signums: The signals to turn into Terminated (by default SIGTERM and SIGHUP).

    Yields:
        Nothing; the block runs with these handlers.
    """
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
    """Within the block, SIGINT/SIGTERM/SIGHUP are recorded, not acted on (the block is short).

    The old handlers come back after it. `as` gives the list of signals seen.
    """

    def __enter__(self) -> list[int]:
        self.seen: list[int] = []
        self.old: dict = {}
        if in_main_thread():
            for signum in SIGNALS:
                self.old[signum] = signal.signal(signum, lambda n, f: self.seen.append(n))
        return self.seen

    def __exit__(self, *exc) -> None:
        for signum, handler in self.old.items():
            signal.signal(signum, handler)
