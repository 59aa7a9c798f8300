"""A case is a folder: a synthetic second city works with no code change."""

import re
import shutil

import pytest

import kczlib
from kczlib.data.validate import validate_case

from conftest import DATA, FIXTURES

# the shipped cases: folders of data/cases/ with a case.json, read from the disk (data_copy copies them all)
SHIPPED = sorted(p.name for p in (DATA / "cases").iterdir() if (p / "case.json").is_file())


@pytest.fixture
def with_mini_case(data_copy):
    shutil.copytree(FIXTURES / "cases" / "mini", data_copy / "cases" / "mini")
    return data_copy


def test_a_new_case_folder_is_listed_beside_chengdu(with_mini_case):
    assert "chengdu" in SHIPPED and "mini" not in SHIPPED
    assert kczlib.list_cases() == sorted([*SHIPPED, "mini"])


def test_a_new_case_folder_validates_with_full_coverage(with_mini_case):
    report = validate_case("mini")
    assert report.ok, report.errors
    assert (report.figures, report.evidence_ok, report.parse_ok, report.mentions,
            len(report.unaccounted)) == (4, 4, 4, 6, 0)
    assert report.glosses_removed == 3


def test_a_new_case_loads_through_the_same_api(with_mini_case):
    assert kczlib.figure("firms_served", case="mini").upper == 400
    assert kczlib.load_source("mini").text.startswith("示范城市报告")
    assert kczlib.load_figures("mini").loc["investment", "lower"] is kczlib.load_figures("mini")["lower"].dtype.na_value


def test_unknown_case_lists_the_known_ones(with_mini_case):
    known = ", ".join(sorted([*SHIPPED, "mini"]))  # every case, the added one in its sorted place
    with pytest.raises(kczlib.errors.UnknownCaseError, match=re.escape(f"known cases: {known}")):
        kczlib.load_figures("wuhan")


def test_a_case_folder_without_its_case_json_says_so_not_unknown_case(data_copy, capsys):
    # the folder is there: "unknown case" sent the user looking for a typo (exit 2: the case
    # cannot be read at all, as for an unreadable case.json)
    from kczlib.data.validate import main

    (data_copy / "cases" / "foshan_2020" / "case.json").unlink()
    assert main("foshan_2020") == 2
    err = capsys.readouterr().err
    assert err == (f"kcz validate: case foshan_2020: {data_copy / 'cases' / 'foshan_2020' / 'case.json'} is missing: "
                   "every case folder needs one (its city, programme and source; docs/data.md)\n")


@pytest.mark.parametrize("name", ["", " "])
def test_an_empty_case_name_is_refused_not_read_as_every_case(capsys, name):
    from kczlib.data.validate import main

    assert main(name) == 2
    err = capsys.readouterr().err
    assert err == "kcz validate: a case name cannot be empty (leave it out to validate every case)\n"
