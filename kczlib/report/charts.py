"""Charts as a report shows them: ledgered value labels, source lines, one unit per axis.

`ChartMethods` is the part of `Report` that draws: `report.bars(...)`, `funnel_chart`
and `chart(fig, ...)` for a figure drawn by `kczlib.report.plots`. Each
records the numbers it draws in the ledger (where: "chart:<name>"), so the appendix lists
them, and names their origins in the chart's source line.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

from kczlib.analysis.ledger import Ledger
from kczlib.analysis.num import ContextRef, FigureRef, Num, Parameter, Period
from kczlib.report.chart_words import chart_word, check_lang, origin_separator, source_prefix
from kczlib.report.display import show
from kczlib.report.narrative import Safe, require_ledger

# --- source lines from what is plotted ---------------------------------------------


def parameter_label(name: str, lang: str) -> str:
    """A scenario parameter's name for readers ("loss rate" / "不良率").

    The name is `appendix.parameters.<name>` in the narrative templates, or `name` itself when
    none is written.
    """
    from kczlib.report.narrative import templates

    return templates(lang).get(f"appendix.parameters.{name}", name)


def origins(nums: list[Num], lang: str, case: str) -> list[str]:
    """Where the numbers a chart draws come from, each origin once, in order of appearance.

    Case figures cite the case document; context rows the host of their source page
    with the row's confidence (derived rows say so); parameters "assumption: <name>";
    counts of the dataset itself say that. Derived numbers contribute the origins of
    their distinct inputs.
    """
    from kczlib.data.cases import get_case
    from kczlib.data.context import context_value

    check_lang(lang)
    found: dict[str, None] = {}
    for num in nums:
        for leaf in num.inputs():
            if isinstance(leaf.origin, FigureRef | Period):
                text = chart_word("origin.case", lang).format(title=get_case(case).meta["title"][lang])
            elif isinstance(leaf.origin, ContextRef):
                c = context_value(leaf.origin.context_id, case)
                key = "origin.context_derived" if c.is_derived else "origin.context"
                text = chart_word(key, lang).format(host=urlparse(c.source_url).hostname or "",
                                                       confidence=c.confidence_label(lang))
            elif isinstance(leaf.origin, Parameter):
                text = chart_word("origin.assumption", lang).format(name=parameter_label(leaf.origin.name, lang))
            else:  # a count computed from the dataset (rows, mentions)
                text = chart_word("origin.dataset", lang)
            found.setdefault(text, None)
    return list(found)


def source_line(nums: list[Num], lang: str, case: str) -> str:
    """The chart's source line: "来源：" / "Source: " and its origins.

    The origins are joined by "；" / "; " (words of kczlib/words/charts.toml).
    """
    return source_prefix(lang) + origin_separator(lang).join(origins(nums, lang, case))


class ChartMethods:
    """The chart methods of `Report` (a mixin: it uses the report's lang, case, ledger, text)."""

    # what the mixin uses of `Report` (declared for the type checker; `Report` sets them)
    notebook: str
    lang: str
    case: str
    ledger: Ledger | None
    charts: list[tuple[str, list[Num], str]]
    part: str | None
    text: Callable[..., Safe]
    say: Callable[..., None]
    parameter_year: Callable[..., Safe]  # of `LabelMethods`

    def chart_source(self, nums: list[Num]) -> str:
        """The source line for a chart drawing `nums`: the origins of exactly those numbers."""
        return source_line(nums, self.lang, self.case)

    def chart_texts(self, name: str, nums: list[Num]) -> list[str]:
        """Value labels for a chart: the same strings the text prints, ledgered."""
        ledger = require_ledger(self.ledger)
        return [ledger.format(n, f"chart:{name}") for n in nums]

    def chart(self, fig, name: str, nums: list[Num], origins: list[Num] | None = None) -> None:
        """Show a chart and ledger the numbers it draws.

        `origins` is what its source line cites, when that is more than the labelled numbers
        (e.g. an assumed start year).
        """
        from kczlib._testing import write_layout
        from kczlib.report import plots, theme

        ledger = require_ledger(self.ledger)
        for n in nums:
            ledger.record(n, f"chart:{name}")
        self.charts.append((name, list(origins or nums), plots.drawn_source(fig)))
        problems = theme.missing_glyph_warnings(fig)
        if problems:
            raise RuntimeError(f"chart {name!r} has missing glyphs: {problems[0]}")
        _mark_units(fig, nums)
        write_layout(fig, f"{self.notebook}-{self.lang}-{name}")
        show(fig, {"kcz": {"part": self.part, "alt": self.chart_alt(fig)}})
        import matplotlib.pyplot as plt

        plt.close(fig)

    def chart_alt(self, fig) -> str:
        """The chart's alt text in the page language: "Chart: <its title>" / "图表：<标题>"."""
        from kczlib.report.narrative import templates

        title = " ".join(ax.get_title(loc="left") for ax in fig.axes if ax.get_title(loc="left"))
        title = title or (fig._suptitle.get_text() if fig._suptitle else "")
        return templates(self.lang)["appendix.chart_alt"].format(title=title.replace("\n", ""))

    def bars(self, name: str, items: list[tuple[str, Num]], title_key: str, unit_key: str, **slots) -> None:
        """Bars of `items` (label, Num), one unit per axis.

        Items that count different things (units, or measure words: 个 platforms, 人 people) are
        drawn as stacked panels.
        """
        from kczlib.report import plots

        nums = [n for _, n in items]
        groups: dict[str, list[tuple[str, Num]]] = {}
        for label, n in items:
            groups.setdefault(_unit_of(n), []).append((label, n))
        texts = dict(zip(map(id, nums), self.chart_texts(name, nums), strict=True))
        title, source = self.text(title_key, **slots), self.chart_source(nums)
        if len(groups) == 1:
            unit = next(iter(groups))
            fig = plots.bar_ranges([label for label, _ in items], [n.lower for n in nums], [n.upper for n in nums],
                                   title=title, unit_label=self.text(unit_key), source=source, lang=self.lang,
                                   texts=[texts[id(n)] for n in nums], unit=unit)
        else:
            facets = [{"labels": [label for label, _ in group], "lower": [n.lower for _, n in group],
                       "upper": [n.upper for _, n in group], "texts": [texts[id(n)] for _, n in group],
                       "unit_label": self.unit_label(unit), "unit": unit} for unit, group in groups.items()]
            fig = plots.bar_range_facets(facets, title=title, source=source, lang=self.lang)
        self.chart(fig, name, nums)

    def unit_label(self, unit: str) -> str:
        """An axis label for a unit key ("count:个"): 数量（个） / "count (units)"."""
        from kczlib.report.narrative import templates

        base, _, measure = unit.partition(":")
        words = templates(self.lang)
        key = f"appendix.measure.{measure}" if measure else f"appendix.unit.{base}"
        return words.get(key, measure or base)

    def funnel_chart(self, name: str, stages: list[tuple[str, Num]], title_key: str, unit_key: str) -> None:
        """Show stages [(template key, Num)] as a funnel, widest first, labelled with their values.

        Raises `ValueError` unless every stage is an exact figure (use `bars` for ranges).
        """
        from kczlib.report import plots

        if not all(n.is_point for _, n in stages):  # the funnel labels values: ranges would print as points
            raise ValueError(f"funnel {name!r}: every stage must be an exact figure; use bars() for ranges")
        fig = plots.funnel([self.text(k) for k, _ in stages], [n.point for _, n in stages], title=self.text(title_key),
                           unit_label=self.text(unit_key), source=self.chart_source([n for _, n in stages]),
                           lang=self.lang)
        self.chart(fig, name, [n for _, n in stages])

    def hatched(self, nums: list[Num]) -> list[bool]:
        """Which of `nums` a chart hatches: those resting on a low-confidence or derived context row."""
        from kczlib.data.context import context_value

        def weak(num):
            return any(isinstance(leaf.origin, ContextRef)
                       and context_value(leaf.origin.context_id, self.case).confidence in ("low", "derived")
                       for leaf in num.inputs())

        return [weak(n) for n in nums]



def _unit_of(num: Num) -> str:
    """What a number counts, for one-unit-per-axis charts: "count:个", "CNY", "percent"."""
    return f"{num.base_unit}:{num.measure}" if num.base_unit == "count" and num.measure else num.base_unit


def _mark_units(fig, nums: list[Num]) -> None:
    """Name on a single-panel chart's axes what its numbers count ("unit:count:家").

    Numbers that count different things give "unit:mixed:…" (the layout test refuses that). A
    count without a measure word (a derived count) takes the measure of the others.
    """
    plots = [ax for ax in fig.axes if not hasattr(ax, "_colorbar") and ax.get_label() != "<colorbar>"]
    if len(plots) != 1 or plots[0].get_gid():
        return
    plots[0].set_gid("unit:" + unit_key(nums))


def unit_key(nums: list[Num]) -> str:
    """What `nums` count, as one key for an axis ("count:家", "CNY").

    Numbers that count different things give "mixed:…" (sorted keys joined by "|"). A count
    without a measure word (a derived count) takes the measure of the others.
    """
    units = {_unit_of(n) for n in nums}
    if "count" in units and any(u.startswith("count:") for u in units):
        units.discard("count")
    return units.pop() if len(units) == 1 else "mixed:" + "|".join(sorted(units))

