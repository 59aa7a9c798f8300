"""The one unit vocabulary: written unit -> (factor, base unit); base units; measure words.

Read by the quantity parser (`kczlib.data.quantities`), the context loader
(`kczlib.data.context`) and the formatter (`kczlib.analysis.formatting`). The base units
are the `base_unit` enum of `data/schema/figures.schema.json` (a test checks the two agree).

    >>> unit_base("亿元")
    (Decimal('100000000'), 'CNY')
    >>> unit_base("万人")
    (Decimal('10000'), 'count')
    >>> context_unit_base("名")
    (1.0, 'rank')

Imports nothing from kczlib, so every layer may use it.
"""

from __future__ import annotations

from decimal import Decimal

# Scale words written before a unit (500万千瓦, 99.4亿元); longest first.
MULTIPLIERS: dict[str, int] = {"万亿": 10**12, "亿": 10**8, "万": 10**4}

# unit as written -> (factor to the base unit, base unit). The parser tries longer units
# first, so 千瓦时 wins over 千瓦 and 个百分点 over 个. Physical units have an SI-style base.
UNITS: dict[str, tuple[Decimal, str]] = {
    "元": (Decimal(1), "CNY"), "美元": (Decimal(1), "USD"),
    "%": (Decimal(1), "percent"), "成": (Decimal(10), "percent"),
    "个百分点": (Decimal(1), "percentage_point"), "百分点": (Decimal(1), "percentage_point"),
    "倍": (Decimal(1), "multiplier"), "番": (Decimal(1), "multiplier"),
    "年": (Decimal(1), "years"), "个月": (Decimal(1), "months"),
    "千瓦时": (Decimal(1), "kWh"), "兆瓦时": (Decimal(1000), "kWh"),
    "千瓦": (Decimal(1), "kW"), "兆瓦": (Decimal(1000), "kW"), "吉瓦": (Decimal(10**6), "kW"),
    "瓦": (Decimal("0.001"), "kW"),
    "吨": (Decimal(1000), "kg"), "公斤": (Decimal(1), "kg"), "千克": (Decimal(1), "kg"), "斤": (Decimal("0.5"), "kg"),
    "公里": (Decimal(1), "km"), "千米": (Decimal(1), "km"), "米": (Decimal("0.001"), "km"),
    "平方公里": (Decimal(1), "km2"), "平方千米": (Decimal(1), "km2"), "平方米": (Decimal(1), "m2"),
    "亩": (Decimal(1), "mu"), "公顷": (Decimal(1), "ha"),
    # a speed (时速400公里 reads its 公里 as km/h by the cue 时速: kczlib.data.cues)
    "公里/小时": (Decimal(1), "km/h"), "千米/小时": (Decimal(1), "km/h"), "公里每小时": (Decimal(1), "km/h"),
}

# Measure words of counts (base unit `count`, factor 1) that the parser recognises.
COUNT_MEASURES: tuple[str, ...] = (
    "家", "个", "项", "名", "人次", "人", "场次", "位", "场", "支", "批次", "批", "单", "届", "次", "日", "城", "版",
    "所", "座", "条", "件", "台", "天", "期", "类", "种", "部", "处", "份", "篇", "套", "轮", "辆", "户", "艘", "架",
    "栋", "间", "张", "代", "席",
)

# Measure words that count one quantity, whichever a text writes (one indicator may be written
# 20个 in one city's text and 12家 in another's): things and bodies (个 is the general word),
# people, events. A word in no group, or in another group, counts something else: 人次 counts
# attendances, not people; 批 and 批次 count batches, not what is in them; 单 counts orders.
MEASURE_GROUPS: tuple[tuple[str, ...], ...] = (
    ("个", "家", "所", "座", "处", "项", "件", "支", "条", "台", "部", "套", "间", "栋", "艘", "架", "辆", "户"),
    ("人", "名", "位"),
    ("场", "场次", "次", "届", "期", "轮"),
)


def same_measure(a: str, b: str) -> bool:
    """Whether counts written with measure words `a` and `b` count one quantity (`MEASURE_GROUPS`).

    Args:
        a: a measure word of `COUNT_MEASURES` ("" for a bare number, which counts what its
            indicator counts and is the same measure as any word).
        b: another, as `a`.

    Returns:
        True for equal words, a bare number, or two words of one group (家 and 个; 人 and 名);
        False otherwise (人 and 人次; 个 and 批).
    """
    if a == b or not a or not b:
        return True
    return any(a in group and b in group for group in MEASURE_GROUPS)


# Every base unit, in the order of the schema's `base_unit` enum. `count` (measure words
# and bare numbers) and `rank` (第N名) have no entry in `UNITS`.
BASE_UNITS: tuple[str, ...] = ("CNY", "USD", "count", "percent", "percentage_point", "rank", "multiplier",
                               "years", "months", "kW", "kWh", "kg", "km", "km2", "m2", "mu", "ha", "km/h")

# The base units `kczlib.analysis.formatting` prints (a subset of `BASE_UNITS`).
PRINTED_BASE_UNITS: tuple[str, ...] = ("CNY", "count", "percent", "rank", "multiplier", "years")

# Units a context table (data/cases/<case>/context.csv) may write; in context a 名 is a
# place in a ranking (GII rank 24名), not a count of people.
CONTEXT_UNITS: tuple[str, ...] = ("亿元", "万元", "元", "万人", "人", "%", "家", "笔", "名")
_CONTEXT_RANK_MEASURES = ("名",)


def unit_base(written: str) -> tuple[Decimal, str]:
    """(factor, base unit) of a unit as written, scale word included.

    Args:
        written: the unit after the number, without qualifier (亿元, 万人, 千瓦, 家, "").

    Returns:
        The factor to the base unit (Decimal) and the base unit: 亿元 -> (1e8, "CNY");
        a measure word or no unit is a count (家 -> (1, "count")).
    """
    scale = next((w for w in MULTIPLIERS if written.startswith(w) and written != w), "")
    factor, base = UNITS.get(written[len(scale):], (Decimal(1), "count"))
    return Decimal(MULTIPLIERS.get(scale, 1)) * factor, base


def context_unit_base(unit: str) -> tuple[float, str]:
    """(factor, base unit) of a unit of a context table: 亿元 -> (1e8, "CNY"), 名 -> (1.0, "rank").

    Args:
        unit: one of `CONTEXT_UNITS`.

    Returns:
        The factor as a float and the base unit.

    Raises:
        ValueError: `unit` is not one of `CONTEXT_UNITS` (the message lists them).
    """
    if unit not in CONTEXT_UNITS:
        raise ValueError(f"unknown unit {unit!r} (known: {', '.join(CONTEXT_UNITS)})")
    if unit in _CONTEXT_RANK_MEASURES:
        return 1.0, "rank"
    factor, base = unit_base(unit)
    return float(factor), base
