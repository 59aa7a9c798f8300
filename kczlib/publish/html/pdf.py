"""`kcz build --pdf`: a PDF of each reader page, printed by headless Chromium through Playwright.

The page's print stylesheet does the layout (A4 from its `@page` rule, navigation hidden,
appendix unfolded); no header or footer is added. No Chromium, no PDFs: the build says so and
carries on, since the HTML pages are the publication.

A page is printed on the build machine, so it is treated as hostile even though the build has
sanitised it (issue #20, attack PDF1: a script in a page reached a listener on the build
machine). The walls, each enough on its own for what it covers:

- one browser per build, a fresh context per page, with JavaScript off and service workers
  blocked;
- every request of the page goes through `_Policy`: a `file:` URL inside the page's own folder
  (after resolving symlinks and `..`, see `request_allowed`) goes on; anything else (http(s),
  ws, ftp, other hosts, files outside the folder) is aborted before it leaves the browser, and
  a navigation of the page after it opened (meta refresh) is answered with an empty 204 so
  the page itself is printed. `data:` URLs never reach the router: they are read from the page itself;
- no host name or address resolves (`--host-resolver-rules`), so nothing that slipped past the
  router could connect anywhere either;
- Chromium's sandbox is on, except as root, where Chromium cannot start it.

Playwright only drives the system Chromium (`executable_path`); it never downloads a browser.
"""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

PDF_TIMEOUT = 120  # seconds per page (load, then print)
# Every host name and IP literal fails to resolve: a second wall behind the request router.
CHROMIUM_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-gpu"]


def find_chromium() -> str | None:
    """`$KCZ_CHROMIUM` if set (an executable file), else `chromium` or `chromium-browser` on PATH; or None."""
    configured = os.environ.get("KCZ_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() and os.access(configured, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def missing_chromium() -> str | None:
    """Why `kcz build --pdf` cannot print (one line naming what was looked for), or None.

    Asked before a build starts: a build that was asked for PDFs and printed none would move
    `latest` to a run without the PDFs the run before it had.
    """
    if find_chromium() is not None:
        return None
    configured = os.environ.get("KCZ_CHROMIUM")
    if configured:
        return (f"--pdf: KCZ_CHROMIUM={configured} is not an executable file; point it at a Chromium, or unset "
                "it to use chromium on PATH")
    return "--pdf: no Chromium found: install chromium (on PATH) or set KCZ_CHROMIUM; or build without --pdf"


def sandbox_possible() -> bool:
    """False when running as root: Chromium refuses to start its sandbox for root."""
    geteuid = getattr(os, "geteuid", None)
    return geteuid is None or geteuid() != 0


def _file_path(url: str) -> Path | None:
    """The local path a `file:` URL names (percent-decoded, symlinks and `..` resolved).

    None for any other URL, a `file:` URL with a host other than `localhost`, or a bad path.
    """
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    try:
        return Path(unquote(parts.path)).resolve()
    except (OSError, RuntimeError, ValueError):
        return None


def request_allowed(url: str, folder: Path) -> bool:
    """May a page in `folder` (an absolute, resolved path) load `url` (as Chromium requests it)?

    True only for a `file:` URL without a host (or `localhost`) whose path, percent-decoded
    and with symlinks and `..` resolved, lies inside `folder` (sub-folders included). Every
    other scheme is refused; `data:` URLs never reach the router, so they need no rule here.
    """
    target = _file_path(url)
    return target is not None and target.is_relative_to(folder)


class _Policy:
    """The request handler of one page's context (see the module docstring).

    The first navigation of the main frame, to the page itself, goes on; any later one (a meta
    refresh, to anywhere or to the page again) gets an empty 204 answer, which leaves the page
    as it is instead of printing an error page or reloading it. Other requests go on when
    `request_allowed`, and are aborted otherwise.
    """

    def __init__(self, page: Path):
        self.page = page.resolve()
        self.folder = self.page.parent
        self.opened = False

    def __call__(self, route) -> None:
        request = route.request
        if request.is_navigation_request() and request.frame.parent_frame is None:
            if not self.opened and _file_path(request.url) == self.page:
                self.opened = True
                route.continue_()
            else:
                route.fulfill(status=204)
        elif request_allowed(request.url, self.folder):
            route.continue_()
        else:
            route.abort("blockedbyclient")


@contextmanager
def pdf_browser(chromium: str):
    """Start `chromium` (a path) through Playwright for printing; yields `(browser, sandboxed)`.

    The sandbox is on unless `sandbox_possible()` is False (root). Raises
    `playwright.sync_api.Error` when Chromium does not start, ImportError without Playwright.
    """
    from playwright.sync_api import sync_playwright

    sandboxed = sandbox_possible()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS,
                                    chromium_sandbox=sandboxed, timeout=PDF_TIMEOUT * 1000)
        try:
            yield browser, sandboxed
        finally:
            browser.close()


def print_page(browser, page: Path, pdf: Path) -> None:
    """Print `page` to `pdf` in a fresh context of `browser`.

    See the module docstring for what the page may not do.

    Args:
        browser: A Playwright browser (from `pdf_browser`).
        page: The HTML file to print.
        pdf: The PDF file to write.

    Raises:
        RuntimeError: `page` is no file.
        playwright.sync_api.Error: Printing failed (its first line is the reason).
    """
    if not page.is_file():
        raise RuntimeError("there is no such page")
    context = browser.new_context(java_script_enabled=False, service_workers="block",
                                  accept_downloads=False)
    try:
        context.set_default_timeout(PDF_TIMEOUT * 1000)
        context.route("**/*", _Policy(page))
        tab = context.new_page()
        tab.goto(page.resolve().as_uri(), wait_until="load")
        tab.emulate_media(media="print")
        data = tab.pdf(format="A4", prefer_css_page_size=True, print_background=True,
                       display_header_footer=False)
    finally:
        context.close()
    pdf.write_bytes(data)


def _in_own_thread(work, stop: threading.Event | None = None):
    """`work()` in a thread of its own; returns its result or raises its exception.

    Playwright's sync API refuses a thread whose asyncio loop is running (a build started from
    a Jupyter kernel, or next to another Playwright session), so printing never runs in the
    caller's thread. If the caller is interrupted (Ctrl-C, a signal raised as an exception),
    `stop` is set so that no further page is started, and the exception goes on at once.
    """
    state: dict = {}
    done = threading.Event()

    def run():
        try:
            state["result"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            state["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="kcz-pdf", daemon=True).start()
    try:
        while not done.wait(0.2):  # an Event, not join(): see pipeline._run_in_worker_thread
            pass
    except BaseException:
        if stop is not None:
            stop.set()
        raise
    if "error" in state:
        raise state["error"]
    return state["result"]


def print_to_pdf(chromium: str, page: Path, pdf: Path) -> None:
    """Print one `page` to `pdf` with its own browser (a build uses `write_pdfs`).

    Args:
        chromium: The Chromium executable's path.
        page: The HTML file to print.
        pdf: The PDF file to write.

    Raises:
        RuntimeError: As `print_page`.
        playwright.sync_api.Error: As `pdf_browser` and `print_page`.
        ImportError: Playwright is not installed.
    """
    def work():
        with pdf_browser(chromium) as (browser, _):
            print_page(browser, page, pdf)

    _in_own_thread(work)


def _reason(exc: BaseException) -> str:
    """The first line of an error (Playwright's carry a call log after it)."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def write_pdfs(folder: Path, names: list[str], say) -> list[str]:
    """`<name>.pdf` beside each `<name>.html` in `folder`; returns the PDF file names written.

    `say(text)` gets one line when there is no Chromium (then no PDF is made), a note when the
    sandbox is off (root), one line per page that could not be printed (the others go on),
    and the count at the end. `say` is called from the printing thread.
    """
    chromium = find_chromium()
    if chromium is None:
        say("kcz: --pdf: no Chromium found (install chromium or set KCZ_CHROMIUM); no PDF written")
        return []
    try:
        from playwright.sync_api import Error as PlaywrightError
    except ImportError:
        say("kcz: --pdf: Playwright is not installed (pip install playwright); no PDF written")
        return []
    stop = threading.Event()

    def work() -> list[str]:
        written: list[str] = []
        try:
            with pdf_browser(chromium) as (browser, sandboxed):
                if not sandboxed:
                    say("kcz: --pdf: running as root, where Chromium cannot use its sandbox: printing "
                        "without it (script, network and files outside the run stay blocked)")
                for name in names:
                    if stop.is_set():
                        break
                    try:
                        print_page(browser, folder / f"{name}.html", folder / f"{name}.pdf")
                        written.append(f"{name}.pdf")
                    except (RuntimeError, PlaywrightError, OSError) as exc:
                        say(f"kcz: --pdf: {name}.html not printed: {_reason(exc)}")
        except (PlaywrightError, OSError) as exc:
            say(f"kcz: --pdf: Chromium ({chromium}) did not start: {_reason(exc)}")
        return written

    written = _in_own_thread(work, stop)
    say(f"kcz: --pdf: {len(written)} PDF(s) written")
    return written
