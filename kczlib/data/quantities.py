"""Chinese quantity expressions: parse one, or find every one in a text.

A quantity parses to `value` (the number as written), `unit` (as written after the
number, qualifier removed), `value_base`/`base_unit` (normalised) and `qualifier` with
the `lower`/`upper` bounds it implies. The rules, in one table (docs/data.md "How quantities
are read" has the same table with examples):

| written                         | qualifier | lower             | upper                        |
|---------------------------------|-----------|-------------------|------------------------------|
| 2700家, 达到2700家 (reached)    | exact     | value             | value                        |
| 2700余家, 200多亿元, 30余万      | 余 / 多   | value             | value + one step of the last |
|  (余/多 right after the numeral) |           |                   | stated digit's place (x mult)|
| 10万余, 3亿多, 3倍多, 10年多     | 余 / 多   | value             | value + one of the scale     |
|  (余/多 after 万/亿 or the unit) |           |                   | word or unit (or of the last |
|                                 |           |                   | decimal place: 1.6万余)       |
| 超1万个, 逾, 超过                | 超 ...    | value             | none                         |
| 突破1000亿元 (exceeded)          | 超        | value             | none                         |
| 3%以上, 不少于, 不低于, 至少     | 以上      | value             | none                         |
| 近亿元                          | 近        | none              | value                        |
| 3年内, 以内, 之内, 以下, 不超过,   | 内        | none              | value                        |
| 不高于, 至多                     |           |                   |                              |
| 约50个, 50个左右                 | 约        | none              | none                         |
| 100万元至2000万元, 3～5年, 10-20家| 至        | first             | second (value is empty)      |
| 数十家, 几百个 (vague)           | 至        | 2 x place         | 10 x place (value is empty)  |
| 十几个, 二十几个                 | 至        | 11 (21)           | 19 (29) (value is empty)     |
| 上百个, 上千, 上万 (reaching)     | 以上      | place             | none                         |
| 千亿级, 百亿元级, 万亿元 (class)  | 以上      | scale             | none (value is empty)        |

达到 ("reached") states the level attained, so 达到8683家 is exactly 8683: the verb reports
where a count stands (《现代汉语词典》第7版, 达到: "到（多指抽象事物或程度）"), unlike 不少于 or
以上, which bound it. A word after the number qualifies it (达到3%以上 is 以上, 达到2.4%左右 is
约). A qualifier word before the number and one after it that state the same bound are one
qualifier, named by the word after it (超过3%以上 is 以上); opposite bounds (近3年以上) make the
mention `unreadable` (its note says why). Qualifiers other than those of the existing vocabulary are
read into it (突破 = 超, 不少于 = 以上, 不超过 = 内, ...), so `qualifier` always holds
one of: exact 余 多 逾 超 超过 以上 近 约 内 至; the mention's text keeps the words.

So 2700余 -> (2700, 2800), 200多亿 -> (2e10, 3e10), 1.6万余 -> (16000, 17000),
30余万 -> (300000, 400000), but 10万余 -> (100000, 110000) and 3倍多 -> (3, 4).

Where 余/多 sits decides the step. Right after the numeral (数词 + 多/余 + 量词: 十多斤,
30余万) the remainder is below one step of the numeral's last stated digit: 十多斤 is
eleven to nineteen jin, 30余万 is 30万 to 40万. After the scale word or the unit (数量词 + 多/余:
三斤多, 10万余, 3倍多) the remainder is below one of that word: 三斤多 is under four jin, 10万余 is
10万 to 11万, 10年多 is 10 to 11 years. Source: 吕叔湘主编《现代汉语八百词》（增订本，商务印书馆）,
entries 多 and 余 (多/余 "表示不确定的零数", placed between the numeral and the measure word
or after the measure word), and 朱德熙《语法讲义》 §8 on 概数词 between a numeral and its measure
word. A decimal number keeps the step of its last decimal place in either position
(1.6万余 is 1.6万 to 1.7万).

Units and their base (`kczlib.units.UNITS`): money to yuan (CNY; 美元 to USD); counts (家 个 人 辆 ...)
to plain counts; % and 成 to percent points (八成 = 80); 个百分点 / 百分点 to percentage
points (`percentage_point`, never percent and never a count); 倍 and 番 to a multiplier
(翻N番 = 2**N, 翻番 = 翻一番 = 2, but 翻番的 (翻番的路径, attributive) names the idea
of doubling and is no mention; 增长/增加/提高/提升/扩大/上升 N倍 = N+1 times the base, as
Chinese usage guides read 增加了N倍 = 是原来的N+1倍; 是去年的N倍 = N times); 年 to years;
physical units with their SI-style base (千瓦 kW, 千瓦时 kWh, 吨/公斤/斤 kg, 公里/米 km,
平方公里 km2, 平方米 m2, 亩 mu, 公顷 ha), the multiplier 万/亿 applied (500万千瓦 = 5e6 kW). A unit
is matched before numerals, so the 千 of 千瓦 is never a figure of 1000. Fractions and shares go
to percent: 三分之一 = 33.3.., 1/4 = 25, 百分之十五 = 15, 千分之三 = 0.3 (value holds the fraction as a ratio, 0.25).

Forms: full-width digits, ％, ～ and － read as their ASCII forms; one space between
number, multiplier and unit (as in text extracted from PDFs: 367.1 亿元, 2023 年10 月) is
allowed. 第N名 / 第N个 / 第N城 / 首位 are ranks; 第N届 / 第N次 / 第N代 / 第N场 / 首批 / N期 (a phase)
are ordinals (not figures); 排名5 and 全省前3 are ranks and 时速400公里 a speed (`kczlib.data.cues`);
a bare 19xx/20xx, 2020年12月, a month (10月, 1-9月, 12月29日) and a quarter (一季度, 前三季度) are
dates; N个月 is a duration in months. Numbers that are names, not figures, are still found
(coverage sees every numeral) with a non-figure `kind` and a `note` saying why: list markers, plans,
congresses, metro lines, codes (G60, 5G), versions (3.0版), slogans, idioms (一带一路, 之一, 新一轮),
days of a month, a page's telephone numbers, grades (一级调研员), physical classes (6000米级): see
`kczlib.data.nonfigures`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any  # re.Match.groupdict() is dict[str, str | Any]: a group that did not match is None

from kczlib.data.cues import cue_reading
from kczlib.data.nonfigures import non_figure_spans
from kczlib.data.numerals import CN_NUM, CN_PLACE, cn_to_number
from kczlib.errors import QuantityParseError
from kczlib.units import COUNT_MEASURES, MULTIPLIERS, UNITS

# Full-width forms read as ASCII (one character each, so offsets never move): digits,
# ％ ． ～ － ／ and Latin letters; the ideographic space reads as a space.
FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0x301C: 0x7E}
MASK = "\x00"  # hides text from the scanner; never matched by any rule

# Words whose numeral characters are not numbers at all; masked before scanning.
# 两院 is the two academies (CAS and CAE), 四川 a province, 进一步 "further".
LEXICAL_WORDS = ("四川", "进一步", "长三角", "新三板", "第三方", "新一代", "两院", "一体化", "统一", "唯一", "万一",
                 # common words of the genre built on 一/两/三/千/万 (adverbs, idioms, slogans)
                 "一些", "一系列", "一定", "一直", "一起", "一方面", "一般", "一流", "一线", "一把手", "一揽子",
                 "一致", "一切", "一旦", "一度", "一同", "一并", "一举", "一网通办", "一件事", "一次性", "一键",
                 "一盘棋", "一条龙", "一门式", "第一时间", "下一步", "下一阶段", "同一", "每一", "三农", "两会",
                 "两新", "千方百计", "万众", "千家万户", "千人计划", "万人计划", "五位一体", "四个全面", "双一流")

# after 第: 第三代 is the third generation, 第二场 the second event of a series
ORDINAL_UNITS = ("届", "次", "批", "期", "代", "场", "轮", "站", "季", "号", "回", "章", "篇", "集")
GROWTH_VERBS = re.compile(r"(?:增长|增加|提高|提升|扩大|上升)了?$")

# qualifier word as written -> canonical qualifier (see the table above)
PRE_QUALIFIERS = {"超过": "超过", "超": "超", "逾": "逾", "近": "近", "约": "约", "突破": "超",
                  "达到": "",  # 达到X states the level reached: exact unless a word after it qualifies it
                  "不少于": "以上", "不低于": "以上", "至少": "以上", "不超过": "内", "不高于": "内", "至多": "内"}
POST_QUALIFIERS = {"以上": "以上", "以内": "内", "之内": "内", "内": "内", "以下": "内", "左右": "约", "上下": "约"}
LOWER_ONLY = ("超", "超过", "逾", "以上")
UPPER_ONLY = ("近", "内")


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


SP = r"(?:[ \t\u00a0]|\n(?=\S))?"  # one space or line break, as PDF text extraction leaves (823.57⏎亿元)
NUM = rf"\d+(?:\.\d+)?|[{CN_NUM}]+(?!分点)"  # the 百 of 百分点 is no number
QTY_RE = re.compile(
    rf"""
    (?P<date>(?:19|20)\d\d{SP}年(?:{SP}\d{{1,2}}{SP}月(?:{SP}\d{{1,2}}{SP}日)?)?)
  | (?P<month>(?<![\d.])(?:1[0-2]|0?[1-9])(?:[-—–~至到](?:1[0-2]|0?[1-9]))?{SP}月份?(?:{SP}\d{{1,2}}{SP}日)?)
  | (?P<quarter>(?:第?[一二三四1-4]|前[二三])季度)
  | (?P<shou>首)(?P<shou_unit>位|个|批|届|次|家)
  | (?P<fanfan>翻番)(?!的)  # 翻番的路径 names the idea of doubling; no figure is stated
  | (?P<fpre>{_alternation(PRE_QUALIFIERS)})?
    (?: (?P<den>{NUM})分之(?P<numer>{NUM})
      | (?<![\d/.])(?P<sl_num>\d+)/(?P<sl_den>\d+)(?![\d/])
    )
  | (?P<pre>{_alternation(PRE_QUALIFIERS)}|第|翻了|翻)?
    (?:
        (?P<vague>数|几|上)(?P<vplace>十|百|千|万|亿)(?P<vmult>{SP}(?:万亿|万|亿))?
      | (?P<teens>[二三四五六七八九]?十几)(?P<tmult>{SP}(?:万亿|万|亿))?
      | (?P<num>{NUM})
        (?:{SP}(?P<q1>余|多))?
        (?:{SP}(?P<mult>万亿|万|亿))?
      | (?P<bare_mult>万亿|万|亿)    # 近亿元: the 1 is implicit
    )
    (?P<q2>余|多)?
    (?:{SP}(?P<unit>{_alternation([*UNITS, *COUNT_MEASURES])}))?
    (?P<q3>(?<=[倍年])多)?
    (?P<ji>(?<=[万亿元])级)?  # 千亿级, 万亿元级: a scale class (only after 万/亿/元)
    (?P<post>{_alternation(POST_QUALIFIERS)})?
    """,
    re.VERBOSE,
)
# A 千/百/万 that is part of a word, not a number: 每千瓦, 千米 with no numeral before them,
# 千兆光网 / 万兆 (gigabit, 10-gigabit networks); 一批 / 一大批 "a number of" (but 第一批);
# a 零 with no numeral beside it (零售 retail, 零部件 parts, 零碳 zero-carbon).
UNIT_WORD_RE = re.compile(rf"(?<![\d{CN_NUM}.万亿 ])千(?=瓦|米|克)|[百千万]兆(?!瓦)|(?<!第)一大?批"
                          rf"|(?<![\d{CN_NUM}])零(?![\d{CN_NUM}])")
RANGE_JOINERS = ("至", "到", "~", "-", "—", "–")
NON_FIGURE_KINDS = ("ordinal", "date", "name", "list_marker", "idiom", "version", "code")


@dataclass(frozen=True)
class Quantity:
    """One parsed quantity; numbers are floats, bounds None where the text states none.

    kind: quantity | rank (figure kinds) | ordinal | date | name | list_marker | idiom |
    version | code (`NON_FIGURE_KINDS`: not figures; `note` says why) | unreadable (the
    text names a number but cannot be read; `note` says why). base_unit is one of the
    base units of `kczlib.units.UNITS` plus count and rank; None for the other kinds.
    """

    kind: str
    value: float | None
    unit: str
    value_base: float | None
    base_unit: str | None
    qualifier: str  # exact 余 多 逾 超 超过 以上 近 约 内 至
    lower: float | None
    upper: float | None
    note: str = ""

    @property
    def is_figure_kind(self) -> bool:
        """A quantity or a rank: a figure a row of figures.csv may claim."""
        return self.kind in ("quantity", "rank")

    @property
    def is_known_non_figure(self) -> bool:
        """A date, ordinal, name, list marker, idiom, version or code: accounted for by the rules."""
        return self.kind in NON_FIGURE_KINDS


@dataclass(frozen=True)
class Mention:
    """A numeric mention in a text: as written, its span [start, end) and its parsed quantity."""

    text: str
    start: int
    end: int
    quantity: Quantity


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


def _unit_base(unit_word: str) -> tuple[Decimal, str]:
    """(factor, base unit) of a unit as written; counts for measure words and no unit."""
    return UNITS.get(unit_word, (Decimal(1), "count"))


def _canonical(pre: str, post: str, yu: str, written: str) -> str:
    """One canonical qualifier from the words before and after the number."""
    pre_q = PRE_QUALIFIERS.get(pre, "")
    post_q = POST_QUALIFIERS.get(post, "")
    if pre_q and post_q:
        same = (pre_q in LOWER_ONLY and post_q in LOWER_ONLY) or (pre_q in UPPER_ONLY and post_q in UPPER_ONLY) \
            or pre_q == post_q
        if not same:
            raise QuantityParseError(written, f"qualifiers {pre} and {post} state different bounds")
        pre_q = ""
    marks = [q for q in (pre_q, yu, post_q) if q]
    if len(marks) > 1:
        raise QuantityParseError(written, "more than one qualifier")
    return marks[0] if marks else "exact"


def _from_match(m: re.Match[str]) -> Quantity:
    """One match of `QTY_RE` read as a Quantity: markers first, then shares, vague and plain numbers."""
    g = m.groupdict()
    if (marker := _marker(g)) is not None:
        return marker
    if g["den"] or g["sl_den"]:
        return _fraction(m)
    if g["vague"] or g["teens"]:
        return _vague(m)
    return _numeric(m, g)


def _marker(g: dict[str, str | Any]) -> Quantity | None:
    """A date, month or quarter, 首批/首届, or a bare 翻番 (the matches with no number to read)."""
    if g["date"]:
        year = float(g["date"][:4])
        return Quantity("date", year, "年", None, None, "exact", None, None, note="a date")
    if g["month"] or g["quarter"]:  # 10月, 1-9月, 12月29日, 一季度, 前三季度: a period of the year
        return Quantity("date", None, "", None, None, "exact", None, None, note="a month or quarter")
    if g["shou"]:
        unit = g["shou_unit"]
        kind = "ordinal" if unit in ORDINAL_UNITS else "rank"
        return Quantity(kind, 1.0, unit, 1.0 if kind == "rank" else None, "rank" if kind == "rank" else None, "exact",
                        1.0 if kind == "rank" else None, 1.0 if kind == "rank" else None,
                        note="an ordinal (首批, 首届)" if kind == "ordinal" else "")
    if g["fanfan"]:  # 翻番 without a numeral is 翻一番
        return Quantity("quantity", 1.0, "番", 2.0, "multiplier", "exact", 2.0, 2.0)
    return None


def _numeric(m: re.Match[str], g: dict[str, str | Any]) -> Quantity:
    """A number with its qualifiers, multiplier and unit: a quantity, an ordinal, a rank or a year."""
    pre, post = g["pre"] or "", g["post"] or ""
    unit_word = g["unit"] or ""
    if g["bare_mult"]:
        number, step, mult_word = Decimal(1), Decimal(1), g["bare_mult"]
    else:
        number, step = _number(g["num"])
        mult_word = g["mult"] or ""
    yu = g["q1"] or g["q2"] or g["q3"] or ""
    if yu and (g["q3"] or (g["q2"] and mult_word)):
        step = min(step, Decimal(1))  # 10万余, 3倍多: the remainder is below one of the scale word or unit
    mult = Decimal(MULTIPLIERS.get(mult_word, 1))
    unit = mult_word + unit_word

    if pre in ("第", "翻", "翻了"):
        return _ordinal_or_doubling(m, pre, number, unit, unit_word)
    num = g["num"] or ""
    if num.isdigit() and len(num) == 4 and num[:2] in ("19", "20") and not unit and not yu and not pre and not post:
        return Quantity("date", float(number), "", None, None, "exact", None, None, note="a year (19xx/20xx)")

    scale, base_unit = _unit_base(unit_word)
    qualifier = _canonical(pre, post, yu, m.group(0))
    if g["ji"] or (g["bare_mult"] == "万亿" and not pre):
        # 千亿级 / 万亿元: a scale class, at most a lower bound and never a point value
        if qualifier in UPPER_ONLY or qualifier == "约":
            raise QuantityParseError(m.group(0), "a scale class (级) states only a lower bound")
        return Quantity("quantity", None, unit + (g["ji"] or ""), None, base_unit, "以上",
                        float(number * mult * scale), None)
    value_base = number * mult * scale
    step = step * mult * scale
    if unit_word == "倍" and GROWTH_VERBS.search(m.string[: m.start()]):
        value_base += 1  # 增长3倍: grew by three times the base, so 4 times the base
    lower, upper = qualifier_bounds(qualifier, value_base, step)
    return Quantity("quantity", float(number), unit, float(value_base), base_unit, qualifier,
                    _to_float(lower), _to_float(upper))


def _ordinal_or_doubling(m: re.Match[str], pre: str, number: Decimal, unit: str, unit_word: str) -> Quantity:
    """第N届/第N次 (an ordinal), 第N名 (a rank), or 翻N番 (a multiplier of 2**N)."""
    if pre == "第":
        if unit_word in ORDINAL_UNITS:
            return Quantity("ordinal", float(number), unit, None, None, "exact", None, None,
                            note="an ordinal (第N届, 第N次, 第N代)")
        v = float(number)
        return Quantity("rank", v, unit, v, "rank", "exact", v, v)
    if unit_word != "番":
        raise QuantityParseError(m.group(0), "翻 must be followed by N番")
    base = Decimal(2) ** number
    return Quantity("quantity", float(number), unit, float(base), "multiplier", "exact", float(base), float(base))


def _fraction(m: re.Match[str]) -> Quantity:
    """三分之一, 百分之十五, 千分之三, 1/4: a share, in percent; value is the ratio."""
    g = m.groupdict()
    if g["den"]:
        numer, den, unit = _number(g["numer"])[0], _number(g["den"])[0], "分之"
    else:
        numer, den, unit = Decimal(g["sl_num"]), Decimal(g["sl_den"]), "/"
    if den == 0:
        raise QuantityParseError(m.group(0), "a fraction with denominator 0")
    ratio = numer / den
    pct = numer * 100 / den
    qualifier = _canonical(g["fpre"] or "", "", "", m.group(0))
    lower, upper = qualifier_bounds(qualifier, pct, Decimal(0))
    return Quantity("quantity", float(ratio), unit, float(pct), "percent", qualifier,
                    _to_float(lower), _to_float(upper))


def _vague(m: re.Match[str]) -> Quantity:
    """A vague number as a range or a lower bound.

    数十 / 几百 (2 to 10 times the place), 十几 (11 to 19), 二十几 (21 to 29), 上百 / 上千
    (at least the place).
    """
    g = m.groupdict()
    mult_word = (g["vmult"] or g["tmult"] or "").strip()
    unit_word = g["unit"] or ""
    scale, base_unit = _unit_base(unit_word)
    factor = Decimal(MULTIPLIERS.get(mult_word, 1)) * scale
    unit = mult_word + unit_word
    if g["pre"] or g["post"] or g["q2"] or g["ji"]:
        raise QuantityParseError(m.group(0), "a vague number (数十, 上百) takes no further qualifier")
    if g["teens"]:
        tens = cn_to_number(g["teens"][:-1])  # 十 -> 10, 二十 -> 20
        return Quantity("quantity", None, unit, None, base_unit, "至", float((tens + 1) * factor),
                        float((tens + 9) * factor))
    place = Decimal(MULTIPLIERS.get(g["vplace"]) or CN_PLACE[g["vplace"]])
    if g["vague"] == "上":
        v = place * factor
        return Quantity("quantity", float(place), unit, float(v), base_unit, "以上", float(v), None)
    return Quantity("quantity", None, unit, None, base_unit, "至",
                    float(2 * place * factor), float(10 * place * factor))


def qualifier_bounds(qualifier: str, v: Decimal, step: Decimal) -> tuple[Decimal | None, Decimal | None]:
    """(lower, upper) that `qualifier` states for the value `v` (the rules table above).

    Args:
        qualifier: a canonical qualifier (exact 余 多 逾 超 超过 以上 近 约 内).
        v: the value in its base unit.
        step: one step of the last stated digit's place, in the base unit (余/多 reach it).

    Returns:
        The bounds; None where the text states none.
    """
    if qualifier == "exact":
        return v, v
    if qualifier in ("余", "多"):
        return v, v + step
    if qualifier in LOWER_ONLY:
        return v, None
    if qualifier in UPPER_ONLY:
        return None, v
    return None, None  # 约: approximate, no bound is stated


def _scan_text(text: str) -> str:
    """Full-width forms as ASCII, lexical words masked; same length as `text`."""
    scan = text.translate(FULL_WIDTH)
    for word in LEXICAL_WORDS:
        scan = scan.replace(word, MASK * len(word))
    return UNIT_WORD_RE.sub(lambda m: MASK * len(m.group(0)), scan)


def _non_figure_quantity(kind: str, reason: str, written: str) -> Quantity:
    value = None
    digits = re.match(rf"\d+(?:\.\d+)?|[{CN_NUM}]+", written)
    if digits:
        value = float(digits.group(0)) if digits.group(0)[0].isdigit() else float(cn_to_number(digits.group(0)))
    return Quantity(kind, value, "", None, None, "exact", None, None, note=reason)


def find_quantities(text: str) -> list[Mention]:
    """Every numeric mention in `text`, with its span and parsed quantity, in text order.

    Built-in non-figures (`kczlib.data.nonfigures.NON_FIGURE_RULES`) are mentions too, of a non-figure kind. A
    mention that cannot be read (近3年以上: contradicting qualifiers) is of kind
    `unreadable`, its `note` the reason, so that one odd phrase never hides the rest of
    a text; `parse_quantity` raises for it.
    """
    scan = _scan_text(text)
    named, hidden = non_figure_spans(scan)
    chars = list(scan)
    for a, b in hidden:
        chars[a:b] = MASK * (b - a)
    scan = "".join(chars)
    mentions = [Mention(text[a:b], a, b, _non_figure_quantity(kind, reason, scan_text))
                for a, b, kind, reason in named
                for scan_text in [text[a:b].translate(FULL_WIDTH)]]
    found = [m for m in QTY_RE.finditer(scan) if m.group(0) and _has_number(m)]
    i = 0
    while i < len(found):
        m = found[i]
        nxt = found[i + 1] if i + 1 < len(found) else None
        q = _read(m)
        if nxt is not None and scan[m.end():nxt.start()] in RANGE_JOINERS and m.group("pre") in (None, "第") \
                and nxt.group("pre") in (None, "第"):
            joined = _range(q, _read(nxt))
            if joined is not None:
                mentions.append(Mention(text[m.start():nxt.end()], m.start(), nxt.end(), joined))
                i += 2
                continue
        # 排名5, 全省前3 (ranks), 时速400公里 (a speed): kczlib.data.cues
        cue = cue_reading(scan, m.start(), q.kind, q.value, q.unit, q.base_unit, q.qualifier)
        start, q = (m.start(), q) if cue is None else (cue[0], replace(q, **cue[1]))  # type: ignore[arg-type]
        mentions.append(Mention(text[start:m.end()], start, m.end(), q))
        i += 1
    return sorted(mentions, key=lambda x: x.start)


def _read(m: re.Match[str]) -> Quantity:
    try:
        return _from_match(m)
    except QuantityParseError as exc:
        return Quantity("unreadable", None, "", None, None, "exact", None, None, note=str(exc))


def _has_number(m: re.Match[str]) -> bool:
    # a bare multiplier counts only with a qualifier before it (近亿元), or as the
    # trillion class (万亿元), not in 万元 alone
    g = m.groupdict()
    bare = g["bare_mult"] and (g["pre"] or (g["bare_mult"] == "万亿" and (g["unit"] or g["ji"])))
    return bool(g["num"] or g["date"] or g["month"] or g["quarter"] or g["shou"] or g["fanfan"] or g["den"]
                or g["sl_den"] or g["vague"] or g["teens"] or bare)


def _range(a: Quantity, b: Quantity) -> Quantity | None:
    """A至B, A～B, A-B as one range; None when the two ends do not form one.

    They do not for other kinds, qualified ends, different base units: 3家至5年 is two mentions).
    """
    if a.kind != b.kind or a.kind not in ("quantity", "rank") or a.value is None or b.value is None:
        return None
    if a.qualifier != "exact" or b.qualifier != "exact":
        return None
    lo, hi = a.value_base, b.value_base
    if not a.unit and b.unit:  # 100至2000万元, 3～5年: the first number takes the second's unit
        lo = a.value * (_given(b.value_base) / b.value)
    elif a.base_unit != b.base_unit:
        return None
    return Quantity(a.kind if a.kind == "rank" else "quantity", None, b.unit, None, b.base_unit, "至", lo, hi)


def parse_quantity(text: str) -> Quantity:
    """Parse a Chinese text that is exactly one quantity expression, e.g. '2700余家' or '近亿元'.

    Raises QuantityParseError otherwise. (English as `kczlib.analysis.formatting` prints
    it is read back only by the round-trip test: tests/support/english_quantities.py.)
    """
    text = text.strip()
    mentions = find_quantities(text)
    if not mentions:
        academies = "; 两院 is a name (the two academies), not a number" if "两院" in text else ""
        raise QuantityParseError(text, "no number in it" + academies)
    if len(mentions) == 2 and text[mentions[0].end:mentions[1].start] in RANGE_JOINERS \
            and mentions[0].quantity.base_unit != mentions[1].quantity.base_unit:
        a, b = (m.quantity for m in mentions)
        raise QuantityParseError(text, f"range ends in different units ({a.unit or a.base_unit}, "
                                       f"{b.unit or b.base_unit})")
    if len(mentions) > 1 or mentions[0].text != text:
        raise QuantityParseError(text, f"not one quantity expression (found {[m.text for m in mentions]})")
    if mentions[0].quantity.kind == "unreadable":
        raise QuantityParseError(text, mentions[0].quantity.note.split(": ", 1)[-1])
    return mentions[0].quantity


def _given(x: float | None) -> float:
    """`x`, a field the quantity's kind sets (a value, a range's bounds); TypeError if not, as arithmetic on None."""
    if x is None:
        raise TypeError("a quantity field its kind always sets is None")
    return x
