"""The data downloads: every number a page prints, as CSV and XLSX.

Per reader page `<name>`: `<name>.csv` (UTF-8 with a BOM, so that Excel opens Chinese) and
`<name>.xlsx`, one row per number of the page's reader meta `numbers` (written by
`kczlib.report.reader`: label, printed text, value, bounds, unit, kind and source), with
column headers in the page's language (`page.data.*` in kczlib/words/page.toml). Per run:
`data.csv` and `data.xlsx`, every page's rows with a page and a language column, headers in
both languages. The index and the reader page link them.

The files hold values only. A text cell from data that starts with `=`, `+`, `-`, `@`, a tab
or a carriage return would be read by a spreadsheet as a formula (CSV injection): in CSV it
is prefixed with a single quote, as OWASP recommends
(https://owasp.org/www-community/attacks/CSV_Injection); in XLSX every text is written as a
string cell, never a formula. Numbers are written as numbers. Each file is written whole to
a temporary name beside it, then renamed, so no half-written file is ever seen.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kczlib.publish.run_folder import file_in, write_whole
from kczlib.words import words

# The columns of a page's file, in order: keys of the reader meta `numbers` dicts.
COLUMNS = ("label", "text", "value", "lower", "upper", "unit", "kind", "source_id", "evidence", "publisher",
           "url", "derivation")
RUN_COLUMNS = ("page", "lang", *COLUMNS)  # data.csv / data.xlsx
NUMERIC = frozenset({"value", "lower", "upper"})
RUN_FILES = ("data.csv", "data.xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list of cell starts a spreadsheet evaluates
KIND_KEYS = {"case figure": "case_figure", "context": "context", "derived": "derived", "assumption": "assumption"}


def page_files(name: str) -> list[str]:
    """The data files of the reader page `name`: `<name>.csv` and `<name>.xlsx`."""
    return [f"{name}.csv", f"{name}.xlsx"]


def safe_text(text: str) -> str:
    """A CSV text cell that no spreadsheet evaluates: one starting like a formula gets a leading `'`.

    Args:
        text: the cell's text, from data.

    Returns:
        The text, prefixed with `'` when it starts with one of `FORMULA_STARTS`.
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def headers(lang: str, columns: tuple[str, ...] = COLUMNS) -> list[str]:
    """Column headers in `lang` (`page.data.<column>`); lang "" gives both languages, "中文 english"."""
    if not lang:
        return [f"{h_zh} {h_en}" for h_zh, h_en in zip(headers("zh", columns), headers("en", columns), strict=True)]
    table = words("page", lang)
    return [table[f"page.data.{c}"] for c in columns]


def rows(numbers: list[dict], lang: str, columns: tuple[str, ...] = COLUMNS, fixed: dict | None = None) -> list[list]:
    """The rows of a data file: one per number, cells in `columns` order, the kind in words.

    Args:
        numbers: the reader meta's `numbers`.
        lang: the language of the kind's words.
        columns: which columns, in order.
        fixed: values of columns not in the numbers (page, lang).

    Returns:
        Lists of cells: numbers (or None) in the numeric columns, text elsewhere.
    """
    table = words("page", lang if lang in ("zh", "en") else "en")
    out = []
    for n in numbers:
        record = {**n, **(fixed or {})}
        kind = str(record.get("kind") or "")
        record["kind"] = table.get(f"page.data_kind.{KIND_KEYS.get(kind, '')}", kind)
        out.append([_number(record.get(c)) if c in NUMERIC else _text(record.get(c)) for c in columns])
    return out


def csv_bytes(header: list[str], body: list[list]) -> bytes:
    """A CSV file: UTF-8 with a BOM, texts quoted and made safe (`safe_text`), numbers bare."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    for row in [header, *body]:
        writer.writerow([safe_text(c) if isinstance(c, str) else c for c in row])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(header: list[str], body: list[list], sheet: str) -> bytes:
    """An XLSX workbook of one sheet: every text a string cell (never a formula), numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    ws.title = sheet
    for r, row in enumerate([header, *body], start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=c)
            if isinstance(value, str):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell.data_type = "s"  # a text from data stays text: "=1+1" is not a formula
            else:
                cell.value = value
            if r == 1:
                cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_page_data(folder: Path, name: str, numbers: list[dict], lang: str | None) -> list[str]:
    """Write `<name>.csv` and `<name>.xlsx` of a reader page's numbers into `folder`.

    A page without numbers (its report failed) gets files with the header row only.

    Args:
        folder: the run folder (or a worker's scratch folder).
        name: the report's name.
        numbers: the page's reader meta `numbers`.
        lang: the page's language (English headers for any other).

    Returns:
        The names written.

    Raises:
        OSError: a file could not be written; OutsideRunFolder: a name that leaves `folder`.
    """
    lang = lang if lang in ("zh", "en") else "en"
    header, body = headers(lang), rows(numbers, lang)
    csv_name, xlsx_name = page_files(name)
    write_whole(file_in(folder, csv_name), csv_bytes(header, body))
    write_whole(file_in(folder, xlsx_name), xlsx_bytes(header, body, words("page", lang)["page.data.sheet"]))
    return [csv_name, xlsx_name]


def write_run_data(folder: Path, pages: list[tuple[str, str, list[dict]]]) -> list[str]:
    """Write `data.csv` and `data.xlsx`: every page's numbers, with page and language columns.

    Args:
        folder: the run folder.
        pages: (name, lang, numbers) of each reader page, in the run's order.

    Returns:
        The names written (`RUN_FILES`).

    Raises:
        OSError: a file could not be written.
    """
    header = headers("", RUN_COLUMNS)
    body = [row for name, lang, numbers in pages
            for row in rows(numbers, lang, RUN_COLUMNS, {"page": name, "lang": lang})]
    write_whole(file_in(folder, RUN_FILES[0]), csv_bytes(header, body))
    sheet = f"{words('page', 'zh')['page.data.sheet']} {words('page', 'en')['page.data.sheet']}"
    write_whole(file_in(folder, RUN_FILES[1]), xlsx_bytes(header, body, sheet))
    return list(RUN_FILES)


def _number(value) -> int | float | None:
    """A numeric cell: a whole number as an int (2021, 9940000000), else a float; None for no number."""
    if not isinstance(value, int | float) or isinstance(value, bool) or value != value:  # NaN: no number
        return None
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else float(value)


def _text(value) -> str:
    return "" if value is None else str(value)
