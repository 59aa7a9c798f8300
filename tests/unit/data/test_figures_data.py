"""The Chengdu figures table: types, provenance, coverage and spot-checked readings."""

import json
import math

import pandas as pd
import pytest

import kczlib
from kczlib.data.schema import get_schema
from kczlib.data.validate import validate_case

from conftest import DATA


@pytest.fixture(scope="module")
def figures():
    return kczlib.load_figures("chengdu")


@pytest.fixture(scope="module")
def report():
    return validate_case("chengdu")


def test_every_figure_in_the_document_is_a_row(figures):
    assert len(figures) > 100
    assert figures.index.is_unique and figures.index.name == "id" and "id" not in figures.columns


def test_every_evidence_is_verified_at_its_offset_and_parses_to_its_row(report, figures):
    assert report.errors == []
    assert report.evidence_ok == report.parse_ok == len(figures)


def test_no_numeric_mention_in_the_source_is_unaccounted(report):
    assert report.mentions > 150
    assert report.unaccounted == []
    assert report.claimed_by_figures + report.claimed_by_non_figures == report.mentions


def test_loader_types_follow_the_schema(figures):
    for col in ("value", "value_base", "lower", "upper"):
        assert figures[col].dtype == "Float64"
    assert figures["offset"].dtype == "Int64"
    for col in ("chain", "qualifier", "base_unit"):
        assert isinstance(figures[col].dtype, pd.CategoricalDtype)
    schema_chains = next(f for f in get_schema("figures")["fields"] if f["name"] == "chain")["constraints"]["enum"]
    assert list(figures["chain"].cat.categories) == schema_chains


def test_yu_figure_is_an_interval_not_a_point():
    f = kczlib.figure("kechuangdai_firms")
    assert (f.lower, f.upper, f.qualifier, f.value, f.unit) == (2700, 2800, "余", 2700, "家")
    assert "2700余家" in f.evidence


def test_duo_yi_yuan_figure_normalises_to_yuan_with_bounds():
    f = kczlib.figure("kechuangdai_loans")
    assert (f.value_base, f.lower, f.upper, f.base_unit) == (2e10, 2e10, 3e10, "CNY")


def test_nearly_gives_an_upper_bound_and_no_lower():
    f = kczlib.figure("jiebang_team_financing")
    assert f.upper == 1e8 and f.lower is None and f.qualifier == "近"


def test_percent_or_more_is_a_lower_bound_in_percent_points():
    f = kczlib.figure("rd_intensity_2021")
    assert (f.lower, f.upper, f.base_unit, f.qualifier) == (3, None, "percent", "以上")


def test_grant_band_is_a_range_without_a_point():
    f = kczlib.figure("fiscal_grant_range")
    assert (f.value, f.lower, f.upper, f.qualifier) == (None, 1e6, 2e7, "至")


def test_figure_lookup_suggests_close_ids():
    with pytest.raises(kczlib.errors.UnknownFigureError, match="kechuangdai_firms"):
        kczlib.figure("kechuangdai_firm")


def test_every_qualified_row_keeps_its_qualifier_in_the_evidence(figures):
    for fid, row in figures[figures["qualifier"] != "exact"].iterrows():
        assert row["qualifier"] in row["evidence"], fid


def test_case_metadata_names_city_title_origin_and_checksum():
    meta = json.loads((DATA / "cases" / "chengdu" / "case.json").read_text(encoding="utf-8"))
    assert meta["city"] == {"zh": "成都", "en": "Chengdu"}
    assert meta["title"]["zh"] and meta["title"]["en"]
    assert meta["source"]["origin"] and meta["source"]["accessed"]
    assert len(meta["source"]["sha256"]) == 64


def test_bounds_never_cross_and_exact_rows_are_points(figures):
    both = figures.dropna(subset=["lower", "upper"])
    assert (both["lower"] <= both["upper"]).all()
    exact = figures[figures["qualifier"] == "exact"]
    assert (exact["lower"] == exact["value_base"]).all() and (exact["upper"] == exact["value_base"]).all()


def test_loaded_frame_is_a_copy_callers_can_change(figures):
    figures.loc["kechuangdai_firms", "lower"] = 0
    assert kczlib.figure("kechuangdai_firms").lower == 2700
    assert not math.isnan(kczlib.load_figures().loc["kechuangdai_firms", "lower"])
