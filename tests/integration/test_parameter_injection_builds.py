"""No code through parameters: every value that reaches a notebook is a checked JSON-like
literal, rendered by kcz (not by papermill's translator), under a declared identifier.

Each attack carries a payload that would create a file if it ran; the test asserts the
file does not exist. The values are the forms that got through before: a tuple, a set and
bytes from `kcz build -p` (papermill wrote `str(value)` inside quotes it did not escape),
the values YAML tags give (`!!binary` -> bytes, `!!pairs` -> tuples), and names with code.
"""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from kczlib.publish.inject import INJECTED_TAG

from conftest import FIXTURE_NOTEBOOKS
from support.builds import run_folders, run_kcz, write_config

ECHO = [{"notebook": "echo_parameters"}]


def payload(marker) -> str:
    """Python that creates `marker` when run; double quotes only, so that a single-quoted
    repr of the value keeps it intact (as in the reported attack)."""
    return f'__import__("pathlib").Path("{marker}").touch()'


def attacks(marker) -> dict[str, str]:
    code = payload(marker)
    return {
        "tuple": f"""case=('a", {code}, "',)""",
        "set": f"""case={{'a", {code}, "'}}""",
        "bytes": f"""case=b'a", {code}, "'""",
        "name with code": f"{code} or x=1",
        "name with code, no value": f"{code}#=1",
    }


@pytest.mark.parametrize("form", list(attacks("m")))
def test_kcz_build_p_refuses_every_attack_form_and_runs_nothing(tmp_path, form):
    marker = tmp_path / "pwned"
    config = write_config(tmp_path, ECHO, langs=["zh"])
    result = run_kcz("--config", config, "build", "-q", "-p", attacks(marker)[form])
    assert not marker.exists(), f"{form}: the payload ran"
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("kcz: error: parameter ") and "Traceback" not in result.stderr
    assert not run_folders(tmp_path / "out")


def test_a_name_with_code_in_reports_toml_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    name = json.dumps(payload(marker) + " or x")  # a quoted TOML key may hold anything
    config = write_config(tmp_path, ECHO, langs=["zh"])
    config.write_text(config.read_text().replace('case = "chengdu"', f'case = "chengdu"\n{name} = 1'))
    result = run_kcz("--config", config, "build", "-q")
    assert not marker.exists()
    assert result.returncode == 2 and "a parameter name is a Python identifier" in result.stderr


def test_a_non_finite_number_from_reports_toml_is_refused(tmp_path):
    config = write_config(tmp_path, ECHO, langs=["zh"])
    config.write_text(config.read_text().replace('case = "chengdu"', 'case = "chengdu"\ntext = nan'))
    result = run_kcz("--config", config, "build", "-q")
    assert result.returncode == 2 and "'text'" in result.stderr and "finite" in result.stderr


def test_a_hostile_string_arrives_in_the_notebook_unchanged_and_is_not_run(tmp_path):
    # the kernel runs in the notebook's folder, so a relative marker lands in tmp_path/nb
    # (and the value holds no machine path, which the shared notebook would scrub)
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    shutil.copy(FIXTURE_NOTEBOOKS / "echo_parameters.ipynb", notebooks)
    text = f'a", {payload("pwned")}, "\\" \' \\\\ 两'
    config = write_config(tmp_path, ECHO, notebooks=notebooks, langs=["zh"])
    result = run_kcz("--config", config, "build", "-q", "-p", f"text={text}")
    assert result.returncode == 0, result.stderr
    assert not (notebooks / "pwned").exists()
    # a -p build names its report <name>-custom-<hash> (never taken for the default)
    (path,) = run_folders(tmp_path / "out")[0].glob("echo_parameters-zh-custom-*.ipynb")
    nb = nbformat.read(path, as_version=4)
    injected = next(c for c in nb.cells if INJECTED_TAG in c.metadata.get("tags", []))
    assert f"text = {text!r}" in injected.source
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert printed == f"text is {text!r}\n"
