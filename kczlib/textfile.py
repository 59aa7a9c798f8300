r"""Reading the case's text files (CSV, JSON, the raw source) as UTF-8, with one clear error.

Every data file is UTF-8. A UTF-8 byte-order mark, as Excel writes with "CSV UTF-8", is
accepted and dropped. Anything else raises a `DataError` naming the file, the line of
the first byte that is not UTF-8, and what the bytes look like instead (UTF-16, GBK /
GB18030 as Chinese Windows saves by default, Big5), so the user knows how to re-save.

Only regular files are read, and at most `MAX_FILE_BYTES` of them (20 MiB, far above any
case's files: a case's source text is typically under 100 kB): a FIFO, a device (`/dev/zero`), a
folder or a larger file is one DataError, never a read without end or a MemoryError.
A JSON string holding a lone surrogate (`"\ud800"`: half of a UTF-16 pair, not a
character, and not writable as UTF-8) is refused too, naming the field.
"""

from __future__ import annotations

import codecs
import json
import os
import stat
from pathlib import Path

from kczlib import reads  # noqa: F401 - installs the hook that records which data files a report read
from kczlib.errors import DataError

# Encodings worth naming when a file is not UTF-8, in the order they are tried. A
# strict decode is the test: GB18030 is a superset of GBK and GB2312.
LIKELY_ENCODINGS = (("gb18030", "GBK/GB18030"), ("big5", "Big5"))
# The largest data file read (bytes): a raw source text, a CSV or a JSON file of a case.
MAX_FILE_BYTES = 20 * 1024 * 1024


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


def decode_utf8(data: bytes, path: str | os.PathLike[str]) -> str:
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


def read_file_bytes(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them (MAX_FILE_BYTES).

    Raises DataError naming the file if it is missing or unreadable, is not a regular
    file (a FIFO, a device such as /dev/zero, a folder, a socket: opened without waiting
    for a writer, and never read), or holds more than `limit` bytes (read is bounded).
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise DataError(path, "file not found") from None
    except OSError as exc:
        raise DataError(path, f"cannot read the file: {exc.strerror}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise DataError(path, f"not a regular file but {_kind(info.st_mode)}: give the path of a text file")
    with os.fdopen(fd, "rb") as f:
        try:
            # the size first (no read at all), then a bounded read: the file may grow meanwhile
            data = f.read(limit + 1) if info.st_size <= limit else None
        except OSError as exc:
            raise DataError(path, f"cannot read the file: {exc.strerror}") from None
    if data is None or len(data) > limit:
        raise DataError(path, f"larger than {limit:,} bytes, the most kcz reads from a data file "
                        "(20 MiB: kczlib.textfile.MAX_FILE_BYTES): is it the right file?")
    return data


def _kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    for test, words in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                        (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                        (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return words
    return "a special file"


def read_utf8(path: str | os.PathLike[str]) -> str:
    """The text of the file at `path` (see `decode_utf8`); DataError if it is missing or unreadable."""
    return decode_utf8(read_file_bytes(path), Path(path))


def read_json(path: str | os.PathLike[str]) -> object:
    """The JSON value in the UTF-8 file at `path`.

    Raises:
        DataError: (with its line) the file is not valid JSON or is nested too deep for
            Python's parser; (naming the field, e.g. 'title.en') a string or key holds a
            lone surrogate.
    """
    try:
        value = json.loads(read_utf8(path))
    except json.JSONDecodeError as exc:
        raise DataError(path, f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    except RecursionError:  # `[[[[...` thousands deep: Python's parser gives up
        raise DataError(path, "its JSON is nested deeper than any kcz file is: not a kcz data file") from None
    where, text = _lone_surrogate(value)
    if where is not None and text is not None:  # both or neither (see _lone_surrogate)
        bad = next(c for c in text if "\ud800" <= c <= "\udfff")
        raise DataError(path, f"{where or 'the value'} holds \\u{ord(bad):04x}, a lone surrogate (half of a "
                        "UTF-16 pair, not a character): write the character itself",
                        column=where or None)
    return value


def _lone_surrogate(value: object, where: str = "") -> tuple[str, str] | tuple[None, None]:
    """(field path, text) of the first string or key in `value` holding a lone surrogate.

    Returns (None, None) if there is none.
    """
    if isinstance(value, str):
        return (where, value) if _has_surrogate(value) else (None, None)
    if isinstance(value, dict):
        for key, item in value.items():
            field = f"{where}.{key}" if where else str(key)
            if _has_surrogate(key):
                return field.encode("utf-8", "backslashreplace").decode(), key
            found = _lone_surrogate(item, field)
            if found[0] is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _lone_surrogate(item, f"{where}[{i}]")
            if found[0] is not None:
                return found
    return None, None


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
