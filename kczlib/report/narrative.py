"""Narrative text rendered from data: report prose from the word files, in either language.

Templates live in `kczlib/words/` (both languages side by side per key), one file per report
plus the shared `common` and `appendix` (`prose_files()`). A template holds words only: a digit
(refused by `kczlib.words`) or a Chinese quantity (refused here) typed into one is rejected when
the set is loaded, so every number a narrative prints arrives through a slot, from a `Num`, and
is recorded in the report's ledger. Text from data (labels, quotes) is escaped.
"""

from __future__ import annotations

import html
import re
import string
from dataclasses import dataclass
from functools import cache

from kczlib import reads
from kczlib.analysis.ledger import Ledger
from kczlib.analysis.num import Num, Passage
from kczlib.contract import HAN, LANGS
from kczlib.data.datatext import DataText
from kczlib.data.numerals import unstack_measure
from kczlib.data.prose_numbers import typed_numbers_problem
from kczlib.errors import TemplateError
from kczlib.words import WORDS_DIR, prose_files, word, words

MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")


class Safe(str):
    """Text already rendered by this module (its numbers are in the ledger)."""


@dataclass(frozen=True)
class Quote:
    """A verbatim passage of the cleaned source, cited by offset."""

    text: str
    offset: int


def escape(text: str) -> str:
    """Data text made inert in Markdown and HTML."""
    return MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）"}


def nested_quote(text: str) -> str:
    """A Chinese passage as quoted inside “”, as Chinese typography writes a quotation.

    Its own “” become ‘’, and half-width , ; : ( ) next to Chinese (PDF-extracted text)
    full-width (GB/T 15834-2011, 4.1 and 5.1).
    """
    text = text.replace("“", "‘").replace("”", "’")
    return re.sub(rf"(?<=[{HAN}‘’])\s*([,;:()])\s*|\s*([,;:()])\s*(?=[{HAN}‘’])",
                  lambda m: _FULL_WIDTH[m.group(1) or m.group(2)], text)


class Templates(dict):
    """The templates of one language; each key a report looks up is recorded as read.

    `t[key]`, `t.get(key)` and `key in t` record the key's text in its word file
    (`kczlib.reads.word`); iterating the keys needs nothing more than the files' key sets,
    which `templates` records; `items()` and `values()` count as reading every prose file whole.
    """

    def __init__(self, lang: str, flat: dict[str, str], home: dict[str, str]) -> None:
        super().__init__(flat)
        self.lang, self.home = lang, home

    def _read(self, key: object) -> None:
        if isinstance(key, str) and key in self.home:
            reads.word(WORDS_DIR / f"{self.home[key]}.toml", key, self.lang)

    def __getitem__(self, key: str) -> str:
        self._read(key)
        return super().__getitem__(key)

    def get(self, key: str, default=None):  # type: ignore[override]
        """The template `key` (recorded as read), or `default`."""
        self._read(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._read(key)
        return super().__contains__(key)

    def _all(self) -> None:
        for file in set(self.home.values()):
            reads.whole(WORDS_DIR / f"{file}.toml")

    def items(self):  # type: ignore[override]
        """Every (key, template): the caller read every prose file whole."""
        self._all()
        return super().items()

    def values(self):  # type: ignore[override]
        """Every template: the caller read every prose file whole."""
        self._all()
        return super().values()


@cache
def templates(lang: str) -> dict[str, str]:
    """Every report template in language `lang`: `{dotted key: text}`, from `prose_files()`.

    Args:
        lang: a language of `kczlib.contract.LANGS` ("zh" or "en").

    Returns:
        The templates of all prose word files, each file's keys in the order it writes them.

    Raises:
        TemplateError: unknown language; a key in two prose files; a number typed into a
            template's words (`data.prose_numbers.typed_numbers_problem`).
        WordsError: a word file is malformed, lacks a language or has a digit typed in
            (`kczlib.words.load`).
    """
    if lang not in LANGS:
        raise TemplateError(f"no narrative templates for language {lang!r} (have: {', '.join(LANGS)})")
    flat: dict[str, str] = {}
    home: dict[str, str] = {}
    for file in prose_files():
        path = WORDS_DIR / f"{file}.toml"
        reads.keys(path)  # which keys exist decides what a lookup finds (and the duplicates refused)
        with reads.quiet(path):
            table = words(file, lang)
        for key, tpl in table.items():
            if key in home:
                raise TemplateError(f"template {key!r} is in both {home[key]}.toml and {file}.toml")
            if problem := typed_numbers_problem(file, key, lang, tpl):
                raise TemplateError(problem)
            home[key], flat[key] = file, tpl
    return Templates(lang, flat, home)


def require_ledger(ledger: Ledger | None) -> Ledger:
    """The report's ledger, which `Report.configure` sets up before anything prints a number.

    Args:
        ledger: the report's `ledger` attribute.

    Returns:
        The same ledger, now known not to be None.

    Raises:
        TemplateError: there is no ledger yet (the report was not configured), so no number can print.
    """
    if ledger is None:
        raise TemplateError("no ledger to print numbers through: configure the report first")
    return ledger


_OPENING = re.compile(r"^(\s*(?:[-*]\s+)?(?:\*\*)?)([a-z])")


def sentence_start(text: Safe, lang: str) -> Safe:
    """`text` shown as a sentence or list of them: in English, each opening letter upper case.

    A template may open with a number's words ("{settled} graduates settled ...", and the number
    prints as "just over 100,000"); as a paragraph or a list item the sentence must still start
    with a capital. Chinese text is returned unchanged.

    Args:
        text: rendered template text (a paragraph, or Markdown list items, one per line).
        lang: "zh" or "en".

    Returns:
        The text with each line's first letter capitalised (English only).
    """
    if lang != "en":
        return text
    return Safe("\n".join(_OPENING.sub(lambda m: m.group(1) + m.group(2).upper(), line)
                          for line in str(text).split("\n")))


def render(key: str, lang: str, ledger: Ledger | None, **slots) -> Safe:
    """Fill template `key` for `lang`; Nums are formatted through the ledger."""
    table = templates(lang)
    if key not in table:
        raise TemplateError(f"no template {key!r} ({lang}) in the prose word files (kczlib/words)")
    values = {}
    around = _around_slots(table[key])
    for name, v in slots.items():
        if isinstance(v, Num):
            if lang == "zh":  # one measure word: the template's own, if it writes one (unstack_measure)
                before, after, previous = around.get(name, ("", "", None))
                touching = slots.get(previous) if previous is not None else None
                if not before and isinstance(touching, str):  # "{name}{value}": 排名 + 第二名
                    before = touching
                text = unstack_measure(before, v.format(lang), after)
                require_ledger(ledger).record(v, key, text)
                values[name] = text
            else:
                values[name] = require_ledger(ledger).format(v, key)
        elif isinstance(v, Safe):
            values[name] = v
        elif isinstance(v, Quote):
            text = escape(nested_quote(v.text) if lang == "zh" else v.text)
            derivation = table["common.derivation.source_quote"].format(offset=v.offset)
            quoted = Num(None, None, "count", origin=Passage(v.offset), derivation=derivation)
            require_ledger(ledger).record(quoted, key, text)
            values[name] = text
        elif isinstance(v, DataText):  # text from the data files: printed as written, escaped
            values[name] = escape(v)
        else:
            text = escape(v)
            if re.search(r"\d", text):
                raise TemplateError(
                    f"template {key!r}: slot {name!r} carries digits as plain text ({text!r}); pass a Num")
            values[name] = text
    try:
        return Safe(footnote_marks(table[key].format_map(values), lang))
    except KeyError as exc:
        raise TemplateError(f"template {key!r} ({lang}) needs slot {exc.args[0]!r}") from None



def _around_slots(template: str) -> dict[str, tuple[str, str, str | None]]:
    """{slot: (the words right before it, the words right after it, the slot right before it)} (first use).

    The slot right before is None unless the two slots touch ("{name}{value}"): then the words
    before the second are the first one's text (a metric ending in 排名 before a rank).
    """
    parsed = list(string.Formatter().parse(template))
    around: dict[str, tuple[str, str, str | None]] = {}
    for i, (literal, name, _, _) in enumerate(parsed):
        if name is not None and name not in around:
            previous = parsed[i - 1][1] if i > 0 and not literal else None
            around[name] = (literal, parsed[i + 1][0] if i + 1 < len(parsed) else "", previous)
    return around


def footnote_mark(lang: str) -> str:
    """The mark a sentence carries for a value read from a reprint (`context.footnote.mark`)."""
    return word("context", "footnote.mark", lang)


def footnote_marks(text: str, lang: str) -> str:
    """`text` with each low-confidence note in it replaced by the footnote mark.

    A sentence names a value's confidence through a slot ("GDP为{gdp}（{confidence}）"); the
    low-confidence note (`context.confidence.low`, "低可信度：转载") would then be repeated in
    sentence after sentence, so there it becomes a mark (†) on the value, bracket and all,
    and the page says it once in its footnotes (`Report.appendix`). Other confidences stay.

    Args:
        text: a rendered sentence or cited text.
        lang: "zh" or "en".

    Returns:
        The text with the note as a mark.
    """
    note = re.escape(escape(word("context", "confidence.low", lang)))
    mark = footnote_mark(lang)
    text = re.sub(rf"\s?[（(]\s*{note}\s*[）)]", mark, text)
    text = re.sub(note, mark, text)
    # "(CNY 27.33 bn, †)", "（†；第三方口径）": the mark stands on the value, not as a list item of its own
    text = re.sub(rf"\s*[，,；;]\s*{re.escape(mark)}(?=\s*[）)])", mark, text)
    return re.sub(rf"(\s?)([（(])\s*{re.escape(mark)}\s*[，,；;]\s*", lambda m: mark + m.group(1) + m.group(2), text)
