"""The data behind every page and the index as a front page, on a real build of every report.

Each reader page has `<name>.csv` (UTF-8 with a BOM) and `<name>.xlsx` holding one row per
number of its reader meta (`numbers`), each printed on the page; the run has `data.csv` and
`data.xlsx`; the index links them, with each report's first key finding, its dates and its
pages. Expected values are worked out by hand from data/cases/chengdu/figures.csv and
context.csv (e.g. figures.csv: fiscal_st_spending_2021 is 99.4亿元 = 9,940,000,000 yuan).
"""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from kczlib.paths import data_root

from support.builds import manifest, real_notebooks_exist

INDEX = {"zh": "index.html", "en": "index.en.html"}
FISCAL = "01_fiscal_investment"
real = pytest.mark.skipif(not real_notebooks_exist(), reason="notebooks/*.ipynb not written yet")
pytestmark = [real, pytest.mark.notebook]


@pytest.fixture(scope="module")
def run(built_reports):
    """The session's one build of every declared report (support/reader_build.py): read, never changed."""
    return built_reports


def pages(run) -> list[dict]:
    return [e for e in manifest(run)["reports"] if e["status"] in ("ok", "cached")]


def numbers(run, name: str) -> list[dict]:
    """The page's reader meta `numbers`, as the notebook recorded them."""
    nb = json.loads((run / f"{name}.ipynb").read_text(encoding="utf-8"))
    return nb["metadata"]["kcz"]["reader"]["numbers"]


def read_csv(path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), path.name  # the BOM: Excel opens the Chinese as UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def unprefixed(cell: str) -> str:
    """A CSV text cell as the data wrote it (the formula guard's quote removed)."""
    return cell[1:] if cell[:2] in ("'=", "'+", "'-", "'@") else cell


def page_text(run, name: str) -> str:
    page = BeautifulSoup((run / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
    return re.sub(r"\s+", " ", page.get_text(" "))


def by_label_and_text(rows: list[dict], label: str, text: str) -> dict:
    found = [r for r in rows if r["label"] == label and r["text"] == text]
    assert found, (label, text, [(r["label"], r["text"]) for r in rows])
    return found[0]


def test_every_page_csv_has_a_bom_and_one_row_per_number_each_printed_on_the_page(run):
    assert len(pages(run)) >= 10
    for entry in pages(run):
        name, rows = entry["name"], numbers(run, entry["name"])
        assert rows, name
        table = read_csv(run / f"{name}.csv")
        assert len(table) == 1 + len(rows), name
        assert [unprefixed(r[1]) for r in table[1:]] == [n["text"] for n in rows]
        text = page_text(run, name)
        for n in rows:  # a cited text's numbers are listed with "; "
            for piece in n["text"].split("; "):
                assert piece in text, (name, piece)
        if entry["parameters"]["lang"] == "zh":
            assert table[0][:3] == ["指标", "页面所印", "数值"]
        else:
            assert table[0][:3] == ["label", "as printed", "value"]


def test_every_page_xlsx_opens_and_holds_what_the_csv_holds(run):
    for entry in pages(run):
        name = entry["name"]
        table = read_csv(run / f"{name}.csv")
        sheet = load_workbook(run / f"{name}.xlsx", read_only=True).active
        cells = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
        assert len(cells) == len(table), name
        for xrow, crow in zip(cells, table, strict=True):
            for x, c in zip(xrow, crow, strict=False):
                if isinstance(x, int | float):  # openpyxl reads 2021.0 back as 2021
                    assert float(c) == pytest.approx(x), (name, x, c)
                else:
                    assert str(x).replace("\n", "\r") == unprefixed(c).replace("\n", "\r"), (name, x, c)


def test_the_fiscal_page_numbers_checked_by_hand_against_figures_and_context(run):
    zh = numbers(run, f"{FISCAL}-zh")
    # figures.csv fiscal_st_spending_2021: 市级财政科技支出99.4亿元, 2021
    spending = by_label_and_text(zh, "市级财政科技支出", "99.4亿元")
    assert spending["value"] == spending["lower"] == spending["upper"] == pytest.approx(9_940_000_000)
    assert spending["kind"] == "case figure" and spending["source_id"] == "fiscal_st_spending_2021"
    assert spending["evidence"] == "市级财政科技支出99.4亿元" and spending["url"] == ""
    # fiscal_grant_range: 给予100万元至2000万元的财政资助 -> 1,000,000 to 20,000,000 yuan, no single value
    grant = by_label_and_text(zh, "项目财政资助额度", "100万元至2000万元")
    assert (grant["value"], grant["lower"], grant["upper"]) == (None, 1_000_000, 20_000_000)
    # rd_intensity_2021: 研发投入强度达到3%以上 -> at least 3 (percent), no upper bound
    rd = by_label_and_text(zh, "全社会研发投入强度", "3%以上")
    assert (rd["lower"], rd["upper"], rd["unit"]) == (3, None, "%")
    # context.csv gdp_chengdu_2021: 19916.98亿元 (2021), an external statistic with its URL
    gdp = by_label_and_text(zh, "地区生产总值", "19916.98亿元")
    assert gdp["value"] == pytest.approx(1_991_698_000_000) and gdp["kind"] == "context"
    assert gdp["url"] == "http://sc.people.com.cn/BIG5/n2/2022/0125/c345509-35111527.html"
    assert gdp["publisher"]  # the publisher column, or the URL's host
    # its year is a year of an external statistic, not a case figure (M11)
    assert by_label_and_text(zh, "地区生产总值的年份", "2021年")["kind"] == "context"
    # 99.4亿元 / 19916.98亿元 = 0.4991%: derived, resting on both rows
    share = by_label_and_text(zh, "市级财政科技支出除以地区生产总值", "0.499%")
    assert share["kind"] == "derived" and share["value"] == pytest.approx(99.4 / 19916.98)
    assert share["source_id"] == "fiscal_st_spending_2021; gdp_chengdu_2021"
    # 99.4亿元 over the province's 273.3亿元 (context fiscal_st_sichuan_2021: 四川, 2021) = 36.4%:
    # the province's row is named with its place, not as if it were the city's own spending
    province = by_label_and_text(zh, "市级财政科技支出除以四川省2021年财政科学技术支出", "36.4%")
    assert province["value"] == pytest.approx(99.4 / 273.3)
    # 3.52% (Chengdu, 2022) over 2.54% (the nation, 2022) = 1.386: two inputs of one name and one
    # year are told apart by their place ("R&D intensity (2022) divided by R&D intensity (2022)")
    ratio = by_label_and_text(numbers(run, f"{FISCAL}-en"),
                              "R&D intensity (Chengdu, 2022) divided by R&D intensity (China, 2022)", "1.39×")
    assert ratio["value"] == pytest.approx(3.52 / 2.54)



def test_a_cited_texts_row_says_its_numbers_are_the_texts_and_a_gap_is_named_by_its_label(run):
    # context.meta.json gap fiscal_st_series (label 市级财政科技支出的逐年序列): its sentence cites the
    # case's year 2021; the download read "数据缺口 fiscal_st_series" | "2021", as if 2021 were its value
    zh = numbers(run, f"{FISCAL}-zh")
    row = by_label_and_text(zh, "数据缺口：市级财政科技支出的逐年序列（引文中的数字）", "2021")
    assert row["value"] is None
    assert not any("fiscal_st_series" in r["label"] for r in zh)


def test_a_compound_rate_names_its_span_of_years_not_a_row(run):
    # 04: high-tech enterprises 4149 (context, 2019) -> 9856 (2022): (9856 / 4149) ** (1 / 3) - 1 = 33.4%
    # a fresh user found the span (3) named as the 2019 row, and the rate as powers
    rows = numbers(run, "04_platforms_and_industry-en")
    cagr = by_label_and_text(rows, "compound yearly growth from high-tech enterprises (effective) (2019) to "
                                   "high-tech enterprises (effective) (2022) over the years from 2019 to 2022", "33.4%")
    assert cagr["value"] == pytest.approx((9856 / 4149) ** (1 / 3) - 1)
    # the same rows in the CSV, in Chinese words
    table = read_csv(run / f"{FISCAL}-zh.csv")
    row = next(r for r in table if r[0] == "地区生产总值" and r[1] == "19916.98亿元")
    assert row[2] == "1991698000000" and row[6] == "外部统计"
    en = read_csv(run / f"{FISCAL}-en.csv")
    assert any(r[6] == "external statistic" and r[7] == "gdp_chengdu_2021" for r in en[1:])


def test_no_context_row_or_its_year_is_labelled_a_case_figure_on_any_page(run):
    """M11: a number resting on context rows only is "context"; a case figure rests on figures only."""
    import pandas as pd

    figure_ids = set(pd.read_csv(data_root() / "cases" / "chengdu" / "figures.csv")["id"])
    context_ids = set(pd.read_csv(data_root() / "cases" / "chengdu" / "context.csv")["id"])
    # the comparison over every case names each row <case>/<id> (kczlib.report.compare_report)
    for folder in (data_root() / "cases").iterdir():
        if (folder / "case.json").is_file():
            figure_ids |= {f"{folder.name}/{i}" for i in pd.read_csv(folder / "figures.csv")["id"]}
            context_ids |= {f"{folder.name}/{i}" for i in pd.read_csv(folder / "context.csv")["id"]}
    seen_context_years = 0
    for entry in pages(run):
        for n in numbers(run, entry["name"]):
            ids = set(filter(None, n["source_id"].split("; ")))
            if n["kind"] == "case figure":
                assert ids <= figure_ids and (ids or n["evidence"]), (entry["name"], n)  # or a quotation
            if ids and ids <= context_ids:  # a row, its year or a text of it; or computed from rows
                assert n["kind"] in ("context", "derived"), (entry["name"], n)
                if n["unit"] in ("年", "years") and n["value"] == int(n["text"].rstrip("年")[-4:]):  # a year
                    assert n["kind"] == "context", (entry["name"], n)
                    seen_context_years += 1
        # the page's own ledger table says the same in words
        page = BeautifulSoup((run / f"{entry['name']}.html").read_text(encoding="utf-8"), "html.parser")
        kinds = [td.get_text(strip=True) for tr in page.select("details.kcz-appendix table tbody tr")
                 for td in tr.select("td")[2:3]]
        wanted = "外部统计" if entry["parameters"]["lang"] == "zh" else "external statistic"
        if any(n["kind"] == "context" and n["value"] is not None for n in numbers(run, entry["name"])):
            assert wanted in kinds, entry["name"]
    assert seen_context_years >= 5  # the years of external statistics the review found labelled so


def test_data_as_of_on_the_fiscal_page_is_its_latest_period(run):
    # by hand: the fiscal page prints 2021 figures, context rows of 2020-2022 and
    # budget_expenditure_chengdu_2023 (period 2023); no monthly or half-year row
    for lang, words in (("zh", "2023年"), ("en", "2023")):
        reader = json.loads((run / f"{FISCAL}-{lang}.ipynb").read_text(encoding="utf-8"))["metadata"]["kcz"]["reader"]
        assert reader["data_as_of"] == "2023" and reader["data_as_of_text"] == words
        card = front_cards(run, lang)[f"{FISCAL}-{lang}.html"]
        assert words in card.select_one(".kcz-dates").get_text(" ")


def test_the_run_data_holds_every_page_with_its_page_column(run):
    table = read_csv(run / "data.csv")
    assert table[0][:3] == ["页面 page", "语言 language", "指标 label"]
    for entry in pages(run):
        assert sum(r[0] == entry["name"] for r in table[1:]) == len(numbers(run, entry["name"]))
    sheet = load_workbook(run / "data.xlsx", read_only=True).active
    assert sum(1 for _ in sheet.iter_rows()) == len(table)


def front_cards(run, lang: str) -> dict:
    page = BeautifulSoup((run / INDEX[lang]).read_text(encoding="utf-8"), "html.parser")
    return {c.select_one("h3 a")["href"]: c for c in page.select("article.kcz-card")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_index_is_a_front_page_whose_every_link_resolves(run, lang):
    html = (run / INDEX[lang]).read_text(encoding="utf-8")
    page = BeautifulSoup(html, "html.parser")
    assert not page.find("script") and "<script" not in html.lower()
    hrefs = [a["href"] for a in page.select("a[href]")]
    for href in hrefs:
        parts = urlsplit(href)
        assert not parts.scheme and not parts.netloc, href  # nothing leaves the run folder
        if parts.path:
            assert (run / unquote(parts.path)).is_file(), href
    assert {"data.csv", "data.xlsx"} <= set(hrefs)
    cards = front_cards(run, lang)
    for entry in pages(run):
        if entry["parameters"]["lang"] != lang:
            continue
        name, reader = entry["name"], entry["reader"]
        card = cards[f"{name}.html"]
        links = {a["href"] for a in card.select("a[href]")}
        assert {f"{name}.html", f"{name}.analyst.html", f"{name}.csv", f"{name}.xlsx"} <= links
        finding = card.select_one(".kcz-finding").get_text()
        assert finding == reader["findings"][0] and re.search(r"\d", finding), name  # a finding with its number
        assert card.select_one(".kcz-dates time")["datetime"] == entry["built_at"][:10]
    # the build details are in the footer, after every report
    footer = page.select_one("footer")
    assert footer.select_one("details.kcz-build") is not None
    assert not page.select_one("main").select("details.kcz-build")
    assert {f"{e['name']}.ipynb" for e in pages(run)} <= {a["href"] for a in footer.select("a")}


def test_a_second_case_gets_the_same_downloads_resting_on_its_own_rows(second_case_run):
    """The downloads are built from the ledger for any case: the fixture case (no context rows)."""
    import pandas as pd

    from conftest import SECOND_CASE

    run, _ = second_case_run
    figure_ids = set(pd.read_csv(SECOND_CASE / "figures.csv")["id"])
    for entry in pages(run):
        rows = numbers(run, entry["name"])
        assert len(read_csv(run / f"{entry['name']}.csv")) == 1 + len(rows), entry["name"]
        for n in rows:
            ids = set(filter(None, n["source_id"].split("; ")))
            assert ids <= figure_ids, (entry["name"], n)  # no other case's row
            assert n["kind"] != "context" or not ids, (entry["name"], n)  # the case has no context rows
    for lang in INDEX:
        page = BeautifulSoup((run / INDEX[lang]).read_text(encoding="utf-8"), "html.parser")
        for href in (a["href"] for a in page.select("a[href]")):
            assert (run / unquote(urlsplit(href).path)).is_file() or not urlsplit(href).path, href
