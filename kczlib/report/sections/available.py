"""What a section shows of its inputs, and what a case's series of one indicator give (issue 23, section 2).

A section that needs several figures shows those the case reports, with one sentence naming
what is missing (`complete`); it never hides a figure because another is missing. Two dated
figures of one indicator give a derived change (`series_change`): a net increase for a stock,
a growth rate, and a compound average rate when the years are more than one apart.

Each public function takes the notebook's `Report` and shows one part of a section.
"""

from __future__ import annotations

from kczlib.analysis import metrics
from kczlib.analysis.num import Num, figure_num
from kczlib.data.figures import is_city_row
from kczlib.data.indicators import indicators
from kczlib.report.narrative import Safe, sentence_start
from kczlib.report.report import CASE_PREFIX

# data/indicators.csv `tally`: counts whose difference between two dates is what was added in between
STOCK_TALLIES = ("stock", "cumulative")


def complete(report, topic: str, *refs: str, framing: bool = False, about: tuple[str, ...] = ()) -> bool:
    """Whether the case reports every ref, so the caller shows its full section.

    Args:
        report: the notebook's `Report`.
        topic: a key under `missing.topics` (or a full template key), as for `Report.needs`.
        *refs: indicator ids or `case:<figure id>` (see `Report.has`).
        framing: the topic names one case's programme (揭榜挂帅, a base along the Silk Road):
            with none of its refs reported nothing at all is shown, since only a figure of
            the case may carry such words (issue 23, section 2).
        about: the refs the section is about (default: all); with none of them reported the
            section counts as not reported, so a denominator shown elsewhere is not listed again.

    Returns:
        True when every ref is reported (nothing shown). Otherwise False, after showing: with
        some refs reported, one sentence naming the missing shared indicators (`shared.partial`;
        a missing figure of another case's own is not named) and the reported figures as a list
        (`figure_items`); with none, the `Report.needs` sentence unless `framing`.

    Raises:
        UnknownIndicatorError: a bare ref that is not an indicator.
    """
    have = [r for r in refs if report.has(r)]
    if len(have) == len(refs):
        return True
    if not any(r in have for r in (about or refs)):
        if not framing:
            report.needs(topic, *refs)
        return False
    about = report.text(topic if "." in topic else f"missing.topics.{topic}")
    names = [indicators()[r].name(report.lang) for r in refs if r not in have and not r.startswith(CASE_PREFIX)]
    if names:
        report.say("shared.partial", topic=about, names=report.text("common.name_separator").join(names))
    else:
        report.say("shared.partial_specific", topic=about)
    figure_items(report, [report.get(r) for r in have])
    for r in have:
        if not r.startswith(CASE_PREFIX):
            series_change(report, r)
    return False


def carries(report, term: str) -> bool:
    """Whether a figure of the case carries `term` (its Chinese metric name or evidence holds it).

    Args:
        report: the notebook's `Report`.
        term: a key of the prose word files whose Chinese text is the term (a programme's
            name, such as a loan product's: `appendix.glossary.term.kechuangdai`).

    Returns:
        True when one of the case's figures names the term; a section's framing that uses it
        is shown only then (issue 23, section 2).
    """
    from kczlib.report.narrative import templates

    word = templates("zh")[term]
    frame = report.figure_columns("metric_zh", "evidence")
    return bool(frame["metric_zh"].astype(str).str.contains(word, regex=False).any()
                or frame["evidence"].astype(str).str.contains(word, regex=False).any())


def framed(report, key: str, generic: str, term: str) -> str:
    """`key` when a figure of the case carries `term` (`carries`), else the case-neutral key `generic`."""
    return key if carries(report, term) else generic


def figure_items(report, nums: list[Num]) -> None:
    """The case figures `nums` as a list: metric name, value and, for a dated figure, its year."""
    items = []
    for n in nums:
        fid = n.ids[0]
        period = report.period_of(n)
        if period.isdigit():
            items.append(report.text("shared.item", name=report.label(fid), value=n, year=report.period(fid)))
        else:
            items.append(report.text("shared.item_undated", name=report.label(fid), value=n))
    report.show(Safe("\n".join(items)))


def series(report, indicator_id: str) -> list[tuple[int, Num]]:
    """The case's dated figures of one shared indicator, by year.

    Returns:
        [(year, Num)] sorted by year; figures of no single year (cumulative, target) left out.
    """
    frame = report.figure_columns("indicator", "period", "area")
    rows = frame[frame["indicator"].eq(indicator_id).fillna(False).to_numpy(bool) & is_city_row(frame).to_numpy(bool)]
    out = [(int(p), figure_num(str(fid), report.case)) for fid, p in zip(rows.index, rows["period"], strict=True)
           if str(p).isdigit()]
    return sorted(out, key=lambda t: t[0])


def years_between(first: tuple[int, Num], last: tuple[int, Num]) -> Num:
    """Whole years between two dated figures: a derived count resting on both (years, exact)."""
    return metrics.years_between(first[0], last[0], tuple(r for p in (first, last) for r in p[1].refs))


def series_change(report, indicator_id: str) -> bool:
    """One sentence on the first and last year the case reports for `indicator_id`, with what they give.

    A stock or cumulative count (data/indicators.csv `tally`) gives its net increase (later -
    earlier); a count or amount gives its change rate (later / earlier - 1), and over more than
    one year the compound average annual rate ((later / earlier) ** (1 / years) - 1), said to be
    one; a percentage (R&D intensity) is shown at both years, nothing derived, and so is a change
    that is not surely a rise (a fall, or ranges that allow no change), which the growth
    sentences (增至, "a growth of") would misstate. Ranges are bounded by the vertex method
    (`metrics`). Nothing is shown for fewer than two dated figures.

    Returns:
        Whether a sentence was shown.
    """
    text = _series_text(report, indicator_id)
    if text is None:
        return False
    report.show(sentence_start(text, report.lang))
    return True


def _series_text(report, indicator_id: str) -> Safe | None:
    """The `series_change` sentence as text (for a key finding), or None.

    None under two dated figures, and for a change between figures one of which states only a
    floor or a ceiling (不少于1000万元: its other bound is open, so is any change from it).
    """
    points = series(report, indicator_id)
    if len(points) < 2:
        return None
    first, last = points[0], points[-1]
    ind = indicators()[indicator_id]
    slots = {"name": ind.name(report.lang), "start": report.period(first[1].ids[0]), "a": first[1],
             "end": report.period(last[1].ids[0]), "b": last[1]}
    if ind.base_unit in ("percent", "rank", "multiplier"):
        return report.text("shared.series_levels", **slots)
    if any(n.lower is None or n.upper is None for _, n in (first, last)):
        return None  # a floor or a ceiling (不少于, 近) bounds no change: the other end is open
    years = years_between(first, last)
    one = last[0] - first[0] == 1
    rate = metrics.change_rate(last[1], first[1]) if one else metrics.compound_rate(last[1], first[1], years)
    if rate.lower is None or rate.lower <= 0:  # not surely a rise: the growth sentences would say 增至/grew
        return report.text("shared.series_levels", **slots)
    kind = "stock" if ind.tally in STOCK_TALLIES else "flow"
    extra: dict = {"net": metrics.difference(last[1], first[1])} if kind == "stock" else {}
    if not one:
        extra["years"] = years
    return report.text(f"shared.series_{kind}_{'one_year' if one else 'compound'}", **slots, **extra, rate=rate)


def case_findings(report, found: list, refs: tuple[str, ...], limit: int = 4) -> list:
    """Key findings `found` of a report's own, completed from what the case reports of `refs`.

    Added, up to `limit` findings in all and never when `found` already holds three: the change
    of each indicator the case gives at two or more years (`series_change`'s sentence: a net
    increase, a growth or compound average rate), then one sentence listing the case's other
    figures among `refs` (`shared.kf_reported`). So a case with a few figures gets findings
    from them, not the sentence that its figures do not suffice (issue 23, section 2).

    Args:
        report: the notebook's `Report`.
        found: the report's own key-finding sentences (kept first, unchanged).
        refs: the indicator ids or `case:<figure id>` refs of the report.
        limit: at most this many findings are returned (`Report.key_findings` takes five).

    Returns:
        The findings, `found` first.
    """
    out = list(found)
    if len(out) >= 3:
        return out
    in_series = set()
    for r in refs:
        if r.startswith(CASE_PREFIX) or not report.has(r) or len(out) >= limit:
            continue
        text = _series_text(report, r)
        if text is not None:
            out.append(text)
            in_series.add(r)
    rest = [report.get(r) for r in refs if r not in in_series and report.has(r)]
    if rest and len(out) < limit:
        items = []
        for n in rest:
            fid = n.ids[0]
            key = "shared.finding_item" if report.period_of(n).isdigit() else "shared.finding_item_undated"
            name = report.label(fid)
            if any(c.isdigit() for c in str(name)):  # "as a multiple of 2012 2.25×": two numbers run together
                key += "_apart"
            items.append(report.text(key, name=name, value=n,
                                     **({"year": report.period(fid)} if report.period_of(n).isdigit() else {})))
        out.append(report.text("shared.kf_reported", items=Safe(report.list_separator().join(items))))
    return out
