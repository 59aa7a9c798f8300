"""The words charts draw around their data, and the language check, free of matplotlib.

The words come from `kczlib/words/charts.toml`.

Shared by `plots` (which draws) and `charts` (which writes source lines), so neither
imports the other. Code holds keys only; the words are in the word file.
"""

from __future__ import annotations

from kczlib.contract import LANGS
from kczlib.errors import ParameterError
from kczlib.words import word


def check_lang(lang: str) -> None:
    """Refuse a language the reports are not written in.

    Args:
        lang: a language code.

    Raises:
        ParameterError: unless `lang` is one of `kczlib.analysis.formatting.LANGS`.
    """
    if lang not in LANGS:
        raise ParameterError("lang", f"unknown language {lang!r}", ", ".join(LANGS))


def chart_word(key: str, lang: str) -> str:
    """The chart word `chart.<key>` of `kczlib/words/charts.toml` in `lang`.

    Args:
        key: the key below `chart.` (e.g. "source.prefix", "missing.label").
        lang: "zh" or "en".

    Returns:
        The text (e.g. "来源：" / "Source: ").

    Raises:
        ParameterError: `lang` is not a report language.
        WordsError: no such key.
    """
    check_lang(lang)
    return word("charts", f"chart.{key}", lang)


def source_prefix(lang: str) -> str:
    """What starts a chart's source line: "来源：" / "Source: "."""
    return chart_word("source.prefix", lang)


def origin_separator(lang: str) -> str:
    """Between the origins (and notes) of a source line: "；" / "; "."""
    return chart_word("source.separator", lang)
