"""A real JupyterLab session in headless Chromium: open a report, run it, edit, re-run.

`make lab` starts JupyterLab from the project's environment in a temporary copy of the
project (so saving or autosave never touches this clone), on 127.0.0.1, a free port and
a token; the test drives the UI with menus and the keyboard as an analyst would, and stops
the server it started. Needs a Chromium (see tests/support/browser.py) and make.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from conftest import REPO
from support.browser import ARTIFACTS, CHROMIUM_ARGS, chromium
from support.lab import MAKE_WITH_THIS_VENV, project_copy

pytestmark = [pytest.mark.browser, pytest.mark.notebook,
              pytest.mark.skipif(shutil.which("make") is None, reason="needs make")]
NB = "02_tech_finance_leverage"
STDERR = "application/vnd.jupyter.stderr"  # JupyterLab's mime type for error outputs and stderr
RUN_TIMEOUT = 240_000  # ms for one Run All on a slow, shared machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2)
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab started by `make lab` in a copy of the project: (base URL, token, copy)."""
    tmp = tmp_path_factory.mktemp("lab")
    copy = project_copy(tmp / "kcz")
    # every cell stays in the page (no virtual scrolling), so the test can read all prompts
    settings = tmp / "settings" / "@jupyterlab"
    (settings / "notebook-extension").mkdir(parents=True)
    # and the notebook's own kernel (python3 of the project) starts without a "Select Kernel" dialog
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none", "autoStartDefaultKernel": True}))
    (settings / "apputils-extension").mkdir()  # no "get news?" pop-up over the notebook
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false"}))
    port, token = free_port(), secrets.token_hex(16)
    args = ["--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
            "--no-browser", f"--LabApp.user_settings_dir={tmp / 'settings'}",
            f"--LabApp.workspaces_dir={tmp / 'workspaces'}"]
    if os.geteuid() == 0:
        args.append("--allow-root")
    log = (tmp / "server.log").open("w")
    server = subprocess.Popen(["make", "--no-print-directory", "-C", str(copy), "lab", *MAKE_WITH_THIS_VENV,
                               "LAB_ARGS=" + " ".join(args)], stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not answers(f"{base}/api/status?token={token}"):
            assert server.poll() is None, (tmp / "server.log").read_text()
            assert time.monotonic() < deadline, "JupyterLab did not answer within 120 s"
            time.sleep(0.5)
        yield base, token, copy
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # make and the server it started
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        log.close()
    assert not answers(f"{base}/api/status?token={token}"), "the server is still running"


@pytest.fixture(scope="module")
def page(lab):
    from playwright.sync_api import sync_playwright

    executable = chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        yield page
        browser.close()


def menu(page, top: str, item: str) -> None:
    accept = page.locator(".jp-Dialog .jp-mod-accept")  # a kernel dialog would take the click
    if accept.count():
        accept.first.click()
    page.click(f'.lm-MenuBar-itemLabel:text-is("{top}")')
    page.click(f'.lm-Menu-itemLabel:text-is("{item}")')


def cells(page):
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")


def prompt(page, index: int) -> int | None:
    """The execution count shown for cell `index` ([3]: -> 3), or None for [ ] and [*]."""
    m = re.search(r"\[(\d+)\]", cells(page).nth(index).locator(".jp-InputPrompt").inner_text())
    return int(m.group(1)) if m else None


def run(page, command: str, index: int) -> None:
    """Run menu `command` and wait until cell `index` has run and nothing is queued.

    The click is repeated (at most twice more) if no cell starts within 30 s: JupyterLab
    may still be swapping the kernel of a just-opened notebook, and a request sent to the
    old one is lost.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    after = prompt(page, index) or 0
    for _ in range(3):
        menu(page, "Run", command)
        try:
            page.wait_for_function(
                """([i, after]) => {
                    const all = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell')];
                    const m = /\\[(\\d+)\\]/.exec(all[i].querySelector('.jp-InputPrompt').innerText);
                    return (m && Number(m[1]) > after) ||
                           all.some(c => c.querySelector('.jp-InputPrompt').innerText.includes('*'));
                }""", arg=[index, after], timeout=30_000)
            break
        except PlaywrightTimeout:
            continue
    wait_for_run(page, index, after)


def wait_for_run(page, index: int, after: int | None) -> None:
    """Until cell `index` shows a count newer than `after` and no cell is still queued or running."""
    page.wait_for_function(
        """([i, after]) => {
            const all = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell')];
            const m = /\\[(\\d+)\\]/.exec(all[i].querySelector('.jp-InputPrompt').innerText);
            const busy = all.some(c => c.querySelector('.jp-InputPrompt').innerText.includes('*'));
            return m && Number(m[1]) > after && !busy;
        }""", arg=[index, after if after is not None else 0], timeout=RUN_TIMEOUT)


def error_texts(page) -> list[str]:
    return page.eval_on_selector_all(
        f'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output[data-mime-type="{STDERR}"]',
        "els => els.map(e => e.innerText)")


def edit_cell(page, index: int, text: str) -> None:
    """Replace a cell's text as typed by a person: click in, select all, type (no auto-brackets)."""
    cells(page).nth(index).locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)
    page.keyboard.press("Escape")  # command mode, the edited cell stays selected


def notebook_cells() -> tuple[list[dict], int]:
    nb = json.loads((REPO / "notebooks" / f"{NB}.ipynb").read_text(encoding="utf-8"))
    p = next(i for i, c in enumerate(nb["cells"]) if "parameters" in c.get("metadata", {}).get("tags", []))
    return nb["cells"], p


def test_open_a_report_run_it_edit_a_parameter_and_never_use_a_stale_value(lab, page):
    try:
        lab_session(page, *lab[:2])
    except BaseException:  # leave what the page showed and what the server said
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "lab-failure.png"), full_page=True)
        shutil.copy(lab[2].parent / "server.log", ARTIFACTS / "lab-server.log")
        raise


def lab_session(page, base: str, token: str) -> None:
    source, p = notebook_cells()
    check = p + 1
    last = max(i for i, c in enumerate(source) if c["cell_type"] == "code")
    params = "".join(source[p]["source"])

    page.goto(f"{base}/?token={token}")  # what `make lab` opens: the file browser in notebooks/
    page.dblclick(f'.jp-DirListing-item[title*="{NB}.ipynb"]', timeout=120_000)
    page.wait_for_function("n => document.querySelectorAll("
                           "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell .jp-InputPrompt')"
                           ".length === n",
                           arg=len(source), timeout=120_000)  # every cell rendered
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=120_000)

    code = [i for i, c in enumerate(source) if c["cell_type"] == "code"]

    # Run All: every code cell runs, in order, and no error output appears anywhere
    run(page, "Run All Cells", last)
    counts = [prompt(page, i) for i in code]
    assert None not in counts and counts == sorted(counts), counts
    assert [e for e in error_texts(page) if "Error" in e] == []
    default_text = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").inner_text()
    assert "30%" not in default_text  # so that the edit below is visible in the report

    # edit a value and re-run from the parameters cell
    edited = re.sub(r"^loss_rate:.*$", "loss_rate: list[float] = [0.1, 0.3]  # in [0, 1]: edited in the lab",
                    params, count=1, flags=re.M)
    edit_cell(page, p, edited)
    run(page, "Run Selected Cell and All Below", last)
    assert prompt(page, p) > counts[-1], "the run started at the parameters cell"
    assert [prompt(page, i) for i in code if i < p] == counts[:code.index(p)], "cells above did not run"
    assert [e for e in error_texts(page) if "Error" in e] == []
    assert "30%" in page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").inner_text()

    # rename a parameter: Run All is refused at the check cell, twice
    renamed = re.sub(r"^loss_rate:.*$", "los_rate = [0.1]", params, count=1, flags=re.M)
    edit_cell(page, p, renamed)
    seen = prompt(page, check)
    for attempt in (1, 2):
        run(page, "Run All Cells", check)
        assert prompt(page, check) > seen, f"run {attempt} reached the check cell"
        seen = prompt(page, check)
        errors = cells(page).nth(check).locator(f'.jp-OutputArea-output[data-mime-type="{STDERR}"]').all_inner_texts()
        assert any("parameter 'los_rate': unknown parameter" in e for e in errors), (attempt, errors)
        assert len("".join(errors).strip().splitlines()) == 1, errors  # one line, no traceback
        assert prompt(page, check + 1) is None or prompt(page, check + 1) < prompt(page, check)

    # restore it: Run All uses the cell's values again, without errors
    edit_cell(page, p, params)
    run(page, "Run All Cells", last)
    assert [e for e in error_texts(page) if "Error" in e] == []
    assert "30%" not in page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").inner_text()
