"""Pure matplotlib drawing: the report's chart kinds, each a `Figure` built without pyplot.

    >>> from kczlib.report import plots, theme
    >>> theme.set_theme("zh")
    >>> fig = plots.compare_bars(["甲市", "乙市"], [99.4, 80], title="…", unit_label="亿元",
    ...                          source="甲市科协", lang="zh")
    >>> type(fig).__name__
    'Figure'

Nothing is shown twice or leaked in notebooks; end a cell with the figure (or call
`display(fig)`) to show it. Every chart has a source line at the bottom; missing values
(None, NaN, pd.NA) are not drawn and are named in it. Numbers reach a chart already
formatted (`texts`), so a chart prints what the text prints.
"""

from __future__ import annotations

import functools
import numbers

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import MaxNLocator

from kczlib.analysis.formatting import format_number, format_share
from kczlib.errors import ParameterError
from kczlib.report.chart_frame import add_legend, drawn_source, is_narrow, narrow, text_size, wrap_to_width
from kczlib.report.chart_frame import finish as _finish
from kczlib.report.chart_frame import new_figure as _figure
from kczlib.report.chart_frame import source_only as _source_only
from kczlib.report.chart_words import chart_word, origin_separator
from kczlib.report.theme import palette
from kczlib.words import word

# --- shared chart parts -----------------------------------------------------------

def _redrawable(draw):
    """Keep on the figure how it was drawn, so `narrow_rendition` can draw it again for a phone."""
    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        fig = draw(*args, **kwargs)
        fig._kcz_redraw = functools.partial(draw, *args, **kwargs)
        return fig
    return wrapper


def narrow_rendition(fig: Figure) -> Figure | None:
    """The same chart drawn again for a phone (`chart_frame.narrow`).

    None for a figure not drawn by this module (there is nothing to redraw it from).

    Args:
        fig: a figure returned by a chart function of this module.

    Returns:
        A new figure, NARROW_WIDTH inches wide with no text under NARROW_MIN_PT points.
    """
    redraw = getattr(fig, "_kcz_redraw", None)
    if redraw is None:
        return None
    with narrow():
        return redraw()


def _num(v) -> float | None:
    """None for missing bounds, whether None, NaN or pandas NA."""
    return None if v is None or pd.isna(v) else float(v)


# --- missing values (None, NaN, pd.NA; nullable Float64/Int64 columns) ---------------


def _floats(values) -> list[float]:
    """`values` (a list, array or Series, nullable dtypes included) as floats.

    NaN where a value is missing: matplotlib draws nothing there (no bar, a gap in a line).
    """
    return [np.nan if n is None else n for n in map(_num, list(values))]


def _with_missing_note(source: str, missing, lang: str) -> str:
    """`source` with a note naming the missing items, so a gap is never read as a zero."""
    names = [str(m) for m in missing]
    if not names:
        return source
    note = chart_word("missing.note", lang).format(items=chart_word("missing.separator", lang).join(names))
    return f"{source}{origin_separator(lang)}{note}"


def lighten(color, amount: float = 0.6) -> tuple[float, float, float]:
    """`color` mixed with white; opaque, so grid lines stay behind uncertain spans."""
    return tuple(c + (1 - c) * amount for c in color[:3])


# under a value label: the plot's own background, so no gridline runs through its text
LABEL_GROUND = {"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none"}


def _bar_labels(ax, texts, positions, xs) -> None:
    for text, y, x in zip(texts, positions, xs, strict=True):
        ax.annotate(text, (x, y), xytext=(8, 0), textcoords="offset points",
                    va="center", ha="left", fontsize=text_size(9), bbox=LABEL_GROUND)


# --- bar_ranges -------------------------------------------------------------------

def _range_text(lo, hi, lang) -> str:
    def n(v):
        return format_number(v, lang, sig=3)

    if lo is not None and hi is not None:  # an exact value prints as stated, a range to 3 digits
        if lo == hi:  # whole numbers are stated counts: print them in full (7821, not 7820)
            return format_number(lo, lang, sig=None if float(lo).is_integer() else 3)
        return f"{n(lo)}–{n(hi)}"
    if lo is not None:
        return f"≥ {n(lo)}"
    if hi is not None:
        return f"≤ {n(hi)}"
    return word("numbers", "interval.unknown", lang)


# Low-confidence and derived external numbers are hatched, so a reader tells them apart
# at a glance from figures a government page or reputable outlet states.
HATCH = "///"


def hatch_legend(ax, label: str, below: bool = False) -> None:
    """A legend entry explaining the hatching (drawn only when some bar is hatched).

    It goes under the plot areas, above the source line (`chart_frame.add_legend`): never over
    a bar (issue 22, H2). `below` is kept for callers; every legend is below now.
    """
    from matplotlib.patches import Patch

    add_legend(ax.figure, [Patch(facecolor="white", edgecolor="grey", hatch=HATCH, label=label)])


def range_legend(ax, lang: str) -> None:
    """Legend entries for the range marks `_draw_range` drew on `ax` (words: charts.toml `chart.range`).

    The light segment of a qualified figure's range, the arrow-heads of an open bound. Only
    marks drawn on `ax` get an entry (matched by their gid), so a chart of exact values has
    none; entries already on the figure are not repeated (`add_legend`).
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    first: dict = {}  # gid -> the first mark drawn with it: its entry takes that mark's colour
    for mark in (*ax.patches, *ax.lines):
        first.setdefault(mark.get_gid(), mark)
    handles: list = []
    if "interval" in first:
        handles.append(Patch(facecolor=first["interval"].get_facecolor(), label=chart_word("range.interval", lang)))
    for gid, marker in (("open_upper", ">"), ("open_lower", "<")):
        if gid in first:
            handles.append(Line2D([], [], marker=marker, markersize=9, linestyle="none", color=first[gid].get_color(),
                                  label=chart_word(f"range.{gid}", lang)))
    add_legend(ax.figure, handles)


def _draw_range(ax, y, lo, hi, color, hatch=None) -> float:
    """Draw one row; return the x where its label goes (`hatch`: a low-confidence row)."""
    style = {"hatch": hatch, "edgecolor": "white" if hatch else None, "linewidth": 0}
    if lo is not None and hi is not None and lo == hi:
        ax.barh(y, lo, color=color, gid="exact", **style)
        return lo
    if lo is not None:
        ax.barh(y, lo, color=color, gid="known", **style)  # the part that is certain
    if lo is not None and hi is not None:
        ax.barh(y, hi - lo, left=lo, color=lighten(color), gid="interval", **style)
        return hi
    if lo is not None:  # no upper bound: an arrow-head pointing into the open side
        ax.plot([lo], [y], marker=">", markersize=9, color=color, gid="open_upper")
        return lo
    if hi is not None:
        ax.barh(y, hi, color=lighten(color), gid="interval", **style)
        ax.plot([hi], [y], marker="<", markersize=9, color=color, gid="open_lower")
        return hi
    return 0.0


def _bar_rows(ax, labels, lower, upper, point, texts, lang, hatched=None, legend: str = "") -> None:
    color = palette()[0]
    ends = []
    hatched = hatched or [False] * len(labels)
    for y, (lo, hi) in enumerate(zip(lower, upper, strict=True)):
        lo, hi = _num(lo), _num(hi)
        if lo is not None and hi is not None and lo > hi:
            raise ParameterError("lower", f"row {labels[y]!r}: lower {lo:g} > upper {hi:g}")
        ends.append(_draw_range(ax, y, lo, hi, color, HATCH if hatched[y] else None))
    if any(hatched) and legend:
        hatch_legend(ax, legend)
    range_legend(ax, lang)
    if point is not None:
        ys = [y for y, p in enumerate(point) if _num(p) is not None]
        ax.plot([_num(point[y]) for y in ys], ys, "o", color="black", markersize=4, gid="point")
    if texts is None:
        texts = [_range_text(_num(lo), _num(hi), lang) for lo, hi in zip(lower, upper, strict=True)]
    _bar_labels(ax, texts, range(len(labels)), ends)


@_redrawable
def bar_ranges(labels, lower, upper, *, title: str, unit_label: str, source: str,
               point=None, lang: str = "zh", texts=None, unit: str | None = None, hatched=None,
               legend: str = "") -> Figure:
    """Horizontal bars for figures that may be intervals.

    Exact values (lower == upper) are solid bars; an interval is solid up to its
    lower bound and light from lower to upper; a missing upper bound is an arrow-head
    (">") at the lower bound, a missing lower bound a "<" at the upper one. Each row
    is labelled with its value or range (`texts`: the report's printed strings, so a
    label reads exactly as the text does); `point`, if given, marks stated values.
    `unit` names what every bar counts (kept on the axes for the one-unit-per-axis check);
    `hatched` rows (low confidence) are hatched and `legend` explains the hatching.
    """
    _check_lengths(labels, lower=lower, upper=upper, point=point, texts=texts, hatched=hatched)
    fig, ax = _figure(len(labels))
    _bar_rows(ax, labels, lower, upper, point, texts, lang, hatched, legend)
    _category_axis(ax, labels, unit_label)
    _mark_unit(ax, unit)
    return _finish(fig, ax, title, source, lang)


@_redrawable
def bar_range_facets(facets: list[dict], *, title: str, source: str, lang: str = "zh") -> Figure:
    """`bar_ranges` split into one panel per unit, stacked, each with its own axis.

    Bars that count different things (platforms, people, projects) never share a scale. Every
    panel has at least two bars: a single bar fills its own axis whatever its size (issue 22,
    M9), so counts of different things go to `kczlib.report.plot_dots.dot_ranges_log` instead.

    `facets`: dicts with labels, lower, upper, unit_label and optional texts, point, unit
    (as for `bar_ranges`). Panels are as tall as their rows.
    """
    for f in facets:
        _check_lengths(f["labels"], lower=f["lower"], upper=f["upper"], point=f.get("point"), texts=f.get("texts"))
        if len(f["labels"]) < 2:  # issue 22, M9: one bar on its own axis looks as long as any other
            raise ParameterError("facets", f"panel {f.get('unit_label')!r} has a single bar on its own axis;"
                                           " draw counts of different things with plot_dots.dot_ranges_log")
    rows = [len(f["labels"]) for f in facets]
    fig, _ = _figure(sum(rows) + len(facets))
    fig.clear()
    axes = fig.subplots(len(facets), 1, gridspec_kw={"height_ratios": [r + 0.8 for r in rows]}, squeeze=False)[:, 0]
    for ax, f in zip(axes, facets, strict=False):
        _bar_rows(ax, f["labels"], f["lower"], f["upper"], f.get("point"), f.get("texts"), lang,
                  f.get("hatched"), f.get("legend", ""))
        _category_axis(ax, f["labels"], f["unit_label"])
        _mark_unit(ax, f.get("unit"))
    return _finish(fig, axes[0], title, source, lang)


def _mark_unit(ax, unit: str | None) -> None:
    if unit is not None:
        ax.set_gid(f"unit:{unit}")


def _category_axis(ax, labels, unit_label: str) -> None:
    size = FontProperties(size=mpl.rcParams["ytick.labelsize"]).get_size_in_points()
    # long labels wrap at about a third of the figure, so the bars keep their room
    share = 0.36 if is_narrow() else 0.33  # a phone's figure is narrow: labels take more of it, bars keep over 40%
    labels = ["\n".join(wrap_to_width(line, ax.figure.get_size_inches()[0] * share, size)
                         for line in str(label).split("\n")) for label in labels]
    _room_for_lines(ax, labels, size)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()  # first item on top, as in a table
    ax.set_xlabel(unit_label)
    ax.margins(x=0.18)  # room for the value labels; bars keep the left edge at 0
    ax.grid(axis="y", visible=False)


def _room_for_lines(ax, labels, size: float) -> None:
    """Grow the figure so each row has room for its wrapped label (lines x 1.4 x font size)."""
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    fig = ax.figure
    width, height = fig.get_size_inches()
    share = ax.get_subplotspec().get_gridspec().get_height_ratios()
    share = 1.0 if share is None else share[ax.get_subplotspec().rowspan.start] / sum(share)
    need = len(labels) * lines * size * 1.4 / 72 / 0.7  # the plot takes about 70% of its panel
    if need > height * share:
        fig.set_size_inches(width, height + need - height * share)


def _check_lengths(labels, **columns) -> None:
    for name, column in columns.items():
        if column is not None and len(column) != len(labels):
            raise ParameterError(name, f"has {len(column)} items for {len(labels)} labels")


# --- funnel -----------------------------------------------------------------------

def _rate_text(prev: float, cur: float, lang: str) -> str | None:
    if prev <= 0:
        return None
    r = cur / prev
    sig = 2 if prev < 30 else 3  # a handful of items cannot carry three digits
    rate = format_share(r, lang, sig=sig) if 0 <= r <= 1 else format_number(r, lang, sig=sig) + "×"
    return f"{chart_word('funnel.conversion', lang)} {rate}"


@_redrawable
def funnel(stage_labels, values, *, title: str, unit_label: str, source: str,
           lang: str = "zh") -> Figure:
    """Stages as horizontal bars, top to bottom, each annotated with its value and conversion rate.

    The rate is from the stage above. Use it only where the source states that each stage is a
    subset of the one above; otherwise draw `bar_ranges` side by side.
    """
    _check_lengths(stage_labels, values=values)
    fig, ax = _figure(len(stage_labels))
    values = _floats(values)
    ax.barh(range(len(values)), np.nan_to_num(values), color=palette()[0])
    texts = []
    for i, v in enumerate(values):
        if np.isnan(v):
            texts.append(chart_word("missing.label", lang))
            continue
        rate = _rate_text(values[i - 1], v, lang) if i and not np.isnan(values[i - 1]) else None
        texts.append(format_number(v, lang, sig=3) + (f"  ({rate})" if rate else ""))
    _bar_labels(ax, texts, range(len(values)), np.nan_to_num(values))
    _category_axis(ax, stage_labels, unit_label)
    ax.margins(x=0.35)  # conversion labels are long
    missing = [label for label, v in zip(stage_labels, values, strict=True) if np.isnan(v)]
    return _finish(fig, ax, title, _with_missing_note(source, missing, lang), lang)


# --- line_path --------------------------------------------------------------------

@_redrawable
def line_path(x, y, *, title: str, unit_label: str, source: str, lang: str = "zh",
              y_lower=None, y_upper=None, texts=None, marked=None, dashed: bool = False) -> Figure:
    """A line, with a light band between `y_lower` and `y_upper` when either is given.

    A missing side of the band falls back to the line itself; `texts` label the points (the
    report's printed strings for them). `marked` (indices) limits the point markers to those
    points, e.g. a base and an end point on an illustrative path; `dashed` draws the line dashed.
    """
    _check_lengths(x, y=y, y_lower=y_lower, y_upper=y_upper, texts=texts)
    fig, ax = _figure()
    color = palette()[0]
    x, y = list(x), _floats(y)
    ax.plot(x, y, marker="o", color=color, markevery=marked,
            linestyle="--" if dashed else "-")  # a missing y is a gap in the line
    for xi, yi, text in zip(x, y, texts or [], strict=False):
        if np.isnan(yi):
            continue
        ax.annotate(text, (xi, yi), xytext=(0, 8), textcoords="offset points", ha="center", fontsize=text_size(8),
                    gid="point_label")
    if texts:
        ax.margins(x=0.12, y=0.15)
    if y_lower is not None or y_upper is not None:
        lo = _floats(y_lower) if y_lower is not None else y
        hi = _floats(y_upper) if y_upper is not None else y
        ax.fill_between(x, lo, hi, color=lighten(color, 0.7), linewidth=0, gid="band")
    # Whole-number x (years) gets whole-number ticks: no "2019.25".
    if all(isinstance(v, numbers.Real) and float(v).is_integer() for v in x):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(unit_label)
    missing = [xi for xi, yi in zip(x, y, strict=True) if np.isnan(yi)]
    return _finish(fig, ax, title, _with_missing_note(source, missing, lang), lang)


# --- grid_heatmap -----------------------------------------------------------------

@_redrawable
def grid_heatmap(frame: pd.DataFrame, *, title: str, unit_label: str, source: str,
                 lang: str = "zh", fmt=".3g", labels: pd.DataFrame | None = None) -> Figure:
    """A scenario grid (rows x columns of a DataFrame) as an annotated heatmap.

    `fmt` is a format spec (".1f") or a callable value -> text, e.g.
    `lambda v: format_number(v, "en", sig=3)` for thousands separators; `labels`, a frame
    of texts shaped like `frame`, overrides it (the report's printed strings per cell).
    """
    fig, ax = _figure(len(frame.index), width=max(6.0, 1.2 + 0.9 * len(frame.columns)))
    # nullable columns (Float64, pd.NA) as plain floats: a missing cell is left blank
    frame = pd.DataFrame([_floats(row) for row in frame.itertuples(index=False)],
                         index=frame.index, columns=frame.columns)
    if labels is not None:
        if labels.shape != frame.shape:
            raise ParameterError("labels", f"has shape {labels.shape}, the grid {frame.shape}")
        annot, spec = labels.to_numpy(), ""
    else:
        annot, spec = (frame.map(lambda v: "" if np.isnan(v) else fmt(v)), "") if callable(fmt) else (True, fmt)
    cbar_kws: dict = {"label": unit_label}
    annot_kws: dict = {}
    if is_narrow():  # a phone: the colour bar goes under the grid, long cell texts and column names wrap
        cell = fig.get_size_inches()[0] * 0.62 / max(1, len(frame.columns))
        annot_kws = {"fontsize": text_size(9)}
        label_size = FontProperties(size=mpl.rcParams["axes.labelsize"]).get_size_in_points()
        cbar_kws.update(orientation="horizontal", pad=0.22, aspect=30,
                        label=wrap_to_width(unit_label, fig.get_size_inches()[0] * 0.85, label_size))
        if spec == "" and not isinstance(annot, bool):
            annot = np.vectorize(lambda t: wrap_to_width(str(t), cell * 0.9, text_size(9)))(np.asarray(annot))
    sns.heatmap(frame, annot=annot, fmt=spec, cmap="crest", ax=ax, cbar_kws=cbar_kws, annot_kws=annot_kws,
                linewidths=0.5)
    ax.tick_params(axis="y", labelrotation=0)  # Chinese row labels read horizontally
    if is_narrow():
        size = FontProperties(size=mpl.rcParams["xtick.labelsize"]).get_size_in_points()
        ax.set_xticklabels([wrap_to_width(t.get_text(), cell * 0.9, size) for t in ax.get_xticklabels()],
                           rotation=0)
    missing = [f"{r} / {c}" for r in frame.index for c in frame.columns if np.isnan(frame.at[r, c])]
    return _finish(fig, ax, title, _with_missing_note(source, missing, lang), lang)


# --- compare_bars -----------------------------------------------------------------

@_redrawable
def compare_bars(labels, values, *, title: str, unit_label: str, source: str,
                 lang: str = "zh", highlight=None, notes=None, sig: int | None = 3, texts=None,
                 hatched=None, legend: str = "") -> Figure:
    """Benchmark comparison: one bar per label, the `highlight` label (or labels, a list) in the accent colour.

    `notes` (one per bar, may be empty) follow the value labels, which are `texts` when given
    (the report's printed strings) or the values at `sig` digits. `hatched` bars (low
    confidence or derived) are hatched, and `legend` says so.
    """
    _check_lengths(labels, values=values, notes=notes, texts=texts, hatched=hatched)
    marked = [highlight] if isinstance(highlight, str) else list(highlight or [])
    for one in marked:
        if one not in list(labels):
            raise ParameterError("highlight", f"{one!r} is not one of the labels")
    base, accent = palette()[0], palette()[1]
    colors = [accent if label in marked else base for label in labels]
    fig, ax = _figure(len(labels))
    values = _floats(values)
    bars = ax.barh(range(len(values)), np.nan_to_num(values), color=colors)
    for bar, h in zip(bars, hatched or [], strict=False):
        if h:
            bar.set_hatch(HATCH)
            bar.set_edgecolor("white")
            bar.set_gid("hatched")
    if any(hatched or []) and legend:
        hatch_legend(ax, legend)
    if texts is None:  # sig=None: stated figures as written
        texts = [chart_word("missing.label", lang) if np.isnan(v) else format_number(v, lang, sig=sig) for v in values]
    if notes is not None and is_narrow():  # on a phone a note goes under its row's label: no room at the bar's end
        labels = [f"{label}\n{n}" if isinstance(n, str) and n else label
                  for label, n in zip(labels, notes, strict=True)]
    elif notes is not None:
        texts = [f"{t}  {n}" if n and not pd.isna(n) else t for t, n in zip(texts, notes, strict=True)]
    _bar_labels(ax, texts, range(len(values)), [max(v, 0.0) if not np.isnan(v) else 0.0 for v in values])
    _category_axis(ax, labels, unit_label)
    if notes is not None and any(isinstance(n, str) and n for n in notes) and not is_narrow():
        ax.margins(x=0.5)  # room for the value label and its note (a confidence label)
    missing = [label for label, v in zip(labels, values, strict=True) if np.isnan(v)]
    return _finish(fig, ax, title, _with_missing_note(source, missing, lang), lang)


# --- paired_ranges ------------------------------------------------------------------

@_redrawable
def paired_ranges(labels, left, right, *, titles: tuple[str, str], units: tuple[str, str], title: str,
                  source: str, lang: str = "zh", hatched=None, legend: str = "",
                  unit_keys: tuple[str | None, str | None] = (None, None)) -> Figure:
    """Two quantities of the same points (e.g. cumulative lending and firms), one panel each, stacked.

    Every panel has its own axis and the rows repeated: side by side, two panels would each get
    too narrow a plot area. `left`/`right`: (lower, upper, texts) per row, drawn as `bar_ranges`
    draws them (solid to the lower bound, light to the upper, arrow-heads for open ends);
    `titles`: the panels' subtitles; `units`: their axis labels; `unit_keys`: what each panel
    counts ("CNY", "count:家"), kept for the one-unit-per-axis check; `hatched`: (left flags,
    right flags), the low-confidence bars of each panel. Raises ParameterError when a column's
    length differs from `labels`.
    """
    hatched = hatched or ([False] * len(labels), [False] * len(labels))
    for name, (lo, hi, tx), flags in (("left", left, hatched[0]), ("right", right, hatched[1])):
        _check_lengths(labels, **{f"{name}_lower": lo, f"{name}_upper": hi, f"{name}_texts": tx,
                                  f"{name}_hatched": flags})
    fig, _ = _figure(2 * len(labels) + 2)
    fig.clear()
    axes = fig.subplots(2, 1, gridspec_kw={"height_ratios": [1, 1]}, squeeze=False)[:, 0]
    panels = zip(axes, (left, right), hatched, palette()[:2], titles, units, unit_keys, strict=False)
    for ax, (lower, upper, texts), flags, color, sub, unit_label, key in panels:
        ends = [_draw_range(ax, y, _num(lo), _num(hi), color, HATCH if flags[y] else None)
                for y, (lo, hi) in enumerate(zip(lower, upper, strict=True))]
        _bar_labels(ax, texts, range(len(labels)), ends)
        range_legend(ax, lang)
        _category_axis(ax, labels, unit_label)
        ax.margins(x=0.4)  # room for "more than CNY 40 bn" beyond the longest bar
        ax.set_title(sub, loc="left", fontsize=text_size(9))
        _mark_unit(ax, key)
    if (any(hatched[0]) or any(hatched[1])) and legend:
        hatch_legend(axes[1], legend, below=True)
    size = FontProperties(size=mpl.rcParams["axes.titlesize"]).get_size_in_points()
    fig.suptitle(wrap_to_width(title, fig.get_size_inches()[0] * 0.9, size), x=0.01, ha="left", fontsize=size)
    _source_only(fig, source, lang)
    return fig


# --- multi_path -----------------------------------------------------------------------

@_redrawable
def multi_path(series: list[tuple[str, list, list, list]], *, title: str, unit_label: str, source: str,
               lang: str = "zh", ends_only: bool = False) -> Figure:
    """Several lines on one axis, one per scenario: (label, x, y, point texts).

    `ends_only` marks only each line's first and last point and dashes the line (an
    illustrative path between a base and an end point).
    """
    fig, ax = _figure()
    for k, ((label, x, y, texts), color) in enumerate(zip(series, palette(), strict=False)):
        ax.plot(x, y, marker="o", color=color, label=label, markevery=[0, len(x) - 1] if ends_only else None,
                linestyle="--" if ends_only else "-")
        # on a phone the labels are larger than the gap between years: every other line's go below it
        below = is_narrow() and k % 2 == 1
        for i, (xi, yi, text) in enumerate(zip(x, y, texts, strict=True)):
            text = wrap_to_width(text, 0.75, text_size(7)) if is_narrow() else text
            # on a phone a label centred on the last point runs past the plot's right edge: it ends there
            last = is_narrow() and i == len(x) - 1
            ax.annotate(text, (xi, yi), xytext=(-4 if last else 0, -9 if below else 8), textcoords="offset points",
                        ha="right" if last else "center", va="top" if below else "baseline", fontsize=text_size(7),
                        color=color, gid="point_label")
    ax.margins(x=0.1, y=0.2)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(unit_label)
    add_legend(fig, ax.get_legend_handles_labels()[0])
    return _finish(fig, ax, title, source, lang)


__all__ = ["HATCH", "bar_range_facets", "bar_ranges", "compare_bars", "drawn_source", "funnel",
           "grid_heatmap", "hatch_legend", "lighten", "line_path", "multi_path", "narrow_rendition", "paired_ranges",
           "range_legend", "wrap_to_width"]
