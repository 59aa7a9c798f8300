"""Chinese quantity expressions: parse one, or find every one in a text.

A quantity parses to `value` (the number as written), `unit` (as written after the
number, qualifier removed), `value_base`/`base_unit` (normalised) and `qualifier` with
the `lower`/`upper` bounds it implies. The bound rules, in one table:

| written            | qualifier | lower            | upper                         |
|--------------------|-----------|------------------|-------------------------------|
| 2700家             | exact     | value            | value                         |
| 2700余家, 200多亿元 | 余 / 多   | value            | value + one step of the last  |
|                    |           |                  | stated digit's place (x mult) |
| 超1万个, 逾, 超过   | 超 ...    | value            | none                          |
| 3%以上             | 以上      | value            | none                          |
| 近亿元             | 近        | none             | value                         |
| 3年内              | 内        | none             | value                         |
| 约50个             | 约        | none             | none                          |
| 100万元至2000万元  | 至        | first            | second (value is empty)       |

So 2700余 -> (2700, 2800), 200多亿 -> (2e10, 3e10), 1.6万余 -> (16000, 17000),
30余万 -> (300000, 400000). Normalisation: money to yuan (CNY), counts to plain
counts, percentages and 成 to percent points (八成 = 80), 翻N番 to a multiplier 2**N,
durations to years; 第N名 / 第N个 / 第N城 / 首位 are ranks; 第N届 / 第N次 / 首批 are
ordinals (not figures); a bare four-digit 19xx/20xx or 2020年12月 is a date.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from ..errors import QuantityParseError

CN_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_PLACE = {"十": 10, "百": 100, "千": 1000}
CN_NUM = "〇零一二两三四五六七八九十百千"
MULTIPLIERS = {"万亿": 10**12, "亿": 10**8, "万": 10**4}

# Words whose numeral characters are not numbers at all; masked before scanning.
# 两院 is the two academies (CAS and CAE), 四川 a province, 进一步 "further".
LEXICAL_WORDS = ("四川", "进一步", "长三角", "新三板", "第三方", "新一代", "两院", "一体化", "统一", "唯一", "万一")

RANK_UNITS = ("名", "个", "位", "城", "")
ORDINAL_UNITS = ("届", "次", "批", "期")
MEASURES = "家|个|项|名|人|位|场|支|批|单|届|次|年|月|日|成|倍|番|城|版|所|座|条|件|台|天|期|类|种|部|处|份|篇|套|轮"
PRE = "超过|超|逾|近|约|第|翻"
POST = "以上|以内|内|左右"

QTY_RE = re.compile(
    rf"""
    (?P<date>(?:19|20)\d\d年(?:\d{{1,2}}月(?:\d{{1,2}}日)?)?)
  | (?P<shou>首)(?P<shou_unit>位|个|批|届|次)
  | (?P<pre>{PRE})?
    (?:
        (?P<num>\d+(?:\.\d+)?|[{CN_NUM}]+)
        (?P<q1>余|多)?
        (?P<mult>万亿|万|亿)?
      | (?P<bare_mult>万亿|万|亿)    # 近亿元: the 1 is implicit
    )
    (?P<q2>余|多)?
    (?P<unit>%|元|{MEASURES})?
    (?P<post>{POST})?
    """,
    re.VERBOSE,
)
RANGE_JOINERS = ("至", "到")


@dataclass(frozen=True)
class Quantity:
    kind: str  # quantity | rank | ordinal | date
    value: float | None
    unit: str
    value_base: float | None
    base_unit: str | None  # CNY count percent rank multiplier years (None for ordinal/date)
    qualifier: str  # exact 余 多 逾 超 超过 以上 近 约 内 至
    lower: float | None
    upper: float | None

    @property
    def is_figure_kind(self) -> bool:
        return self.kind in ("quantity", "rank")


@dataclass(frozen=True)
class Mention:
    text: str
    start: int
    end: int
    quantity: Quantity


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


def _number(num: str) -> tuple[Decimal, Decimal]:
    """The number and the step of its last stated (non-zero) digit's place."""
    if num[0].isdigit():
        d = Decimal(num)
        if "." in num:
            step = Decimal(1).scaleb(-len(num.split(".")[1]))
        else:
            stripped = num.rstrip("0") or "0"
            step = Decimal(10) ** (len(num) - len(stripped))
        return d, step
    n = cn_to_number(num)
    trailing = len(str(n)) - len(str(n).rstrip("0")) if n else 0
    return Decimal(n), Decimal(10) ** trailing


def _to_float(d: Decimal | None) -> float | None:
    return None if d is None else float(d)


def _from_match(m: re.Match) -> Quantity:
    if m.group("date"):
        year = float(m.group("date")[:4])
        return Quantity("date", year, "年", None, None, "exact", None, None)
    if m.group("shou"):
        unit = m.group("shou_unit")
        kind = "ordinal" if unit in ORDINAL_UNITS else "rank"
        return Quantity(kind, 1.0, unit, 1.0, "rank" if kind == "rank" else None, "exact",
                        1.0 if kind == "rank" else None, 1.0 if kind == "rank" else None)
    pre, post = m.group("pre") or "", m.group("post") or ""
    unit_word = m.group("unit") or ""
    if m.group("bare_mult"):
        number, step, mult_word = Decimal(1), Decimal(1), m.group("bare_mult")
    else:
        number, step = _number(m.group("num"))
        mult_word = m.group("mult") or ""
    yu = m.group("q1") or m.group("q2") or ""
    mult = Decimal(MULTIPLIERS.get(mult_word, 1))
    unit = mult_word + unit_word

    if pre == "第":
        kind = "ordinal" if unit_word in ORDINAL_UNITS else "rank"
        if kind == "ordinal":
            return Quantity("ordinal", float(number), unit, None, None, "exact", None, None)
        v = float(number)
        return Quantity("rank", v, unit, v, "rank", "exact", v, v)
    if pre == "翻":
        if unit_word != "番":
            raise QuantityParseError(m.group(0), "翻 must be followed by N番")
        base = Decimal(2) ** number
        return Quantity("quantity", float(number), unit, float(base), "multiplier", "exact", float(base), float(base))
    if m.group("num") and m.group("num")[0].isdigit() and len(m.group("num")) == 4 \
            and m.group("num")[:2] in ("19", "20") and not unit and not yu and not pre:
        return Quantity("date", float(number), "", None, None, "exact", None, None)

    base_unit, scale = _base_unit(unit_word, post)
    value_base = number * mult * scale
    qualifier = _qualifier(pre, yu, post)
    lower, upper = _bounds(qualifier, value_base, step * mult * scale)
    return Quantity("quantity", float(number), unit, float(value_base), base_unit, qualifier,
                    _to_float(lower), _to_float(upper))


def _base_unit(unit_word: str, post: str) -> tuple[str, Decimal]:
    if unit_word == "元":
        return "CNY", Decimal(1)
    if unit_word == "%":
        return "percent", Decimal(1)
    if unit_word == "成":
        return "percent", Decimal(10)
    if unit_word == "倍":
        return "multiplier", Decimal(1)
    if unit_word == "年":
        return "years", Decimal(1)
    return "count", Decimal(1)


def _qualifier(pre: str, yu: str, post: str) -> str:
    marks = [q for q in (pre, yu, post) if q]
    if len(marks) > 1:
        raise QuantityParseError("".join(marks), "more than one qualifier")
    if not marks:
        return "exact"
    return {"以内": "内", "左右": "约"}.get(marks[0], marks[0])


def _bounds(qualifier: str, v: Decimal, step: Decimal) -> tuple[Decimal | None, Decimal | None]:
    if qualifier == "exact":
        return v, v
    if qualifier in ("余", "多"):
        return v, v + step
    if qualifier in ("超", "超过", "逾", "以上"):
        return v, None
    if qualifier in ("近", "内"):
        return None, v
    return None, None  # 约: approximate, no bound is stated


def _masked(text: str) -> str:
    """Hide lexical words so that their numeral characters are not scanned."""
    for word in LEXICAL_WORDS:
        text = text.replace(word, "\u3000" * len(word))
    return text


def find_quantities(text: str) -> list[Mention]:
    """Every numeric mention in `text`, with its span and parsed quantity."""
    scan = _masked(text)
    found = [m for m in QTY_RE.finditer(scan) if m.group(0) and _has_number(m)]
    mentions: list[Mention] = []
    i = 0
    while i < len(found):
        m = found[i]
        nxt = found[i + 1] if i + 1 < len(found) else None
        if nxt is not None and scan[m.end():nxt.start()] in RANGE_JOINERS and not m.group("pre") \
                and not nxt.group("pre") and not m.group("date"):
            q = _range(_from_match(m), _from_match(nxt), text[m.start():nxt.end()])
            mentions.append(Mention(text[m.start():nxt.end()], m.start(), nxt.end(), q))
            i += 2
            continue
        mentions.append(Mention(text[m.start():m.end()], m.start(), m.end(), _from_match(m)))
        i += 1
    return mentions


def _has_number(m: re.Match) -> bool:
    # a bare multiplier counts only with a qualifier before it (近亿元), not in 万元 alone
    return bool(m.group("num") or m.group("date") or m.group("shou") or (m.group("bare_mult") and m.group("pre")))


def _range(a: Quantity, b: Quantity, written: str) -> Quantity:
    if a.kind != "quantity" or b.kind != "quantity":
        raise QuantityParseError(written, "a range needs two quantities")
    lo, hi = a.value_base, b.value_base
    if not a.unit and b.unit:  # 100至2000万元: the first number takes the second's unit
        lo = a.value * (b.value_base / b.value)
    if a.base_unit != b.base_unit and a.unit:
        raise QuantityParseError(written, f"range ends in different units ({a.unit}, {b.unit})")
    return Quantity("quantity", None, b.unit, None, b.base_unit, "至", lo, hi)


def parse_quantity(text: str) -> Quantity:
    """Parse a text that is exactly one quantity expression, e.g. '2700余家' or '近亿元'."""
    text = text.strip()
    mentions = find_quantities(text)
    if not mentions:
        raise QuantityParseError(text, "no number in it" + ("; 两院 is a name (the two academies), not a number" if "两院" in text else ""))
    if len(mentions) > 1 or mentions[0].text != text:
        raise QuantityParseError(text, f"not one quantity expression (found {[m.text for m in mentions]})")
    return mentions[0].quantity


def to_text(q: Quantity) -> str:
    """The canonical Chinese expression of a quantity: parse_quantity(to_text(q)) == q."""
    if q.kind == "rank":
        return f"第{_plain(q.value)}{q.unit}"
    if q.qualifier == "至":
        per_unit = _unit_scale(q.unit)
        return f"{_plain(q.lower / per_unit)}{q.unit}至{_plain(q.upper / per_unit)}{q.unit}"
    if q.base_unit == "multiplier" and q.unit == "番":
        return f"翻{_plain(q.value)}番"
    number = _plain(q.value)
    mult = next((w for w in MULTIPLIERS if q.unit.startswith(w)), "")
    rest = q.unit[len(mult):]
    if q.qualifier in ("余", "多"):
        return f"{number}{mult}{q.qualifier}{rest}"
    if q.qualifier in ("超", "超过", "逾", "近", "约"):
        return f"{q.qualifier}{number}{q.unit}"
    if q.qualifier in ("以上", "内"):
        return f"{number}{q.unit}{q.qualifier}"
    return f"{number}{q.unit}"


def _unit_scale(unit: str) -> float:
    mult = next((w for w in MULTIPLIERS if unit.startswith(w)), "")
    return float(MULTIPLIERS.get(mult, 1)) * (10.0 if unit == "成" else 1.0)


def _plain(x: float) -> str:
    if math.isclose(x, round(x)):
        return str(int(round(x)))
    return format(Decimal(repr(x)).normalize(), "f")
