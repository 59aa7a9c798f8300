"""Like with like in the comparison report: values of one indicator, one kind and one period, set against each other.

A shared indicator (`compare.Shared`: its values are one kind of count) may hold values of
several periods. Only values of one dated period are compared (`same_period`); among them a
value is placed only as a range: another value is above it when its whole range lies above
(`placing`), and a value whose range overlaps another's is not ranked at all. The same holds
for the values per resident, where every value of the period has one (`kczlib.analysis.compare`).

`findings` gives one key finding per shared indicator from these comparisons, naming the
values of other periods as such; `standing` says, city by city, where each stands among the
cities of the same period. Why values of different periods or cumulative counts are not
ranked is said once, in the caveats (`compare.caveats`), not per sentence.
"""

from __future__ import annotations

from kczlib.analysis.compare import CaseValue
from kczlib.analysis.num import Num
from kczlib.report.narrative import Safe
from kczlib.report.sections.compare import MAX_FINDINGS, Shared, _item, _join, _label

GROUP_MIN = 2  # a comparison needs values of at least two cities in the period


def same_period(s: Shared) -> list[tuple[str, list[CaseValue]]]:
    """(period, values) for each dated period in which at least two cities report `s`, latest first.

    A city with two values of one period (none today) keeps its first. Cumulative counts,
    targets and undated values are in no group.
    """
    groups: dict[str, dict[str, CaseValue]] = {}
    for v in s.values:
        if v.period[:4].isdigit():
            groups.setdefault(v.period, {}).setdefault(v.case, v)
    return [(p, list(vs.values())) for p, vs in sorted(groups.items(), reverse=True) if len(vs) >= GROUP_MIN]


def _above(a: Num, b: Num) -> bool:
    """Whether the whole range of `a` lies above the whole range of `b` (an open bound never does)."""
    return a.lower is not None and b.upper is not None and a.lower > b.upper


def placing(nums: list[Num], i: int) -> tuple[list[int], list[int], list[int]]:
    """Where `nums[i]` stands among `nums`: (indexes above it, below it, overlapping it).

    It is ranked only when the third list is empty: a range that meets another's is not placed.
    """
    higher = [j for j, n in enumerate(nums) if j != i and _above(n, nums[i])]
    lower = [j for j, n in enumerate(nums) if j != i and _above(nums[i], n)]
    overlap = [j for j in range(len(nums)) if j != i and j not in higher and j not in lower]
    return higher, lower, overlap


def ordered(nums: list[Num]) -> list[int] | None:
    """The indexes of `nums` from highest to lowest, or None when any two ranges overlap."""
    places = [placing(nums, i) for i in range(len(nums))]
    if any(overlap for _, _, overlap in places):
        return None
    return sorted(range(len(nums)), key=lambda i: len(places[i][0]))


def per_resident_nums(values: list[CaseValue]) -> list[Num] | None:
    """The values per resident, or None unless every value of the group has one (same denominators' period)."""
    nums = [v.per_resident for v in values]
    return None if any(n is None for n in nums) else [n for n in nums if n is not None]


def _per_resident_label(report, values: list[CaseValue], name: str) -> Safe:
    unit = "cny" if values[0].num.base_unit == "CNY" else "count"
    return report.text(f"compare.per_resident_name.{unit}", name=Safe(name))


def _city_values(report, values: list[CaseValue], nums: list[Num], order: list[int]) -> Safe:
    return _join(report, [report.text("compare.city_value", city=report.city(values[i].case), value=nums[i])
                          for i in order], "common.name_separator")


def _group_sentence(report, period: Safe, name: str, values: list[CaseValue], nums: list[Num]) -> Safe:
    """One period's values compared: from highest to lowest, or listed with the overlapping cities named."""
    order = ordered(nums)
    if order is not None:
        return report.text("compare.finding_order", period=period, indicator=Safe(name),
                           items=_city_values(report, values, nums, order))
    overlapping = [values[i].case for i in range(len(nums)) if placing(nums, i)[2]]
    return report.text("compare.finding_overlap", period=period, indicator=Safe(name),
                       items=_city_values(report, values, nums, list(range(len(nums)))),
                       cities=_join(report, [Safe(str(report.city(c))) for c in overlapping], "common.name_separator"))


def findings(report, shared: list[Shared]) -> list[Safe]:
    """One key finding per shared indicator (at most `MAX_FINDINGS`; those with a same-period comparison first).

    With values of one period from two or more cities: those compared (latest such period),
    per resident too where every one of them has a denominator of that period, then the
    cities' values of other periods named as such. Without: every city's latest value, listed.
    """
    out = []
    for s in sorted(shared, key=lambda s: not same_period(s))[:MAX_FINDINGS]:
        groups = same_period(s)
        if not groups:
            out.append(report.text("compare.finding_list", indicator=Safe(_label(report, s, shared)),
                                   items=_join(report, [_item(report, v) for v in s.latest()])))
            continue
        period_key, values = groups[0]
        period = report.figure_period(values[0].num)
        name = _label(report, s, shared, inside=True)
        parts = [_group_sentence(report, period, name, values, [v.num for v in values])]
        per = per_resident_nums(values)
        if per is not None:
            parts.append(_group_sentence(report, period, str(_per_resident_label(report, values, name)), values, per))
        others = [v for v in s.values if v.period != period_key]
        if others:
            parts.append(report.text("compare.finding_other_periods",
                                     items=_join(report, [_item(report, v) for v in others])))
        finding = parts[0]
        for part in parts[1:]:
            finding = report.text("compare.sentences", first=finding, then=part)
        out.append(finding)
    return out


def _place(report, values: list[CaseValue], nums: list[Num], i: int, name: str, period: Safe) -> Safe:
    """Where value `i` of one period's group stands: highest or lowest of n, between named cities, or not ranked."""
    higher, lower, overlap = placing(nums, i)

    def cities(idx: list[int]) -> Safe:
        return _join(report, [Safe(str(report.city(values[j].case))) for j in idx], "common.name_separator")

    slots = {"indicator": Safe(name), "period": period, "value": nums[i]}
    if overlap:
        return report.text("compare.place_overlap", others=cities(overlap), **slots)
    if not higher or not lower:
        n = report.count(len(nums), "compare.derivation.group_count", indicator=Safe(name), period=period)
        return report.text("compare.place_highest" if not higher else "compare.place_lowest", n=n, **slots)
    return report.text("compare.place_between", higher=cities(higher), lower=cities(lower), **slots)


def standing(report, shared: list[Shared]) -> None:
    """Where each city stands on the shared like-with-like rows (one period, one kind), one sentence per city.

    For every period in which the city and another report an indicator as one kind: highest or
    lowest of the n cities, between the cities named, or not ranked where its range overlaps
    another's; per resident as well where every value of the period has a denominator. The
    cities with shared indicators but none in a period another city reports are named in one
    sentence after those; the cities with no shared indicator in one more.
    """
    report.heading("compare.standing_heading")
    unplaced: list[str] = []  # cities with shared indicators, none in a period another city reports
    alone: list[str] = []  # cities with no shared indicator
    for case in report.cases:
        places: list[Safe] = []
        for s in shared:
            for _, values in same_period(s):
                i = next((k for k, v in enumerate(values) if v.case == case), None)
                if i is None:
                    continue
                name, period = _label(report, s, shared, inside=True), report.figure_period(values[i].num)
                places.append(_place(report, values, [v.num for v in values], i, name, period))
                per = per_resident_nums(values)
                if per is not None:
                    places.append(_place(report, values, per, i,
                                         str(_per_resident_label(report, values, name)), period))
        if places:
            report.say("compare.standing_places", city=report.city(case), items=_join(report, places))
        elif any(case in s.cases for s in shared):
            unplaced.append(case)
        else:
            alone.append(case)

    def cities(cases: list[str]) -> Safe:
        return _join(report, [Safe(str(report.city(c))) for c in cases], "common.name_separator")

    if unplaced:  # said once for every such city, not once per city
        report.say("compare.standing_no_period", cities=cities(unplaced))
    if alone:
        report.say("compare.standing_none", cities=cities(alone))
