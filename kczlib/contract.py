"""The protocol between a report notebook and the builder that runs and publishes it.

Both sides import these names; neither writes one of these literals itself. The notebook
side is `kczlib.report` (it writes the reader part and checks its parameters cell); the
builder side is `kczlib.publish` (it injects parameters, runs the kernel, reads the reader
part and exports the pages). This module imports nothing of kczlib but `errors`.

    >>> is_json_like({"loss_rate": [0.01, 0.05], "case": "a-city"})
    True
    >>> is_json_like((1, 2))  # a tuple is not JSON: its repr is not a JSON literal
    False
"""

from __future__ import annotations

import math
from typing import Final

LANGS: Final = ("zh", "en")
"""The languages a report is written in: `lang` parameter values, word-file columns."""

READER_MIME: Final = "application/vnd.kcz.reader+json"
"""MIME type of the one output in which a report hands its reader part (title, summary,
key numbers) to the builder. Kept as data, never displayed."""

READS_MIME: Final = "application/vnd.kcz.reads+json"
"""MIME type of the record of what a report read (`kczlib.reads.record()`: data rows and
files, word keys), carried in the same output as `READER_MIME`; the builder keeps it in the
manifest and rebuilds the report only when something of it changed. Never displayed."""

PARAMETERS_TAG: Final = "parameters"
"""Tag of the notebook's own parameters cell (papermill's convention)."""

INJECTED_TAG: Final = "injected-parameters"
"""Tag of the cell the builder writes right after the parameters cell."""

INJECTED_HEADER: Final = "# Parameters"
"""First line of the injected cell (papermill writes the same line)."""

ANALYST_ONLY_TAG: Final = "analyst-only"
"""Cells with this tag are left out of the reader page."""

HAN: Final = "\u3400-\u9fff"
"""The Han characters (CJK Unified Ideographs and Extension A), as a regex class range: what both
sides count as Chinese text when they mark it `lang="zh"` or check a page's language."""

CJK_FONT_FILE: Final = "NotoSansCJKsc-Regular.otf"
"""The CJK font both the charts (in the kernel) and the pages (embedded subset) use."""

MAX_VALUE_DEPTH: Final = 20
"""How deeply lists and dicts may nest in a parameter value."""

JSON_LIKE_KINDS: Final = "str, int, float, bool, None, or lists/dicts of them"
"""Reader words for what `is_json_like` accepts (used in error messages)."""


def is_json_like(value: object) -> bool:
    """Whether `value` is a JSON-like parameter value: the only values a report accepts.

    Accepted: None, str, bool, int, finite float, and lists and str-keyed dicts of them,
    nested at most `MAX_VALUE_DEPTH` deep. Exact types only (a subclass could carry
    behaviour); `nan`/`inf` are not literals. Rule source: papermill writes parameters as
    Python literals, and JSON's value grammar (RFC 8259 §3) is what survives both languages.

    Args:
        value: any object.

    Returns:
        True if the value is JSON-like, else False (never raises).
    """
    return json_like_problem(value) is None


def json_like_problem(value: object, depth: int = 0) -> str | None:
    """Why `value` is not JSON-like (see `is_json_like`, the same rule), or None if it is.

    Args:
        value: any object.
        depth: nesting depth already walked (callers leave it at 0).

    Returns:
        None for a JSON-like value; else the first problem met, walking in order: nested
        too deep, a non-finite float, a dict key that is not a str (all keys of a dict are
        checked before its values), or a value of another type.

    >>> json_like_problem({"a": [1, float("nan")]})
    'nan is not a finite number'
    >>> json_like_problem({1: "a"})
    'dict key 1 is a int, not a str'
    """
    if depth > MAX_VALUE_DEPTH:
        return f"nested deeper than {MAX_VALUE_DEPTH} levels"
    if value is None or type(value) in (str, bool, int):
        return None
    if type(value) is float:
        return None if math.isfinite(value) else f"{value!r} is not a finite number"
    if type(value) is list:
        return next((p for p in (json_like_problem(v, depth + 1) for v in value) if p is not None), None)
    if type(value) is dict:
        for key in value:
            if type(key) is not str:
                return f"dict key {key!r} is a {type(key).__name__}, not a str"
        return next((p for p in (json_like_problem(v, depth + 1) for v in value.values()) if p is not None), None)
    return f"a {type(value).__name__} value is not accepted"

# Set in the environment of the kernels `kcz build` starts: `import kczlib` there adds nothing to
# the notebook's outputs (kczlib/lab.py activates only in a lab kernel), so pages get none of it.
BUILD_ENV = "KCZ_BUILD"
