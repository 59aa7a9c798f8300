"""Charts that never collapse: the drawn layout of every chart of every declared report in
both languages (issue 11, items 4 and 6).

The real notebooks are built once with KCZ_CHART_LAYOUT set (tests/support/reader_build.py), for
the project's case and for the second case (tests/conftest.py, second_case_run);
`kczlib._testing.write_layout` then writes, per chart, the boxes the renderer drew:
axes, titles, tick and axis labels, value labels, colour bar and source line. The rules:
the plot area keeps a real share of the figure, no two texts overlap, no text leaves the
figure, one unit per axis. A separate test draws a label with a character the CJK font
lacks (₂) and checks that the fallback font covers it.
"""

from __future__ import annotations

import json
import re
import warnings
from itertools import combinations

import pytest

from kczlib.report.charts import NARROW_SUFFIX

from support.reader_build import LAYOUT_DIR

# The plot area's share of the figure: below these the bars or cells are crushed
# (the English overview once drew a 50 px wide plot area in a 770 px figure). Stacked
# panels share the height, so the height rule is on all panels together, and each
# labelled row (a bar, a heatmap row) gets at least a line of 9 pt text at 110 dpi.
MIN_PLOT_WIDTH, MIN_PLOT_HEIGHT, MIN_ROW_PX = 0.35, 0.20, 16
TOLERANCE = 1.0  # px: boxes that touch are not overlapping


@pytest.fixture(scope="module", params=["case", "second_case"])
def build(request):
    """(reports/latest, the measured chart layouts) of every declared report, for the project's
    case and for the second case (tests/fixtures/cases/jiangcheng): the rules hold on other data."""
    if request.param == "case":
        reports = request.getfixturevalue("built_reports")
    else:
        reports, result = request.getfixturevalue("second_case_run")
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    folder = reports.parent.parent / LAYOUT_DIR
    found = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]
    assert found, f"no chart layouts written to {folder}"
    return reports, found


@pytest.fixture
def layouts(build):
    return build[1]


@pytest.fixture
def built(build):
    return build[0]


def _overlap(a, b) -> bool:
    return (min(a[2], b[2]) - max(a[0], b[0]) > TOLERANCE) and (min(a[3], b[3]) - max(a[1], b[1]) > TOLERANCE)


def test_every_report_and_language_has_its_charts_measured(built, layouts):
    pages = {p.name.removesuffix(".html") for p in built.glob("*-??.html")}
    with_charts = {page for page in pages
                   if "<img" in (built / f"{page}.html").read_text(encoding="utf-8")}
    measured = {layout["name"].rsplit("-", 1)[0] for layout in layouts}
    # layout names are <notebook>-<lang>-<chart>; the chart name has no "-"
    measured = {name for name in measured}
    missing = {page for page in with_charts if not any(m.startswith(page) for m in measured)}
    assert not missing, f"pages with charts but no measured layout: {sorted(missing)}"


def test_plot_areas_keep_their_share_of_the_figure(layouts):
    bad = []
    for layout in layouts:
        plots = [ax for ax in layout["axes"] if ax["role"] == "plot"]
        total = sum(ax["box"][3] - ax["box"][1] for ax in plots) / layout["height"]
        if total < MIN_PLOT_HEIGHT:
            bad.append(f"{layout['name']}: plot areas take {total:.0%} of the figure's height")
        for ax in plots:
            x0, y0, x1, y1 = ax["box"]
            if (x1 - x0) / layout["width"] < MIN_PLOT_WIDTH:
                bad.append(f"{layout['name']}: plot area {(x1 - x0) / layout['width']:.0%} of the figure's width")
            if ax.get("rows") and (y1 - y0) / ax["rows"] < MIN_ROW_PX:
                bad.append(f"{layout['name']}: {(y1 - y0) / ax['rows']:.0f} px per row")
    assert not bad, "\n".join(bad)


def test_one_unit_per_axis(layouts):
    # numbers that count different things (platforms, people, projects) never share an axis:
    # each plot names what its numbers count (kczlib.report.charts: "count:个", "CNY", or
    # "mixed:…" when they differ); the Chinese overview once drew 个, 家, 位 and 人 on one axis
    # (counts of different things may share one logarithmic axis drawn as dots, issue 22 M9:
    # "log:…", on an axis that is log-scaled)
    bad = [f"{layout['name']}: one axis for {ax['unit']}" for layout in layouts
           for ax in layout["axes"] if ax["role"] == "plot" and (ax.get("unit") or "").startswith("mixed:")]
    bad += [f"{layout['name']}: {ax['unit']} on a {ax['xscale']} axis" for layout in layouts
            for ax in layout["axes"] if (ax.get("unit") or "").startswith("log:") and ax["xscale"] != "log"]
    bad += [f"{layout['name']}: a plot that does not say what it counts" for layout in layouts
            for ax in layout["axes"] if ax["role"] == "plot" and not ax.get("unit")]
    units = {}
    for layout in layouts:
        for ax in layout["axes"]:
            if ax.get("unit"):
                units.setdefault(layout["name"], []).append(ax["unit"])
    bad += [f"{name}: two panels draw {u}" for name, us in units.items() for u in set(us) if us.count(u) > 1]
    assert not bad, "\n".join(bad)


def test_no_two_texts_overlap(layouts):
    bad = []
    for layout in layouts:
        for a, b in combinations(layout["texts"], 2):
            if _overlap(a["box"], b["box"]):
                bad.append(f"{layout['name']}: {a['role']} {a['text'][:30]!r} overlaps {b['role']} {b['text'][:30]!r}")
    assert not bad, f"{len(bad)} overlaps:\n" + "\n".join(bad[:40])


def test_no_text_leaves_the_figure(layouts):
    bad = []
    for layout in layouts:
        for t in layout["texts"]:
            x0, y0, x1, y1 = t["box"]
            if (x0 < -TOLERANCE or y0 < -TOLERANCE
                    or x1 > layout["width"] + TOLERANCE or y1 > layout["height"] + TOLERANCE):
                bad.append(f"{layout['name']}: {t['role']} {t['text'][:40]!r} at {[round(v) for v in t['box']]}"
                           f" outside {round(layout['width'])}x{round(layout['height'])}")
    assert not bad, "\n".join(bad)


def test_text_does_not_run_into_the_plot_of_another_axes(layouts):
    # a colour bar's label or a source line over the heatmap, say
    bad = []
    for layout in layouts:
        plots = [ax["box"] for ax in layout["axes"]]
        for t in layout["texts"]:
            if t["role"] in ("source", "colorbar_label", "title"):
                for box in plots:
                    if _overlap(t["box"], box) and t["role"] != "colorbar_label":
                        bad.append(f"{layout['name']}: {t['role']} {t['text'][:30]!r} over an axes")
    assert not bad, "\n".join(bad)


def test_a_label_with_a_character_the_cjk_font_lacks_falls_back_and_draws():
    from kczlib.report import plots, theme

    theme.set_theme("en")
    fig = plots.compare_bars(["CO₂ emissions", "成都 CO₂"], [1.0, 2.0], title="CO₂ per firm",
                             unit_label="t CO₂", source="test", lang="en")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a "Glyph ... missing" warning fails the test
        assert theme.missing_glyph_warnings(fig) == []


def test_every_chart_has_a_phone_rendition_measured(layouts):
    # kczlib.report.charts.ChartMethods.chart draws each chart again for a phone (issue 22, M14)
    names = {layout["name"] for layout in layouts}
    wide = {n for n in names if not n.endswith(NARROW_SUFFIX)}
    missing = sorted(n for n in wide if n + NARROW_SUFFIX not in names)
    assert not missing, f"charts without a phone rendition: {missing}"


def test_no_panel_gives_a_single_bar_its_own_axis(layouts):
    # issue 22, M9: "7个" alone on its own axis looked as long as "50余项" alone on another
    bad = [f"{layout['name']}: a panel of {ax['rows']} bar on its own axis" for layout in layouts
           for ax in layout["axes"] if ax["role"] == "plot" and ax.get("rows") == 1 and not ax.get("shared")
           and ax.get("unit") not in (None, "")]
    assert not bad, "\n".join(bad)


def test_no_legend_covers_a_bar_a_line_or_a_plot_area(layouts):
    # issue 22, H2: the English legend of the population chart was drawn inside a hatched bar
    bad = []
    for layout in layouts:
        plots = [ax["box"] for ax in layout["axes"] if ax["role"] == "plot"]
        for legend in layout.get("legends", []):
            if any(_overlap(legend, box) for box in layout.get("marks", []) + plots):
                bad.append(f"{layout['name']}: a legend at {[round(v) for v in legend]} covers the data")
    assert not bad, "\n".join(bad)


DOMAIN = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def test_source_lines_never_break_inside_a_word_or_domain_name(layouts):
    # issue 22, L9: "drive.di / zo.com.cn"; lines break at spaces and between Chinese characters
    bad = []
    for layout in layouts:
        for t in layout["texts"]:
            if t["role"] != "source":
                continue
            lines = t["text"].split("\n")
            for word in DOMAIN.findall(t["text"].replace("\n", "")):
                if not any(word in line for line in lines):
                    bad.append(f"{layout['name']}: {word!r} is broken across lines")
    assert not bad, "\n".join(bad)


def test_every_charts_alt_text_gives_the_values_it_draws(built, layouts):
    # issue 22, L8: "Chart: lending firms" told a reader who cannot see the chart nothing; the
    # alt text (output metadata kcz.alt, what the reader page writes) holds every value label
    # the drawn chart shows, next to more than its title
    drawn = {layout["name"]: [t["text"].replace("\n", "") for t in layout["texts"] if t["role"] == "annotation"]
             for layout in layouts}
    bad, seen = [], 0
    for path in sorted(built.glob("*-??.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for out in cell.get("outputs", []):
                kcz = (out.get("metadata") or {}).get("kcz") or {}
                if "image/png" not in (out.get("data") or {}) or "chart" not in kcz:
                    continue
                seen += 1
                values = drawn.get(f"{path.stem}-{kcz['chart']}")
                if values is None:
                    bad.append(f"{path.stem} {kcz['chart']}: no layout")
                    continue
                missing = [v for v in values if v.strip() and v.strip() not in kcz["alt"]]
                if missing or not any(ch.isdigit() for ch in kcz["alt"]):
                    bad.append(f"{path.stem} {kcz['chart']}: alt {kcz['alt'][:80]!r} lacks {missing[:3]}")
    assert seen, "no chart output names its chart"
    assert not bad, "\n".join(bad)
