"""The forms of the genre (government work reports, bureau reports) the parser must read.

Every expected reading is worked out by hand from the text: (value, unit, value_base,
base_unit, qualifier, lower, upper). None means "not stated".
"""

import math

import pytest

from kczlib.data.quantities import find_quantities, parse_quantity
from kczlib.errors import QuantityParseError


def _tuple(q):
    return (q.value, q.unit or None, q.value_base, q.base_unit, q.qualifier, q.lower, q.upper)


def _same(got, expected):
    for g, e in zip(got, expected, strict=True):
        if isinstance(e, float) or isinstance(g, float):
            if g is None or e is None or not math.isclose(g, e, rel_tol=1e-12):
                return False
        elif g != e:
            return False
    return True


def check(text, expected):
    got = _tuple(parse_quantity(text))
    assert _same(got, expected), got


FULL_WIDTH = {
    "12.5％": (12.5, "%", 12.5, "percent", "exact", 12.5, 12.5),
    "20.2％": (20.2, "%", 20.2, "percent", "exact", 20.2, 20.2),  # was read as the year 20.2
    "３～５年": (None, "年", None, "years", "至", 3.0, 5.0),
    "3～5年": (None, "年", None, "years", "至", 3.0, 5.0),
    "10－20家": (None, "家", None, "count", "至", 10.0, 20.0),
    "１２３家": (123.0, "家", 123.0, "count", "exact", 123.0, 123.0),
    "超２７００家": (2700.0, "家", 2700.0, "count", "超", 2700.0, None),
    "5~8亿元": (None, "亿元", None, "CNY", "至", 5e8, 8e8),
}
SPACED = {
    "367.1 亿元": (367.1, "亿元", 3.671e10, "CNY", "exact", 3.671e10, 3.671e10),
    "1.6 万亿元": (1.6, "万亿元", 1.6e12, "CNY", "exact", 1.6e12, 1.6e12),
    "25 家": (25.0, "家", 25.0, "count", "exact", 25.0, 25.0),
    "3.5 %": (3.5, "%", 3.5, "percent", "exact", 3.5, 3.5),
    "200 多亿元": (200.0, "亿元", 2e10, "CNY", "多", 2e10, 3e10),
}
PERCENTAGE_POINTS = {
    "0.3个百分点": (0.3, "个百分点", 0.3, "percentage_point", "exact", 0.3, 0.3),
    "两个百分点": (2.0, "个百分点", 2.0, "percentage_point", "exact", 2.0, 2.0),
    "1.5百分点": (1.5, "百分点", 1.5, "percentage_point", "exact", 1.5, 1.5),
    "超1个百分点": (1.0, "个百分点", 1.0, "percentage_point", "超", 1.0, None),
}
PHYSICAL = {
    "500万千瓦": (500.0, "万千瓦", 5e6, "kW", "exact", 5e6, 5e6),
    "12亿千瓦时": (12.0, "亿千瓦时", 1.2e9, "kWh", "exact", 1.2e9, 1.2e9),
    "80万吨": (80.0, "万吨", 8e8, "kg", "exact", 8e8, 8e8),  # 1 吨 = 1000 kg
    "300公里": (300.0, "公里", 300.0, "km", "exact", 300.0, 300.0),
    "1.2万辆": (1.2, "万辆", 12000.0, "count", "exact", 12000.0, 12000.0),
    "50兆瓦": (50.0, "兆瓦", 50000.0, "kW", "exact", 50000.0, 50000.0),
    "2.5平方公里": (2.5, "平方公里", 2.5, "km2", "exact", 2.5, 2.5),
    "1000亩": (1000.0, "亩", 1000.0, "mu", "exact", 1000.0, 1000.0),
    "2000余场次": (2000.0, "场次", 2000.0, "count", "余", 2000.0, 3000.0),
}
QUALIFIERS = {
    "800亿斤以上": (800.0, "亿斤", 4e10, "kg", "以上", 4e10, None),  # 1 斤 = 0.5 kg
    "突破1000亿元": (1000.0, "亿元", 1e11, "CNY", "超", 1e11, None),
    "突破万亿元": (1.0, "万亿元", 1e12, "CNY", "超", 1e12, None),
    "达到50家": (50.0, "家", 50.0, "count", "exact", 50.0, 50.0),  # reached: the level attained, exact
    "达到3%以上": (3.0, "%", 3.0, "percent", "以上", 3.0, None),
    "超过5000家": (5000.0, "家", 5000.0, "count", "超过", 5000.0, None),
    "不少于30%": (30.0, "%", 30.0, "percent", "以上", 30.0, None),
    "不低于2.5%": (2.5, "%", 2.5, "percent", "以上", 2.5, None),
    "不超过3年": (3.0, "年", 3.0, "years", "内", None, 3.0),
    "5年以内": (5.0, "年", 5.0, "years", "内", None, 5.0),
    "100人以下": (100.0, "人", 100.0, "count", "内", None, 100.0),
    "至少2700家": (2700.0, "家", 2700.0, "count", "以上", 2700.0, None),
    "至多3年": (3.0, "年", 3.0, "years", "内", None, 3.0),
    "50个左右": (50.0, "个", 50.0, "count", "约", None, None),
    "达到2.4%左右": (2.4, "%", 2.4, "percent", "约", None, None),  # 达到 yields to the word after
}
MULTIPLES = {
    "3倍": (3.0, "倍", 3.0, "multiplier", "exact", 3.0, 3.0),
    "翻番": (1.0, "番", 2.0, "multiplier", "exact", 2.0, 2.0),
    "翻了一番": (1.0, "番", 2.0, "multiplier", "exact", 2.0, 2.0),
    "3倍多": (3.0, "倍", 3.0, "multiplier", "多", 3.0, 4.0),
}
FRACTIONS = {
    "三分之一": (1 / 3, "分之", 100 / 3, "percent", "exact", 100 / 3, 100 / 3),
    "1/4": (0.25, "/", 25.0, "percent", "exact", 25.0, 25.0),
    "百分之十五": (0.15, "分之", 15.0, "percent", "exact", 15.0, 15.0),
    "千分之三": (0.003, "分之", 0.3, "percent", "exact", 0.3, 0.3),
    "近三分之一": (1 / 3, "分之", 100 / 3, "percent", "近", None, 100 / 3),
    "超过四分之三": (0.75, "分之", 75.0, "percent", "超过", 75.0, None),
}
SCALE_AND_VAGUE = {
    "万亿元": (None, "万亿元", None, "CNY", "以上", 1e12, None),
    "千亿级": (None, "亿级", None, "count", "以上", 1e11, None),
    "百亿元级": (None, "亿元级", None, "CNY", "以上", 1e10, None),
    "数十家": (None, "家", None, "count", "至", 20.0, 100.0),
    "几百个": (None, "个", None, "count", "至", 200.0, 1000.0),
    "数十万人": (None, "万人", None, "count", "至", 2e5, 1e6),
    "十几个": (None, "个", None, "count", "至", 11.0, 19.0),
    "二十几家": (None, "家", None, "count", "至", 21.0, 29.0),
    "十几万人": (None, "万人", None, "count", "至", 110000.0, 190000.0),
    "上百个": (100.0, "个", 100.0, "count", "以上", 100.0, None),
    "上千家": (1000.0, "家", 1000.0, "count", "以上", 1000.0, None),
    "上万人": (10000.0, "人", 10000.0, "count", "以上", 10000.0, None),
}
KINDS = {"full_width": FULL_WIDTH, "spaced": SPACED, "percentage_points": PERCENTAGE_POINTS, "physical": PHYSICAL,
         "qualifiers": QUALIFIERS, "multiples": MULTIPLES, "fractions": FRACTIONS, "scale_and_vague": SCALE_AND_VAGUE}


@pytest.mark.parametrize("text,expected", [(t, e) for kind in KINDS.values() for t, e in kind.items()],
                         ids=[f"{k}:{t}" for k, kind in KINDS.items() for t in kind])
def test_form_reads_as_worked_out_by_hand(text, expected):
    check(text, expected)


# ---- in running text --------------------------------------------------------------------

def test_full_width_percent_in_a_sentence_is_a_percentage_not_a_count():
    [m] = find_quantities("全市研发投入增长12.5％。")
    assert (m.text, m.quantity.base_unit, m.quantity.value_base) == ("12.5％", "percent", 12.5)


def test_pdf_spacing_keeps_a_date_whole():
    [m] = find_quantities("2023 年10 月，全市召开大会")
    assert (m.text, m.quantity.kind) == ("2023 年10 月", "date")


def test_percentage_points_are_not_a_figure_of_one_hundred():
    found = find_quantities("占比提高0.3个百分点")
    assert [(m.text, m.quantity.base_unit) for m in found] == [("0.3个百分点", "percentage_point")]


@pytest.mark.parametrize("text,mention", [("装机容量500万千瓦", "500万千瓦"), ("发电12亿千瓦时", "12亿千瓦时"),
                                          ("三千瓦", "三千瓦"), ("每千瓦时电价0.5元", "0.5元"),
                                          ("千兆光网覆盖12万户", "12万户"), ("5 千米", "5 千米")])
def test_the_qian_of_a_unit_is_no_separate_figure(text, mention):
    assert [m.text for m in find_quantities(text)] == [mention]


def test_three_thousand_watts_is_three_kilowatts():
    q = parse_quantity("三千瓦")
    assert (q.value_base, q.base_unit) == (3.0, "kW")


def test_exceeded_with_a_bare_scale_word_in_a_sentence():
    [m] = find_quantities("全年营收突破万亿元")
    assert (m.text, m.quantity.lower, m.quantity.upper) == ("突破万亿元", 1e12, None)


@pytest.mark.parametrize("text,base", [("比上年增长3倍", 4.0), ("增加了2倍", 3.0), ("提高1.5倍", 2.5),
                                       ("是去年的3倍", 3.0), ("相当于全省的2倍", 2.0)])
def test_growth_by_n_times_is_n_plus_one_times_the_base(text, base):
    [m] = find_quantities(text)
    assert (m.quantity.value_base, m.quantity.base_unit) == (base, "multiplier")


def test_growth_by_more_than_n_times_bounds_the_new_multiple():
    [m] = find_quantities("增长超3倍")
    assert (m.quantity.lower, m.quantity.upper) == (4.0, None)


def test_fanfan_without_a_numeral_is_one_doubling():
    assert [m.text for m in find_quantities("力争5年实现翻番")] == ["5年", "翻番"]
    assert parse_quantity("翻番") == parse_quantity("翻一番")


def test_attributive_fanfan_names_the_idea_and_states_no_figure():
    assert find_quantities("财政科技投入翻番的最低路径") == []


def test_range_ends_need_the_same_base_unit():
    with pytest.raises(QuantityParseError, match="different units"):
        parse_quantity("3家至5年")


def test_rank_ranges_are_ranges_of_ranks():
    q = parse_quantity("第2名至第3名")
    assert (q.kind, q.qualifier, q.lower, q.upper) == ("rank", "至", 2.0, 3.0)


def test_contradicting_qualifiers_are_refused():
    with pytest.raises(QuantityParseError, match="different bounds"):
        parse_quantity("不超过3年以上")


def test_an_unreadable_phrase_is_a_mention_that_says_why_and_hides_nothing_else():
    found = find_quantities("不超过3年以上,建成12家")
    assert [(m.text, m.quantity.kind) for m in found] == [("不超过3年以上", "unreadable"), ("12家", "quantity")]
    assert "different bounds" in found[0].quantity.note and not found[0].quantity.is_known_non_figure


def test_a_range_of_two_units_is_two_mentions_in_running_text():
    assert [m.text for m in find_quantities("3家至5年")] == ["3家", "5年"]


@pytest.mark.parametrize("text,mention", [("1—9月，全市", "1—9月"), ("10月", "10月"), ("9月份", "9月份"),
                                          ("12月29日", "12月29日"), ("前三季度", "前三季度"), ("第一季度", "第一季度"),
                                          ("一季度", "一季度")])
def test_months_and_quarters_are_dates(text, mention):
    [m] = find_quantities(text)
    assert (m.text, m.quantity.kind, m.quantity.is_figure_kind) == (mention, "date", False)


def test_a_number_of_months_is_a_duration():
    q = parse_quantity("18个月")
    assert (q.value_base, q.base_unit, q.lower, q.upper) == (18.0, "months", 18.0, 18.0)


def test_a_year_range_is_two_dates_not_a_quantity():
    assert [m.quantity.kind for m in find_quantities("2021-2023年")] == ["date", "date"]


# ---- names, slogans and markers are mentions of non-figure kinds -----------------------

NAMES = [
    ("“十四五”时期", "十四五", "name"),
    ("学习贯彻党的二十大精神", "二十", "name"),
    ("地铁15号线开通", "15", "name"),
    ("生物城二期建成", "二", "ordinal"),
    ("G60科创走廊", "60", "code"),
    ("建成5G基站", "5", "code"),
    ("人才新政3.0版", "3.0版", "version"),
    ("党的二十届三中全会", "三", "name"),
    ("市委十四届二次全会", "十四届", "name"),
    ("打造“一带一路”枢纽", "一", "idiom"),
    ("成为试点城市之一", "一", "idiom"),
    ("推动“四链”融合", "四", "name"),
    ("一、总体情况", "一", "list_marker"),
    ("（二）主要做法", "二", "list_marker"),
    ("。三是加强人才", "三", "list_marker"),
    ("。（二）推进前沿领域", "二", "list_marker"),
    ("第三代半导体", "第三代", "ordinal"),
    ("千兆光网、6G等", "6", "code"),
    ("世界500强企业", "500", "name"),
    ("评选出一等奖3名", "一", "name"),
    ("坚持“一核两翼三带”格局", "两", "name"),
    ("实施“三个一批”行动", "三", "name"),
    ("全国百强县", "百", "name"),
]


@pytest.mark.parametrize("text,mention,kind", NAMES, ids=[t for t, _, _ in NAMES])
def test_names_and_slogans_are_recognised_as_non_figures(text, mention, kind):
    found = [m for m in find_quantities(text) if m.text == mention]
    assert found, [m.text for m in find_quantities(text)]
    q = found[0].quantity
    assert (q.kind, q.is_figure_kind) == (kind, False) and q.note


def test_a_quoted_rank_is_still_a_rank():
    [m] = find_quantities("被誉为中国双创“第四城”")
    assert (m.text, m.quantity.kind, m.quantity.value_base) == ("第四城", "rank", 4.0)


def test_a_plain_count_beside_a_name_is_still_a_figure():
    found = find_quantities("地铁15号线新增12座车站")
    assert [(m.text, m.quantity.is_figure_kind) for m in found] == [("15", False), ("12座", True)]


def test_training_sessions_are_counted_not_phases():
    [m] = find_quantities("举办3期培训班")
    assert (m.text, m.quantity.kind, m.quantity.value_base) == ("3期", "quantity", 3.0)


@pytest.mark.parametrize("text", ["一些企业", "一系列举措", "下一步工作", "建设一批重大项目", "一大批人才",
                                  "社会消费品零售总额", "汽车零部件", "一流大学", "千方百计", "统筹推进“三农”工作"])
def test_everyday_words_with_numerals_are_no_mentions(text):
    assert find_quantities(text) == []


def test_every_base_unit_the_parser_produces_is_allowed_in_the_figures_table():
    from kczlib.data.schema import get_schema
    from kczlib.units import UNITS

    enum = next(f for f in get_schema("figures")["fields"] if f["name"] == "base_unit")["constraints"]["enum"]
    produced = {base for _, base in UNITS.values()} | {"count", "rank"}
    assert produced == set(enum)


def test_seats_count_the_places_a_city_holds_in_a_ranking():
    # fuzhou_2025: "全省10家优秀等级服务站中,福州占据5席": 5 of the province's seats, a count
    check("5席", (5.0, "席", 5.0, "count", "exact", 5.0, 5.0))
    assert [m.text for m in find_quantities("全省10家优秀等级服务站中，福州占据5席；")] == ["10家", "5席"]
    assert find_quantities("市长出席会议，主席致辞") == []  # 席 after no number is no count
