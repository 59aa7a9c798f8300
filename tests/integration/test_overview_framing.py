"""The overview shows one case's framing only where that case's figures carry it (issue 23).

The shipped case reports its leading group (17 departments, 23 districts, 11 CAST units: 51),
its pilot evaluation rank and its programme (case.json `programme`), so its overview keeps the
governance and outcomes sections and the programme in its title. The fixture case jiangcheng
reports none of these and names no programme: its overview has neither heading nor sentence
about a leading group or an evaluation, and its title is the city alone.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup


def page(run, name):
    return BeautifulSoup((run / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def text_of(soup) -> str:
    return re.sub(r"\s+", " ", soup.get_text(" "))


def headings(soup) -> list[str]:
    return [re.sub(r"\s+", " ", h.get_text(" ")).replace("¶", "").strip() for h in soup.find_all(["h1", "h2"])]


@pytest.mark.parametrize("lang, title, no_heading, absent", [
    ("zh", "江城市：概览", ["组织架构", "成效"], ["领导小组", "四链", "倍增", "院士工作站", "揭榜", "丝路", "入选"]),
    ("en", "Jiangcheng: overview", ["Governance", "Outcomes"],
     ["leading group", "four chains", "doubling", "Belt and Road", "pilot city", "was selected"]),
])
def test_the_second_case_overview_carries_no_framing_of_another_case(second_case_run, lang, title, no_heading,
                                                                     absent):
    run, _ = second_case_run
    soup = page(run, f"00_overview-{lang}")
    shown = headings(soup)
    assert title in shown
    assert not set(no_heading) & set(shown)
    text = text_of(soup)
    for words in absent:
        assert words not in text, words
    # its introduction names no programme: the case.json has none
    assert ("本报告从江城市的原文中整理出" if lang == "zh" else "figures from Jiangcheng's source") in text


@pytest.mark.parametrize("lang, title, present", [
    ("zh", "成都“科创中国”试点城市建设：概览", ["组织架构", "成效", "合计51个成员单位", "各链代表性数字"]),
    ("en", "Chengdu, \"Science and Technology Innovation China\" pilot city: overview",
     ["Governance", "Outcomes", "51 member units in all", "Headline figures by chain"]),
])
def test_the_shipped_case_overview_keeps_what_its_figures_carry(built_reports, lang, title, present):
    soup = page(built_reports, f"00_overview-{lang}")
    assert title in headings(soup)
    text = text_of(soup)
    for words in present:
        assert words in text, words
