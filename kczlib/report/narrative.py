"""Narrative text rendered from data: one template set per language.

Templates live in `kczlib/report/narratives/<lang>.toml`, grouped by report. A template holds
words only: a digit or a Chinese quantity typed into one is rejected when the set is
loaded, so every number a narrative prints arrives through a slot, from a `Num`, and is
recorded in the report's ledger. Text from data (labels, quotes) is escaped.
"""

from __future__ import annotations

import html
import re
import string
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kczlib.errors import KczError
from kczlib.analysis.ledger import Ledger, Num
from kczlib.data.datatext import DataText
from kczlib.data.quantities import find_quantities

TEMPLATES = Path(__file__).resolve().parent / "narratives"
MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")


class TemplateError(KczError):
    pass


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
_HAN = "\u3400-\u9fff"


def nested_quote(text: str) -> str:
    """A Chinese passage as quoted inside “”: its own “” become ‘’, and half-width , ; : ( )
    next to Chinese (PDF-extracted text) full-width, as Chinese typography writes a quotation
    (GB/T 15834-2011, 4.1 and 5.1)."""
    text = text.replace("“", "‘").replace("”", "’")
    return re.sub(rf"(?<=[{_HAN}‘’])\s*([,;:()])\s*|\s*([,;:()])\s*(?=[{_HAN}‘’])",
                  lambda m: _FULL_WIDTH[m.group(1) or m.group(2)], text)


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    out = {}
    for k, v in tree.items():
        key = f"{prefix}{k}"
        out.update(_flatten(v, key + ".") if isinstance(v, dict) else {key: v})
    return out


def literal_numbers(template: str) -> list[str]:
    """Numbers typed into a template's own words (should be none)."""
    words = "".join(lit for lit, *_ in string.Formatter().parse(template))
    return re.findall(r"\d+", words) + [m.text for m in find_quantities(words)]


@lru_cache(maxsize=None)
def templates(lang: str) -> dict[str, str]:
    path = TEMPLATES / f"{lang}.toml"
    if not path.is_file():
        raise TemplateError(f"no narrative templates for language {lang!r} ({path.name})")
    flat = _flatten(tomllib.loads(path.read_text(encoding="utf-8")))
    for key, tpl in flat.items():
        if bad := literal_numbers(tpl):
            raise TemplateError(f"{path.name}: template {key!r} has numbers typed in ({', '.join(bad)}); pass them as slots")
    return flat


def render(key: str, lang: str, ledger: Ledger, **slots) -> Safe:
    """Fill template `key` for `lang`; Nums are formatted through the ledger."""
    table = templates(lang)
    if key not in table:
        raise TemplateError(f"no template {key!r} in {lang}.toml")
    values = {}
    for name, v in slots.items():
        if isinstance(v, Num):
            values[name] = ledger.format(v, key)
        elif isinstance(v, Safe):
            values[name] = v
        elif isinstance(v, Quote):
            text = escape(nested_quote(v.text) if lang == "zh" else v.text)
            ledger.record(Num(None, None, "count", (), f"source quote at offset {v.offset}", "quote"), key, text)
            values[name] = text
        elif isinstance(v, DataText):  # text from the data files: printed as written, escaped
            values[name] = escape(v)
        else:
            text = escape(v)
            if re.search(r"\d", text):
                raise TemplateError(f"template {key!r}: slot {name!r} carries digits as plain text ({text!r}); pass a Num")
            values[name] = text
    try:
        return Safe(table[key].format_map(values))
    except KeyError as exc:
        raise TemplateError(f"template {key!r} ({lang}) needs slot {exc.args[0]!r}") from None

