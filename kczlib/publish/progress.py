"""Terminal progress: one line per report as it starts and as it ends, then a summary.

quiet (-q): failures and the summary only; verbose (-v): also the timing breakdown.
"""

from __future__ import annotations

import sys
import threading


class Progress:
    """The build's lines on the terminal (stderr by default), safe to call from several threads.

    Args:
        verbosity: 0 quiet (failures and the summary), 1 normal, 2 verbose (also timings).
        stream: Where lines go; None for sys.stderr.
    """

    def __init__(self, verbosity: int = 1, stream=None):
        self.verbosity = verbosity  # 0 quiet, 1 normal, 2 verbose
        self.stream = stream or sys.stderr
        self._lock = threading.Lock()  # lines come from the build thread and the main thread

    def say(self, text: str, level: int = 1) -> None:
        """Print `text` as one line if the verbosity is at least `level`."""
        if self.verbosity >= level:
            with self._lock:
                print(text, file=self.stream, flush=True)

    def started(self, name: str) -> None:
        """Say that report `name` starts."""
        self.say(f"  start   {name}")

    def finished(self, entry: dict) -> None:
        """Say how a report ended, from its manifest `entry`: failed and cancelled even when quiet."""
        name, status = entry["name"], entry["status"]
        if status == "failed":
            self.say(f"  FAILED  {name} {entry['error']['summary']}", level=0)
        elif status == "cancelled":
            self.say(f"  cancelled {name}", level=0)
        elif status == "cached":
            self.say(f"  cached  {name} (from {entry['cached_from']})")
        else:
            self.say(f"  done    {name} in {entry['seconds']:.1f} s")
            t = entry.get("timings", {})
            if t:
                self.say("          " + ", ".join(f"{k} {v:.2f} s" for k, v in t.items()), level=2)

    def summary(self, manifest: dict, run_path) -> None:
        """Say the counts per status and the seconds of the build, and where its index page is."""
        counts = manifest["counts"]
        parts = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        self.say(f"kcz: {parts} in {manifest['seconds']:.1f} s -> {run_path / 'index.html'}", level=0)


def warn(text: str) -> None:
    """A warning the build goes on after (e.g. cache state it cannot use): one stderr line."""
    print(f"kcz: warning: {text}", file=sys.stderr, flush=True)
