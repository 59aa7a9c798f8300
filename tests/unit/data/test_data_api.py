"""The data API with pandas idioms: the tables an analyst loads in a notebook.

Expected values are read from the CSV files with the csv module (or counted by hand from
them), never through the code under test.
"""

from __future__ import annotations

import ast
import csv
import inspect
import json

import pandas as pd
import pytest

import kczlib

from conftest import DATA, REPORT_NOTEBOOKS

CASE = DATA / "cases" / "chengdu"
LOADERS = {"figures": kczlib.load_figures, "context": kczlib.load_context}


def csv_rows(table: str) -> list[dict]:
    with (CASE / f"{table}.csv").open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(params=["figures", "context"])
def table(request):
    return request.param, LOADERS[request.param]("chengdu"), csv_rows(request.param)


# -- id: the index only -------------------------------------------------------------------

def test_id_is_the_index_and_not_also_a_column(table):
    _, frame, rows = table
    assert frame.index.name == "id" and "id" not in frame.columns
    assert list(frame.index) == [r["id"] for r in rows]


def test_groupby_id(table):
    _, frame, rows = table
    sizes = frame.groupby("id").size()
    assert sorted(sizes.index) == sorted(r["id"] for r in rows) and set(sizes) == {1}


def test_sort_values_id(table):
    _, frame, rows = table
    assert list(frame.sort_values("id").index) == sorted(r["id"] for r in rows)


def test_merge_on_id(table):
    _, frame, rows = table
    other = pd.DataFrame({"id": [r["id"] for r in rows], "mine": range(len(rows))})
    merged = frame.merge(other, on="id")
    assert len(merged) == len(rows)
    assert dict(zip(merged.reset_index()["id"], merged["mine"], strict=True)) == {
        r["id"]: i for i, r in enumerate(rows)}


def test_reset_index_gives_an_id_column(table):
    _, frame, rows = table
    flat = frame.reset_index()
    assert list(flat.columns[:1]) == ["id"] and list(flat["id"]) == [r["id"] for r in rows]


def test_loc_by_id_still_works():
    # figures.csv: kechuangdai_firms is 2700余家 -> 2700 to 2800 (README: How quantities are read)
    row = kczlib.load_figures("chengdu").loc["kechuangdai_firms"]
    assert (row["value"], row["lower"], row["upper"]) == (2700, 2700, 2800)
    assert kczlib.figure("kechuangdai_firms").id == "kechuangdai_firms"
    assert kczlib.context_value("gdp_chengdu_2021").id == "gdp_chengdu_2021"


# -- units: in the schema, shown by describe -----------------------------------------------

def schema(table: str) -> dict:
    return json.loads((DATA / "schema" / f"{table}.schema.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["figures", "context"])
def test_describe_lists_the_schema_fields_then_the_loader_columns(name):
    s = schema(name)
    d = kczlib.describe(name)
    assert list(d.columns) == ["column", "dtype", "unit", "origin", "description"]
    expected = [f["name"] for f in s["fields"]] + [f["name"] for f in s["loaderFields"]]
    assert list(d["column"]) == expected
    by_name = {f["name"]: f for f in s["fields"] + s["loaderFields"]}
    for row in d.itertuples():
        assert row.unit == by_name[row.column].get("unit", "")
        assert row.description == by_name[row.column]["description"]
    assert list(d["origin"]) == ["index"] + ["file"] * (len(s["fields"]) - 1) + ["loader"] * len(s["loaderFields"])


@pytest.mark.parametrize("name", ["figures", "context"])
def test_describe_dtypes_are_those_of_the_loaded_table(name):
    frame = LOADERS[name]("chengdu")
    d = kczlib.describe(name).set_index("column")
    assert str(frame.index.dtype) == d.loc["id", "dtype"]
    assert {c: str(frame[c].dtype) for c in frame.columns} == d["dtype"].drop("id").to_dict()


def test_value_is_as_written_and_bounds_in_base_units_says_the_schema():
    d = kczlib.describe("figures").set_index("column")
    assert "`unit`" in d.loc["value", "unit"] and "base_unit" not in d.loc["value", "unit"]
    for column in ("value_base", "lower", "upper"):
        assert "`base_unit`" in d.loc[column, "unit"]
    # figures.csv: kechuangdai_loans is 200多亿元: value 200 (亿元), bounds 2e10 to 3e10 yuan
    row = kczlib.load_figures("chengdu").loc["kechuangdai_loans"]
    assert (row["value"], row["unit"], row["lower"], row["upper"], row["base_unit"]) == (200, "亿元", 2e10, 3e10, "CNY")
    assert "`unit`" in kczlib.describe("context").set_index("column").loc["value", "unit"]


def test_describe_refuses_an_unknown_table():
    with pytest.raises(ValueError, match="figures, context"):
        kczlib.describe("figure")


# -- topic: the chain/outcome split made explicit -----------------------------------------

def test_topic_talent_counts_talent_and_outcome_talent():
    rows = csv_rows("figures")
    by_hand = [r["id"] for r in rows if r["chain"] in ("talent", "outcome_talent")]
    assert len(by_hand) == 4 + 17  # `cut -d, -f2 figures.csv | sort | uniq -c`: talent 4, outcome_talent 17
    frame = kczlib.load_figures("chengdu")
    assert (frame["chain"] == "talent").sum() == 4  # the column itself is unchanged
    assert list(frame.index[frame["topic"] == "talent"]) == by_hand


def test_is_outcome_and_topic_per_row():
    rows = {r["id"]: r for r in csv_rows("figures")}
    frame = kczlib.load_figures("chengdu")
    assert int(frame["is_outcome"].sum()) == 11 + 18 + 26 + 17  # services, industry, platforms, talent
    for fid, r in rows.items():
        outcome = r["chain"].startswith("outcome_")
        assert bool(frame.loc[fid, "is_outcome"]) is outcome
        assert frame.loc[fid, "topic"] == (r["chain"][len("outcome_"):] if outcome else r["chain"])
    f = kczlib.figure("workstations")
    assert (f.chain, f.topic, f.is_outcome) == (rows["workstations"]["chain"], "talent",
                                                rows["workstations"]["chain"].startswith("outcome_"))
    assert frame.groupby("topic", observed=True).size()["talent"] == 21


# -- year and period: one dtype per column in both tables ----------------------------------

def test_context_year_is_an_integer_and_period_the_text():
    frame = kczlib.load_context("chengdu")
    assert str(frame["year"].dtype) == "Int64" and str(frame["period"].dtype) == "string"
    rows = csv_rows("context")
    assert list(frame["period"]) == [r["period"] for r in rows]
    assert list(frame["year"]) == [int(r["period"][:4]) for r in rows]
    months = [r["id"] for r in rows if "-" in r["period"]]
    assert months, "context.csv has rows dated to a month or half-year"
    assert list(frame.sort_values("year")["year"]) == sorted(int(r["period"][:4]) for r in rows)


def test_figures_year_is_read_from_a_year_period_only():
    frame = kczlib.load_figures("chengdu")
    assert str(frame["year"].dtype) == "Int64"
    for r in csv_rows("figures"):
        got = frame.loc[r["id"], "year"]
        if r["period"].isdigit():
            assert got == int(r["period"])
        else:
            assert got is pd.NA, r["id"]


def test_shared_columns_have_one_dtype_in_both_tables():
    figures, context = kczlib.load_figures("chengdu"), kczlib.load_context("chengdu")
    shared = sorted(set(figures.columns) & set(context.columns))
    assert {"value", "unit", "value_base", "base_unit", "qualifier", "period", "year", "line", "indicator",
            "note"} <= set(shared)
    assert {c: str(figures[c].dtype) for c in shared} == {c: str(context[c].dtype) for c in shared}
    assert list(figures["base_unit"].cat.categories) == list(context["base_unit"].cat.categories)


# -- docstrings for everything a notebook calls --------------------------------------------

def notebook_calls() -> set[tuple[str, str]]:
    """(owner, attribute) of every `report.x`, `sections.x`, `metrics.x`, `theme.x`,
    `kczlib.x` and `Report.x` in the report notebooks' code cells."""
    import nbformat

    owners = {"report", "sections", "metrics", "theme", "kczlib", "Report"}
    used = set()
    for path in REPORT_NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in owners:
                    used.add((node.value.id, node.attr))
    return used


def test_every_callable_a_notebook_uses_and_every_report_method_has_a_docstring():
    from kczlib.analysis import metrics
    from kczlib.report import Report, sections, theme

    objects = {"report": Report, "Report": Report, "sections": sections, "metrics": metrics, "theme": theme,
               "kczlib": kczlib}
    used = notebook_calls()
    assert ("sections", "leverage_scenarios") in used and ("report", "bars") in used  # the parse finds calls
    used |= {("report", n) for n, v in vars(Report).items() if not n.startswith("_") and callable(v)}
    missing = []
    for owner, attr in sorted(used):
        obj = inspect.getattr_static(objects[owner], attr, None)  # None: an instance attribute (report.figures)
        if isinstance(obj, (classmethod, staticmethod)):
            obj = obj.__func__
        if callable(obj) and not inspect.isclass(obj) and not (obj.__doc__ or "").strip():
            missing.append(f"{owner}.{attr}")
    assert missing == []
