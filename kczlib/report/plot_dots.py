"""Counts of different things on one logarithmic axis, as dots (issue 22, M9).

A chart kind of `kczlib.report.plots` kept in its own module; like every kind there it can be
drawn again for a phone (`plots.narrow_rendition`).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from kczlib.analysis.formatting import format_number
from kczlib.errors import ParameterError
from kczlib.report.chart_frame import finish as _finish
from kczlib.report.chart_frame import new_figure as _figure
from kczlib.report.chart_frame import text_size, wrap_to_width
from kczlib.report.plots import LABEL_GROUND, _check_lengths, _mark_unit, _num, _redrawable, lighten
from kczlib.report.theme import palette


@_redrawable
def dot_ranges_log(groups: list[dict], *, title: str, unit_label: str, source: str, lang: str = "zh",
                   unit: str | None = None) -> Figure:
    """Counts of different things as dots on one logarithmic axis, grouped by what they belong to.

    Issue 22, M9: bars of different kinds of count (个 platforms, 家 firms, 人 people) need
    either one axis each, where a lone bar fills its panel whatever its size, or one shared
    axis, where 7 and 20-plus vanish beside 10,000. A log axis shows every count and compares
    orders of magnitude only. Each row's label, with the report's printed value, stands on its
    own line above its dot (the full width of the plot, so it reads on a phone too); a dot
    marks the lower bound, a light line runs to the upper bound, and ">" marks an open upper end.

    Args:
        groups: dicts with "title" (the group's name, e.g. its chain; "" for none), "labels",
            "lower", "upper" and "texts" (one per row).
        title: the chart's title.
        unit_label: the axis label (it should say that the scale is logarithmic).
        source: the source line.
        lang: "zh" or "en".
        unit: what the axis counts, kept for the one-unit-per-axis check ("log:count:个|count:家").

    Returns:
        The figure: one axes, rows top to bottom in the order given, a group's name above its rows.

    Raises:
        ParameterError: a column's length differs from its labels, or a lower bound is not positive.
    """
    rows: list[tuple[str, float | None, float | None, str]] = []
    headers: list[int] = []
    for g in groups:
        _check_lengths(g["labels"], lower=g["lower"], upper=g["upper"], texts=g["texts"])
        if g.get("title") and len(groups) > 1:
            headers.append(len(rows))
            rows.append((g["title"], None, None, ""))
        rows += [(str(lab), _num(lo), _num(hi), str(tx)) for lab, lo, hi, tx in
                 zip(g["labels"], g["lower"], g["upper"], g["texts"], strict=True)]
    for label, lo, _, _ in (r for i, r in enumerate(rows) if i not in headers):
        if lo is None or lo <= 0:
            raise ParameterError("lower", f"row {label!r}: a log axis needs a positive lower bound")
    fig, ax = _figure()
    width = fig.get_size_inches()[0]
    size = text_size(9)
    texts = [wrap_to_width(label if i in headers else f"{label}  {text}", width * 0.84, size)
             for i, (label, _, _, text) in enumerate(rows)]
    # each row: its label's lines, then the dot (about two lines of text high)
    heights = [(t.count("\n") + 1) * 1.35 + (0 if i in headers else 1.6) for i, t in enumerate(texts)]
    tops = np.cumsum([0.0, *heights])
    color = palette()[0]
    for i, ((_label, lo, hi, _), text) in enumerate(zip(rows, texts, strict=True)):
        y_text = -tops[i] - 0.2
        if i in headers:
            ax.text(0.012, y_text, text, transform=ax.get_yaxis_transform(), va="top", ha="left", fontsize=size,
                    color="dimgrey", gid="group")
            continue
        ax.text(0.012, y_text, text, transform=ax.get_yaxis_transform(), va="top", ha="left", fontsize=size,
                gid="labelled", bbox=LABEL_GROUND)  # no gridline through the label
        y = -tops[i + 1] + 0.8
        assert lo is not None  # checked above
        if hi is not None and hi > lo:
            ax.plot([lo, hi], [y, y], color=lighten(color), linewidth=5, solid_capstyle="butt", gid="interval")
        ax.plot([lo], [y], "o", color=color, markersize=7, gid="dot")
        if hi is None:
            ax.plot([lo * 1.6], [y], marker=">", markersize=7, color=color, linestyle="none", gid="open_upper")
    left = min(r[1] for r in rows if r[1]) / 2  # the axis: half the smallest to twice the largest
    right = max(r[2] or r[1] * 1.6 for r in rows if r[1]) * 2
    ax.set_xscale("log")
    # within two powers of ten, ticks at 1, 2 and 5 of each (10, 20, 50): a dot at 16 between
    # ticks at 1 and 10 only could not be read off the axis
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0) if right / left < 100 else (1.0,)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, lang, sig=None)))
    ax.xaxis.set_minor_formatter(NullFormatter())  # labels on the major ticks only
    ax.set_yticks([])
    ax.set_ylim(-tops[-1] - 0.2, 0.0)
    ax.set_xlabel(unit_label)
    ax.grid(axis="x", which="major", visible=True)
    ax.set_xlim(left, right)
    fig.set_size_inches(width, fig.get_size_inches()[1] + max(0.0, tops[-1] * size / 72 - 1.6))
    _mark_unit(ax, unit)
    return _finish(fig, ax, title, source, lang)


__all__ = ["dot_ranges_log"]
