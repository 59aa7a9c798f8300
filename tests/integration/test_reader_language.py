"""The language of what a reader reads: every reader page and index of a real build,
parsed as HTML (BeautifulSoup), held to the reader-edition rules of issue 11 (item 5).

- An English page shows Chinese only inside an element marked lang="zh", and such an
  element stands beside English (its row, paragraph or list item has English too).
- A Chinese page shows Latin letters only as allowed names, units and codes (ALLOWED),
  as link text that is a URL, inside lang="en" elements, or in code (`code`, `pre`,
  `translate="no"`: build details, hashes, file names).
- Chinese prose (outside quotations, marked class="kcz-quote" or lang="en") uses
  full-width punctuation, nests quotation marks as ‘’ inside “”, writes ranks with
  Chinese numerals (第二名, not 第2名) and puts a measure word or unit after every count.
- Charts carry alt text in the page's language.

The pages come from one `kcz build` of every report in reports.toml (tests/support/reader_build.py),
so reports and sections added later are checked without touching this file.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup, Comment, Doctype, NavigableString

from support.translation import allowed_latin

HAN = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z&.\-]*")
# Latin a Chinese reader meets in Chinese text: abbreviations the source itself uses,
# units and codes. Words here are whole tokens (R&D is one token).
ALLOWED = allowed_latin()  # tests/support/translation_allow.toml
FULL_WIDTH_OF = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）"}
PROSE_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "summary", "figcaption", "dd", "dt"}
# what may follow a count in Chinese: measure words, units and scale words
RANGE_WORDS = set("至到")  # 3.02至3.40位: the measure word follows the range
MEASURE = set("家个项处名人位场单次倍年月日元笔件批支套条座所台辆亿万千百%‰×项期届轮篇部门类户种组支只张")


def _soup(path):
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["script", "style", "noscript"]):
        tag.decompose()
    return soup


def _context(node) -> str:
    """'code', the nearest element's lang ('zh'/'en'), 'quote' or '' for the page's own text."""
    quote = False
    for anc in node.parents:
        if anc.name in ("code", "pre", "kbd", "samp") or anc.get("translate") == "no":
            return "code"
        if "kcz-quote" in (anc.get("class") or []):
            quote = True
        if anc.name != "html" and anc.get("lang"):
            return anc["lang"][:2]
    return "quote" if quote else ""


def _texts(soup):
    for s in soup.find_all(string=True):
        if isinstance(s, NavigableString) and not isinstance(s, (Comment, Doctype)) and s.strip() \
                and s.parent.name not in ("title",):
            yield s


def _pages(built_reports, lang):
    out = built_reports
    pages = [p for p in sorted(out.glob("*.html")) if not p.name.endswith(".analyst.html")]
    if lang == "en":
        return [p for p in pages if p.name.endswith("-en.html") or p.name == "index.en.html"]
    return [p for p in pages if p.name.endswith("-zh.html") or p.name == "index.html"]


def _block(node):
    for anc in node.parents:
        if anc.name in ("tr", "p", "li", "dd", "dt", "figcaption", "h1", "h2", "h3", "h4") or anc.name == "section":
            return anc
    return node.parent


def test_english_pages_show_chinese_only_in_marked_elements_beside_english(built_reports):
    bad = []
    for page in _pages(built_reports, "en"):
        for s in _texts(_soup(page)):
            ctx = _context(s)
            if HAN.search(s) and ctx not in ("zh", "code"):
                bad.append(f"{page.name}: unmarked Chinese: {s.strip()[:90]!r}")
            elif HAN.search(s) and ctx == "zh" and not s.find_parent("a", hreflang=True):  # not a language switch
                block = _block(s)
                english = [t for t in block.find_all(string=True) if _context(t) not in ("zh", "code")
                           and re.search(r"[A-Za-z]{3,}", t)]
                if not english:
                    bad.append(f"{page.name}: Chinese without English beside it: {s.strip()[:60]!r}")
    assert not bad, f"{len(bad)} problems:\n" + "\n".join(bad[:40])


def _latin_problems(s) -> list[str]:
    text = str(s)
    if s.parent is not None and s.parent.name == "a" and re.fullmatch(r"\s*https?://\S+\s*", text):
        return []  # a link showing its address
    return [w for w in LATIN_WORD.findall(text) if w.rstrip(".") not in ALLOWED]


def test_chinese_pages_show_latin_only_as_allowed_names_units_and_codes(built_reports):
    bad = []
    for page in _pages(built_reports, "zh"):
        for s in _texts(_soup(page)):
            if _context(s) in ("en", "code"):
                continue
            words = _latin_problems(s)
            if words:
                bad.append(f"{page.name}: {words[:4]} in {s.strip()[:80]!r}")
    assert not bad, f"{len(bad)} problems:\n" + "\n".join(bad[:60])


def _prose(page):
    """Chinese prose text nodes of a page: in prose elements, not quotations or code."""
    for s in _texts(_soup(page)):
        if _context(s) == "" and any(a.name in PROSE_TAGS for a in s.parents) \
                and not any(a.name == "table" for a in s.parents):
            yield s


def _neighbours(text: str, i: int) -> str:
    before = text[:i].rstrip()[-1:] if text[:i].strip() else ""
    after = text[i + 1:].lstrip()[:1]
    return before + after


def test_chinese_prose_uses_full_width_punctuation_and_nested_quotes(built_reports):
    bad = []
    for page in _pages(built_reports, "zh"):
        for s in _prose(page):
            text = str(s)
            for m in re.finditer(r"[,;:()]", text):
                if HAN.search(_neighbours(text, m.start())) or "“" in _neighbours(text, m.start()):
                    bad.append(f"{page.name}: half-width {m.group()!r} in "
                               f"{text[max(0, m.start() - 20):m.start() + 20]!r}")
            depth = 0
            for ch in text:
                depth += {"“": 1, "”": -1}.get(ch, 0)
                if depth > 1:
                    bad.append(f"{page.name}: “ inside “” (nest as ‘’): {text[:80]!r}")
                    break
            if re.search(r'[\u3400-\u9fff]\s*"|"\s*[\u3400-\u9fff]', text):
                bad.append(f"{page.name}: straight quotes in Chinese: {text[:80]!r}")
    assert not bad, f"{len(bad)} problems:\n" + "\n".join(bad[:60])


def test_chinese_prose_writes_ranks_in_chinese_and_counts_with_measure_words(built_reports):
    bad = []
    for page in _pages(built_reports, "zh"):
        for s in _prose(page):
            text = str(s)
            for m in re.finditer(r"第\s*\d+", text):
                bad.append(f"{page.name}: rank in Arabic digits {text[max(0, m.start() - 10):m.end() + 5]!r}")
            for m in re.finditer(r"(?<![\d.\-/A-Za-z])(\d[\d,]*(?:\.\d+)?)(余|多)?([万亿])?(余|多)?(.?)", text):
                follower = m.group(5)
                if HAN.match(follower or "") and follower not in MEASURE and follower not in RANGE_WORDS:
                    bad.append(f"{page.name}: count without a measure word "
                               f"{text[max(0, m.start() - 10):m.end() + 5]!r}")
    assert not bad, f"{len(bad)} problems:\n" + "\n".join(bad[:60])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_has_alt_text_in_the_page_language(built_reports, lang):
    word = {"zh": HAN, "en": re.compile(r"[A-Za-z]{3,}")}[lang]
    bad = []
    for page in _pages(built_reports, lang):
        for img in _soup(page).find_all("img"):
            alt = img.get("alt") or ""
            if not alt.strip() or "No description" in alt or not word.search(alt):
                bad.append(f"{page.name}: alt={alt!r}")
            if lang == "zh" and _latin_problems(NavigableString(alt)) and img.get("lang") != "en":
                bad.append(f"{page.name}: Latin in Chinese alt text {alt!r}")
    assert not bad, "\n".join(bad)


# Names a page must not use: each thing has one name per language (the retired variants
# below are what the pages once said). The glossary gives the other language's name.
RETIRED = {"en": ["Kechuang Zhongguo", "tech-innovation loans", "service \"nannies\"", "'nannies'"],
           "zh": ["不良率"]}  # 累计损失率 is the loss rate's one Chinese name (the NPL ratio it is not: 不良贷款率)
# Glossary terms, (English, Chinese) pairs: a report whose text uses one must explain it.
GLOSSARY = [("CAST", "中国科协"), ("NEEQ", "新三板"), ("Kechuangdai", "科创贷"),
            ("Science and Technology Innovation China", "科创中国"), ("dedicated service officers", "保姆")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_name_per_thing_and_a_glossary_in_every_report(built_reports, lang):
    bad = []
    for page in _pages(built_reports, lang):
        soup = _soup(page)
        text = soup.get_text(" ")
        bad += [f"{page.name}: says {name!r}" for name in RETIRED[lang] if name in text]
        appendix = soup.select_one("details.kcz-appendix")
        if appendix is None:
            continue  # the index
        tables = appendix.find_all("table")
        glossary = tables[-1].get_text(" ") if tables else ""
        appendix.extract()
        body = soup.get_text(" ")
        used = [pair for pair in GLOSSARY if any(term in body for term in pair)]
        bad += [f"{page.name}: the text uses {pair[0]!r} but the glossary lacks it"
                for pair in used if (pair[0] if lang == "en" else pair[1]) not in glossary]
        bad += ([f"{page.name}: no glossary although the text uses {len(used)} of its terms"]
                if used and not glossary else [])
    assert not bad, "\n".join(bad)


def _derivation_word_runs() -> set[str]:
    """The English word runs (three words or more) of every derivation key of the word
    files (`<file>.derivation.*`), their slots cut out: "rows of the case's figures table"."""
    import string

    from kczlib.report.narrative import templates

    runs = set()
    for key, text in templates("en").items():
        if ".derivation." in key:
            for literal, *_ in string.Formatter().parse(text):
                runs |= {m.strip() for m in re.findall(r"[A-Za-z][A-Za-z'_.]*(?: [A-Za-z'_.]+){2,}", literal)}
    return runs


def test_chinese_pages_write_derivations_in_chinese(built_reports):
    # The numbers ledger names what a count of the dataset counts (rows of the case's figures table ...):
    # on a Chinese page in Chinese, marked or not.
    runs = _derivation_word_runs()
    assert "rows of the case's figures table" in runs and "numeric mentions the parser finds in the source" in runs
    bad = []
    for page in _pages(built_reports, "zh"):
        text = _soup(page).get_text(" ")
        bad += [f"{page.name}: {run!r}" for run in sorted(runs) if run in text]
    assert not bad, "English derivations on Chinese pages:\n" + "\n".join(bad)
