"""A draft preview (`kcz build --draft`): a data folder in which an uncurated draft loads as a case.

The draft is of tests/fixtures/new_case/demo.raw.txt (its figures are worked out by hand in
tests/unit/data/test_new_case.py): 12.5亿元 (fiscal S&T spending, 2023), 达到2.8% (R&D
intensity, 2023), 300余家, 15亿元, 20家 and 第一 (a rank).
"""

import json

import pytest

import kczlib
from kczlib.data.drafting import draft_case
from kczlib.data.preview import DRAFT_MARKS, preview_data_root
from kczlib.errors import DraftError

from conftest import FIXTURES

RAW = FIXTURES / "new_case" / "demo.raw.txt"


@pytest.fixture
def preview(data_copy, tmp_path, monkeypatch):
    draft_case("demo", RAW)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    root = preview_data_root("demo", scratch)
    monkeypatch.setenv("KCZ_DATA", str(root))
    return data_copy, root


def test_the_draft_loads_as_a_case_with_the_parsers_readings(preview):
    figures = kczlib.load_figures("demo")
    # six drafted rows, ids by their line in figures.csv (2 to 7)
    assert list(figures.index) == [f"draft_{line}" for line in range(2, 8)]
    # 达到2.8% is exact (the level reached); 300余家 is 300 to 400
    assert (figures.loc["draft_3", "value_base"], figures.loc["draft_3", "qualifier"]) == (2.8, "exact")
    assert (figures.loc["draft_4", "lower"], figures.loc["draft_4", "upper"]) == (300, 400)
    # the clause of 12.5亿元 names 2023, and its words suggest one indicator, which it now maps
    first = kczlib.figure("draft_2", "demo")
    assert (first.period, first.indicator, first.value_base) == ("2023", "fiscal_st_spending", 1.25e9)


def test_city_and_title_say_it_is_a_draft_in_both_languages(preview):
    _, root = preview
    meta = json.loads((root / "cases" / "demo" / "case.json").read_text(encoding="utf-8"))
    assert meta["city"] == {"zh": "demo" + DRAFT_MARKS["zh"], "en": "demo" + DRAFT_MARKS["en"]}
    assert meta["title"]["zh"].endswith("（草稿，未经核对）") and meta["title"]["en"].endswith("(DRAFT, not curated)")


def test_the_projects_data_folder_is_left_as_drafted(preview):
    data, root = preview
    assert root != data
    drafted = (data / "cases" / "demo" / "figures.csv").read_text(encoding="utf-8")
    assert "suggested indicator" in drafted and "draft_2" not in drafted
    assert sorted(p.name for p in (root / "cases").iterdir()) == ["demo"]


def test_an_unknown_case_is_one_message(data_copy, tmp_path):
    with pytest.raises(DraftError, match="no drafted case 'nowhere'"):
        preview_data_root("nowhere", tmp_path)
