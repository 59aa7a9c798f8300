"""`kcz validate`'s checks of what every case shares, one line each.

The indicator vocabulary (indicators.csv), the places (geo.csv) and the reader word files
(kczlib/words); a broken shared table's errors are listed once rather than under every case
(`kczlib.data.validate.main`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from kczlib.contract import LANGS
from kczlib.data.geo import geo_path
from kczlib.data.prose_numbers import prose_number_problems
from kczlib.data.schema import get_schema, read_table
from kczlib.errors import DataError, DataErrors
from kczlib.words import problems as word_problems
from kczlib.words import word_files


def word_files_status(out: TextIO) -> int:
    """One line on kczlib/words (every reader word: a broken file fails the reports that read it); 0 or 1.

    A file must be well formed (`kczlib.words.problems`), and report prose must hold no Chinese
    quantity typed in (`prose_numbers.prose_number_problems`: 一个 would fail every report).
    """
    if found := word_problems() or prose_number_problems(LANGS):
        print("\n".join(["words: kczlib/words FAILED", *(f"  error: {p}" for p in found)]), file=out)
        return 1
    print(f"words: {len(word_files())} word files in kczlib/words, OK", file=out)
    return 0


def once_for_shared_tables(errors: list[DataError], broken: set[Path]) -> None:
    """Replace a case's copies of the errors of a broken shared table by one line pointing above.

    A broken indicators.csv (or geo.csv) breaks every case that loads it; its errors are
    printed once, under the table's own line, not again under each case.
    """
    kept: list[DataError] = []
    seen: set[Path] = set()
    for e in errors:
        path = Path(e.path).resolve()
        if path in broken:
            if path not in seen:
                seen.add(path)
                kept.append(DataError(path, "is broken (its errors are listed above)"))
        else:
            kept.append(e)
    errors[:] = kept


def read_geo_rows() -> list[int]:
    """Read data/geo.csv against its schema afresh (not the loader's cache); the row lines."""
    return read_table(geo_path(), get_schema("geo"))[1]


def shared_table_status(out: TextIO, label: str, path: Path, read: Callable[[], str], when_absent: str) -> int:
    """Check one table shared by all cases (indicators.csv, geo.csv) and print one line on it.

    Args:
        out: where the line goes.
        label: the table's name in the line (`indicators`, `geo`).
        path: the table's file in the active data folder.
        read: reads and validates the file; returns the count phrase ("12 in").
        when_absent: what a missing file means, printed beside its name.

    Returns:
        0 when the file is valid or absent, 1 when it breaks its schema or cannot be read
        (each problem printed with file, line and column).
    """
    if not path.exists():
        print(f"{label}: no {path.name} ({when_absent})", file=out)
        return 0
    try:
        print(f"{label}: {read()} {path.name}, schema OK", file=out)
    except DataErrors as exc:
        print("\n".join([f"{label}: {path.name} FAILED"] + [f"  error: {e}" for e in exc.errors]), file=out)
        return 1
    except DataError as exc:
        print(f"{label}: FAILED\n  error: {exc}", file=out)
        return 1
    return 0
