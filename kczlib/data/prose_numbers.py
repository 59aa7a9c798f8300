"""Numbers typed into report prose: the rule that every number reaches a reader through a slot.

A word file (kczlib/words) holds no digit: `kczlib.words` refuses one when it reads the file.
A Chinese quantity needs the quantity parser to be seen (三个, 超八成, 一个), which that package
may not import, so the rule for prose lives here, in the data layer that owns the parser, and
both of its users call it: the report layer when it loads its templates (a report fails) and
`kcz validate` (the word files are refused before a build, `validate_shared.word_files_status`).
"""

from __future__ import annotations

import re
import string

from kczlib.data.quantities import find_quantities
from kczlib.words import prose_files, words


def literal_numbers(template: str) -> list[str]:
    """Numbers typed into a template's own words (should be none).

    Args:
        template: a template with `{slot}` fields; the slots are not looked at.

    Returns:
        Every run of digits and every Chinese quantity (`find_quantities`, e.g. "三个") in the
        template's literal text, in order; empty when it has none.

    Raises:
        ValueError: the template's braces are unbalanced (`string.Formatter.parse`).
    """
    text = "".join(lit for lit, *_ in string.Formatter().parse(template))
    return re.findall(r"\d+", text) + [m.text for m in find_quantities(text)]


def typed_numbers_problem(file: str, key: str, lang: str, template: str) -> str | None:
    """The one-line refusal of `template` (key `key` of `file`.toml, language `lang`), or None.

    Example: "talent.toml: template 'talent.probe' (zh) has numbers typed in (三个); pass them
    as slots".
    """
    if bad := literal_numbers(template):
        return f"{file}.toml: template {key!r} ({lang}) has numbers typed in ({', '.join(bad)}); pass them as slots"
    return None


def prose_number_problems(langs: tuple[str, ...]) -> list[str]:
    """Every prose template of every language in `langs` with a number typed in, one line each.

    Args:
        langs: the languages to check (`kczlib.contract.LANGS`).

    Returns:
        `typed_numbers_problem`'s lines, in file, key and language order; [] when there are none.

    Raises:
        WordsError: a word file is malformed (`kczlib.words.words`); `kcz validate` checks
            that first and asks this only of well-formed files.
    """
    found = []
    for file in prose_files():
        texts = {lang: words(file, lang) for lang in langs}
        for key in texts[langs[0]] if langs else ():
            for lang in langs:
                if problem := typed_numbers_problem(file, key, lang, texts[lang][key]):
                    found.append(problem)
    return found
