"""Charts as a report shows them: ledgered value labels, source lines, one unit per axis.

`ChartMethods` is the part of `Report` that draws: `report.bars(...)`, `funnel_chart`
and `chart(fig, ...)` for a figure drawn by `kczlib.report.plots`. Each
records the numbers it draws in the ledger (where: "chart:<name>"), so the appendix lists
them, and names their origins in the chart's source line.
"""

from __future__ import annotations

from collections.abc import Callable

from kczlib.analysis.ledger import Ledger
from kczlib.analysis.num import ContextRef, FigureRef, Num, Parameter, Period
from kczlib.errors import ParameterError
from kczlib.report.chart_words import chart_word, check_lang, origin_separator, source_prefix
from kczlib.report.display import show_png
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

    Case figures cite the case document; context rows their original publisher, with the
    host of the page read as the access route and the row's confidence (derived rows say
    so); parameters "assumption: <name>";
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
                text = chart_word(key, lang).format(publisher=c.publisher_in(lang), host=c.access_host,
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

        The chart is drawn twice: as given (wide screens) and again for a phone
        (`plots.narrow_rendition`), whose PNG rides in the output's metadata
        (`kcz.narrow`, base64) for the reader page's `<picture>`. `origins` is what its source
        line cites, when that is more than the labelled numbers (e.g. an assumed start year).
        """
        from kczlib._testing import write_layout
        from kczlib.report import plots, theme

        ledger = require_ledger(self.ledger)
        for n in nums:
            ledger.record(n, f"chart:{name}")
        self.charts.append((name, list(origins or nums), plots.drawn_source(fig)))
        kcz: dict = {"part": self.part, "chart": name}
        phone = plots.narrow_rendition(fig)
        for drawn in (fig, phone):
            if drawn is not None:
                _mark_units(drawn, nums)
        # the PNGs shown are the drawing checked for missing glyphs (no extra draw only to check)
        with theme.glyph_check() as problems:
            if phone is not None:
                phone.draw_without_rendering()  # its layout settles on a first draw, as it always has
                kcz["narrow"] = theme.png_base64(phone, theme.NARROW_DPI)
            wide = theme.inline_png(fig)
        if problems:
            raise RuntimeError(f"chart {name!r} has missing glyphs: {problems[0]}")
        for drawn, suffix in ((fig, ""), (phone, NARROW_SUFFIX)):
            if drawn is not None:  # measured at the figure's own dpi (the layout tests; KCZ_CHART_LAYOUT)
                write_layout(drawn, f"{self.notebook}-{self.lang}-{name}{suffix}")
        kcz["alt"] = self.chart_alt(fig, drawn=True)
        show_png(wide, repr(fig), {"kcz": kcz})
        import matplotlib.pyplot as plt

        plt.close(fig)

    def chart_alt(self, fig, *, drawn: bool = False) -> str:
        """The chart's alt text in the page language: its title, then what it plots with the numbers.

        "图表：<标题>。<类别> <数值>；…" / "Chart: <title>. <category> <value>; …": each value label
        the chart draws, with the category (row, column or year) it belongs to (issue 22, L8: an
        alt text of titles alone told a reader who cannot see the chart nothing).
        """
        title = fig._suptitle.get_text() if fig._suptitle else ""
        title = title or " ".join(ax.get_title(loc="left") for ax in fig.axes if ax.get_title(loc="left"))
        items = chart_values(fig, drawn=drawn)
        return chart_word("alt.text", self.lang).format(
            title=title.replace("\n", ""), items=chart_word("alt.separator", self.lang).join(items))

    def bars(self, name: str, items: list[tuple[str, Num]], title_key: str, unit_key: str,
             groups: list[str] | None = None, **slots) -> None:
        """Bars of `items` (label, Num), one unit per axis.

        Items that count different things (units, or measure words: 个 platforms, 人 people) are
        drawn as dots on one logarithmic axis (`plot_dots.dot_ranges_log`), grouped by what they
        belong to, never as panels keyed by measure word (issue 22, M9).

        Args:
            name: the chart's name (ledger place "chart:<name>").
            items: (label, Num) per bar, top to bottom.
            title_key: the title's template key (`slots` fill it).
            unit_key: the axis label's template key, when every item counts the same thing.
            groups: per item, the chain (`common.chains.<chain>`) it is grouped under on a log
                axis; by default the figures.csv `chain` of its first case figure.
            **slots: the title template's slots.

        Raises:
            ParameterError: `groups` is not one per item.
        """
        from kczlib.report import plot_dots, plots

        nums = [n for _, n in items]
        units = {_unit_of(n) for n in nums}
        texts = dict(zip(map(id, nums), self.chart_texts(name, nums), strict=True))
        title, source = self.text(title_key, **slots), self.chart_source(nums)
        if len(units) == 1:
            unit = next(iter(units))
            fig = plots.bar_ranges([label for label, _ in items], [n.lower for n in nums], [n.upper for n in nums],
                                   title=title, unit_label=self.text(unit_key), source=source, lang=self.lang,
                                   texts=[texts[id(n)] for n in nums], unit=unit)
        else:  # counts of different things: one log axis, rows grouped by chain (issue 22, M9)
            chains: dict[str, list[tuple[str, Num]]] = {}
            keys = groups if groups is not None else [self.chain_of(n) for n in nums]
            if len(keys) != len(items):
                raise ParameterError("groups", f"has {len(keys)} items for {len(items)} bars")
            for key, (label, n) in zip(keys, items, strict=True):
                chains.setdefault(key, []).append((label, n))
            panels = [{"title": self.chain_name(chain), "labels": [label for label, _ in group],
                       "lower": [n.lower for _, n in group], "upper": [n.upper for _, n in group],
                       "texts": [texts[id(n)] for _, n in group]} for chain, group in chains.items()]
            fig = plot_dots.dot_ranges_log(panels, title=title, unit_label=chart_word("axis.log_counts", self.lang),
                                       source=source, lang=self.lang, unit="log:" + "|".join(sorted(units)))
        self.chart(fig, name, nums)

    def chain_of(self, num: Num) -> str:
        """The chain (figures.csv `chain`) of the case figures behind `num`: the first one's, or ""."""
        from kczlib.data.figures import figure

        for leaf in num.inputs():
            if isinstance(leaf.origin, FigureRef):
                return figure(leaf.origin.figure_id, self.case).chain
        return ""

    def chain_name(self, chain: str) -> str:
        """A chain's name for readers (`common.chains.<chain>`), or "" for none."""
        from kczlib.report.narrative import templates

        return templates(self.lang).get(f"common.chains.{chain}", "") if chain else ""

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



NARROW_SUFFIX = "~narrow"  # a chart's phone rendition, in layout file names


def chart_values(fig, *, drawn: bool = False) -> list[str]:
    """What a drawn chart says, as "<category> <value label>" per value label it draws.

    A value label (an annotation) takes the category label of its row (a category y axis:
    bars, dots, heatmap rows), of its column (a category x axis: heatmap columns), or the year
    of a line's point; the category's line breaks are removed.

    Args:
        fig: a figure drawn by `kczlib.report.plots`.
        drawn: `fig` has just been drawn (its ticks exist): it is not drawn again.

    Returns:
        One string per value label, in drawing order.
    """
    if not drawn:
        fig.draw_without_rendering()
    items = []
    for ax in fig.axes:
        ys, xs = _categories(ax.yaxis), _categories(ax.xaxis)
        for t in ax.texts:
            text = t.get_text().strip().replace("\n", "")
            if not text:
                continue
            if t.get_gid() in ("labelled", "group"):  # the text names its row itself (a dot plot), or its group
                items.append(text)
                continue
            x, y = t.xy if hasattr(t, "xy") else t.get_position()
            parts = [c for c in (_nearest(ys, y), _nearest(xs, x)) if c]
            if not parts and float(x).is_integer() and not xs:
                parts = [str(int(x))]  # a line's point: its year
            items.append(" ".join([*parts, text]))
    return items


def _categories(axis) -> dict[float, str]:
    """The category labels of an axis by tick position; {} for a numeric axis.

    A category axis has fixed tick positions with labels (`set_yticks(positions, labels)`,
    seaborn's heatmaps); a numeric one places and formats its ticks from the data.
    """
    from matplotlib.ticker import FixedLocator

    if not isinstance(axis.get_major_locator(), FixedLocator):
        return {}
    return {float(v): t.get_text().replace("\n", "")
            for v, t in zip(axis.get_ticklocs(), axis.get_ticklabels(), strict=False)}


def _nearest(categories: dict[float, str], v: float) -> str:
    if not categories:
        return ""
    tick = min(categories, key=lambda c: abs(c - v))
    return categories[tick] if abs(tick - v) <= 0.5 else ""


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

