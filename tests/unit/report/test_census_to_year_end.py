"""The 7th census counts residents at 1 November 2020: its rows are dated 2020-11, and the talent
report shows the change from it to a later year-end count, with its span (issue 23).

Worked by hand from the shipped context rows (data/cases/<case>/context.csv):
- foshan_2022: census 9,498,863 (2020-11), year-end 2021 961.26万 = 9,612,600 (stated to the
  hundred). 9,612,600 - 9,498,863 = 113,737, printed to the coarser step: 113,700; rate
  113,737 / 9,498,863 = 1.197% -> 1.20%; span 1 Nov 2020 to 31 Dec 2021 = 14 months.
- xiangyang_2022: census 5,260,951 (2020-11), year-end 2022 527.6万 = 5,276,000 (to the thousand).
  5,276,000 - 5,260,951 = 15,049 -> 15,000; rate 15,049 / 5,260,951 = 0.286%; span 26 months.
"""

from __future__ import annotations

import pytest

from kczlib.data.context import context_value
from kczlib.report import theme
from kczlib.report.sections import talent

from support.report_setup import bare_report


@pytest.mark.parametrize("case, row", [("foshan_2020", "pop_foshan_2020"), ("foshan_2022", "pop_foshan_2020"),
                                       ("wuxi_2022", "pop_wuxi_2020"), ("xiangyang_2022", "pop_xiangyang_2020"),
                                       ("fuzhou_2023", "pop_fujian_2020"), ("fuzhou_2025", "pop_fujian_2020")])
def test_census_rows_are_dated_at_the_census(case, row):
    assert context_value(row, case).period == "2020-11"


@pytest.mark.parametrize("case, lang, expected", [
    ("foshan_2022", "en", "Nov 2020 to 2021 (14 months): 113,700 (1.20%"),
    ("xiangyang_2022", "en", "Nov 2020 to 2022 (26 months): 15,000 (0.286%"),
    ("foshan_2022", "zh", "2020年11月至2021年（14个月）"),
])
def test_the_talent_page_shows_the_change_from_the_census(case, lang, expected):
    theme.set_theme(lang)
    r = bare_report("03_talent_inflows", case, lang)
    talent.talent_inflows(r)
    assert expected in "\n".join(r.shown)


def test_a_census_without_a_later_count_gives_no_change():
    theme.set_theme("en")
    r = bare_report("03_talent_inflows", "wuxi_2022", "en")
    talent.talent_inflows(r)
    text = "\n".join(r.shown)
    assert "Nov 2020" in text and "months" not in text


def test_no_graduate_inflow_is_claimed_where_the_context_holds_none():
    # foshan_2022's context.csv has no graduate inflow share (context.meta.json names no such role)
    theme.set_theme("en")
    r = bare_report("03_talent_inflows", "foshan_2022", "en")
    talent.talent_inflows(r)
    text = "\n".join(r.shown)
    assert "new graduates" not in text and "kept growing" not in text
    assert "What these data cannot say: how many of those people came because of the programme" in text
