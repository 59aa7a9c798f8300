"""What a reader of a thin case sees in Chromium: the sections left out named once, no empty section.

The fixture case jiangcheng (tests/fixtures/cases/jiangcheng) reports none of the figures of
five sections of the platforms report (innovation platforms and carriers, STAR Market listings,
concept verification, projects landed, academic exchanges: worked out by hand in
tests/integration/test_any_case_reports.py). Before, each printed its own "left out" sentence
under its heading, and a heading whose sections were all left out stood over nothing.
"""

from __future__ import annotations

import pytest

from support.builds import real_notebooks_exist

pytestmark = [pytest.mark.browser, pytest.mark.notebook,
              pytest.mark.skipif(not real_notebooks_exist(), reason="notebooks/*.ipynb not written yet")]

# words/common.toml missing.left_out_figures with the topics of missing.topics, by hand
SENTENCE = {
    "en": "This case does not report the figures these sections need, so they are left out: "
          "“innovation platforms and carriers”; “STAR Market listings”; “concept verification”; "
          "“projects landed”; “academic exchanges”.",
    "zh": "本案例未报告以下各节所需的数据，这些节从略：“创新平台与载体”、“科创板上市企业”、“概念验证”、"
          "“项目落地”、“学术交流活动”。",
}

# The text a reader sees between each body heading and the next (the About section ends the body).
BETWEEN_HEADINGS = """() => {
  const main = document.querySelector('main.kcz-main');
  const end = main.querySelector('section.kcz-about');
  const heads = [...main.querySelectorAll('h2, h3')].filter(
      h => !h.closest('details') && (h.compareDocumentPosition(end) & Node.DOCUMENT_POSITION_FOLLOWING));
  return heads.map((h, i) => {
    const r = document.createRange();
    r.setStartAfter(h);
    if (i + 1 < heads.length) r.setEndBefore(heads[i + 1]); else r.setEndBefore(end);
    const div = document.createElement('div');
    div.appendChild(r.cloneContents());
    return [h.innerText.replace('¶', '').trim(), div.innerText.trim()];
  });
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_sections_left_out_are_named_once_and_no_heading_stands_over_nothing(second_case_run, browser, lang):
    run, _ = second_case_run
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto((run / f"04_platforms_and_industry-{lang}.html").resolve().as_uri())
        text = page.inner_text("main.kcz-main")
        assert text.count(SENTENCE[lang]) == 1
        assert ("本节从略" if lang == "zh" else "so this section is left out") not in text
        for heading, under in page.evaluate(BETWEEN_HEADINGS):
            assert under, f"heading {heading!r} has nothing under it"
        contents = page.inner_text("nav.kcz-toc")
        assert ("创新平台与载体" if lang == "zh" else "Innovation platforms and carriers") not in contents
    finally:
        page.close()
