"""A case whose figures.csv holds only its header validates and builds every report (issue 23).

`tests/fixtures/cases/blank` is a synthetic city whose source text states no figure (its one
numeric mention is the list marker 一、): figures.csv and non_figures.csv hold their headers
only. `kcz validate` passes it with the line saying nothing is curated yet; `kcz build` makes
every declared report in both languages, and each reader page says in one sentence that the
case reports no figures (words/common.toml `missing.no_figures`). Before, the overview raised
NonMonotoneError dividing the qualified figures (0) by the figures (0).
"""

from __future__ import annotations

import re
import shutil

import pytest
from bs4 import BeautifulSoup

from conftest import CASE_REPORT_NOTEBOOKS, FIXTURES, REAL_NOTEBOOKS, REPORT_NAMES
from support.builds import kcz_env, real_notebooks_exist, run_kcz, statuses, write_config

pytestmark = [pytest.mark.notebook,
              pytest.mark.skipif(not real_notebooks_exist(), reason="notebooks/*.ipynb not written yet")]

BLANK = FIXTURES / "cases" / "blank"
NO_FIGURES = {"zh": "本案例的数字表中没有任何数字", "en": "This case reports no figures"}


@pytest.fixture(scope="module")
def blank_data(tmp_path_factory):
    """A data folder with the vocabulary, the schemas and the figureless case only."""
    from kczlib.paths import data_root

    root = tmp_path_factory.mktemp("blank_case")
    data = root / "data"
    (data / "cases").mkdir(parents=True)
    shutil.copytree(data_root() / "schema", data / "schema")
    for name in ("indicators.csv", "geo.csv"):
        shutil.copy(data_root() / name, data / name)
    shutil.copytree(BLANK, data / "cases" / BLANK.name)
    return root, data


@pytest.fixture(scope="module")
def blank_run(blank_data):
    root, data = blank_data
    config = write_config(root, [{"notebook": n} for n in REPORT_NAMES], notebooks=REAL_NOTEBOOKS,
                          warm_imports=["pandas", "matplotlib.pyplot", "kczlib", "kczlib.report.theme"])
    config.write_text(config.read_text(encoding="utf-8").replace('case = "chengdu"', 'case = "blank"', 1),
                      encoding="utf-8")
    result = run_kcz("--config", config, "build", "-q", env=kcz_env(KCZ_DATA=str(data)), timeout=1200)
    return root / "out" / "latest", result


def test_a_case_without_figures_passes_validate_with_a_warning(blank_data):
    _, data = blank_data
    result = run_kcz("validate", "blank", env=kcz_env(KCZ_DATA=str(data)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "case blank: 0 figures" in result.stdout
    assert "figures.csv has a header and no rows" in result.stdout


def test_every_report_builds_for_a_case_without_figures(blank_run):
    run, result = blank_run
    assert result.returncode == 0, result.stdout + result.stderr
    assert statuses(run) == {f"{n}-{lang}": "ok" for n in REPORT_NAMES for lang in ("zh", "en")}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", [nb.stem for nb in CASE_REPORT_NOTEBOOKS])  # the reports of one case
def test_each_page_says_once_that_the_case_reports_no_figures(blank_run, name, lang):
    run, _ = blank_run
    page = BeautifulSoup((run / f"{name}-{lang}.html").read_text(encoding="utf-8"), "html.parser")
    text = re.sub(r"\s+", " ", page.get_text(" "))
    assert text.count(NO_FIGURES[lang]) == 1
    assert ("空白市" if lang == "zh" else "Kongbai City") in text
    # no figure, so no key finding and no data-quality share of nothing
    assert ("数据质量" if lang == "zh" else "Data quality") not in text
