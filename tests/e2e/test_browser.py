"""Open the built pages in a real headless Chromium, as a reader would.

Covers the index and its language switch, a report in both languages, the folded
appendix (click to open), small screens (420 px), print (A4, navigation hidden, appendix
unfolded), and the embedded CJK font with the system's fonts hidden from the browser.
Screenshots of the index and of a report per language at 1280 and 420 px go to
`test-artifacts/` (git-ignored).

Needs a Chromium: the system one (`apt-get install chromium`) or `KCZ_CHROMIUM=/path`.
Without one the test is skipped, except where KCZ_REQUIRE_BROWSER=1 (.ci/run): there a
missing browser is a failure.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from kczlib.cli import main

from support.browser import ARTIFACTS, chromium, full_page_screenshot, launch
from support.builds import real_notebooks_exist, write_config

pytestmark = pytest.mark.browser
FAMILY = "KCZ Noto Sans SC"  # kczlib.publish.html.fonts.FAMILY, as the page's CSS must name it
LATIN_ONLY_DIR = Path("/usr/share/fonts/truetype/dejavu")


@pytest.fixture(scope="module")
def built_run(request, tmp_path_factory) -> tuple[Path, str]:
    """The real overview in both languages when the notebooks exist (from the session's one build
    of every declared report, support/reader_build.py, read only), else the fixture."""
    if real_notebooks_exist():
        return request.getfixturevalue("built_reports"), "00_overview"
    folder = tmp_path_factory.mktemp("browser")
    config = write_config(folder, [{"notebook": "tiny_report"}])
    assert main(["--config", str(config), "build", "-q"]) == 0
    return folder / "out" / "latest", "tiny_report"


def _watch(page):
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: r.url.startswith(("http:", "https:")) and page.errors.append("fetch " + r.url))
    return page


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield _watch(context.new_page())
    context.close()


def _uri(path: Path) -> str:
    return path.resolve().as_uri()


def _shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    full_page_screenshot(page, ARTIFACTS / f"{name}.png")


def test_a_reader_goes_from_the_index_to_a_report_and_between_languages(built_run, page):
    run, report = built_run
    page.goto(_uri(run / "index.html"))
    assert page.locator("html").get_attribute("lang") == "zh"
    assert "科创中国" in page.title() and not re.search(r"\d", page.title())
    page.click("nav a.kcz-lang")  # the index's language switch
    page.wait_for_load_state("load")
    assert page.url.endswith("index.en.html") and page.locator("html").get_attribute("lang") == "en"
    page.click(f'article.kcz-card a[href="{report}-en.html"]')
    page.wait_for_load_state("load")
    assert page.url.endswith(f"{report}-en.html")
    title = page.inner_text("header h1")
    assert page.title().startswith(title) and report not in page.title()
    page.click("nav a.kcz-lang")  # the same report in Chinese
    page.wait_for_load_state("load")
    assert page.url.endswith(f"{report}-zh.html")
    text = page.inner_text("main")
    assert sum("\u4e00" <= ch <= "\u9fff" for ch in text) > 20  # Chinese prose, not just a title
    widths = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
    assert widths and all(w > 0 for w in widths), widths
    page.click("a.kcz-back")
    page.wait_for_load_state("load")
    assert page.url.endswith("/index.html")
    assert page.errors == []


def test_the_appendix_is_folded_until_the_reader_opens_it(built_run, page):
    run, report = built_run
    if report != "00_overview":
        pytest.skip("the fixture notebook has no appendix")
    page.goto(_uri(run / f"{report}-en.html"))
    ledger = page.locator("details.kcz-appendix table").first
    assert page.locator("details.kcz-appendix").get_attribute("open") is None
    assert not ledger.is_visible()
    page.click("details.kcz-appendix > summary")
    assert ledger.is_visible()
    assert "Numbers ledger" in page.inner_text("details.kcz-appendix")


@pytest.mark.parametrize("width", [1280, 420])
def test_pages_fit_the_screen_and_screenshots_are_kept(built_run, browser, width):
    run, report = built_run
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = _watch(context.new_page())
    for name in ("index", "index.en", f"{report}-zh", f"{report}-en"):
        page.goto(_uri(run / f"{name}.html"))
        page.evaluate("document.fonts.ready.then(() => true)")
        for details in page.locator("details.kcz-appendix").all():
            details.evaluate("d => d.open = true")  # wide tables included
        # nothing wider than the screen: tables scroll in their own box, charts shrink
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        overflow = page.evaluate("""() => [...document.querySelectorAll('img, table')]
            .filter(e => e.getBoundingClientRect().width > 0)
            .filter(e => {
              const box = e.tagName === 'IMG' ? e : e.closest('.jp-OutputArea-output, .jp-RenderedHTMLCommon');
              return box === null || box.getBoundingClientRect().right > window.innerWidth + 1;
            }).map(e => e.tagName)""")
        assert overflow == [], (name, overflow)
        for details in page.locator("details.kcz-appendix").all():
            details.evaluate("d => d.open = false")
        _shoot(page, f"{name}-{width}")
    assert page.errors == []
    context.close()


CLIPPED_CELLS = """() => {
    const out = [];
    for (const cell of document.querySelectorAll('.kcz-table th, .kcz-table td')) {
        const r = cell.getBoundingClientRect();
        if (r.width === 0) continue;
        const name = cell.textContent.trim().slice(0, 40);
        if (cell.scrollWidth > cell.clientWidth + 1) out.push(['text wider than its cell', name]);
        let box = cell.closest('table').parentElement;
        while (box && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
        if (!box || box === document.body || box === document.documentElement) {
            if (r.left < -1 || r.right > window.innerWidth + 1) out.push(['outside the window', name]);
            continue;
        }
        const b = box.getBoundingClientRect(), style = getComputedStyle(box).overflowX;
        const left = b.left - box.scrollLeft, right = left + box.scrollWidth;
        if (r.left < left - 1 || r.right > right + 1) out.push(['outside its box', name]);
        if (r.right > b.right + 1 && !['auto', 'scroll'].includes(style)) out.push(['cut off, no scroll', name]);
    }
    return out;
}"""
BODY_TABLES_SCROLL = """() => [...document.querySelectorAll('.kcz-table')]
    .filter(t => !t.closest('details.kcz-appendix'))
    .map(t => t.closest('.jp-RenderedHTMLCommon'))
    .filter(box => box.scrollWidth > box.clientWidth + 1).length"""


@pytest.mark.parametrize("width", [1280, 420])
def test_the_comparison_tables_clip_no_cell_on_a_desk_or_a_phone(built_run, browser, width):
    # issue 23, section 4: the cities side by side in a table a desk and a phone both read whole.
    # Each cell lies within its scroll box's scrollable area and its text within the cell, the
    # page is no wider than the window, and on a desk no table of the body needs scrolling sideways
    # (a reader at 1280 px saw the rightmost cities cut off).
    run, report = built_run
    if report != "00_overview":
        pytest.skip("the comparison report is built only from the real notebooks")
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = _watch(context.new_page())
    for lang in ("zh", "en"):
        name = f"05_compare_cases-{lang}"
        page.goto(_uri(run / f"{name}.html"))
        page.evaluate("document.fonts.ready.then(() => true)")
        assert page.locator(".kcz-table").count() > 0, name
        for details in page.locator("details.kcz-appendix").all():
            details.evaluate("d => d.open = true")
        assert page.evaluate(CLIPPED_CELLS) == [], (name, width)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        if width >= 1280:
            assert page.evaluate(BODY_TABLES_SCROLL) == 0, name
        _shoot(page, f"{name}-tables-{width}")
    assert page.errors == []
    context.close()


def test_print_is_a4_without_navigation_and_with_the_appendix_unfolded(built_run, page):
    run, report = built_run
    page.goto(_uri(run / f"{report}-zh.html"))
    page.emulate_media(media="print")
    assert not page.locator("nav.kcz-nav").is_visible()
    if report == "00_overview":
        assert page.locator("details.kcz-appendix").get_attribute("open") is None
        assert page.locator("details.kcz-appendix table").first.is_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    boxes = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf))
    assert boxes and all(abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5 for w, h in boxes), boxes


def _fontconfig_without_cjk(folder: Path) -> Path:
    """A fontconfig file that shows the browser Latin fonts only (or none at all)."""
    dirs = f"<dir>{LATIN_ONLY_DIR}</dir>" if LATIN_ONLY_DIR.is_dir() else ""
    conf = folder / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                    f"<fontconfig>{dirs}<cachedir>{folder / 'cache'}</cachedir></fontconfig>\n", encoding="utf-8")
    return conf


GLYPHS_JS = """(fonts) => {
  const c = document.createElement('canvas'); c.width = 48; c.height = 48;
  const ctx = c.getContext('2d');
  const draw = (font, ch) => {
    ctx.clearRect(0, 0, 48, 48); ctx.font = font; ctx.textBaseline = 'top'; ctx.fillText(ch, 4, 4);
    const d = ctx.getImageData(0, 0, 48, 48).data; let bits = '';
    for (let i = 3; i < d.length; i += 4) bits += d[i] > 127 ? '1' : '0';
    return {width: ctx.measureText(ch).width, bits: bits, ink: bits.split('1').length - 1};
  };
  return fonts.map(font => ['成', '都', '科'].map(ch => draw(font, ch)));
}"""


def test_chinese_renders_with_the_embedded_font_when_the_system_has_no_cjk_font(built_run, playwright, tmp_path):
    run, report = built_run
    env = dict(os.environ, FONTCONFIG_FILE=str(_fontconfig_without_cjk(tmp_path)))
    b = launch(playwright, env=env)  # a browser of its own: fontconfig is read when it starts
    try:
        page = _watch(b.new_page(viewport={"width": 1280, "height": 900}))
        for name in (f"{report}-zh", "index"):
            page.goto(_uri(run / f"{name}.html"))
            page.evaluate("document.fonts.ready.then(() => true)")
            faces = page.evaluate("[...document.fonts].map(f => [f.family.replace(/\"/g, ''), f.status])")
            assert [FAMILY, "loaded"] in faces, faces
            assert page.evaluate(f"document.fonts.check('16px \"{FAMILY}\"', '成都')")
            embedded, system = page.evaluate(GLYPHS_JS, [f'32px "{FAMILY}"', "32px sans-serif"])
            # control: without the page's font these characters are all the same box (tofu),
            # so the browser really has no CJK font of its own here
            assert system[0]["bits"] == system[1]["bits"] == system[2]["bits"], "a CJK system font is visible"
            # with it: three different glyphs, each a full em wide, as CJK characters are
            assert len({g["bits"] for g in embedded}) == 3
            assert all(g["width"] == 32 and g["ink"] > 40 for g in embedded), [g["width"] for g in embedded]
            # and the page's own text is set in it: a run of four characters is four ems wide
            width = page.evaluate("""() => { const s = document.createElement('span'); s.textContent = '成都科创';
                s.style.fontSize = '20px'; document.querySelector('h1').appendChild(s);
                const w = s.getBoundingClientRect().width; s.remove(); return w; }""")
            assert abs(width - 80) < 1, width
            assert page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily").startswith(f'"{FAMILY}"')
        assert page.errors == []
    finally:
        b.close()


def test_the_analyst_page_draws_its_chinese_with_the_embedded_font(built_run, playwright, tmp_path):
    """The analyst page (nbconvert's lab look) showed boxes for every Chinese character on a
    machine without a CJK font: titles, code comments and outputs."""
    run, report = built_run
    env = dict(os.environ, FONTCONFIG_FILE=str(_fontconfig_without_cjk(tmp_path)))
    b = launch(playwright, env=env)
    try:
        page = _watch(b.new_page(viewport={"width": 1280, "height": 900}))
        for lang in ("zh", "en"):
            page.goto(_uri(run / f"{report}-{lang}.analyst.html"))
            page.evaluate("document.fonts.ready.then(() => true)")
            faces = page.evaluate("[...document.fonts].map(f => [f.family.replace(/\"/g, ''), f.status])")
            assert [FAMILY, "loaded"] in faces, faces
            [boxes] = page.evaluate(GLYPHS_JS, ["32px system-ui, sans-serif"])
            assert boxes[0]["bits"] == boxes[1]["bits"] == boxes[2]["bits"], "a CJK system font is visible"
            # which font Chromium really drew each heading's and paragraph's characters with
            # (DevTools' CSS.getPlatformFontsForNode): every CJK character from the subset
            assert page.errors == [], page.errors  # the page's own errors, before DevTools attaches
            cdp = page.context.new_cdp_session(page)
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            # Some Chromium releases (150 seen) log that DevTools' CSS domain re-read the page's own
            # file: URL; that notice is the test's doing, not the page's: drop exactly it
            own = _uri(run / f"{report}-{lang}.analyst.html")
            page.errors = [e for e in page.errors
                           if not e.startswith(f"Unsafe attempt to load URL {own} from frame with URL {own}.")]
            root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
            checked = 0
            for selector in ("h1", "h2", "h3", "p", "li", "td"):
                for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]:
                    text = cdp.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
                    # a list item's nested list is its own nodes (checked as li in turn), not its text
                    text = re.sub(r"<(ul|ol)\b.*</\1>", "", text, flags=re.S)
                    han = len(re.findall(r"[\u4e00-\u9fff]", re.sub(r"<[^>]+>", "", text)))
                    if not han:
                        continue
                    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
                    # the embedded subset: a web font (not a platform one) of the Noto CJK family
                    drawn = sum(f["glyphCount"] for f in fonts
                                if f["isCustomFont"] and f["postScriptName"].startswith("NotoSansCJK"))
                    assert drawn >= han, (lang, selector, text[:80], fonts)
                    checked += 1
            assert checked > 5, checked
        assert page.errors == []
    finally:
        b.close()


def test_kcz_build_pdf_prints_each_reader_page_on_a4(tmp_path, capsys):
    chromium()
    from conftest import FIXTURE_NOTEBOOKS

    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"], notebooks=FIXTURE_NOTEBOOKS)
    assert main(["--config", str(config), "build", "-q", "--pdf"]) == 0
    pdf = (tmp_path / "out" / "latest" / "tiny_report-zh.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    boxes = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf))
    assert boxes and all(abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5 for w, h in boxes), boxes
    assert "1 PDF(s) written" in capsys.readouterr().err
