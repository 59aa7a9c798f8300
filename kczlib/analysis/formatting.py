"""Numbers for narratives, in Chinese and English.

Inputs are in base units (yuan, counts, percent points, ranks, multipliers, years);
this module picks the display scale (万/亿, m/bn), the qualifier wording and the
rounding. Arithmetic is done in `Decimal` so that scaling by 10^4 or 10^8 never
turns 99.4 into 99.39999999999999.

Stated figures keep their qualifier (`format_quantity`) and print as stated; derived
figures known only as an interval stay intervals (`format_interval`).

Precision policy (one rule for text, tables and chart labels): a derived value prints
at 3 significant digits (`sig`), rounded conventionally (half up), so every printed
number is within half a unit of its last printed digit of the exact value; a rounded
value shows all its digits (25.99% -> 26.0%), a value that is exact at fewer digits
prints exactly (40×, not 40.0×); whole-number counts print in full. Each bound of an
interval is rounded the same way (never outwards: "at least"/"at most" are words, not
rounding); where two bounds would print alike, digits are added until they differ.

English money prints at conventional precision everywhere, stated figures included
(`EN_MONEY_SIG` significant digits, never fewer than the whole digits of its scale):
19916.98亿元 reads "CNY 1.99 trn", 631.92亿元 "CNY 63.2 bn", 300.92亿元 "CNY 30.1 bn"
(review of the reader pages, L5). A translation states the size; the exact figure stays in
the Chinese page and the ledger. 余/多 figures keep their digits, since their range depends on
the last one (2700余 is 2700-2800).
"""

from __future__ import annotations

import math
import numbers
import re
from decimal import ROUND_HALF_UP, Context, Decimal

from kczlib.contract import LANGS
from kczlib.data.numerals import number_to_cn
from kczlib.errors import ParameterError
from kczlib.units import BASE_UNITS, PRINTED_BASE_UNITS, unit_base
from kczlib.words import word

# Floats carry at most ~15 meaningful decimal digits; anything past that is binary
# noise (0.1 + 0.2 == 0.30000000000000004) and is never worth printing.
_NOISE_DIGITS = 15
# Bounds closer than this (relative) are the same number computed two ways.
_SAME_DIGITS = 12

# The qualifier as written in the source -> how it reads. Placement matters in
# Chinese: 逾/超/近/约 go before the number, 以上/内 after it.
_ZH_PREFIX = {"逾": "逾", "超": "超", "超过": "超", "近": "近", "约": "约"}
_ZH_SUFFIX = {"以上": "以上", "内": "内"}
_EN_PREFIX = {
    "余": "more than ", "多": "more than ", "逾": "more than ", "超": "more than ",  # 余/多: see _RANGE_QUALIFIERS
    "超过": "more than ", "以上": "at least ", "近": "nearly ", "约": "about ",
    "内": "within ",
}
# Which bound stands in for a missing point value: "more than X" states a lower
# bound, "nearly X" / "within X" an upper one.
_UPPER_QUALIFIERS = {"近", "内"}
# 余/多 state a range (2700余家: 2700-2800) and print as the source writes them: after the
# digits of a whole number (2700余家, 200多亿元, 30余万名), after the scale word of a
# decimal one (1.6万余单), after the unit otherwise (3倍多, 1年多); in English as
# "2,700-plus", "CNY 20-plus bn" (read back by the round-trip test, tests/support/english_quantities.py).
_RANGE_QUALIFIERS = ("余", "多")
_LEADING_NUMBER = re.compile(r"^(?P<pre>CNY )?(?P<num>\d[\d,]*(?P<dec>\.\d+)?)(?P<scale>[万亿])?")
QUALIFIERS = ("exact", "至", *_EN_PREFIX)

# Display scales, largest first: (factor, name printed after the scaled digits).
Scales = tuple[tuple[Decimal, str], ...]
_ZH_SCALES: Scales = ((Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万"))
_EN_CNY_SCALES: Scales = ((Decimal(10) ** 12, " trn"), (Decimal(10) ** 9, " bn"), (Decimal(10) ** 6, " m"))
# Significant digits of English money, stated or derived (L5: "CNY 1,991.698 bn" is false precision).
EN_MONEY_SIG = 3


# --- validation -------------------------------------------------------------------

def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ParameterError("lang", f"unknown language {lang!r}", ", ".join(LANGS))


def _check_unit(base_unit: str) -> None:
    if base_unit not in BASE_UNITS:
        raise ParameterError("base_unit", f"unknown unit {base_unit!r}", ", ".join(BASE_UNITS))


def _check_sig(sig: int | None) -> None:
    if sig is not None and (isinstance(sig, bool) or not isinstance(sig, int) or sig < 1):
        raise ParameterError("sig", f"must be a positive integer, got {sig!r}")


def _decimal(x: float, name: str = "x") -> Decimal:
    """`x` as the Decimal of its shortest repr, without float noise."""
    if isinstance(x, bool) or not isinstance(x, (numbers.Real, Decimal)):
        raise ParameterError(name, f"must be a number, got {x!r}")
    if not math.isfinite(x):
        raise ParameterError(name, f"must be finite, got {x!r}")
    if isinstance(x, Decimal):
        d = x
    elif isinstance(x, numbers.Integral):
        d = Decimal(int(x))
    else:
        d = Decimal(repr(float(x)))  # numpy floats too
    return _denoise(d, _NOISE_DIGITS)


def _denoise(d: Decimal, digits: int) -> Decimal:
    """`d` without the binary noise past `digits` significant digits, zeros dropped."""
    d = Context(prec=digits, rounding=ROUND_HALF_UP).plus(d).normalize()
    return Decimal(0) if d == 0 else d


# --- rounding ---------------------------------------------------------------------

def _round(d: Decimal, sig: int | None) -> Decimal:
    """`d` to `sig` significant digits, half up (None: unchanged).

    A value that rounding changed keeps its trailing zeros (26.0: three digits stated);
    one it left unchanged drops them (40, not 40.0), as does an unrounded value.
    """
    if sig is not None:
        r = Context(prec=sig, rounding=ROUND_HALF_UP).plus(d)
        if r != d:
            return r
    d = d.normalize()
    return Decimal(0) if d == 0 else d  # no "-0"


def _digits(d: Decimal, lang: str) -> str:
    # Only English groups thousands: Chinese writes 2700 and 99.4亿.
    return format(d, ",f" if lang == "en" else "f")


def format_number(x: float, lang: str, sig: int | None = None) -> str:
    """`x` with thousands separators in English, none in Chinese, no trailing zeros.

    `sig` rounds to significant digits, for derived values.

    >>> format_number(16000, "en"), format_number(16000, "zh"), format_number(99.40, "en")
    ('16,000', '16000', '99.4')
    """
    _check_lang(lang)
    _check_sig(sig)
    return _digits(_round(_decimal(x), sig), lang)


# --- one value with its unit ------------------------------------------------------

def _scaled(d: Decimal, scales: Scales, lang: str) -> str:
    """`d` in the largest scale it reaches, e.g. 9.94e9 -> '99.4亿'."""
    for factor, name in scales:
        if abs(d) >= factor:
            # Decimal division keeps the stated digits: 2.60E+9 / 1E+8 is 26.0, not 26
            return _digits(d.scaleb(-factor.adjusted()), lang) + name
    return _digits(d, lang)


def _ordinal(n: int) -> str:
    # 11th-13th are the exceptions to 1st/2nd/3rd, including 111th-113th.
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _rank(d: Decimal, lang: str, measure: str) -> str:
    if d != d.to_integral_value() or d < 1:
        raise ParameterError("x", f"a rank must be a whole number from 1, got {d}")
    if lang == "en":
        return _ordinal(int(d))
    return f"第{number_to_cn(int(d))}{measure or '名'}"


def _rank_within(d: Decimal, lang: str, measure: str) -> str:
    """A place within the first `d` (全国前十): words `numbers.rank.within`, the number as a rank's."""
    if d != d.to_integral_value() or d < 1:
        raise ParameterError("x", f"a rank must be a whole number from 1, got {d}")
    n = number_to_cn(int(d)) if lang == "zh" else _digits(d, lang)
    return word("numbers", "rank.within", lang).format(n=n, measure=measure or word("numbers", "rank.measure", lang))


def _value(d: Decimal, base_unit: str, lang: str, measure: str) -> str:
    """A rounded Decimal with its unit; the public functions validate and round."""
    zh = lang == "zh"
    if base_unit == "CNY":
        if zh:
            return _scaled(d, _ZH_SCALES, lang) + "元"
        return "CNY " + _scaled(d, _EN_CNY_SCALES, lang)
    if base_unit == "count":
        # The English noun comes from the sentence template, so only the number.
        return _scaled(d, _ZH_SCALES, lang) + measure if zh else _digits(d, lang)
    if base_unit == "percent":
        return _digits(d, lang) + "%"
    if base_unit == "rank":
        return _rank(d, lang, measure)
    if base_unit == "multiplier":
        return _digits(d, lang) + ("倍" if zh else "×")
    if base_unit not in PRINTED_BASE_UNITS:  # percentage points, USD, months, physical units
        number = _scaled(d, _ZH_SCALES, lang) if zh else _digits(d, lang)
        return number + word("numbers", f"unit.{base_unit}", lang)
    # years
    if zh:
        return _digits(d, lang) + "年"
    return f"{_digits(d, lang)} year" + ("" if d == 1 else "s")


def format_value(
    x: float, base_unit: str, lang: str, measure: str = "", sig: int | None = None
) -> str:
    """One point value with its unit: 99.4亿元 / CNY 9.94 bn, 2700家 / 2,700, 第2名 / 2nd.

    `measure` is the Chinese measure word for counts (家, 个, 人) and replaces 名
    after a rank; English ignores it.
    """
    _check_lang(lang)
    _check_unit(base_unit)
    _check_sig(sig)
    sig = _money_sig(sig, base_unit, lang)
    # Round before choosing the scale, so 99,995,000 at 3 digits reads 1.00亿, not 10000万.
    return _value(_policy(_decimal(x), base_unit, sig, lang), base_unit, lang, measure)


def _money_sig(sig: int | None, base_unit: str, lang: str) -> int | None:
    """`sig`, or `EN_MONEY_SIG` for English money given none (see the module docstring)."""
    return EN_MONEY_SIG if sig is None and base_unit == "CNY" and lang == "en" else sig


# --- stated figures with their qualifier ------------------------------------------

def format_quantity(
    value_base: float | None,
    base_unit: str,
    qualifier: str,
    lower: float | None,
    upper: float | None,
    lang: str,
    measure: str = "",
    sig: int | None = None,
) -> str:
    """A figure as stated in the source, its qualifier never dropped.

    zh: 2700余家, 超1万个, 3%以上, 近1亿元, 3年内, 100万元至2000万元.
    en: 2,700-plus, more than 10,000, at least 3%, nearly CNY 100 m, within 3 years, CNY 1 m to CNY 20 m.
    Without `value_base` the stated bound stands in (lower for "more than", upper
    for "nearly"/"within").
    """
    _check_lang(lang)
    _check_unit(base_unit)
    if qualifier not in QUALIFIERS:
        raise ParameterError("qualifier", f"unknown qualifier {qualifier!r}", ", ".join(QUALIFIERS))

    digits = _money_sig(sig, base_unit, lang)
    if sig is None and qualifier in _RANGE_QUALIFIERS:
        digits = None if digits is None else _NOISE_DIGITS  # the last digit sets the range: keep every one

    def show(x: float | None, name: str) -> str:
        if x is None:
            raise ParameterError(name, f"qualifier {qualifier!r} needs a {name}")
        return format_value(x, base_unit, lang, measure, digits)

    if qualifier == "至":
        if lower is None or upper is None:
            name = "lower" if lower is None else "upper"
            raise ParameterError(name, f"qualifier {qualifier!r} needs a {name}")
        return _stated_range(lower, upper, base_unit, lang, measure, digits)
    if value_base is None:
        value_base = upper if qualifier in _UPPER_QUALIFIERS else lower
    text = show(value_base, "value_base")
    if qualifier == "exact":
        return text
    if qualifier in _RANGE_QUALIFIERS:
        return _range_qualified(text, qualifier, base_unit, lang, _after_scale(value_base, lower, upper))
    if base_unit == "rank" and qualifier == "内" and value_base is not None:
        return _rank_within(_decimal(value_base), lang, measure)  # 全国前十: 前十名 / top 10, not 第十名内
    return _with_qualifier(text, qualifier, lang)


def _with_qualifier(text: str, qualifier: str, lang: str) -> str:
    """A printed value with its bound's qualifier before or after it (超1万个, 3年内, more than 10,000)."""
    if lang == "en":
        return _EN_PREFIX[qualifier] + text
    if qualifier in _ZH_SUFFIX:
        return text + _ZH_SUFFIX[qualifier]
    return _ZH_PREFIX[qualifier] + text


def _stated_range(lower: float, upper: float, base_unit: str, lang: str, measure: str, digits: int | None) -> str:
    """A stated range (至); rounded ends gain digits until they differ (never a range as one number)."""
    def show(x: float, n: int | None) -> str:
        return format_value(x, base_unit, lang, measure, n)

    while digits is not None and show(lower, digits) == show(upper, digits) and digits < _NOISE_DIGITS:
        digits += 1
    return show(lower, digits) + ("至" if lang == "zh" else " to ") + show(upper, digits)


def _after_scale(value_base: float | None, lower: float | None, upper: float | None) -> bool:
    """Whether a 余/多 range is one of a scale word wide (10万余: 10万 to 11万), not one step of the last digit.

    Then the mark follows the scale word, as the source writes it (`kczlib.data.quantities`:
    10万余 is 10万 to 11万, 10余万 is 10万 to 20万); where both readings give the same range (3万余)
    the digit form stands.
    """
    if value_base is None or lower is None or upper is None:
        return False
    for factor in (1e8, 1e4):
        whole = value_base / factor
        if math.isclose(upper - lower, factor) and whole >= 1 and math.isclose(whole, round(whole)) \
                and round(whole) % 10 == 0:
            return True
    return False


def _range_qualified(text: str, qualifier: str, base_unit: str, lang: str, after_scale: bool = False) -> str:
    """`text` (a printed value) with 余/多 where the source puts it (see _RANGE_QUALIFIERS).

    `after_scale`: the range is one of the scale word wide (10万余, "just over 100,000").
    """
    m = _LEADING_NUMBER.match(text)
    if base_unit not in ("count", "CNY") or m is None:
        return text + qualifier if lang == "zh" else _EN_PREFIX[qualifier] + text
    if lang == "en":
        if after_scale:
            return "just over " + text
        return text[:m.end("num")] + "-plus" + text[m.end("num"):]
    at = m.end("scale") if (m.group("dec") or after_scale) and m.group("scale") else m.end("num")
    return text[:at] + qualifier + text[at:]


# --- derived figures known as intervals -------------------------------------------

# The words around an interval's bounds: keys of words/numbers.toml.
_UNKNOWN, _AT_LEAST, _AT_MOST, _TO = "interval.unknown", "interval.at_least", "interval.at_most", "interval.to"


def _display_factor(d: Decimal, base_unit: str, lang: str) -> Decimal:
    """The scale `d` prints in (10^8 for 亿, 10^9 for bn, 1 for plain numbers)."""
    scales: Scales = ()
    if base_unit == "CNY" or (base_unit == "count" and lang == "zh"):
        scales = _ZH_SCALES if lang == "zh" else _EN_CNY_SCALES
    return next((factor for factor, _ in scales if abs(d) >= factor), Decimal(1))


def _policy(d: Decimal, base_unit: str, sig: int | None, lang: str) -> Decimal:
    """The precision policy: how many significant digits a number prints with.

    Whole-number counts in full, everything else at `sig`
    significant digits but never fewer than its whole digits in the unit it prints in
    (1234× stays 1234×, 7,142,857 yuan reads 714万: only the last printed digit rounds).
    """
    if sig is None or (base_unit == "count" and d == d.to_integral_value()) or d == 0:
        return _round(d, None)
    factor = _display_factor(_round(d, sig), base_unit, lang)  # after rounding: 99,995,000 -> 1.00亿
    whole_digits = (d / factor).adjusted() + 1
    return _round(d, max(sig, whole_digits))


def _interval(lo: Decimal | None, hi: Decimal | None, base_unit: str, lang: str, measure: str, sig: int) -> str:
    """Interval text from Decimals; each bound rounded conventionally (see the module doc)."""
    def show(d: Decimal, digits: int = sig) -> str:
        return _value(_policy(d, base_unit, digits, lang), base_unit, lang, measure)

    if lo is not None and hi is not None:
        lo, hi = _denoise(lo, _SAME_DIGITS), _denoise(hi, _SAME_DIGITS)
        if lo > hi:
            raise ParameterError("lower", f"lower {lo} is above upper {hi}")
        if lo == hi:
            return show(lo)
        digits = sig
        while show(lo, digits) == show(hi, digits) and digits < _NOISE_DIGITS:
            digits += 1  # never print a range as one number
        return show(lo, digits) + word("numbers", _TO, lang) + show(hi, digits)
    if lo is not None:
        return word("numbers", _AT_LEAST, lang) + show(lo)
    if hi is not None:
        return word("numbers", _AT_MOST, lang) + show(hi)
    return word("numbers", _UNKNOWN, lang)


def format_interval(
    lower: float | None,
    upper: float | None,
    base_unit: str,
    lang: str,
    measure: str = "",
    sig: int = 3,
) -> str:
    """A derived quantity known only as an interval; never printed as a false point.

    Equal bounds print one value; otherwise 714万元至1112万元 / CNY 7.14 m to CNY 11.2 m,
    至少X / at least X, 至多X / at most X, or 无法确定 / cannot be determined.
    Each bound is rounded half up at `sig` significant digits (whole-number counts in
    full), so it parses back to within half a unit of its last digit.
    """
    _check_lang(lang)
    _check_unit(base_unit)
    _check_sig(sig)
    lo = None if lower is None else _decimal(lower, "lower")
    hi = None if upper is None else _decimal(upper, "upper")
    return _interval(lo, hi, base_unit, lang, measure, sig)


# --- a formula over written numbers -------------------------------------------------

_FORMULA_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.%])")


def format_formula(formula: str, unit: str, lang: str) -> str:
    """An arithmetic formula over numbers written in `unit`, each number printed as a value is.

    A derivation shown beside a printed figure states its inputs in the unit the figure
    prints in (review of the reader pages, L6): "733.26 - 101.34" in 亿元 reads
    "CNY 73.3 bn - CNY 10.1 bn" in English (money at `EN_MONEY_SIG` digits) and
    "733.26亿元 - 101.34亿元" in Chinese. Operators and words are kept as written.

    Args:
        formula: the formula as written in the data, e.g. "733.26 - 101.34".
        unit: the unit its numbers are written in (亿元, 万人, %).
        lang: zh or en.

    Returns:
        The formula with each number replaced by its printed value and unit.

    Raises:
        ParameterError: an unknown language, or a unit whose base unit is not printable.
    """
    _check_lang(lang)
    factor, base = unit_base(unit)
    _check_unit(base)

    def one(m: re.Match[str]) -> str:
        return format_value(float(Decimal(m.group()) * factor), base, lang)

    return _FORMULA_NUMBER.sub(one, formula)


# --- shares -----------------------------------------------------------------------

def _percent(x: float, name: str) -> Decimal:
    """A ratio as percent: a share in [0, 1], or a change rate.

    A change rate is above 1 for more than doubling and negative for a fall (-0.05 prints
    -5%). Shares never leave [0, 1] (`metrics.share` caps them).
    """
    d = _decimal(x, name)
    return d * 100  # exact in Decimal: 0.07 -> 7, not 7.000000000000001


def _share(x: float | None, name: str) -> Decimal | None:
    """`_percent` of `x`, or None for a missing bound."""
    return None if x is None else _percent(x, name)


def format_share(x: float, lang: str, sig: int = 3) -> str:
    """A ratio in [0, 1] as a percentage: 0.125 -> '12.5%'."""
    _check_lang(lang)
    _check_sig(sig)
    return _value(_policy(_percent(x, "x"), "percent", sig, lang), "percent", lang, "")


def format_share_interval(
    lo: float | None, hi: float | None, lang: str, sig: int = 3
) -> str:
    """An interval of ratios in [0, 1] as percentages, with `format_interval`'s rules."""
    _check_lang(lang)
    _check_sig(sig)
    return _interval(_share(lo, "lo"), _share(hi, "hi"), "percent", lang, "", sig)
