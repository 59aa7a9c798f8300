"""Run directly with papermill (not `kcz build`), a report notebook still runs no code
that arrives as a parameter: its first cell installs a guard (kczlib.report.parameters) that
refuses an injected-parameters cell holding anything but `name = JSON-like literal`.

The payloads are papermill's own renderings (its translator, its YAML loader), each of
which would create a marker file if it ran.
"""

from __future__ import annotations

import base64
import subprocess
import sys

import nbformat
import pytest
from papermill.translators import translate_parameters

from kczlib.errors import ParameterError
from kczlib.report.parameters import check_injected_source

from conftest import REPO


def payload(marker) -> str:
    return f'__import__("pathlib").Path("{marker}").touch()'


def yaml_attacks(marker) -> dict[str, str]:
    code = payload(marker)
    binary = base64.b64encode(f'a", {code}, "'.encode()).decode()
    return {
        "!!binary": f"case: !!binary {binary}",
        "!!pairs": f"case: !!pairs [{{'a\", {code}, \"': b}}]",
        "name with a newline": '"x = 1\\n' + code.replace('"', '\\"') + '\\ny": 2',
    }


def render(parameters: dict) -> str:
    """The injected cell exactly as papermill writes it."""
    return translate_parameters("python3", "python", parameters, "Parameters")


def test_plain_parameters_as_papermill_writes_them_pass():
    check_injected_source(render({"case": "chengdu", "lang": "en", "rates": [0.01, 0.5],
                                  "year": 2022, "on": True, "none": None, "m": {"k": "v"}}))


@pytest.mark.parametrize("parameters", [
    {"case": b'a", __import__("os"), "'},                 # bytes, as !!binary gives
    {"case": [("a\", __import__('os'), \"", "b")]},       # tuples, as !!pairs gives
    {"x = 1\n__import__('os')\ny": 2},                    # a name holding code
    {"rate": float("nan")},                               # not a literal
])
def test_papermills_renderings_of_unsafe_values_are_refused(parameters):
    with pytest.raises(ParameterError):
        check_injected_source(render(parameters))


@pytest.mark.notebook
@pytest.mark.parametrize("form", list(yaml_attacks("m")))
def test_papermill_y_on_a_report_notebook_runs_no_parameter_code(tmp_path, form):
    marker = tmp_path / "pwned"
    out = tmp_path / "out.ipynb"
    result = subprocess.run(
        [sys.executable, "-m", "papermill", str(REPO / "notebooks" / "00_overview.ipynb"), str(out),
         "-y", yaml_attacks(marker)[form], "--cwd", str(REPO / "notebooks"), "--no-progress-bar"],
        capture_output=True, text=True, timeout=300)
    assert not marker.exists(), f"{form}: the payload ran"
    assert result.returncode != 0
    nb = nbformat.read(out, as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert [e.ename for e in errors] == ["ParameterError"]
