"""Shared outputs carry nothing of the build machine and fetch nothing from the network."""

from __future__ import annotations

import csv
import getpass
import io
import os
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from kczlib.cli import main

from conftest import REAL_NOTEBOOKS, REPO
from support.builds import (
    real_notebooks_exist,
    run_folders,
    shared_files,
    shared_text,
    without_embedded_data,
    write_config,
)


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sharing")
    config = write_config(folder, [{"notebook": "tiny_report"}, {"notebook": "fails_in_cell_3"}])
    assert main(["--config", str(config), "build", "-q"]) == 1  # one notebook fails on purpose
    return run_folders(folder / "out")[0]


def machine_strings(run: Path) -> list[str]:
    home = os.path.expanduser("~")
    return [str(REPO), home, str(run.parent.parent), tempfile.gettempdir() + "/"]


def test_no_path_home_or_user_name_in_any_shared_file(fixture_run):
    # a user name leaks through paths (/home/ann, /Users/ann) or prompts (ann@host); as a
    # bare word it is often ordinary text ("root" is a parameter name in kczlib)
    name = re.escape(getpass.getuser())
    user = re.compile(rf"[/\\]{name}(?![\w-])|(?<![\w-]){name}@")
    for path in shared_files(fixture_run):
        text = without_embedded_data(shared_text(path))
        text = re.sub(r"<style\b.*?</style>", "", text, flags=re.S)  # nbconvert's CSS (`:root`)
        for s in machine_strings(fixture_run):
            assert s not in text, f"{s} in {path.name}"
        assert not user.search(text), f"user name in {path.name}: {user.search(text)}"


def test_paths_in_outputs_and_tracebacks_are_replaced_by_placeholders(fixture_run):
    tiny = (fixture_run / "tiny_report-zh.html").read_text(encoding="utf-8")
    assert "kczlib lives in ./kczlib/__init__.py" in tiny
    failed = nbformat.read(fixture_run / "fails_in_cell_3-zh.ipynb", as_version=4)
    tb = "".join(o.traceback[-1] + "".join(o.traceback) for c in failed.cells
                 for o in c.get("outputs", []) if o.output_type == "error")
    assert "./kczlib/data/cases.py" in re.sub(r"\x1b\[[0-9;]*m", "", tb)


def test_shared_notebooks_record_no_input_or_output_path(fixture_run):
    for path in fixture_run.glob("*.ipynb"):
        pm = nbformat.read(path, as_version=4).metadata.get("papermill", {})
        assert "parameters" in pm
        assert not {"input_path", "output_path", "cwd"} & set(pm)


class RemoteResources(HTMLParser):
    """Collects script/link/img URLs that a browser would fetch from the network."""

    def __init__(self):
        super().__init__()
        self.remote = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        url = attrs.get("src") if tag in ("script", "img", "iframe") else (
            attrs.get("href") if tag == "link" else None)
        if url and re.match(r"(https?:)?//", url):
            self.remote.append((tag, url))


def test_html_files_load_no_script_stylesheet_or_image_from_the_network(fixture_run):
    for path in fixture_run.glob("*.html"):
        parser = RemoteResources()
        parser.feed(shared_text(path))
        assert parser.remote == [], path.name
        assert "require.min.js" not in shared_text(path)


def _append_to_metrics(figures: Path, text: str) -> None:
    rows = list(csv.DictReader(io.StringIO(figures.read_text(encoding="utf-8"))))
    for row in rows:
        row["metric_zh"] += text
        row["metric_en"] += text
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    figures.write_text(buf.getvalue(), encoding="utf-8")


@pytest.mark.notebook
@pytest.mark.skipif(not real_notebooks_exist(), reason="notebooks/*.ipynb not written yet")
def test_a_script_tag_in_a_data_label_appears_escaped(tmp_path, data_copy):
    # no digits: the narrative layer rightly refuses digits in a label that are not a Num
    payload = "<script>alert('kcz')</script>"
    _append_to_metrics(data_copy / "cases" / "chengdu" / "figures.csv", payload)
    config = write_config(tmp_path, [{"notebook": "00_overview"}], notebooks=REAL_NOTEBOOKS,
                          warm_imports=["pandas", "matplotlib.pyplot"])
    assert main(["--config", str(config), "build", "-q"]) == 0
    run = run_folders(tmp_path / "out")[0]
    for path in run.glob("*.html"):  # the index has no data text, the reports do
        html = shared_text(path)
        assert "<script>alert(" not in html, path.name
        if path.name == "index.html":
            continue
        # a Chinese page typesets metric names with full-width brackets: alert（'kcz'）
        assert "&lt;script&gt;alert(" in html or "&lt;script&gt;alert（" in html, path.name
