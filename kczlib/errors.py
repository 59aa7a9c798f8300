"""The project's exceptions, and how many problems are said at once (`grouped_errors`).

Each exception carries what a user needs to find the problem.
"""

from __future__ import annotations

import errno

# `%xmode` modes in which a notebook shows a project error's full traceback
FULL_TRACEBACK_MODES = ("Verbose",)


class KczError(Exception):
    """Base class: anything the CLI reports as a one-line message, never a traceback.

    In IPython (a notebook cell) it is shown as that one line too, through IPython's
    `_render_traceback_` hook; `%xmode Verbose` in the notebook shows the full
    traceback again (IPython's own, as for any other exception).
    """

    @property
    def _render_traceback_(self):
        # IPython calls `value._render_traceback_()` when the attribute exists; raising
        # AttributeError here makes `hasattr` false, so IPython formats as usual.
        if _full_tracebacks_wanted():
            raise AttributeError("_render_traceback_")
        return self._one_line

    def _one_line(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


def _full_tracebacks_wanted() -> bool:
    """True when the running IPython's exception mode (`%xmode`) asks for full tracebacks."""
    try:
        from IPython import get_ipython
    except ImportError:
        return True
    shell = get_ipython()
    mode = getattr(getattr(shell, "InteractiveTB", None), "mode", None)
    return shell is None or mode in FULL_TRACEBACK_MODES


def data_file(name: str) -> str:
    """`name` in the data folder actually read (`KCZ_DATA`, else the project's `data/`), for a message.

    A message about a data file names the folder the user's data is in, not the project's.
    """
    from kczlib.paths import data_root  # imports nothing of kczlib

    return str(data_root() / name)


class UnknownCaseError(KczError, LookupError):
    """A case name that is not a folder under data/cases (the message lists the known ones)."""

    def __init__(self, case: str, known: list[str]):
        self.case, self.known = case, known
        super().__init__(
            f"unknown case {case!r}; known cases: {', '.join(known) or '(none)'}"
            f" (a case is a folder under {data_file('cases')}/)"
        )


class DataError(KczError, ValueError):
    """A problem in a data file, located by file, line and column."""

    def __init__(self, path, reason: str, line: int | None = None, column: str | None = None):
        self.path, self.reason, self.line, self.column = str(path), reason, line, column
        where = self.path
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {reason}")


class DataErrors(KczError, ValueError):
    """Several data problems found in one pass; the message lists each on its own line."""

    def __init__(self, errors: list[DataError]):
        self.errors = list(errors)
        head = f"{len(self.errors)} data problem(s):"
        super().__init__("\n".join([head] + [f"  - {e}" for e in self.errors]))


class UnknownIdError(KczError, KeyError):
    """An id that is not in a case's table, with the closest ids as a hint."""

    what = "row"

    def __init__(self, row_id: str, case: str, close: list[str]):
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        super().__init__(f"no {self.what} {row_id!r} in case {case!r}{hint}")

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return self.args[0]


class UnknownFigureError(UnknownIdError):
    """A figure id that is not a row of the case's figures.csv."""

    what = "figure"


class UnknownContextError(UnknownIdError):
    """A context id that is not a row of the case's context.csv."""

    what = "context row"


class UnknownNumError(UnknownIdError):
    """An id that is none of a case's figure ids, the indicators it reports, or its context rows."""

    what = "figure, indicator or context row"


class UnitMismatchError(KczError, TypeError):
    """Arithmetic on two numbers whose units do not combine (adding CNY to a count)."""

    def __init__(self, op: str, left: str, right: str, hint: str = ""):
        self.op, self.left, self.right = op, left, right
        super().__init__(f"cannot compute {left} {op} {right}: the units do not combine{hint}")


class ParameterError(KczError, ValueError):
    """A notebook or build parameter that is unknown, of the wrong type or out of range."""

    def __init__(self, name: str, reason: str, allowed: str | None = None):
        self.name, self.reason, self.allowed = name, reason, allowed
        msg = f"parameter {name!r}: {reason}"
        if allowed:
            msg += f" (allowed: {allowed})"
        super().__init__(msg)


class QuantityParseError(KczError, ValueError):
    """A text that does not read as one Chinese quantity (number, qualifier, unit)."""

    def __init__(self, text: str, reason: str):
        self.text = text
        super().__init__(f"cannot parse quantity {text!r}: {reason}")


class UnknownIndicatorError(KczError, KeyError):
    """An indicator id that is not in the vocabulary (`data/indicators.csv`)."""

    def __init__(self, indicator_id: str, close: list[str]):
        self.indicator_id = indicator_id
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        super().__init__(f"no indicator {indicator_id!r} in {data_file('indicators.csv')}{hint}")

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return self.args[0]


class PerResidentError(KczError, ValueError):
    """A ratio per resident asked of a count whose indicator does not count residents.

    `data/indicators.csv` column `population` must say "residents" (issue 22, M1).
    """

    def __init__(self, ids: list[str]):
        self.ids = ids
        super().__init__(f"no ratio per resident for {', '.join(ids)}: their indicators do not count residents "
                         f"({data_file('indicators.csv')}, column population)")


class IndicatorNotReportedError(KczError, LookupError):
    """A known indicator that a case maps no figure to (for the period asked, if any)."""

    def __init__(self, indicator_id: str, case: str, name: str, period: str | None = None,
                 periods: list[str] | None = None):
        self.indicator_id, self.case, self.period = indicator_id, case, period
        if period is None:
            msg = f"case {case!r} does not report indicator {indicator_id!r} ({name})"
        else:
            have = f"; it reports periods {', '.join(periods)}" if periods else ""
            msg = f"case {case!r} does not report indicator {indicator_id!r} ({name}) for period {period!r}{have}"
        super().__init__(msg)


class AmbiguousIndicatorError(KczError, LookupError):
    """An indicator a case reports for several periods, asked for without a period."""

    def __init__(self, indicator_id: str, case: str, periods: list[str], figure_ids: list[str] | None = None):
        self.indicator_id, self.case, self.periods = indicator_id, case, periods
        if figure_ids:  # name the figures too, so either way of choosing one is in the message
            listed = ", ".join(f"{p} ({f})" for p, f in zip(periods, figure_ids, strict=True))
            super().__init__(f"case {case!r} reports indicator {indicator_id!r} for periods {listed}; "
                             f"pass period= to choose one (period={periods[-1]!r}) or ask for the figure id")
        else:
            super().__init__(f"case {case!r} reports indicator {indicator_id!r} for periods {', '.join(periods)}; "
                             "pass period= to choose one")


class WordsError(KczError):
    """A word file (kczlib/words/*.toml) is missing, malformed, or lacks a key or a language."""


class TemplateError(KczError):
    """A report template is missing, needs a slot it was not given, or has a number typed in."""


class CannotBuild(KczError):
    """The output folder or the disk prevents a build.

    Disk full, read-only, not a folder, or something planted where kcz writes. The CLI exits
    with its own code (3), distinct from a report that failed (1); the previous run and
    `latest` are left as they were.
    """

    @classmethod
    def from_os_error(cls, exc: OSError, out) -> CannotBuild:
        """One message naming the path and the cause of `exc`, for the build into `out`."""
        path = exc.filename or out
        cause = _CAUSES.get(exc.errno if exc.errno is not None else -1, exc.strerror or type(exc).__name__)
        return cls(f"could not build into {out}: {path}: {cause}")


_CAUSES = {  # errno -> the cause in words (errno numbers are Linux/BSD's, via the errno module)
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EEXIST: "exists and is not a folder",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "is a folder where kcz expects a file",
}


class Terminated(BaseException):
    """SIGTERM or SIGHUP, raised in the main thread like KeyboardInterrupt is for SIGINT."""

    def __init__(self, signum: int = 15):
        super().__init__(signum)
        self.signum = signum


# --- data and analysis ---

class DraftError(KczError, ValueError):
    """A case that cannot be drafted: a bad name, an existing folder, an unreadable raw file."""


class NonMonotoneError(KczError):
    """The vertex method does not bound this expression: it is not monotone in each input."""


class NoDefaultCaseError(KczError):
    """No case was named and the project names none: pass a case (the message lists them)."""


# --- the publish layer (kcz build) ---


class ConfigError(KczError):
    """reports.toml is missing, malformed, or names something that does not exist.

    Raised by kczlib.publish.config before any kernel starts.
    """


class BuildLocked(KczError):
    """Another build holds the lock of this output folder."""


class UnsafeOutputFolder(CannotBuild):
    """Something planted in the output folder where kcz writes: the build refuses it.

    A symlink, a hard link or a FIFO: the build stops rather than write through it.
    """


class ClusterError(KczError):
    """The scheduler cannot be reached or used, has no workers, or a worker's answer is refused."""


class TaskFailed(Exception):
    """A Dask task ended in an error; the worker's exception is deliberately not read."""


class RefusedAnswer(Exception):
    """A worker's result is not the data `cluster.report_task` returns."""


class NotRun(Exception):
    """The worker declined to run the report (another installation, no kernel pool)."""


class OutsideRunFolder(KczError):
    """An output file name that would not land directly in the run folder."""


class ScheduleError(KczError):
    """A time of day that is not HH:MM, or a unit folder that cannot be written."""


def grouped_errors(errors: list[DataError], at_least: int = 3) -> list[str]:
    """Error lines, with the same reason in the same file and column on many rows said once.

    A drafted figures table has the same blank on every row; one line naming the rows
    reads better than a hundred.
    """
    groups: dict[tuple[str, str | None, str], list[DataError]] = {}
    for e in errors:
        groups.setdefault((e.path, e.column, e.reason), []).append(e)
    out: list[str] = []
    for (path, column, reason), members in groups.items():
        if len(members) < at_least or column is None:
            out.extend(str(e) for e in members)
        else:
            out.append(f"{path}, column {column!r}: {reason} (on {len(members)} rows: lines "
                       f"{_line_list([e.line for e in members])})")
    return out


def _line_list(lines: list[int | None]) -> str:
    """1, 2, 3, 5 -> '1-3, 5'."""
    nums = sorted({n for n in lines if n is not None})
    spans: list[str] = []
    start: int | None = None
    for i, n in enumerate(nums):
        start = n if start is None else start
        if i + 1 == len(nums) or nums[i + 1] != n + 1:
            spans.append(f"{start}" if start == n else f"{start}-{n}")
            start = None
    return ", ".join(spans)
