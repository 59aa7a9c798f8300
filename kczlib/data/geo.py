"""Places named in context tables: `data/geo.csv` (schema `data/schema/geo.schema.json`).

The English name of a place and the order a comparison lists it in are data, not code:
a new case adds its places to the table. The first rows came from the code they replace
(`GEO_EN` of kczlib/data/context.py and `_GEO_ORDER` of kczlib/report/sections.py, where an
unlisted place had order 1).

    >>> geo_name("全国", "en"), geo_name("全国", "zh"), geo_order("全国")
    ('China', '全国', 3)
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kczlib.data.schema import get_schema, read_table
from kczlib.paths import data_root

GEO_FILE = "geo.csv"
DEFAULT_ORDER = 1  # a place not in the table lists with the peer cities


def geo_path() -> Path:
    """The geo table of the active data folder (`$KCZ_DATA/geo.csv`)."""
    return data_root() / GEO_FILE


@cache
def _read_geo(path: str) -> dict[str, tuple[str, int]]:
    if not Path(path).is_file():
        return {}
    frame, _ = read_table(Path(path), get_schema("geo"))
    columns = zip(frame["name_zh"], frame["name_en"], frame["order"], strict=True)
    return {str(z): (str(e), int(o)) for z, e, o in columns}


def load_geo() -> dict[str, tuple[str, int]]:
    """The geo table: `{name_zh: (name_en, order)}`, in file order ({} when there is none).

    Raises:
        DataError: the file cannot be read as CSV.
        DataErrors: rows that break the schema, each with its line and column.
    """
    return dict(_read_geo(str(geo_path())))


def geo_name(name: str, lang: str) -> str:
    """A place as a reader of `lang` reads it.

    Args:
        name: the place as context.csv's `geo` column writes it (全国).
        lang: "zh" or "en".

    Returns:
        `name` itself in Chinese; the table's `name_en` in English, or `name` as written
        when the table lacks it.
    """
    if lang == "zh":
        return name
    return _read_geo(str(geo_path())).get(name, (name, DEFAULT_ORDER))[0]


def geo_order(name: str) -> int:
    """Where a comparison lists the place after the case's own city (1 peers, 2 province, 3 nation).

    Args:
        name: the place as context.csv writes it.

    Returns:
        The table's `order`, or `DEFAULT_ORDER` (1) for a place it lacks.
    """
    return _read_geo(str(geo_path())).get(name, (name, DEFAULT_ORDER))[1]
