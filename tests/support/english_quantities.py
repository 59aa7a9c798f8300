"""Test support: English quantity wording, as `kczlib.analysis.formatting` prints it, read back.

The forms (formatting's own): counts `2,700`; money `CNY 5,000`, `CNY 16 m`,
`CNY 9.94 bn`, `CNY 1.99 trn`; percent `12.5%`; multipliers `3×`; years `1 year`, `3 years`; ranks
`1st`, `2nd`, `11th`. Qualifier words before the value map to the canonical
qualifiers of `kczlib.data.quantities`: more than -> 超, at least -> 以上, nearly -> 近,
within / at most -> 内, about -> 约; `A to B` is a range (至). `2,700-plus` and
`CNY 20-plus bn` are 余 (a range up to the next step of the last non-zero digit:
2,700-2,800; CNY 20-30 bn), as the source's 2700余家 and 200多亿元 read. An English count carries
no measure word, so its `unit` is empty.
"""

from __future__ import annotations

import re
from decimal import Decimal

from kczlib.data.quantities import Quantity, qualifier_bounds
from kczlib.errors import QuantityParseError

QUALIFIER_WORDS = {"more than ": "超", "at least ": "以上", "nearly ": "近", "within ": "内",
                   "at most ": "内", "about ": "约"}
EN_SCALES = {" trn": Decimal(10) ** 12, " bn": Decimal(10) ** 9, " m": Decimal(10) ** 6, "": Decimal(1)}
_NUMBER = r"\d{1,3}(?:,\d{3})*(?:\.\d+)?|\d+(?:\.\d+)?"
VALUE_RE = re.compile(
    rf"""^(?:
        CNY\ (?P<cny>{_NUMBER})(?P<scale>\ trn|\ bn|\ m)?
      | (?P<pct>{_NUMBER})%
      | (?P<mult>{_NUMBER})×
      | (?P<years>{_NUMBER})\ years?
      | (?P<rank>\d+)(?:st|nd|rd|th)
      | (?P<count>{_NUMBER})
    )$""",
    re.VERBOSE,
)


def _value(text: str) -> Quantity:
    """One exact value: 'CNY 9.94 bn' -> value 9.94, unit 'bn', value_base 9.94e9 CNY."""
    m = VALUE_RE.match(text)
    if not m:
        raise QuantityParseError(text, "not an English quantity as kcz prints one")
    g = m.groupdict()
    if g["rank"]:
        v = float(g["rank"])
        return Quantity("rank", v, "", v, "rank", "exact", v, v)
    if g["cny"]:
        number, scale_word = Decimal(g["cny"].replace(",", "")), g["scale"] or ""
        base, unit, base_unit = number * EN_SCALES[scale_word], scale_word.strip(), "CNY"
    else:
        key = next(k for k in ("pct", "mult", "years", "count") if g[k])
        number = Decimal(g[key].replace(",", ""))
        base, unit = number, {"pct": "%", "mult": "×", "years": "years", "count": ""}[key]
        base_unit = {"pct": "percent", "mult": "multiplier", "years": "years", "count": "count"}[key]
    return Quantity("quantity", float(number), unit, float(base), base_unit, "exact", float(base), float(base))


def parse_english(text: str) -> Quantity:
    """Parse one English quantity (see the module docstring); raises QuantityParseError."""
    text = text.strip()
    if " to " in text:
        a, b = (_value(part) for part in text.split(" to ", 1))
        if a.base_unit != b.base_unit:
            raise QuantityParseError(text, f"range ends in different units ({a.base_unit}, {b.base_unit})")
        return Quantity(a.kind, None, b.unit, None, b.base_unit, "至", a.value_base, b.value_base)
    if "-plus" in text:
        q = _value(text.replace("-plus", "", 1))
        number = Decimal(re.search(r"[\d,.]+", text).group().replace(",", "")).normalize()
        step = Decimal(1).scaleb(number.as_tuple().exponent) * Decimal(repr(q.value_base)) / number
        lower, upper = qualifier_bounds("余", Decimal(repr(q.value_base)), step)
        return Quantity(q.kind, q.value, q.unit, q.value_base, q.base_unit, "余", float(lower), float(upper))
    for word, qualifier in QUALIFIER_WORDS.items():
        if text.startswith(word):
            q = _value(text[len(word):])
            lower, upper = qualifier_bounds(qualifier, Decimal(repr(q.value_base)), Decimal(0))
            return Quantity(q.kind, q.value, q.unit, q.value_base, q.base_unit, qualifier,
                            None if lower is None else float(lower), None if upper is None else float(upper))
    return _value(text)
