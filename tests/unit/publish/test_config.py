"""`kcz build` end to end on fixture notebooks (real kernels, real papermill/nbconvert),
plus the real notebooks when they exist (marked `notebook`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kczlib.cli import main
from kczlib.errors import ParameterError
from kczlib.publish.overrides import parse_value

from support.builds import (
    real_notebooks_exist,
)


def kcz(config: Path, *args) -> int:
    return main(["--config", str(config), "build", "-q", *map(str, args)])


def test_parameter_values_are_python_literals_or_strings():
    assert parse_value("[0.01, 0.02]") == [0.01, 0.02]
    assert parse_value("3") == 3 and parse_value("True") is True
    assert parse_value("chengdu") == "chengdu"
    assert parse_value("__import__('os')") == "__import__('os')"  # never evaluated


@pytest.mark.parametrize("text, reason", [
    ("[0.01, nan]", "opens a list or table but is not one kcz can read"),  # a fresh user's -p
    ("[0.01, 0.02", "opens a list or table but is not one kcz can read"),
    ("nan", "is not a finite number"), ("-inf", "is not a finite number"),
])
def test_a_value_meant_as_a_list_or_a_number_that_is_none_is_refused_before_any_notebook(text, reason):
    # docs/building.md: nan stops the build before any notebook runs; as text it reached a kernel
    with pytest.raises(ParameterError, match=f"parameter 'loss_rate': {re.escape(repr(text))} {reason}"):
        parse_value(text, "loss_rate")


# --- the real notebooks ---------------------------------------------------------------

real = pytest.mark.skipif(not real_notebooks_exist(), reason="notebooks/*.ipynb not written yet")


