"""Put a report's parameters into its notebook: the `injected-parameters` cell.

Same place and tag as papermill (after the cell tagged `parameters`, replacing an
earlier injected cell, else at the top), so notebooks behave as under the papermill
CLI; but the cell's source is rendered by `parameters.render_parameters` from checked
JSON-like values, never by papermill's translator (see that module for why).
"""

from __future__ import annotations

import copy

from kczlib.contract import INJECTED_TAG, PARAMETERS_TAG
from kczlib.publish.overrides import check_override_values, render_parameters


def _first_tagged(nb, tag: str) -> int:
    for i, cell in enumerate(nb.cells):
        if tag in cell.get("metadata", {}).get("tags", []):
            return i
    return -1


def inject_parameters(nb, parameters: dict):
    """`nb` (an nbformat v4 NotebookNode) with the injected cell in place; returns `nb`.

    Raises ParameterError (before touching `nb`) for a name that is not an identifier
    or a value that is not JSON-like. Also records the parameters in
    `nb.metadata.papermill.parameters`, as papermill does.
    """
    import nbformat

    checked = check_override_values(parameters)
    cell = nbformat.v4.new_code_cell(source=render_parameters(checked))
    cell.metadata["tags"] = [INJECTED_TAG]
    injected, declared = _first_tagged(nb, INJECTED_TAG), _first_tagged(nb, PARAMETERS_TAG)
    if injected >= 0:
        nb.cells[injected] = cell
    else:
        nb.cells.insert(declared + 1, cell)  # -1 + 1: the top of a notebook without one
    nb.metadata.setdefault("papermill", {})["parameters"] = copy.deepcopy(checked)
    return nb
