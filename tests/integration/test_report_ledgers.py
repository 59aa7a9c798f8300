"""Numbers ledger, narrative templates and derived metrics, with hand-worked values."""


import pytest

import kczlib

from conftest import CASE_REPORT_NOTEBOOKS
from support.notebooks import executed_report

NOTEBOOKS = CASE_REPORT_NOTEBOOKS  # one case's pages (05_compare_cases: tests/integration/test_compare_cases_build.py)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_number_in_a_rendered_narrative_is_in_the_ledger(nb, lang):
    report = executed_report(nb.stem, lang)
    assert report.shown
    for text in report.shown:
        assert report.ledger.unledgered_numbers(text) == [], text


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_numbers_of_a_cited_text_in_the_data_download_end_with_a_digit(nb, lang):
    # a fresh user: the overview's download printed "2023,; 2021" for a data gap's sentence
    # ("... for 2023, while ... 2021"): the comma after 2023 was taken as part of the number
    for row in executed_report(nb.stem, lang).numbers():
        for number in row["text"].split("; ") if row["value"] is None else []:
            assert not number.endswith((",", ".")), (row["label"], row["text"])


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_sources_appendix_resolves_every_figure_to_its_evidence(nb):
    report = executed_report(nb.stem, "en")
    text = kczlib.load_source().text
    ids = report.ledger.figure_ids()
    assert ids
    for fid in ids:
        f = kczlib.figure(fid)
        assert text[f.offset:f.offset + len(f.evidence)] == f.evidence


