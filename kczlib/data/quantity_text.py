"""A quantity written back as the source would write it: `parse_quantity(to_text(q)) == q`.

The reading rules are `kczlib.data.quantities`; this module is their inverse, used to write a
context row's number, unit and qualifier back as one phrase (10万余人) and by the round-trip
tests. Where 余/多 sit follows the rule of `quantities` (after 吕叔湘《现代汉语八百词》, 多 and 余).
"""

from __future__ import annotations

import math
from decimal import Decimal

from kczlib.data.quantities import Quantity, _given, _number, _unit_base
from kczlib.units import MULTIPLIERS


def to_text(q: Quantity) -> str:
    """The canonical Chinese expression of a quantity: parse_quantity(to_text(q)) == q."""
    if q.kind == "rank":
        return f"第{_plain(_given(q.value))}{q.unit}"
    if q.qualifier == "至":
        per_unit = _unit_scale(q.unit)
        return f"{_plain(_given(q.lower) / per_unit)}{q.unit}至{_plain(_given(q.upper) / per_unit)}{q.unit}"
    if q.base_unit == "multiplier" and q.unit == "番":
        return f"翻{_plain(_given(q.value))}番"
    number = _plain(_given(q.value))
    mult = next((w for w in MULTIPLIERS if q.unit.startswith(w)), "")
    rest = q.unit[len(mult):]
    if q.qualifier in ("余", "多"):
        return yu_text(number, mult, q.qualifier, rest, _given(q.upper) - _given(q.lower), _unit_scale(q.unit),
                       _given(q.value))
    if q.qualifier in ("超", "超过", "逾", "近", "约"):
        return f"{q.qualifier}{number}{q.unit}"
    if q.qualifier in ("以上", "内"):
        return f"{number}{q.unit}{q.qualifier}"
    return f"{number}{q.unit}"


def yu_text(number: str, mult: str, mark: str, rest: str, width: float, per_unit: float, value: float) -> str:
    """A 余/多 quantity written with the mark where its width says it sits (the rule above).

    Args:
        number: the numeral as written ("10").
        mult: the scale word (万, 亿) or "".
        mark: 余 or 多.
        rest: the unit after the scale word (人, 元).
        width: upper minus lower, in the base unit.
        per_unit: the base units in one of `mult` + `rest` (1e4 for 万人).
        value: the numeral's value (10.0).

    Returns:
        "10万余人" when the width is one of the scale word (or less, for a decimal), else "10余万人".
    """
    step = float(_number(number)[1])
    one = per_unit * min(1.0, step)
    if not mult:  # 3倍多, 10年多 after the unit; 2700余家 after the numeral
        after_unit = rest in ("倍", "年") and math.isclose(width, one) and step > 1
        return f"{number}{rest}{mark}" if after_unit else f"{number}{mark}{rest}"
    if math.isclose(width, one) or not math.isclose(value, round(value)):
        return f"{number}{mult}{mark}{rest}"
    return f"{number}{mark}{mult}{rest}"


def _unit_scale(unit: str) -> float:
    mult = next((w for w in MULTIPLIERS if unit.startswith(w)), "")
    return float(MULTIPLIERS.get(mult, 1)) * float(_unit_base(unit[len(mult):])[0])


def _plain(x: float) -> str:
    if math.isclose(x, round(x)):
        return str(int(round(x)))
    return format(Decimal(repr(x)).normalize(), "f")
