"""Shared pages load nothing from the network and carry no build-machine path, for a
full build of the real notebooks and for hostile notebooks.

One module-scoped pair of builds (the real notebooks; the hostile fixtures) feeds every
test here. The offline test opens every reader and analyst page (and the index) in
Chromium with every request observed and aborted unless it is the page itself or a
`data:` URL. The hostile fixtures (tests/notebooks/hostile_html, exit_*, error_*) hold
each form of remote reference that once survived the clean-up, and end in each kind of
early exit and error with this machine's paths in their text.
"""

from __future__ import annotations

import getpass
import os
import re
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

from kczlib.cli import main

from conftest import REPO, REPORT_NOTEBOOKS
from support.browser import full_page_screenshot
from support.builds import (
    manifest,
    run_folders,
    shared_files,
    shared_text,
    without_embedded_data,
    write_config,
)

EXITS = ["exit_sys_exit_0", "exit_system_exit_with_paths", "exit_ipython_exit",
         "exit_kernel_dies", "exit_cell_timeout", "error_with_paths", "fails_in_cell_3"]
HOSTILE = ["hostile_html", *EXITS]
PRIVATE = os.path.join(os.path.expanduser("~"), "private", "notes.txt")


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    reports = [{"notebook": n} for n in HOSTILE]
    reports.append({"notebook": "echo_parameters", "parameters": {"text": PRIVATE}})
    config = write_config(folder, reports, langs=["zh"])
    # a short cell timeout, so that exit_cell_timeout stops on it
    config.write_text(config.read_text(encoding="utf-8") + "cell_timeout = 8\n", encoding="utf-8")
    assert main(["--config", str(config), "build", "-q"]) == 1  # the exits and errors fail
    return run_folders(folder / "out")[0]


@pytest.fixture(scope="module")
def real_run(built_reports) -> Path:
    """The session's one build of every declared report (support/reader_build.py), read only;
    it skips the test when the notebooks are not written yet."""
    return built_reports.resolve()


# --- no machine path -----------------------------------------------------------------

def machine_strings(run: Path) -> list[str]:
    return sorted({str(REPO), os.path.expanduser("~") + "/", sys.prefix, sys.executable,
                   str(run.parent.parent), tempfile.gettempdir() + "/"}, key=len, reverse=True)


def assert_no_machine_path(run: Path, path: Path) -> None:
    name = re.escape(getpass.getuser())
    user = re.compile(rf"[/\\]{name}(?![\w-])|(?<![\w-]){name}@")
    text = without_embedded_data(shared_text(path))
    text = re.sub(r"<style\b.*?</style>", "", text, flags=re.S)  # nbconvert's CSS (`:root`)
    for s in machine_strings(run):
        assert s not in text, f"{s} in {path.name}"
    assert not user.search(text), f"user name in {path.name}: {user.search(text)}"


@pytest.mark.parametrize("report", [*HOSTILE, "echo_parameters"])
def test_no_file_of_a_hostile_report_holds_a_machine_path(hostile_run, report):
    files = [hostile_run / f"{report}-zh{s}" for s in (".ipynb", ".html", ".analyst.html")]
    for path in files:
        assert_no_machine_path(hostile_run, path)


def test_the_index_and_manifest_of_a_hostile_run_hold_no_machine_path(hostile_run):
    assert {p.name for p in shared_files(hostile_run)} >= {"index.html", "manifest.json"}
    for path in shared_files(hostile_run):
        assert_no_machine_path(hostile_run, path)


@pytest.mark.parametrize("notebook", EXITS[:-1])
def test_each_early_exit_kept_its_output_with_the_paths_replaced(hostile_run, notebook):
    # not vacuous: the notebook did print its paths, and they arrive as placeholders
    nb = nbformat.read(hostile_run / f"{notebook}-zh.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "kczlib at ./kczlib/__init__.py python at {python}/" in printed


def test_error_summaries_in_manifest_and_index_are_scrubbed(hostile_run):
    errors = {e["name"]: e["error"] for e in manifest(hostile_run)["reports"] if e["status"] == "failed"}
    assert "stopping: ./kczlib/__init__.py {python} ~" in errors["exit_system_exit_with_paths-zh"]["head"]
    assert "cannot read ./kczlib/__init__.py; python {python}/" in errors["error_with_paths-zh"]["summary"]
    index = (hostile_run / "index.html").read_text(encoding="utf-8")
    assert "stopping: ./kczlib/__init__.py {python} ~" in index


def test_a_parameter_holding_a_path_is_shared_as_a_placeholder(hostile_run):
    nb = nbformat.read(hostile_run / "echo_parameters-zh.ipynb", as_version=4)
    assert "text = '~/private/notes.txt'" in nb.cells[2].source  # the injected cell
    assert nb.metadata.papermill.parameters["text"] == "~/private/notes.txt"
    entry = next(e for e in manifest(hostile_run)["reports"] if e["name"] == "echo_parameters-zh")
    assert entry["parameters"]["text"] == "~/private/notes.txt"


# --- no network load, seen by the browser --------------------------------------------

def requests_made(browser, page_path: Path) -> list[str]:
    """Every request Chromium makes while opening and fully rendering `page_path`, except
    the page itself and `data:` URLs; each such request is also aborted."""
    own = page_path.resolve().as_uri()
    seen: list[str] = []
    context = browser.new_context()

    def route(r):
        url = r.request.url
        if url == own or url.startswith("data:"):
            r.continue_()
        else:
            seen.append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda req: req.url != own and not req.url.startswith("data:")
            and seen.append(req.url))
    try:
        page.goto(own, wait_until="load")
        full_page_screenshot(page)  # lays out and paints every element and background
        page.wait_for_load_state("load")
    finally:
        context.close()
    return sorted(set(seen))


def test_the_request_watch_sees_a_remote_image(browser, tmp_path):
    # the detector itself: a page with one remote image must be caught
    page = tmp_path / "control.html"
    page.write_text('<!DOCTYPE html><p>x</p><img src="HTTPS://example.invalid/a.png">'
                    '<div style="background:url(//example.invalid/b.png)">y</div>')
    assert requests_made(browser, page) == ["file://example.invalid/b.png",
                                            "https://example.invalid/a.png"]


def pages_of(run: Path | None) -> list[Path]:
    """Every HTML page of a run: reader and analyst pages, and the index page(s)."""
    return sorted(run.glob("*.html")) if run else []


def every_page(run: Path) -> set[str]:
    names = [e["name"] for e in manifest(run)["reports"]]
    return {"index.html"} | {f"{n}{s}" for n in names for s in (".html", ".analyst.html")}


def test_no_page_of_a_hostile_run_loads_anything_from_outside_itself(browser, hostile_run):
    pages = pages_of(hostile_run)
    assert {p.name for p in pages} >= every_page(hostile_run)
    loads = {p.name: requests_made(browser, p) for p in pages}
    assert {name: urls for name, urls in loads.items() if urls} == {}


def test_no_page_of_a_full_build_loads_anything_from_outside_itself(browser, real_run):
    pages = pages_of(real_run)
    assert len(manifest(real_run)["reports"]) == 2 * len(REPORT_NOTEBOOKS)
    assert {p.name for p in pages} >= every_page(real_run)
    loads = {p.name: requests_made(browser, p) for p in pages}
    assert {name: urls for name, urls in loads.items() if urls} == {}


def test_the_hostile_page_keeps_its_text_and_the_link_a_reader_clicks(hostile_run):
    html = (hostile_run / "hostile_html-zh.html").read_text(encoding="utf-8")
    assert "hostile output" in html and "styled" in html
    assert 'href="https://example.invalid/clicked-only"' in html
    assert "example.invalid/out-" not in html.replace("clicked-only", "")
    assert "example.invalid/md-" not in html and "example.invalid/raw" not in html
