"""Which data files a report's cache key hashes (kczlib.publish.manifest.data_files).

A report of one case reads its own case folder and the shared files; a report that sets no
case (the comparison over every case) reads every case folder, so an edit to any case must
change its key. Before, a report without a case hashed no case folder at all, and the
comparison page was reused from the cache after a case's figures changed.
"""

from __future__ import annotations

from kczlib.publish.manifest import data_files

from support.report_setup import copy_second_case


def test_a_case_report_hashes_its_case_and_the_shared_files_only(data_copy):
    copy_second_case(data_copy)
    files = data_files("jiangcheng")
    assert "cases/jiangcheng/figures.csv" in files and "indicators.csv" in files
    assert not any(f.startswith("cases/chengdu/") for f in files)


def test_a_report_without_a_case_hashes_every_case_folder(data_copy):
    copy_second_case(data_copy)
    files = data_files(None)
    assert {"cases/chengdu/figures.csv", "cases/jiangcheng/figures.csv", "indicators.csv"} <= set(files)
    before = files["cases/jiangcheng/figures.csv"]
    path = data_copy / "cases" / "jiangcheng" / "figures.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert data_files(None)["cases/jiangcheng/figures.csv"] != before
