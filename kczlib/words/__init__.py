"""Every word a reader sees: TOML word files, both languages side by side per key.

One file per report (named like its section module) plus shared files (`common`, `page`,
`checks`, `appendix` ...). A key is a table whose keys are the languages of
`kczlib.contract.LANGS`, so a missing translation is seen where the word is written:

    [fiscal]
    heading = { zh = "财政投入", en = "Fiscal investment" }

    [fiscal.target]
    zh = "……{rate}……"
    en = "... {rate} ..."

Keys are addressed with dots (`"fiscal.target"`). Words hold no digits: every number a
reader sees arrives through a `{slot}` from data (the report layer adds the rule for
Chinese quantity words). Code holds keys only.

    >>> sorted(load("page"))[:1]
    ['page.about_programme']
    >>> word("page", "page.reports", "en")
    'Reports'

Each text handed out is recorded as read (`kczlib.reads`: a key by `word`, the whole file by
`words` and `load`), so a build rebuilds a report only when a word it printed changed.

This module imports only `contract`, `errors` and `reads`, so every layer may use it.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from kczlib import reads
from kczlib.contract import LANGS
from kczlib.errors import WordsError

WORDS_DIR = Path(__file__).resolve().parent
_DIGIT = re.compile(r"\d")


def word_files() -> list[str]:
    """Names (without `.toml`) of the word files shipped with kczlib, sorted."""
    return sorted(p.stem for p in WORDS_DIR.glob("*.toml"))


def load(file: str) -> dict[str, dict[str, str]]:
    """All keys of word file `file` (see `parse`); the caller counts as having read the whole file."""
    reads.whole(WORDS_DIR / f"{file}.toml")
    return _load(file)


@cache
def _load(file: str) -> dict[str, dict[str, str]]:
    return parse(file)


def parse(file: str) -> dict[str, dict[str, str]]:
    """All keys of word file `file`: `{dotted key: {lang: text}}`.

    Args:
        file: the word file's name without `.toml` (e.g. `"page"`).

    Returns:
        Every leaf key with its text in each language of `LANGS`.

    Raises:
        WordsError: no such file; invalid TOML; a key without all languages, with an
            unknown language, or mixing languages and sub-keys; text that is not a
            string; a digit typed into a text (numbers come through slots).
    """
    path = WORDS_DIR / f"{file}.toml"
    if not path.is_file():
        raise WordsError(f"no word file {path.name} in kczlib/words (have: {', '.join(word_files())})")
    try:
        tree = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise WordsError(f"{path.name}: not valid TOML ({exc})") from None
    out: dict[str, dict[str, str]] = {}
    _collect(tree, "", path.name, out)
    return out


def _collect(tree: dict, prefix: str, name: str, out: dict[str, dict[str, str]]) -> None:
    langs = [k for k in tree if k in LANGS]
    if langs:
        key = prefix.rstrip(".")
        if len(langs) != len(tree):
            extra = ", ".join(sorted(k for k in tree if k not in LANGS))
            raise WordsError(f"{name}: key {key!r} mixes languages with other keys ({extra})")
        if missing := [lang for lang in LANGS if lang not in tree]:
            raise WordsError(f"{name}: key {key!r} has no {'/'.join(missing)} text")
        for lang, text in tree.items():
            if not isinstance(text, str):
                raise WordsError(f"{name}: key {key!r} ({lang}) is not text")
            if _DIGIT.search(text):
                raise WordsError(f"{name}: key {key!r} ({lang}) has a digit typed in; pass numbers as slots")
        out[key] = dict(tree)
        return
    for k, v in tree.items():
        if not isinstance(v, dict):
            raise WordsError(f"{name}: key {prefix + k!r} needs a text per language ({', '.join(LANGS)})")
        _collect(v, f"{prefix}{k}.", name, out)


def words(file: str, lang: str) -> dict[str, str]:
    """`{dotted key: text}` of word file `file` in language `lang`.

    The caller counts as having read the whole file (`kczlib.reads.whole`), unless it reads
    inside `kczlib.reads.quiet` and records the keys it uses itself (`word`, the narrative).

    Raises:
        WordsError: as `load`, or `lang` is not one of `LANGS`.
    """
    reads.whole(WORDS_DIR / f"{file}.toml")
    return _words(file, lang)


@cache
def _words(file: str, lang: str) -> dict[str, str]:
    if lang not in LANGS:
        raise WordsError(f"unknown language {lang!r} (have: {', '.join(LANGS)})")
    return {key: texts[lang] for key, texts in _load(file).items()}


def word(file: str, key: str, lang: str) -> str:
    """The text of `key` in word file `file`, in language `lang`.

    Raises:
        WordsError: as `words`, or no such key (the message names the file and key).
    """
    path = WORDS_DIR / f"{file}.toml"
    with reads.quiet(path):
        table = _words(file, lang)
    reads.word(path, key, lang)
    if key not in table:
        raise WordsError(f"no key {key!r} in kczlib/words/{file}.toml")
    return table[key]


# The word files that hold report prose, read by the report layer's `narrative.templates` (keys
# are unique across them). The other word files hold the page frame (`page`), check titles,
# context labels, number words and the words charts draw (`charts`), which their own modules read.
NOT_PROSE = ("page", "checks", "context", "numbers", "charts")


def prose_files() -> tuple[str, ...]:
    """The word files that hold report prose: every file in kczlib/words but `NOT_PROSE`.

    A new report's word file is picked up by being there; nothing lists report names.
    """
    return tuple(f for f in word_files() if f not in NOT_PROSE)


def problems() -> list[str]:
    """What is wrong with the word files: one message per broken file, [] when all are valid.

    Each file is parsed afresh by `parse`'s rules, not taken from the cache (`kcz validate`).

    Returns:
        Messages naming the file and, where there is one, the key ("fiscal.toml: key
        'fiscal.probe' has no en text"), in file-name order.
    """
    found = []
    for file in word_files():
        try:
            parse(file)
        except WordsError as exc:
            found.append(str(exc))
    return found


# the caches behind `load` and `words`, cleared as before (a scratch word folder in a test)
load.cache_clear = _load.cache_clear  # type: ignore[attr-defined]
words.cache_clear = _words.cache_clear  # type: ignore[attr-defined]
