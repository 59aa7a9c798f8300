"""Chart helpers with pandas' nullable values (Float64 frames, pd.NA) draw a missing value
as missing, with a note; and every character a chart draws is in one of the theme's fonts
(the fallback font is really consulted, glyph by glyph)."""

from __future__ import annotations

import io

import matplotlib as mpl
import pandas as pd
import pytest
from fontTools.ttLib import TTFont
from matplotlib.font_manager import FontProperties, fontManager

from kczlib.report import plots, theme

NOTE = {"zh": "缺失值未绘出：", "en": "missing values not drawn: "}


@pytest.fixture(autouse=True)
def themed():
    theme.set_theme("zh")


def drawn(fig):
    fig.savefig(io.BytesIO(), format="png")  # draws every artist
    return fig


def bar_widths(fig) -> list[float]:
    return [p.get_width() for p in fig.axes[0].patches]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_compare_bars_and_funnel_take_nullable_values_and_leave_the_missing_one_out(lang):
    values = pd.array([120.0, pd.NA, 30.0], dtype="Float64")
    labels = ["成都", "武汉", "西安"]
    fig = drawn(plots.compare_bars(labels, values, title="t", unit_label="u", source="s", lang=lang))
    assert bar_widths(fig) == [120.0, 0.0, 30.0]  # no bar for 武汉
    assert NOTE[lang] + "武汉" in plots.drawn_source(fig)
    fig = drawn(plots.funnel(labels, pd.Series(values), title="t", unit_label="u", source="s", lang=lang))
    assert bar_widths(fig) == [120.0, 0.0, 30.0]
    assert NOTE[lang] + "武汉" in plots.drawn_source(fig)
    # no conversion rate is made up across the gap: 30 / missing
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts[1] == {"zh": "缺失", "en": "missing"}[lang] and "(" not in texts[2]


def test_line_path_leaves_a_gap_at_a_missing_value():
    y = pd.Series([1.0, None, 3.0, 4.0], dtype="Float64")
    fig = drawn(plots.line_path([2019, 2020, 2021, 2022], y, title="t", unit_label="u", source="s",
                                y_lower=y * 0.9, y_upper=y * 1.1, texts=["1", "?", "3", "4"]))
    (line,) = fig.axes[0].get_lines()
    ys = list(line.get_ydata())
    assert ys[0] == 1.0 and ys[2:] == [3.0, 4.0] and ys[1] != ys[1]  # NaN: the line breaks
    assert [t.get_text() for t in fig.axes[0].texts] == ["1", "3", "4"]
    assert NOTE["zh"] + "2020" in plots.drawn_source(fig)


def test_grid_heatmap_takes_a_float64_frame_with_na():
    frame = pd.DataFrame({"0.05": [1.0, pd.NA], "0.10": [2.0, 3.0]}, index=["低", "高"], dtype="Float64")
    fig = drawn(plots.grid_heatmap(frame, title="t", unit_label="u", source="s"))
    annotations = sorted(t.get_text() for t in fig.axes[0].texts)
    assert annotations == ["1", "2", "3"]  # the missing cell has no number
    assert NOTE["zh"] + "高 / 0.05" in plots.drawn_source(fig)


def test_bar_ranges_takes_nullable_bounds():
    lower = pd.array([1.0, pd.NA], dtype="Float64")
    upper = pd.array([2.0, pd.NA], dtype="Float64")
    fig = drawn(plots.bar_ranges(["a", "b"], lower, upper, title="t", unit_label="u", source="s"))
    assert "无法确定" in [t.get_text() for t in fig.axes[0].texts]


# --- every character drawn is in one of the fonts -------------------------------------

def font_cmaps() -> list[set[int]]:
    families = mpl.rcParams["font.family"]
    paths = [fontManager.findfont(FontProperties(family=f), fallback_to_default=False) for f in families]
    return [set(TTFont(p, fontNumber=0).getBestCmap()) for p in paths]


def drawn_texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text") and a.get_visible())]


def test_the_fallback_font_is_consulted_glyph_by_glyph():
    title = "CO₂排放 ≥ ½ → m² · 2019–2023年"
    fig = drawn(plots.compare_bars(["成都 CO₂", "武汉"], [1.0, 2.0], title=title, unit_label="万吨 CO₂",
                                   source="成都市生态环境局"))
    assert theme.missing_glyph_warnings(fig) == []
    cmaps = font_cmaps()
    assert len(cmaps) >= 2 and 0x2082 not in cmaps[0]  # ₂: the CJK font really lacks it
    uncovered = {ch for text in drawn_texts(fig) for ch in text
                 if not ch.isspace() and not any(ord(ch) in cmap for cmap in cmaps)}
    assert uncovered == set()
    assert title in drawn_texts(fig)


# --- a chart that would draw a box is never shown -----------------------------------------

TANGUT = "\U00017000"  # a Tangut character: in neither the CJK font nor DejaVu Sans


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_chart_refuses_a_glyph_no_font_has(lang):
    from kczlib import num

    from support.report_setup import bare_report

    r = bare_report("01_fiscal_investment", "chengdu", lang)
    n = num("chengdu", "pilot_cities_first_batch")
    fig = plots.compare_bars([f"城市{TANGUT}"], [1.0], title="t", unit_label="u", source="s", lang=lang)
    assert plots.narrow_rendition(fig) is not None  # the phone rendition is drawn too
    with pytest.raises(RuntimeError, match=r"chart 'glyphs' has missing glyphs: Glyph 94208 .*missing"):
        r.chart(fig, "glyphs", [n])


def test_report_chart_with_every_glyph_in_the_fonts_passes_and_keeps_other_warnings():
    from kczlib import num

    from support.report_setup import bare_report

    r = bare_report("01_fiscal_investment", "chengdu", "zh")
    fig = plots.compare_bars(["成都 CO₂", "武汉"], [1.0, 2.0], title="排放", unit_label="万吨", source="来源")
    with theme.glyph_check() as found, pytest.warns(UserWarning, match="not a glyph warning"):
        import warnings

        warnings.warn("not a glyph warning", UserWarning, stacklevel=1)
        r.chart(fig, "fine", [num("chengdu", "pilot_cities_first_batch")])
    assert found == []
    assert [name for name, _, _ in r.charts] == ["fine"]
