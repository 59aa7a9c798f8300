"""One build per output folder at a time: an flock on `<out>/.kcz-build.lock`.

flock is released by the kernel when the process dies, so a killed build never
leaves a stale lock behind; the file only carries the holder's pid for the message.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from ..errors import KczError

LOCK_NAME = ".kcz-build.lock"


class BuildLocked(KczError):
    pass


@contextmanager
def build_lock(out: Path, wait: bool = False):
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise BuildLocked(
                f"another kcz build is running (pid {holder}) into {out}; "
                "wait for it to finish or pass --wait"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the flock
