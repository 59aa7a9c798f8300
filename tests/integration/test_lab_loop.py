"""The JupyterLab loop on a real kernel: edit, re-run in any order, never a stale value.

Each test drives one live kernel cell by cell with the real report notebooks' cells, as
JupyterLab's Run All / run-from-here do (execute requests that keep input history).
"""

from __future__ import annotations

import papermill as pm
import pytest
from papermill.exceptions import PapermillExecutionError

from conftest import REPO
from support.lab import LiveKernel, code_cells, parameters_index, set_line

pytestmark = pytest.mark.notebook
NB = "02_tech_finance_leverage"
# as written in the parameters cell of 02 (README table)
LOSS_RATE_DEFAULT = [0.01, 0.02, 0.05]


@pytest.fixture
def kernel():
    k = LiveKernel()
    yield k
    k.close()


def assumed(kernel, parameter: str) -> list[float]:
    """The values of one assumption the report's ledger recorded (what the report printed)."""
    return kernel.value("sorted({e.num.lower for e in report.ledger.assumptions() "
                        f"if e.num.derivation == 'parameter {parameter}'}})")


def test_run_all_then_edit_a_value_and_run_from_the_parameters_cell(kernel):
    cells, p = code_cells(NB), parameters_index(NB)
    assert kernel.run_all(cells) == (None, None)
    assert kernel.value("report.params['loss_rate']") == LOSS_RATE_DEFAULT
    assert assumed(kernel, "loss_rate") == LOSS_RATE_DEFAULT

    edited = set_line(cells[p], "loss_rate", "loss_rate: list[float] = [0.1, 0.3]  # in (0, 1]: edited")
    assert kernel.run_all([edited] + cells[p + 1:]) == (None, None)
    assert kernel.value("report.params['loss_rate']") == [0.1, 0.3]
    assert kernel.value("loss_rate") == [0.1, 0.3]
    assert assumed(kernel, "loss_rate") == [0.1, 0.3]


def test_a_renamed_parameter_is_refused_on_every_run_all_and_restoring_it_works(kernel):
    cells, p = code_cells(NB), parameters_index(NB)
    assert kernel.run_all(cells) == (None, None)
    renamed = list(cells)
    renamed[p] = set_line(cells[p], "loss_rate", "los_rate = [0.1]")
    for attempt in (1, 2):
        where, outcome = kernel.run_all(renamed)
        assert where == p + 1, f"run {attempt}: the check cell must refuse, stopped at {where}"
        assert outcome.ename == "ParameterError"
        assert "parameter 'los_rate': unknown parameter" in outcome.evalue
        # and nothing from the earlier run is left for a cell run by hand
        assert kernel.value("'loss_rate' in globals()") is False
    assert kernel.run_all(cells) == (None, None)
    assert kernel.value("report.params['loss_rate']") == LOSS_RATE_DEFAULT
    assert assumed(kernel, "loss_rate") == LOSS_RATE_DEFAULT


def test_a_cell_below_a_refused_check_that_runs_anyway_is_refused_before_any_of_its_code(kernel):
    # In JupyterLab an execute request of Run All that reaches the kernel after it aborted its
    # queue still runs: here the cells below the check are sent by hand, as such late requests are
    cells, p = code_cells(NB), parameters_index(NB)
    assert kernel.run_all(cells) == (None, None)  # a good run first: its report and values exist
    renamed = set_line(cells[p], "loss_rate", "los_rate = [0.1]")
    where, refused = kernel.run_all(cells[:p] + [renamed] + cells[p + 1:])
    assert where == p + 1 and refused.ename == "ParameterError"
    for later in cells[p + 2:]:
        outcome = kernel.run("ran_below = True\n" + later)
        assert (outcome.status, outcome.ename, outcome.evalue) == ("error", "ParameterError", refused.evalue)
        assert outcome.traceback == [f"ParameterError: {refused.evalue}"]  # one line, as the check's
        assert kernel.value("'ran_below' in globals()") is False  # no line of the cell ran
    # a look by hand that uses neither the report nor a parameter still runs, and so does %xmode
    assert kernel.value("1 + 1") == 2
    assert kernel.run("%xmode Context").status == "ok"
    # the parameters cell and the check recover; then the cells below run again
    assert kernel.run_all([cells[p], *cells[p + 1:]]) == (None, None)


def test_a_declared_parameter_missing_from_the_cell_is_refused(kernel):
    cells, p = code_cells(NB), parameters_index(NB)
    assert kernel.run_all(cells) == (None, None)
    dropped = list(cells)
    dropped[p] = set_line(cells[p], "compensation_share", "# compensation_share removed")
    where, outcome = kernel.run_all(dropped)
    assert where == p + 1 and outcome.ename == "ParameterError"
    assert "parameter 'compensation_share': declared but not assigned" in outcome.evalue


@pytest.mark.parametrize("notebook", ["00_overview", NB])
def test_after_run_all_a_new_lang_with_the_check_cell_then_the_rest_works(kernel, notebook):
    cells, p = code_cells(notebook), parameters_index(notebook)
    assert kernel.run_all(cells) == (None, None)
    english = set_line(cells[p], "lang", 'lang: str = "en"  # one of zh|en: report language')
    assert kernel.run(english).status == "ok"
    check = kernel.run(cells[p + 1])
    assert check.status == "ok", check.evalue  # before the fix: unknown parameter 'HEADLINES' / 'avg'
    assert kernel.value("[report.lang, lang, report.params['lang']]") == ["en", "en", "en"]
    assert kernel.run_all(cells[p + 2:]) == (None, None)


def test_the_check_cell_alone_uses_no_values_from_an_earlier_run(kernel):
    cells, p = code_cells(NB), parameters_index(NB)
    assert kernel.run_all(cells) == (None, None)
    again = kernel.run(cells[p + 1])
    assert again.ename == "ParameterError" and "did not run right before this check" in again.evalue
    scratch = kernel.run_all([cells[p], "x = 5", cells[p + 1]])  # a scratch cell between the two
    assert scratch[0] == 2 and "did not run right before this check" in scratch[1].evalue


def test_a_parameter_error_is_one_line_and_verbose_mode_brings_the_traceback_back(kernel):
    cells, p = code_cells(NB), parameters_index(NB)
    french = set_line(cells[p], "lang", 'lang: str = "fr"  # one of zh|en: report language')
    where, outcome = kernel.run_all(cells[:p] + [french] + cells[p + 1:])
    assert where == p + 1 and outcome.ename == "ParameterError"
    assert outcome.traceback == ["ParameterError: parameter 'lang': 'fr' is not allowed (allowed: str one of zh|en)"]
    assert kernel.run("%xmode Verbose").status == "ok"
    verbose = kernel.run_all([french, cells[p + 1]])[1]
    assert len(verbose.traceback) > 3 and "configure" in "".join(verbose.traceback)


def test_an_unknown_figure_is_one_line(kernel):
    cells, p = code_cells(NB), parameters_index(NB)
    assert kernel.run_all(cells[:p + 2]) == (None, None)
    outcome = kernel.run('report.fig("kechuangdai_firm")')
    assert outcome.ename == "UnknownFigureError"
    assert len(outcome.traceback) == 1 and "no figure 'kechuangdai_firm'" in outcome.traceback[0]


NON_FINITE = ("is not a finite number",  # the check cell
              "not a literal", "is not accepted")  # or a guard on the injected cell itself, if present


@pytest.mark.parametrize("parameters,name,reasons", [
    ({"risk_pool_yi": [1e999]}, "risk_pool_yi", NON_FINITE),
    ({"risk_pool_yi": "[1e999]"}, "risk_pool_yi", ("inf is not a finite number",)),
    ({"loss_rate": float("nan")}, "loss_rate", NON_FINITE),
    ({"report": 1}, "report", ("unknown parameter",)),
    ({"_typo": 1}, "_typo", ("unknown parameter",)),
], ids=["inf", "inf-as-string", "nan", "report", "_typo"])
def test_papermill_values_are_refused_before_any_analysis(tmp_path, parameters, name, reasons):
    with pytest.raises(PapermillExecutionError) as info:
        pm.execute_notebook(str(REPO / "notebooks" / f"{NB}.ipynb"), str(tmp_path / "out.ipynb"),
                            parameters=parameters, kernel_name="python3", progress_bar=False,
                            cwd=str(REPO / "notebooks"))
    assert info.value.ename == "ParameterError"
    assert f"parameter '{name}'" in info.value.evalue and any(r in info.value.evalue for r in reasons)
    # papermill's injected cell or the check cell right after it: no analysis cell ran
    assert info.value.exec_count <= parameters_index(NB) + 3
