"""The overview's caveat lists the case's own recorded data gaps (context.meta.json `gaps`).

Before, every case's overview said the same three gaps, written for the first case (no fiscal
S&T series, no yearly settlement counts, undated cumulative totals), whatever its notes
recorded; a fresh reader of Wuxi's overview found them there.
"""

from __future__ import annotations

import json

import pytest

from kczlib.report import Report, check_parameters
from kczlib.report.sections import overview

from conftest import DATA


def caveats(case: str, lang: str) -> str:
    namespace = {"__name__": "__main__", "case": case, "lang": lang}
    report = Report.start("00_overview", namespace)
    check_parameters(namespace)
    overview.overview_caveats(report)
    return "\n".join(report.shown)


@pytest.mark.parametrize("case", ["wuxi_2022", "chengdu"])
def test_each_recorded_gap_is_a_sub_item_of_the_caveat(case):
    gaps = json.loads((DATA / "cases" / case / "context.meta.json").read_text(encoding="utf-8"))["gaps"]
    text = caveats(case, "en")
    noun = "data gap" if len(gaps) == 1 else "data gaps"  # wuxi's notes record one, chengdu's eleven
    assert f"record {len(gaps)} {noun} (data searched for and not found):" in text
    for gap in gaps:
        assert "\n  - " + gap["en"].replace("&", "&amp;") in text
    assert text.count("\n  - ") == len(gaps)


def test_no_case_is_told_another_cases_gaps():
    text = caveats("wuxi_2022", "zh") + caveats("wuxi_2022", "en")
    for words in ("no yearly settlement counts", "没有逐年落户数", "no fiscal S&T series", "没有财政科技支出序列"):
        assert words not in text
