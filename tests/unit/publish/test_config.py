"""`kcz build` end to end on fixture notebooks (real kernels, real papermill/nbconvert),
plus the real notebooks when they exist (marked `notebook`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kczlib.cli import main
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


# --- the real notebooks ---------------------------------------------------------------

real = pytest.mark.skipif(not real_notebooks_exist(), reason="notebooks/*.ipynb not written yet")


