"""Refuse, before any kernel starts, the reports of a case whose data `kcz validate` refuses.

Each report checks its case when it starts (`Report.configure` calls the data layer's
`require_valid`), so a broken row is never printed. Left to the reports alone, a broken case
still started a kernel per report and failed each with the same line: 37.5 s for 12
identical failures (a fresh user's find). Here the builder asks once per case
(`cases.data_problem`) and fails those reports with that line, without a kernel; the
reports of other cases run as before.
"""

from __future__ import annotations

from pathlib import Path

from kczlib.declarations import read_declarations
from kczlib.errors import KczError
from kczlib.publish.cases import data_problem, known_cases
from kczlib.publish.run_folder import now_iso
from kczlib.publish.runner import error_entry

WHERE = "before any kernel started (its case's data; nothing of it ran)"


def cases_read(notebook: Path, parameters: dict) -> list[str]:
    """The case names a report of `notebook` with these `parameters` reads.

    `case` (a per-case report) or `cases` (the comparison; empty means every case), given
    in `parameters` or else the notebook's declared default. A value of another type, or a
    notebook whose parameters cell cannot be read, reads no case here: the report's own
    parameter check refuses it.
    """
    defaults: dict = {}
    if "case" not in parameters and "cases" not in parameters:
        try:
            defaults = {p.name: p.default for p in read_declarations(notebook)}
        except (KczError, OSError, ValueError):
            defaults = {}
    case, cases = (parameters.get("case", defaults.get("case")), parameters.get("cases", defaults.get("cases")))
    if isinstance(case, str):
        return [case]
    if isinstance(cases, list):
        return [c for c in cases if isinstance(c, str)] or known_cases()
    return []


def refuse_invalid_data(todo: list, progress) -> list:
    """Fail the reports of `todo` whose case's data is refused; return the others, in order.

    Args:
        todo: [(config.ReportSpec, manifest entry)] about to be executed.
        progress: a progress.Progress, told of each refused report as it ends.

    Returns:
        The pairs of `todo` left to execute. Each refused report's entry gets status
        "failed", an `error` (kind "error", the data problem's one line) and no files.
    """
    from kczlib.publish.execute import Failure  # imports papermill: the reports about to run need it too

    problems: dict[str, str | None] = {}
    left = []
    for report, entry in todo:
        read = cases_read(report.notebook, report.parameters)
        for case in read:
            if case not in problems:
                problems[case] = data_problem(case)
        problem = next((p for c in read if (p := problems[c])), None)
        if problem is None:
            left.append((report, entry))
            continue
        entry["started_at"] = entry["built_at"] = now_iso()
        entry.update(status="failed", error=error_entry(Failure(None, "DataError", problem, where=WHERE)),
                     files=[], outputs={}, seconds=0.0)
        progress.finished(entry)
    return left
