"""Every shipped case maps at least 80% of its curated figures to the shared vocabulary (issue 23, part 1).

The issue's target is 80% of a case's figures (`kcz vocabulary`: rows of figures.csv with an
`indicator`). MAPPED gives, per case, the figures curated and mapped, counted by hand from its
figures.csv, and what maps to nothing shared and why, read from the case's text:

- chengdu (105 rows, 84 mapped): left are one body's or one event's activity (a smart-manufacturing
  centre's platforms, spaces, matchmaking and projects; one forum's experts; a base's appraisals;
  roadshows; a competition's countries), the structure of the service network (tiers, one centre,
  22 sub-centres, an offshore centre), "first/second of its kind in the nation" ordinals, a
  conference tier, a reputed rank (双创"第四城"), a growth rank whose measure the text leaves
  unnamed, years of a project series, a 100% matching rate, new municipal bodies and third-party
  bodies in the association (a second count of service institutions beside the 300余 mapped).
- foshan_2020 (8, 7): CAST's own count of its national societies (area 中国科协).
- foshan_2022 (15, 12): one firm's story (factory area, scale; area 邦普循环) and the headline
  restating the 8700 high-tech enterprises of the same year.
- fuzhou_2023 (13, 11): two facts of the national programme (two kinds of pilots, 45 programmes kept).
- fuzhou_2025 (21, 17): the province's two notices, its two city associations given an award
  (area 福建省), the headline's first place restated (首位), and years first in the province.
- jiaxing_2022 (20, 16): the counties in the province's ranking (area 浙江省), "all the city's
  counties within the first 25 / 27" (two figures about several places), and the county's years
  first in progress (area 嘉善县).
- jinan_2020 (15, 15), xiangyang_2022 (7, 7): everything maps.
- wuxi_2022 (27, 23): years first in the province, the integrated-circuit industry's rank, the
  STAR Market rank within the province beside the national one of the same period, and a share
  of the province's high-tech output.
"""

import pytest

from kczlib.data.cases import list_cases
from kczlib.data.vocabulary_coverage import format_coverage, vocabulary_coverage

# case: (figures curated, figures mapped), by hand from data/cases/<case>/figures.csv
MAPPED = {
    "chengdu": (105, 84),
    "foshan_2020": (8, 7),
    "foshan_2022": (15, 12),
    "fuzhou_2023": (13, 11),
    "fuzhou_2025": (21, 17),
    "jiaxing_2022": (20, 16),
    "jinan_2020": (15, 15),
    "wuxi_2022": (27, 23),
    "xiangyang_2022": (7, 7),
}


@pytest.mark.parametrize("case", list_cases())
def test_a_shipped_case_maps_80_percent_of_its_figures(case):
    c = vocabulary_coverage(case)
    assert c.figures and 5 * c.mapped >= 4 * c.figures, format_coverage(c, misses=True)  # mapped / figures >= 0.8
    if case in MAPPED:  # a listed case may not lose a mapping
        assert (c.figures, c.mapped) == MAPPED[case], format_coverage(c, misses=True)


def test_every_listed_case_is_shipped():
    assert set(MAPPED) <= set(list_cases())
