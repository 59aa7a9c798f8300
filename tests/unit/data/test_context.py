"""The context table: schema, row rules, unit conversion, provenance and the gaps list.

Line numbers are counted by hand in data/cases/chengdu/context.csv: the header is line 1,
gdp_chengdu_2021 line 2, rd_chengdu_2021 line 6 (no excerpt spans two lines).
"""

from __future__ import annotations

import csv
import json

import pytest

from kczlib.data.context import (
    CONFIDENCES,
    UnknownContextError,
    context_gaps,
    context_role,
    context_value,
    format_period,
    load_context,
    validate_context,
    value_base,
)
from kczlib.data.schema import get_schema
from kczlib.errors import DataErrors
from kczlib.units import CONTEXT_UNITS

from conftest import edit_csv_cell

CSV = "cases/chengdu/context.csv"
META = "cases/chengdu/context.meta.json"


def _only_error(data_copy):
    errors = validate_context("chengdu")
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


# --- the real table -------------------------------------------------------------------


def test_real_context_table_validates_clean():
    assert validate_context("chengdu") == []


def test_every_reference_row_is_kept():
    frame = load_context("chengdu")
    # 23 data rows of shared/context/chengdu_context.csv, plus two from chengdu_context_research.csv
    # (399 firms lent to in 2019 H1; the 2019 50亿元 debt-financing risk pool), plus 23 more from the
    # two research tables for the deeper analyses (population, talent, peers, budget, listings, 科创贷),
    # plus 5 of issue 22 (stated yearly changes of residents 2021-2023, of registered residents 2019 and 2023)
    assert len(frame) == 53
    assert frame.loc["kechuangdai_firms_2019h1", "value"] == 399
    assert frame.loc["debt_risk_pool_chengdu_2019", "confidence"] == "low"
    assert frame.loc["hte_chengdu_2020", "value"] == 6120


def test_confidence_is_categorical_with_the_four_labels_in_order():
    frame = load_context("chengdu")
    assert list(frame["confidence"].cat.categories) == ["high", "medium", "low", "derived"]


def test_context_value_carries_source_and_confidence():
    row = context_value("kechuangdai_loans_2023", "chengdu")
    # the data date (Sep 2023), not the date 科技日报 printed it (Nov 2023)
    assert (row.value, row.unit, row.year, row.confidence) == (300.92, "亿元", "2023-09", "medium")
    assert row.source_url.startswith("http://digitalpaper.stdaily.com/")
    assert "300.92亿元" in row.excerpt
    assert row.year_number == 2023


def test_derived_row_has_no_source_but_a_derivation():
    row = context_value("rd_intensity_chengdu_2021", "chengdu")
    assert row.is_derived and row.source_url == "" and row.derivation.startswith("3.52 - 0.35")


def test_population_in_wan_becomes_persons():
    # 2119.2万人 = 2119.2 * 10^4 = 21,192,000 people
    row = context_value("pop_chengdu_2021", "chengdu")
    assert row.value_base == pytest.approx(21_192_000)
    assert row.base_unit == "count"


def test_loaded_frame_has_value_base_column_in_yuan():
    # 19916.98亿元 = 19916.98 * 10^8 = 1,991,698,000,000 yuan
    frame = load_context("chengdu")
    assert frame.loc["gdp_chengdu_2021", "value_base"] == pytest.approx(1_991_698_000_000)
    assert frame.loc["gdp_chengdu_2021", "base_unit"] == "CNY"


def test_unknown_context_id_suggests_close_ids():
    with pytest.raises(UnknownContextError, match="gdp_chengdu_2021"):
        context_value("gdp_chengdu_2012", "chengdu")


def test_role_resolves_to_the_row_the_metadata_names():
    assert context_role("hightech_prior_year", "chengdu").id == "hte_chengdu_2020"
    assert context_role("no_such_role", "chengdu") is None


# --- units ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, unit, expected",
    [
        (99.4, "亿元", (9_940_000_000, "CNY")),
        (5, "万元", (50_000, "CNY")),
        (2119.2, "万人", (21_192_000, "count")),
        (3.52, "%", (3.52, "percent")),
        (9748, "笔", (9748, "count")),
        (24, "名", (24, "rank")),
    ],
)
def test_value_base_scales_units_as_written(value, unit, expected):
    got, base = value_base(value, unit)
    assert (pytest.approx(got), base) == (pytest.approx(expected[0]), expected[1])


def test_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="万亿"):
        value_base(1, "万亿")


def test_every_unit_the_schema_allows_can_be_converted():
    unit_field = next(f for f in get_schema("context")["fields"] if f["name"] == "unit")
    assert set(unit_field["constraints"]["enum"]) <= set(CONTEXT_UNITS)


def test_schema_confidence_enum_matches_the_code():
    field = next(f for f in get_schema("context")["fields"] if f["name"] == "confidence")
    assert tuple(field["constraints"]["enum"]) == CONFIDENCES


@pytest.mark.parametrize(
    "year, zh, en",
    [("2021", "2021年", "2021"), ("2023-11", "2023年11月", "Nov 2023"), ("2019-H1", "2019年上半年", "H1 2019")],
)
def test_period_reads_naturally_in_both_languages(year, zh, en):
    assert (format_period(year, "zh"), format_period(year, "en")) == (zh, en)


# --- bad rows: each error names file, line and column ---------------------------------


def test_unknown_confidence_names_file_line_and_column(data_copy):
    edit_csv_cell(data_copy / CSV, "gdp_chengdu_2021", "confidence", "certain")
    err = _only_error(data_copy)
    assert (err.line, err.column) == (2, "confidence")
    assert "context.csv, line 2, column 'confidence'" in str(err)
    assert "'certain' is not one of" in str(err)


def test_derived_row_without_derivation_is_an_error(data_copy):
    edit_csv_cell(data_copy / CSV, "rd_chengdu_2021", "derivation", "")
    err = _only_error(data_copy)
    assert (err.line, err.column) == (6, "derivation")
    assert "derived row needs a derivation" in str(err)


def test_non_numeric_value_is_an_error(data_copy):
    edit_csv_cell(data_copy / CSV, "gdp_chengdu_2021", "value", "约2万亿")
    err = _only_error(data_copy)
    assert (err.line, err.column) == (2, "value")
    assert "is not a number" in str(err)


def test_empty_value_is_an_error(data_copy):
    edit_csv_cell(data_copy / CSV, "gdp_chengdu_2021", "value", "")
    err = _only_error(data_copy)
    assert (err.line, err.column, err.reason) == (2, "value", "required value is empty")


def test_sourced_row_without_source_url_is_an_error(data_copy):
    edit_csv_cell(data_copy / CSV, "gdp_chengdu_2021", "source_url", "")
    err = _only_error(data_copy)
    assert (err.line, err.column) == (2, "source_url")
    assert "medium row needs a source_url" in str(err)


def test_sourced_row_without_excerpt_is_an_error(data_copy):
    edit_csv_cell(data_copy / CSV, "hte_chengdu_2020", "excerpt", "")
    err = _only_error(data_copy)
    assert err.column == "excerpt"


def test_year_that_is_not_year_like_is_an_error(data_copy):
    edit_csv_cell(data_copy / CSV, "gdp_chengdu_2021", "period", "21年")
    assert _only_error(data_copy).column == "period"


def test_missing_column_names_line_one_and_the_column(data_copy):
    path = data_copy / CSV
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    drop = rows[0].index("excerpt")
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([r[:drop] + r[drop + 1:] for r in rows])
    err = _only_error(data_copy)
    assert (err.line, err.column, err.reason) == (1, "excerpt", "missing column")


def test_load_context_raises_every_cell_problem_at_once(data_copy):
    edit_csv_cell(data_copy / CSV, "gdp_chengdu_2021", "confidence", "certain")
    edit_csv_cell(data_copy / CSV, "rd_chengdu_2021", "value", "n/a")
    with pytest.raises(DataErrors) as info:
        load_context("chengdu")
    assert [(e.line, e.column) for e in info.value.errors] == [(2, "confidence"), (6, "value")]


def test_row_rule_problems_also_stop_loading(data_copy):
    edit_csv_cell(data_copy / CSV, "rd_chengdu_2021", "derivation", "")
    with pytest.raises(DataErrors, match="line 6, column 'derivation'"):
        load_context("chengdu")


def test_case_without_context_is_valid_and_loads_empty(data_copy):
    (data_copy / CSV).unlink()
    (data_copy / META).unlink()
    assert validate_context("chengdu") == []
    assert load_context("chengdu").empty
    assert context_gaps("chengdu") == []


def test_role_naming_a_missing_row_is_reported(data_copy):
    meta = json.loads((data_copy / META).read_text(encoding="utf-8"))
    meta["roles"]["gdp_case_year"] = "gdp_chengdu_2031"
    (data_copy / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    err = _only_error(data_copy)
    assert err.column == "roles.gdp_case_year" and "gdp_chengdu_2031" in err.reason


# --- provenance -----------------------------------------------------------------------

# The two Sichuan intensity rows and Xi'an's quote the expenditure sentence of their release, not the
# intensity (their note says so); every other sourced row's excerpt holds its number.
def test_every_sourced_row_has_url_and_an_excerpt_holding_its_number():
    # the three intensity rows that quoted the expenditure sentence now quote the intensity one
    frame = load_context("chengdu")
    for row in frame.reset_index().itertuples():
        if row.confidence == "derived":
            continue
        assert row.source_url.startswith("http") and row.excerpt, row.id
        assert f"{row.value:.12g}" in row.excerpt, row.id


# --- gaps -----------------------------------------------------------------------------


def test_gaps_cover_the_items_searched_for_and_not_found():
    gaps = context_gaps("chengdu")
    assert [g["topic"] for g in gaps] == [
        "fiscal_st_series", "rd_chengdu_2020", "peer_city_rd_intensity", "pilot_city_list", "kechuangdai_risk_pool",
        "budget_year_mismatch", "talent_settlement_series", "kechuangdai_series", "star_listed_2020", "hightech_2023",
        "census_migration",
    ]


def test_each_gap_is_one_sentence_in_each_language():
    for gap in context_gaps("chengdu"):
        assert gap["zh"].endswith("。") and gap["zh"].count("。") == 1
        assert gap["en"].endswith(".") and gap["en"].count(". ") == 0


def test_a_gap_without_english_is_reported(data_copy):
    meta = json.loads((data_copy / META).read_text(encoding="utf-8"))
    meta["gaps"][0]["en"] = ""
    (data_copy / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    assert _only_error(data_copy).column == "gaps[0].en"


def test_a_gap_is_named_for_readers_by_a_label_not_its_id():
    # the data download named a gap by its id ("数据缺口 fiscal_st_series"); its label is a name
    assert context_gaps("chengdu")[0]["label"] == {"zh": "市级财政科技支出的逐年序列",
                                                   "en": "a yearly series of municipal fiscal S&T spending"}


def test_a_gap_without_a_label_is_reported(data_copy):
    meta = json.loads((data_copy / META).read_text(encoding="utf-8"))
    del meta["gaps"][0]["label"]
    (data_copy / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    assert [e.column for e in validate_context("chengdu")] == ["gaps[0].label.zh", "gaps[0].label.en"]


def test_a_gap_label_with_a_number_in_it_is_reported(data_copy):
    meta = json.loads((data_copy / META).read_text(encoding="utf-8"))
    meta["gaps"][0]["label"] = {"zh": "2021年的序列", "en": "a series"}
    (data_copy / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    error = _only_error(data_copy)
    assert error.column == "gaps[0].label.zh" and "digits" in error.reason


# --- qualified rows are ranges -------------------------------------------------------------


def test_a_qualified_row_is_a_range_by_the_case_figures_rule():
    # 10万余名: 余 after the scale word 万, so the remainder is below one 万: 100,000 to 110,000
    # (10余万 would be 100,000 to 200,000); 超400亿元 has no upper bound; 近4000家 no lower one
    assert context_value("talent_settled_chengdu_2019h1", "chengdu").bounds == (100000.0, 110000.0)
    assert context_value("kechuangdai_loans_2024", "chengdu").bounds == (4e10, None)
    assert context_value("kechuangdai_firms_2024", "chengdu").bounds == (None, 4000.0)
    assert context_value("pop_chengdu_2023", "chengdu").bounds == (21403000.0, 21403000.0)


def test_an_unknown_qualifier_is_an_error(data_copy):
    edit_csv_cell(data_copy / CSV, "hte_chengdu_2020", "qualifier", "大约")
    err = _only_error(data_copy)
    assert err.column == "qualifier" and "大约" in err.reason


@pytest.mark.parametrize("text, message", [
    ("broken = [\n", "not valid TOML"),
    ('[rd_chengdu_2021]\nzh = "次年研发经费减去增加额"\n', "[rd_chengdu_2021] needs a text in each of zh, en"),
])
def test_validation_names_a_broken_context_words_file(data_copy, text, message):
    # the reader pages read this file (derivation words); `kcz validate` used to pass it unread
    from kczlib.data.validate import validate_case

    path = data_copy / "cases" / "chengdu" / "context.words.toml"
    path.write_text(text, encoding="utf-8")
    r = validate_case("chengdu")
    found = [str(e) for e in r.errors if "context.words.toml" in str(e)]
    assert len(found) == 1 and message in found[0], [str(e) for e in r.errors]
