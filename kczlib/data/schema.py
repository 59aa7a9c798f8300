"""Table schemas: one JSON file per table drives both validation and dtypes.

Schemas live in `data/schema/<name>.schema.json` and follow the Frictionless Table
Schema vocabulary (fields with name, type, description, constraints: required, enum,
minimum, maximum, pattern, unique; plus primaryKey). Every row problem becomes a
`DataError` naming the file, the line and the column.

One project extension: a field with `"columnOptional": true` may be left out of a
file's header (every cell of it then reads as empty), so a column added to a table
later (figures' `indicator`) does not invalidate tables written before it.

Documentation-only extensions, read by `describe` and ignored by validation: a field's
`unit` (its unit, or "row `unit`" / "row `base_unit`" where each row names it) and
`dtype` (the loaded dtype where the loader changes it), and the schema's `loaderFields`
(columns the loader adds, such as figures' `topic` and `year`).

`describe("figures")` answers "is `lower` in 亿元 or in yuan?" without opening the JSON:
units live in the schema next to the description, so documentation and validation cannot
drift apart.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NotRequired, TypedDict, cast

import pandas as pd

from kczlib.errors import DataError, DataErrors
from kczlib.paths import data_root
from kczlib.textfile import read_json, read_utf8

if TYPE_CHECKING:
    from _csv import Reader  # the type `csv.reader` returns (typeshed)

class Constraints(TypedDict, total=False):
    """A field's `constraints` (Frictionless Table Schema)."""

    required: bool
    enum: list[str]
    minimum: float
    maximum: float
    pattern: str
    unique: bool


class Field(TypedDict):
    """One column of a schema: Frictionless keys plus the extensions in the module docstring."""

    name: str
    type: NotRequired[str]
    description: NotRequired[str]
    constraints: NotRequired[Constraints]
    columnOptional: NotRequired[bool]
    unit: NotRequired[str]
    dtype: NotRequired[str]


class Schema(TypedDict):
    """A `<name>.schema.json` file."""

    name: str
    title: str
    fields: list[Field]
    primaryKey: NotRequired[str | list[str]]
    index: NotRequired[str]
    description: NotRequired[str]
    units: NotRequired[dict[str, str]]
    loaderFields: NotRequired[list[Field]]


Cell = str | int | float | bool | None  # one converted cell (`_convert`)

DTYPES = {"string": "string", "number": "Float64", "integer": "Int64", "boolean": "boolean"}
DESCRIBED_TABLES = ("figures", "context")  # the tables `describe` knows (kczlib.describe)
DESCRIBE_COLUMNS = ["column", "dtype", "unit", "origin", "description"]


@cache
def _load_schema(path: str) -> Schema:
    # DataError naming the file if it is not valid JSON; the schema files are the project's
    # own (data/schema/), so their shape is taken as `Schema`, not checked
    return cast(Schema, read_json(path))


def get_schema(name: str) -> Schema:
    """The schema `data/schema/<name>.schema.json` of the active data root, parsed (cached)."""
    return _load_schema(str(data_root() / "schema" / f"{name}.schema.json"))


def field_names(schema: Schema) -> list[str]:
    """The names of the schema's file columns, in order (not its `loaderFields`)."""
    return [f["name"] for f in schema["fields"]]


def is_optional_column(field: Field) -> bool:
    """True when the column may be absent from a file's header (`columnOptional`)."""
    return bool(field.get("columnOptional"))


def _convert(value: str, field: Field) -> Cell:
    """Convert one cell; raise ValueError with a reader-facing reason."""
    cons = field.get("constraints", {})
    if value == "":
        if cons.get("required"):
            raise ValueError("required value is empty")
        return None
    out = _parse(value, field.get("type", "string"))
    _check_constraints(value, out, cons)
    return out


def _parse(value: str, kind: str) -> str | int | float | bool:
    """A non-empty cell as its field's `type`; ValueError naming the cell if it is not one."""
    if kind == "number":
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a number") from None
        if math.isnan(number) or math.isinf(number):
            raise ValueError(f"{value!r} is not a finite number")
        return number
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            raise ValueError(f"{value!r} is not a whole number")
        return int(value)
    if kind == "boolean":
        if value not in ("true", "false"):
            raise ValueError(f"{value!r} is not true or false")
        return value == "true"
    return value


def _check_constraints(value: str, out: str | int | float | bool, cons: Constraints) -> None:
    """ValueError naming the cell `value` (parsed: `out`) if it breaks one of `cons`."""
    if "enum" in cons and out not in cons["enum"]:
        raise ValueError(f"{value!r} is not one of: {', '.join(map(str, cons['enum']))}")
    # the schemas bound number and integer fields only (a bound on a string field fails here, as before)
    bounded = cast(float, out)
    if "minimum" in cons and bounded < cons["minimum"]:
        raise ValueError(f"{value} is below the minimum {cons['minimum']}")
    if "maximum" in cons and bounded > cons["maximum"]:
        raise ValueError(f"{value} is above the maximum {cons['maximum']}")
    if "pattern" in cons and not re.fullmatch(cons["pattern"], value):
        raise ValueError(f"{value!r} does not match the pattern {cons['pattern']}")


def read_table(path: Path, schema: Schema) -> tuple[pd.DataFrame, list[int]]:
    """Read and validate a CSV against a schema.

    The file must be UTF-8; a byte-order mark (Excel's "CSV UTF-8") is accepted.
    Returns the typed frame and the file line of each row (for later row-level checks).
    Raises `DataError` for a file that cannot be read as CSV (missing, not UTF-8, a field
    over the csv module's limit) and `DataErrors` listing every row problem found.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "file not found")
    fields = schema["fields"]
    reader = csv.reader(io.StringIO(read_utf8(path), newline=""))
    records = _records(reader, path)
    header = next(records, (None, None))[1]
    if header is None:
        raise DataError(path, "file is empty; expected a header row", line=1)
    errors = _header_errors(path, header, schema)
    if errors:
        raise DataErrors(errors)
    index = {h: i for i, h in enumerate(header)}
    rows: list[dict[str, Cell]] = []
    lines: list[int] = []
    for start_line, cells in records:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            errors.append(DataError(path, f"has {len(cells)} cells, header has {len(header)}", line=start_line))
            continue
        row: dict[str, Cell] = {}
        for f in fields:
            try:
                cell = cells[index[f["name"]]] if f["name"] in index else ""  # an absent optional column
                row[f["name"]] = _convert(cell, f)
            except ValueError as exc:
                errors.append(DataError(path, str(exc), line=start_line, column=f["name"]))
        rows.append(row)
        lines.append(start_line)
    errors += _duplicate_errors(path, schema, rows, lines)
    if errors:
        raise DataErrors(errors)
    return typed_frame(rows, schema), lines


def _header_errors(path: Path, header: list[str], schema: Schema) -> list[DataError]:
    """A DataError (line 1) for each column the schema needs and `header` lacks, then each it does not know."""
    names = field_names(schema)
    missing = [f["name"] for f in schema["fields"] if f["name"] not in header and not is_optional_column(f)]
    unknown = [h for h in header if h not in names]
    errors = [DataError(path, "missing column", line=1, column=n) for n in missing]
    errors += [DataError(path, f"unknown column (schema has: {', '.join(names)})", line=1, column=h)
               for h in unknown]
    return errors


def _duplicate_errors(path: Path, schema: Schema, rows: list[dict[str, Cell]], lines: list[int]) -> list[DataError]:
    """A DataError for each repeated value of a `unique` or primary-key column (naming the first line)."""
    errors = []
    for f in schema["fields"]:
        if f.get("constraints", {}).get("unique") or f["name"] in _primary_key(schema):
            seen: dict[Cell, int] = {}
            for row, ln in zip(rows, lines, strict=True):
                v = row.get(f["name"])
                if v is None:
                    continue
                if v in seen:
                    errors.append(DataError(path, f"duplicate {f['name']} {v!r} (first on line {seen[v]})",
                                            line=ln, column=f["name"]))
                else:
                    seen[v] = ln
    return errors


def _records(reader: Reader, path: Path) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) of each CSV record; a record may span lines inside quotes.

    Raises DataError naming the record's first line when the csv module refuses it.
    """
    line = 0
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            reason = str(exc)
            if "field larger than field limit" in reason:
                reason = (f"a field is longer than {csv.field_size_limit():,} characters (the CSV limit); "
                          "is a quote (\") left open here?")
            raise DataError(path, f"cannot read this CSV record: {reason}", line=start) from None
        line = reader.line_num
        yield start, cells


def typed_frame(rows: list[dict[str, Cell]], schema: Schema) -> pd.DataFrame:
    """Rows (dicts of converted cells) as a frame in the schema's column order and dtypes.

    Strings with an `enum` become categoricals of it; other fields take `DTYPES` by type.
    """
    frame = pd.DataFrame(rows, columns=field_names(schema))
    for f in schema["fields"]:
        enum = f.get("constraints", {}).get("enum")
        if enum and f.get("type", "string") == "string":
            frame[f["name"]] = pd.Categorical(frame[f["name"]], categories=enum)
        else:
            frame[f["name"]] = frame[f["name"]].astype(DTYPES[f.get("type", "string")])
    return frame


def is_blank(x: object) -> bool:
    """True for an empty cell of a loaded table: None, pd.NA, NaN or only whitespace."""
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)) or not str(x).strip()


def _primary_key(schema: Schema) -> list[str]:
    pk = schema.get("primaryKey", [])
    return [pk] if isinstance(pk, str) else list(pk)


# --- what each column of a loaded table holds ------------------------------------------


def describe(table: str = "figures") -> pd.DataFrame:
    """One row per column of the loaded `table`: "figures" (`load_figures`) or "context" (`load_context`).

    Returns a DataFrame with columns `column`, `dtype` (the pandas dtype the loader gives:
    string, Float64, Int64, boolean, category), `unit` (empty where a column has none;
    "row `unit`" / "row `base_unit`" where each row names its unit), `origin` ("index" for
    `id`, "file" for a CSV column, "loader" for a column the loader adds) and `description`,
    in the order of the file, then the loader's columns. Raises `ValueError` naming the
    known tables for any other name.
    """
    if table not in DESCRIBED_TABLES:
        raise ValueError(f"unknown table {table!r}; known tables: {', '.join(DESCRIBED_TABLES)}")
    schema = get_schema(table)
    index = _primary_key(schema)
    rows = []
    for field in schema["fields"]:
        origin = "index" if field["name"] in index and "index" in schema else "file"
        rows.append(_describe_row(field, origin))
    rows += [_describe_row(field, "loader") for field in schema.get("loaderFields", [])]
    return pd.DataFrame(rows, columns=DESCRIBE_COLUMNS)


def _describe_row(field: Field, origin: str) -> dict[str, str]:
    return {"column": field["name"], "dtype": field_dtype(field), "unit": field.get("unit", ""),
            "origin": origin, "description": field.get("description", "")}


def field_dtype(field: Field) -> str:
    """The pandas dtype a schema field loads as.

    Its `dtype` if stated, else categorical for a string with an `enum`, else by type (string, Float64, Int64, boolean).
    """
    if "dtype" in field:
        return field["dtype"]
    kind = field.get("type", "string")
    if kind == "string" and field.get("constraints", {}).get("enum"):
        return "category"
    return DTYPES[kind]
