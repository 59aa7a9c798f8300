"""Under a custom `KCZ_DATA` folder, a message names the file kcz actually read, not the project's.

A copy of the shipped data in a temporary folder, with one broken row: the error lines of
`kcz validate` (a real subprocess) and of the data API name the copy's path.
"""

from __future__ import annotations

import shutil

import pytest

from kczlib.paths import PACKAGE_ROOT

from support.builds import kcz_env, run_kcz

DATA = PACKAGE_ROOT / "data"


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "userdata"
    shutil.copytree(DATA, target)
    figures = target / "cases" / "jiaxing_2022" / "figures.csv"
    text = figures.read_text(encoding="utf-8")
    # the row rd_intensity_2020 maps to rd_intensity; a typo in that cell is the broken row
    assert text.count(",rd_intensity,") == 1
    figures.write_text(text.replace(",rd_intensity,", ",rd_intensty,"), encoding="utf-8")
    return target


def test_validate_names_the_users_files(data_copy):
    result = run_kcz("validate", "jiaxing_2022", env=kcz_env(KCZ_DATA=str(data_copy)))
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if "error:" in line]
    assert len(errors) == 1
    assert f"{data_copy}/cases/jiaxing_2022/figures.csv, line 2" in errors[0]  # the row after the header
    assert f"not an id of {data_copy}/indicators.csv" in errors[0]  # the vocabulary read, by its path
    assert str(PACKAGE_ROOT) not in result.stdout + result.stderr


def test_an_unknown_case_names_the_users_cases_folder(data_copy):
    result = run_kcz("validate", "atlantis", env=kcz_env(KCZ_DATA=str(data_copy)))
    assert result.returncode == 2
    assert f"(a case is a folder under {data_copy}/cases/)" in result.stderr
    assert str(PACKAGE_ROOT / "data") not in result.stderr


def test_an_unknown_indicator_names_the_users_vocabulary(data_copy, monkeypatch):
    import kczlib
    from kczlib.errors import UnknownIndicatorError

    monkeypatch.setenv("KCZ_DATA", str(data_copy))
    with pytest.raises(UnknownIndicatorError) as caught:
        kczlib.indicator("no_such_indicator", "chengdu")
    assert f"in {data_copy}/indicators.csv" in str(caught.value)
