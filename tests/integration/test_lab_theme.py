"""A scratch notebook's own seaborn chart with Chinese labels: the one line docs/lab.md gives makes it draw.

Tested on a real kernel started as JupyterLab (`make lab`) starts one: the python3 kernel
of this environment, in notebooks/scratch/.
"""

from __future__ import annotations

import pytest
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


def chart_in_fresh_kernel(first: str) -> tuple[list[str], int]:
    """stderr texts and the number of PNGs drawn when `first`, then the chart, run in a fresh kernel."""
    (REPO / "notebooks" / "scratch").mkdir(exist_ok=True)
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(REPO / "notebooks" / "scratch"))
    stderr, images, errors = [], [], []

    def hook(msg):
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream" and content["name"] == "stderr":
            stderr.append(content["text"])
        elif kind == "display_data" and "image/png" in content["data"]:
            images.append(1)
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
