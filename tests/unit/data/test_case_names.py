"""A case is a name under data/cases/, never a path: validate and the loaders read
nothing outside the data folder, and case.json cannot point its source elsewhere."""

from __future__ import annotations

import json
import shutil

import pytest

from kczlib.data.cases import get_case
from kczlib.data.validate import main as validate_main
from kczlib.errors import DataError, UnknownCaseError

from support.builds import run_kcz


@pytest.fixture
def outside_case(tmp_path, data_copy):
    """A complete, valid copy of the chengdu case in a folder outside data/cases/."""
    folder = tmp_path / "outside" / "x"
    shutil.copytree(data_copy / "cases" / "chengdu", folder)
    return folder


@pytest.mark.parametrize("how", ["relative", "absolute", "dot-dot into the real case"])
def test_validate_refuses_a_path_and_lists_the_known_cases(outside_case, data_copy, how, capsys):
    arg = {"relative": "../../outside/x", "absolute": str(outside_case),
           "dot-dot into the real case": "../cases/chengdu"}[how]
    assert validate_main(arg) == 2
    err = capsys.readouterr()
    assert f"unknown case {arg!r}; known cases: chengdu" in err.err
    assert "figures" not in err.out  # nothing was validated


def test_kcz_validate_on_the_command_line_refuses_a_path(outside_case, data_copy):
    result = run_kcz("validate", str(outside_case))
    assert result.returncode == 2
    assert "known cases: chengdu" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("source_file", ["../../../outside/x/chengdu-kczg-case.raw.txt",
                                         "/etc/hostname", "sub/../chengdu-kczg-case.raw.txt"])
def test_source_file_in_case_json_must_be_a_file_of_the_case_folder(data_copy, source_file):
    meta_path = data_copy / "cases" / "chengdu" / "case.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["source"]["file"] = source_file
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DataError, match=r"case\.json.*source\.file .* must be the name of a file"):
        get_case("chengdu")


def test_a_source_file_that_is_a_link_out_of_the_case_folder_is_refused(data_copy, tmp_path):
    folder = data_copy / "cases" / "chengdu"
    raw = folder / "chengdu-kczg-case.raw.txt"
    elsewhere = tmp_path / "elsewhere.txt"
    shutil.move(raw, elsewhere)
    raw.symlink_to(elsewhere)
    with pytest.raises(DataError, match="source.file"):
        get_case("chengdu")


def test_the_loaders_refuse_a_path_too(data_copy):
    with pytest.raises(UnknownCaseError, match="known cases: chengdu"):
        get_case("../cases/chengdu")
