"""Chinese words in an English page, marked as Chinese.

An English reader page quotes the source (科创贷, 揭榜挂帅, a sentence of the case); each
run of Chinese text outside an element that already states its language is wrapped in
`<span lang="zh-CN">`, so browsers pick the CJK font and screen readers the right voice, and
the page says which language each piece is in (tests/integration/test_reader_language.py).
Markdown cannot carry such spans through nbconvert's sanitiser, so this runs on the
finished page.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString
from bs4.element import PageElement

from kczlib.contract import HAN

# a Chinese run: Han characters with the CJK punctuation and quoted digits (“1.0”) inside it
HAN_RUN = re.compile(f"[{HAN}“‘（][{HAN}\u3000-\u303f\uff00-\uffef“”‘’0-9.,、]*"
                     f"[{HAN}”’\u3000-\u303f\uff00-\uffef]|[{HAN}]")
_SKIP = {"script", "style", "title", "code", "pre", "textarea"}


def _has_lang(node) -> bool:
    return any(a.name != "html" and a.get("lang") for a in node.parents if a.name)


def mark_chinese(page: str) -> str:
    """`page` (an English HTML page) with its unmarked Chinese runs in <span lang="zh-CN">."""
    soup = BeautifulSoup(page, "html.parser")
    for text in list(soup.find_all(string=HAN_RUN)):
        if isinstance(text, (Comment, Doctype)) or text.parent is None or text.parent.name in _SKIP \
                or _has_lang(text):
            continue
        pieces: list[PageElement] = []
        at = 0
        for m in HAN_RUN.finditer(str(text)):
            pieces.append(NavigableString(text[at:m.start()]))
            span = soup.new_tag("span", lang="zh-CN")
            span.string = m.group()
            pieces.append(span)
            at = m.end()
        pieces.append(NavigableString(text[at:]))
        for piece in pieces:
            text.insert_before(piece)
        text.extract()
    return str(soup)
