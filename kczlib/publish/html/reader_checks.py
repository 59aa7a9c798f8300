"""A reader page carries no Python noise: any stderr output fails the report.

Warnings (a matplotlib `UserWarning`, a pandas `FutureWarning`) and anything else a
notebook writes to stderr reach the page as text above a chart. They are a fault in the
report, so the build says which cell wrote what instead of publishing it.
"""

from __future__ import annotations


def stderr_outputs(nb) -> list[tuple[int | None, str]]:
    """(execution count, text) of every stderr stream output in an executed notebook."""
    return [(count, text) for _, count, text in _stderr_cells(nb)]


def _stderr_cells(nb) -> list[tuple[int, int | None, str]]:
    """(cell index, execution count, text) of every stderr stream output."""
    found = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                text = out.get("text", "")
                found.append((index, cell.get("execution_count"), "".join(text) if isinstance(text, list) else text))
    return found


def stderr_failure(nb):
    """A `Failure` naming the first cell that wrote to stderr, or None when none did.

    That cell is marked in `nb` as a failing cell is (papermill's banner at the top and
    anchor above it: `execute.mark_cell`), so the analyst page shows where it is.
    """
    from kczlib.publish.execute import Failure, mark_cell
    from kczlib.publish.html.ansi import strip_ansi

    found = _stderr_cells(nb)
    if not found:
        return None
    index, _, text = found[0]
    first = next((line.strip() for line in strip_ansi(text).splitlines() if line.strip()), "")
    more = f" (and {len(found) - 1} more stderr output(s))" if len(found) > 1 else ""
    message = f"the notebook wrote to stderr, which a reader page must not show: {first}{more}"
    count = mark_cell(nb, index, "Report failed (output on stderr)", "StderrOutput", message)
    return Failure(count, "StderrOutput", message)
