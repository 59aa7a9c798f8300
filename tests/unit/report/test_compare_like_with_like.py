"""The comparison sets only one kind of count side by side and says why the rest stands apart.

Worked by hand from the shipped figures:
- provincial S&T awards won: foshan_2022 `provincial_st_awards_3y` 32项, period cumulative (the
  last three years); xiangyang_2022 `provincial_st_awards_2021` 9项 in 2021 (a year's flow). A
  cumulative count and a year's flow: not one row, said apart.
  (One Foshan case is compared, so the city is not told apart by its period.)
- national high-tech enterprises: foshan_2022 8,700 (2022) and xiangyang_2022 874 (2021), both
  stocks: one row, of different years (said so, not ranked).
- rank by STAR Market listings: chengdu first among central and western cities, wuxi within
  the first ten nationally: two groups, never one scale.
"""

from __future__ import annotations

import pytest

from kczlib.analysis.ledger import Ledger
from kczlib.report.compare_report import CompareReport
from kczlib.report.sections import compare

from support.comparison import apart_sentence


def report(cases: list[str], lang: str = "en") -> CompareReport:
    r = CompareReport("05_compare_cases", lang=lang, cases=cases)
    r.ledger = Ledger(lang)
    r.new_page()
    return r


def test_a_cumulative_count_and_a_years_count_are_not_one_row():
    r = report(["foshan_2022", "xiangyang_2022"])
    side = {s.indicator: s for s in compare.gather(r)}
    assert "provincial_st_awards" not in side
    assert [(v.case, v.period) for v in side["hightech_enterprises"].values] == [
        ("foshan_2022", "2022"), ("xiangyang_2022", "2021")]
    apart = {s.indicator: s for s in compare.apart(r)}
    assert [(v.case, v.tally) for v in apart["provincial_st_awards"].values] == [
        ("foshan_2022", "cumulative"), ("xiangyang_2022", "flow")]
    compare.apart_note(r, list(apart.values()))
    said = next(t for t in r.shown if t.startswith("Provincial S&amp;T awards won"))  # escaped Markdown
    assert "Foshan 32 (cumulative, start not stated)" in said
    assert "Xiangyang 9 (2021, a flow in a year)" in said
    assert "are different kinds of number, so these are not set side by side" in said


def test_stocks_of_different_years_share_a_row_and_the_finding_names_them_without_a_clause():
    from kczlib.report.sections import compare_rank

    r = report(["foshan_2022", "xiangyang_2022"])
    shared = compare.gather(r)
    finding = next(f for f in compare_rank.findings(r, shared) if f.startswith("National high-tech"))
    # no period shared: each listed with its year; why they are not ranked is said once, in the caveats
    assert finding == "National high-tech enterprises: Foshan 8,700 (2022); Xiangyang 874 (2021)."


@pytest.mark.parametrize("lang, words", [
    ("en", ["Chengdu 1st (", "Wuxi top 10 (", "each rank places its city within a group its own text names"]),
    ("zh", ["成都第一名（科创板上市企业数量在中西部城市中的排名）",
            "无锡前十名（科创板上市企业数全国城市排名）", "每个名次都是在各自原文所说的范围内排出的"])])
def test_ranks_within_different_groups_are_never_one_row(lang, words):
    said = apart_sentence(report(["chengdu", "wuxi_2022"], lang), "star_listed_rank")
    for w in words:
        assert w in said, (w, said)


def test_a_city_with_nothing_in_a_row_gets_no_row():
    # foshan_2020 reports no indicator that foshan_2022 or xiangyang_2022 reports as the same kind
    r = report(["foshan_2020", "foshan_2022", "xiangyang_2022"])
    rows = compare.shared_rows(r, compare.gather(r))
    assert set(rows["City"]) == {"Foshan (2020-2023 case)", "Xiangyang"}
