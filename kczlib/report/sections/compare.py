"""The comparison report (notebooks/05_compare_cases): cities side by side.

Its sections: the shared indicators by city (values as ranges, with periods), the same
normalised per resident and per GDP where each city's context data hold a denominator of
the same period, charts of the shared indicators, where each city stands, and the caveats
(different periods, a stock beside a flow or a cumulative count, definitions). Each
function takes the notebook's `CompareReport`. Rules of what is comparable:

- values stand side by side (one row, one chart, one finding) only when they are one kind
  of count (`tally`: a stock beside stocks, a flow in a year beside flows, cumulative counts
  beside cumulative counts; `gather`); a city that reports the indicator as another kind, and
  any rank (each ranks its city within a group its own source names), is said apart, naming
  the difference (`apart`, `apart_note`); so is a count of another quantity (measure words of
  different `kczlib.units.MEASURE_GROUPS`: 人 and 人次), while words of one quantity (家, 个)
  print as the indicator's one word (`kczlib.analysis.compare.printed_measure`);
- values are compared only within one period, as ranges (`compare_rank`: the key findings and
  where each city stands); values of other periods are named as such, and why they are not
  ranked is said once, in the caveats; where the cities' own terms for an indicator differ, the
  caveats quote them.
"""

from __future__ import annotations

from dataclasses import dataclass

from kczlib.analysis.compare import CaseValue, case_values, measure_key, shared_indicators
from kczlib.analysis.num import Num
from kczlib.data.datatext import DataText
from kczlib.data.indicators import indicators
from kczlib.report.narrative import Safe, nested_quote
from kczlib.report.reader import plain

MAX_FINDINGS = 5


@dataclass(frozen=True)
class Shared:
    """The values of one indicator at least two of the report's cities report, case by case."""

    indicator: str
    values: list[CaseValue]
    measures_differ: bool = False  # (apart) the indicator's values count different quantities (人 and 人次)

    @property
    def cases(self) -> list[str]:
        """The cities reporting it, in the report's order."""
        return list(dict.fromkeys(v.case for v in self.values))

    def latest(self) -> list[CaseValue]:
        """Each city's latest dated value (or its only value), in the report's order."""
        out: dict[str, CaseValue] = {}
        for v in self.values:
            best = out.get(v.case)
            if best is None or (v.period[:4].isdigit() and (not best.period[:4].isdigit() or v.period > best.period)):
                out[v.case] = v
        return list(out.values())


RANK = "rank"  # the base unit of a rank: never set beside another city's (see the module docstring)


def _kind(v: CaseValue) -> str:
    """What a value is, for setting it beside another: "rank", else its kind of count (`tally`)."""
    return RANK if v.num.base_unit == RANK else v.tally


def _partition(report) -> tuple[list[Shared], list[Shared]]:
    """(side by side, apart): the values of each shared indicator, split by kind.

    Side by side: its values of one kind reported by two or more cities. Apart: the values of
    no such kind (every rank; a kind only one city reports).
    """
    order = {c: i for i, c in enumerate(report.cases)}
    side, apart_ = [], []
    for ind in shared_indicators(report.cases):
        values = sorted(case_values(ind, report.cases), key=lambda v: (order[v.case], v.period))
        kinds: dict[tuple[str, str], list[CaseValue]] = {}
        for v in values:  # one kind of count, and one quantity counted (measure_key: 人 is not 人次)
            kinds.setdefault((_kind(v), measure_key(v.num)), []).append(v)
        alone = []
        for (kind, _), vs in kinds.items():
            if kind != RANK and len({v.case for v in vs}) >= 2:
                side.append(Shared(ind, vs))
            else:
                alone += vs
        if alone:
            apart_.append(Shared(ind, sorted(alone, key=lambda v: (order[v.case], v.period)),
                                 measures_differ=len({measure_key(v.num) for v in values}) > 1))
    return side, apart_


def gather(report) -> list[Shared]:
    """The indicators at least two of `report.cases` report as one kind of count, with those values.

    In vocabulary order; an indicator reported as two kinds by two cities each gives two entries
    (`Shared.values` are of one kind). Values of another kind, and ranks, are `apart`.
    """
    return _partition(report)[0]


def apart(report) -> list[Shared]:
    """Values of shared indicators that no other city reports as the same kind of number, and ranks.

    One entry per indicator (its values of every such kind); `apart_note` says why each stands apart.
    """
    return _partition(report)[1]


def _label(report, s: Shared, shared: list[Shared], inside: bool = False) -> str:
    """The name of a row: the indicator's, with its kind of count where it has rows of two kinds."""
    name = _name(report, s.indicator, inside)
    if sum(o.indicator == s.indicator for o in shared) < 2:
        return name
    return str(report.text("compare.name_and_kind", name=Safe(name),
                           kind=report.text(f"compare.tally.{s.values[0].tally or 'unknown'}")))


def _name(report, indicator: str, inside: bool = False) -> str:
    """The indicator's name in the page language; `inside` a sentence, an English name opens in lower case."""
    name = indicators()[indicator].name(report.lang)
    if inside and report.lang == "en" and len(name) > 1 and name[1].islower():
        name = name[0].lower() + name[1:]
    return name


def _join(report, items: list[Safe], key: str = "common.list_separator") -> Safe:
    return Safe(str(report.text(key)).join(items))


def _item(report, v: CaseValue) -> Safe:
    return report.text("compare.item", city=report.city(v.case), value=v.num, period=report.figure_period(v.num))


def introduce(report) -> bool:
    """The title and the list of cities; with fewer than two cases, the sentence saying so.

    Returns:
        True when there are at least two cases to compare.
    """
    report.heading("compare.title", level=1)
    cities = _join(report, [Safe(str(report.city(c))) for c in report.cases], "common.name_separator")
    if len(report.cases) < 2:
        report.say("compare.needs_two", cities=cities)
        report.key_findings([single_finding(report, case) for case in report.cases])
        return False
    report.say("compare.cases_intro", cities=cities)
    return True


def single_finding(report, case: str) -> Safe:
    """The finding of a comparison with one case: how many indicators of the vocabulary it reports."""
    from kczlib.data.indicator_values import load_indicator_values

    reported = load_indicator_values([case])["indicator"].nunique()
    count = report.count(int(reported), "compare.derivation.indicator_count", city=report.city(case))
    one = "_one" if int(reported) == 1 else ""  # "1 indicator": the noun agrees with the count
    return report.text(f"compare.single_finding{one}", city=report.city(case), count=count)


def by_period(report, s: Shared) -> list[CaseValue]:
    """The values of `s` in the table's and the charts' order.

    Latest dated period first (one period's values together), each period's in the report's
    order of cities; cumulative and undated values last.
    """
    order = {c: i for i, c in enumerate(report.cases)}
    dated = sorted((v for v in s.values if v.period[:4].isdigit()), key=lambda v: order[v.case])
    dated.sort(key=lambda v: v.period, reverse=True)
    return dated + [v for v in s.values if not v.period[:4].isdigit()]


def shared_rows(report, shared: list[Shared]):
    """The rows of the shared table, long: a DataFrame of indicator, city, period, value (names in the page language).

    One row per indicator, city and period, whatever the number of cities. Within an indicator
    the rows go by period, latest first (the values of one period together), then in the
    report's order of cities; cumulative and undated values last.
    """
    import pandas as pd

    rows = []
    for s in shared:
        for v in by_period(report, s):
            rows.append({"indicator": _label(report, s, shared), "city": str(report.city(v.case)),
                         "period": str(report.figure_period(v.num)),
                         "value": report.ledger.format(v.num, "compare table")})
    columns = {k: str(report.text(f"compare.columns.{k}")) for k in ("indicator", "city", "period", "value")}
    return pd.DataFrame(rows, columns=list(columns)).rename(columns=columns)


def shared_table(report, shared: list[Shared]) -> None:
    """The shared indicators by city, as a long table (`shared_rows`).

    Long rather than one column per city, so the table keeps four columns however many cities
    are compared, and a desk or a phone shows it without clipping a city.
    """
    from kczlib.report.display import part_metadata
    from kczlib.report.tables import display_table

    report.heading("compare.shared_heading")
    if not shared:
        report.say("compare.none_shared")
        return
    report.say("compare.shared_intro")
    display_table(shared_rows(report, shared), part_metadata(None))


def apart_note(report, values: list[Shared]) -> None:
    """What several cities report of one indicator but is not set side by side, one sentence each.

    Ranks: each places its city within a group its own source names (quoted by the figure's
    metric), so two ranks are not one scale. Counts of different quantities (measure words of
    different groups, `kczlib.units.MEASURE_GROUPS`: 人 and 人次), each with its word. Other
    values: a kind of count no other city gives for the indicator (a cumulative count beside a
    year's flow, a stock beside a flow), named.
    """
    for s in values:
        name = _name(report, s.indicator)
        if all(_kind(v) == RANK for v in s.values):
            items = [report.text("compare.rank_item", city=report.city(v.case), value=v.num,
                                 group=DataText(report.label(v.num.ids[0]))) for v in s.values]
            report.say("compare.apart_ranks", indicator=name, items=_join(report, items))
            continue
        if s.measures_differ:  # counts of different quantities: each value with the word it is counted in
            items = [report.text("compare.measure_item" if v.num.measure else "compare.measure_item_bare",
                                 city=report.city(v.case), value=v.num, period=report.figure_period(v.num),
                                 measure=DataText(v.num.measure)) for v in s.values]
            report.say("compare.apart_measures", indicator=name, items=_join(report, items))
            continue
        items = [_item(report, v) if v.period == "cumulative" == _kind(v)  # its period says it is cumulative
                 else report.text("compare.kind_item", city=report.city(v.case), value=v.num,
                                  period=report.figure_period(v.num),
                                  kind=report.text(f"compare.tally.{_kind(v) or 'unknown'}")) for v in s.values]
        report.say("compare.apart_kinds", indicator=name, items=_join(report, items))


def normalised_table(report, shared: list[Shared]) -> None:
    """Per resident and per GDP, for each value whose city has a denominator of its period."""
    import pandas as pd

    from kczlib.report.display import part_metadata
    from kczlib.report.tables import display_table

    if not shared:
        return
    report.heading("compare.normalised_heading")
    report.say("compare.normalised_intro")
    rows, amounts = [], False
    for s in shared:
        for v in s.values:
            if v.per_resident is None and v.share_of_gdp is None:
                continue
            amounts = amounts or v.num.base_unit == "CNY"  # only an amount of money is set against GDP
            rows.append({
                "indicator": _label(report, s, shared), "city": str(report.city(v.case)),
                "period": str(report.figure_period(v.num)), "value": report.ledger.format(v.num, "compare table"),
                "per_resident": "" if v.per_resident is None else _per_resident_cell(report, v),
                "share_of_gdp": "" if v.share_of_gdp is None else report.ledger.format(v.share_of_gdp, "compare table"),
            })
    if not rows:
        report.say("compare.normalised_none")
        return
    keys = ["indicator", "city", "period", "value", "per_resident", "share_of_gdp"]
    for key in ("per_resident", "share_of_gdp"):  # a column no city fills is said in a sentence, not shown empty
        if not any(row[key] for row in rows):
            keys.remove(key)
            # why: no amount of money among the rows (counts are set against residents only), or
            # no city's GDP or population of its figures' period
            report.say("compare.normalised_no_amounts" if key == "share_of_gdp" and not amounts
                       else f"compare.normalised_none_{key}")
    columns = {k: str(report.text(f"compare.columns.{k}")) for k in keys}
    display_table(pd.DataFrame(rows)[keys].rename(columns=columns), part_metadata(None))


def _per_resident_cell(report, v: CaseValue) -> str:
    """A value per resident as the table prints it, saying what it is per (`compare.per_resident_cell`).

    The column holds amounts per resident and counts per ten thousand residents, so a bare
    3.69家 would not say which: 每万常住人口3.69家 / 3.69 per ten thousand residents.
    """
    unit = "cny" if v.num.base_unit == "CNY" else "count"
    printed = Safe(report.ledger.format(v.per_resident, "compare table"))
    return plain(report.text(f"compare.per_resident_cell.{unit}", value=printed))


# At most this many charts: each is drawn twice (desk and phone), and a reader page stays under
# one megabyte (tests/integration/test_reader_edition.py); the table above holds every value.
MAX_CHARTS = 6


def charts(report, shared: list[Shared]) -> None:
    """A range chart of each shared indicator: one bar per city and period (one unit per chart).

    With more than `MAX_CHARTS` shared indicators, those reported by the most cases are drawn
    (ties in table order), and one sentence says the table holds them all.
    """
    if not shared:
        return
    report.heading("compare.charts_heading")
    drawn = set(map(id, sorted(shared, key=lambda s: -len(s.cases))[:MAX_CHARTS]))
    if len(shared) > MAX_CHARTS:
        report.say("compare.charts_cut")
    for i, s in enumerate(shared):
        if id(s) not in drawn:
            continue
        items = chart_items(report, s)
        if len({n.base_unit for _, n in items}) != 1:
            continue
        _indicator_bars(report, f"compare-{i + 1}", items, _label(report, s, shared))


def chart_items(report, s: Shared) -> list[tuple[str, Num]]:
    """The bars of `s`'s chart, top to bottom (`by_period`): (label, Num) per value.

    A label is the city and its value's period in one bracket (`CompareReport.value_label`),
    with what tells the city's case apart where two compared cases share the city.
    """
    return [(report.value_label(v.case, report.figure_period(v.num)), v.num) for v in by_period(report, s)]


def _indicator_bars(report, name: str, items: list, indicator: str) -> None:
    """Bars of one indicator's values by city on one axis (amounts in 亿元 / CNY bn, as the fiscal report).

    One indicator counts one thing, whatever measure word each case writes (家, 个), so the axis
    is the indicator's base unit. The bar labels are the ledgered texts (`chart_texts`); only the
    axis is scaled.
    """
    from kczlib.report import plots

    nums = [n for _, n in items]
    base_unit = nums[0].base_unit
    money = base_unit == "CNY"
    scale = (1e8 if report.lang == "zh" else 1e9) if money else 1.0
    texts = report.chart_texts(name, nums)
    fig = plots.bar_ranges([label for label, _ in items], [None if n.lower is None else n.lower / scale for n in nums],
                           [None if n.upper is None else n.upper / scale for n in nums],
                           title=report.text("compare.chart_title", indicator=Safe(indicator)),
                           unit_label=report.text("compare.unit_money" if money else f"compare.unit.{base_unit}"),
                           source=report.chart_source(nums), lang=report.lang, texts=texts, unit=base_unit)
    report.chart(fig, name, nums)


def caveats(report, shared: list[Shared]) -> None:
    """The caveats: once, what is compared and what is not; the indicators whose periods differ; terms; ranges."""
    report.heading("compare.caveats_heading")
    report.say("compare.caveat_not_ranked")
    differing = []
    for s in shared:
        if len({v.period for v in s.values}) > 1:
            items = []
            for case in s.cases:
                periods = _join(report, [report.figure_period(v.num) for v in s.values if v.case == case],
                                "common.name_separator")
                items.append(report.text("compare.period_item", city=report.city(case), periods=periods))
            differing.append(report.text("compare.periods_of", indicator=Safe(_label(report, s, shared)),
                                         items=_join(report, items)))
    if differing:
        report.say("compare.caveat_periods", items=_join(report, differing, "compare.periods_separator"))
    for s in shared:
        terms = {v.case: report.label(v.num.ids[0]) for v in s.latest()}
        if len(set(terms.values())) > 1:  # each text's own term for it: the definitions may differ
            # the term goes inside “”: its own “科创中国” nests as ‘’ (GB/T 15834-2011, 4.1)
            items = [report.text("compare.term_item", city=report.city(c), term=DataText(nested_quote(t)))
                     for c, t in terms.items()]
            report.say("compare.caveat_terms", indicator=_label(report, s, shared), items=_join(report, items))
    report.say("compare.caveat_definitions")
    report.say("compare.caveat_ranges")


def data_note(report) -> None:
    """Where the page's data are: the CSV of every printed number."""
    report.heading("compare.data_heading")
    report.say("compare.data_note")
