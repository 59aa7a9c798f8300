"""HTML tables for reports: every cell escaped, so data text can never become markup.

`Cell` marks a cell in another language than the page, or a quotation; `table_html`
renders a DataFrame; `display_table` shows one in the notebook.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from kczlib.report.display import show


@dataclass(frozen=True)
class Cell:
    """A table cell in another language than the page (`lang`), or a quotation.

    A quotation (`quote`) is shown as written, class "kcz-quote". A `gloss` is its translation
    into the page's language, shown right after it in brackets (class "kcz-gloss"): an English
    page quotes Chinese only with a translation after it.
    """

    text: str
    lang: str | None = None
    quote: bool = False
    gloss: str = ""


def _cell_html(value, link: bool) -> str:
    import pandas as pd

    if isinstance(value, list):  # a mixed-language text: its pieces in turn
        return "".join(_cell_html(v, link) for v in value)
    if isinstance(value, Cell):
        attrs = (f' lang="{value.lang}"' if value.lang else "") + (' class="kcz-quote"' if value.quote else "")
        inner = f"<span{attrs}>{_cell_html(value.text, link)}</span>" if attrs else _cell_html(value.text, link)
        gloss = f' <span class="kcz-gloss">({html.escape(value.gloss, quote=False)})</span>' if value.gloss else ""
        return inner + gloss
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    text = str(value)
    if link and re.match(r"https?://\S+$", text):
        return f'<a href="{html.escape(text, quote=True)}">{html.escape(text, quote=False)}</a>'
    return _amounts_whole(html.escape(text, quote=False))


# An English amount is one word on a phone: "CNY 500 m" broke into "CNY 500" / "m" in a narrow
# column. The spaces inside it become no-break spaces (the text reads the same).
_AMOUNT_SPACES = re.compile(r"\b(CNY|USD) (?=\d)|(?<=\d) (?=(?:trn|bn|m)\b)")


def _amounts_whole(cell: str) -> str:
    """`cell` (escaped HTML text) with the spaces inside English amounts (CNY 7.14 m) made no-break."""
    return _AMOUNT_SPACES.sub(lambda m: (m.group(1) + "&nbsp;") if m.group(1) else "&nbsp;", cell)


def table_html(frame, link_columns: tuple = ()) -> str:
    """`frame` as an HTML table, every cell escaped.

    Args:
        frame: a pandas DataFrame; values may be `Cell`s or lists of pieces (mixed languages).
        link_columns: columns whose http(s) URLs become links (href and text escaped).

    Returns:
        The table's HTML (class "kcz-table"); `Cell` values carry their `lang` and quotation
        mark-up onto a span.
    """
    cells = frame.copy()
    for col in cells.columns:
        cells[col] = [_cell_html(v, col in link_columns) for v in frame[col]]
    # text reads from the left in both languages (pandas would right-align the header row)
    return cells.to_html(index=False, escape=False, border=0, classes="kcz-table", justify="left")


def display_table(frame, metadata: dict | None = None, link_columns: tuple = ()) -> None:
    """Show `frame` as an escaped HTML table (see `table_html`) in the notebook.

    Args:
        frame: a pandas DataFrame.
        metadata: output metadata (`display.part_metadata`).
        link_columns: columns whose URLs become links.
    """
    show(table_html(frame, link_columns), metadata, as_html=True)
