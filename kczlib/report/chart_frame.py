"""The frame every chart of `kczlib.report.plots` is drawn in.

A pyplot-free figure with a strip at the bottom for the source line, titles and source
lines wrapped to the figure's width, and the source line itself.

    >>> wrap_to_width("a b c", 10.0, 8) == "a b c"
    True
"""

from __future__ import annotations

import re
import unicodedata

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine

from kczlib.report.chart_words import check_lang, source_prefix

SOURCE_FONTSIZE = 8  # points


def new_figure(n_rows: int = 0, width: float = 7.0) -> tuple[Figure, Axes]:
    """A pyplot-free figure with a strip at the bottom reserved for the source line.

    Args:
        n_rows: rows the chart will draw (bars), for its height.
        width: the figure's width in inches.

    Returns:
        (figure, its one axes).
    """
    height = max(3.0, 1.6 + 0.45 * n_rows)
    strip = (SOURCE_FONTSIZE * 2.2 / 72) / height  # the source line's height, as a fraction
    layout = ConstrainedLayoutEngine(rect=(0, strip, 1, 1 - strip))
    fig = Figure(figsize=(width, height), layout=layout)
    return fig, fig.add_subplot()


def finish(fig, ax, title: str, source: str, lang: str) -> Figure:
    """Title `ax` and write the source line under `fig`, both wrapped.

    The figure grows by the extra lines, so long source lines and titles are never cut off.

    Args:
        fig: the figure from `new_figure`.
        ax: the axes that takes the title.
        title: the chart's title.
        source: its source line (the "来源：" / "Source: " prefix is added unless present).
        lang: "zh" or "en".

    Returns:
        `fig`.

    Raises:
        ParameterError: `lang` is not a report language.
    """
    check_lang(lang)
    width, height = fig.get_size_inches()
    title_size = FontProperties(size=mpl.rcParams["axes.titlesize"]).get_size_in_points()
    title = wrap_to_width(title, width * 0.9, title_size)
    source = wrap_to_width(source_text(source, lang), width * 0.97, SOURCE_FONTSIZE)
    n_source, n_title = source.count("\n") + 1, title.count("\n") + 1
    extra = ((n_source - 1) * SOURCE_FONTSIZE + (n_title - 1) * title_size) * 1.3 / 72
    fig.set_size_inches(width, height + extra)
    strip = (SOURCE_FONTSIZE * (1.3 * n_source + 0.9) / 72) / (height + extra)
    fig.get_layout_engine().set(rect=(0, strip, 1, 1 - strip))
    ax.set_title(title, loc="left")  # no bold: the CJK font ships Regular only
    # The title starts at the plot's left edge, right of the category labels: wrap it to
    # the width left of the figure from there, so it never runs off the right edge.
    fig.draw_without_rendering()
    room = width * (1 - ax.get_position().x0) * 0.95
    narrow = wrap_to_width(title.replace("\n", ""), room, title_size)
    if narrow.count("\n") > title.count("\n"):
        more = (narrow.count("\n") - title.count("\n")) * title_size * 1.3 / 72
        fig.set_size_inches(width, height + extra + more)
        strip = (SOURCE_FONTSIZE * (1.3 * n_source + 0.9) / 72) / (height + extra + more)
        fig.get_layout_engine().set(rect=(0, strip, 1, 1 - strip))
        ax.set_title(narrow, loc="left")
    fig.text(0.01, 0.01, source, ha="left", va="bottom",
             fontsize=SOURCE_FONTSIZE, color="grey", gid="source")
    return fig


def source_only(fig, source: str, lang: str) -> None:
    """The source line of a figure whose title is a suptitle (several panels).

    Raises:
        ParameterError: `lang` is not a report language.
    """
    check_lang(lang)
    width, height = fig.get_size_inches()
    text = wrap_to_width(source_text(source, lang), width * 0.97, SOURCE_FONTSIZE)
    n = text.count("\n") + 1
    extra = (n - 1) * SOURCE_FONTSIZE * 1.3 / 72
    fig.set_size_inches(width, height + extra)
    strip = (SOURCE_FONTSIZE * (1.3 * n + 0.9) / 72) / (height + extra)
    fig.get_layout_engine().set(rect=(0, strip, 1, 1 - strip))
    fig.text(0.01, 0.01, text, ha="left", va="bottom", fontsize=SOURCE_FONTSIZE, color="grey", gid="source")


def _char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1  # CJK glyphs are full width


def wrap_to_width(text: str, width_in: float, fontsize: float) -> str:
    """`text` broken into lines that fit `width_in` inches at `fontsize` points.

    Breaks after a space where one falls in the second half of the line, else anywhere
    (Chinese has no spaces); no character is dropped, so removing the newlines gives the
    text back. Widths are estimated (half an em per Latin character, a full em per CJK one).
    """
    limit = width_in * 72 / (fontsize * 0.55)
    lines, line = [], ""
    for ch in text:
        if line and sum(map(_char_width, line)) + _char_width(ch) > limit:
            cut = line.rfind(" ") + 1
            if cut <= len(line) // 2:
                cut = len(line)
            lines.append(line[:cut])
            line = line[cut:]
        line += ch
    return "\n".join(lines + [line])


def drawn_source(fig: Figure) -> str:
    """The source line drawn under a chart, unwrapped ("" if it has none)."""
    return next((t.get_text().replace("\n", "") for t in fig.texts if t.get_gid() == "source"), "")


def source_text(source: str, lang: str) -> str:
    """`source` with the source prefix ("来源：" / "Source: "), unless the caller wrote it."""
    prefix = source_prefix(lang)
    word = prefix.rstrip(" :：")
    return source if re.match(rf"{word}\s*[:：]", source) else prefix + source
