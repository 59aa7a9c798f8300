"""A call without a case: reports.toml's [defaults] case, else the only case, else a clear error."""

from __future__ import annotations

import shutil

import pytest

import kczlib
from kczlib.data.cases import default_case, list_cases
from kczlib.errors import KczError, NoDefaultCaseError


def _only_case(data_copy) -> str:
    """Leave one case in the copied data folder (the first shipped one) and return its name."""
    case, *others = list_cases()
    for other in others:
        shutil.rmtree(data_copy / "cases" / other)
    assert list_cases() == [case]
    return case


def test_reports_toml_defaults_case_wins(data_copy, tmp_path, monkeypatch):
    only = _only_case(data_copy)
    shutil.copytree(data_copy / "cases" / only, data_copy / "cases" / "other")
    config = tmp_path / "reports.toml"
    config.write_text('[defaults]\ncase = "other"\nlangs = ["zh"]\n', encoding="utf-8")
    monkeypatch.setenv("KCZ_REPORTS", str(config))
    assert default_case() == "other"
    assert kczlib.load_figures().equals(kczlib.load_figures("other"))


def test_the_only_case_when_reports_toml_names_none(data_copy, tmp_path, monkeypatch):
    only = _only_case(data_copy)
    config = tmp_path / "reports.toml"
    config.write_text('[defaults]\nlangs = ["zh"]\n', encoding="utf-8")
    monkeypatch.setenv("KCZ_REPORTS", str(config))
    assert default_case() == only
    monkeypatch.setenv("KCZ_REPORTS", str(tmp_path / "absent.toml"))  # no reports.toml at all
    assert default_case() == only
    assert kczlib.load_context().equals(kczlib.load_context(only))


def test_several_cases_and_no_default_is_a_clear_error(data_copy, tmp_path, monkeypatch):
    only = _only_case(data_copy)
    shutil.copytree(data_copy / "cases" / only, data_copy / "cases" / "other")
    monkeypatch.setenv("KCZ_REPORTS", str(tmp_path / "absent.toml"))
    with pytest.raises(NoDefaultCaseError, match=rf"pass a case.*|{only}, other") as info:
        kczlib.load_figures()
    assert isinstance(info.value, KczError)
    assert f"{only}, other" in str(info.value) and "pass a case" in str(info.value)


def test_no_case_at_all_is_a_clear_error(data_copy, tmp_path, monkeypatch):
    shutil.rmtree(data_copy / "cases" / _only_case(data_copy))
    monkeypatch.setenv("KCZ_REPORTS", str(tmp_path / "absent.toml"))
    with pytest.raises(NoDefaultCaseError, match="no case"):
        default_case()
