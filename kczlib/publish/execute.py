"""Run one report's notebook on a kernel we already started (papermill semantics).

papermill's `execute_notebook` is synchronous and would start its own kernel, so the
steps are replicated here on nbclient's async API: papermill parameterises (the
`injected-parameters` cell), nbclient executes on our warm kernel manager, and
papermill's `raise_for_execution_errors` marks the failing cell (the red banner at
the top linking to an anchor above the cell) exactly as the papermill CLI does.

As under papermill, `sys.exit()`, `sys.exit(0)` and a bare `raise SystemExit` end the
notebook cleanly: the report succeeds with the cells that ran. A failure that leaves no
error output (a failing line magic, a kernel that died, a cell timeout) is marked on
the cell that was running, with papermill's banner and anchor, and its kind is recorded
(`Failure.kind`: error, dead kernel or timeout).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kczlib.publish.lean_imports import skip_unused_imports

skip_unused_imports()  # before nbformat (and jsonschema) is imported: lean_imports.py

import nbformat  # noqa: E402
import papermill  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError  # noqa: E402
from papermill.exceptions import PapermillExecutionError  # noqa: E402
from papermill.execute import ERROR_ANCHOR_MSG, ERROR_MARKER_TAG, ERROR_MESSAGE_TEMPLATE, raise_for_execution_errors  # noqa: E402
from papermill.iorw import load_notebook_node  # noqa: E402

from kczlib.publish.html.ansi import strip_ansi  # noqa: E402
from kczlib.publish.inject import inject_parameters  # noqa: E402

KINDS = ("error", "dead kernel", "timeout")


@dataclass
class Failure:
    """Why a report failed, as its manifest entry and the terminal report it.

    Attributes:
        cell: Execution count of the failing cell, as papermill reports it; None if no cell
            ran or the failure happened outside a cell (`where` then says where).
        ename: The exception's type name.
        evalue: The exception's message.
        kind: One of KINDS.
        where: Where it happened, when `cell` is None for another reason than "no cell ran".
    """

    cell: int | None  # execution count of the failing cell, as papermill reports it
    ename: str
    evalue: str
    kind: str = "error"  # one of KINDS
    where: str | None = None  # where it happened, when `cell` is None for another reason than "no cell ran"

    def summary(self) -> str:
        """One line: kind, where (cell or `where`), exception type and message without terminal escapes."""
        where = f"at cell {self.cell}" if self.cell is not None else self.where or "before any cell ran"
        return f"{self.kind} {where}: {self.ename}: {strip_ansi(self.evalue)}".rstrip(": ")


class _TrackingClient(NotebookClient):
    """nbclient's client, remembering which cell it is executing.

    nbclient's timeout and dead-kernel errors do not say.
    """

    current: int | None = None

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        self.current = cell_index
        return await super().async_execute_cell(cell, cell_index, execution_count, store_history)


def clean_exit(exc) -> bool:
    """A `SystemExit` with no code or code 0: papermill's rule for a notebook that ends early."""
    return (isinstance(exc, CellExecutionError) and exc.ename == "SystemExit"
            and (exc.evalue or "").strip() in ("", "0", "None"))


def prepare(source: Path, parameters: dict, kernel_name: str):
    """The notebook at `source`, upgraded to v4, with `parameters` injected, ready to execute.

    The parameters are injected by kcz, not by papermill's translator (see `inject`).

    Args:
        source: The notebook file.
        parameters: The report's parameters.
        kernel_name: The kernel the build runs it on; the notebook's kernelspec is set to it.

    Returns:
        The notebook node, with papermill's metadata.

    Raises:
        ParameterError: A parameter is unsafe to inject.
    """
    nb = load_notebook_node(str(source))  # papermill's loader: adds the metadata it relies on
    nb = inject_parameters(nbformat.v4.upgrade(nb), parameters)
    spec = nb.metadata.get("kernelspec")
    if spec is not None and not (isinstance(spec, dict) and spec.get("name") == kernel_name):
        # it runs on the build's kernel (kernels.check_kernels said so): the shared notebook
        # says which, and is valid (nbformat requires a kernelspec's name and display_name)
        nb.metadata["kernelspec"] = _kernelspec(kernel_name)
    # paths of this machine are deliberately not recorded
    nb.metadata.papermill["version"] = papermill.__version__
    return nb


def _kernelspec(kernel_name: str) -> dict:
    """The notebook kernelspec of the installed kernel `kernel_name` (name, display name, language)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
        return {"name": kernel_name, "display_name": spec.display_name or kernel_name,
                "language": spec.language or "python"}
    except (NoSuchKernel, OSError, ValueError):
        return {"name": kernel_name, "display_name": kernel_name, "language": "python"}


async def execute(nb, km, cwd: Path, timeout: int, scratch: Path) -> Failure | None:
    """Execute `nb` in place on `km`; return the failure (cell marked), or None."""
    client = _TrackingClient(
        nb, km=km, timeout=timeout, kernel_name=km.kernel_name,
        resources={"metadata": {"path": str(cwd)}}, allow_errors=False,
    )
    try:
        await client.async_execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        if clean_exit(exc):
            _drop_exit_outputs(nb, client.current)
            return None
        return _mark_failure(nb, exc, scratch, client.current)
    finally:
        if client.kc is not None:
            client.kc.stop_channels()
    return None


# IPython's warning when a cell raises SystemExit; with the SystemExit output itself it is
# noise on a reader page after a clean exit (the reader checks refuse stderr output)
EXIT_WARNING = "To exit: use 'exit', 'quit', or Ctrl-D."


def _drop_exit_outputs(nb, index: int | None) -> None:
    """Remove the SystemExit traceback and IPython's exit warning from the exiting cell."""
    if index is None or index >= len(nb.cells):
        return
    cell = nb.cells[index]
    cell["outputs"] = [o for o in cell.get("outputs", [])
                       if not (o.get("output_type") == "error" and o.get("ename") == "SystemExit")
                       and not (o.get("name") == "stderr" and EXIT_WARNING in o.get("text", ""))]


def _kind(exc) -> str:
    if isinstance(exc, CellTimeoutError):  # a subclass of CellExecutionError: test it first
        return "timeout"
    if isinstance(exc, DeadKernelError):
        return "dead kernel"
    return "error"


def _mark_failure(nb, exc, scratch: Path, index: int | None) -> Failure:
    """Mark the failing cell in `nb` (papermill's banner and anchor) and describe it."""
    kind = _kind(exc)
    if kind == "error":
        try:
            raise_for_execution_errors(nb, str(scratch))  # inserts banner + anchor, writes, raises
        except PapermillExecutionError as err:
            marked = nbformat.read(scratch, as_version=4)
            nb.cells[:] = marked.cells
            return Failure(err.exec_count, err.ename, err.evalue)
        finally:
            scratch.unlink(missing_ok=True)
    # no error output (a timeout, a dead kernel, a line magic's UsageError): mark the cell
    # that was running ourselves, the way papermill marks one
    ename = getattr(exc, "ename", None) or type(exc).__name__
    evalue = getattr(exc, "evalue", None) if hasattr(exc, "ename") else None
    evalue = evalue if evalue is not None else (str(exc).splitlines() or [""])[0]
    count = mark_cell(nb, index, f"Execution stopped ({kind})", ename, evalue)
    return Failure(count, ename, evalue, kind)


def mark_cell(nb, index: int | None, what: str, ename: str, evalue: str) -> int | None:
    """Mark cell `index` of `nb` the way papermill marks a failing cell.

    Its red banner goes at the top (linking down) and its anchor right above the cell.

    Args:
        nb: The executed notebook, changed in place.
        index: The failing cell's index in `nb.cells`, or None.
        what: Opens the banner's second line ("Execution stopped (timeout)", "Report failed").
        ename: The exception's type name.
        evalue: The exception's message.

    Returns:
        The cell's execution count (when the kernel died before echoing it: one more than
        the last count before it), or None when there is no such cell (the banner then says so).
    """
    cell = nb.cells[index] if index is not None and 0 <= index < len(nb.cells) else None
    count = cell.get("execution_count") if cell is not None else None
    if cell is not None and count is None:  # the kernel died before it echoed the cell's number
        count = max((c.get("execution_count") or 0 for c in nb.cells[:index] if c.cell_type == "code"), default=0) + 1
    if cell is not None:
        anchor = nbformat.v4.new_markdown_cell(ERROR_ANCHOR_MSG)
        anchor.metadata["tags"] = [ERROR_MARKER_TAG]
        nb.cells.insert(index, anchor)
    where = f"In [{count}]" if count is not None else "the start"
    banner = nbformat.v4.new_markdown_cell(
        f"{ERROR_MESSAGE_TEMPLATE % count}\n\n**{what} at {where}:** {ename}: {evalue}"
        if cell is not None else f"**{what}:** {ename}: {evalue}")
    banner.metadata["tags"] = [ERROR_MARKER_TAG]
    nb.cells.insert(0, banner)
    return count
