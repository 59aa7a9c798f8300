"""Two compared cases of one city are told apart by their period (kczlib.report.compare_report).

Several shipped cases are two texts about one city (two years of one city's reports). The
comparison's columns and sentences name cases by city; before, two cases of one city shared a
column name and one overwrote the other's values.
"""

from __future__ import annotations

import json

from kczlib.report.compare_report import CompareReport

from support.report_setup import copy_second_case, keep_only_cases


def _start(lang: str, cases: list[str]) -> CompareReport:
    namespace = {"__name__": "__main__", "cases": cases, "lang": lang}
    report = CompareReport.start("05_compare_cases", namespace)
    from kczlib.report import check_parameters

    check_parameters(namespace)
    return report


def test_two_cases_of_one_city_carry_their_periods_and_a_lone_city_does_not(data_copy):
    keep_only_cases(data_copy, "chengdu")
    copy_second_case(data_copy)  # jiangcheng, period "2023"
    later = data_copy / "cases" / "jiangcheng_b"
    later.mkdir()
    for f in (data_copy / "cases" / "jiangcheng").iterdir():
        (later / f.name).write_bytes(f.read_bytes())
    meta = json.loads((later / "case.json").read_text(encoding="utf-8"))
    meta.update(case="jiangcheng_b", period="2024-2025")
    (later / "case.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    zh = _start("zh", ["chengdu", "jiangcheng", "jiangcheng_b"])
    assert [str(zh.city(c)) for c in zh.cases] == ["成都", "江城市（2023）", "江城市（2024-2025）"]
    en = _start("en", ["jiangcheng", "jiangcheng_b"])
    assert [str(en.city(c)) for c in en.cases] == ["Jiangcheng (2023)", "Jiangcheng (2024-2025)"]
    alone = _start("en", ["chengdu", "jiangcheng"])
    assert [str(alone.city(c)) for c in alone.cases] == ["Chengdu", "Jiangcheng"]
