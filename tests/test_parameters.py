"""Parameter declarations and checks shared by all notebooks."""

import papermill as pm
import pytest

from kczlib.errors import ParameterError
from kczlib.report.parameters import check, coerce, declarations, parse_declarations
from conftest import REPO

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
        coerce(params[name], value)
    assert reason in str(info.value) and "allowed:" in str(info.value)


def test_unknown_name_injected_after_the_snapshot_is_rejected():
    ns = {"report": object()}
    before = set(ns)
    ns.update(case="chengdu", lang="zh", loss_rat=[0.1])
    with pytest.raises(ParameterError, match="'loss_rat': unknown parameter"):
        check("02_tech_finance_leverage", ns, before)


def test_check_fills_defaults_and_coerces_in_the_namespace():
    ns = {"lang": "en", "loss_rate": "[0.5]"}
    values = check("02_tech_finance_leverage", ns, set())
    assert ns["loss_rate"] == [0.5] and values["case"] == "chengdu" and ns["compensation_share"] == [0.5, 0.8]


@pytest.mark.parametrize("nb", sorted((REPO / "notebooks").glob("*.ipynb")), ids=lambda p: p.stem)
def test_papermill_help_shows_the_same_parameters_we_check(nb):
    inspected = pm.inspect_notebook(str(nb))
    ours = declarations(nb.stem)
    assert list(inspected) == [p.name for p in ours]
    for p in ours:
        assert p.help in inspected[p.name]["help"]
