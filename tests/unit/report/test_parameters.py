"""Parameter declarations and checks shared by all notebooks."""

import shutil

import papermill as pm
import pytest

from kczlib.data.cases import list_cases
from kczlib.declarations import coerce, parse_declarations
from kczlib.errors import NoDefaultCaseError, ParameterError
from kczlib.report import parameters
from kczlib.report.parameters import check, declarations

from conftest import REPORT_NOTEBOOKS
from support.report_setup import keep_only_cases

DECL = '''case: str = "chengdu"  # a known case: case folder
lang: str = "zh"  # one of zh|en: report language
year: int = 2021  # in [2015, 2035]: first year
rates: list[float] = [0.01, 0.02]  # in [0, 1]: assumed rates
pools: list[float] = [5.0]  # > 0: pool sizes
'''


@pytest.fixture
def params():
    return {p.name: p for p in parse_declarations(DECL)}


def test_declaration_gives_type_constraint_and_help(params):
    p = params["rates"]
    assert (p.type, p.default, p.constraint, p.help) == ("list[float]", [0.01, 0.02], "in [0, 1]", "assumed rates")


def test_list_passed_as_a_string_with_p_is_parsed(params):
    assert coerce(params["rates"], "[0.03, 0.04]") == [0.03, 0.04]


def test_single_number_for_a_list_becomes_a_one_item_list(params):
    assert coerce(params["rates"], 0.05) == [0.05]


def test_unparseable_list_string_says_how_to_pass_lists(params):
    with pytest.raises(ParameterError, match=r"pass lists with -y"):
        coerce(params["rates"], "[0.03,")


@pytest.mark.parametrize("name,value,reason", [
    ("lang", "fr", "'fr' is not allowed"), ("year", 1999, "1999 is outside [2015, 2035]"),
    ("year", "next", "'next' is not a int"), ("pools", [0.0], "0.0 is not > 0"),
    ("rates", [True], "is not a non-empty list[float]"), ("case", "wuhan", "unknown case 'wuhan'"),
])
def test_invalid_value_names_the_parameter_and_what_is_allowed(params, name, value, reason):
    with pytest.raises(ParameterError, match=f"parameter '{name}'") as info:
        coerce(params[name], value, list_cases())
    assert reason in str(info.value) and "allowed:" in str(info.value)


DEFAULTS_02 = {"case": "chengdu", "lang": "zh", "risk_pool_yi": [5.0, 10.0, 20.0], "loss_rate": [0.01, 0.02, 0.05],
               "compensation_share": [0.5, 0.8]}


@pytest.mark.parametrize("extra", ["loss_rat", "report", "_typo"])
def test_any_undeclared_name_assigned_with_the_parameters_is_refused(extra):
    with pytest.raises(ParameterError, match=f"'{extra}': unknown parameter"):
        check("02_tech_finance_leverage", {**DEFAULTS_02, extra: [0.1]})


def test_a_declared_parameter_that_was_not_assigned_is_refused():
    assigned = {k: v for k, v in DEFAULTS_02.items() if k != "loss_rate"}
    with pytest.raises(ParameterError, match="'loss_rate': declared but not assigned"):
        check("02_tech_finance_leverage", assigned)


def test_check_coerces_the_assigned_values():
    values = check("02_tech_finance_leverage", {**DEFAULTS_02, "lang": "en", "loss_rate": "[0.5]", "risk_pool_yi": 3})
    assert values["loss_rate"] == [0.5] and values["risk_pool_yi"] == [3.0] and values["lang"] == "en"


@pytest.mark.parametrize("name,value", [("pools", [float("inf")]), ("pools", "[1e999]"), ("rates", [float("nan")]),
                                        ("pools", 1e999)])
def test_non_finite_numbers_are_refused(params, name, value):
    with pytest.raises(ParameterError, match=f"parameter '{name}': (inf|nan) is not a finite number"):
        coerce(params[name], value)


def test_non_literal_default_is_one_parameter_error():
    with pytest.raises(ParameterError, match="'rates': default"):
        parse_declarations("rates: list[float] = [x / 100 for x in range(3)]  # in [0, 1]: rates\n")


@pytest.mark.parametrize("nb", REPORT_NOTEBOOKS, ids=lambda p: p.stem)
def test_papermill_help_shows_the_same_parameters_we_check(nb):
    inspected = pm.inspect_notebook(str(nb))
    ours = declarations(nb.stem)
    assert list(inspected) == [p.name for p in ours]
    for p in ours:
        assert p.help in inspected[p.name]["help"]


def _declared_defaults(notebook):
    return {p.name: p.default for p in declarations(notebook)}


@pytest.mark.parametrize("nb", REPORT_NOTEBOOKS, ids=lambda p: p.stem)
def test_no_report_notebook_names_a_case_its_case_is_the_projects_default(nb, data_copy, tmp_path, monkeypatch):
    # the shipped case copied under another name, made the default by a reports.toml of the test's own
    only = list_cases()[0]
    keep_only_cases(data_copy, only)
    shutil.copytree(data_copy / "cases" / only, data_copy / "cases" / "another-city")
    config = tmp_path / "reports.toml"
    config.write_text('[defaults]\ncase = "another-city"\nlangs = ["zh"]\n', encoding="utf-8")
    monkeypatch.setenv("KCZ_REPORTS", str(config))
    assigned = _declared_defaults(nb.stem)
    if "case" not in assigned:  # a report over several cases (05_compare_cases): empty means every case
        assert assigned["cases"] == [] and check(nb.stem, assigned)["cases"] == []
        assert check(nb.stem, {**assigned, "cases": [only]})["cases"] == [only]
        return
    assert assigned["case"] == ""
    assert check(nb.stem, assigned)["case"] == "another-city"
    assert check(nb.stem, {**assigned, "case": only})["case"] == only  # a case given is kept


def test_an_empty_case_with_no_default_case_is_one_clear_error(data_copy, tmp_path, monkeypatch):
    only = list_cases()[0]
    keep_only_cases(data_copy, only)
    shutil.copytree(data_copy / "cases" / only, data_copy / "cases" / "another-city")
    monkeypatch.setenv("KCZ_REPORTS", str(tmp_path / "absent.toml"))
    with pytest.raises(NoDefaultCaseError, match="another-city"):
        check("03_talent_inflows", _declared_defaults("03_talent_inflows"))


GUARDED = frozenset({"report", "case", "lang", "loss_rate"})  # `report` and declared parameters


@pytest.mark.parametrize("source", [
    'case: str = ""\nlang: str = "zh"\nlos_rate = [0.1]',  # the parameters cell, even with a typo
    "from kczlib.report import check_parameters\n\ncheck_parameters(globals());",  # the check cell
    'from kczlib.report import Report\n\nreport = Report.start("02_tech_finance_leverage", globals())',
    "%xmode Verbose",  # a magic
    "figures = kczlib.load_figures()\nfigures.head()",  # a look at the data: neither report nor a parameter
])
def test_what_may_run_after_a_refused_check(source):
    assert parameters.may_run_after_a_refused_check(source, GUARDED)


@pytest.mark.parametrize("source", [
    'report.heading("finance.title", level=1)',
    "borrowing = None\nif report.needs('borrowing'):\n    pass",  # its first line must not run either
    "print(loss_rate)",
    "x = report\n!echo hi",  # IPython syntax: read by its words
])
def test_what_is_refused_after_a_refused_check(source):
    assert not parameters.may_run_after_a_refused_check(source, GUARDED)


def test_an_interval_open_at_its_low_end_refuses_that_end():
    # 02's loss_rate and compensation_share: a zero rate or share makes loans over the expected
    # loss a division by zero ("loans amount to cannot be determined that expected fiscal loss")
    from kczlib.declarations import coerce

    share = parse_declarations("s: list[float] = [0.5]  # in (0, 1]: assumed share\n")[0]
    assert share.constraint == "in (0, 1]" and coerce(share, [0.01, 1]) == [0.01, 1.0]
    for bad in ([0], [1.5], [-0.1]):
        with pytest.raises(ParameterError, match=r"is outside \(0, 1\]"):
            coerce(share, bad)
