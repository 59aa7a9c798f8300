"""The few words charts draw around their data, and the language check, free of matplotlib.

Shared by `plots` (which draws) and `charts` (which writes source lines), so neither
imports the other. These words move to `kczlib/words/` with the rest of the wording.
"""

from __future__ import annotations

from kczlib.analysis.formatting import LANGS
from kczlib.errors import ParameterError

SOURCE_PREFIX = {"zh": "来源：", "en": "Source: "}
ORIGIN_SEPARATORS = {"zh": "；", "en": "; "}


def check_lang(lang: str) -> None:
    """Refuse a language the reports are not written in.

    Args:
        lang: a language code.

    Raises:
        ParameterError: unless `lang` is one of `kczlib.analysis.formatting.LANGS`.
    """
    if lang not in LANGS:
        raise ParameterError("lang", f"unknown language {lang!r}", ", ".join(LANGS))
