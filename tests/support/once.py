"""A session fixture's work done once per test run, also when the tests run in several
processes (`make test` runs them with pytest-xdist, one process per core).

pytest's session scope is one per process: with two workers, each would run its own
`kcz build` of every report. `once_per_run` lets the first worker that asks do the work in a
folder both can see (the run's shared temporary root), under a file lock; the other waits for
it and then reads the same folder. Recipe: pytest-xdist's docs, "Making session-scoped
fixtures execute only once".
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock

DONE = "done.json"


def shared_root(tmp_path_factory) -> Path:
    """The temporary folder every process of this test run sees: the session's own base
    folder without xdist, the parent of the workers' base folders under it."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once_per_run(tmp_path_factory, name: str, make: Callable[[Path], subprocess.CompletedProcess]
                 ) -> tuple[Path, subprocess.CompletedProcess]:
    """Run `make(folder)` once per test run for `folder` = <shared root>/<name>.

    `make` creates what it needs in the folder (which exists, empty) and returns the finished
    process of its `kcz` run. Every caller, in any worker, gets (folder, that process): its
    return code and output are kept beside the folder's files in `done.json`. A `make` that
    raises leaves no record, so the next caller starts again in an empty folder (and
    meets the same error).
    """
    folder = shared_root(tmp_path_factory) / name
    with FileLock(str(folder) + ".lock"):
        record = folder / DONE
        if not record.is_file():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed try left
            folder.mkdir(parents=True)
            done = make(folder)
            record.write_text(json.dumps({"args": [str(a) for a in done.args], "returncode": done.returncode,
                                          "stdout": done.stdout, "stderr": done.stderr}), encoding="utf-8")
        kept = json.loads(record.read_text(encoding="utf-8"))
    return folder, subprocess.CompletedProcess(kept["args"], kept["returncode"], kept["stdout"], kept["stderr"])
