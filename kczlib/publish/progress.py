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

    def summary(self, manifest: dict, run_path, carried: int = 0) -> None:
        """Say the counts per status and the seconds of the build, and where its index page is.

        Args:
            manifest: The run's manifest; its `counts` cover every report in the run.
            run_path: The run folder.
            carried: How many of the manifest's cached reports were not selected (`--only`) but
                carried over unchanged from earlier runs so the run is complete; they are said
                apart, so that the counts add up to the "N report(s)" the build started with.
        """
        counts = dict(manifest["counts"])
        counts["cached"] = counts.get("cached", 0) - carried
        parts = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "nothing built"
        more = f"; {carried} more carried over unchanged from earlier runs" if carried else ""
        self.say(f"kcz: {parts}{more} in {manifest['seconds']:.1f} s -> {run_path / 'index.html'}", level=0)


def warn(text: str) -> None:
    """A warning the build goes on after (e.g. cache state it cannot use): one stderr line."""
    print(f"kcz: warning: {text}", file=sys.stderr, flush=True)
