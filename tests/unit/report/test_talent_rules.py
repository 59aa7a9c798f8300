"""The talent report's rules (issue 22): per-resident ratios, kinds of count, spans and rounding.

Expected values are worked out by hand from context.csv and the figures, not from the code.
"""

from __future__ import annotations

import pytest

from kczlib.analysis import metrics
from kczlib.analysis.num import context_num
from kczlib.data.indicators import indicators, per_resident_allowed, tally_of
from kczlib.errors import PerResidentError
from kczlib.report import Report
from kczlib.report.narrative import templates
from kczlib.report.sections.shared import per_resident, programme_stocks, resident_count
from kczlib.report.sections.talent import (
    PROGRAMME,
    input_resolution,
    rounded_difference,
    span_labels,
    tally_words,
    yearly_changes,
)

from support.report_setup import bare_report, copy_second_case


def report_for(case: str, lang: str = "zh") -> Report:
    return bare_report("03_talent_inflows", case, lang)


@pytest.fixture
def second_case(data_copy):
    return copy_second_case(data_copy)


# --- M1: a ratio per resident only for counts of residents ---------------------------

def test_affiliated_academicians_and_experts_get_no_ratio_per_resident():
    r = report_for("chengdu")
    people = metrics.total([r.ind("workstation_academicians"), r.ind("workstation_experts")])  # 75 + 781
    _, pop = r.ctx_role("population_case_year")
    assert not resident_count(r, people) and not resident_count(r, r.ind("expert_workstations"))
    with pytest.raises(PerResidentError, match="workstation_experts"):
        per_resident(r, people, pop)
    stocks = programme_stocks(r)
    assert stocks.people.point == 856 and stocks.people_per is None and stocks.stations_per is None


def test_the_refusal_holds_on_a_second_case(second_case):
    r = report_for(second_case)
    academicians = r.ind("workstation_academicians")  # 8位 in the fixture
    assert academicians.point == 8
    with pytest.raises(PerResidentError):
        per_resident(r, academicians, context_num("pop_chengdu_2021", "chengdu"))


def test_only_indicators_declared_residents_allow_a_ratio_per_resident():
    # every indicator that declares a population, and one that declares none (the other 170-odd
    # say nothing; the function reads indicators.csv on each call, so each row costs a read)
    declared = {i: ind.population for i, ind in indicators().items() if ind.population}
    none = next(i for i, ind in indicators().items() if not ind.population)
    assert {"residents", "affiliated"} <= set(declared.values())
    for i, population in {**declared, none: ""}.items():
        assert per_resident_allowed(i) == (population == "residents"), i
    assert not per_resident_allowed("workstation_academicians")  # declared affiliated


# --- M2: stock, flow or cumulative comes from the indicator -------------------------

def test_the_kind_of_count_is_the_indicators_and_its_words_follow():
    assert [tally_of(i) for i in PROGRAMME] == ["cumulative"] * 3
    assert tally_of("hightech_enterprises") == "stock" and tally_of("hightech_enterprises_net_new") == "flow"
    zh, en = report_for("chengdu", "zh"), report_for("chengdu", "en")
    assert tally_words(zh, list(PROGRAMME)) == "累计数（起点未注明），既不是常住人员，也不是迁入"
    assert tally_words(en, list(PROGRAMME)) == (
        "cumulative counts since an undated start: neither residents nor migrants")
    assert tally_words(en, ["hightech_enterprises", "expert_workstations"]) == "counts of mixed kinds"


def test_no_talent_or_overview_sentence_calls_a_number_a_stock_by_itself():
    for lang, word in (("zh", "存量"), ("en", "stock")):
        for key, text in templates(lang).items():
            if key.startswith(("talent.", "overview.kf_talent")) and not key.startswith("talent.tally."):
                assert word not in text, key


# --- M5: spans and rounding --------------------------------------------------------

def test_a_change_over_another_span_than_a_year_carries_its_span():
    labels, odd = span_labels(["2020-11 to 2021", "2021 to 2022"], [14, 12], lambda m: f" ({m} months)")
    assert labels == ["2020-11 to 2021 (14 months)", "2021 to 2022"] and odd == [True, False]
    labels, odd = span_labels(["H1"], [6], lambda m: f"（{m}个月）")
    assert labels == ["H1（6个月）"] and odd == [True]
    with pytest.raises(ValueError):
        span_labels(["a"], [12, 12], str)


def test_the_stated_yearly_changes_are_all_twelve_month_changes_with_their_rates():
    changes = yearly_changes(report_for("chengdu", "en"))
    # context.csv: 25.1万 over 2019 (old series), 24.5万 over 2021, 7.6万 over 2022, 13.5万 over 2023
    assert [(c["row"].period, c["change"].point, c["old"]) for c in changes] == [
        ("2019", 251000, True), ("2021", 245000, False), ("2022", 76000, False), ("2023", 135000, False)]
    # 24.5 / (2119.2 - 24.5) = 1.1697%: the 1.17% the bulletin itself states
    assert changes[1]["rate"].format("en") == "1.17%"
    assert changes[3]["rate"].format("en") == "0.635%"  # 13.5 / 2126.8


def test_a_difference_is_no_finer_than_its_coarser_input():
    later, census = context_num("pop_chengdu_2021", "chengdu"), context_num("pop_chengdu_2020", "chengdu")
    assert input_resolution(later) == 1000 and input_resolution(census) == 1  # 2119.2万; 20,937,757
    assert input_resolution(context_num("pop_change_chengdu_2019", "chengdu")) == 1000  # 25.1万
    d = rounded_difference(later, census)  # 21,192,000 - 20,937,757 = 254,243 -> 254,000
    assert d.point == 254000 and d.format("zh") == "25.4万人" and d.format("en") == "254,000"


def test_without_stated_changes_the_census_step_is_printed_with_its_span_and_rounded(data_copy):
    import json

    from kczlib.report import theme
    from kczlib.report.sections.talent import talent_inflows

    meta = data_copy / "cases" / "chengdu" / "context.meta.json"
    m = json.loads(meta.read_text(encoding="utf-8"))
    del m["series"]["population_change"]  # a case that states no yearly changes: steps from levels
    meta.write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    theme.set_theme("zh")  # charts draw Chinese labels, as in a notebook
    r = report_for("chengdu")
    talent_inflows(r)
    text = "\n".join(r.shown)
    # census (0:00, 1 Nov 2020) to year-end 2021 is 14 months; 2119.2万 - 20,937,757 to the thousand is 25.4万
    assert "- 2020年11月至2021年（14个月）：25.4万人" in text
    assert "25.4243" not in text and "- 2021年至2022年：7.6万人" in text  # a year: no span
    assert "2093.8万人（普查20,937,757人" in text  # L4: the census count rounded, in full beside it
