"""Reading and cleaning a case's source document, and mapping offsets to sections.

The raw file is read byte for byte and never edited. Cleaning is a pure function of
the raw text: drop the case's debris lines, strip pinyin glosses, convert Traditional
to Simplified (OpenCC t2s). All offsets in the figures table point into the result.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, cast

from kczlib.data.cases import Case, case_name, check_raw_checksum, get_case
from kczlib.textfile import read_utf8

TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# One pinyin syllable in ASCII parentheses right after a CJK character; it must carry a
# tone letter, so ordinary parentheses such as (市), (一) or (R&D) are never touched.
GLOSS_RE = re.compile(rf"(?<=[{CJK}])\((?=[a-zü{TONED}]*[{TONED}])[a-zü{TONED}]{{1,7}}\)")

CN_DIGITS = "一二三四五六七八九十"
TOP_RE = re.compile(rf"^([{CN_DIGITS}]+)、(.+)$")
SUB_RE = re.compile(rf"^\(([{CN_DIGITS}]+)\)(.+)$")
MEASURE_RE = re.compile(rf"^([{CN_DIGITS}]+是)([^。]*)")


def strip_pinyin_glosses(text: str) -> tuple[str, int]:
    """Remove pinyin glosses; return the text and how many were removed."""
    return GLOSS_RE.subn("", text)


def drop_debris_lines(text: str, debris: list[str]) -> str:
    """`text` without the lines that, stripped, equal one of `debris` (case.json `source.debris`)."""
    unwanted = set(debris)
    return "\n".join(line for line in text.split("\n") if line.strip() not in unwanted)


@lru_cache(maxsize=1)
def _t2s() -> Any:  # an opencc.OpenCC (opencc ships no type information)
    import opencc  # deferred: a C extension not every import of kczlib needs

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """`text` in simplified characters (OpenCC `t2s`)."""
    return cast(str, _t2s().convert(text))  # OpenCC.convert: str -> str


def unify_line_breaks(text: str) -> str:
    """CRLF (Windows) and lone CR (classic Mac OS) line breaks as LF.

    The section markers and debris lines are found line by line, so every text must break lines alike.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_text(raw: str, debris: Sequence[str] = ()) -> tuple[str, int]:
    """The full cleaning pipeline; idempotent on already-clean text.

    Steps, in order: line breaks unified (`unify_line_breaks`), debris lines dropped, pinyin
    glosses stripped, Traditional characters converted to Simplified (OpenCC t2s). Returns
    the cleaned text and the number of glosses removed.
    """
    text = drop_debris_lines(unify_line_breaks(raw), [d.strip() for d in debris])
    text, n_glosses = strip_pinyin_glosses(text)
    return to_simplified(text), n_glosses


@dataclass(frozen=True)
class Section:
    """A section of the cleaned source: marker path, title and character span [start, end)."""

    path: str  # e.g. "二/(一)/一是"; "" is the document's title block
    title: str  # e.g. "改革举措 / 聚焦创新链,全要素资源融合 / 搭建高能级创新载体,激发持续创新动能"
    start: int
    end: int


def segment_sections(text: str) -> list[Section]:
    """Split clean text into sections by its markers: 一、 / (一) / 一是."""
    sections: list[tuple[str, str, int]] = [("", "", 0)]  # (path, title, start)
    top = sub = ("", "")
    offset = 0
    for line in text.split("\n"):
        if m := TOP_RE.match(line):
            top, sub = (m.group(1), m.group(2).strip()), ("", "")
            sections.append((top[0], top[1], offset))
        elif m := SUB_RE.match(line):
            sub = (f"({m.group(1)})", m.group(2).strip())
            sections.append((f"{top[0]}/{sub[0]}", f"{top[1]} / {sub[1]}", offset))
        elif m := MEASURE_RE.match(line):
            parts = [p for p in (top, sub) if p[0]]
            path = "/".join([p[0] for p in parts] + [m.group(1)])
            title = " / ".join([p[1] for p in parts] + [m.group(2).strip()])
            sections.append((path, title, offset))
        elif sections[-1][0].endswith("是") and line.strip():
            # a paragraph after a measure's paragraph belongs to the enclosing section
            parts = [p for p in (top, sub) if p[0]]
            sections.append(("/".join(p[0] for p in parts), " / ".join(p[1] for p in parts), offset))
        offset += len(line) + 1
    ends = [s[2] for s in sections[1:]] + [len(text)]
    return [Section(p, t, s, e) for (p, t, s), e in zip(sections, ends, strict=True) if e > s or s == 0]


@dataclass(frozen=True)
class SourceDocument:
    """A case's cleaned source text, its sections and how many pinyin glosses were removed."""

    case: str
    text: str
    sections: list[Section]
    glosses_removed: int
    raw_chars: int = 0
    _starts: list[int] = field(default_factory=list, repr=False, compare=False)

    def section_at(self, offset: int) -> Section:
        """The section holding character `offset`.

        Raises:
            IndexError: `offset` lies outside the text.
        """
        if not 0 <= offset < len(self.text):
            raise IndexError(f"offset {offset} outside the document (0..{len(self.text) - 1})")
        starts = self._starts or [s.start for s in self.sections]
        return self.sections[bisect_right(starts, offset) - 1]

    def snippet(self, offset: int, length: int, context: int = 0) -> str:
        """`length` characters from `offset`, with `context` characters either side."""
        return self.text[max(0, offset - context) : offset + length + context]


def load_source(case: str | None = None) -> SourceDocument:
    """The cleaned source document of a case, with its section tree."""
    return _load_source(get_case(case_name(case)))


@cache
def _load_source(case: Case) -> SourceDocument:
    check_raw_checksum(case)
    raw = read_utf8(case.raw_path)  # a BOM is dropped; DataError if not UTF-8, not a file or too large
    text, n = clean_text(raw, case.meta["source"].get("debris_lines", []))
    sections = segment_sections(text)
    return SourceDocument(case.name, text, sections, n, len(raw), [s.start for s in sections])
