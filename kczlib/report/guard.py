"""A guard in the notebook's kernel against code arriving as parameters.

`kcz build` renders the injected parameters itself (kczlib.publish.inject). Run directly,
`papermill -p/-y` does not: its translator writes some values (bytes from YAML
`!!binary`, tuples from `!!pairs`, a name holding a newline) into the
`injected-parameters` cell as code, and a check in a later cell comes too late.

`install()` (called by `Report.start`, the first cell of every report notebook)
registers an IPython input transformer. IPython runs it on each later cell's source
before compiling it; a cell that is an injected-parameters cell (its first line is
papermill's `# Parameters` comment) must consist only of `name = literal` lines whose
literal is JSON-like (str, int, float, bool, None, lists/dicts of them). Anything else
raises ParameterError instead of running: the cell fails with that one message and
none of its code runs.
"""

from __future__ import annotations

import ast

from kczlib.contract import INJECTED_HEADER, INJECTED_TAG, JSON_LIKE_KINDS, is_json_like
from kczlib.errors import ParameterError

PARAMETERS_COMMENT = INJECTED_HEADER
ALLOWED = "name = literal lines; " + JSON_LIKE_KINDS


def check_injected_source(source: str) -> None:
    """Raise ParameterError unless `source` is only `name = JSON-like literal` statements."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(INJECTED_TAG, f"not valid Python (line {exc.lineno})", ALLOWED) from None
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            raise ParameterError(INJECTED_TAG,
                                 f"line {node.lineno} is not a plain `name = value`", ALLOWED)
        name = node.targets[0].id
        try:
            value = ast.literal_eval(node.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            raise ParameterError(name, "its value is an expression, not a literal", ALLOWED) from None
        if not is_json_like(value):
            raise ParameterError(name, f"a {type(value).__name__} value is not accepted", ALLOWED)


def _transformer(lines: list[str]) -> list[str]:
    first = next((line.strip() for line in lines if line.strip()), "")
    if first == PARAMETERS_COMMENT:
        check_injected_source("".join(lines))
    return lines


def install(shell=None) -> bool:
    """Register the guard in the running IPython (once); False outside IPython."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None:
        return False
    transformers = shell.input_transformers_cleanup
    if _transformer not in transformers:
        transformers.insert(0, _transformer)
    return True
