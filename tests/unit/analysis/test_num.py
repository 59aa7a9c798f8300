"""`Num`'s typed origin: leaves say where they come from; nothing parses provenance strings."""

import re
from pathlib import Path

from kczlib.analysis import metrics
from kczlib.analysis.ledger import Ledger, kind_name
from kczlib.analysis.num import (
    Cited,
    ContextRef,
    DatasetCount,
    FigureRef,
    Num,
    Parameter,
    Passage,
    Period,
    assumption,
)
from kczlib.data.context import months_between, period_end

KCZLIB = Path(__file__).resolve().parents[3] / "kczlib"
# provenance carried as a string and read back: the "ctx:" prefix, its 4 characters cut
# off, and the "parameter " derivation prefix parsed (writing it is parameter_derivation's job)
# (`[4:]` after an id: publish/html/sanitize.py cuts "<svg" off a string, which is no provenance)
STRING_PROVENANCE = re.compile(r'"ctx:|ctx:"|(ids|id|\])\[4:\]|startswith\("parameter|removeprefix\("(parameter|ctx:)')

LOANS = Num.leaf(FigureRef("loans"), 2e10, 3e10, "CNY", qualifier="多", value_base=2e10)
FIRMS = Num.leaf(FigureRef("firms"), 2700, 2800, "count", qualifier="余", value_base=2700, measure="家")
GDP = Num.leaf(ContextRef("gdp_2021"), 1.99e12, 1.99e12, "CNY")
SHARE = assumption("loss_rate", 0.02, "ratio")


def test_no_string_provenance_is_parsed_in_kczlib():
    found = [f"{p.relative_to(KCZLIB.parent)}:{i}: {line.strip()}"
             for p in sorted(KCZLIB.rglob("*.py"))
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if STRING_PROVENANCE.search(line)]
    assert found == []


def test_leaves_carry_their_origin_refs_and_key():
    assert LOANS.origin == FigureRef("loans") and LOANS.refs == (FigureRef("loans"),)
    assert (LOANS.kind, LOANS.key, LOANS.derivation, LOANS.ids) == ("figure", "figure:loans", "loans", ("loans",))
    assert GDP.origin == ContextRef("gdp_2021") and GDP.kind == "context"
    assert (GDP.key, GDP.derivation, GDP.ids) == ("context:gdp_2021", "context gdp_2021", ("gdp_2021",))
    assert SHARE.origin == Parameter("loss_rate") and SHARE.refs == () and SHARE.kind == "assumption"
    assert SHARE.derivation == "parameter loss_rate" and SHARE.key == "assumption:parameter loss_rate:0.02:0.02"


def test_other_origins_give_the_ledger_kinds():
    assert Num(3.0, 3.0, "count", origin=DatasetCount("rows"), derivation="rows").kind == "derived"
    assert Num(None, None, "count", origin=Passage(12)).kind == "quote"
    assert Num(2021, 2021, "years", origin=Period(of=FigureRef("f")), refs=(FigureRef("f"),)).kind == "figure"


def test_a_year_or_cited_text_of_an_external_row_is_context_never_a_case_figure():
    """M11: the ledger printed "2022年 | 原文数字" for the year of a context row. A label takes
    the kind of what it rests on: any external row makes it context."""
    assert Num(2021, 2021, "years", origin=Period(), refs=(ContextRef("x"),)).kind == "context"
    assert Num(2021, 2021, "years", origin=Period(), refs=(FigureRef("f"), ContextRef("x"))).kind == "context"
    assert Num(2021, 2021, "years", origin=Period(), refs=(FigureRef("f"), FigureRef("g"))).kind == "figure"
    assert Num(None, None, "count", origin=Cited(), refs=(ContextRef("x"),)).kind == "context"
    assert Num(None, None, "count", origin=Cited(), refs=(FigureRef("f"),)).kind == "figure"
    assert Num(None, None, "count", origin=Cited()).kind == "context"  # a gap of the context data
    ledger = Ledger("en")
    ledger.record(Num(2019, 2019, "years", origin=Period(), refs=(ContextRef("x"),)), "year", "2019")
    assert ledger.frame()["kind"].tolist() == ["context"]
    assert kind_name(ledger.entries[0].num) == "context" and kind_name(LOANS) == "case figure"


def test_periods_compare_by_their_last_month():
    assert period_end("2023") == 2023 * 12 + 12 and period_end("2019-H1") == 2019 * 12 + 6
    assert period_end("2023-11") == 2023 * 12 + 11 and period_end("2019-H2") == 2019 * 12 + 12
    for not_a_period in ("cumulative", "target", "", "2020-2023", "2023-13", "23"):
        assert period_end(not_a_period) is None
    assert months_between("2023-11", "2024-08") == 9


def test_a_derived_number_has_no_origin_and_distinct_inputs():
    per_firm = metrics.ratio(LOANS, FIRMS, "CNY")
    assert per_firm.origin is None and per_firm.kind == "derived" and not per_firm.is_leaf
    assert per_firm.inputs() == [LOANS, FIRMS] and per_firm.refs == (FigureRef("loans"), FigureRef("firms"))
    both = metrics.ratio(metrics.scaled(LOANS, SHARE), metrics.total([LOANS, GDP]), "ratio")
    assert [leaf.key for leaf in both.inputs()] == ["figure:loans", "assumption:parameter loss_rate:0.02:0.02",
                                                    "context:gdp_2021"]
    assert both.ids == ("loans", "gdp_2021")  # refs of all inputs once, parameters have none


def test_the_ledger_reads_ids_from_refs():
    ledger = Ledger("en")
    ledger.format(metrics.ratio(LOANS, GDP, "ratio"), "k")
    ledger.format(SHARE, "k")
    assert ledger.figure_ids() == ["loans"] and ledger.context_ids() == ["gdp_2021"]
    assert [e.num for e in ledger.assumptions()] == [SHARE]
    frame = ledger.frame()
    assert list(frame["ids"]) == ["loans, gdp_2021", ""]
    assert list(frame["derivation"])[1] == "parameter loss_rate"
    assert list(frame["inputs"]) == ["loans = [20000000000, 30000000000]; context gdp_2021 = 1990000000000", ""]
    ledger.format(metrics.scaled(GDP, SHARE), "k")
    assert list(ledger.frame()["inputs"])[2] == "context gdp_2021 = 1990000000000; loss_rate = 0.02"
