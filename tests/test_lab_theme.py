"""A scratch notebook's own seaborn chart with Chinese labels draws them, with no theme call.

`make setup` installs lab/ipython_kernel_config.py into .venv/etc/ipython/, so every kernel
of the project's environment starts with the chart theme (the CJK font). Tested on a real
kernel started as JupyterLab (`make lab`) starts one: the python3 kernel of this environment,
in notebooks/scratch/.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from jupyter_client.manager import start_new_kernel

from conftest import REPO

pytestmark = pytest.mark.notebook

PLAIN_SEABORN = """\
import pandas as pd
import seaborn as sns
df = pd.DataFrame({"城市": ["成都", "西安", "重庆"], "科创贷企业数": [2700, 1500, 1200]})
ax = sns.barplot(data=df, x="城市", y="科创贷企业数")
ax.set_title("科创中国试点城市（示意）")
"""


def test_setup_installed_the_kernel_configuration():
    installed = Path(sys.prefix) / "etc" / "ipython" / "ipython_kernel_config.py"
    assert installed.is_file(), f"{installed} is missing: run `make setup`"
    assert installed.read_text(encoding="utf-8") == (REPO / "lab" / "ipython_kernel_config.py").read_text(encoding="utf-8")


def test_a_plain_seaborn_chart_with_chinese_labels_in_a_fresh_kernel_has_no_missing_glyph():
    (REPO / "notebooks" / "scratch").mkdir(exist_ok=True)
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(REPO / "notebooks" / "scratch"))
    stderr, images, errors = [], [], []

    def hook(msg):
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream" and content["name"] == "stderr":
            stderr.append(content["text"])
        elif kind == "display_data" and "image/png" in content["data"]:
            images.append(content["data"]["image/png"])
        elif kind == "error":
            errors.append(content["evalue"])

    try:
        reply = kc.execute_interactive(PLAIN_SEABORN, timeout=180, output_hook=hook, allow_stdin=False)
        names = []
        kc.execute_interactive("print(sorted(n for n in dir() if not n.startswith('_')))", timeout=60,
                               output_hook=lambda m: names.append(m["content"].get("text", "")), allow_stdin=False)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok", errors
    assert len(images) == 1  # the chart was drawn (glyph warnings come when it is rendered)
    assert not [t for t in stderr if "Glyph" in t or "missing from font" in t], "".join(stderr)[:500]
    # the start-up line left no name behind in the notebook's namespace
    assert "".join(names).strip() == str(sorted(["In", "Out", "ax", "df", "exit", "get_ipython", "open", "pd", "quit", "sns"]))
