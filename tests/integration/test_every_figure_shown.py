"""Every curated figure of a case appears in some reader page of one build (issue 23).

A figure no section prints goes to the "other reported figures" table of the report that is
home to its chain (kczlib/report/others.py). The check reads what a reader downloads: each
page's data CSV (English edition, column "source id": the figure ids behind each printed
number), across all reports of the build, against every id of the case's figures.csv. The
Chinese pages are checked for the table's heading in their language.
"""

from __future__ import annotations

import csv
import re

import pytest
from bs4 import BeautifulSoup

from conftest import CASE_REPORT_NOTEBOOKS, DATA, FIXTURES, REAL_NOTEBOOKS, REPORT_NAMES
from support.builds import kcz_env, run_kcz, statuses, write_config


def figure_ids(figures_csv) -> set[str]:
    with open(figures_csv, encoding="utf-8") as f:
        return {row["id"] for row in csv.DictReader(f)}


def shown_ids(run) -> set[str]:
    """Figure ids behind the printed numbers of every English page of the run (its data CSVs)."""
    seen: set[str] = set()
    for name in REPORT_NAMES:
        with open(run / f"{name}-en.csv", encoding="utf-8-sig") as f:
            for row in csv.DictReader(f):
                seen.update(i.strip() for i in re.split(r"[;,]", row["source id"]) if i.strip())
    return seen


def test_every_figure_of_the_shipped_case_appears_in_some_page(built_reports):
    missing = figure_ids(DATA / "cases" / "chengdu" / "figures.csv") - shown_ids(built_reports)
    assert missing == set()


def test_every_figure_of_the_second_case_appears_in_some_page(second_case_run):
    run, result = second_case_run
    assert result.returncode == 0, result.stderr
    missing = figure_ids(FIXTURES / "cases" / "jiangcheng" / "figures.csv") - shown_ids(run)
    assert missing == set()


@pytest.mark.parametrize("lang, heading", [("zh", "原文报告的其他数字"), ("en", "Other reported figures")])
def test_the_second_case_figure_no_section_uses_is_in_its_homes_table(second_case_run, lang, heading):
    # jiangcheng's science_parks (evidence 3个, chain innovation, no indicator) is asked for by no
    # section: the platforms report, home to the innovation chain, lists it in its table.
    run, _ = second_case_run
    page = BeautifulSoup((run / f"04_platforms_and_industry-{lang}.html").read_text(encoding="utf-8"), "html.parser")
    h2 = [h for h in page.find_all("h2") if heading in h.get_text()]
    assert len(h2) == 1
    table = h2[0].find_next("table")
    cells = [td.get_text(" ", strip=True) for td in table.find_all("td")]
    assert cells[:3] == (["科技园区数", "3个", "累计"] if lang == "zh" else ["Science parks", "3", "cumulative"])
    assert ("创新链" if lang == "zh" else "Innovation chain") in h2[0].find_next("h3").get_text()


# --- every shipped case, every report, both languages (issue 23's acceptance) ----------------

SHIPPED = sorted(p.name for p in (DATA / "cases").iterdir() if (p / "case.json").is_file())
OTHER_SHIPPED = [c for c in SHIPPED if c != "chengdu"]  # chengdu: the session build above


@pytest.fixture(scope="module")
def shipped_cases_run(tmp_path_factory):
    """One real `kcz build` of every per-case report for every shipped case but the default.

    One [[report]] per per-case notebook with a grid over the cases, so each case's pages are
    `<notebook>-case-<case>-<lang>`; the data folder is the project's own (KCZ_DATA unset).
    """
    folder = tmp_path_factory.mktemp("shipped_cases")
    config = write_config(folder, [{"notebook": nb.stem, "grid": {"case": OTHER_SHIPPED}}
                                   for nb in CASE_REPORT_NOTEBOOKS], notebooks=REAL_NOTEBOOKS,
                          warm_imports=["pandas", "matplotlib.pyplot", "kczlib", "kczlib.report.theme"])
    result = run_kcz("--config", config, "build", "-q", env=kcz_env(), timeout=2400)
    return folder / "out" / "latest", result


def test_every_report_builds_for_every_shipped_case_in_both_languages(shipped_cases_run):
    run, result = shipped_cases_run
    assert result.returncode == 0, result.stdout + result.stderr
    expected = {f"{nb.stem}-case-{case}-{lang}" for nb in CASE_REPORT_NOTEBOOKS for case in OTHER_SHIPPED
                for lang in ("zh", "en")}
    assert statuses(run) == dict.fromkeys(expected, "ok")


@pytest.mark.parametrize("case", OTHER_SHIPPED)
def test_every_figure_of_every_shipped_case_appears_in_some_page(shipped_cases_run, case):
    run, _ = shipped_cases_run
    seen: set[str] = set()
    for nb in CASE_REPORT_NOTEBOOKS:
        with open(run / f"{nb.stem}-case-{case}-en.csv", encoding="utf-8-sig") as f:
            for row in csv.DictReader(f):
                seen.update(i.strip() for i in re.split(r"[;,]", row["source id"]) if i.strip())
    assert figure_ids(DATA / "cases" / case / "figures.csv") - seen == set()
