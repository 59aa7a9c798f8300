"""What `kczlib.analysis.formatting` prints, in either language, parses back to the same
value and bounds (property tests; the readings are the rule table's)."""

import math
import re
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kczlib.analysis import formatting
from kczlib.data import quantities

from support.english_quantities import parse_english


def parse_quantity(text: str) -> quantities.Quantity:
    """Chinese through the parser, English (Latin letters, ×, digit groups) through the test reader."""
    if re.search(r"[A-Za-z×,]", text) and not re.search(r"[\u4e00-\u9fff]", text):
        return parse_english(text)
    return quantities.parse_quantity(text)

LANGS = st.sampled_from(["zh", "en"])
# Positive values with up to six significant digits, from 0.001 to about 1e14.
VALUES = st.builds(lambda n, e: float(Decimal(n).scaleb(e)), st.integers(1, 999999), st.integers(-3, 8))
# Years below 1900: a count of 2023 years would print as 2023年, which reads as a date.
# (ends of year ranges stay below 1900 too: see years_width)
UNIT_VALUES = st.one_of(
    st.tuples(st.sampled_from(["CNY", "count", "percent", "multiplier"]), VALUES),
    st.tuples(st.just("years"), st.integers(1, 1000).map(float)),
)
MEASURE = "家"  # Chinese counts carry their measure word, as the reports print them
LOWER_ONLY = ("逾", "超", "超过", "以上")
UPPER_ONLY = ("近", "内")


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    # formatting prints bounds within 1e-12 (relative) of each other as one number
    return math.isclose(a, b, rel_tol=1e-11)


def rounded_money(base_unit, lang):
    """English money prints at 3 significant digits, stated figures too (formatting.EN_MONEY_SIG):
    it reads back within half a unit of its last digit, at most 0.5% of the value."""
    return base_unit == "CNY" and lang == "en"


def near(a, b, base_unit, lang):
    if rounded_money(base_unit, lang) and a is not None and b is not None:
        return math.isclose(a, b, rel_tol=5e-3)
    return close(a, b)


def years_width(width):
    return float(int(width) % 500 + 1)


def stated(v, qualifier):
    """(value_base, lower, upper) of a stated figure, by the rule table."""
    if qualifier == "exact":
        return v, v, v
    if qualifier in LOWER_ONLY:
        return v, v, None
    if qualifier in UPPER_ONLY:
        return v, None, v
    return v, None, None  # 约


@given(UNIT_VALUES, st.sampled_from(["exact", *LOWER_ONLY, *UPPER_ONLY, "约"]), LANGS)
def test_a_stated_figure_reads_back_with_its_value_and_bounds(unit_value, qualifier, lang):
    base_unit, v = unit_value
    value_base, lower, upper = stated(v, qualifier)
    text = formatting.format_quantity(value_base, base_unit, qualifier, lower, upper, lang, measure=MEASURE)
    q = parse_quantity(text)
    assert (near(q.value_base, value_base, base_unit, lang), near(q.lower, lower, base_unit, lang),
            near(q.upper, upper, base_unit, lang)) == (True, True, True), text


@given(UNIT_VALUES, VALUES, LANGS)
def test_a_stated_range_reads_back_with_both_ends(unit_value, width, lang):
    base_unit, lo = unit_value
    hi = lo + (width if base_unit != "years" else years_width(width))
    text = formatting.format_quantity(None, base_unit, "至", lo, hi, lang, measure=MEASURE)
    q = parse_quantity(text)
    ends = (near(q.lower, lo, base_unit, lang), near(q.upper, hi, base_unit, lang))
    assert (q.value_base, *ends) == (None, True, True), text


@given(st.integers(1, 500), st.integers(0, 50), LANGS)
def test_ranks_and_rank_intervals_read_back(rank, gap, lang):
    assert parse_quantity(formatting.format_value(rank, "rank", lang)).value_base == rank
    q = parse_quantity(formatting.format_interval(rank, rank + gap, "rank", lang, sig=15))
    assert (q.lower, q.upper) == (rank, rank + gap)


@given(UNIT_VALUES, st.one_of(st.none(), VALUES), st.booleans(), LANGS)
def test_a_derived_interval_reads_back_with_its_bounds(unit_value, width, lower_known, lang):
    base_unit, lo = unit_value
    if base_unit == "years" and width is not None:
        width = years_width(width)
    hi = None if width is None else lo + width
    if not lower_known:
        lo, hi = None, (hi if hi is not None else lo)
    # sig=15 keeps every digit: rounding outwards is formatting's business, not the parser's
    text = formatting.format_interval(lo, hi, base_unit, lang, measure=MEASURE, sig=15)
    q = parse_quantity(text)
    assert (close(q.lower, lo), close(q.upper, hi)) == (True, True), text


@given(st.integers(1, 99999), st.sampled_from(["余", "多"]), LANGS)
def test_yu_and_duo_print_as_the_source_writes_them_and_read_back_as_the_same_range(n, mark, lang):
    # 2700余家 prints as 2700余家 / 2,700-plus and reads back as 2700-2800: the next step
    # of the last non-zero digit (1234余 -> 1234-1235, 1200余 -> 1200-1300)
    text = formatting.format_quantity(n, "count", mark, n, None, lang, measure=MEASURE)
    q = parse_quantity(text)
    digits = str(n).rstrip("0")
    step = 10 ** (len(str(n)) - len(digits))
    assert (q.value_base, q.lower, q.upper) == (n, n, n + step), text
