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


_CN_DIGIT_CHARS = "零一二三四五六七八九"


def number_to_cn(n: int) -> str:
    """An integer as Chinese numerals: 1 -> 一, 12 -> 十二, 20 -> 二十, 105 -> 一百零五 (ranks: 第二名).

    The inverse of `cn_to_number` for 0 to 999; larger numbers are returned as digits.
    """
    if n < 10:
        return _CN_DIGIT_CHARS[n]
    if n < 20:
        return "十" + (_CN_DIGIT_CHARS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGIT_CHARS[n // 10] + "十" + (_CN_DIGIT_CHARS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + _CN_DIGIT_CHARS[rest] if rest < 10 else
                                     (_CN_DIGIT_CHARS[1] if rest < 20 else "") + number_to_cn(rest))
        return _CN_DIGIT_CHARS[n // 100] + "百" + tail
    return str(n)


def _longest_measure(text: str, at_end: bool) -> str:
    """The longest count measure word (`units.COUNT_MEASURES`) that `text` ends (or starts) with, or ""."""
    from kczlib.units import COUNT_MEASURES

    hits = [m for m in COUNT_MEASURES if (text.endswith(m) if at_end else text.startswith(m))]
    return max(hits, key=len, default="")


# Nouns that begin with a measure word's character: "7支天使投资基金" has one measure word (支).
NOUNS_LIKE_MEASURES = frozenset({
    "天使", "天府", "部门", "项目", "城市", "人才", "人员", "人口", "人民", "家庭", "单位", "台账", "期间", "类型",
    "种类", "代表", "日常", "条件", "所属", "份额", "户籍", "版本", "处理", "场景", "场地", "批准", "次数", "位置",
    "名单", "名称", "条例", "件数", "套餐", "间接", "代码", "届时", "户外", "部署", "座谈", "名誉", "处于", "所需",
    "位于",
})


def unstack_measure(before: str, printed: str, after: str) -> str:
    """A printed count or rank without the measure word its sentence already writes.

    Chinese puts one measure word after a number: a template that writes its own
    ("{mentions}处数字提及") takes the number bare, not "172个处"; a rank after 排名 takes no
    second 名 ("均排名第一", not "均排名第一名"). Measure words are `units.COUNT_MEASURES`.

    Args:
        before: the template's words right before the number's slot.
        printed: the number as formatted ("172个", "第一名", "99.4亿元").
        after: the template's words right after the slot.

    Returns:
        `printed`, less its trailing measure word when `after` starts with one (a count; not a
        noun that begins like one, `NOUNS_LIKE_MEASURES`: 天使, 项目) or when `before` ends with
        the same one (a rank, 第… or 前…); else unchanged.

    Examples:
        >>> unstack_measure("共", "172个", "处数字提及"), unstack_measure("均排名", "第一名", "。")
        ('172', '第一')
    """
    measure = _longest_measure(printed, at_end=True)
    if not measure:
        return printed
    bare = printed[: -len(measure)]
    if not bare or not (bare[-1].isdigit() or bare[-1] in CN_DIGIT or bare[-1] in CN_PLACE or bare[-1] in "万亿余多"):
        return printed
    if (_longest_measure(after, at_end=False) and after[:2] not in NOUNS_LIKE_MEASURES) \
            or (printed.startswith(("第", "前")) and before.endswith(measure)):
        return bare
    return printed
