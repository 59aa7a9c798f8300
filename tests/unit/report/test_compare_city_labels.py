"""Two compared cases of one city are told apart by their period (kczlib.report.compare_report).

Several shipped cases are two texts about one city (two years of one city's reports). The
comparison's columns and sentences name cases by city; before, two cases of one city shared a
column name and one overwrote the other's values. A copy of a case (same city, same period) is
told apart by its folder's name as well; a chart's bar puts the case and its value's period in
one bracket (before: 佛山（2020-2023）（2022年）).
"""

from __future__ import annotations

import json

import pytest

from kczlib.analysis.ledger import Ledger
from kczlib.report.compare_report import CompareReport
from kczlib.report.sections import compare

from support.report_setup import copy_second_case, keep_only_cases


def _copy_case(data_copy, source: str, name: str, **meta_changes) -> None:
    """Copy case folder `source` to `name` in the data copy, its case.json `case` renamed and `meta_changes` applied."""
    target = data_copy / "cases" / name
    target.mkdir()
    for f in (data_copy / "cases" / source).iterdir():
        (target / f.name).write_bytes(f.read_bytes())
    meta = json.loads((target / "case.json").read_text(encoding="utf-8"))
    meta.update(case=name, **meta_changes)
    (target / "case.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def _start(lang: str, cases: list[str]) -> CompareReport:
    namespace = {"__name__": "__main__", "cases": cases, "lang": lang}
    report = CompareReport.start("05_compare_cases", namespace)
    from kczlib.report import check_parameters

    check_parameters(namespace)
    return report


def test_two_cases_of_one_city_carry_their_periods_and_a_lone_city_does_not(data_copy):
    keep_only_cases(data_copy, "chengdu")
    copy_second_case(data_copy)  # jiangcheng, period "2023"
    _copy_case(data_copy, "jiangcheng", "jiangcheng_b", period="2024-2025")

    zh = _start("zh", ["chengdu", "jiangcheng", "jiangcheng_b"])
    assert [str(zh.city(c)) for c in zh.cases] == ["成都", "江城市（2023年案例）", "江城市（2024-2025年案例）"]
    en = _start("en", ["jiangcheng", "jiangcheng_b"])
    assert [str(en.city(c)) for c in en.cases] == ["Jiangcheng (2023 case)", "Jiangcheng (2024-2025 case)"]
    alone = _start("en", ["chengdu", "jiangcheng"])
    assert [str(alone.city(c)) for c in alone.cases] == ["Chengdu", "Jiangcheng"]


def test_a_copied_case_is_told_apart_by_its_folder_only_where_labels_would_collide(data_copy):
    # jiangcheng's case.json: city 江城市 / Jiangcheng, period "2023"; the copy keeps both, the
    # third case has another period; chengdu is the only case of its city
    keep_only_cases(data_copy, "chengdu")
    copy_second_case(data_copy)
    _copy_case(data_copy, "jiangcheng", "jiangcheng_copy")
    _copy_case(data_copy, "jiangcheng", "jiangcheng_b", period="2024-2025")

    zh = _start("zh", ["chengdu", "jiangcheng", "jiangcheng_copy", "jiangcheng_b"])
    assert [str(zh.city(c)) for c in zh.cases] == [
        "成都", "江城市（2023年案例，文件夹jiangcheng）", "江城市（2023年案例，文件夹jiangcheng_copy）",
        "江城市（2024-2025年案例）"]
    en = _start("en", ["jiangcheng", "jiangcheng_copy"])
    assert [str(en.city(c)) for c in en.cases] == [
        "Jiangcheng (2023 case, folder jiangcheng)", "Jiangcheng (2023 case, folder jiangcheng_copy)"]
    # no collision, no folder: the copy compared beside another city is the city's bare name
    assert [str(_start("en", ["chengdu", "jiangcheng_copy"]).city(c)) for c in ("chengdu", "jiangcheng_copy")] == [
        "Chengdu", "Jiangcheng"]


def test_a_case_without_a_period_is_told_apart_by_its_folder(data_copy):
    keep_only_cases(data_copy, "chengdu")
    copy_second_case(data_copy)
    _copy_case(data_copy, "jiangcheng", "jiangcheng_undated", period="")
    en = _start("en", ["jiangcheng", "jiangcheng_undated"])
    assert [str(en.city(c)) for c in en.cases] == ["Jiangcheng (2023 case)",
                                                   "Jiangcheng (case folder jiangcheng_undated)"]


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh", ["佛山（2020-2023年案例；2022年）", "成都（2021年）"]),
    ("en", ["Foshan (2020-2023 case; 2022)", "Chengdu (2021)"]),
])
def test_a_chart_bar_names_the_case_and_its_values_period_in_one_bracket(lang, expected):
    # shipped data: foshan_2022 case.json period 2020-2023, figure hightech_2022 of period 2022;
    # foshan_2020 (period 2018-2021) is compared too, so Foshan carries its case's years;
    # chengdu hightech_total_2021 of period 2021, the only Chengdu case: its name alone
    r = CompareReport("05_compare_cases", lang=lang, cases=["foshan_2022", "foshan_2020", "chengdu"])
    r.ledger = Ledger(lang)
    r.new_page()
    (s,) = [s for s in compare.gather(r) if s.indicator == "hightech_enterprises"]
    assert [label for label, _ in compare.chart_items(r, s)] == expected
