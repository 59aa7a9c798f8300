"""The CJK font travels with each page: a subset of Noto Sans CJK SC, embedded as WOFF2.

A reader without a CJK font would otherwise see boxes. Only the characters the page
shows are kept (fontTools' subsetter), so a page carries tens of kilobytes of font,
not the 16 MB file. The font file is the one the charts use, shipped by the pip package
`mplfonts`; no system font is needed at build time either.
"""

from __future__ import annotations

import base64
import importlib.util
import io
import os
import re
import struct
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from kczlib.contract import CJK_FONT_FILE as FONT_FILE

FAMILY = "KCZ Noto Sans SC"
FONT_FAMILY_PREFIX = "Noto Sans CJK"  # the family name inside FONT_FILE
FONT_FACE_MARKER = "/*kcz:font-face*/"  # where a page's <style> receives its @font-face rule
# Kept beyond the page's own characters: the fallback glyph and what CSS may insert.
ALWAYS = " .,:;!?()[]-–—…·'\"“”‘’，。：；！？（）、《》0123456789"
# OpenType features worth their bytes here: kerning. Vertical forms, ligatures and the
# regional (locl) variants of this SC font are dropped: ~40 KB and ~0.6 s less per page.
LAYOUT_FEATURES = ["kern"]
SKIPPED_ELEMENTS = {"style", "script", "template"}
TEXT_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label"}


def font_path() -> Path:
    """Noto Sans CJK SC from `mplfonts`. Raises FileNotFoundError naming the package to reinstall."""
    # find_spec locates the package without importing it: importing mplfonts loads
    # matplotlib, which would cost a build served from the cache most of its time
    spec = importlib.util.find_spec("mplfonts")
    folders = list(spec.submodule_search_locations or []) if spec else []
    path = Path(folders[0] if folders else "mplfonts") / "fonts" / FONT_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; reinstall the mplfonts package")
    return path


class _TextCollector(HTMLParser):
    def __init__(self, img_alt: str = ""):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._img_alt = img_alt

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_ELEMENTS:
            self._skip += 1
        self.parts.extend(v for k, v in attrs if k in TEXT_ATTRIBUTES and v)
        if tag == "img" and self._img_alt and not any(k == "alt" for k, _ in attrs):
            self.parts.append(self._img_alt)  # the alt text it will get (export.PageExporter)

    def handle_endtag(self, tag):
        if tag in SKIPPED_ELEMENTS and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_characters(html: str, img_alt: str = "") -> str:
    """Every character a reader can see in `html` (text and alt/title attributes), sorted, once each.

    `img_alt` is the alt text each `<img>` without one will be given after this (nbconvert's, added
    by `sanitize.offline_page(..., nbconvert_marks=True)`); its characters count when there is such an image.
    """
    collector = _TextCollector(img_alt)
    collector.feed(html)
    collector.close()
    chars = set("".join(collector.parts)) | set(ALWAYS)
    return "".join(sorted(c for c in chars if c.isprintable() or c == " "))


@lru_cache(maxsize=32)
def woff2_subset(characters: str) -> bytes:
    """Noto Sans CJK SC cut down to `characters`, as WOFF2 bytes (needs fontTools and brotli).

    Subsets are kept in `~/.cache/kcz/font-subsets/` by a hash of the font file's size and the
    characters: the same characters give the same bytes, and a build served from the cache
    (whose index pages show the same text) then needs no second of subsetting. An unwritable
    cache only costs the time, and so does a cached file that is not such a subset
    (`is_subset_of_font`): it is made again and replaced.
    """
    import hashlib

    font = font_path()
    key = hashlib.sha256(f"{font.stat().st_size}:{characters}".encode()).hexdigest()[:32]
    cached = Path.home() / ".cache" / "kcz" / "font-subsets" / f"{key}.woff2"
    try:
        data = cached.read_bytes()
        if is_subset_of_font(data, characters):
            return data
    except OSError:
        pass
    data = _make_subset(characters)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(cached)  # atomic: a parallel build never reads half a file
    except OSError:
        pass
    return data


def is_subset_of_font(data: bytes, characters: str) -> bool:
    """Whether `data` is a subset of the Noto Sans CJK font for `characters` only.

    That is what `_make_subset` writes. A cached file that fails this (overwritten,
    truncated, another font) is not embedded. It cannot tell a subset whose glyph outlines
    were redrawn: the cache folder is trusted as the user's own.

    Args:
        data: The bytes of a cached font file.
        characters: The characters the page needs.

    Returns:
        True if `data` is a WOFF2 font of the Noto Sans CJK family whose character map holds
        only code points of `characters`.
    """
    from fontTools.ttLib import TTFont, TTLibError

    if not data.startswith(b"wOF2"):
        return False
    try:
        font = TTFont(io.BytesIO(data), lazy=True)
        family = font["name"].getDebugName(1) or ""
        mapped = set(font.getBestCmap() or {})
    except (TTLibError, KeyError, ValueError, OSError, AssertionError, struct.error):
        return False
    return family.startswith(FONT_FAMILY_PREFIX) and mapped <= {ord(c) for c in characters}


def _make_subset(characters: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = LAYOUT_FEATURES
    options.hinting = False  # CFF hints do little on screens that anti-alias anyway
    options.desubroutinize = True  # for a few hundred glyphs: smaller (-5%) and faster to make
    options.notdef_outline = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # names, copyright and the OFL licence notice
    # Bounding boxes are not recomputed on save (the full font's head/hhea boxes stay, which
    # only need to contain the glyphs): that walk over every charstring was half the time.
    # The timestamp is kept, so the same characters give the same bytes in every build.
    font = TTFont(str(font_path()), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = "woff2"
    font.save(buffer)
    return buffer.getvalue()


# A CJK face draws General Punctuation (U+2000-206F: † ‡ “ ” ‘ ’ — …) full width, as Chinese
# text sets them; in English text they would stand apart from their words ("2019 † ,"). On an
# English page the face leaves that block to the Latin fonts behind it in the font stack.
LATIN_RANGE = "U+0-1FFF,U+2070-10FFFF"


def font_face_css(characters: str, latin_punctuation: bool = False) -> str:
    """An `@font-face` rule for FAMILY with the subset as a `data:` URL (nothing fetched).

    Args:
        characters: the characters the subset must hold.
        latin_punctuation: an English page: the face skips General Punctuation (`LATIN_RANGE`).

    Returns:
        The CSS rule.
    """
    data = base64.b64encode(woff2_subset(characters)).decode("ascii")
    scope = f"unicode-range:{LATIN_RANGE};" if latin_punctuation else ""
    return (f'@font-face{{font-family:"{FAMILY}";font-style:normal;font-weight:400;{scope}'
            f'font-display:block;src:url(data:font/woff2;base64,{data}) format("woff2")}}')


_HTML_LANG = re.compile(r"<html\b[^>]*\blang=\"([A-Za-z-]+)\"")


def embed_font(html: str, img_alt: str = "") -> str:
    """`html` with the subset for its own characters put where FONT_FACE_MARKER stands.

    `img_alt`: as for `page_characters`. Raises ValueError if the page has no marker (its
    template must provide one).
    """
    if FONT_FACE_MARKER not in html:
        raise ValueError("page has no font-face marker: its <style> must contain " + FONT_FACE_MARKER)
    lang = _HTML_LANG.search(html)
    english = lang is not None and lang.group(1).lower().startswith("en")
    return html.replace(FONT_FACE_MARKER, font_face_css(page_characters(html, img_alt), latin_punctuation=english), 1)
