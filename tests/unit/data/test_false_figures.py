"""Numbers of the genre that are not figures, and figures the parser used to misread (issue 23).

One test per kind, each on a short sentence written in the genre; the expected readings are
worked out by hand in each test's comment.
"""

import pytest

from kczlib.data.quantities import find_quantities, parse_quantity


def readings(text):
    """(text, kind) of every mention, in text order."""
    return [(m.text, m.quantity.kind) for m in find_quantities(text)]


def figures_in(text):
    return [m for m in find_quantities(text) if m.quantity.is_figure_kind]


def test_an_ordinal_of_a_series_is_no_figure():
    # 第二场: the second press conference of a series, not a rank of 2
    assert readings("市科技局召开第二场新闻发布会。") == [("第二场", "ordinal")]


def test_names_holding_a_numeral_are_no_figures():
    # 第一财经 is a broadcaster; 一级调研员 a civil-service grade
    assert readings("据第一财经报道，一级调研员出席会议。") == [("第一", "name"), ("一", "name")]


def test_page_chrome_is_no_figure():
    # a hotline number, then the page's navigation links 前一天 / 后一天
    assert readings("咨询热线：12345\n前一天 后一天\n") == [("12345", "code"), ("一", "idiom"), ("一", "idiom")]


@pytest.mark.parametrize("text,expected", [
    ("5日，市政府召开科技创新大会。", [("5", "date")]),  # a dateline's day
    ("12月4日至5日举办科技活动周。", [("12月4日", "date"), ("5", "date")]),  # the day ending a span of days
])
def test_a_day_of_the_month_is_a_date(text, expected):
    assert readings(text) == expected


def test_a_duration_in_days_stays_a_figure():
    # 30日内办结: within 30 days, an upper bound of 30
    (m,) = find_quantities("申请事项30日内办结。")
    assert (m.text, m.quantity.kind, m.quantity.qualifier, m.quantity.lower, m.quantity.upper) == \
        ("30日内", "quantity", "内", None, 30.0)


def test_idioms_are_no_figures():
    # 值得一提 "worth mentioning", 新一轮 "a new round"; 一批 "a number of" and 一体化 are masked words
    assert readings("值得一提的是，新一轮政策出台，一批企业推进一体化发展。") == [("一", "idiom"), ("一", "idiom")]


def test_a_ranking_lists_name_is_no_figure():
    # 全球百强创新集群: the name of a ranking (the GII top 100 clusters), not a count of 100
    assert readings("成功入选全球百强创新集群。") == [("百", "name")]


def test_daodao_is_the_level_reached_unless_a_word_after_qualifies_it():
    # 达到8683家: exactly 8683 (the level reached); 达到3%以上: at least 3 (以上 qualifies it)
    exact, at_least = figures_in("高新技术企业达到8683家，研发投入强度达到3%以上。")
    q = exact.quantity
    assert (exact.text, q.value_base, q.qualifier, q.lower, q.upper) == ("达到8683家", 8683.0, "exact", 8683.0, 8683.0)
    q = at_least.quantity
    assert (at_least.text, q.value_base, q.qualifier, q.lower, q.upper) == ("达到3%以上", 3.0, "以上", 3.0, None)


def test_a_physical_class_is_a_class_not_a_length():
    # 6000米级: the class of a submersible (a name), not 6 km; 千亿级: a scale class, at least 1e11
    mentions = find_quantities("研制6000米级载人潜水器，打造千亿级产业集群。")
    assert [(m.text, m.quantity.kind) for m in mentions] == [("6000", "name"), ("千亿级", "quantity")]
    q = mentions[1].quantity
    assert (q.value, q.qualifier, q.lower, q.upper) == (None, "以上", 1e11, None)


def test_a_speed_is_a_speed_not_a_distance():
    # 时速400公里: 400 km/h; 350公里/小时 written with its unit; 400公里 alone stays a distance
    (speed,) = figures_in("时速400公里高速列车下线。")
    assert (speed.text, speed.quantity.base_unit, speed.quantity.value_base) == ("时速400公里", "km/h", 400.0)
    assert parse_quantity("350公里/小时").base_unit == "km/h"
    assert parse_quantity("400公里").base_unit == "km"


def test_ranks_written_without_di_beside_ranks():
    # 排名5: fifth place; 居全省前3: within the first three (upper bound 3); 第十: tenth
    got = [(m.text, m.quantity.kind, m.quantity.qualifier, m.quantity.lower, m.quantity.upper)
           for m in find_quantities("创新指数排名5，居全省前3，位列全国第十。")]
    assert got == [("排名5", "rank", "exact", 5.0, 5.0), ("居全省前3", "rank", "内", None, 3.0),
                   ("第十", "rank", "exact", 10.0, 10.0)]
    # the evidence alone reads the same (a curated row's evidence is the mention's text)
    assert parse_quantity("居全省前3").kind == "rank"
    # a count after a place stays a count: 全省3家 is three firms
    assert readings("全省3家企业获奖。") == [("3家", "quantity")]


def test_page_chrome_of_a_document_site_is_no_figure():
    # an upload date written 2024-05-20, a view counter 999+, a page count 12 页
    assert readings("2024-05-20\n999+\n12 页\n") == [("2024-05-20", "date"), ("999", "code"), ("12", "code")]


def test_a_section_marker_in_digits_is_no_figure():
    # 1、 opens a section as 一、 does
    assert readings("1、全力建设高能级创新平台\n") == [("1", "list_marker")]


def test_a_set_phrase_of_time_is_no_figure():
    # 今后一个时期: "the period ahead", no count of one
    assert readings("作为当前和今后一个时期的首要任务。") == [("一", "idiom")]


def test_a_line_break_between_number_and_unit_is_read_through():
    # 823.57⏎亿元, as PDF text extraction wraps a line: 8.2357e10 yuan
    (m,) = figures_in("技术合同成交额为 823.57\n亿元。")
    assert (m.text, m.quantity.value_base, m.quantity.base_unit) == ("823.57\n亿元", 8.2357e10, "CNY")


def test_a_qualifier_before_fenbie_applies_to_each_number_it_lists():
    # 分别超过90家和870家: more than 90 and more than 870 (lower bounds only)
    got = [(m.text, m.quantity.qualifier, m.quantity.lower, m.quantity.upper)
           for m in figures_in("高新技术企业和科技型企业分别超过90家和870家。")]
    assert got == [("超过90家", "超过", 90.0, None), ("870家", "超过", 870.0, None)]
