"""A real JupyterLab session in headless Chromium: open a report, run it, edit, re-run.

`make lab` starts JupyterLab from the project's environment in a temporary git clone of the
project (this checkout's files laid over it and committed there, so saving or autosave never
touches this clone), on 127.0.0.1, a free port and a token; the tests drive the UI with menus
and the keyboard as an analyst would, in one page of one server, and stop the server.
They also check what the lab shows: Chinese drawn with the embedded font on a machine without a
CJK font, Run All stopping at a refused check every time, and a save that leaves git clean.
Needs a Chromium (see tests/support/browser.py), make and git.
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

pytestmark = [pytest.mark.browser, pytest.mark.notebook, pytest.mark.serial,
              pytest.mark.skipif(shutil.which("make") is None or shutil.which("git") is None,
                                 reason="needs make and git")]
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


GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}


def git(copy, *args) -> str:
    out = subprocess.run(["git", *args], cwd=copy, capture_output=True, text=True, env={**os.environ, **GIT_ENV},
                         timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout


def git_clone_with_this_checkout(target):
    """A git clone of this checkout, its current files committed on top, the nbstripout filter set up.

    What an analyst has after `git clone` and `make setup`, with this checkout's code and notebooks.
    """
    subprocess.run(["git", "clone", "-q", str(REPO), str(target)], check=True, timeout=300)
    project_copy(target)
    done = subprocess.run(["make", "--no-print-directory", "-C", str(target), "git-filter", *MAKE_WITH_THIS_VENV],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    git(target, "add", "-A")
    git(target, "commit", "-q", "--allow-empty", "-m", "this checkout's files")
    return target


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab started by `make lab` in a copy of the project: (base URL, token, copy)."""
    tmp = tmp_path_factory.mktemp("lab")
    copy = git_clone_with_this_checkout(tmp / "kcz")
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
    old one is lost. On a loaded machine the page can stay tied to the swapped-out kernel
    (its websocket refused, every click lost): before the last try, if no cell has run yet
    (nothing on the page to lose), the page is reloaded, as an analyst would, and connects to
    the session's kernel.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    after = prompt(page, index) or 0
    for attempt in range(3):
        if attempt == 2 and not any(prompt(page, i) for i in range(cells(page).count())):
            page.reload()
            page.wait_for_selector('.jp-NotebookPanel:not(.lm-mod-hidden) '
                                   '.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=120_000)
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


FONT_FAMILY = "KCZ Noto Sans SC"  # kczlib.publish.html.fonts.FAMILY, the face kczlib/lab.py embeds
REPEATS = 20  # refused Run Alls in a row (the user journey saw a cell escape in 2 of 6)
GOOD_RUN_EVERY = 5  # of them, every 5th comes right after a good Run All


def open_notebook(page, lab, name: str) -> None:
    """Open notebooks/<name>.ipynb from the file browser (or bring its tab forward), cells shown, kernel idle."""
    base, token = lab[:2]
    if not page.url.startswith(base):  # a test run alone: what `make lab` opens first
        page.goto(f"{base}/?token={token}")
    nb = json.loads((REPO / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    page.dblclick(f'.jp-DirListing-item[title*="{name}.ipynb"]', timeout=120_000)
    page.wait_for_function("([n, name]) => {"
                           " const tab = document.querySelector('.lm-TabBar-tab.jp-mod-current');"
                           " return tab && tab.innerText.includes(name) && document.querySelectorAll("
                           " '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell .jp-InputPrompt')"
                           ".length === n}",
                           arg=[len(nb["cells"]), name], timeout=120_000)
    page.wait_for_selector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status="idle"]',
                           timeout=120_000)


def failure_artifacts(page, lab, name: str):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"lab-{name}-failure.png"), full_page=True)
    shutil.copy(lab[2].parent / "server.log", ARTIFACTS / f"lab-{name}-server.log")


def test_chinese_titles_and_html_outputs_are_drawn_with_the_embedded_font(lab, page):
    # this machine has no CJK system font (fc-list :lang=zh is empty): without the face, boxes
    try:
        open_notebook(page, lab, NB)
        source, _ = notebook_cells()
        last = max(i for i, c in enumerate(source) if c["cell_type"] == "code")
        run(page, "Run All Cells", last)  # its first cell imports kczlib: the style comes with it
        seen = page.evaluate("""async (family) => {
            await document.fonts.ready;
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            const h1 = panel.querySelector('.jp-MarkdownCell .jp-RenderedMarkdown h1');
            const han = /[\\u4e00-\\u9fff]/;
            const html = [...panel.querySelectorAll('.jp-OutputArea-output[data-mime-type="text/html"] td, '
                          + '.jp-OutputArea-output[data-mime-type="text/html"] p, '
                          + '.jp-OutputArea-output[data-mime-type="text/html"] li')].find(e => han.test(e.innerText));
            const faces = [...document.fonts].filter(f => f.family.replace(/"/g, '') === family);
            return {title: h1.innerText, titleFont: getComputedStyle(h1).fontFamily,
                    html: html ? html.innerText : null, htmlFont: html ? getComputedStyle(html).fontFamily : null,
                    faces: faces.map(f => f.status),
                    titleDrawn: document.fonts.check(`16px "${family}"`, h1.innerText),
                    htmlDrawn: html ? document.fonts.check(`16px "${family}"`, html.innerText) : false,
                    styles: document.querySelectorAll('style#kcz-lab-font').length};
        }""", FONT_FAMILY)
        assert "科技金融杠杆" in seen["title"], seen  # the notebook's Markdown title
        assert seen["html"] and re.search(r"[\u4e00-\u9fff]", seen["html"]), seen
        assert seen["titleFont"].startswith(f'"{FONT_FAMILY}"') and seen["htmlFont"].startswith(f'"{FONT_FAMILY}"')
        assert seen["styles"] == 1, seen  # shown once, in the first cell's output (again when it re-ran)
        assert seen["faces"] == ["loaded"], seen  # the data: URL face was used and loaded
        assert seen["titleDrawn"] and seen["htmlDrawn"], seen
        # nothing was fetched for it: the face's source is the data: URL
        assert "url(data:font/woff2;base64," in page.inner_html("style#kcz-lab-font")[:2000]
    except BaseException:
        failure_artifacts(page, lab, "font")
        raise


def test_run_all_stops_at_a_refused_check_every_time(lab, page):
    try:
        refused_run_alls(page, lab)
    except BaseException:
        failure_artifacts(page, lab, "refused")
        raise


def refused_run_alls(page, lab) -> None:
    open_notebook(page, lab, NB)
    source, p = notebook_cells()
    check = p + 1
    code = [i for i, c in enumerate(source) if c["cell_type"] == "code"]
    below = [i for i in code if i > check]
    params = "".join(source[p]["source"])
    renamed = re.sub(r"^loss_rate:.*$", "los_rate = [0.1]", params, count=1, flags=re.M)
    escaped = 0  # Run Alls in which a cell below the check still ran (and was refused)
    for attempt in range(REPEATS):
        if attempt % GOOD_RUN_EVERY == 0:
            edit_cell(page, p, params)
            run(page, "Run All Cells", code[-1])
            assert [e for e in error_texts(page) if "Error" in e] == [], attempt
            edit_cell(page, p, renamed)
        before = prompt(page, check)
        run(page, "Run All Cells", check)
        count = prompt(page, check)
        assert count > before, attempt
        refusal = cells(page).nth(check).locator(f'.jp-OutputArea-output[data-mime-type="{STDERR}"]').all_inner_texts()
        assert len(refusal) == 1 and "parameter 'los_rate': unknown parameter" in refusal[0], (attempt, refusal)
        assert len(refusal[0].strip().splitlines()) == 1, refusal  # one line, no traceback
        ran = [i for i in below if (prompt(page, i) or 0) > count]
        escaped += bool(ran)
        for i in ran:  # a late request ran anyway: it stopped at once, with the same line
            late = cells(page).nth(i).locator(f'.jp-OutputArea-output[data-mime-type="{STDERR}"]').all_inner_texts()
            assert [t.strip() for t in late] == [refusal[0].strip()], (attempt, i, late)
        # no raw error anywhere (an AttributeError of the unconfigured report, say)
        errors = [e.strip() for e in error_texts(page) if "Error" in e]
        assert set(errors) == {refusal[0].strip()}, (attempt, errors)
    print(f"{REPEATS} refused Run Alls; in {escaped} a cell below the check ran and was refused")
    edit_cell(page, p, params)  # as committed again (the save test below)


def test_open_and_save_leaves_git_status_clean(lab, page):
    # JupyterLab rewrites the kernelspec and language_info on save; the filter and the committed
    # metadata must agree with it (the user journey: 13-line diffs for 00, 01 and 02)
    copy = lab[2]
    try:
        for name in ("00_overview", "01_fiscal_investment", NB):
            open_notebook(page, lab, name)
            path = copy / "notebooks" / f"{name}.ipynb"
            cells(page).first.locator(".jp-InputPrompt, .jp-InputArea-prompt").first.click()
            # the server answers the save once the file is written and its post-save hook has run
            url_end = f"/api/contents/notebooks/{name}.ipynb"
            with page.expect_response(lambda r, end=url_end: r.request.method == "PUT" and
                                      r.url.split("?")[0].endswith(end), timeout=60_000) as saved:
                page.keyboard.press("Control+s")
            assert saved.value.ok, saved.value.status
            assert "language_info" in json.loads(path.read_text(encoding="utf-8"))["metadata"]  # JupyterLab wrote
            assert git(copy, "status", "--porcelain", "--", f"notebooks/{name}.ipynb") == "", name
    except BaseException:
        failure_artifacts(page, lab, "save")
        raise
