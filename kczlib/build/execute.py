"""Run one report's notebook on a kernel we already started (papermill semantics).

papermill's `execute_notebook` is synchronous and would start its own kernel, so the
steps are replicated here on nbclient's async API: papermill parameterises (the
`injected-parameters` cell), nbclient executes on our warm kernel manager, and
papermill's `raise_for_execution_errors` marks the failing cell (the red banner at
the top linking to an anchor above the cell) exactly as the papermill CLI does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat
import papermill
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from papermill.exceptions import PapermillExecutionError
from papermill.execute import raise_for_execution_errors
from papermill.iorw import load_notebook_node

from .ansi import strip_ansi
from .inject import inject_parameters


@dataclass
class Failure:
    cell: int | None  # execution count of the failing cell, as papermill reports it
    ename: str
    evalue: str

    def summary(self) -> str:
        where = f"at cell {self.cell}" if self.cell is not None else "before any cell ran"
        return f"{where}: {self.ename}: {strip_ansi(self.evalue)}".rstrip(": ")


def prepare(source: Path, parameters: dict, kernel_name: str):
    """The notebook at `source`, upgraded to v4, with `parameters` injected by kcz (not by
    papermill's translator: see `inject`). Raises ParameterError for an unsafe parameter."""
    nb = load_notebook_node(str(source))  # papermill's loader: adds the metadata it relies on
    nb = inject_parameters(nbformat.v4.upgrade(nb), parameters)
    # paths of this machine are deliberately not recorded
    nb.metadata.papermill["version"] = papermill.__version__
    return nb


async def execute(nb, km, cwd: Path, timeout: int, scratch: Path) -> Failure | None:
    """Execute `nb` in place on `km`; return the failure (cell marked), or None."""
    client = NotebookClient(
        nb, km=km, timeout=timeout, kernel_name=km.kernel_name,
        resources={"metadata": {"path": str(cwd)}}, allow_errors=False,
    )
    try:
        await client.async_execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        return _mark_failure(nb, exc, scratch)
    finally:
        if client.kc is not None:
            client.kc.stop_channels()
    return None


def _mark_failure(nb, exc, scratch: Path) -> Failure:
    try:
        raise_for_execution_errors(nb, str(scratch))  # inserts banner + anchor, writes, raises
    except PapermillExecutionError as err:
        marked = nbformat.read(scratch, as_version=4)
        nb.cells[:] = marked.cells
        return Failure(err.exec_count, err.ename, err.evalue)
    finally:
        scratch.unlink(missing_ok=True)
    # no error output (a timeout or a dead kernel): say so in the notebook ourselves
    banner = nbformat.v4.new_markdown_cell(f"**Execution stopped:** {type(exc).__name__}: {exc}")
    nb.cells.insert(0, banner)
    return Failure(None, type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")
