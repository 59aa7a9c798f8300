"""Reading the case's text files (CSV, JSON, the raw source) as UTF-8, with one clear error.

Every data file is UTF-8. A UTF-8 byte-order mark, as Excel writes with "CSV UTF-8", is
accepted and dropped. Anything else raises a `DataError` naming the file, the line of
the first byte that is not UTF-8, and what the bytes look like instead (UTF-16, GBK /
GB18030 as Chinese Windows saves by default, Big5), so the user knows how to re-save.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

from ..errors import DataError

# Encodings worth naming when a file is not UTF-8, in the order they are tried. A
# strict decode is the test: GB18030 is a superset of GBK and GB2312.
LIKELY_ENCODINGS = (("gb18030", "GBK/GB18030"), ("big5", "Big5"))


def guess_encoding(data: bytes) -> str:
    """A reader-facing name for what non-UTF-8 `data` looks like, e.g. 'GBK/GB18030'."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    for codec, name in LIKELY_ENCODINGS:
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        return name
    return "an unknown encoding"


def decode_utf8(data: bytes, path) -> str:
    """`data` (the bytes of `path`) as text; a leading UTF-8 BOM is dropped.

    Raises DataError(path, line) when the bytes are not UTF-8.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        at = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1  # 1-based byte position in the line
        raise DataError(
            path,
            f"not UTF-8: expected UTF-8 text, but byte {at} of the line (0x{data[exc.start]:02x}) is not UTF-8; "
            f"the file looks like "
            f"{guess_encoding(data)} (re-save it as UTF-8, e.g. Excel's 'CSV UTF-8')",
            line=line,
        ) from None


def read_file_bytes(path) -> bytes:
    """The bytes of the file at `path`; DataError naming the file if it is missing or unreadable."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(path, "file not found") from None
    except OSError as exc:
        raise DataError(path, f"cannot read the file: {exc.strerror}") from None


def read_utf8(path) -> str:
    """The text of the file at `path` (see `decode_utf8`); DataError if it is missing or unreadable."""
    return decode_utf8(read_file_bytes(path), Path(path))


def read_json(path) -> object:
    """The JSON value in the UTF-8 file at `path`; DataError (with line) if it is not valid."""
    try:
        return json.loads(read_utf8(path))
    except json.JSONDecodeError as exc:
        raise DataError(path, f"not valid JSON: {exc.msg}", line=exc.lineno) from None
