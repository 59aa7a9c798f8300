"""Chinese numerals: the characters and their reading as integers (one home for both).

The quantity parser (`kczlib.data.quantities`) scans for `CN_NUM` characters and reads them
with `cn_to_number`; section markers (一、 (二) 三是) are read with the same function.

    >>> cn_to_number("二十"), cn_to_number("十四"), cn_to_number("二〇二一")
    (20, 14, 2021)
"""

from __future__ import annotations

from kczlib.errors import QuantityParseError

CN_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_PLACE = {"十": 10, "百": 100, "千": 1000}
CN_NUM = "〇零一二两三四五六七八九十百千"


def cn_to_number(s: str) -> int:
    """Chinese numerals to int: 八 -> 8, 二十 -> 20, 十四 -> 14, 一百 -> 100, 百 -> 100, 八一 -> 81."""
    if not s or any(c not in CN_DIGIT and c not in CN_PLACE for c in s):
        raise QuantityParseError(s, "not a Chinese numeral")
    if not any(c in CN_PLACE for c in s):  # digit-by-digit, as in 二〇二一
        return int("".join(str(CN_DIGIT[c]) for c in s))
    total, digit = 0, None
    for c in s:
        if c in CN_DIGIT:
            digit = CN_DIGIT[c]
        else:
            total += (1 if digit is None else digit) * CN_PLACE[c]
            digit = None
    return total + (digit or 0)
