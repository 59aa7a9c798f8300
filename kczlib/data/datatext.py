"""Text read from the data files (case.json prose, figure metrics): a `str` that says so.

Report templates refuse plain text carrying digits (every number must arrive as a Num
with its evidence); text from the data is not a number typed by a notebook, so a case
title holding a year must still print. `DataText` marks such text: the narrative
escapes it (Markdown and HTML) and prints it as written, never as a template or a slot.
"""

from __future__ import annotations


class DataText(str):
    """A string that came from a data file, printed verbatim (escaped) wherever it goes."""


def data_texts(value: object) -> object:
    """`value` (JSON-like) with every string wrapped in DataText; other values as they are."""
    if isinstance(value, str):
        return DataText(value)
    if isinstance(value, dict):
        return {k: data_texts(v) for k, v in value.items()}
    if isinstance(value, list):
        return [data_texts(v) for v in value]
    return value
