"""Quantity parsing: the rule table, every form in the document, and properties."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kczlib.data.numerals import cn_to_number
from kczlib.data.quantities import Quantity, find_quantities, parse_quantity
from kczlib.data.quantity_text import to_text
from kczlib.errors import QuantityParseError

# text -> (value, unit, value_base, base_unit, qualifier, lower, upper); worked out by hand
CASES = {
    "99.4亿元": (99.4, "亿元", 9.94e9, "CNY", "exact", 9.94e9, 9.94e9),
    "20.85亿元": (20.85, "亿元", 2.085e9, "CNY", "exact", 2.085e9, 2.085e9),
    "200多亿元": (200, "亿元", 2e10, "CNY", "多", 2e10, 3e10),
    "2700余家": (2700, "家", 2700, "count", "余", 2700, 2800),
    "1.6万余单": (1.6, "万单", 16000, "count", "余", 16000, 17000),
    "30余万名": (30, "万名", 300000, "count", "余", 300000, 400000),
    "超1万个": (1, "万个", 10000, "count", "超", 10000, None),
    "超200场": (200, "场", 200, "count", "超", 200, None),
    "3%以上": (3, "%", 3, "percent", "以上", 3, None),
    "近亿元": (1, "亿元", 1e8, "CNY", "近", None, 1e8),
    "八成": (8, "成", 80, "percent", "exact", 80, 80),
    "超八成": (8, "成", 80, "percent", "超", 80, None),
    "翻一番": (1, "番", 2, "multiplier", "exact", 2, 2),
    "翻两番": (2, "番", 4, "multiplier", "exact", 4, 4),
    "3年内": (3, "年", 3, "years", "内", None, 3),
    "2年": (2, "年", 2, "years", "exact", 2, 2),
    "第二名": (2, "名", 2, "rank", "exact", 2, 2),
    "第二个": (2, "个", 2, "rank", "exact", 2, 2),
    "第一": (1, None, 1, "rank", "exact", 1, 1),
    "第四城": (4, "城", 4, "rank", "exact", 4, 4),
    "首位": (1, "位", 1, "rank", "exact", 1, 1),
    "首个": (1, "个", 1, "rank", "exact", 1, 1),
    "20多家": (20, "家", 20, "count", "多", 20, 30),
    "20余场": (20, "场", 20, "count", "余", 20, 30),
    "50余项": (50, "项", 50, "count", "余", 50, 60),
    "100余个": (100, "个", 100, "count", "余", 100, 200),
    "300余位": (300, "位", 300, "count", "余", 300, 400),
    "800余人": (800, "人", 800, "count", "余", 800, 900),
    "10余个": (10, "个", 10, "count", "余", 10, 20),
    "500余个": (500, "个", 500, "count", "余", 500, 600),
    "7支": (7, "支", 7, "count", "exact", 7, 7),
    "3批": (3, "批", 3, "count", "exact", 3, 3),
    "1233项": (1233, "项", 1233, "count", "exact", 1233, 1233),
    "529人": (529, "人", 529, "count", "exact", 529, 529),
    "176位": (176, "位", 176, "count", "exact", 176, 176),
    "144名": (144, "名", 144, "count", "exact", 144, 144),
    "100%": (100, "%", 100, "percent", "exact", 100, 100),
    "超过5000家": (5000, "家", 5000, "count", "超过", 5000, None),
    "逾300家": (300, "家", 300, "count", "逾", 300, None),
    "约50个": (50, "个", 50, "count", "约", None, None),
    "5年以内": (5, "年", 5, "years", "内", None, 5),
    "3倍": (3, "倍", 3, "multiplier", "exact", 3, 3),
    "500万元": (500, "万元", 5e6, "CNY", "exact", 5e6, 5e6),
    "二十个": (20, "个", 20, "count", "exact", 20, 20),
    "1.2万亿元": (1.2, "万亿元", 1.2e12, "CNY", "exact", 1.2e12, 1.2e12),
}


def _tuple(q: Quantity):
    return (q.value, q.unit or None, q.value_base, q.base_unit, q.qualifier, q.lower, q.upper)


def _close(a, b):
    if a is None or b is None or isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(a, b, rel_tol=1e-12)


@pytest.mark.parametrize("text,expected", CASES.items(), ids=list(CASES))
def test_quantity_expression_parses_to_its_hand_worked_reading(text, expected):
    got = _tuple(parse_quantity(text))
    assert all(_close(g, e) for g, e in zip(got, expected, strict=True)), got


def test_range_with_zhi_has_both_bounds_and_no_point_value():
    q = parse_quantity("100万元至2000万元")
    assert (q.qualifier, q.value, q.value_base, q.lower, q.upper, q.base_unit) == ("至", None, None, 1e6, 2e7, "CNY")


def test_range_whose_first_end_has_no_unit_takes_the_second_ends_unit():
    q = parse_quantity("100至2000万元")
    assert (q.lower, q.upper) == (1e6, 2e7)


def test_liangyuan_is_a_name_not_a_number():
    with pytest.raises(QuantityParseError, match="两院 is a name"):
        parse_quantity("两院")
    assert [m.text for m in find_quantities("先后引入75位两院院士")] == ["75位"]


@pytest.mark.parametrize("text,kind", [("第四届", "ordinal"), ("第81届", "ordinal"), ("第八次", "ordinal"),
                                       ("首批", "ordinal"), ("首届", "ordinal"), ("2020年12月", "date"),
                                       ("2022年12月29日", "date"), ("2021年", "date"), ("2023", "date")])
def test_ordinals_and_dates_are_recognised_but_are_not_figure_kinds(text, kind):
    q = parse_quantity(text)
    assert q.kind == kind and not q.is_figure_kind and q.base_unit is None


@pytest.mark.parametrize("bad", ["", "科创中国", "2700余家和300家", "翻一倍番"])
def test_text_that_is_not_one_quantity_is_rejected(bad):
    with pytest.raises(QuantityParseError):
        parse_quantity(bad)


def test_mentions_carry_exact_spans_in_the_text():
    text = "累计帮助2700余家科技型企业获得贷款200多亿元"
    found = find_quantities(text)
    assert [(m.text, text[m.start:m.end]) for m in found] == [("2700余家", "2700余家"), ("200多亿元", "200多亿元")]


def test_lexical_words_with_numeral_characters_are_not_mentions():
    assert find_quantities("四川进一步推动长三角和新三板的第三方新一代") == []


def test_list_markers_and_names_are_found_so_coverage_must_account_for_them():
    texts = [m.text for m in find_quantities("一是建设“四链”融合,党的二十大")]
    assert texts == ["一", "四", "二十"]


@pytest.mark.parametrize("cn,n", [("八", 8), ("十", 10), ("十四", 14), ("二十", 20), ("一百", 100), ("百", 100),
                                  ("三百零五", 305), ("两千", 2000), ("二〇二一", 2021)])
def test_chinese_numerals_convert_to_integers(cn, n):
    assert cn_to_number(cn) == n


# ---- properties -------------------------------------------------------------------

integers = st.integers(min_value=1, max_value=99999)
units = st.sampled_from(["家", "个", "项", "名", "人", "万元", "亿元", "万个", "%"])


@given(integers, units, st.sampled_from(["exact", "余", "多", "超", "以上", "近"]))
def test_canonical_text_parses_back_to_the_same_quantity(n, unit, qualifier):
    q = parse_quantity(f"{n}{unit}")
    if qualifier in ("余", "多"):
        mult = "万" if unit.startswith("万") else "亿" if unit.startswith("亿") else ""
        q = parse_quantity(f"{n}{mult}{qualifier}{unit[len(mult):]}")
    elif qualifier in ("超", "近"):
        q = parse_quantity(f"{qualifier}{n}{unit}")
    elif qualifier == "以上":
        q = parse_quantity(f"{n}{unit}以上")
    assert parse_quantity(to_text(q)) == q


@given(integers, st.sampled_from(["余", "多"]))
def test_yu_upper_bound_is_one_step_of_the_last_stated_digits_place(n, mark):
    q = parse_quantity(f"{n}{mark}家")
    digits = str(n)
    place = 10 ** (len(digits) - len(digits.rstrip("0")))
    assert q.lower == n and q.upper == n + place
    assert q.lower < q.upper


@given(integers, st.integers(min_value=1, max_value=9))
def test_yu_on_a_decimal_steps_by_its_last_decimal_place(n, d):
    q = parse_quantity(f"{n}.{d}万余单")
    assert math.isclose(q.lower, (n + d / 10) * 1e4) and math.isclose(q.upper, (n + (d + 1) / 10) * 1e4)


@given(integers, st.sampled_from(["超", "超过", "逾"]))
def test_more_than_qualifiers_give_only_a_lower_bound(n, mark):
    q = parse_quantity(f"{mark}{n}个")
    assert q.lower == n and q.upper is None


@given(integers)
def test_nearly_gives_only_an_upper_bound(n):
    q = parse_quantity(f"近{n}亿元")
    assert q.lower is None and math.isclose(q.upper, n * 1e8)


@given(integers, integers)
def test_a_range_orders_nothing_itself_but_keeps_both_written_ends(a, b):
    q = parse_quantity(f"{a}万元至{b}万元")
    assert (q.lower, q.upper) == (a * 1e4, b * 1e4) and q.value is None


@given(integers)
def test_money_normalises_to_yuan(n):
    assert parse_quantity(f"{n}万元").value_base == n * 1e4
    assert math.isclose(parse_quantity(f"{n}亿元").value_base, n * 1e8)


# Where 余/多 sits decides the step (吕叔湘《现代汉语八百词》, 多/余): right after the numeral the
# remainder is below one step of its last digit (十多斤 = 11 to 19 斤, 30余万 = 30万 to 40万); after
# the scale word or unit it is below one of that word (三斤多 < 4斤, 10万余 < 11万). By hand:
YU_POSITION = {
    "10万余人": (100000, 110000),   # 10万 + under 1万
    "10余万人": (100000, 200000),   # 10万 + under 10万 (the step of the 1 in 10)
    "3万余人": (30000, 40000),      # 3万 + under 1万; the numeral's step is also 1万 here
    "50万多人": (500000, 510000),   # 50万 + under 1万
    "50多万人": (500000, 600000),   # 50万 + under 10万
    "20亿多元": (2e9, 2.1e9),       # 20亿 + under 1亿
    "20多亿元": (2e9, 3e9),         # 20亿 + under 10亿
    "10年多": (10, 11),             # ten years and some months
    "10多年": (10, 20),             # ten-odd years
    "1.6万余单": (16000, 17000),    # a decimal keeps the step of its last decimal place: 0.1万
}


@pytest.mark.parametrize("text,bounds", YU_POSITION.items())
def test_yu_and_duo_bound_by_where_they_sit(text, bounds):
    q = parse_quantity(text)
    assert (q.lower, q.upper) == pytest.approx(bounds)
    assert parse_quantity(to_text(q)) == q  # written back with the mark where it was
