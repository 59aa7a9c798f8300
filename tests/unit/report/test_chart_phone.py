"""Charts for phones and for readers who cannot see them (issue 22: M14, M9, H2, L8, L9), on
every chart kind of kczlib.report.plots, drawn here with made-up data (the built reports are
checked in tests/integration/test_chart_layout.py and tests/e2e/test_phone_pages.py).
"""

from __future__ import annotations

import base64
import io
import re

import pandas as pd
import pytest
from PIL import Image

from kczlib._testing import chart_layout
from kczlib.errors import ParameterError
from kczlib.report import plot_dots, plots, theme
from kczlib.report.chart_frame import MIN_CSS_PX, PHONE_CSS_PX, wrap_to_width
from kczlib.report.charts import chart_values

LEGEND = "hatched: low confidence or derived (check the original)"
SOURCE = ("case study \"Optimising the innovation ecosystem, releasing innovation vitality\"; "
          "drive.dizo.com.cn (low confidence); www.024yangchetuan.com (medium confidence); zw.china.com.cn (high)")


def _kinds(lang: str):
    """One figure of every chart kind, with a legend where the kind has one."""
    labels = ["2019 (old series)", "Nov 2020 to 2021", "2021 to 2022"]
    yield "bar_ranges", plots.bar_ranges(labels, [10, 20, 5], [10, 25, None], title="Ranges", unit_label="people",
                                         source=SOURCE, lang=lang, hatched=[True, False, False], legend=LEGEND)
    yield "compare_bars", plots.compare_bars(labels, [25.1, 25.4, 7.6], title="Change in resident population",
                                             unit_label="10,000 people", source=SOURCE, lang=lang,
                                             notes=["low confidence: a reprint", "", "derived"],
                                             hatched=[True, False, False], legend=LEGEND)
    yield "funnel", plots.funnel(["collected", "matched"], [200, 5], title="Funnel", unit_label="projects",
                                 source=SOURCE, lang=lang)
    yield "line_path", plots.line_path([2021, 2022, 2023], [99.4, 125.2, 157.8], title="Path", unit_label="CNY bn",
                                       source=SOURCE, lang=lang, texts=["99.4", "125", "158"])
    frame = pd.DataFrame({"CNY 500 m": [200.0, 100.0], "CNY 1 bn": [125.0, 62.5]}, index=["1% / 50%", "2% / 50%"])
    yield "grid_heatmap", plots.grid_heatmap(frame, title="Grid", unit_label="×", source=SOURCE, lang=lang)
    yield "paired_ranges", plots.paired_ranges(
        labels, ([7.93, 200, 300.92], [7.93, 300, 300.92], ["7.93", "200-plus", "300.92"]),
        ([399, 2700, 3247], [399, 2800, 3247], ["399", "2,700-plus", "3,247"]), titles=("lending", "firms"),
        units=("CNY 100 m", "firms"), title="Loans", source=SOURCE, lang=lang,
        hatched=([False, True, False], [False, False, False]), legend=LEGEND)
    yield "multi_path", plots.multi_path([("start 2020", [2020, 2023], [90, 180], ["90", "180"]),
                                          ("start 2021", [2021, 2024], [99, 199], ["99", "199"])],
                                         title="Scenarios", unit_label="CNY 100 m", source=SOURCE, lang=lang)
    yield "dot_ranges_log", _dots(lang)


def _dots(lang: str):
    return plot_dots.dot_ranges_log(
        [{"title": "Innovation chain", "labels": ["platforms brought in", "teams"], "lower": [69, 90],
          "upper": [69, 90], "texts": ["69", "90"]},
         {"title": "Industry chain", "labels": ["firms in incubation", "projects landed"], "lower": [10000, 20],
          "upper": [None, 30], "texts": ["more than 10,000", "20-plus"]}],
        title="Headlines", unit_label="count (log scale)", source=SOURCE, lang=lang, unit="log:count:个|count:家")


@pytest.fixture(scope="module", params=["zh", "en"])
def _drawn(request):
    """(lang, [(kind, figure, its phone rendition)]): drawn once per language for this module's tests
    (drawing them is most of their cost); the tests only read them."""
    theme.set_theme(request.param)
    figures = list(_kinds(request.param))
    return request.param, [(name, fig, plots.narrow_rendition(fig)) for name, fig in figures]


@pytest.fixture
def kinds(_drawn):
    lang, drawn = _drawn
    theme.set_theme(lang)  # fonts are looked up when a figure is drawn: the language's theme again
    return drawn


def test_every_chart_kind_has_a_phone_rendition_whose_text_is_at_least_11_css_px(kinds):
    # at PHONE_CSS_PX wide, text of p points in a PNG of w px at d dpi is p / 72 * d * PHONE_CSS_PX / w CSS px
    for name, fig, phone in kinds:
        assert phone is not None, name
        image = Image.open(io.BytesIO(base64.b64decode(theme.png_base64(phone, theme.NARROW_DPI))))
        points, dpi = float(image.info[theme.MIN_TEXT_KEY]), image.info["dpi"][0]
        assert points > 0, name
        px = points / 72 * dpi * PHONE_CSS_PX / image.width
        assert px >= MIN_CSS_PX, f"{name}: {px:.1f} CSS px"
        # what a phone showed before: the wide PNG's width, as png_base64 saves it (the same
        # savefig call; its colour quantising and smallest-text record change no width)
        drawn = io.BytesIO()
        fig.savefig(drawn, format="png", dpi=theme.DPI, bbox_inches="tight")
        assert points / 72 * theme.DPI * PHONE_CSS_PX / Image.open(drawn).width < MIN_CSS_PX


def test_a_figure_not_drawn_by_plots_has_no_phone_rendition():
    from matplotlib.figure import Figure

    assert plots.narrow_rendition(Figure()) is None


def test_legends_sit_outside_every_plot_area_and_cover_no_bar_or_line(kinds):
    for name, fig in [*((n, f) for n, f, _ in kinds), *((n + " (phone)", p) for n, _, p in kinds)]:
        layout = chart_layout(fig)
        plot_boxes = [ax["box"] for ax in layout["axes"]] + layout["marks"]
        for legend in layout["legends"]:
            for box in plot_boxes:
                overlap_x = min(legend[2], box[2]) - max(legend[0], box[0])
                overlap_y = min(legend[3], box[3]) - max(legend[1], box[1])
                assert overlap_x <= 1 or overlap_y <= 1, f"{name}: legend {legend} over {box}"
        if name.split()[0] in ("bar_ranges", "compare_bars", "paired_ranges", "multi_path"):
            assert layout["legends"], f"{name}: its legend is missing"


def test_value_labels_right_of_bars_end_inside_the_plot_frame_on_a_phone_too(kinds):
    # a fresh user's phone screenshots: "9856家" and "more than CNY 40 bn" ran past the right frame,
    # because the room right of the longest bar was a fixed share of a plot that is narrower on a phone
    from matplotlib.text import Annotation

    for name, fig in [*((n, f) for n, f, _ in kinds), *((n + " (phone)", p) for n, _, p in kinds)]:
        fig.draw_without_rendering()
        for ax in fig.axes:
            if ax.get_xscale() != "linear":
                continue
            frame = ax.get_window_extent()
            for label in ax.texts:
                if isinstance(label, Annotation) and label.get_ha() == "left":
                    past = label.get_window_extent().x1 - frame.x1
                    assert past <= 1, f"{name}: {label.get_text()!r} ends {past:.0f} px past the frame"


def test_a_long_value_label_takes_two_lines_rather_than_shrinking_the_bars_on_a_phone():
    # the English phone lending panel: "more than CNY 40 bn" beside a bar of 40 stretched the axis
    # to about 175, so the bars took a quarter of the plot and CNY 793 m was a sliver
    theme.set_theme("en")
    fig = plots.paired_ranges(
        ["H1 2019 (half-year flow)", "case totals (undated)", "cumulative to Aug 2024"],
        ([0.793, 20, 40], [0.793, 30, None], ["CNY 793 m", "CNY 20-plus bn", "more than CNY 40 bn"]),
        ([399, 2700, 3247], [399, 2800, 3247], ["399", "2,700-plus", "3,247"]), titles=("lending", "firms"),
        units=("CNY bn", "firms"), title="Loans", source=SOURCE, lang="en",
        hatched=([False, False, False], [False, False, False]), legend=LEGEND)
    phone = plots.narrow_rendition(fig)
    phone.draw_without_rendering()
    lending = phone.axes[0]
    lo, hi = lending.get_xlim()
    assert hi - lo <= 2 * (40 - lo)  # the longest bar (40) takes at least half the axis
    texts = [t.get_text() for t in lending.texts if t.get_text().strip()]
    assert "more than \nCNY 40 bn" in texts  # on two lines, the space kept: without the newline, the label
    assert [t.replace("\n", "") for t in texts] == ["CNY 793 m", "CNY 20-plus bn", "more than CNY 40 bn"]


@pytest.mark.parametrize("lang, unit, axis_label, ticks", [
    ("zh", "人", "万人", ["0", "5", "10", "15", "20", "25"]),
    ("en", "people", "people", ["0", "50,000", "100,000", "150,000", "200,000", "250,000"]),
])
def test_a_bar_charts_value_axis_is_numbered_as_the_page_prints_numbers(lang, unit, axis_label, ticks):
    # a fresh user: the population chart's axis read 100000 to 300000 人 beside bar labels in 万人
    # (25.1万人). 251,000 people is 25.1 ten-thousands: ticks every 50,000 are 0, 5, ... 25 万人;
    # in English the ticks carry thousands separators, as the text's numbers do
    theme.set_theme(lang)
    values = [251000, 245000, 76000, 135000]
    fig = plots.bar_ranges(["2019", "2021", "2022", "2023"], values, values, title="Population", unit_label=unit,
                           source=SOURCE, lang=lang)
    fig.draw_without_rendering()
    ax = fig.axes[0]
    assert ax.get_xlabel() == axis_label
    shown = [t.get_text() for t in ax.get_xticklabels() if 0 <= t.get_position()[0] <= 251000]
    assert shown == ticks


def test_no_gridline_runs_through_a_value_label(kinds):
    # a fresh user's phone screenshots: the vertical gridlines crossed "9856家"; each label right of
    # a bar now stands on an opaque patch of the plot's own background colour, drawn over the grid
    from matplotlib.colors import to_rgba
    from matplotlib.text import Annotation

    for name, fig in [*((n, f) for n, f, _ in kinds), *((n + " (phone)", p) for n, _, p in kinds)]:
        for ax in fig.axes:
            for label in ax.texts:
                if isinstance(label, Annotation) and label.get_horizontalalignment() == "left":
                    patch = label.get_bbox_patch()
                    assert patch is not None, f"{name}: {label.get_text()!r} has no ground"
                    assert to_rgba(patch.get_facecolor()) == to_rgba(ax.get_facecolor()), name
                    assert label.get_zorder() > max(line.get_zorder() for line in ax.get_xgridlines()), name


def test_the_light_segment_and_an_open_bound_are_in_the_legend_only_where_drawn(kinds):
    # a fresh user: the ▶ arrow-heads and the light segments were explained only in the text.
    # bar_ranges above draws 10 (exact), 20-25 (light to 25) and 5 with no upper bound (▶);
    # compare_bars draws exact values only
    from kczlib.report.chart_words import chart_word

    for name, fig, phone in kinds:
        for drawn in (fig, phone):
            labels = {h.get_label().replace("\n", "") for h in drawn.__dict__.get("_kcz_legend", [])}
            for gid in ("interval", "open_upper", "open_lower"):
                words = {chart_word(f"range.{gid}", lg) for lg in ("zh", "en")}
                if name == "bar_ranges" and gid != "open_lower":
                    assert labels & words, f"{name}: no legend entry for {gid}"
                if name == "compare_bars":
                    assert not labels & words, f"{name}: a legend entry for {gid}, which it does not draw"


def test_a_panel_with_one_bar_on_its_own_axis_is_refused():
    theme.set_theme("zh")
    facet = {"labels": ["a", "b"], "lower": [1, 2], "upper": [1, 2], "unit_label": "个"}
    plots.bar_range_facets([facet, facet], title="t", source="s", lang="zh")  # two bars a panel: fine
    with pytest.raises(ParameterError, match="single bar"):
        plots.bar_range_facets([facet, dict(facet, labels=["c"], lower=[7], upper=[7])], title="t", source="s")


def test_counts_of_different_things_share_one_log_axis_and_every_one_is_visible():
    theme.set_theme("en")
    fig = _dots("en")
    (ax,) = fig.axes
    assert ax.get_xscale() == "log"
    lo, hi = ax.get_xlim()
    assert lo <= 20 and hi > 10000  # 20-plus and more than 10,000 both on the scale


@pytest.mark.parametrize("width", [2.0, 3.0, 3.8, 5.0, 6.8])
@pytest.mark.parametrize("text", [
    "来源：《优化创新生态，释放创新活力》；drive.dizo.com.cn（低可信度）；www.024yangchetuan.com（中等可信度）；zw.china.com.cn（高可信度）",
    "Source: " + SOURCE,
])
def test_lines_break_between_words_never_inside_a_domain_name(text, width):
    wrapped = wrap_to_width(text, width, 8)
    assert wrapped.replace("\n", "") == text  # nothing lost
    for domain in re.findall(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+", text):
        assert any(domain in line for line in wrapped.split("\n")), (domain, wrapped)
    for line in wrapped.split("\n")[1:]:
        assert line[0] not in "，。；：）》、,;:)", wrapped  # no line opens with closing punctuation


@pytest.mark.parametrize("text, width, size, lines", [
    # a line of 1.1 in at 9.5 pt holds 1.1 x 72 / (9.5 x 0.55) = 15.2 half-ems (2 per Chinese
    # character, 1 per digit): 截至2023年9月累 is 4 + 4 + 2 + 1 + 2 + 2 = 15, so 计 alone would be
    # the last line; the last line takes 累 with it
    ("截至2023年9月累计", 1.1, 9.5, ["截至2023年9月", "累计"]),
    # 1.3 in holds 17.9 half-ems: 2019年上半年（半 is 4 + 2 + 6 + 2 + 2 = 16, so the group would
    # split as （半 / 年流量）; （半年流量） (12 half-ems) fits a line of its own
    ("2019年上半年（半年流量）", 1.3, 9.5, ["2019年上半年", "（半年流量）"]),
    ("案例累计（未注明日期）", 1.37, 9.5, ["案例累计", "（未注明日期）"]),
    # a title at 12 pt in 2.05 in holds 2.05 x 72 / (12 x 0.55) = 22.4 half-ems, 11 characters:
    # 开展会地合作的全国学会 / 数：各城市 cut 全国学会数 (a fresh user's phone screenshot); the line
    # breaks after 的 instead, and 全国学会数：各城市 (9 characters) fits the next
    ("开展会地合作的全国学会数：各城市", 2.05, 12, ["开展会地合作的", "全国学会数：各城市"]),
    # 1.2 in at 9.5 pt holds 16.5 half-ems: 年案例；累计，起 / 点未说明） cut 起点; after the comma,
    # 起点未说明） (12 half-ems) fits
    ("福州（2021-2023年案例；累计，起点未说明）", 1.2, 9.5, ["福州（2021-2023", "年案例；累计，", "起点未说明）"]),
    # 2.0 in at 9.5 pt holds 27.6 half-ems: 佛山（2020-2023年案例；2022 is 6 + 9 + 8 + 4 = 27, then
    # 年） (4) does not fit; the bracket holds a pause, so the line ends after ； and 2022年） goes
    # down, rather than 佛山 alone above the whole bracket (a fresh user's 1280 px screenshot)
    ("佛山（2020-2023年案例；2022年）", 2.0, 9.5, ["佛山（2020-2023年案例；", "2022年）"]),
])
def test_a_label_or_title_keeps_a_bracketed_group_a_last_character_and_a_word_together(text, width, size, lines):
    # the phone's category labels broke as 累 / 计 and （半 / 年流量） (a fresh user's screenshots)
    assert wrap_to_width(text, width, size).split("\n") == lines


def test_alt_values_pair_each_value_with_its_row_even_when_the_rows_are_years():
    theme.set_theme("zh")
    fig = plots.compare_bars(["2019年", "2020年"], [4149, 6120], title="t", unit_label="家", source="s", lang="zh",
                             texts=["4149家", "6120家"])
    assert chart_values(fig) == ["2019年 4149家", "2020年 6120家"]
    line = plots.line_path([2021, 2022], [99.4, 125.2], title="t", unit_label="亿元", source="s", lang="zh",
                           texts=["99.4亿元", "至少125亿元"])
    assert chart_values(line) == ["2021 99.4亿元", "2022 至少125亿元"]


def test_a_dot_chart_within_two_powers_of_ten_has_ticks_at_1_2_and_5():
    # a fresh user: dots at 2, 7 and 16 on a log axis ticked only at 1 and 10. The axis runs from
    # half the smallest to twice the largest (1 to 32), so by hand the ticks are 1, 2, 5, 10, 20
    theme.set_theme("en")
    fig = plot_dots.dot_ranges_log(
        [{"title": "Capital", "labels": ["funds", "firms", "quoted"], "lower": [7, 16, 2], "upper": [7, 16, 2],
          "texts": ["7", "16", "2"]}], title="Funds", unit_label="count (log scale)", source=SOURCE, lang="en",
        unit="log:count:支|count:家")
    ax = fig.axes[0]
    low, high = ax.get_xlim()
    assert [t for t in ax.get_xticks() if low <= t <= high] == [1, 2, 5, 10, 20]
