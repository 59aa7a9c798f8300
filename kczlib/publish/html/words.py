"""The reader edition's own words: navigation, labels, dates, and the case as a reader sees it.

Report prose comes from the narrative templates (run in the kernel); these are the few
words of the page frame around it. Like the templates they hold no digits: dates and
counts are formatted here from values.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from kczlib.contract import LANGS
from kczlib.errors import KczError
from kczlib.publish.cases import get_case, prose_digit_errors
from kczlib.words import words

INDEX_FILES = {"zh": "index.html", "en": "index.en.html"}  # index.html is the Chinese landing page
LANG_NAMES = {lang: words("page", lang)[f"page.language_name.lang_{lang}"] for lang in LANGS}
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")


def chrome(lang: str) -> dict[str, str]:
    """The page frame's words in `lang` (English for an unknown language): key -> text.

    Keys are those of `[page]` in kczlib/words/page.toml without the `page.` prefix.
    """
    table = words("page", lang if lang in LANGS else "en")
    return {key.removeprefix("page."): text for key, text in table.items()}


def date_in_words(stamp: str, lang: str) -> str:
    """'2026-11-29T23:51:08Z' -> '2026年11月29日' (zh) or '29 November 2026' (en)."""
    d = datetime.strptime(stamp[:10], "%Y-%m-%d")
    page = chrome(lang)
    return page["date"].format(year=d.year, month=d.month, day=d.day,
                               month_name=page[f"month.{MONTHS[d.month - 1]}"])


def period_text(period: str) -> str:
    """'2020-2023' -> '2020–2023' (an en dash between years)."""
    return re.sub(r"(\d)-(\d)", "\\1–\\2", period or "")


def case_info(case, lang: str) -> dict[str, str]:
    """The case as the index and page header show it, from `data/cases/<case>/case.json`.

    Returns city, programme, title, period, summary, publication, publisher and author in
    `lang` (empty strings where case.json has none), and title_zh, the source's own title. case.json
    is read by the data layer (`kczlib.publish.cases.get_case`: a case is a name, never a
    path; UTF-8 with or without a BOM): anything that is not a readable case (a path such
    as `../x`, None, a number, a list, a broken case.json) gives all fields empty, as its
    report has failed with its own message. Raises DataError (naming case.json and the
    field) when `summary` or `publication` in `lang` has digits typed in: numbers come from figures
    only (`kczlib.data.cases.prose_digit_errors`, the rule `kcz validate` applies).
    """
    try:
        found = get_case(case)
    except KczError:
        return dict.fromkeys(("city", "programme", "title", "title_zh", "period", "summary", "publication",
                              "publisher", "author"), "")
    meta, path = found.meta, found.path("case.json")
    info = {k: _text((meta.get(k) or {}).get(lang, "") if isinstance(meta.get(k), dict) else "")
            for k in ("city", "programme", "title", "summary", "publication", "publisher", "author")}
    typed = prose_digit_errors(meta, path, (lang,))  # the data layer's rule, which `kcz validate` applies
    if typed:
        raise typed[0]
    info["title_zh"] = _text((meta.get("title") or {}).get("zh", ""))  # the original, quoted beside a translation
    info["period"] = period_text(_text(meta.get("period", "")))
    return info


def case_key(case) -> str:
    """A report's `case` parameter as text, to group reports by (any JSON-like value)."""
    return case if isinstance(case, str) else json.dumps(case, ensure_ascii=False, sort_keys=True, default=str)


def _text(value) -> str:
    return value if isinstance(value, str) else ""
