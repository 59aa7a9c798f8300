"""One build per output folder at a time: an flock on `<out>/.kcz-build.lock`.

flock is released by the kernel when the process dies, so a killed build never
leaves a stale lock behind. The file carries the holder's pid (first line, for the
message) and one line per child process the build started (children.py): the next build
kills those of them a killed build left running, once it holds the lock.

The lock file is written (emptied, then the pid), so it must be our own plain file:
it is opened with O_NOFOLLOW (a symlink planted there is refused, not followed to the
file it names), O_NONBLOCK (a FIFO cannot hang the build) and checked to be a regular
file with one link (a hard link to another file is refused too).
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import threading
from contextlib import contextmanager
from pathlib import Path

from kczlib.errors import BuildLocked, UnsafeOutputFolder
from kczlib.publish.children import kill_leftovers, record

LOCK_NAME = ".kcz-build.lock"
MAX_LOCK_TEXT = 1 << 20  # what is read of a previous holder's records


class HeldLock:
    """The build lock while held.

    `record_child(pid)` notes a child process in the lock file; `leftovers` are the pids of
    a previous build's children killed on taking it.
    """

    def __init__(self, fd: int, leftovers: list[int]):
        self._fd, self.leftovers = fd, leftovers
        self._mutex = threading.Lock()

    def record_child(self, pid: int) -> None:
        """Add process `pid` (a kernel or export process of this build) to the lock file."""
        line = record(pid)
        if line is None:
            return
        with self._mutex:
            end = os.fstat(self._fd).st_size
            os.pwrite(self._fd, (line + "\n").encode(), end)


def _open_lock(path: Path) -> int:
    """A descriptor of the lock file, created if missing.

    Raises UnsafeOutputFolder if it is not a plain file of its own.
    """
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeOutputFolder(f"{path} is a symlink; remove it (kcz never writes "
                                     "through a link in the output folder)") from None
        if exc.errno == errno.EISDIR:
            raise UnsafeOutputFolder(f"{path} is a folder; remove it (kcz keeps its build "
                                     "lock in a plain file there)") from None
        raise
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
        os.close(fd)
        kind = "a hard link to another file" if stat.S_ISREG(info.st_mode) else "not a regular file"
        raise UnsafeOutputFolder(f"{path} is {kind}; remove it (kcz writes its pid there)")
    return fd


@contextmanager
def build_lock(out: Path, wait: bool = False):
    """Hold the build lock of `out` for the `with` block.

    Raises BuildLocked if another build holds it (unless `wait`), UnsafeOutputFolder
    if the lock path is a symlink, hard link or special file. Yields a HeldLock; the
    children an earlier, killed build recorded there and left running are killed first.
    """
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK_NAME
    fd = _open_lock(path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").partition("\n")[0].strip() or "?"
            raise BuildLocked(
                f"another kcz build is running (pid {holder}) into {out}; "
                "wait for it to finish or pass --wait"
            ) from None
        previous = os.pread(fd, MAX_LOCK_TEXT, 0).decode(errors="replace").splitlines()[1:]
        leftovers = kill_leftovers(previous) if previous else []
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield HeldLock(fd, leftovers)
    finally:
        os.close(fd)  # closing releases the flock
