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


def test_on_the_real_rows_the_rule_finds_exactly_the_excerpts_that_quote_another_number():
    # by reading the excerpts: the two Sichuan intensity rows and Xi'an's quote expenditure sentences
    frame = load_context("chengdu").reset_index()
    sourced = frame[frame["confidence"] != "derived"]
    lacking = {r.id for r in sourced.itertuples() if not excerpt_states_value(r.value, r.unit, r.excerpt)}
    assert lacking == {"rd_intensity_sichuan_2020", "rd_intensity_sichuan_2021", "rd_intensity_xian_2022"}
    assert not (set(frame[frame["confidence"] == "high"]["id"]) & lacking)


def test_a_high_row_whose_excerpt_lacks_its_value_is_refused(data_copy):
    edit_csv_cell(data_copy / CSV, "rd_intensity_sichuan_2021", "confidence", "high")
    errors = validate_context("chengdu")
    assert [(e.column, "must state its value" in e.reason) for e in errors] == [("confidence", True)]


def test_a_high_row_whose_value_drifts_from_its_excerpt_is_refused(data_copy):
    edit_csv_cell(data_copy / CSV, "rd_intensity_guangzhou_2022", "value", "3.44")  # the excerpt says 3.43
    errors = validate_context("chengdu")
    assert [e.column for e in errors] == ["confidence"]
