"""Chart styling and helpers, checked by inspecting what was drawn (artists, texts,
colours), not by comparing images."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
import seaborn as sns
from matplotlib.colors import to_rgb

from kczlib.errors import ParameterError
from kczlib.report import plots, theme

CHINESE = "成都科创中国：科创贷"


@pytest.fixture(autouse=True)
def isolated_style():
    """Each test starts from and leaves behind matplotlib's own defaults."""
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        yield
    plt.close("all")


def chinese_chart(lang="zh"):
    return plots.compare_bars(
        ["成都", "武汉"], [99.4, 80], title=CHINESE, unit_label="亿元",
        source="成都市科学技术协会", lang=lang,
    )


def patches(fig, gid):
    return [p for p in fig.axes[0].patches if p.get_gid() == gid]


def lines(fig, gid):
    return [ln for ln in fig.axes[0].lines if ln.get_gid() == gid]


def annotations(fig):
    return [t.get_text() for t in fig.axes[0].texts]


# --- fonts and theme --------------------------------------------------------------


def test_chinese_text_renders_without_missing_glyphs_after_set_theme_zh():
    theme.set_theme("zh")
    assert theme.missing_glyph_warnings(chinese_chart()) == []


def test_without_the_cjk_font_the_same_chinese_text_warns():
    sns.set_theme()  # seaborn's own font list has no CJK font
    warned = theme.missing_glyph_warnings(chinese_chart())
    assert warned and all("missing from font" in w for w in warned)


def test_ascii_text_gives_no_warnings_even_without_the_cjk_font():
    sns.set_theme()
    fig = plots.compare_bars(["A"], [1], title="Plain", unit_label="CNY m", source="x", lang="en")
    assert theme.missing_glyph_warnings(fig) == []


def test_english_charts_also_render_chinese_proper_names():
    theme.set_theme("en")
    fig = plots.compare_bars(["Chengdu 成都", "Wuhan 武汉"], [99.4, 80], title="Benchmarks",
                             unit_label="CNY 100 m", source="成都市科协", lang="en")
    assert theme.missing_glyph_warnings(fig) == []


def test_set_theme_survives_being_called_after_a_bare_seaborn_theme():
    theme.set_theme("zh")
    sns.set_theme()  # resets font.sans-serif
    theme.set_theme("zh")
    assert matplotlib.rcParams["font.sans-serif"][0] == "Noto Sans CJK SC"
    assert theme.missing_glyph_warnings(chinese_chart()) == []


def test_set_theme_selects_whitegrid_colorblind_and_plain_minus():
    theme.set_theme("zh")
    cycle = [to_rgb(c) for c in matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]]
    assert cycle[:3] == [to_rgb("#0173b2"), to_rgb("#de8f05"), to_rgb("#029e73")]
    assert matplotlib.rcParams["axes.grid"] is True
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    # the fonts themselves, not "sans-serif": matplotlib falls back glyph by glyph only along this list
    assert matplotlib.rcParams["font.family"] == [theme.cjk_font_name(), "DejaVu Sans"]


def test_set_theme_makes_figures_at_report_resolution():
    theme.set_theme("zh")
    assert chinese_chart().dpi == theme.DPI


def test_set_theme_rejects_an_unknown_language():
    with pytest.raises(ParameterError):
        theme.set_theme("fr")


def test_inside_ipython_figures_display_as_png_only():
    code = (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "from matplotlib.figure import Figure\n"
        "from kczlib.report import theme\n"
        "shell = InteractiveShell.instance()\n"
        "theme.set_theme('zh')\n"
        "f = shell.display_formatter.formatters\n"
        "print(Figure in f['image/png'].type_printers, Figure in f['image/svg+xml'].type_printers)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]


def test_importing_kczlib_does_not_import_matplotlib():
    code = "import sys, kczlib, kczlib.analysis.formatting; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- common chart parts -----------------------------------------------------------


def test_chart_has_title_unit_label_and_category_labels():
    theme.set_theme("zh")
    ax = chinese_chart().axes[0]
    assert ax.get_title(loc="left") == CHINESE
    assert ax.get_xlabel() == "亿元"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["成都", "武汉"]


@pytest.mark.parametrize(
    "lang, source, expected",
    [
        ("zh", "成都市科协", "来源：成都市科协"),
        ("en", "Chengdu case study", "Source: Chengdu case study"),
        ("en", "Source: CAST", "Source: CAST"),  # a caller's own prefix is not doubled
        ("zh", "来源: 科协", "来源: 科协"),
        ("en", "Solar survey", "Source: Solar survey"),
    ],
)
def test_source_line_sits_below_the_chart(lang, source, expected):
    theme.set_theme(lang)
    fig = plots.compare_bars(["A"], [1], title="t", unit_label="u", source=source, lang=lang)
    fig.canvas.draw()
    (text,) = fig.texts
    assert text.get_text() == expected
    assert text.get_position()[1] < fig.axes[0].get_position().y0


# --- bar_ranges -------------------------------------------------------------------


def ranges_chart(lang="en"):
    return plots.bar_ranges(
        ["exact", "interval", "lower only", "upper only", "unknown"],
        [2700, 100, 3, None, None],
        [2700, 2000, None, 10, None],
        title="Figures", unit_label="CNY 10k", source="Chengdu case",
        point=[2700, None, 3, None, None], lang=lang,
    )


def test_exact_values_are_solid_bars_in_the_first_palette_colour():
    theme.set_theme("en")
    (bar,) = patches(ranges_chart(), "exact")
    assert (bar.get_x(), bar.get_width()) == (0, 2700)
    assert to_rgb(bar.get_facecolor()) == theme.palette()[0]


def test_interval_bars_extend_from_lower_to_upper_in_a_lighter_colour():
    theme.set_theme("en")
    fig = ranges_chart()
    interval = patches(fig, "interval")[0]
    assert (interval.get_x(), interval.get_x() + interval.get_width()) == (100, 2000)
    light, base = to_rgb(interval.get_facecolor()), theme.palette()[0]
    assert light != base and all(lc >= bc for lc, bc in zip(light, base, strict=True))
    # the certain part, 0 to the lower bound, stays solid
    assert [(p.get_x(), p.get_width()) for p in patches(fig, "known")] == [(0, 100), (0, 3)]


def test_a_missing_upper_bound_is_an_arrow_head_at_the_lower_bound():
    theme.set_theme("en")
    fig = ranges_chart()
    (arrow,) = lines(fig, "open_upper")
    assert arrow.get_marker() == ">" and list(arrow.get_xdata()) == [3]
    assert "≥ 3" in annotations(fig)


def test_a_missing_lower_bound_is_marked_at_the_upper_bound():
    theme.set_theme("en")
    fig = ranges_chart()
    (marker,) = lines(fig, "open_lower")
    assert marker.get_marker() == "<" and list(marker.get_xdata()) == [10]
    assert "≤ 10" in annotations(fig)
    # the light bar says "somewhere from 0 to 10"
    assert (0, 10) in [(p.get_x(), p.get_width()) for p in patches(fig, "interval")]


def test_rows_are_labelled_with_their_value_or_range():
    theme.set_theme("en")
    assert annotations(ranges_chart()) == [
        "2,700", "100–2,000", "≥ 3", "≤ 10", "cannot be determined",
    ]
    theme.set_theme("zh")
    assert annotations(ranges_chart("zh"))[-1] == "无法确定"


def test_stated_points_are_marked():
    theme.set_theme("en")
    (points,) = lines(ranges_chart(), "point")
    assert list(points.get_xdata()) == [2700, 3] and list(points.get_ydata()) == [0, 2]


def test_bar_ranges_rejects_lower_above_upper_and_ragged_columns():
    with pytest.raises(ParameterError):
        plots.bar_ranges(["a"], [5], [3], title="t", unit_label="u", source="s", lang="en")
    with pytest.raises(ParameterError):
        plots.bar_ranges(["a", "b"], [1], [2, 3], title="t", unit_label="u", source="s", lang="en")


# --- funnel -----------------------------------------------------------------------


def test_funnel_draws_stages_top_down_with_conversion_rates():
    theme.set_theme("en")
    fig = plots.funnel(["applied", "funded", "completed"], [1000, 250, 200], title="Funnel",
                       unit_label="projects", source="s", lang="en")
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == [1000, 250, 200]
    assert ax.yaxis_inverted()  # first stage on top
    # 250 / 1000 = 25%, 200 / 250 = 80%
    assert annotations(fig) == ["1,000", "250  (conversion 25%)", "200  (conversion 80%)"]


def test_funnel_in_chinese_says_conversion_rate():
    theme.set_theme("zh")
    fig = plots.funnel(["申报", "立项"], [8, 2], title="漏斗", unit_label="项", source="s", lang="zh")
    assert annotations(fig)[1] == "2  (转化率 25%)"


# --- line_path --------------------------------------------------------------------


def test_line_path_draws_the_line_and_a_band_between_the_bounds():
    theme.set_theme("en")
    fig = plots.line_path([2019, 2020, 2021], [1.0, 2.0, 2.5], title="Path", unit_label="CNY bn",
                          source="s", lang="en", y_lower=[0.8, 1.5, 2.0], y_upper=[1.2, 2.5, 3.0])
    ax = fig.axes[0]
    assert list(ax.lines[0].get_ydata()) == [1.0, 2.0, 2.5]
    ys = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert (ys.min(), ys.max()) == (0.8, 3.0)
    assert ax.get_ylabel() == "CNY bn"


def test_line_path_without_bounds_has_no_band():
    theme.set_theme("en")
    fig = plots.line_path([1, 2], [1, 2], title="t", unit_label="u", source="s", lang="en")
    assert len(fig.axes[0].collections) == 0


# --- grid_heatmap -----------------------------------------------------------------


def scenario_grid():
    return pd.DataFrame([[1.5, 2.25], [3.75, 4.0]],
                        index=pd.Index(["低", "高"], name="情景"), columns=["A", "B"])


def test_heatmap_annotates_every_cell_and_labels_the_colour_bar_with_the_unit():
    theme.set_theme("zh")
    fig = plots.grid_heatmap(scenario_grid(), title="情景网格", unit_label="亿元", source="测算",
                             lang="zh", fmt=".2f")
    assert annotations(fig) == ["1.50", "2.25", "3.75", "4.00"]
    assert fig.axes[1].get_ylabel() == "亿元"
    assert theme.missing_glyph_warnings(fig) == []


def test_heatmap_accepts_a_formatting_function():
    theme.set_theme("en")
    fig = plots.grid_heatmap(scenario_grid() * 1000, title="Grid", unit_label="CNY",
                             source="s", lang="en", fmt=lambda v: f"{v:,.0f}")
    assert annotations(fig) == ["1,500", "2,250", "3,750", "4,000"]


# --- compare_bars -----------------------------------------------------------------


def test_compare_bars_highlights_one_bar_in_the_accent_colour():
    theme.set_theme("zh")
    fig = plots.compare_bars(["成都", "武汉", "西安"], [99.4, 80, 60.5], title="比较",
                             unit_label="亿元", source="s", lang="zh", highlight="武汉")
    colours = [to_rgb(p.get_facecolor()) for p in fig.axes[0].patches]
    base, accent = theme.palette()[0], theme.palette()[1]
    assert colours == [base, accent, base]


def test_compare_bars_appends_notes_to_value_labels():
    theme.set_theme("en")
    fig = plots.compare_bars(["Chengdu", "Wuhan"], [9940, 80], title="t", unit_label="u",
                             source="s", lang="en", notes=["2021", ""])
    assert annotations(fig) == ["9,940  2021", "80"]


def test_compare_bars_rejects_a_highlight_that_is_not_a_label():
    with pytest.raises(ParameterError):
        plots.compare_bars(["A"], [1], title="t", unit_label="u", source="s", lang="en",
                           highlight="B")


# --- labels are the report's printed strings -----------------------------------------


def test_heatmap_cells_can_carry_the_reports_own_strings():
    theme.set_theme("en")
    labels = pd.DataFrame([["200×", "40× to 60×"], ["125×", "25×"]], index=scenario_grid().index, columns=["A", "B"])
    fig = plots.grid_heatmap(scenario_grid(), title="Grid", unit_label="×", source="s", lang="en", labels=labels)
    assert annotations(fig) == ["200×", "40× to 60×", "125×", "25×"]


def test_heatmap_labels_must_match_the_grid_shape():
    with pytest.raises(ParameterError, match="labels"):
        plots.grid_heatmap(scenario_grid(), title="Grid", unit_label="×", source="s", lang="en",
                           labels=pd.DataFrame([["a"]]))


def test_line_path_labels_its_points_with_the_given_texts():
    theme.set_theme("zh")
    fig = plots.line_path([2021, 2024], [99.4, 198.8], title="路径", unit_label="亿元", source="s", lang="zh",
                          texts=["99.4亿元", "至少199亿元"])
    assert [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "point_label"] == ["99.4亿元", "至少199亿元"]


def test_bar_labels_use_the_given_texts_and_the_source_line_is_findable():
    theme.set_theme("en")
    fig = plots.bar_ranges(["a"], [2e10 / 2800], [3e10 / 2700], title="t", unit_label="CNY", source="Source: x",
                           lang="en", texts=["CNY 7.14 m to CNY 11.1 m"])
    assert annotations(fig) == ["CNY 7.14 m to CNY 11.1 m"]
    assert plots.drawn_source(fig) == "Source: x"


def test_long_source_lines_wrap_without_losing_a_character_and_grow_the_figure():
    theme.set_theme("en")
    source = "Source: " + "; ".join(f"assumption: parameter_{i}" for i in range(12))
    short = plots.compare_bars(["A"], [1], title="t", unit_label="u", source="x", lang="en")
    fig = plots.compare_bars(["A"], [1], title="t", unit_label="u", source=source, lang="en")
    (text,) = fig.texts
    assert text.get_text().count("\n") >= 1  # 12 x 26 characters do not fit 7 inches at 8 pt
    assert plots.drawn_source(fig) == source
    assert fig.get_size_inches()[1] > short.get_size_inches()[1]


def test_wrapping_counts_chinese_characters_as_full_width():
    # 8 pt, 1 inch: 72 / (8 * 0.55) = 16.4 half-em units -> 8 Chinese characters or 16 Latin ones a line
    assert plots.wrap_to_width("成" * 20, 1, 8).split("\n") == ["成" * 8, "成" * 8, "成" * 4]
    assert plots.wrap_to_width("a" * 20, 1, 8).split("\n") == ["a" * 16, "a" * 4]
