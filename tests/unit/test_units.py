"""The one unit table (kczlib/units.py) against the schema's base units and its readers."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kczlib.paths import PACKAGE_ROOT
from kczlib.units import (
    BASE_UNITS,
    CONTEXT_UNITS,
    COUNT_MEASURES,
    PRINTED_BASE_UNITS,
    UNITS,
    context_unit_base,
    unit_base,
)


def _schema_enum(table: str, column: str) -> list[str]:
    schema = json.loads((PACKAGE_ROOT / "data" / "schema" / f"{table}.schema.json").read_text(encoding="utf-8"))
    return next(f for f in schema["fields"] if f["name"] == column)["constraints"]["enum"]


def test_base_units_are_the_schema_enum():
    assert list(BASE_UNITS) == _schema_enum("figures", "base_unit")
    assert list(BASE_UNITS) == _schema_enum("indicators", "base_unit")


def test_every_unit_maps_to_a_base_unit_and_the_parser_produces_them_all():
    produced = {base for _, base in UNITS.values()} | {"count", "rank"}
    assert produced == set(BASE_UNITS)
    assert set(PRINTED_BASE_UNITS) <= set(BASE_UNITS)


def test_context_units_are_the_context_schema_enum():
    assert list(CONTEXT_UNITS) == _schema_enum("context", "unit")
    for unit in CONTEXT_UNITS:
        assert context_unit_base(unit)[1] in BASE_UNITS


@pytest.mark.parametrize("written, expected", [
    ("亿元", (Decimal(10**8), "CNY")), ("万元", (Decimal(10**4), "CNY")), ("万人", (Decimal(10**4), "count")),
    ("千瓦时", (Decimal(1), "kWh")), ("万千瓦", (Decimal(10**4), "kW")), ("家", (Decimal(1), "count")),
    ("", (Decimal(1), "count")), ("成", (Decimal(10), "percent")),
])
def test_unit_base(written, expected):
    assert unit_base(written) == expected


def test_context_rank_and_unknown_unit():
    assert context_unit_base("名") == (1.0, "rank")
    assert context_unit_base("亿元") == (1e8, "CNY")
    with pytest.raises(ValueError, match="万亿"):
        context_unit_base("万亿")
    assert "名" in COUNT_MEASURES  # in case text 30余万名 counts people; only context reads 名 as a rank
