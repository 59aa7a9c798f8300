"""The data downloads (kczlib.publish.html.downloads), without a build: CSV with a BOM that no
spreadsheet evaluates, XLSX whose texts are strings, files written whole, headers in words.

The payloads are OWASP's CSV-injection examples (https://owasp.org/www-community/attacks/CSV_Injection).
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from kczlib.publish.html.downloads import (
    COLUMNS,
    RUN_FILES,
    csv_bytes,
    headers,
    rows,
    safe_text,
    write_page_data,
    write_run_data,
    xlsx_bytes,
)

ATTACKS = ["=1+1", "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1",
           '=HYPERLINK("http://127.0.0.1:9/x","click")']


def number(**over) -> dict:
    row = {"label": "科技支出", "text": "99.4亿元", "value": 9.94e9, "lower": 9.94e9, "upper": 9.94e9,
           "unit": "元", "kind": "case figure", "source_id": "fiscal_2021", "evidence": "市级财政科技支出99.4亿元",
           "publisher": "", "url": "", "derivation": ""}
    return {**row, **over}


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_text_that_starts_like_a_formula_is_prefixed_and_others_are_not(attack):
    assert safe_text(attack) == "'" + attack
    assert safe_text("99.4亿元") == "99.4亿元" and safe_text("a=b") == "a=b"


def test_csv_has_a_bom_quotes_every_text_and_keeps_numbers_as_numbers():
    data = csv_bytes(headers("zh"), rows([number(label=a, evidence=a) for a in ATTACKS] + [number(lower=-0.5)], "zh"))
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the file as UTF-8
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0][0] == "指标" and table[0][COLUMNS.index("kind")] == "类别"
    for row, attack in zip(table[1:], ATTACKS, strict=False):
        assert row[0] == "'" + attack and row[COLUMNS.index("evidence")] == "'" + attack
        assert row[COLUMNS.index("kind")] == "原文数字"
    assert table[-1][COLUMNS.index("lower")] == "-0.5"  # a number we wrote is a number
    assert table[-1][COLUMNS.index("value")] == "9940000000"  # a whole number without ".0"
    # every text cell is quoted, so a spreadsheet cannot split or evaluate it
    assert data.decode("utf-8-sig").splitlines()[1].startswith('"\'=1+1"')


def test_xlsx_writes_every_text_as_a_string_never_a_formula():
    body = rows([number(label=a, source_id=a) for a in ATTACKS] + [number(text="x\x00y")], "en")
    book = load_workbook(io.BytesIO(xlsx_bytes(headers("en"), body, "data")))
    sheet = book.active
    assert [c.value for c in sheet[1]] == headers("en")
    for r, attack in enumerate(ATTACKS, start=2):
        cell = sheet.cell(row=r, column=1)
        # (XML reads a carriage return back as a line feed)
        assert cell.value == attack.replace("\r", "\n") and cell.data_type == "s"
        assert sheet.cell(row=r, column=COLUMNS.index("value") + 1).value == pytest.approx(9.94e9)
        assert sheet.cell(row=r, column=COLUMNS.index("kind") + 1).value == "case figure"
    assert sheet.cell(row=len(ATTACKS) + 2, column=2).value == "xy"  # a control character openpyxl refuses
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(headers("en"), body, "data"))) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_kinds_are_words_of_the_page_language_and_context_is_never_a_case_figure():
    kinds = [number(kind=k) for k in ("case figure", "context", "derived", "assumption")]
    assert [r[COLUMNS.index("kind")] for r in rows(kinds, "zh")] == ["原文数字", "外部统计", "推导值", "假设"]
    assert [r[COLUMNS.index("kind")] for r in rows(kinds, "en")] == [
        "case figure", "external statistic", "derived", "assumption"]


def test_page_and_run_files_are_written_whole_with_headers_in_their_languages(tmp_path):
    assert write_page_data(tmp_path, "01_x-en", [number(), number(value=None, lower=1.0, upper=None)], "en") == [
        "01_x-en.csv", "01_x-en.xlsx"]
    write_page_data(tmp_path, "01_x-zh", [], "zh")  # a failed report: the header only
    assert write_run_data(tmp_path, [("01_x-en", "en", [number()]), ("01_x-zh", "zh", [number(), number()])]) == list(
        RUN_FILES)
    assert sorted(p.name for p in tmp_path.iterdir()) == [  # no temporary file left behind
        "01_x-en.csv", "01_x-en.xlsx", "01_x-zh.csv", "01_x-zh.xlsx", "data.csv", "data.xlsx"]
    en = list(csv.reader(io.StringIO((tmp_path / "01_x-en.csv").read_text(encoding="utf-8-sig"))))
    assert en[0][:3] == ["label", "as printed", "value"] and en[2][2:5] == ["", "1", ""]
    assert list(csv.reader(io.StringIO((tmp_path / "01_x-zh.csv").read_text(encoding="utf-8-sig")))) == [headers("zh")]
    run = list(csv.reader(io.StringIO((tmp_path / "data.csv").read_text(encoding="utf-8-sig"))))
    assert run[0][:2] == ["页面 page", "语言 language"]
    assert [r[0] for r in run[1:]] == ["01_x-en", "01_x-zh", "01_x-zh"]
    assert [r[8] for r in run[1:]] == ["case figure", "原文数字", "原文数字"]  # each row's kind in its page's language
    sheet = load_workbook(tmp_path / "data.xlsx").active
    assert sheet.max_row == 4 and sheet.cell(row=2, column=1).value == "01_x-en"


def test_the_index_links_a_file_only_when_it_is_in_the_run_and_puts_the_build_in_the_footer():
    from bs4 import BeautifulSoup

    from kczlib.publish.html.index_page import render_index

    reader = {"title": "Fiscal", "findings": ["Spending was CNY 9.94 bn in 2021.", "Second."],
              "data_as_of": "2019-H1", "data_as_of_text": "H1 2019"}
    entry = {"name": "01_f-en", "parameters": {"case": "chengdu", "lang": "en"}, "status": "ok", "seconds": 1.0,
             "data_version": "abc", "built_at": "2026-11-30T10:00:00Z", "reader": reader}
    manifest = {"run": "r", "started_at": "2026-12-01T00:00:00Z", "seconds": 2.0, "counts": {"ok": 1},
                "reports": [entry]}
    built = {"01_f-en.html", "01_f-en.analyst.html", "01_f-en.ipynb", "01_f-en.csv", "01_f-en.xlsx", "manifest.json",
             "data.csv", "data.xlsx"}
    for files, pdf in ((built, False), (built | {"01_f-en.pdf"}, True)):
        page = BeautifulSoup(render_index(manifest, "en", files), "html.parser")
        hrefs = {a["href"] for a in page.select("a[href]")} - {"index.html"}
        assert hrefs <= files and ("01_f-en.pdf" in hrefs) == pdf
        card = page.select_one("article.kcz-card")
        assert card.select_one(".kcz-finding").get_text() == "Spending was CNY 9.94 bn in 2021."
        assert card.select_one(".kcz-dates time")["datetime"] == "2026-11-30"  # the report's build date
        assert "H1 2019" in card.select_one(".kcz-dates").get_text()
        assert page.select_one("footer details.kcz-build") and not page.select_one("main details")
    assert not page.select(".kcz-footnotes")  # no finding carries the reprint mark: no footnote
    # a finding with the mark (†, a value read from a reprint) brings the reports' footnote to the front page
    reader["findings"] = ["Sichuan spent CNY 27.3 bn†.", "Second."]
    page = BeautifulSoup(render_index(manifest, "en", built), "html.parser")
    assert page.select_one(".kcz-footnotes").get_text().startswith("† Value read from a reprint")
    # a run folder without the data files (an old run): no dangling link
    page = BeautifulSoup(render_index(manifest, "en", {"01_f-en.html"}), "html.parser")
    assert {a["href"] for a in page.select("a[href]")} == {"index.html", "01_f-en.html"}
