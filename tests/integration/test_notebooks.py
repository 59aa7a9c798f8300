"""Every report notebook runs under papermill with a real kernel, in both languages.

The Chinese editions are read from the session's build (`built_reports`: kcz's runner executes
each notebook on a real kernel with papermill's parameterisation); the English ones run here
under papermill's own `execute_notebook`, with non-default parameters where a notebook has them.
"""

from __future__ import annotations

import json
import re

import nbformat
import papermill as pm
import pytest

from conftest import CASE_REPORT_NOTEBOOKS, DATA, REPO, REPORT_NOTEBOOKS

# the case folders shipped in data/cases/: the names a `case` parameter may take
SHIPPED = ", ".join(sorted(p.name for p in (DATA / "cases").iterdir() if p.is_dir()))

NOTEBOOKS = [p.stem for p in REPORT_NOTEBOOKS]
CASE_NOTEBOOKS = [p.stem for p in CASE_REPORT_NOTEBOOKS]  # with one case in data/, the comparison has no chart
NON_DEFAULT = {
    "01_fiscal_investment": {"baseline_year": 2023},
    "02_tech_finance_leverage": {"risk_pool_yi": [2.0, 40.0], "loss_rate": "[0.03]", "compensation_share": [1.0]},
}


def run(name, tmp_path, **params):
    tmp_path.mkdir(parents=True, exist_ok=True)
    out = tmp_path / f"{name}.ipynb"
    nb = pm.execute_notebook(str(REPO / "notebooks" / f"{name}.ipynb"), str(out), parameters=params,
                             kernel_name="python3", progress_bar=False, cwd=str(REPO / "notebooks"))
    return nb


_RUNS: dict[str, object] = {}


def run_once(name: str, folder, **params):
    """`run`, once per module for the same notebook and parameters (the tests below share runs)."""
    key = json.dumps([name, params], sort_keys=True)
    if key not in _RUNS:
        _RUNS[key] = run(name, folder / f"run{len(_RUNS)}", **params)
    return _RUNS[key]


def built(run_folder, name: str, lang: str):
    """The notebook of report `name` in `lang` as the session's build executed it."""
    return nbformat.read(run_folder / f"{name}-{lang}.ipynb", as_version=4)


@pytest.fixture(scope="module")
def papermill_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("papermill")


def outputs(nb, mime):
    return ["".join(o["data"][mime]) for c in nb.cells for o in c.get("outputs", []) if mime in o.get("data", {})]


def stderr_text(nb):
    return "".join("".join(o.get("text", "")) for c in nb.cells for o in c.get("outputs", [])
                   if o.get("name") == "stderr")


def test_the_reports_are_the_numbered_notebooks():
    numbered = sorted(p.stem for p in (REPO / "notebooks").glob("*.ipynb") if re.match(r"\d\d_", p.name))
    assert NOTEBOOKS and numbered == NOTEBOOKS


@pytest.mark.notebook
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", CASE_NOTEBOOKS)
def test_notebook_runs_with_charts_and_no_missing_glyphs(name, lang, built_reports, papermill_dir):
    if lang == "zh":
        nb = built(built_reports, name, lang)
    else:
        nb = run_once(name, papermill_dir, lang=lang, **NON_DEFAULT.get(name, {}))
    md = outputs(nb, "text/markdown")
    assert len(md) >= 4 and md[0].startswith("#")
    assert outputs(nb, "image/png"), "every report has at least one chart"
    assert "missing from font" not in stderr_text(nb)
    if lang == "zh":
        assert any(re.search(r"[\u4e00-\u9fff]", m) for m in md[1:3])
    else:
        assert not re.search(r"[\u4e00-\u9fff]{6,}", "".join(md[:3])), "English narrative stays English"
    assert any("Sources" in m or "来源附录" in m for m in md)


@pytest.mark.notebook
def test_non_default_parameters_change_the_report(built_reports, papermill_dir):
    default = "".join(outputs(built(built_reports, "01_fiscal_investment", "en"), "text/markdown"))
    changed = "".join(outputs(run_once("01_fiscal_investment", papermill_dir, lang="en", baseline_year=2023),
                              "text/markdown"))
    assert "with 2021 as the base year" in default and "with 2023 as the base year" in changed
    # the end point three years on: 2 x 9.94 bn = 19.88 bn -> 19.9 bn, by 2024 or by 2026
    assert "at least CNY 19.9 bn by 2024." in default and "at least CNY 19.9 bn by 2026." in changed


@pytest.mark.notebook
@pytest.mark.parametrize("params,message", [
    ({"lang": "fr"}, "parameter 'lang': 'fr' is not allowed (allowed: str one of zh|en)"),
    ({"case": "wuhan"}, f"parameter 'case': unknown case 'wuhan' (allowed: {SHIPPED})"),
    ({"loss_rate": [-0.1]}, "parameter 'loss_rate': -0.1 is outside (0, 1]"),
    ({"loss_rate": "[0.01, 0.02"}, "parameter 'loss_rate': '[0.01, 0.02' is not a list[float]"),
    ({"risk_pool": [5.0]},
     "parameter 'risk_pool': unknown parameter (allowed: known parameters: case, lang, risk_pool_yi"),
])
def test_bad_parameter_stops_the_notebook_in_its_first_cells_with_one_message(params, message, tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as info:
        run("02_tech_finance_leverage", tmp_path, **params)
    assert message in str(info.value)
    assert info.value.exec_count <= 4, "the check runs before any analysis"
