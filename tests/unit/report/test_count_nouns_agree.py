"""An English count's noun agrees with it: "1 data gap", "11 data gaps" (a key of its own for one).

Counts worked out by hand from the shipped context notes: data/cases/jiaxing_2022/context.meta.json
lists one entry under `gaps` (the year-end 2020 population is derived), chengdu's lists eleven.
"""

from __future__ import annotations

import pytest

from kczlib.report import sections

from support.report_setup import bare_report


def caveat_line(case: str, lang: str) -> str:
    r = bare_report("00_overview", case, lang)
    sections.overview_caveats(r)
    text = "\n".join(r.shown)
    return next(line for line in text.splitlines() if "external" in line or "外部数据中" in line)


def test_one_gap_is_a_gap():
    line = caveat_line("jiaxing_2022", "en")
    assert "the notes on external data record 1 data gap (data searched for" in line
    assert "data gaps" not in line


def test_several_gaps_are_gaps():
    assert "the notes on external data record 11 data gaps (data searched for" in caveat_line("chengdu", "en")


@pytest.mark.parametrize("case, count", [("jiaxing_2022", "1个"), ("chengdu", "11个")])
def test_chinese_says_the_same_count(case, count):
    assert f"外部数据说明记录了{count}数据缺口" in caveat_line(case, "zh")
