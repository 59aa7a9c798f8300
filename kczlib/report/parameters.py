"""Notebook parameters: declared once, in each notebook's `parameters` cell, and checked.

The declarations and the coercion of one value are `kczlib.declarations` (shared with the
builder, which checks a sweep's grid with them). Papermill only warns about unknown names
and checks no types; `check()` stops the notebook in its first cells with one message
naming the parameter and what is allowed.

In a notebook the values come from the text of the parameters cell (and papermill's
injected cell) that ran right before the check, read from the kernel's input history:
never from names an earlier run left in the kernel (`executed_parameters`).

Before any of that, `install_guard()` (the end of this module) refuses code arriving as
parameters in papermill's injected cell: see the comment above it.
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from kczlib.contract import INJECTED_HEADER, INJECTED_TAG, JSON_LIKE_KINDS, is_json_like
from kczlib.data.cases import KnownCases, default_case
from kczlib.declarations import Param, coerce, read_declarations
from kczlib.errors import ParameterError
from kczlib.paths import PACKAGE_ROOT

NOTEBOOKS = PACKAGE_ROOT / "notebooks"


def declarations(notebook: str) -> tuple[Param, ...]:
    """The declared parameters of `notebooks/<notebook>.ipynb` (read again when the file changes)."""
    path = Path(NOTEBOOKS) / f"{notebook}.ipynb"
    stat = path.stat()
    return _declarations(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _declarations(path: Path, mtime_ns: int, size: int) -> tuple[Param, ...]:
    """`read_declarations(path)`, cached per file version (`mtime_ns`, `size`)."""
    return read_declarations(path)


def cases_for(param: Param) -> Sequence[str]:
    """The known case names if checking `param` needs them (`a known case`), else [].

    A `KnownCases`: a name is checked against its own folder, and the case list is read
    only for an error message.
    """
    return KnownCases() if param.needs_cases else []


def check(notebook: str, assigned: dict) -> dict:
    """Validate and coerce the values the parameters cell (and papermill's cell) assigned.

    `assigned` maps each name assigned in those cells, in order, to its value. Every
    declared parameter must be assigned there and nothing else may be: a name from an
    earlier run or a typo can never stand in for a declared value.
    Returns {name: coerced value} in declaration order.
    Raises ParameterError naming the first unknown, missing or invalid parameter.
    """
    params = {p.name: p for p in declarations(notebook)}
    unknown = [n for n in assigned if n not in params]
    if unknown:
        raise ParameterError(unknown[0], "unknown parameter", "known parameters: " + ", ".join(params))
    missing = [n for n in params if n not in assigned]
    if missing:
        raise ParameterError(missing[0], "declared but not assigned in the parameters cell that ran",
                             f"restore its line in the parameters cell; declared: {', '.join(params)}")
    return {name: coerce(p, _default_case_if_empty(p, assigned[name]), cases_for(p)) for name, p in params.items()}


def _default_case_if_empty(param: Param, value: object) -> object:
    """`default_case()` for an empty value of a `a known case` parameter, else `value`.

    The report notebooks declare `case: str = ""`, so no notebook names a case: run in the
    lab, a report is about the project's default case (reports.toml `[defaults] case`, or
    the only case in the data folder); `kcz build` always passes a case.
    Raises NoDefaultCaseError when the project has no default case.
    """
    return default_case() if param.needs_cases and value == "" else value


def executed_parameters(shell, notebook: str) -> dict:
    """{name: value} assigned by the parameters cell that ran right before the current cell.

    Why the input history rather than the kernel's globals: in a live kernel the
    globals still hold names and values from earlier runs (a renamed parameter keeps
    its old value; `avg` from the last full run looks like a new name), while the
    history says exactly which cell text ran last. IPython stores a cell's text before
    running it, so the last entry is the current (check) cell; the one before is the
    parameters cell, or papermill's injected cell with the parameters cell before it.
    Values are read from that text (literals only, as in papermill), not from globals.

    Raises ParameterError when the cell before is not a parameters cell, or a value is
    not a literal.
    """
    history = list(shell.history_manager.input_hist_raw)
    current = _current_cell_code(shell)
    if current is not None and (not history or history[-1] != current):
        raise ParameterError("parameters", "cannot see which cells ran: this cell is not in the kernel's input "
                             "history (run it as a normal notebook cell)")
    declared = {p.name for p in declarations(notebook)}
    before = history[:-1]
    last = _assignments(before[-1]) if before else None
    prior = _assignments(before[-2]) if len(before) > 1 else None
    injected = last is not None and _is_injected(before[-1], last)
    if last is not None and prior is not None and injected and _is_parameters_cell(prior, declared):
        cells = prior + last
    elif last is not None and _is_parameters_cell(last, declared):
        cells = last
    else:
        raise ParameterError("parameters", "the parameters cell did not run right before this check (values from "
                             "an earlier run are never used)", "Run All, or run the parameters cell and the cells "
                             "below it")
    return {name: _literal(name, node) for name, node, _ in cells}


def _current_cell_code(shell) -> str | None:
    """The code of the execute request being run, when the shell is a Jupyter kernel."""
    kernel = getattr(shell, "kernel", None)
    try:
        return kernel.get_parent()["content"]["code"] if kernel is not None else None
    except (AttributeError, KeyError, TypeError):
        return None


def _assignments(source: str) -> list[tuple[str, ast.expr, bool]] | None:
    """(name, value node, annotated) per statement of a cell of assignments only.

    Returns None unless the cell holds only `name = value` or `name: type = value`
    statements (a cell with magics included).
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    out = []
    for stmt in tree.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            out.append((stmt.target.id, stmt.value, True))
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            out.append((stmt.targets[0].id, stmt.value, False))
        else:
            return None
    return out


def _is_parameters_cell(assignments, declared: set[str]) -> bool:
    """Whether the cell is only assignments, and recognisably the parameters cell.

    It assigns a declared name or has a declaration (`name: type = ...`).
    `params = report.configure(...)` or a scratch `x = 5` is not.
    """
    return bool(assignments) and any(name in declared or annotated for name, _, annotated in assignments)


def _is_injected(source: str, assignments) -> bool:
    """Papermill's cell: its header comment, then plain `name = value` lines only."""
    lines = source.strip().splitlines()
    return bool(lines) and lines[0].strip() == INJECTED_HEADER and not any(a for _, _, a in assignments)


class _FloatCalls(ast.NodeTransformer):
    """`float('inf')` -> the constant, so that literal_eval accepts papermill's spelling."""

    def visit_Call(self, call):
        if (isinstance(call.func, ast.Name) and call.func.id == "float" and len(call.args) == 1
                and not call.keywords and isinstance(call.args[0], ast.Constant)
                and isinstance(call.args[0].value, str)):
            try:
                return ast.copy_location(ast.Constant(float(call.args[0].value)), call)
            except ValueError:
                pass
        return call


def _literal(name: str, node: ast.expr):
    """A literal value; also `float('inf')`/`float('nan')`, which is how papermill writes those."""
    try:
        return ast.literal_eval(_FloatCalls().visit(copy.deepcopy(node)))
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise ParameterError(name, f"{ast.unparse(node)} is not a literal value",
                             "a number, string or list written out in the parameters cell") from None


def namespace_parameters(namespace: dict, notebook: str) -> dict:
    """The declared names present in `namespace`, outside IPython.

    A plain script runs top to bottom, so no name there is left from an earlier run.
    """
    return {p.name: namespace[p.name] for p in declarations(notebook) if p.name in namespace}


# names apply_parameters set in a namespace (by id), dropped there if a later check is refused
_previously_set: dict[int, set[str]] = {}
# the report `Report.start` made for a namespace (by id), for check_parameters
class _Configurable(Protocol):
    """What `check_parameters` needs of a started report (kczlib.report.report.Report)."""

    def configure(self, namespace: dict) -> dict:
        """Check the parameters that ran and set the report up; see Report.configure."""


_started: dict[int, _Configurable] = {}
# the refused check of a namespace (by id), with the names a later cell may not use meanwhile
# (`report` and the declared parameters), until a check passes or a report starts again there
_refusals: dict[int, tuple[ParameterError, frozenset[str]]] = {}


def apply_parameters(notebook: str, namespace: dict) -> dict:
    """Check the parameters that ran, write the coerced values into `namespace` and return them.

    The parameters that ran are `executed_parameters` in IPython, else the declared names
    in `namespace`.

    On a refused check the declared names (and any set by an earlier check) are removed
    from `namespace`, so that no cell run by hand afterwards uses a value from an earlier
    run. Raises ParameterError.
    """
    previous = _previously_set.pop(id(namespace), set())
    _refusals.pop(id(namespace), None)
    try:
        shell = _shell()
        assigned = (executed_parameters(shell, notebook) if shell is not None
                    else namespace_parameters(namespace, notebook))
        values = check(notebook, assigned)
    except Exception as exc:
        for name in previous | _declared_names(notebook):
            namespace.pop(name, None)
        if isinstance(exc, ParameterError):
            # later cells that use the report or a parameter stop with it (`_refuse_after_a_refused_check`)
            _refusals[id(namespace)] = (exc, frozenset({"report", *_declared_names(notebook)}))
        raise
    for name in previous - set(values):  # a parameter no longer declared
        namespace.pop(name, None)
    namespace.update(values)
    _previously_set[id(namespace)] = set(values)
    return values


def remember_report(namespace: dict | None, report) -> None:
    """Note `report` as the one started in `namespace` (a notebook's globals).

    A new start forgets a refused check of the report before it.
    """
    if namespace is not None:
        _started[id(namespace)] = report
        _refusals.pop(id(namespace), None)


def check_parameters(namespace: dict) -> dict:
    """The notebook's check cell: configure the report `Report.start` made for `namespace`.

    Found by namespace rather than through the global `report`, so that a parameter
    named `report` (papermill's `-p report 1`) is refused like any other unknown name
    instead of replacing the report before the check can run.
    Returns the checked parameters {name: value}. Raises ParameterError (one line).
    """
    report = _started.get(id(namespace))
    if report is None:
        raise ParameterError("parameters", "no report was started in this notebook",
                             "run the first cell, which calls Report.start, then the parameters cell")
    return report.configure(namespace)


def _shell():
    """The running IPython shell, or None in plain Python."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _declared_names(notebook: str) -> set[str]:
    try:
        return {p.name for p in declarations(notebook)}
    except Exception:  # the error being reported is the one that matters
        return set()


# The guard in the kernel against code arriving as parameters.
#
# `kcz build` renders the injected parameters itself (kczlib.publish.inject). Run directly,
# `papermill -p/-y` does not: its translator writes some values (bytes from YAML `!!binary`,
# tuples from `!!pairs`, a name holding a newline) into the `injected-parameters` cell as
# code, and a check in a later cell comes too late. `install_guard()` (called by
# `Report.start`, the first cell of every report notebook) registers an IPython input
# transformer. IPython runs it on each later cell's source before compiling it; a cell that
# is an injected-parameters cell (its first line is papermill's `# Parameters` comment) must
# consist only of `name = literal` lines whose literal is JSON-like (str, int, float, bool,
# None, lists/dicts of them). Anything else raises ParameterError instead of running: the
# cell fails with that one message and none of its code runs.

INJECTED_ALLOWED = "name = literal lines; " + JSON_LIKE_KINDS


def check_injected_source(source: str) -> None:
    """Raise ParameterError unless `source` is only `name = JSON-like literal` statements."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(INJECTED_TAG, f"not valid Python (line {exc.lineno})", INJECTED_ALLOWED) from None
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            raise ParameterError(INJECTED_TAG,
                                 f"line {node.lineno} is not a plain `name = value`", INJECTED_ALLOWED)
        name = node.targets[0].id
        try:
            value = ast.literal_eval(node.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            raise ParameterError(name, "its value is an expression, not a literal", INJECTED_ALLOWED) from None
        if not is_json_like(value):
            raise ParameterError(name, f"a {type(value).__name__} value is not accepted", INJECTED_ALLOWED)


# Run All stops at a refused check, every time.
#
# JupyterLab sends the execute requests of Run All at once. ipykernel aborts the requests
# queued behind a failed cell, but only those already in its queue: with its shell channel
# thread (ipykernel 7) a request that reaches the kernel after the abort was posted runs
# anyway (its `stop_on_error_timeout` does not apply there). Seen in the lab: a cell below a
# refused check ran its first lines, then failed on the unconfigured report with a raw error.
# So the guard below also refuses, while the check of its namespace stays refused, every
# cell that uses the report or a declared parameter (every cell below the check of a report
# notebook does): the same one-line ParameterError, before any of its code runs (and its error
# reply makes the kernel abort what is queued behind it again). What still runs: a cell that
# uses neither (a look at the data by hand), and what recovers: the parameters cell (only
# assignments), the check cell and the first cell (it starts a report).


def may_run_after_a_refused_check(source: str, guarded: frozenset[str]) -> bool:
    """Whether a cell may run while the notebook's parameter check stays refused (see above).

    `guarded` are the names such a cell may not use: `report` and the declared parameters.
    """
    if _assignments(source) is not None:
        return True
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython syntax (magics, `!`): read its words
        return not guarded & set(re.findall(r"[^\W\d]\w*", source))
    if not guarded & {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}:
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "check_parameters":
                return True
            if (isinstance(func, ast.Attribute) and func.attr == "start" and isinstance(func.value, ast.Name)
                    and func.value.id.endswith("Report")):
                return True
    return False


def _refuse_after_a_refused_check(source: str) -> None:
    shell = _shell()
    refused = _refusals.get(id(shell.user_ns)) if shell is not None else None
    if refused is not None and not may_run_after_a_refused_check(source, refused[1]):
        raise refused[0].with_traceback(None)


def _transformer(lines: list[str]) -> list[str]:
    first = next((line.strip() for line in lines if line.strip()), "")
    if first == INJECTED_HEADER:
        check_injected_source("".join(lines))
    _refuse_after_a_refused_check("".join(lines))
    return lines


# IPython skips a transformer with side effects when it only asks whether input is complete
_transformer.has_side_effects = True  # type: ignore[attr-defined]


def install_guard(shell=None) -> bool:
    """Register the guard in the running IPython (once); False outside IPython."""
    shell = shell if shell is not None else _shell()
    if shell is None:
        return False
    transformers = shell.input_transformers_cleanup
    if _transformer not in transformers:
        transformers.insert(0, _transformer)
    return True
