"""Test instrumentation, like seaborn's `_testing`: the drawn layout of a chart.

With the environment variable KCZ_CHART_LAYOUT set to a folder, every chart a report
shows writes its measured layout there (`write_layout`); the layout tests read these
after a real build. Without it, nothing is written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.text import Text

LAYOUT_ENV = "KCZ_CHART_LAYOUT"


def _box(extent, width: float, height: float) -> list[float]:
    return [extent.x0, extent.y0, extent.x1, extent.y1]


def _axis_texts(ax) -> list[tuple[str, Text]]:
    """The texts an axes draws: titles, axis labels, the tick labels in view, annotations."""
    texts = [("title", t) for t in (ax.title, ax._left_title, ax._right_title)]
    texts += [("axis_label", ax.xaxis.label), ("axis_label", ax.yaxis.label)]
    for axis in (ax.xaxis, ax.yaxis):
        for tick in axis._update_ticks():  # only the ticks drawn (inside the view limits)
            texts += [("tick", tick.label1), ("tick", tick.label2)]
    return texts + [("annotation", t) for t in ax.texts]


def chart_layout(fig) -> dict:
    """What the drawn figure looks like, in display pixels (origin bottom left).

    {"width", "height": figure size; "axes": [{"box": [x0, y0, x1, y1], "role": "plot" |
    "colorbar", "rows", "unit", "xscale", "shared"}]; "texts": [{"text", "role", "box"}] for
    every visible non-empty text (titles, axis and tick labels, value labels, legend entries,
    the source line); "legends": [box] of every legend; "marks": [box] of every bar and data
    line drawn}. Draws the figure.
    """
    fig.draw_without_rendering()  # the layout engine runs, as when the PNG is written
    renderer = fig._get_renderer()
    w, h = fig.bbox.width, fig.bbox.height
    axes, texts, marks, legends = [], [], [], []
    for ax in fig.axes:
        role = "colorbar" if hasattr(ax, "_colorbar") or ax.get_label() == "<colorbar>" else "plot"
        gid = ax.get_gid() or ""
        rows = sum(1 for t in ax.yaxis._update_ticks() if t.label1.get_visible() and t.label1.get_text().strip())
        shared = len(ax.get_shared_x_axes().get_siblings(ax)) > 1
        axes.append({"box": _box(ax.get_window_extent(renderer), w, h), "role": role, "rows": rows,
                     "unit": gid.removeprefix("unit:") if gid.startswith("unit:") else None,
                     "xscale": ax.get_xscale(), "shared": shared})
        if role == "plot":
            marks += [_box(p.get_window_extent(renderer), w, h) for p in ax.patches
                      if p.get_visible() and p.get_width() and p.get_height()]
            marks += [_box(line.get_window_extent(renderer), w, h) for line in ax.lines if line.get_visible()]
        for text_role, t in _axis_texts(ax):
            if t.get_visible() and t.get_text().strip():
                is_colorbar_label = role == "colorbar" and text_role == "axis_label"
                texts.append({"text": t.get_text(), "role": "colorbar_label" if is_colorbar_label else text_role,
                              "box": _box(t.get_window_extent(renderer), w, h)})
    for t in fig.texts:
        if t.get_visible() and t.get_text().strip():
            texts.append({"text": t.get_text(), "role": t.get_gid() or "figure_text",
                          "box": _box(t.get_window_extent(renderer), w, h)})
    for legend in [*fig.legends, *(ax.get_legend() for ax in fig.axes)]:
        if legend is None or not legend.get_visible():
            continue
        legends.append(_box(legend.get_window_extent(renderer), w, h))
        texts += [{"text": t.get_text(), "role": "legend", "box": _box(t.get_window_extent(renderer), w, h)}
                  for t in legend.get_texts() if t.get_text().strip()]
    return {"width": w, "height": h, "axes": axes, "texts": texts, "marks": marks, "legends": legends}


def write_layout(fig, name: str) -> None:
    """Write `chart_layout(fig)` as `<name>.json` into the folder KCZ_CHART_LAYOUT names, if set.

    The layout tests read these files after a real build; without KCZ_CHART_LAYOUT this does nothing.

    Args:
        fig: The matplotlib figure, drawn.
        name: The file's stem, also stored in the JSON as `name`.
    """
    folder = os.environ.get(LAYOUT_ENV)
    if folder:
        layout = dict(chart_layout(fig), name=name)
        Path(folder, f"{name}.json").write_text(json.dumps(layout, ensure_ascii=False, indent=1), encoding="utf-8")
