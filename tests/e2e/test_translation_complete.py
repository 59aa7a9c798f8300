"""Translation is complete on every rendered reader page (issue 22), and the notes and
measure words a reader meets are those of a publication.

- Every reader page (with its folded appendix) and index of a real build of every report in
  reports.toml, both languages, and of the second case (tests/fixtures/cases/jiangcheng),
  holds to the translation rule of tests/support/translation.py: Chinese in an English page
  only as lang="zh" quotations followed by a translation; Latin in a Chinese page only as
  allowed names and abbreviations (tests/support/translation_allow.toml).
- A low-confidence note is a mark in the sentence (†), explained once per page in its
  footnotes after the body; the note's words never stand inside a sentence.
- A Chinese count carries one measure word (172处, not 172个处), a rank after 排名 no second 名.
"""

from __future__ import annotations

import re

from kczlib.data.numerals import NOUNS_LIKE_MEASURES
from kczlib.units import COUNT_MEASURES
from kczlib.words import word

from support.reader_build import declared_reports
from support.translation import problems, reader_pages, soup_of

LANGS = ("zh", "en")


def _report_pages(folder):
    return [p for p in reader_pages(folder) if not p.name.startswith("index")]


def test_every_report_page_and_index_is_translated(built_reports):
    pages = reader_pages(built_reports)
    names = {p.name for p in pages}
    expected = {f"{r['notebook']}-{lang}.html" for r in declared_reports() for lang in LANGS}
    assert expected <= names, f"pages missing from the build: {sorted(expected - names)}"
    bad = [line for page in pages for line in problems(page)]
    assert not bad, f"{len(bad)} breaches of the translation rule:\n" + "\n".join(bad[:60])


def test_the_second_case_pages_are_translated(second_case_run):
    run, result = second_case_run
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    pages = _report_pages(run)
    assert len(pages) == 2 * len(declared_reports())
    bad = [line for page in pages for line in problems(page)]
    assert not bad, f"{len(bad)} breaches of the translation rule:\n" + "\n".join(bad[:60])


def _body_and_appendix(page):
    soup = soup_of(page)
    appendix = soup.select_one("details.kcz-appendix")
    return soup, appendix


def test_low_confidence_notes_are_footnote_marks_with_one_footnote_list(built_reports):
    marked = 0
    bad = []
    for page in _report_pages(built_reports):
        lang = "en" if page.name.endswith("-en.html") else "zh"
        note, mark = word("context", "confidence.low", lang), word("context", "footnote.mark", lang)
        footnote = word("context", "footnote.low", lang).format(mark=mark)
        soup, appendix = _body_and_appendix(page)
        if appendix is not None:
            appendix.extract()
        for tag in soup.select(".kcz-footnotes"):
            tag.extract()
            if footnote not in tag.get_text():
                bad.append(f"{page.name}: footnotes without the note {footnote!r}")
        lists = soup_of(page).select(".kcz-footnotes")
        sentences = [t.get_text(" ") for t in soup.find_all(["p", "li", "h2", "h3", "figcaption"])]
        bad += [f"{page.name}: the note {note!r} inside a sentence: {s[:90]!r}" for s in sentences if note in s]
        bad += [f"{page.name}: 'check the original' in {s[:90]!r}" for s in sentences
                if "check the original" in s or "待核对" in s]
        uses = sum(s.count(mark) for s in sentences)
        marked += uses
        if uses and len(lists) != 1:
            bad.append(f"{page.name}: {uses} marks and {len(lists)} footnote lists (want one)")
        if not uses and lists:
            bad.append(f"{page.name}: a footnote list but no mark in the text")
        if lists and (full := soup_of(page)).select_one("details.kcz-appendix") is not None:
            order = [t for t in full.find_all(True) if "kcz-footnotes" in (t.get("class") or [])
                     or "kcz-appendix" in (t.get("class") or [])]
            if "kcz-footnotes" not in (order[0].get("class") or []):
                bad.append(f"{page.name}: the footnotes come after the appendix")
    assert marked, "no page marks a low-confidence value, though the case has low-confidence context rows"
    assert not bad, "\n".join(bad)


# a count and two measure words (172个处), not a two-character measure word (人次, 场次, 批次)
# nor a measure word before a noun that begins like one (7个项目, 7支天使投资基金: numerals.NOUNS_LIKE_MEASURES)
_TWO = re.compile(r"\d[万亿余多]*(" + "|".join(sorted(COUNT_MEASURES, key=len, reverse=True)) + r")(["
                  + "".join(sorted({m[0] for m in COUNT_MEASURES})) + r"])")


def test_chinese_counts_carry_one_measure_word(built_reports):
    bad = []
    for page in _report_pages(built_reports):
        if not page.name.endswith("-zh.html"):
            continue
        soup, appendix = _body_and_appendix(page)
        if appendix is not None:
            appendix.extract()
        for tag in soup.select(".kcz-quote, [lang=en]"):
            tag.extract()
        text = soup.get_text("")
        for m in _TWO.finditer(text):
            second = text[m.start(2):m.start(2) + 2]
            if m.group(1) + m.group(2) not in COUNT_MEASURES and second not in NOUNS_LIKE_MEASURES:
                bad.append(f"{page.name}: two measure words in {text[max(0, m.start() - 12):m.end() + 6]!r}")
        bad += [f"{page.name}: {m.group()!r}" for m in re.finditer(r"排名第[一二三四五六七八九十]+名", text)]
    assert not bad, "\n".join(bad)
