"""A reader page carries no Python noise: any stderr output fails the report.

Warnings (a matplotlib `UserWarning`, a pandas `FutureWarning`) and anything else a
notebook writes to stderr reach the page as text above a chart. They are a fault in the
report, so the build says which cell wrote what instead of publishing it.
"""

from __future__ import annotations


def stderr_outputs(nb) -> list[tuple[int | None, str]]:
    """(execution count, text) of every stderr stream output in an executed notebook."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                text = out.get("text", "")
                found.append((cell.get("execution_count"), "".join(text) if isinstance(text, list) else text))
    return found


def stderr_failure(nb):
    """A `Failure` naming the first cell that wrote to stderr, or None when none did."""
    from .execute import Failure

    found = stderr_outputs(nb)
    if not found:
        return None
    cell, text = found[0]
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    more = f" (and {len(found) - 1} more stderr output(s))" if len(found) > 1 else ""
    return Failure(cell, "StderrOutput",
                   f"the notebook wrote to stderr, which a reader page must not show: {first}{more}")
