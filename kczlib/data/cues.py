"""Readings a number takes from the words right before it: ranks without 第, speeds, shared qualifiers.

The scanner of `kczlib.data.quantities` reads a number with its own qualifiers and unit.
These forms of the genre are told apart only by the words before the number:

| written                    | read as                                   | mention text    |
|----------------------------|-------------------------------------------|-----------------|
| 排名5, 位列全国5, 居全省3位 | a rank (exact): 5                         | from the cue on |
| 全省前3, 跻身全国前10名     | a rank within the first N: upper bound N  | from the cue on |
| 时速400公里, 最高时速350千米 | a speed in km/h (not a distance)          | from the cue on |
| 分别超过90家和870家          | the shared qualifier: 870 is more than 870 | the number's    |

A rank needs a ranking verb (排名, 位列, 位居, 名列, 居...) or a place of a ranking (全国,
全省, 全球...) followed by 前; a plain number after a place (全省3家) stays a count. The
mention's text starts at the cue, so parsing the text alone (a figure row's evidence) gives
the same reading; for a shared qualifier (分别超过A和B) the evidence of B's row must hold the
clause from 分别 on. Source of the forms: the genre's texts (排名第5、全省前3; 位列全国第十
is already a rank through 第); 前N名 = "among the first N" (《现代汉语词典》第7版, 前 义项
"次序靠前的").

This module imports nothing from kczlib; `quantities.find_quantities` applies `cue_reading`
to each mention it finds.
"""

from __future__ import annotations

import re

PLACES = "全国|全省|全市|全区|全球|世界|国内|省内|市内|同类城市|副省级城市|中西部|西部|中部|东部|全国城市|省会城市"
RANK_VERBS = "排名|排位|位列|位居|名列|排在|稳居|居于|居"
TOP_VERBS = "跻身|进入|进|挺进|位列|位居|排名|稳居|居"
RANK_CUE = re.compile(rf"(?:{RANK_VERBS})(?:{PLACES})?$")
TOP_CUE = re.compile(rf"(?:(?:{TOP_VERBS})(?:{PLACES})?|{PLACES})前$")
SPEED_CUE = re.compile(r"(?:设计|最高|运营)?(?:时速|航速|车速)(?:可达|最高|达)?$")
# 分别超过90家和870家: a qualifier before 分别's first number applies to each number it lists
SHARED_QUALIFIER = re.compile(r"分别(?P<q>超过|超|突破|逾|不少于|不低于|至少|近|约)"
                              r"[\d.]+[^\d,，。;；:：\n]{0,6}(?:和|、|与|及)$")
SHARED_BOUNDS: dict[str, tuple[str, dict[str, object]]] = {
    "超过": ("超过", {"upper": None}), "超": ("超", {"upper": None}), "突破": ("超", {"upper": None}),
    "逾": ("逾", {"upper": None}), "不少于": ("以上", {"upper": None}), "不低于": ("以上", {"upper": None}),
    "至少": ("以上", {"upper": None}), "近": ("近", {"lower": None}), "约": ("约", {"lower": None, "upper": None}),
}
RANK_UNITS = ("", "名", "位")
DISTANCE_UNITS = ("公里", "千米")


def cue_reading(text: str, start: int, kind: str, value: float | None, unit: str, base_unit: str | None,
                qualifier: str) -> tuple[int, dict[str, object]] | None:
    """The reading the words before `text[start:]` give the quantity read there, if any.

    Args:
        text: the whole text, as the scanner reads it (full-width forms as ASCII).
        start: where the mention starts in `text`.
        kind: the scanner's kind of the mention (`kczlib.data.quantities.Quantity`); only
            "quantity" takes a cue.
        value: its number as written (None for a range: no cue).
        unit: its unit as written ("", 名, 位 for a rank; 公里, 千米 for a speed).
        base_unit: its base unit (count for a rank, km for a speed).
        qualifier: its qualifier; only an exact number takes a cue.

    Returns:
        None when no cue applies; else `(cue_start, fields)`: the mention now starts at
        `cue_start` (the cue is part of its text) and `fields` replace those of `q`
        (kind, base_unit, value_base, qualifier, lower, upper), in the reading's units:
        a rank's value and bounds are its places, a speed's bounds are in km/h.
    """
    if kind != "quantity" or value is None or qualifier != "exact":
        return None
    before = text[max(0, start - 12):start]
    if base_unit == "count" and unit in RANK_UNITS:
        if m := TOP_CUE.search(before):  # 全省前3: within the first three places
            return start - len(m.group(0)), {"kind": "rank", "base_unit": "rank", "value_base": value,
                                             "qualifier": "内", "lower": None, "upper": value}
        if m := RANK_CUE.search(before):  # 排名5: the fifth place
            return start - len(m.group(0)), {"kind": "rank", "base_unit": "rank", "value_base": value,
                                             "lower": value, "upper": value}
    if m := SHARED_QUALIFIER.search(text[max(0, start - 24):start]):  # the mention's text stays the number's
        qualifier_, bounds = SHARED_BOUNDS[m.group("q")]
        return start, {"qualifier": qualifier_, **bounds}
    if base_unit == "km" and unit in DISTANCE_UNITS and (m := SPEED_CUE.search(before)):
        return start - len(m.group(0)), {"base_unit": "km/h"}  # 时速400公里: 400 km/h, bounds as read
    return None
