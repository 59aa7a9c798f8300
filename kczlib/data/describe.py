"""What each column of a loaded table holds: dtype, unit and meaning, read from its schema.

`describe("figures")` answers "is `lower` in 亿元 or in yuan?" without opening the JSON:
units live in the schema (`data/schema/<table>.schema.json`, a field's `unit`), next to
the description, so documentation and validation cannot drift apart. Columns that the
loader adds (`topic`, `year`, `value_base`, ...) are the schema's `loaderFields`.
"""

from __future__ import annotations

import pandas as pd

from kczlib.data.schema import DTYPES, get_schema

TABLES = ("figures", "context")
COLUMNS = ["column", "dtype", "unit", "origin", "description"]


def describe(table: str = "figures") -> pd.DataFrame:
    """One row per column of the loaded `table`: "figures" (`load_figures`) or "context" (`load_context`).

    Returns a DataFrame with columns `column`, `dtype` (the pandas dtype the loader gives:
    string, Float64, Int64, boolean, category), `unit` (empty where a column has none;
    "row `unit`" / "row `base_unit`" where each row names its unit), `origin` ("index" for
    `id`, "file" for a CSV column, "loader" for a column the loader adds) and `description`,
    in the order of the file, then the loader's columns. Raises `ValueError` naming the
    known tables for any other name.
    """
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; known tables: {', '.join(TABLES)}")
    schema = get_schema(table)
    index = _primary_key(schema)
    rows = []
    for field in schema["fields"]:
        origin = "index" if field["name"] in index and "index" in schema else "file"
        rows.append(_row(field, origin))
    rows += [_row(field, "loader") for field in schema.get("loaderFields", [])]
    return pd.DataFrame(rows, columns=COLUMNS)


def _row(field: dict, origin: str) -> dict:
    return {"column": field["name"], "dtype": field_dtype(field), "unit": field.get("unit", ""),
            "origin": origin, "description": field.get("description", "")}


def field_dtype(field: dict) -> str:
    """The pandas dtype a schema field loads as: its `dtype` if stated, else categorical for
    a string with an `enum`, else by type (string, Float64, Int64, boolean)."""
    if "dtype" in field:
        return field["dtype"]
    kind = field.get("type", "string")
    if kind == "string" and field.get("constraints", {}).get("enum"):
        return "category"
    return DTYPES[kind]


def _primary_key(schema: dict) -> list[str]:
    pk = schema.get("primaryKey", [])
    return [pk] if isinstance(pk, str) else list(pk)
