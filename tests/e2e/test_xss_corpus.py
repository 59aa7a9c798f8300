"""A corpus of script and load payloads, one per output (and a Markdown cell), built by
`kcz build` and opened in Chromium with JavaScript on and every request intercepted.

Each payload, if it ran, would set `document.title` to `PWNED-<id>`, push `<id>` onto
`window.kczPwn` and load `http://127.0.0.1:9/<id>`; payloads that only load point at
the same address. The corpus covers every output MIME type (HTML, SVG, Markdown,
mermaid, LaTeX, JavaScript, a widget view, an unknown type, PNG metadata) with tricks
from the attack log (X2: mermaid with a declarative shadow root) and from public XSS
cheat sheets (mutation XSS through math/svg/noscript/style, `foreignObject`, SVG
animation of `href`, `javascript:` links in mixed case and with entities, `srcdoc`,
`<base>`, meta refresh, `<object>`, `<embed>`, forms, stylesheets, CSS `@import`/`url()`).

A control page, the same executed notebook exported by plain nbconvert without kcz's
policy, proves the payloads and the detection work: there scripts run and requests
leave. The kcz pages are also opened with their Content-Security-Policy removed (the
sanitiser alone must hold), and the control with kcz's policy added (the policy alone
must hold).
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from kczlib.cli import main
from kczlib.publish.html.sanitize import CSP_META

from support.browser import chromium
from support.builds import run_folders, write_config

pytestmark = pytest.mark.browser
TRAP = "http://127.0.0.1:9"
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def js(pid: str) -> str:
    """What a payload runs: no spaces and no double quotes, so it fits any attribute form."""
    return (f"document.title='PWNED-{pid}';(window.kczPwn=window.kczPwn||[]).push('{pid}');"
            f"(new Image).src='{TRAP}/{pid}'")


def corpus() -> list[tuple[str, str, object, dict]]:
    """(id, MIME type, data, output metadata) for every payload output."""
    html = {
        "html-script": f"<script>{js('html-script')}</script>",
        "html-img-onerror": f'<img src=x onerror="{js("html-img-onerror")}">',
        "html-svg-onload": f'<svg onload="{js("html-svg-onload")}"><circle r="4"/></svg>',
        "html-math-mglyph": f'<math><mtext><table><mglyph><style><img src=x onerror="{js("html-math-mglyph")}">',
        "html-noscript": f'<noscript><p title="</noscript><img src=x onerror={js("html-noscript")}>">',
        "html-svg-style": f'<svg></p><style><a id="</style><img src=1 onerror={js("html-svg-style")}>">',
        "html-foreignobject": f'<svg><foreignObject><img src=x onerror="{js("html-foreignobject")}">'
                              "</foreignObject></svg>",
        "html-svg-set-href": f'<svg><image href="#i" width="5" height="5"><set attributeName="href" '
                             f'to="{TRAP}/html-svg-set-href"/></image></svg>',
        "html-svg-animate": f'<svg><a><animate attributeName="href" values="javascript:{js("html-svg-animate")}"/>'
                            '<text x="5" y="15">t</text></a></svg>',
        "html-js-link": f'<a class="pwn-link" href="jAvAsCrIpT:{js("html-js-link")}">x</a>',
        "html-entity-link": f'<a class="pwn-link" href="&#106;ava&#x09;script:{js("html-entity-link")}">x</a>',
        "html-srcdoc": f'<iframe srcdoc="&lt;img src=x onerror=&quot;{js("html-srcdoc")}&quot;&gt;'
                       f'&lt;img src=&quot;{TRAP}/html-srcdoc-img&quot;&gt;"></iframe>',
        "html-base": f'<base href="{TRAP}/html-base/"><img src="relative.png">',
        "html-object": f'<object data="{TRAP}/html-object"></object>',
        "html-embed": f'<embed src="{TRAP}/html-embed">',
        "html-form": f'<form action="{TRAP}/html-form"><button class="pwn-button">go</button></form>',
        "html-link-css": f'<link rel="stylesheet" href="{TRAP}/html-link-css.css">',
        "html-style-import": f"<style>@import url({TRAP}/html-style-import.css);</style>",
        "html-css-url": f'<div style="background:url({TRAP}/html-css-url.png);width:9px;height:9px">x</div>',
        "html-shadow-template": f'<div><template shadowrootmode="open">'
                                f'<img src=x onerror="{js("html-shadow-template")}">'
                                f'<img src="{TRAP}/html-shadow-template-img"></template></div>',
        "html-details": f'<details open ontoggle="{js("html-details")}"><summary>s</summary>d</details>',
        "html-autofocus": f'<input autofocus onfocus="{js("html-autofocus")}">',
        "html-poster": f'<video poster="{TRAP}/html-poster"></video>',
        "html-srcset": f'<img srcset="{TRAP}/html-srcset 1x">',
        "html-body-onload": f'<body onload="{js("html-body-onload")}">',
        "html-svg-use": f'<svg><use href="{TRAP}/html-svg-use.svg#a"/></svg>',
        "html-table-cell": f'<table><tr><td><img src=x onerror="{js("html-table-cell")}"></td></tr></table>',
    }
    items = [(pid, "text/html", text, {}) for pid, text in html.items()]
    items += [
        ("md-raw-html", "text/markdown", f'# T\n\n<img src=x onerror="{js("md-raw-html")}">\n\n'
                                         f"<script>{js('md-raw-html')}</script>\n", {}),
        ("md-js-link", "text/markdown", f"[click](javascript:{js('md-js-link')})", {}),
        ("md-image", "text/markdown", f"![x]({TRAP}/md-image.png)", {}),
        ("svg-active", "image/svg+xml",
         f'<svg xmlns="http://www.w3.org/2000/svg" onload="{js("svg-active")}" width="9" height="9">'
         f'<script>{js("svg-active")}</script><image href="{TRAP}/svg-active-img" width="9" height="9"/>'
         f'<foreignObject><img xmlns="http://www.w3.org/1999/xhtml" src="{TRAP}/svg-active-fo"/></foreignObject>'
         "</svg>", {}),
        ("mermaid-x2", "text/vnd.mermaid",
         f'graph TD; A-->B</pre><script>{js("mermaid-x2")}</script><img src="{TRAP}/mermaid-x2-img">'
         f'<div><template shadowrootmode="open"><img src="{TRAP}/mermaid-x2-shadow"></template></div><pre>', {}),
        ("mermaid-shadow", "text/vnd.mermaid",
         f'x</pre><div><template shadowrootmode="open"><img src=x onerror="{js("mermaid-shadow")}">'
         "</template></div><pre>", {}),
        ("latex-href", "text/latex", f'\\href{{javascript:{js("latex-href")}}}{{x}} $<img src=x '
                                     f'onerror="{js("latex-href")}">$', {}),
        ("js-output", "application/javascript", js("js-output"), {}),
        ("widget-view", "application/vnd.jupyter.widget-view+json",
         {"model_id": f"</script><script>{js('widget-view')}</script>", "version_major": 2, "version_minor": 0}, {}),
        ("unknown-type", "text/x-evil", f'<img src=x onerror="{js("unknown-type")}">', {}),
        ("png-metadata", "image/png", PNG,
         {"image/png": {"width": f"1 onload={js('png-metadata')}"},
          "filenames": {"image/png": f"{TRAP}/png-metadata-file.png"}}),
    ]
    return items


MARKDOWN_CELL = (f'Markdown cell <img src=x onerror="{js("md-cell")}"> '
                 f'<div><template shadowrootmode="open"><img src="{TRAP}/md-cell-shadow"></template></div>')


# A real chart as an SVG output (the reports draw PNG; a notebook may well draw SVG):
# it must still render after the SVG allow-list.
SVG_CHART = """\
import io
import matplotlib
matplotlib.use("agg")
import matplotlib.pyplot as plt
from IPython.display import SVG, display
fig, ax = plt.subplots(figsize=(3, 2))
ax.bar(["a", "b", "c"], [3, 1, 2], color="#c0392b")
buf = io.StringIO()
fig.savefig(buf, format="svg")
display(SVG(buf.getvalue()))"""


def corpus_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    params = nbformat.v4.new_code_cell('case = "chengdu"\nlang = "zh"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(MARKDOWN_CELL), params,
                nbformat.v4.new_code_cell("from IPython.display import publish_display_data")]
    nb.cells.append(nbformat.v4.new_code_cell(SVG_CHART))
    for _pid, mime, data, metadata in corpus():
        nb.cells.append(nbformat.v4.new_code_cell(
            f"publish_display_data({{{mime!r}: {json.dumps(data)!s}}}, metadata={json.dumps(metadata)})"
            if not isinstance(data, str) else
            f"publish_display_data({{{mime!r}: {data!r}}}, metadata={metadata!r})"))
    return nb


def test_the_corpus_is_large_and_covers_every_output_type():
    items = corpus()
    assert len(items) >= 30 and len({pid for pid, *_ in items}) == len(items)
    assert {mime for _, mime, *_ in items} >= {
        "text/html", "image/svg+xml", "text/markdown", "text/vnd.mermaid", "text/latex", "application/javascript",
        "application/vnd.jupyter.widget-view+json", "text/x-evil", "image/png"}


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory) -> Path:
    chromium()  # skips (or fails, in CI) before the build without a browser
    folder = tmp_path_factory.mktemp("xss-corpus")
    notebooks = folder / "notebooks"
    notebooks.mkdir()
    nbformat.write(corpus_notebook(), notebooks / "xss_corpus.ipynb")
    config = write_config(folder, [{"notebook": "xss_corpus"}], notebooks=notebooks, langs=["zh"])
    assert main(["--config", str(config), "build", "-q"]) == 0
    return run_folders(folder / "out")[0]


@pytest.fixture(scope="module")
def control_page(corpus_run, tmp_path_factory) -> Path:
    """The same executed notebook through plain nbconvert (lab template, no kcz policy)."""
    from nbconvert import HTMLExporter

    nb = nbformat.read(corpus_run / "xss_corpus-zh.ipynb", as_version=4)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    page = tmp_path_factory.mktemp("xss-control") / "control.html"
    page.write_text(body, encoding="utf-8")
    return page


def open_page(browser, path: Path) -> dict:
    """Open `path` with JavaScript on; every request other than the page itself and
    `data:` URLs is recorded and aborted. Returns the requests, the title, the payload
    flags and the `javascript:` links and form actions left in the page."""
    own = path.resolve().as_uri()
    seen: list[str] = []  # every request the page started (a CSP-blocked one too)
    routed: list[str] = []  # those that reached the network layer
    context = browser.new_context(java_script_enabled=True)

    def route(r):
        url = r.request.url
        if url == own or url.startswith("data:"):
            r.continue_()
        else:
            routed.append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda req: req.url != own and not req.url.startswith("data:") and seen.append(req.url))
    try:
        page.goto(own, wait_until="load")
        page.screenshot(full_page=True)  # lays out and paints everything, lazy images included
        page.wait_for_load_state("load")
        state = page.evaluate("""() => ({
            title: document.title,
            flags: window.kczPwn || [],
            jsLinks: [...document.querySelectorAll('a[href]')].filter(a => a.protocol === 'javascript:').length,
            forms: document.querySelectorAll('form[action]').length,
        })""")
    finally:
        context.close()
    state["requests"] = sorted(set(seen) | set(routed))
    state["routed"] = sorted(set(routed))
    return state


def trapped(state: dict) -> list[str]:
    return [u for u in state["requests"] if u.startswith(TRAP)]


def assert_inert(state: dict) -> None:
    assert not state["title"].startswith("PWNED"), state["title"]
    assert state["flags"] == []
    assert state["requests"] == [] and state["routed"] == []
    assert state["jsLinks"] == 0 and state["forms"] == 0


@pytest.mark.parametrize("view", ["xss_corpus-zh.html", "xss_corpus-zh.analyst.html", "index.html"])
def test_no_payload_runs_or_loads_in_any_kcz_page(browser, corpus_run, view):
    assert_inert(open_page(browser, corpus_run / view))


@pytest.mark.parametrize("view", ["xss_corpus-zh.html", "xss_corpus-zh.analyst.html"])
def test_the_sanitiser_alone_holds_without_the_content_security_policy(browser, corpus_run, tmp_path, view):
    html = (corpus_run / view).read_text(encoding="utf-8")
    assert html.count(CSP_META) == 1
    bare = tmp_path / view
    bare.write_text(html.replace(CSP_META, ""), encoding="utf-8")
    assert_inert(open_page(browser, bare))


def test_the_control_page_runs_the_payloads_and_the_watch_sees_them(browser, control_page):
    state = open_page(browser, control_page)
    # by hand: plain nbconvert writes HTML outputs and the mermaid text raw, and a
    # JavaScript output as a <script>, so these ran and their images were requested
    ran = {"html-script", "html-img-onerror", "js-output", "mermaid-shadow", "html-shadow-template"}
    assert ran <= set(state["flags"]), state["flags"]
    assert state["title"].startswith("PWNED-")
    loads = {f"{TRAP}/{p}" for p in ran} | {f"{TRAP}/mermaid-x2-shadow", f"{TRAP}/html-object",
                                             f"{TRAP}/html-css-url.png", f"{TRAP}/html-embed"}
    assert loads <= set(trapped(state)), trapped(state)
    assert loads <= set(state["routed"])  # and the route saw each one leave
    assert state["jsLinks"] >= 2 and state["forms"] == 1


def test_the_content_security_policy_alone_stops_the_control(browser, control_page, tmp_path):
    html = control_page.read_text(encoding="utf-8")
    guarded = tmp_path / "control-with-policy.html"
    guarded.write_text(html.replace("<head>", "<head>" + CSP_META, 1), encoding="utf-8")
    state = open_page(browser, guarded)
    assert not state["title"].startswith("PWNED") and state["flags"] == []
    # the page still starts its loads, and the browser blocks each before the network
    assert f"{TRAP}/mermaid-x2-shadow" in state["requests"] and state["routed"] == []


def test_the_kcz_pages_still_show_the_text_of_the_payloads(corpus_run):
    analyst = (corpus_run / "xss_corpus-zh.analyst.html").read_text(encoding="utf-8")
    reader = (corpus_run / "xss_corpus-zh.html").read_text(encoding="utf-8")
    for page in (analyst, reader):
        assert "graph TD; A--&gt;B&lt;/pre&gt;" in page  # mermaid as its source
        assert "Markdown cell" in page and "<h1" in page  # Markdown cell and output rendered
    for mime in ("application/javascript", "application/vnd.jupyter.widget-view+json", "text/x-evil"):
        note = f"（未显示类型为 {mime} 的输出）"
        assert note in analyst and note not in reader


@pytest.mark.parametrize("view", ["xss_corpus-zh.html", "xss_corpus-zh.analyst.html"])
def test_an_svg_chart_still_renders_after_the_svg_policy(browser, corpus_run, tmp_path, view):
    import numpy as np
    from PIL import Image

    page_path = corpus_run / view
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(page_path.resolve().as_uri(), wait_until="load")
        charts = page.locator('img[src^="data:image/svg+xml"]')
        sizes = [charts.nth(i).evaluate("i => [i.naturalWidth, i.naturalHeight]") for i in range(charts.count())]
        # 3 x 2 inches at 72 pt per inch, 96 px per inch: 288 x 192 px; the emptied payload SVG is 9 x 9
        assert [288, 192] in sizes, sizes
        chart = charts.nth(sizes.index([288, 192]))
        shot = tmp_path / "chart.png"
        chart.screenshot(path=str(shot))
    finally:
        context.close()
    pixels = np.asarray(Image.open(shot).convert("RGB")).reshape(-1, 3).astype(int)
    red = (pixels[:, 0] > 150) & (pixels[:, 1] < 100) & (pixels[:, 2] < 100)  # the #c0392b bars
    dark = pixels.sum(axis=1) < 200  # axes, ticks, labels
    assert red.mean() > 0.05 and dark.mean() > 0.005
