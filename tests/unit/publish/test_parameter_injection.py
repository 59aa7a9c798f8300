"""No code through parameters: every value that reaches a notebook is a checked JSON-like
literal, rendered by kcz (not by papermill's translator), under a declared identifier.

Each attack carries a payload that would create a file if it ran; the test asserts the
file does not exist. The values are the forms that got through before: a tuple, a set and
bytes from `kcz build -p` (papermill wrote `str(value)` inside quotes it did not escape),
the values YAML tags give (`!!binary` -> bytes, `!!pairs` -> tuples), and names with code.
"""

from __future__ import annotations

import ast

import pytest
import yaml

from kczlib.errors import ParameterError
from kczlib.publish.execute import prepare
from kczlib.publish.overrides import parse_overrides, render_parameters

from conftest import FIXTURE_NOTEBOOKS


def payload(marker) -> str:
    """Python that creates `marker` when run; double quotes only, so that a single-quoted
    repr of the value keeps it intact (as in the reported attack)."""
    return f'__import__("pathlib").Path("{marker}").touch()'


@pytest.mark.parametrize("value, kind", [("('a',)", "tuple"), ("{'a'}", "set"), ("b'a'", "bytes"),
                                         ("1j", "complex"), ("{1: 'a'}", "dict key")])
def test_a_non_json_like_literal_is_refused_with_the_kinds_allowed(value, kind):
    with pytest.raises(ParameterError, match=r"str, int, float, bool, None, or lists/dicts") as err:
        parse_overrides([f"case={value}"])
    assert kind in str(err.value)


@pytest.mark.parametrize("yaml_text", [
    "case: !!binary YSIsIF9faW1wb3J0X18oIm9zIikgIw==",   # bytes
    "case: !!pairs [{a: b}]",                          # a list of tuples
    "case: !!set {a: null}",                             # a set
])
def test_values_from_yaml_tags_are_refused_before_the_notebook_is_touched(yaml_text):
    parameters = yaml.safe_load(yaml_text)  # how papermill -y reads them
    with pytest.raises(ParameterError, match="'case'"):
        prepare(FIXTURE_NOTEBOOKS / "echo_parameters.ipynb", parameters, "python3")


def test_the_injected_cell_is_each_name_equals_a_literal_that_reads_back_exactly():
    values = {"text": 'a", __import__("os") #\\"\n\'', "n": -3, "x": 0.25, "on": True,
              "none": None, "items": [1, "两", {"k": [False]}]}
    lines = render_parameters(values).splitlines()
    assert lines[0] == "# Parameters"
    tree = ast.parse("\n".join(lines))
    assert all(isinstance(node, ast.Assign) for node in tree.body)  # no call, no expression
    assert {n.targets[0].id: ast.literal_eval(n.value) for n in tree.body} == values


