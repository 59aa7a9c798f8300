"""A context row is high confidence only if its excerpt states its value (review M12; kczlib/data/excerpt_value.py)."""

from __future__ import annotations

import pytest

from kczlib.data.context import load_context, validate_context
from kczlib.data.excerpt_value import excerpt_states_value

from conftest import edit_csv_cell

CSV = "cases/chengdu/context.csv"


@pytest.mark.parametrize("value,unit,excerpt,states", [
    (2.17, "%", "达到1055.3亿元,较上年增长21.2%", False),     # the expenditure sentence, not the intensity
    (1055.3, "亿元", "达到1055.3亿元", True),
    (1055.3, "亿元", "达到1,055.3亿元", True),                 # thousands separator
    (1658.1, "万人", "常住人口1658.10万人", True),              # a trailing zero
    (13.5, "万人", "增加135000人", True),                      # another scale: 13.5万 = 135000
    (135000, "人", "增加13.5万人", True),
    (19916.98, "亿元", "GDP總量達到19916.98億元", True),        # traditional 億
    (19916.98, "亿元", "GDP为1.991698万亿元", True),            # 万亿
    (14, "个", "共十四个", True),                              # Chinese numerals
    (4, "个", "共十四个", False),                              # not part of another numeral
    (2.17, "%", "强度为12.17%", False),                        # not part of another number
    (3.4, "%", "强度为3.43%", False),
])
def test_an_excerpt_states_a_value_as_written_in_any_scale(value, unit, excerpt, states):
    assert excerpt_states_value(value, unit, excerpt) is states


def test_every_sourced_real_row_states_its_value_in_its_excerpt():
    # the two Sichuan intensity rows and Xi'an's quoted the expenditure sentence, not the
    # intensity; their excerpts are now the pages' intensity sentences (2.17%, 2.26%, 5.23%)
    frame = load_context("chengdu").reset_index()
    sourced = frame[frame["confidence"] != "derived"]
    assert {r.id for r in sourced.itertuples() if not excerpt_states_value(r.value, r.unit, r.excerpt)} == set()


@pytest.mark.parametrize(("value", "why"), [("2219.2", "a digit typed wrong (the excerpt says 2119.2万人)"),
                                            ("-2119.2", "a sign typed in"), ("21192", "a scale lost")])
def test_a_row_of_any_confidence_whose_value_is_not_in_its_excerpt_is_refused(data_copy, value, why):
    # a fresh user: pop_chengdu_2021 (medium) edited so passed `kcz validate` and printed
    # "With -21,192,000 residents ... per resident was CNY -469"
    edit_csv_cell(data_copy / CSV, "pop_chengdu_2021", "value", value)
    errors = validate_context("chengdu")
    assert [e.column for e in errors] == ["value"], (why, [str(e) for e in errors])
    assert "does not state the row's value" in errors[0].reason


def test_a_unit_of_another_scale_than_its_excerpts_is_refused(data_copy):
    # a second fresh user: gdp_chengdu_2021's unit 亿元 edited to 万元 (excerpt: GDP總量達到19916.98億元)
    # passed validate, and the page printed GDP as CNY 199 m
    edit_csv_cell(data_copy / CSV, "gdp_chengdu_2021", "unit", "万元")
    errors = validate_context("chengdu")
    assert [e.column for e in errors] == ["value"] and "19916.98万元" in errors[0].reason


def test_a_high_row_whose_value_drifts_from_its_excerpt_is_refused(data_copy):
    edit_csv_cell(data_copy / CSV, "rd_intensity_guangzhou_2022", "value", "3.44")  # the excerpt says 3.43
    errors = validate_context("chengdu")
    assert [e.column for e in errors] == ["value"]
