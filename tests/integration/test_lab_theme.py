"""A scratch notebook's own seaborn chart with Chinese labels draws: `import kczlib` in a lab kernel,
`%load_ext kczlib`, or the one line docs/lab.md gives; and the lab's CJK font style comes with the first two.

Tested on a real kernel started as JupyterLab (`make lab`) starts one: the python3 kernel
of this environment, in notebooks/scratch/, with `JPY_SESSION_NAME` set as jupyter_server sets it.
"""

from __future__ import annotations

import base64
import io
import os
import re

import pytest
from fontTools.ttLib import TTFont
from jupyter_client.manager import start_new_kernel

from conftest import REPO

pytestmark = pytest.mark.notebook

THEME_LINE = 'from kczlib.report import theme; theme.set_theme("zh")'  # as docs/lab.md writes it
PLAIN_SEABORN = """\
import pandas as pd
import seaborn as sns
df = pd.DataFrame({"城市": ["成都", "西安", "重庆"], "科创贷企业数": [2700, 1500, 1200]})
ax = sns.barplot(data=df, x="城市", y="科创贷企业数")
ax.set_title("科创中国试点城市（示意）")
"""


LAB_ENV = {"JPY_SESSION_NAME": "notebooks/scratch/explore.ipynb"}  # what jupyter_server gives its kernels
HTML: list[str] = []  # the text/html outputs of the last chart_in_fresh_kernel


def chart_in_fresh_kernel(first: str, env: dict | None = None) -> tuple[list[str], int]:
    """stderr texts and the number of PNGs drawn when `first`, then the chart, run in a fresh kernel."""
    (REPO / "notebooks" / "scratch").mkdir(exist_ok=True)
    environ = {k: v for k, v in os.environ.items() if k not in ("JPY_SESSION_NAME", "KCZ_BUILD")}
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(REPO / "notebooks" / "scratch"),
                              env={**environ, **(env or {})})
    stderr, images, errors = [], [], []
    HTML.clear()

    def hook(msg):
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream" and content["name"] == "stderr":
            stderr.append(content["text"])
        elif kind == "display_data" and "image/png" in content["data"]:
            images.append(1)
        elif kind == "display_data" and "text/html" in content["data"]:
            HTML.append(content["data"]["text/html"])
        elif kind == "error":
            errors.append(content["evalue"])

    try:
        for code in ([first] if first else []) + [PLAIN_SEABORN]:
            reply = kc.execute_interactive(code, timeout=180, output_hook=hook, allow_stdin=False)
            assert reply["content"]["status"] == "ok", errors
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return stderr, len(images)


def glyph_warnings(stderr: list[str]) -> list[str]:
    return [t for t in stderr if "Glyph" in t and "missing from font" in t]


def test_the_docs_line_makes_a_plain_seaborn_chart_draw_chinese_labels():
    assert THEME_LINE in (REPO / "docs" / "lab.md").read_text(encoding="utf-8")
    stderr, drawn = chart_in_fresh_kernel(THEME_LINE)
    assert drawn == 1  # the chart was rendered (glyph warnings come at rendering)
    assert glyph_warnings(stderr) == [], "".join(stderr)[:500]


def test_without_it_the_chart_warns_of_missing_glyphs():
    # why the docs line exists: the default font has no Chinese glyphs
    stderr, drawn = chart_in_fresh_kernel("")
    assert drawn == 1 and glyph_warnings(stderr)


def test_import_kczlib_in_a_lab_kernel_sets_the_theme_and_shows_the_font_style():
    stderr, drawn = chart_in_fresh_kernel("import kczlib", LAB_ENV)
    assert drawn == 1 and glyph_warnings(stderr) == [], "".join(stderr)[:500]
    assert len(HTML) == 1 and HTML[0].startswith('<style id="kcz-lab-font">@font-face')
    assert "<script" not in HTML[0] and "http" not in HTML[0]  # nothing fetched, nothing run
    font = TTFont(io.BytesIO(base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", HTML[0]).group(1))))
    mapped = {chr(c) for c in font.getBestCmap()}
    # by hand: the titles of 00 and 02 (概况, 科技金融杠杆), common GB2312 level-1 hanzi (的, 是, 了),
    # 菁 of 科菁荟 in the chengdu data (GB2312 0xDDBC: level 2, there only because the data has it)
    assert set("概况科技金融杠杆的是了菁") <= mapped
    assert len(mapped) >= 3755  # at least GB2312 level 1
    assert len(HTML[0]) < 1_200_000  # measured 849 250 characters (4078 glyphs)


def test_load_ext_kczlib_does_the_same_in_any_ipython():
    stderr, drawn = chart_in_fresh_kernel("%load_ext kczlib")
    assert drawn == 1 and glyph_warnings(stderr) == [], "".join(stderr)[:500]
    assert len(HTML) == 1 and "@font-face" in HTML[0]


def test_a_build_kernel_gets_nothing_from_import_kczlib():
    # kcz build marks its kernels (KCZ_BUILD): report pages must not get the style output
    stderr, drawn = chart_in_fresh_kernel("import kczlib", {**LAB_ENV, "KCZ_BUILD": "1"})
    assert HTML == [] and drawn == 1 and glyph_warnings(stderr)
