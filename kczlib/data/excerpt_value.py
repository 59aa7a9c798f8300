"""Whether a context row's excerpt states the row's value: the rule behind "high" confidence.

A context row is high confidence only if the passage it quotes states its value (review of the
reader pages, M12: a row labelled high quoted the expenditure sentence, not the intensity it
holds). The value may be written as in the row (2.17 with unit %), with trailing zeros
(1658.10), with thousands separators (1,055.3), in another scale word (19916.98亿元 as
1.991698万亿元, 13.5万人 as 135000人), or, for a whole number up to 999, in Chinese numerals
(十四). The excerpt's traditional scale words (億, 萬) count as 亿, 万. Written as in the row, the
number is followed by the unit's own scale word (19916.98 亿元 must read 19916.98亿 or 億), so a
unit typed wrong is refused too.
"""

from __future__ import annotations

import re
from decimal import Decimal

from kczlib.data.numerals import number_to_cn
from kczlib.units import MULTIPLIERS, unit_base

_TRADITIONAL = str.maketrans({"億": "亿", "萬": "万", "，": ",", "．": "."})


def _plain(d: Decimal) -> str:
    """`d` as written without exponent or trailing zeros: 2.170 -> '2.17', 1E+2 -> '100'."""
    return format(d.normalize(), "f")


def _grouped(text: str) -> str:
    """'1055.3' -> '1,055.3' (thousands separators in the whole part)."""
    whole, dot, frac = text.partition(".")
    return f"{int(whole):,}" + dot + frac


def _written_forms(value: float, unit: str) -> list[tuple[str, str]]:
    """(digits, scale word that must follow or "") for each way the value may be written."""
    factor, _ = unit_base(unit)
    base = Decimal(repr(float(value))) * factor
    # as written in the row, the number carries the unit's own scale word (19916.98 亿元: "19916.98亿"),
    # so a unit typed wrong (万元 for the excerpt's 億元) is no match
    own = next((w for w in MULTIPLIERS if unit.startswith(w)), "")
    forms: list[tuple[str, str]] = [(_plain(Decimal(repr(float(value)))), own)]
    for word, scale in [("", 1), *MULTIPLIERS.items()]:
        scaled = base / Decimal(scale)
        if scaled == scaled.to_integral_value() or abs(scaled) >= Decimal("0.01"):
            forms.append((_plain(scaled), word))
    return forms


def excerpt_states_value(value: float, unit: str, excerpt: str) -> bool:
    """Whether `excerpt` writes `value` (in `unit`) as a number, in any of the forms of the module doc.

    Args:
        value: the row's value as written in `unit` (2.17, 19916.98).
        unit: the row's unit (%, 亿元, 万人).
        excerpt: the quoted passage.

    Returns:
        True if some written form of the value occurs in the excerpt as a whole number (not as
        part of a longer one), followed by its scale word where it has one.
    """
    text = excerpt.translate(_TRADITIONAL)
    for digits, word in _written_forms(value, unit):
        for form in {digits, _grouped(digits)}:
            zeros = r"0*" if "." in form else r"(?:\.0+)?"  # 1658.1 may be written 1658.10, 25 as 25.0
            # 余/多 may stand between the number and its scale word (30余万: the source's own order)
            pattern = (r"(?<![\d.,])" + re.escape(form) + zeros + r"(?![\d]|[.,]\d)"
                       + (r"[余多]?" + re.escape(word) if word else ""))
            if re.search(pattern, text):
                return True
    if value == int(value) and 0 < value < 1000:
        numeral = number_to_cn(int(value))
        if re.search(r"(?<![零〇一二三四五六七八九十百千])" + numeral + r"(?![零〇一二三四五六七八九十百千])", text):
            return True
    return False
