"""Every reader page on a phone (420 px) and a desktop (1280 px), in headless Chromium (issue 22,
M14 and §3): each chart shows its narrow rendition on the phone, with no text under 11 CSS px,
and its wide one on the desktop; no page scrolls sideways, even with every <details> opened;
wide tables keep their first column in view and show a scroll cue. Screenshots of every page
at both widths go to test-artifacts/phone/ (git-ignored) for a person to look at.

The text size is worked out from the PNG the browser shows (`currentSrc`): the smallest text
drawn, in points (the PNG's text chunk `theme.MIN_TEXT_KEY`), times its dpi (pHYs) / 72 gives
pixels in the image; times the displayed width / the image's width gives CSS px.
"""

from __future__ import annotations

import base64
import io

import pytest

from kczlib.report.theme import MIN_TEXT_KEY

from support.browser import ARTIFACTS, full_page_screenshot

pytestmark = pytest.mark.browser
PHONE, DESKTOP = 420, 1280
MIN_CSS_PX = 11  # issue 22, §3: chart text at least 11 CSS px on a phone

CHARTS = """() => [...document.querySelectorAll('.jp-RenderedImage img')].map(img => ({
    src: img.getAttribute('src'), current: img.currentSrc, shown: img.getBoundingClientRect().width,
    natural: img.naturalWidth, picture: img.parentElement.tagName,
    narrow: (img.parentElement.querySelector('source') || {srcset: null}).srcset || null}))"""
OPEN_ALL = "() => document.querySelectorAll('details').forEach(d => d.open = true)"
WIDTH = "() => document.scrollingElement.scrollWidth"
TABLES = """() => [...document.querySelectorAll('.kcz-table')].map(t => {
    const box = t.closest('.jp-RenderedHTMLCommon'), first = t.querySelector('tbody td');
    return {overflows: box.scrollWidth > box.clientWidth + 1, overflow: getComputedStyle(box).overflowX,
            sticky: first ? getComputedStyle(first).position : 'none',
            cue: getComputedStyle(box).backgroundImage}})"""


def _pages(folder):
    pages = sorted(p for p in folder.glob("*-??.html"))
    assert pages, f"no reader pages in {folder}"
    return pages


def _png_text_px(data_url: str, shown: float) -> float:
    from PIL import Image

    image = Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1])))
    points = float(image.info[MIN_TEXT_KEY])
    dpi = float(image.info["dpi"][0])
    return points / 72 * dpi * shown / image.width


def _look(browser, page_path, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto(page_path.as_uri())
    return context, page


def test_on_a_phone_every_chart_shows_its_narrow_rendition_with_text_of_at_least_11_px(browser, built_reports):
    bad, seen = [], 0
    for path in _pages(built_reports):
        context, page = _look(browser, path, PHONE)
        for i, chart in enumerate(page.evaluate(CHARTS), 1):
            seen += 1
            where = f"{path.name} chart {i}"
            if chart["picture"] != "PICTURE" or not chart["narrow"]:
                bad.append(f"{where}: no narrow rendition")
                continue
            if chart["current"] != chart["narrow"]:
                bad.append(f"{where}: the phone shows the wide image")
                continue
            size = _png_text_px(chart["current"], chart["shown"])
            if size < MIN_CSS_PX:
                bad.append(f"{where}: smallest text {size:.1f} CSS px")
        context.close()
    assert seen, "no chart on any page"
    assert not bad, "\n".join(bad)


def test_on_a_desktop_every_chart_shows_its_wide_rendition(browser, built_reports):
    bad = []
    for path in _pages(built_reports):
        context, page = _look(browser, path, DESKTOP)
        for i, chart in enumerate(page.evaluate(CHARTS), 1):
            if chart["current"] != chart["src"]:
                bad.append(f"{path.name} chart {i}: the desktop shows the narrow image")
            elif chart["shown"] < 600:
                bad.append(f"{path.name} chart {i}: {chart['shown']:.0f} px wide on a desktop")
        context.close()
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_no_page_scrolls_sideways_with_every_fold_open_and_screenshots(browser, built_reports, width):
    shots = ARTIFACTS / "phone"
    shots.mkdir(parents=True, exist_ok=True)
    bad = []
    for path in [*_pages(built_reports), *sorted(built_reports.glob("index*.html"))]:
        context, page = _look(browser, path, width)
        full_page_screenshot(page, shots / f"{path.stem}-{width}.png")
        page.evaluate(OPEN_ALL)
        if page.evaluate(WIDTH) > width:
            bad.append(f"{path.name}: {page.evaluate(WIDTH)} px wide at {width} px")
        full_page_screenshot(page, shots / f"{path.stem}-{width}-open.png")
        context.close()
    assert not bad, "\n".join(bad)


def test_on_a_phone_a_wide_table_scrolls_in_its_box_with_its_first_column_held_and_a_cue(browser, built_reports):
    bad, wide = [], 0
    for path in _pages(built_reports):
        context, page = _look(browser, path, PHONE)
        page.evaluate(OPEN_ALL)
        for i, table in enumerate(page.evaluate(TABLES), 1):
            if not table["overflows"]:
                continue
            wide += 1
            if table["overflow"] not in ("auto", "scroll"):
                bad.append(f"{path.name} table {i}: overflows without scrolling")
            if table["sticky"] != "sticky":
                bad.append(f"{path.name} table {i}: its first column scrolls away")
            if "gradient" not in table["cue"]:
                bad.append(f"{path.name} table {i}: no scroll cue")
        context.close()
    assert wide, "no table wider than a phone: the check would pass on anything"
    assert not bad, "\n".join(bad)


# A line break between two Han letters inside a table cell, in a run of at most SHORT_RUN letters
# and digits (no punctuation or space inside): a word cut in two on a phone (国家高新技术企 / 业数)
# where the run would fit on one line of the column (10 characters are 128 CSS px at the phone's
# table size, .8rem). A longer run (a derivation such as 市级财政科技支出除以财政科学技术支出) must
# break somewhere, as Chinese text does. Each character's box is measured; one that starts a new
# line after a Han letter is a break.
SHORT_RUN = 10
BROKEN_WORDS = r"""(short) => {
  const han = /[\u3400-\u9fff]/, word = /[\u3400-\u9fff0-9A-Za-z.%]/, cuts = [];
  for (const td of document.querySelectorAll('.kcz-table td')) {
    const chars = [], walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.data.length; i++) {
        const range = document.createRange(); range.setStart(node, i); range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        chars.push({ch: node.data[i], top: rect ? rect.top : null});
      }
    }
    for (let i = 1; i < chars.length; i++) {
      const a = chars[i - 1], b = chars[i];
      if (a.top === null || b.top === null || !(b.top > a.top + 2) || !han.test(a.ch) || !han.test(b.ch)) continue;
      let s = i - 1, e = i;
      while (s > 0 && word.test(chars[s - 1].ch)) s--;
      while (e + 1 < chars.length && word.test(chars[e + 1].ch)) e++;
      if (e - s + 1 <= short)
        cuts.push(chars.slice(s, e + 1).map(c => c.ch).join('') + ' cut after ' + a.ch
                  + ' in: ' + td.innerText.slice(0, 60));
    }
  }
  return cuts;
}"""


def test_on_a_phone_a_short_chinese_word_in_a_table_is_not_cut_in_two(browser, built_reports):
    # a fresh user: phone tables read 国家高新技术企 / 业数 and 累计，起点未 / 说明
    bad, seen = [], 0
    for path in _pages(built_reports):
        if not path.stem.endswith("-zh"):
            continue
        context, page = _look(browser, path, PHONE)
        page.evaluate(OPEN_ALL)
        seen += page.evaluate("() => document.querySelectorAll('.kcz-table td').length")
        bad += [f"{path.name}: {cut}" for cut in page.evaluate(BROKEN_WORDS, SHORT_RUN)]
        context.close()
    assert seen, "no table cell on any Chinese page"
    assert not bad, f"{len(bad)} cut word(s):\n" + "\n".join(bad[:40])
