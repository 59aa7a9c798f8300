"""The frame every chart of `kczlib.report.plots` is drawn in.

A pyplot-free figure with a strip at the bottom for the source line, titles and source
lines wrapped to the figure's width, and the source line itself.

    >>> wrap_to_width("a b c", 10.0, 8) == "a b c"
    True
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine

from kczlib.report.chart_words import check_lang, source_prefix

SOURCE_FONTSIZE = 8  # points
WIDE_WIDTH = 7.0  # inches: the chart as a wide screen shows it (770 px at 110 dpi)
# The phone rendition. At a display width of PHONE_CSS_PX CSS px, text of f points in a figure
# W inches wide is drawn f / 72 * PHONE_CSS_PX / W CSS px high; with W = NARROW_WIDTH and no text
# under NARROW_MIN_PT that is 8.5 / 72 * 390 / 3.8 = 12.1 px, above the 11 px floor of issue 22.
PHONE_CSS_PX = 390
MIN_CSS_PX = 11
NARROW_WIDTH = 3.8  # inches
NARROW_MIN_PT = 8.5  # points
_narrow = False


@contextmanager
def narrow() -> Iterator[None]:
    """Draw the figures built inside this block for a phone: NARROW_WIDTH wide, no text under NARROW_MIN_PT.

    Every chart function of `kczlib.report.plots` takes its width from `new_figure` and its
    small text sizes from `text_size`, so the same code draws both renditions.
    """
    global _narrow
    before, _narrow = _narrow, True
    try:
        yield
    finally:
        _narrow = before


def is_narrow() -> bool:
    """True inside `narrow()`: figures are being drawn for a phone."""
    return _narrow


def text_size(points: float) -> float:
    """A text size in points for the current rendition: `points`, raised to NARROW_MIN_PT on a phone."""
    return max(points, NARROW_MIN_PT) if _narrow else points


def new_figure(n_rows: int = 0, width: float = WIDE_WIDTH) -> tuple[Figure, Axes]:
    """A pyplot-free figure with a strip at the bottom reserved for the source line.

    Args:
        n_rows: rows the chart will draw (bars), for its height.
        width: the figure's width in inches on a wide screen; inside `narrow()` it is
            NARROW_WIDTH whatever is asked.

    Returns:
        (figure, its one axes).
    """
    if _narrow:
        width = NARROW_WIDTH
    height = max(3.0, 1.6 + 0.45 * n_rows)
    strip = (_source_size() * 2.2 / 72) / height  # the source line's height, as a fraction
    layout = ConstrainedLayoutEngine(rect=(0, strip, 1, 1 - strip))
    fig = Figure(figsize=(width, height), layout=layout)
    return fig, fig.add_subplot()


LEGEND_FONTSIZE = 8  # points


def add_legend(fig: Figure, handles: list) -> None:
    """Give `fig` legend entries, drawn by `finish`/`source_only` under the plots, above the source line.

    A legend there never covers a bar or a line (issue 22, H2: a legend drawn inside the plot
    area overprinted a bar), and the plots' layout leaves it room like the source line.

    Args:
        fig: the figure from `new_figure`.
        handles: matplotlib artists with labels (patches, lines), in order.
    """
    known = fig.__dict__.setdefault("_kcz_legend", [])
    labels = {h.get_label() for h in known}
    known += [h for h in handles if h.get_label() not in labels]


def _legend_lines(fig: Figure, width: float) -> int:
    """Wrap the labels of `fig`'s legend entries to `width` inches; the lines they take."""
    handles = fig.__dict__.get("_kcz_legend", [])
    size = text_size(LEGEND_FONTSIZE)
    for h in handles:
        h.set_label(wrap_to_width(h.get_label().replace("\n", ""), width * 0.85, size))
    return sum(h.get_label().count("\n") + 1 for h in handles)


def _bottom_strip(fig: Figure, n_source: int, n_legend: int, height: float) -> float:
    """The bottom strip for the source line (and legend rows above it), as a fraction of `height` inches."""
    legend = (n_legend * text_size(LEGEND_FONTSIZE) * 1.45 + (6 if n_legend else 0)) / 72
    return (_source_size() * (1.3 * n_source + 0.9) / 72 + legend) / height


def _draw_legend(fig: Figure, n_source: int) -> None:
    handles = fig.__dict__.get("_kcz_legend", [])
    if not handles:
        return
    height = fig.get_size_inches()[1]
    above_source = (_source_size() * (1.3 * n_source + 0.9) / 72) / height
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.005, above_source), frameon=False,
               fontsize=text_size(LEGEND_FONTSIZE), borderaxespad=0.2, handlelength=1.6)


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
    value_ticks(fig, lang)
    width, height = fig.get_size_inches()
    title_size = FontProperties(size=mpl.rcParams["axes.titlesize"]).get_size_in_points()
    title = wrap_to_width(title, width * 0.9, title_size)
    source = wrap_to_width(source_text(source, lang), width * 0.97, _source_size(), phrases=False)
    n_source, n_title = source.count("\n") + 1, title.count("\n") + 1
    n_legend = _legend_lines(fig, width)
    extra = ((n_source - 1) * _source_size() + (n_title - 1) * title_size) * 1.3 / 72
    extra += (n_legend * text_size(LEGEND_FONTSIZE) * 1.45 + (6 if n_legend else 0)) / 72
    fig.set_size_inches(width, height + extra)
    strip = _bottom_strip(fig, n_source, n_legend, height + extra)
    fig.get_layout_engine().set(rect=(0, strip, 1, 1 - strip))
    ax.set_title(title, loc="left")  # no bold: the CJK font ships Regular only
    # The title starts at the plot's left edge, right of the category labels: wrap it to
    # the width left of the figure from there, so it never runs off the right edge.
    # `wrap_to_width` estimates widths from character counts, and a Latin title in a proportional
    # font can be wider than estimated: measure the drawn title and wrap narrower until it ends
    # inside the figure (a phone rendition's plot may start far right of long labels).
    fig.draw_without_rendering()
    room = width * (1 - ax.get_position().x0) * 0.95
    for _ in range(4):
        narrow = wrap_to_width(title.replace("\n", ""), room, title_size)
        if narrow.count("\n") > title.count("\n"):
            more = (narrow.count("\n") - title.count("\n")) * title_size * 1.3 / 72
            fig.set_size_inches(width, height + extra + more)
            strip = _bottom_strip(fig, n_source, n_legend, height + extra + more)
            fig.get_layout_engine().set(rect=(0, strip, 1, 1 - strip))
            ax.set_title(narrow, loc="left")
            fig.draw_without_rendering()  # measured again only when the title changed
        box, right = ax._left_title.get_window_extent(), fig.get_window_extent().x1  # set_title(loc="left")
        if box.x1 <= right * 0.99:
            break
        room *= 0.85 * (right - box.x0) / box.width
    for each in fig.axes:
        fit_value_labels(each)
    fig.text(0.01, 0.01, source, ha="left", va="bottom",
             fontsize=_source_size(), color="grey", gid="source")
    _draw_legend(fig, n_source)
    return fig


def fit_value_labels(ax, pad: float = 0.02) -> None:
    """Widen a linear x axis so the value labels right of its bars end inside the plot frame.

    A bar's label is an annotation set a few points right of the bar's end; a fixed margin
    (`ax.margins`) leaves room for it on a wide chart, but on a phone the plot is narrower and a
    long label ("9856家", "at least 3%") can run past the frame. From the last draw, for
    each label of width w px starting off px right of its anchor at data x, the frame's right
    end must be at least x0 + (x - x0) / f with f = (W (1 - pad) - off - w) / W (W: the plot's
    width in px, x0: the axis' left end). A label that would leave the bars less than half the
    plot is set on two lines first ("more than CNY 40 bn" on a phone stretched the axis to 175
    for bars up to 40). Call it after a draw; the next draw shows the result.

    Args:
        ax: a drawn axes. Log axes and labels above or below points (no horizontal offset) are left alone.
        pad: the share of the plot's width kept free right of the longest label.
    """
    from matplotlib.text import Annotation

    if ax.get_xscale() != "linear":
        return
    frame = ax.get_window_extent()
    x0, x1 = ax.get_xlim()
    if frame.width <= 0 or x1 <= x0:
        return
    labels = [t for t in ax.texts if isinstance(t, Annotation) and t.get_horizontalalignment() == "left"
              and t.get_visible()]

    def need(label) -> tuple[float, float]:
        """(the axis' right end this label needs, the share of the plot left to its bar)."""
        box = label.get_window_extent()
        anchor_px = ax.transData.transform((label.xy[0], label.xy[1]))[0]
        if box.x1 <= frame.x1 - pad * frame.width or box.x0 < anchor_px:
            return x1, 1.0
        room = (frame.width * (1 - pad) - (box.x1 - anchor_px)) / frame.width
        if room <= 0.2:  # a label wider than most of the plot: leave it, no squeezing the bars to nothing
            return x1, room
        return x0 + (label.xy[0] - x0) / room, room

    needs = [need(t) for t in labels]
    for k, (_, room) in enumerate(needs):  # too wide to fit on one line: try two
        if room <= 0.2 and _two_lines(labels[k]):
            needs[k] = need(labels[k])
    longest = max([x0, *(t.xy[0] for t in labels)])
    while needs:  # the label that sets the end, on two lines while the longest bar would get under half the axis
        k = max(range(len(needs)), key=lambda i: needs[i][0])
        if not (needs[k][0] - x0 > 2 * (longest - x0) and _two_lines(labels[k])):
            break
        needs[k] = need(labels[k])
    right = max([x1, *(r for r, _ in needs)])
    if right > x1:
        ax.set_xlim(x0, right)


def _two_lines(label) -> bool:
    """Break a one-line label at its space nearest the middle; False if it has no space.

    The space stays at the end of the first line, so removing the newline gives the text back
    (as `wrap_to_width`'s lines do).
    """
    text = label.get_text()
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if "\n" in text or not spaces:
        return False
    cut = min(spaces, key=lambda i: abs(2 * i - len(text))) + 1
    label.set_text(text[:cut] + "\n" + text[cut:])
    return True


# Chinese counts of ten thousand and more read in 万 (25.1万人), so an axis reaching 十万 does too
WAN = "万"  # the scale word; its size is units.MULTIPLIERS[WAN]


def value_ticks(fig, lang: str) -> None:
    """Number the value axis of each bar chart in `fig` as the page prints numbers.

    A horizontal bar chart (categories on y, values on a linear x) gets thousands separators in
    English (100,000, as the text prints it) and, in Chinese, an axis that reaches 十万 of one
    measure word (人, 家) counts in 万 (10, 20, 30 and 万人), as its bar labels do (25.1万人): the
    population chart read 100000 to 300000 人 beside labels in 万人. Year axes (line charts) and
    category x axes (heatmaps) are left alone.

    Args:
        fig: a figure whose axes are drawn but not yet finished.
        lang: "zh" or "en".
    """
    from matplotlib.ticker import FixedLocator, FuncFormatter

    from kczlib.analysis.formatting import format_number
    from kczlib.units import COUNT_MEASURES, MULTIPLIERS

    wan = MULTIPLIERS[WAN]

    for ax in fig.axes:
        bars = isinstance(ax.yaxis.get_major_locator(), FixedLocator) and not isinstance(
            ax.xaxis.get_major_locator(), FixedLocator)
        if not bars or ax.get_xscale() != "linear":
            continue
        unit = ax.get_xlabel()
        if lang == "zh" and unit in COUNT_MEASURES and ax.dataLim.x1 >= 10 * wan:
            ax.set_xlabel(WAN + unit)
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(float(f"{v / wan:.10g}"), "zh")))
        elif lang == "en":  # (10 significant digits: a tick at 0.30000000000000004 reads 0.3)
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(float(f"{v:.10g}"), "en")))


def source_only(fig, source: str, lang: str) -> None:
    """The source line of a figure whose title is a suptitle (several panels).

    Raises:
        ParameterError: `lang` is not a report language.
    """
    check_lang(lang)
    value_ticks(fig, lang)
    width, height = fig.get_size_inches()
    text = wrap_to_width(source_text(source, lang), width * 0.97, _source_size(), phrases=False)
    n = text.count("\n") + 1
    n_legend = _legend_lines(fig, width)
    extra = (n - 1) * _source_size() * 1.3 / 72
    extra += (n_legend * text_size(LEGEND_FONTSIZE) * 1.45 + (6 if n_legend else 0)) / 72
    fig.set_size_inches(width, height + extra)
    strip = _bottom_strip(fig, n, n_legend, height + extra)
    fig.get_layout_engine().set(rect=(0, strip, 1, 1 - strip))
    fig.draw_without_rendering()  # the panels' value labels measured, as `finish` does
    for each in fig.axes:
        fit_value_labels(each)
    fig.text(0.01, 0.01, text, ha="left", va="bottom", fontsize=_source_size(), color="grey", gid="source")
    _draw_legend(fig, n)


def _source_size() -> float:
    return text_size(SOURCE_FONTSIZE)


def _char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1  # CJK glyphs are full width


# Chinese line breaking (JIS X 4051 / W3C clreq "kinsoku"): no line starts with closing
# punctuation, none ends with opening punctuation.
_CLOSING = set("，。、；：！？）》」』】〕,.;:!?)]}%·…")
_OPENING = set("（《「『【〔([{")


def _break_units(text: str) -> list[str]:
    """`text` cut where a line may break: after a space, between CJK characters, never inside a word.

    A run of characters that are neither spaces nor full-width (a word, a number, a domain
    name such as "drive.dizo.com.cn") is one unit; so is each full-width character. Closing
    punctuation joins the unit before it, opening punctuation the unit after it.
    """
    units: list[str] = []
    for ch in text:
        wide = _char_width(ch) == 2
        last = units[-1] if units else ""
        if last and (ch in _CLOSING or last[-1] in _OPENING):
            units[-1] += ch
        elif last and not wide and not ch.isspace() and not last[-1].isspace() and _char_width(last[-1]) == 1:
            units[-1] += ch  # inside a word
        elif last and ch.isspace() and last[-1].isspace():
            units[-1] += ch
        elif ch.isspace() and last:
            units[-1] += ch  # a space stays at the end of its line
        else:
            units.append(ch)
    return units


def wrap_to_width(text: str, width_in: float, fontsize: float, *, phrases: bool = True) -> str:
    """`text` broken into lines that fit `width_in` inches at `fontsize` points.

    Lines break after a space or between Chinese characters, never inside a word, a number
    or a domain name (issue 22, L9: "drive.di / zo.com.cn"), unless one word alone is wider
    than the line. No character is dropped, so removing the newlines gives the text back.
    Widths are estimated (half an em per Latin character, a full em per CJK one).

    Args:
        text: the text, without newlines.
        width_in: the line's width in inches.
        fontsize: the text's size in points.
        phrases: a line that would end inside a Chinese word ends after its last phrase instead,
            where one is near (`_phrase_break`); for titles and labels, not for running text such
            as a source line, where moving a phrase down only makes the lines ragged.

    Returns:
        The text with newlines inserted.
    """
    limit = width_in * 72 / (fontsize * 0.55)

    def fits(units: list[str]) -> bool:
        return sum(map(_char_width, "".join(units).rstrip())) <= limit

    lines: list[list[str]] = []  # the break units of each line
    line: list[str] = []
    for unit in _break_units(text):
        while sum(map(_char_width, unit.rstrip())) > limit:  # a word wider than a line: cut it
            if line:
                lines.append(line)
                line = []
            cut = 1
            while cut < len(unit) and sum(map(_char_width, unit[:cut + 1])) <= limit:
                cut += 1
            lines.append([unit[:cut]])
            unit = unit[cut:]
        if line and not fits([*line, unit]):
            k = _phrase_break(line, unit) if phrases else len(line)
            if not fits([*line[k:], unit]):
                k = len(line)
            lines.append(line[:k])
            line = line[k:]
        line.append(unit)
    lines.append(line)
    _keep_together(lines, fits)
    return "\n".join("".join(units) for units in lines)


# After these a Chinese line breaks between phrases: pause and closing punctuation, and 的 (the
# particle that ends a modifier: 开展会地合作的 / 全国学会数). Before an opening bracket too.
_PHRASE_ENDS = set("，。、；：！？）》」』】〕") | {"的"}


def _phrase_break(line: list[str], unit: str, keep: float = 0.6) -> int:
    """Where to end `line` (an index into its units) when `unit` does not fit after it.

    At its end, unless that cuts a run of Chinese text: then after the line's last phrase end
    (`_PHRASE_ENDS`) or before its last opening bracket, if the line keeps at least `keep` of
    its units (a line much shorter than its neighbours reads as a break of its own). "开展会地合作的全国学会" /
    "数：各城市" becomes "开展会地合作的" / "全国学会数：各城市". Chinese may break between any two
    characters (W3C, "Requirements for Chinese Text Layout"); in a short line such as a title or
    a label a word cut in two reads as two words, so the break goes between phrases where one is near.
    """
    last, first = line[-1].rstrip() or " ", unit[0]
    inside = (_char_width(first) == 2 and first not in _CLOSING and first not in _OPENING
              and _char_width(last[-1]) == 2 and last[-1] not in _PHRASE_ENDS)
    if not inside:
        return len(line)
    ends = [(line[k - 1].rstrip() or " ")[-1] for k in range(len(line))]
    room = range(len(line) - 1, max(int(len(line) * keep), 1) - 1, -1)
    for k in room:
        if ends[k] in _PHRASE_ENDS or line[k][0] in _OPENING:
            return k
    return len(line)


_CLOSING_BRACKETS = set("）》」』】〕)]}")
_PAUSES = set("；，、")  # Chinese pauses: an English bracket moves down whole, as "(side by side, not a funnel)"


def _keep_together(lines: list[list[str]], fits) -> None:
    """Move the end of a line to the next one where the next one still fits (`fits`), in place.

    - A bracket opened on a line and not closed there starts the next line: "2019年上半年（半" /
      "年流量）" becomes "2019年上半年" / "（半年流量）"; unless the bracket holds a pause (；，、)
      on the line, after which the line ends instead: "某市（2020-2023年案例；2022" / "年）" becomes
      "某市（2020-2023年案例；" / "2022年）", not "某市" alone above the whole bracket.
    - A last line of one Chinese character takes the character before it: "截至2023年9月累" /
      "计" becomes "截至2023年9月" / "累计".
    """
    for i in range(len(lines) - 1):
        line, after = lines[i], lines[i + 1]
        opened = max((k for k, unit in enumerate(line) if unit[0] in _OPENING), default=0)
        if opened and not any(ch in _CLOSING_BRACKETS for unit in line[opened:] for ch in unit):
            paused = max((k + 1 for k in range(opened, len(line) - 1) if line[k].rstrip()[-1:] in _PAUSES), default=0)
            cut = paused if paused and fits(line[paused:] + after) else opened
            if fits(line[cut:] + after):
                lines[i], lines[i + 1] = line[:cut], line[cut:] + after
                continue
        alone = i + 2 == len(lines) and len(after) == 1 and _char_width(after[0][0]) == 2
        if alone and len(line) >= 3 and fits([line[-1], *after]):
            lines[i], lines[i + 1] = line[:-1], [line[-1], *after]


def drawn_source(fig: Figure) -> str:
    """The source line drawn under a chart, unwrapped ("" if it has none)."""
    return next((t.get_text().replace("\n", "") for t in fig.texts if t.get_gid() == "source"), "")


def source_text(source: str, lang: str) -> str:
    """`source` with the source prefix ("来源：" / "Source: "), unless the caller wrote it."""
    prefix = source_prefix(lang)
    word = prefix.rstrip(" :：")
    return source if re.match(rf"{word}\s*[:：]", source) else prefix + source
