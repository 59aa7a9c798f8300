"""What a reader receives: the index, the report pages, their folds, links and font.

The real notebooks are built once (both languages) and the pages are read with a real
HTML parser (BeautifulSoup), as text and structure, not as the code that made them.
Expected values come from the source document and case.json, worked out by hand:
e.g. the source says 累计帮助2700余家科技型企业 and 获得贷款200多亿元.
"""

from __future__ import annotations

import base64
import io
import json
import re

import pytest
from bs4 import BeautifulSoup

from kczlib.cli import main

from conftest import DATA, FIXTURE_NOTEBOOKS
from support.builds import manifest, real_notebooks_exist, statuses, write_config

CJK = re.compile(r"[\u3400-\u9fff]")
SLUG = re.compile(r"\d\d_[a-z_]+-(zh|en)")
INDEX = {"zh": "index.html", "en": "index.en.html"}
real = pytest.mark.skipif(not real_notebooks_exist(), reason="notebooks/*.ipynb not written yet")


@pytest.fixture(scope="module")
def run(built_reports):
    """The session's one build of every declared report, both languages (support/reader_build.py):
    read here, never changed. (It was a second, identical build of its own.)"""
    return built_reports


def soup(path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text(node) -> str:
    """What a reader reads in `node` (heading anchors, hidden by the stylesheet, left out)."""
    node = BeautifulSoup(str(node), "html.parser")
    for anchor in node.select("a.anchor-link"):
        anchor.decompose()
    return re.sub(r"\s+", " ", node.get_text(" ")).strip()


def reports(run) -> list[dict]:
    return manifest(run)["reports"]


# --- the index ----------------------------------------------------------------------

@real
@pytest.mark.notebook
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_language_has_a_landing_page_with_the_source_and_a_card_per_report(run, lang):
    page = soup(run / INDEX[lang])
    assert page.html["lang"] == lang
    title = page.title.get_text()
    assert title and not re.search(r"\d", title), title  # no run timestamp
    assert "持续优化科创生态" in text(page)  # the source document's title, in both languages
    assert "2020–2023" in text(page)  # its period
    other = "en" if lang == "zh" else "zh"
    assert page.select_one(f'nav a[href="{INDEX[other]}"]') is not None  # the language switch
    cards = page.select("article.kcz-card")
    names = sorted(e["name"] for e in reports(run) if e["parameters"]["lang"] == lang)
    assert sorted(c.select_one("h3 a")["href"] for c in cards) == [f"{n}.html" for n in names]
    for card in cards:
        heading = text(card.select_one("h3"))
        assert not SLUG.search(heading) and "_" not in heading  # the report's real title
        assert bool(CJK.search(heading)) == (lang == "zh")
        assert len(text(card.select_one("p"))) > 40  # a summary of a few lines
        if "compare" not in card.select_one("h3 a")["href"]:  # one case's report: its headline figures
            assert 2 <= len(card.select(".kcz-keys dd")) <= 3
        assert card.find_parent("details") is None  # cards are not build details
    # the card's title is the report page's own title
    first = cards[0].select_one("h3 a")
    assert text(first) == text(soup(run / first["href"]).select_one("h1"))


@real
@pytest.mark.notebook
def test_index_cards_show_the_source_figures_as_the_ledger_printed_them(run):
    cards = {c.select_one("h3 a")["href"]: c for lang in INDEX
             for c in soup(run / INDEX[lang]).select("article.kcz-card")}
    zh = [text(dd) for dd in cards["02_tech_finance_leverage-zh.html"].select(".kcz-keys dd")]
    en = [text(dd) for dd in cards["02_tech_finance_leverage-en.html"].select(".kcz-keys dd")]
    # 累计帮助2700余家: more than 2700 firms; 获得贷款200多亿元: more than 20 bn yuan
    assert any("2700" in v and "家" in v for v in zh) and any("200" in v and "亿元" in v for v in zh)
    assert any("2,700" in v for v in en) and any("20" in v and "bn" in v for v in en)
    for href, card in cards.items():  # every headline number is printed text of that report's ledger
        ledger = soup(run / href).select_one("details.kcz-appendix table")
        printed = {text(tr.select_one("td")) for tr in ledger.select("tbody tr")}
        assert {text(dd) for dd in card.select(".kcz-keys dd")} <= printed, href  # (dates are the build's)


@real
@pytest.mark.notebook
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_build_details_are_folded_below_the_cards(run, lang):
    page = soup(run / INDEX[lang])
    details = page.select_one("details.kcz-build")
    assert details is not None and not details.has_attr("open")
    assert details.find_previous("article", class_="kcz-card") is not None  # after the cards
    outside = [a["href"] for a in page.select("a[href]") if a.find_parent("details") is None]
    # a card links its reader page, analyst page and data; notebooks and the manifest are build details
    assert not any(h.endswith((".ipynb", ".json")) for h in outside), outside
    assert manifest(run)["run"] not in text(page.select_one("main").find("section"))
    assert {f"{e['name']}.analyst.html" for e in reports(run)} <= {a["href"] for a in details.select("a")}


# --- the report pages ---------------------------------------------------------------

def reader_pages(run):
    return [(e, soup(run / f"{e['name']}.html")) for e in reports(run)]


def case_pages(run):
    """The reader pages of one case's reports: a report over several cases (05_compare_cases)
    has no single source, publisher or city to frame it (tests/integration/test_compare_cases_build.py)."""
    return [(e, p) for e, p in reader_pages(run) if "case" in e["parameters"]]


@real
@pytest.mark.notebook
def test_every_report_page_stands_alone_with_title_case_date_and_links_onward(run):
    for entry, page in case_pages(run):
        lang, name = entry["parameters"]["lang"], entry["name"]
        assert page.html["lang"] == {"zh": "zh-CN", "en": "en"}[lang]
        h1 = text(page.select_one("header h1"))
        assert page.title.get_text().startswith(h1) and not SLUG.search(page.title.get_text())
        assert bool(CJK.search(h1)) == (lang == "zh"), h1
        assert len(page.select("h1")) == 1  # the notebook's own title is not repeated
        header = text(page.select_one("header"))
        assert ("成都" if lang == "zh" else "Chengdu") in header and "2020–2023" in header
        y, m, d = (int(x) for x in entry["built_at"][:10].split("-"))
        months = ["January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"]
        assert (f"{y}年{m}月{d}日" if lang == "zh" else f"{d} {months[m - 1]} {y}") in header
        assert page.select_one("a.kcz-back")["href"] == INDEX[lang]
        other = name[:-2] + ("en" if lang == "zh" else "zh")
        switch = page.select_one("a.kcz-lang")
        assert switch["href"] == f"{other}.html" and (run / switch["href"]).is_file()


@real
@pytest.mark.notebook
def test_every_report_page_reads_as_a_publication_title_block_contents_citation_sequence(run):
    """Issue 22 §2: the furniture of a report, every field traced to case.json or the build."""
    case = json.loads((DATA / "cases" / "chengdu" / "case.json").read_text(encoding="utf-8"))
    names = {lang: [e["name"] for e in reports(run) if e["parameters"]["lang"] == lang] for lang in INDEX}
    for entry, page in case_pages(run):
        lang, name = entry["parameters"]["lang"], entry["name"]
        header = text(page.select_one("header"))
        for key in ("publisher", "author", "programme"):
            assert case[key][lang] in header, (name, key)
        # the browser tab names the city once (review L13)
        assert page.title.get_text().count(case["city"][lang]) == 1, page.title.get_text()
        # links to the citation, the page's data and print/PDF; no script anywhere
        hrefs = [a["href"] for a in page.select("header .kcz-tools a")]
        assert hrefs == ["#cite", f"{name}.csv", f"{name}.xlsx", "#kcz-print"], hrefs
        assert not page.select("script")
        # contents: every h2 of the body, in order, each link landing on its heading
        toc = [a["href"] for a in page.select("nav.kcz-toc a")]
        body = [h for h in page.select("main h2") if h.find_parent("details") is None]
        assert toc == [f"#{h['id']}" for h in body] + ["#appendix"], (name, toc)
        assert len(set(toc)) == len(toc) and all(page.find(id=t[1:]) is not None for t in toc)
        # the report's own sections, as its reader meta lists them (conventions: `sections`)
        own = [{"id": h["id"], "heading": text(h)} for h in body if h["id"].startswith("kcz-s")]
        assert entry["reader"]["sections"] == own, name
        # the citation: the build's date and commit, the title; its files beside the page
        cite = text(page.select_one("#cite .kcz-citation"))
        y, m, d = (int(x) for x in entry["built_at"][:10].split("-"))
        months = ["January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"]
        # GB/T 7714: a report without an address ([R], as this build has no [publication] url) gives
        # its year; the (update) date in brackets belongs to an online one ([R/OL])
        date = f"{y}." if lang == "zh" else f"({y}, {months[m - 1]} {d})"
        assert date in cite and entry["git_commit"][:12] in cite, cite
        assert text(page.select_one("header h1")) in cite
        [item] = json.loads((run / f"{name}.csl.json").read_text(encoding="utf-8"))
        assert item["issued"]["date-parts"] == [[int(x) for x in entry["built_at"][:10].split("-")]]
        assert item["title"].startswith(text(page.select_one("header h1")))
        assert (run / f"{name}.bib").read_text(encoding="utf-8").startswith("@misc{")
        # previous / next: the neighbours in the same language, in reports.toml order
        seq = {a["rel"][0]: a["href"] for a in page.select("nav.kcz-sequence a")}
        at = names[lang].index(name)
        want = {"prev": names[lang][at - 1] if at else None,
                "next": names[lang][at + 1] if at + 1 < len(names[lang]) else None}
        assert seq == {k: f"{v}.html" for k, v in want.items() if v}, (name, seq)
        # without --pdf the print link is the browser's print hint, not a missing file
        assert not (run / f"{name}.pdf").exists() and page.select_one("#kcz-print a") is None


@real
@pytest.mark.notebook
def test_the_about_box_says_what_the_source_is_how_ranges_read_and_where_assumptions_enter(run):
    for entry, page in case_pages(run):
        about = page.select_one("main section.kcz-about")
        # method and caveats come after the findings and sections, before the folded appendix
        first = page.select_one("main h2")
        assert text(first) in ("主要发现", "Key findings") and first.find_next("section", class_="kcz-about") is about
        assert about.find_next("details", class_="kcz-appendix") is not None
        assert all(h.find_parent("details") or h.find_parent("section") for h in about.find_all_next("h2"))
        words = text(about)
        lang, notebook = entry["parameters"]["lang"], entry["name"][:-3]
        assert ("不是经过审计的统计数据" if lang == "zh" else "not audited statistics") in words
        assert all(q in words for q in ("余", "多", "超", "近"))
        has_assumptions = notebook in ("01_fiscal_investment", "02_tech_finance_leverage")
        if lang == "en":
            assert ("Assumptions enter" in words) == has_assumptions, notebook
            assert ("uses no assumptions" in words) == (not has_assumptions), notebook
        else:
            assert ("假设只出现在" in words) == has_assumptions, notebook


@real
@pytest.mark.notebook
def test_ledger_and_sources_are_in_a_folded_appendix_and_no_code_or_warning_shows(run):
    for entry, page in reader_pages(run):
        lang = entry["parameters"]["lang"]
        appendix = page.select_one("details.kcz-appendix")
        assert appendix is not None and not appendix.has_attr("open"), entry["name"]
        assert appendix.select_one("summary") is not None
        headings = [text(h) for h in appendix.select("h2")]
        ledger, sources = ("数字台账", "来源附录") if lang == "zh" else ("Numbers ledger", "Sources")
        assert ledger in headings and sources in headings, headings
        body_headings = [text(h) for h in page.select("main h2") if h.find_parent("details") is None]
        assert ledger not in body_headings and sources not in body_headings
        assert page.select_one("details.kcz-provenance") is page.select("details")[-1]
        assert not page.select(".jp-CodeCell .jp-InputArea, .jp-CodeMirrorEditor, .highlight")  # no code
        assert not page.select('[data-mime-type="application/vnd.jupyter.stderr"]')
        assert "Warning" not in text(page.select_one("main")), entry["name"]


@real
@pytest.mark.notebook
def test_source_urls_are_links(run):
    page = soup(run / "02_tech_finance_leverage-en.html")
    # context.csv: the 2023 Kechuangdai totals come from Science and Technology Daily
    hrefs = [a["href"] for a in page.select("details.kcz-appendix a[href]")]
    assert any(h.startswith("http://digitalpaper.stdaily.com/") for h in hrefs), hrefs
    for entry, page in reader_pages(run):
        for td in page.select("td"):
            if re.fullmatch(r"https?://\S+", text(td)):
                assert td.select_one("a[href]") is not None, (entry["name"], text(td))


@real
@pytest.mark.notebook
def test_the_provenance_block_shows_parameters_escaped_once(run):
    for _entry, page in case_pages(run):
        block = text(page.select_one("details.kcz-provenance"))
        assert 'case = "chengdu"' in block, block[:300]
        assert "&quot;" not in block


@real
@pytest.mark.notebook
def test_each_page_embeds_a_font_subset_covering_its_characters_and_stays_under_one_megabyte(run):
    from fontTools.ttLib import TTFont

    sizes = {}
    for path in sorted(run.glob("*.html")):
        if path.name.endswith(".analyst.html"):
            continue
        html = path.read_text(encoding="utf-8")
        sizes[path.name] = len(html.encode())
        assert sizes[path.name] < 1_000_000, (path.name, sizes[path.name])
        page = BeautifulSoup(html, "html.parser")
        css = page.style.get_text()
        face = re.search(r'@font-face\{font-family:"([^"]+)".*?url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)', css)
        assert face, path.name
        family, data = face.groups()
        assert re.search(rf'body\{{[^}}]*font:[^;}}]*"{family}"', css)  # and the page uses it
        font = TTFont(io.BytesIO(base64.b64decode(data)))
        assert font.flavor == "woff2"
        cmap = set(font.getBestCmap())
        # the previous/next links arrive once the run is done, with a face of their own for
        # their characters (pages.sequence_font), tried first for them
        for style in page.select("style.kcz-sequence-font"):
            extra = re.search(r"base64,([A-Za-z0-9+/=]+)", style.get_text())
            cmap |= set(TTFont(io.BytesIO(base64.b64decode(extra[1]))).getBestCmap())
        shown = set(CJK.findall(text(page.body)))
        assert shown and not {c for c in shown if ord(c) not in cmap}, path.name
        assert len(cmap) < 3000  # a subset, not the whole font (~30,000 characters)
    print("page sizes (bytes):", json.dumps(sizes, indent=1))


# --- stderr fails a report ------------------------------------------------------------

def test_a_warning_in_a_report_fails_that_report_and_names_the_cell(tmp_path):
    config = write_config(tmp_path, [{"notebook": "warns"}, {"notebook": "tiny_report"}], langs=["zh"],
                          notebooks=FIXTURE_NOTEBOOKS)
    assert main(["--config", str(config), "build", "-q"]) == 1
    run = sorted((tmp_path / "out").glob("2*"))[-1]
    assert statuses(run) == {"warns-zh": "failed", "tiny_report-zh": "ok"}
    error = next(e for e in manifest(run)["reports"] if e["name"] == "warns-zh")["error"]
    assert error["ename"] == "StderrOutput" and "kcz fixture warning" in error["head"]
    assert error["cell"] is not None
    assert "kcz fixture warning" in text(soup(run / "index.html").select_one("article.kcz-card.failed"))


def test_build_pdf_without_a_chromium_is_refused_before_any_work_naming_what_was_looked_for(tmp_path, monkeypatch,
                                                                                           capsys):
    # a fresh user: a mistyped KCZ_CHROMIUM built every page, exited 0 and moved `latest` to a
    # run without the PDFs the run before it had
    missing = tmp_path / "no-chromium-here"
    monkeypatch.setenv("KCZ_CHROMIUM", str(missing))
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"], notebooks=FIXTURE_NOTEBOOKS)
    assert main(["--config", str(config), "build", "-q", "--pdf"]) == 2
    assert f"KCZ_CHROMIUM={missing} is not an executable file" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_build_pdf_with_a_chromium_that_cannot_print_keeps_latest_and_fails(tmp_path, monkeypatch, capsys):
    # a second fresh user: a Chromium that did not start printed "0 PDF(s) written", exited 0 and
    # moved `latest` to a run without the PDFs the run before it had
    config = write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["zh"], notebooks=FIXTURE_NOTEBOOKS)
    assert main(["--config", str(config), "build", "-q"]) == 0
    before = (tmp_path / "out" / "latest").resolve()
    not_executable = tmp_path / "chromium-not-executable"
    not_executable.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    monkeypatch.setenv("KCZ_CHROMIUM", str(not_executable))
    assert main(["--config", str(config), "build", "-q", "--pdf", "--force"]) == 2  # refused up front
    assert "is not an executable file" in capsys.readouterr().err
    failing = tmp_path / "chromium-that-fails"
    failing.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    failing.chmod(0o755)
    monkeypatch.setenv("KCZ_CHROMIUM", str(failing))
    assert main(["--config", str(config), "build", "-q", "--pdf", "--force"]) == 1
    assert "page(s) were not printed" in capsys.readouterr().err
    assert (tmp_path / "out" / "latest").resolve() == before


def test_case_prose_with_a_typed_number_is_refused_naming_file_and_field(data_copy):
    from kczlib.errors import DataError
    from kczlib.publish.html.words import case_info

    meta_path = data_copy / "cases" / "chengdu" / "case.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["summary"]["zh"] = "成都是全国26个试点城市之一。"
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DataError) as err:
        case_info("chengdu", "zh")
    assert "case.json" in str(err.value) and "summary.zh" in str(err.value)
    assert case_info("chengdu", "en")["summary"].startswith("Science and Technology Innovation China")


def test_page_characters_are_the_text_a_reader_sees():
    from kczlib.publish.html.fonts import page_characters

    html = ('<html><head><style>body{font-family:"甲"}</style><script>var x="乙"</script></head>'
            '<body><p>成都 &amp; 科创</p><img alt="图表"></body></html>')
    chars = page_characters(html)
    assert {"成", "都", "科", "创", "&", "图", "表"} <= set(chars)
    assert "甲" not in chars and "乙" not in chars
