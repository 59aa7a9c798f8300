"""Number formatting for narratives. Expected strings are worked out by hand from the
rules (scale, separators, qualifier placement), not copied from the code's output."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kczlib.analysis.formatting import (
    format_formula,
    format_interval,
    format_number,
    format_quantity,
    format_share,
    format_share_interval,
    format_value,
)
from kczlib.errors import ParameterError
from kczlib.units import PRINTED_BASE_UNITS

# --- format_number ----------------------------------------------------------------


@pytest.mark.parametrize(
    "x, lang, sig, expected",
    [
        (2700, "en", None, "2,700"),
        (16000, "en", None, "16,000"),
        (2700, "zh", None, "2700"),
        (1234567.5, "en", None, "1,234,567.5"),
        (1234567.5, "zh", None, "1234567.5"),
        (99.40, "en", None, "99.4"),
        (3.0, "zh", None, "3"),
        (0.5, "en", None, "0.5"),
        (0, "en", None, "0"),
        (-0.0, "en", None, "0"),
        (-2700, "en", None, "-2,700"),
        (7142857.14, "en", 3, "7,140,000"),
        (0.0123456, "zh", 2, "0.012"),
        (2.5, "en", 1, "3"),  # half rounds up, as a reader expects
    ],
)
def test_format_number_groups_thousands_in_english_only_and_trims_zeros(x, lang, sig, expected):
    assert format_number(x, lang, sig) == expected


def test_float_noise_is_not_printed():
    assert format_number(0.1 + 0.2, "en") == "0.3"


def test_large_numbers_are_never_printed_in_scientific_notation():
    assert format_number(1e20, "zh") == "1" + "0" * 20


# --- format_value -----------------------------------------------------------------


@pytest.mark.parametrize(
    "x, unit, lang, measure, expected",
    [
        (9.94e9, "CNY", "zh", "", "99.4亿元"),
        (1e8, "CNY", "zh", "", "1亿元"),
        (2e7, "CNY", "zh", "", "2000万元"),
        (1e4, "CNY", "zh", "", "1万元"),
        (500, "CNY", "zh", "", "500元"),
        (9.94e9, "CNY", "en", "", "CNY 9.94 bn"),
        (2e7, "CNY", "en", "", "CNY 20 m"),
        (1e6, "CNY", "en", "", "CNY 1 m"),
        (500000, "CNY", "en", "", "CNY 500,000"),
        (2700, "count", "zh", "家", "2700家"),
        (16000, "count", "zh", "家", "1.6万家"),
        (300000, "count", "zh", "", "30万"),
        (2700, "count", "en", "家", "2,700"),
        (3, "percent", "zh", "", "3%"),
        (3, "percent", "en", "", "3%"),
        (2, "rank", "zh", "", "第二名"),
        (2, "rank", "zh", "位", "第二位"),
        (1, "rank", "en", "", "1st"),
        (2, "rank", "en", "", "2nd"),
        (3, "rank", "en", "", "3rd"),
        (11, "rank", "en", "", "11th"),
        (12, "rank", "en", "", "12th"),
        (22, "rank", "en", "", "22nd"),
        (101, "rank", "en", "", "101st"),
        (113, "rank", "en", "", "113th"),
        (2, "multiplier", "zh", "", "2倍"),
        (2, "multiplier", "en", "", "2×"),
        (3, "years", "zh", "", "3年"),
        (3, "years", "en", "", "3 years"),
        (1, "years", "en", "", "1 year"),
    ],
)
def test_format_value_picks_scale_and_unit_per_language(x, unit, lang, measure, expected):
    assert format_value(x, unit, lang, measure) == expected


def test_rounding_happens_before_the_scale_is_chosen():
    # 99,995,000 at 3 digits is 1.00e8: one 亿, not "10000万"; rounded, so its three digits show.
    assert format_value(99_995_000, "CNY", "zh", sig=3) == "1.00亿元"
    assert format_value(999_600_000, "CNY", "en", sig=3) == "CNY 1.00 bn"


def test_a_rounded_value_shows_its_digits_and_an_exact_one_does_not():
    # 2 ** (1/3) - 1 = 0.259921...: 25.9921% to 3 digits is 26.0% (not 25.9%, not 26%).
    assert format_share(2 ** (1 / 3) - 1, "en") == "26.0%"
    # 40 is exact at 3 digits: no invented zeros.
    assert format_value(40, "multiplier", "en", sig=3) == "40×"
    # 2 x 99.4亿 = 198.8亿 -> 199亿 at 3 digits, in the scale's units.
    assert format_value(2 * 9.94e9, "CNY", "zh", sig=3) == "199亿元"
    assert format_value(2 * 9.94e9, "CNY", "en", sig=3) == "CNY 19.9 bn"


def test_whole_number_counts_print_in_full():
    assert format_interval(6120, 6120, "count", "en") == "6,120"
    assert format_interval(9940, 9940, "count", "zh", "个") == "9940个"


def test_a_fractional_rank_is_rejected():
    with pytest.raises(ParameterError):
        format_value(2.5, "rank", "en")


# --- format_quantity --------------------------------------------------------------


@pytest.mark.parametrize(
    "value, unit, qualifier, lower, upper, measure, zh, en",
    [
        (2700, "count", "余", 2700, None, "家", "2700余家", "2,700-plus"),
        (20, "count", "多", 20, None, "家", "20多家", "20-plus"),
        (2e10, "CNY", "多", 2e10, 3e10, "", "200多亿元", "CNY 20-plus bn"),  # 获得贷款200多亿元
        (16000, "count", "余", 16000, 17000, "单", "1.6万余单", "16,000-plus"),  # 1.6万余单
        (300000, "count", "余", 3e5, 4e5, "名", "30余万名", "300,000-plus"),  # 30余万名
        (3, "multiplier", "多", 3, 4, "", "3倍多", "more than 3×"),
        (10000, "count", "超", 10000, None, "个", "超1万个", "more than 10,000"),
        (200, "count", "超过", 200, None, "场", "超200场", "more than 200"),
        (3, "percent", "以上", 3, None, "", "3%以上", "at least 3%"),
        (1e8, "CNY", "近", None, 1e8, "", "近1亿元", "nearly CNY 100 m"),
        (3, "years", "内", None, 3, "", "3年内", "within 3 years"),
        (None, "CNY", "至", 1e6, 2e7, "", "100万元至2000万元", "CNY 1 m to CNY 20 m"),
        (25, "count", "exact", 25, 25, "家", "25家", "25"),
        (500, "count", "约", None, None, "人", "约500人", "about 500"),
    ],
)
def test_format_quantity_keeps_the_qualifier_in_both_languages(
    value, unit, qualifier, lower, upper, measure, zh, en
):
    assert format_quantity(value, unit, qualifier, lower, upper, "zh", measure) == zh
    assert format_quantity(value, unit, qualifier, lower, upper, "en", measure) == en


def test_yu_prints_after_the_number_as_the_source_writes_it():
    assert format_quantity(300, "count", "余", 300, None, "zh", "家") == "300余家"


def test_missing_value_falls_back_to_the_bound_the_qualifier_states():
    assert format_quantity(None, "count", "余", 800, None, "en") == "800-plus"
    assert format_quantity(None, "years", "内", None, 3, "zh") == "3年内"


def test_a_range_without_both_bounds_is_rejected():
    with pytest.raises(ParameterError):
        format_quantity(None, "CNY", "至", 1e6, None, "en")


def test_an_unknown_qualifier_is_rejected():
    with pytest.raises(ParameterError, match="qualifier"):
        format_quantity(5, "count", "about", None, None, "en")


# --- format_interval --------------------------------------------------------------


def test_interval_of_yuan_rounds_each_bound_conventionally_in_both_languages():
    # 2e7 / 2.8 = 7,142,857.1 = 714.29万 -> 714万 (3 digits); 2e7 / 1.8 = 11,111,111.1 = 1111.1万
    # -> 1111万: whole digits of the printed unit are never rounded away (not 1110万, not 1120万).
    lo, hi = 2e7 / 2.8, 2e7 / 1.8
    assert format_interval(lo, hi, "CNY", "zh") == "714万元至1111万元"
    assert format_interval(lo, hi, "CNY", "en") == "CNY 7.14 m to CNY 11.1 m"


def test_interval_of_counts_in_english_is_numbers_only():
    assert format_interval(7, 11, "count", "en") == "7 to 11"
    assert format_interval(7, 11, "count", "zh", "家") == "7家至11家"


def test_equal_bounds_print_one_value():
    assert format_interval(2700, 2700, "count", "zh", "家") == "2700家"
    assert format_interval(1e8, 1e8, "CNY", "en") == "CNY 100 m"


@pytest.mark.parametrize(
    "lower, upper, zh, en",
    [
        (3, None, "至少3%", "at least 3%"),
        (None, 3, "至多3%", "at most 3%"),
        (None, None, "无法确定", "cannot be determined"),
    ],
)
def test_open_intervals_say_which_side_is_known(lower, upper, zh, en):
    assert format_interval(lower, upper, "percent", "zh") == zh
    assert format_interval(lower, upper, "percent", "en") == en


def test_bounds_that_round_together_still_print_as_an_interval():
    # 2.001 and 2.004 both read 2.00 at 3 digits; a fourth digit tells them apart.
    assert format_interval(2.001, 2.004, "multiplier", "en") == "2.001× to 2.004×"
    # whole counts print in full anyway
    assert format_interval(1000, 1001, "count", "en") == "1,000 to 1,001"


def test_lower_above_upper_is_rejected():
    with pytest.raises(ParameterError):
        format_interval(5, 3, "count", "en")


# --- shares -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "x, expected", [(0.125, "12.5%"), (0.07, "7%"), (1, "100%"), (0, "0%"), (1 / 3, "33.3%")]
)
def test_share_prints_a_ratio_as_percent(x, expected):
    assert format_share(x, "en") == expected


def test_share_interval_prints_without_float_noise():
    # 0.07 * 100 in floats is 7.000000000000001, which would round up to 7.01.
    assert format_share_interval(0.07, 1 / 8, "en") == "7% to 12.5%"
    assert format_share_interval(1 / 3, None, "zh") == "至少33.3%"


def test_a_change_rate_above_one_or_below_zero_prints_and_nan_does_not():
    # ratios also carry change rates (later / earlier - 1): 1.5 is 150% more, -0.125 a fall of 12.5%
    # (a share never leaves [0, 1]: metrics.share caps it, kczlib.share refuses a part above its whole)
    assert format_share(1.5, "en") == "150%" and format_share(-0.125, "zh") == "-12.5%"
    with pytest.raises(ParameterError):
        format_share(float("nan"), "en")


# --- validation -------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: format_number(1, "fr"),
        lambda: format_value(1, "CNY", "de"),
        lambda: format_value(1, "litres", "en"),
        lambda: format_interval(1, 2, "litres", "zh"),
        lambda: format_share(0.5, "jp"),
        lambda: format_number(float("nan"), "en"),
        lambda: format_number("12", "en"),
        lambda: format_number(12, "en", sig=0),
    ],
)
def test_bad_parameters_raise_parameter_error(call):
    with pytest.raises(ParameterError):
        call()


# --- properties -------------------------------------------------------------------

positive = st.floats(min_value=1e-6, max_value=1e15, allow_nan=False, allow_infinity=False)
langs = st.sampled_from(["zh", "en"])
# Units whose printed form keeps every digit of the number (no 万/亿/m/bn scale).
plain_units = st.sampled_from(["percent", "multiplier", "years"])
quantity_qualifiers = st.sampled_from(
    ["余", "多", "逾", "超", "超过", "以上", "近", "约", "内"]
)


@given(positive)
def test_english_digits_parse_back_to_the_number(x):
    printed = format_number(x, "en")
    assert re.fullmatch(r"\d{1,3}(,\d{3})*(\.\d+)?", printed)
    assert float(printed.replace(",", "")) == pytest.approx(x, rel=1e-14)


@given(positive, st.integers(min_value=1, max_value=6))
def test_significant_digits_stay_within_half_a_unit_of_the_last_digit(x, sig):
    printed = float(format_number(x, "zh", sig))
    assert abs(printed - x) <= 0.5 * 10 ** (_exponent(x) - sig + 1) * (1 + 1e-9)


def _exponent(x: float) -> int:
    return int(f"{x:e}".split("e")[1])


@given(positive, positive, st.sampled_from(PRINTED_BASE_UNITS), langs)
def test_interval_never_prints_a_single_number_when_lower_is_below_upper(a, b, unit, lang):
    lo, hi = sorted((a, b))
    assume(hi > lo * (1 + 1e-9))  # closer bounds are one value computed two ways
    if unit == "rank":
        lo, hi = float(int(lo) + 1), float(int(hi) + 2)
    text = format_interval(lo, hi, unit, lang)
    left, sep, right = text.partition("至" if lang == "zh" else " to ")
    assert sep and left != right


@given(positive, positive, plain_units)
def test_each_printed_bound_is_within_half_a_unit_of_its_last_digit(a, b, unit):
    lo, hi = sorted((a, b))
    assume(hi > lo * (1 + 1e-9))
    text = format_interval(lo, hi, unit, "en", sig=2)
    left, _, right = text.partition(" to ")
    for printed, exact in ((left, lo), (right, hi)):
        digits = re.match(r"[\d,.]+", printed).group().replace(",", "")
        half_unit = 0.5 * 10 ** -(len(digits.partition(".")[2]))
        assert abs(float(digits) - exact) <= half_unit * (1 + 1e-9) + 1e-9 * exact


@given(positive, st.sampled_from(["CNY", "count", "percent", "years"]), quantity_qualifiers, langs)
def test_a_qualifier_always_leaves_its_marker_in_the_text(x, unit, qualifier, lang):
    text = format_quantity(x, unit, qualifier, x, x, lang)
    markers = {
        "zh": {"余": "余", "多": "多", "逾": "逾", "超": "超", "超过": "超", "以上": "以上",
               "近": "近", "约": "约", "内": "内"},
        "en": {"余": "plus" if unit in ("count", "CNY") else "more than",
               "多": "plus" if unit in ("count", "CNY") else "more than", "逾": "more than", "超": "more than",
               "超过": "more than", "以上": "at least", "近": "nearly", "约": "about",
               "内": "within"},
    }
    assert markers[lang][qualifier] in text



# --- English money at conventional precision, stated figures too (review L5) ---------------

@pytest.mark.parametrize("yuan,qualifier,text", [
    (19916.98e8, "exact", "CNY 1.99 trn"),    # 1,991.698 bn -> 1.991698 trn -> 1.99 trn
    (631.92e8, "exact", "CNY 63.2 bn"),       # 63.192 bn
    (300.92e8, "exact", "CNY 30.1 bn"),       # 30.092 bn
    (2586.8e8, "exact", "CNY 259 bn"),        # 258.68 bn: three whole digits
    (273.3e8, "exact", "CNY 27.3 bn"),        # 27.33 bn
    (99.4e8, "exact", "CNY 9.94 bn"),         # already three digits
    (1e8, "近", "nearly CNY 100 m"),
    (200e8, "多", "CNY 20-plus bn"),          # 余/多 keep their digits: the last one sets the range
    (1234.5e4, "余", "CNY 12.345-plus m"),
])
def test_english_money_prints_at_three_significant_digits_stated_or_not(yuan, qualifier, text):
    lower, upper = (None, yuan) if qualifier == "近" else (yuan, yuan if qualifier == "exact" else None)
    assert format_quantity(yuan, "CNY", qualifier, lower, upper, "en") == text


def test_chinese_money_keeps_the_stated_digits():
    assert format_quantity(19916.98e8, "CNY", "exact", 19916.98e8, 19916.98e8, "zh") == "19916.98亿元"


def test_an_english_money_range_never_rounds_into_one_number():
    # 100.1亿 and 100.4亿 are both CNY 10.0 bn at 3 digits: a fourth digit tells them apart
    assert format_quantity(None, "CNY", "至", 100.1e8, 100.4e8, "en") == "CNY 10.01 bn to CNY 10.04 bn"
    assert format_quantity(None, "CNY", "至", 1e6, 2e7, "en") == "CNY 1 m to CNY 20 m"


# --- a derivation's inputs in the unit its result prints in (review L6) ---------------------

def test_a_formula_in_yi_yuan_prints_its_inputs_as_the_result_prints():
    # 733.26亿 = CNY 73.326 bn -> 73.3; 101.34亿 = CNY 10.134 bn -> 10.1; 73.3 - 10.1 = 63.2, the printed result
    assert format_formula("733.26 - 101.34", "亿元", "en") == "CNY 73.3 bn - CNY 10.1 bn"
    assert format_formula("733.26 - 101.34", "亿元", "zh") == "733.26亿元 - 101.34亿元"
    assert format_formula("2119.2 - 2093.7757", "万人", "en") == "21,192,000 - 20,937,757"
    assert format_formula("3.52 - 0.35", "%", "en") == "3.52% - 0.35%"


@pytest.mark.parametrize(("x", "base_unit", "lang", "expected"), [
    (0.8, "percentage_point", "zh", "0.8个百分点"),
    (0.8, "percentage_point", "en", "0.8 percentage points"),
    (300000, "m2", "zh", "30万平方米"),  # 万 first, as the reader pages print counts
    (300000, "m2", "en", "300,000 m²"),
    (400, "km/h", "zh", "400公里/小时"),
    (6, "months", "en", "6 months"),
])
def test_a_value_in_a_physical_or_point_unit_prints_its_unit(x, base_unit, lang, expected):
    # the genre's texts report percentage points, floor areas and speeds (issue 23): every
    # base unit of kczlib.units prints, with the unit's name from words/numbers.toml [unit]
    assert format_value(x, base_unit, lang) == expected


def test_a_qualified_area_keeps_its_qualifier():
    # 不足300平 (under 300 m2): qualifier 内, upper 300
    assert format_quantity(None, "m2", "内", None, 300, "zh") == "300平方米内"
    assert format_quantity(None, "m2", "内", None, 300, "en") == "within 300 m²"
