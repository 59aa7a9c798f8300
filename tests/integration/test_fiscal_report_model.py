"""The fiscal report as a reader reads it: the pledge as an end-point target (C1), size comparisons
labelled (M10), section headings (M13), the Assumptions table (L10) and the index card labels (L17).

The report runs in this process (its own notebook cells) once per session; the rules below read
its shown text, its ledger and its charts, so they hold for any case and any parameters.
"""

from __future__ import annotations

import re

import pytest

from kczlib.analysis.num import RATIO, ContextRef, FigureRef
from kczlib.data.context import context_value
from kczlib.report.appendix import assumption_rows
from kczlib.report.narrative import templates

from support.notebooks import executed_report

NAME = "01_fiscal_investment"
YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def report(lang):
    return executed_report(NAME, lang)


def body_lines(r) -> list[str]:
    """The shown text before the appendix, one list item or sentence per entry."""
    out = []
    for block in r.shown:
        if block.startswith("## ") and block[3:] in (templates(r.lang)["common.ledger_heading"],):
            break
        for line in block.split("\n"):
            out += [s for s in re.split(r"(?<=[。；;])|(?<=\. )", line) if s.strip()]
    return out


# --- C1: a target binds its end point only ------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_target_amount_is_printed_only_with_the_end_year_of_its_window(lang):
    r = report(lang)
    # the pledge's figures; any amount derived from them is a target amount
    pledge = set(r.maybe("fiscal_st_growth_target").ids) | set(r.maybe("fiscal_st_growth_target_years").ids)
    ends = {int(e.num.lower) for e in r.ledger.entries if e.num.derivation.endswith(" + window")}
    assert ends, "the end years are printed as parameter + window"
    lines = body_lines(r)
    targets = [e for e in r.ledger.entries if e.num.base_unit == "CNY" and set(e.num.ids) & pledge]
    assert targets
    for e in targets:
        if e.where.startswith("chart:"):
            continue
        for line in (line for line in lines if e.text in line):
            assert {int(y) for y in YEAR.findall(line)} & ends, f"a target amount without its end year: {line}"
    for line in lines:  # a per-year minimum reads "2022: at least X" / "2022年：至少X"
        assert not re.search(r"20\d\d年?[：:]\s*(至少|at least)", line), line


@pytest.mark.parametrize("lang, base, end", [
    ("zh", "倍增承诺的基年", "倍增承诺的基年加承诺期限：目标年份"),
    ("en", "base year of the doubling pledge",
     "base year of the doubling pledge, plus the time allowed: the target year"),
])
def test_the_data_download_names_the_end_year_as_base_year_plus_the_time_allowed(lang, base, end):
    # a fresh user: the download labelled 2024 "base year of the doubling pledge"; the base year is
    # the parameter baseline_year (2021 by default) and 2024 = 2021 + 3 is the end of the window
    rows = {(row["label"], row["value"]) for row in report(lang).numbers() if row["kind"] == "assumption"}
    assert (base, 2021) in rows and (end, 2024) in rows
    assert (base, 2024) not in rows


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_rate_is_a_compound_average_never_a_yearly_floor(lang):
    text = "\n".join(body_lines(report(lang)))
    # the old wording: "需要每年增长至少26.0%" / "needs growth of at least 26.0% a year"
    assert not re.search(r"每年增长|needs growth of|(?<!average )growth of at least", text)
    rates = re.findall(r"(?:年均（复合）增长至少|compound average growth of at least )[\d.]+%", text)
    assert len(rates) >= 2  # the key finding and the pledge section


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pledge_charts_label_only_base_and_end_and_say_intermediate_years_are_not_targets(lang):
    r = report(lang)
    labels = {name: {e.text for e in r.ledger.entries if e.where == f"chart:{name}"}
              for name in ("fiscal_path", "pledge_scenarios")}
    # 99.4亿 and 2 x 99.4亿 = 198.8亿 -> 199亿: the base and the end point, no year between
    assert labels["fiscal_path"] == ({"99.4亿元", "199亿元"} if lang == "zh" else {"CNY 9.94 bn", "CNY 19.9 bn"})
    # one end point per window with a base: 199亿 by 2024, at least 199亿 by 2025
    assert labels["pledge_scenarios"] == ({"199亿元", "至少199亿元"} if lang == "zh"
                                          else {"CNY 19.9 bn", "at least CNY 19.9 bn"})
    titles = [templates(lang)[k] for k in ("fiscal.path_chart", "fiscal.scenarios_chart")]
    for title in titles:
        assert not re.search(r"最低|slowest", title)
        assert ("中间年份不是目标" if lang == "zh" else "intermediate years are not targets") in title


# --- M10: a ratio between figures of different scope is a comparison of sizes -------------------

def _geos(num, r) -> set[str]:
    out = set()
    for leaf in num.inputs():
        if isinstance(leaf.origin, FigureRef):
            out.add(r.meta["city"]["zh"])
        elif isinstance(leaf.origin, ContextRef):
            out.add(context_value(leaf.origin.context_id, r.case).geo)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name,printed", [("00_overview", 1), (NAME, 2)])
def test_every_ratio_across_geographies_is_printed_as_a_comparison_of_sizes(name, printed, lang):
    r = executed_report(name, lang)
    words = "规模比较" if lang == "zh" else "comparison of sizes"
    found = 0
    for e in r.ledger.entries:
        if e.num.base_unit == RATIO and len(_geos(e.num, r)) > 1 and e.where in templates(lang):
            found += 1
            assert words in templates(lang)[e.where], (e.where, e.text)
    assert found >= printed  # 99.4 / 273.3 = 36.4%: the key finding (00, 01) and the body (01)


# --- M13: the body has its sections ----------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_body_runs_under_section_headings_and_does_not_echo_the_first_finding(lang):
    r = report(lang)
    shown = list(r.shown)
    i = shown.index("## " + templates(lang)["common.key_findings_heading"])
    first_finding = shown[i + 1].split("\n")[0][2:]
    assert shown[i + 2].startswith("## "), "a section heading follows the key findings"
    headings = [s for s in shown[i + 1:] if s.startswith("## ")]
    assert len(headings) >= 4 + 4  # four body sections, then the appendix's tables
    assert first_finding.split("，")[0].split(";")[0] not in shown[i + 3]


# --- L10: the Assumptions table -------------------------------------------------------------

@pytest.mark.parametrize("lang,to", [("zh", "至"), ("en", " to ")])
def test_assumptions_show_each_window_as_a_pair(lang, to):
    rows = {row["parameter"]: row["values"] for row in assumption_rows(report(lang))}
    year = "{}年" if lang == "zh" else "{}"
    sep = "；" if lang == "zh" else "; "
    # default parameters: baseline 2021, windows from 2020, 2021, 2022, each three years
    pairs = [year.format(s) + to + year.format(s + 3) for s in (2020, 2021, 2022)]
    assert sep.join(pairs) in rows.values()
    assert year.format(2021) in rows.values()  # the base year of the pledge, once


# --- L17: the index card ------------------------------------------------------------------

def test_card_labels_name_no_minimum_twice_and_figures_carry_their_year():
    zh, en = dict(report("zh").key), dict(report("en").key)
    assert all(not (label.count("最低") + label.count("至少") and value.startswith("至少")) for label, value in
               zh.items())
    assert "市级财政科技支出（2021年）" in zh and "Municipal fiscal spending on science and technology (2021)" in en
    assert all(label[0].isupper() for label in en), list(en)


def test_platform_card_names_the_year_of_its_high_tech_count():
    key = dict(executed_report("04_platforms_and_industry", "zh").key)
    assert any(label.startswith("国家高新技术企业总量（") and "年）" in label for label in key), list(key)
