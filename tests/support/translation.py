"""The translation rule of issue 22 over a rendered reader page, read with an HTML parser.

- An English page shows Chinese only inside lang="zh" elements, and each such quotation is
  followed by its translation: a gloss in brackets right after it (" (English)", the
  class "kcz-gloss" of appendix cells) or after a colon ("“…”: from a first version …"),
  or, in a table, the next cell of its row in English.
  A Chinese name in brackets right after the English words it names ("talent policy
  (人才新政)", "qualified (余, 多, 超)"), like a work's Chinese title 《…》 right after its
  English title in quotation marks, is the original of a name, not a quotation. The
  language switch (a link with hreflang) names a language.
- A Chinese page shows Latin letters only as allowed names and abbreviations
  (translation_allow.toml), as link text that is its own address, in code (`code`, `pre`,
  translate="no": build details, hashes) or, marked lang="en", as the English name of a
  glossary term (the case's or the shared glossary's).

`problems(path)` returns one line per breach; the tests run it over every page of a build.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z&.\-]*")
BLOCKS = ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "figcaption", "caption",
          "summary", "blockquote")
# between the items of one group of Chinese words: "余, 多, 超"
# what may stand between two marked Chinese runs of one name or list: punctuation, or one Latin
# letter inside a name (证券时报·e公司)
_JOIN = re.compile(r"^[\s,、，;；/·]*(?:[A-Za-z][\s·]*)?$")
_GLOSS_AFTER = re.compile(r"^[\s”’\"']*(?:[(（]\s*[\"“‘]?|[:：]\s*)\s*[A-Za-z]")
# English words (themselves possibly holding a bracket, "Chengdu Bureau of Statistics (reported by
# Chengdu Daily)"), then the bracket that opens the Chinese original; a title's 《 and its leading
# digits ("《2022年…") may stand before the marked Chinese run
_OPEN_BEFORE = re.compile(r"[A-Za-z](?:[^()（）]|\([^()（）]*\)){0,160}[(（]\s*[\"“‘《]?[\d.]*\s*$")
_CLOSE_AFTER = re.compile(r"^\s*[\"”’]?\s*[)）]")
_TITLE_BEFORE = re.compile(r"[A-Za-z][^“”]*[”\"]\s*$")  # an English title in quotation marks


def allowed_latin() -> set[str]:
    """The Latin names and abbreviations a Chinese page may show (translation_allow.toml)."""
    path = Path(__file__).with_name("translation_allow.toml")
    return set(tomllib.loads(path.read_text(encoding="utf-8"))["latin"])


def glossary_names() -> set[str]:
    """English names of the glossary terms: the shared ones and every case's (case.json)."""
    import json

    from kczlib.paths import data_root
    from kczlib.report.narrative import templates

    names = {v for k, v in templates("en").items() if k.startswith("appendix.glossary.term.")}
    for case in (data_root() / "cases").glob("*/case.json"):
        names |= {g["en"] for g in json.loads(case.read_text(encoding="utf-8")).get("glossary", {}).values()}
    return names


def soup_of(path: Path) -> BeautifulSoup:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["script", "style", "noscript"]):
        tag.decompose()
    return soup


def _lang(node) -> str:
    """'code', the nearest stated language ('zh'/'en') or '' (the page's own)."""
    for anc in node.parents:
        if anc.name in ("code", "pre", "kbd", "samp") or anc.get("translate") == "no":
            return "code"
        if anc.name != "html" and anc.get("lang"):
            return anc["lang"][:2]
    return ""


def _texts(soup):
    for s in soup.find_all(string=True):
        if isinstance(s, NavigableString) and not isinstance(s, (Comment, Doctype)) and s.strip():
            yield s


def _block(node):
    return next((a for a in node.parents if a.name in BLOCKS), node.parent)


def _pieces(block) -> list[tuple[str, str]]:
    """(text, 'zh' | 'other') pieces of a block in order; a language switch counts as other."""
    out = []
    for s in block.find_all(string=True):
        if isinstance(s, (Comment, Doctype)):
            continue
        zh = _lang(s) == "zh" and not s.find_parent("a", hreflang=True)
        out.append((str(s), "zh" if zh and HAN.search(s) else "other"))
    return out


def _english(text: str) -> bool:
    return bool(re.search(r"[A-Za-z]{2,}", text)) and not HAN.search(text)


def _english_page(soup, name: str) -> list[str]:
    bad = []
    for s in _texts(soup):
        if HAN.search(s) and _lang(s) not in ("zh", "code") and s.parent.name != "title":
            bad.append(f"{name}: Chinese not marked lang=\"zh\": {s.strip()[:80]!r}")
    if (t := soup.find("title")) and HAN.search(t.get_text()):
        bad.append(f"{name}: Chinese in the title {t.get_text()[:60]!r}")
    for img in soup.find_all("img"):
        if HAN.search(img.get("alt") or ""):
            bad.append(f"{name}: Chinese in alt text {img['alt'][:60]!r}")
    seen = set()
    for s in _texts(soup):
        if not HAN.search(s) or _lang(s) != "zh" or s.find_parent("a", hreflang=True):
            continue
        block = _block(s)
        if id(block) in seen:
            continue
        seen.add(id(block))
        bad += [f"{name}: {m}" for m in _untranslated(block)]
    return bad


def _untranslated(block) -> list[str]:
    """The Chinese groups of a block that no translation follows (nor bracket as a name's original)."""
    pieces = _pieces(block)
    text = "".join(t for t, _ in pieces)
    spans, at = [], 0
    for t, kind in pieces:
        if kind == "zh":
            if spans and _JOIN.match(text[spans[-1][1]:at]):
                spans[-1] = (spans[-1][0], at + len(t))
            else:
                spans.append((at, at + len(t)))
        at += len(t)
    bad = []
    for start, end in spans:
        before, after = text[:start], text[end:]
        if _GLOSS_AFTER.match(after) or (_OPEN_BEFORE.search(before) and _CLOSE_AFTER.match(after)):
            continue
        quoted = text[start:end].strip()
        if quoted.startswith("《") and quoted.endswith("》") and _TITLE_BEFORE.search(before):
            continue
        if block.name == "td" and not before.strip() and not after.strip():
            nxt = block.find_next_sibling("td")
            if nxt is not None and _english(nxt.get_text(" ")):
                continue
        bad.append(f"Chinese without a translation after it: {text[start:end][:60]!r} in {text[:100]!r}")
    return bad


def _chinese_page(soup, name: str, allowed: set[str], names: set[str]) -> list[str]:
    bad = []
    for s in _texts(soup):
        lang = _lang(s)
        if lang == "code" or s.find_parent("a", hreflang=True):
            continue
        text = str(s)
        if s.parent is not None and s.parent.name == "a" and re.fullmatch(r"\s*https?://\S+\s*", text):
            continue  # a link showing its address
        if lang == "en":
            if text.strip() not in names:
                bad.append(f"{name}: English marked lang=\"en\" that is no glossary name: {text.strip()[:80]!r}")
            continue
        words = [w for w in LATIN_WORD.findall(text) if w.rstrip(".") not in allowed]
        if words:
            bad.append(f"{name}: English {words[:4]} in {text.strip()[:80]!r}")
    for img in soup.find_all("img"):
        words = [w for w in LATIN_WORD.findall(img.get("alt") or "") if w.rstrip(".") not in allowed]
        if words:
            bad.append(f"{name}: English {words[:4]} in alt text")
    return bad


def problems(path: Path) -> list[str]:
    """Every breach of the translation rule on the reader page `path` (its language from its <html lang>)."""
    soup = soup_of(path)
    lang = (soup.find("html").get("lang") or "")[:2]
    if lang == "en":
        return _english_page(soup, path.name)
    return _chinese_page(soup, path.name, allowed_latin(), glossary_names())


def reader_pages(folder: Path) -> list[Path]:
    """The reader pages (with their folded appendix) and indexes of a run folder, not the analyst pages."""
    return [p for p in sorted(folder.glob("*.html")) if not p.name.endswith(".analyst.html")]
