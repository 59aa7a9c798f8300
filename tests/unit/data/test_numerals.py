"""Chinese numerals, read and written: one home for both directions (kczlib.data.numerals)."""

import pytest

from kczlib.data.numerals import cn_to_number, number_to_cn
from kczlib.errors import QuantityParseError


@pytest.mark.parametrize(("n", "written"), [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (99, "九十九"),
                                             (100, "一百"), (105, "一百零五"), (110, "一百一十"), (999, "九百九十九")])
def test_numbers_are_written_as_chinese_writes_them(n, written):
    assert number_to_cn(n) == written
    assert cn_to_number(written) == n


def test_writing_and_reading_agree_from_one_to_nine_hundred_ninety_nine():
    assert [cn_to_number(number_to_cn(n)) for n in range(1, 1000)] == list(range(1, 1000))


def test_a_year_written_digit_by_digit_is_read_as_one_number():
    assert cn_to_number("二〇二一") == 2021


def test_text_that_is_not_a_numeral_is_refused():
    with pytest.raises(QuantityParseError, match="not a Chinese numeral"):
        cn_to_number("三是")
