"""Analyst corrections: a figure row may differ from the parser's reading when its `correction` says why.

The text below is written for this test. Read by hand:

    科创基金3只        3 funds: the parser reads a bare 3 (只 is not one of its measure words),
                        unit "", count 3; the analyst's row says unit 只
    总规模50亿元        5e9 CNY exact: the parser's reading, no correction needed
    全国首套            the first set in the country, rank 1: the parser reads no number in 首套,
                        so the analyst adds it as a figure it missed

and the non-figure 一、 (a section marker). So 3 numeric mentions in all: 一, 3, 50亿元.
"""

import csv
import hashlib
import io
import json
import shutil

import pytest

from kczlib.analysis.ledger import Ledger
from kczlib.data.figures import figure
from kczlib.data.validate import format_report, validate_case

from conftest import DATA

RAW = "示范市科技工作总结\n一、总体情况\n全市设立科创基金3只，总规模50亿元。研制全国首套深海装备。\n"
HEADER = ["id", "chain", "section", "metric_zh", "metric_en", "value", "unit", "value_base", "base_unit",
          "qualifier", "lower", "upper", "period", "evidence", "offset", "note", "correction"]
FUNDS_CORRECTION = "parser reads 3 without a unit (只 is not one of its measure words); 只 counts the funds"
FIRST_CORRECTION = "parser reads no number in 首套; 全国首套 is the first set in the country, rank 1"
# id, value, unit, value_base, base_unit, qualifier, lower, upper, evidence, correction
FUNDS = ("funds", "3", "只", "3", "count", "exact", "3", "3", "科创基金3只", FUNDS_CORRECTION)
SIZE = ("fund_size", "50", "亿元", "5000000000", "CNY", "exact", "5000000000", "5000000000", "总规模50亿元", "")
FIRST = ("first_set", "1", "套", "1", "rank", "exact", "1", "1", "全国首套", FIRST_CORRECTION)


@pytest.fixture
def root(tmp_path, monkeypatch):
    target = tmp_path / "data"
    shutil.copytree(DATA / "schema", target / "schema")
    shutil.copy(DATA / "indicators.csv", target / "indicators.csv")
    monkeypatch.setenv("KCZ_DATA", str(target))
    return target


def write_case(root, rows, text=RAW):
    folder = root / "cases" / "corr"
    folder.mkdir(parents=True)
    raw = text.encode("utf-8")
    (folder / "corr.raw.txt").write_bytes(raw)
    meta = {"case": "corr", "city": {"zh": "示范市", "en": "Demo City"},
            "title": {"zh": "示范市科技工作总结", "en": "Demo city S&T work summary"}, "period": "2024",
            "source": {"file": "corr.raw.txt", "origin": "synthetic test case", "accessed": "2026-12-07",
                       "sha256": hashlib.sha256(raw).hexdigest(), "debris_lines": []}}
    (folder / "case.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(HEADER)
    for rid, value, unit, vb, base, qual, lo, hi, evidence, correction in rows:
        out.writerow([rid, "overview", "一", rid, rid, value, unit, vb, base, qual, lo, hi, "2024", evidence,
                      text.find(evidence), "", correction])
    (folder / "figures.csv").write_text(buf.getvalue(), encoding="utf-8")
    (folder / "non_figures.csv").write_text("text,offset,kind,reason\n", encoding="utf-8")


def test_a_differing_row_with_a_correction_and_a_missed_figure_validate(root):
    write_case(root, [FUNDS, SIZE, FIRST])
    report = validate_case("corr")
    assert report.ok, [str(e) for e in report.errors] + [m.text for m in report.unaccounted]
    # 50亿元 parses to its row; 3只 and 首套 stand by their corrections
    assert (report.figures, report.parse_ok, report.corrected) == (3, 1, 2)
    # the corrected row claims the parser's mention 3; 首套 is no mention; 一 is a section marker
    assert (report.mentions, report.claimed_by_figures, report.recognised_non_figures) == (3, 2, 1)
    assert "corrected by the analyst (column correction): 2" in format_report(report)
    f = figure("funds", "corr")
    assert (f.value, f.unit, f.is_corrected, f.correction) == (3, "只", True, FUNDS_CORRECTION)
    assert not figure("fund_size", "corr").is_corrected


def test_a_differing_row_without_a_correction_is_refused_naming_the_column(root):
    write_case(root, [FUNDS[:-1] + ("",), SIZE])
    report = validate_case("corr")
    assert not report.ok
    (err,) = report.errors
    # line 2 of figures.csv; the parser read unit "" where the row says 只
    assert (err.line, err.column) == (2, "unit")
    assert "parsing '3' disagrees with the row (unit: row '只', parsed None" in err.reason
    assert "`correction` column" in err.reason
    # the mention 3 is then claimed by no row
    assert [m.text for m in report.unaccounted] == ["3"]


def test_a_missed_figure_without_a_correction_is_refused(root):
    write_case(root, [FUNDS, SIZE, FIRST[:-1] + ("",)])
    report = validate_case("corr")
    (err,) = report.errors
    assert (err.line, err.column) == (4, "evidence")
    assert "no quantity found in evidence '全国首套'" in err.reason and "`correction` column" in err.reason


@pytest.mark.parametrize("lang,marked", [("zh", "funds（经分析员更正）"), ("en", "funds (corrected by the analyst)")])
def test_the_sources_appendix_marks_a_corrected_figure_in_both_languages(root, lang, marked):
    from kczlib.analysis.num import figure_num
    from kczlib.data.cases import get_case
    from kczlib.report.appendix import source_rows
    from kczlib.report.report import Report

    write_case(root, [FUNDS, SIZE, FIRST])
    report = Report("00_overview", lang=lang, case="corr", ledger=Ledger(lang), meta=get_case("corr").meta)
    for fid in ("funds", "fund_size"):
        report.ledger.format(figure_num(fid, "corr"), "text")
    # metric names are the ids in this case (metric_zh = metric_en = id)
    assert [r["metric"] for r in source_rows(report)] == [marked, "fund_size"]


def test_a_corrected_row_claims_the_mention_the_whole_text_has_there(root):
    # evidence 3 alone: the parser reads a bare 3 at the offset of 科创基金3只's 3; the whole
    # text's mention there is the same 3, so coverage is complete with the short evidence too
    short = ("funds", "3", "只", "3", "count", "exact", "3", "3", "3只", FUNDS_CORRECTION)
    write_case(root, [short, SIZE])
    report = validate_case("corr")
    assert report.ok, [str(e) for e in report.errors] + [m.text for m in report.unaccounted]
    assert (report.corrected, report.claimed_by_figures) == (1, 2)


def test_a_rank_the_evidence_alone_cannot_show_is_claimed_whole(root):
    # 排名5: a rank in the text (the words before the number); evidence 5 alone reads as a count 5,
    # so the analyst's rank row carries a correction and claims the text's mention 排名5
    row = ("innovation_rank", "5", "", "5", "rank", "exact", "5", "5", "5",
           "the evidence 5 alone reads as a count; the text before it (排名) makes it a rank")
    write_case(root, [row], "示范市科技工作总结\n一、总体情况\n创新指数排名5。\n")
    report = validate_case("corr")
    assert report.ok, [str(e) for e in report.errors] + [m.text for m in report.unaccounted]
    # mentions: 一 (a section marker) and 排名5, claimed by the corrected row
    assert (report.mentions, report.claimed_by_figures, report.corrected) == (2, 1, 1)
