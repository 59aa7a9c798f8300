"""The suggested citation of a reader page and its files, checked field by field by hand.

Expected texts are written out from case.json (city 成都 / Chengdu, programme “科创中国”试点城市),
the page frame's series name (kczlib/words/page.toml `page.site`) and the build values given
here (build date, commit, reports.toml address), in the styles the module names: GB/T
7714-2015 for a Chinese page, APA for an English one.
"""

from __future__ import annotations

import json

from kczlib.data.context import format_period
from kczlib.publish.html.citation import bibtex, citation_fields, citation_files, citation_text, csl_json, version_of
from kczlib.publish.html.reader_page import css_string, page_resources, page_title
from kczlib.publish.html.words import case_info

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def entry(lang: str, **more) -> dict:
    return {"name": f"01_fiscal_investment-{lang}", "parameters": {"case": "chengdu", "lang": lang},
            "built_at": "2026-12-07T03:04:05Z", "git_commit": COMMIT + "-dirty", **more}


def fields(lang: str, title: str, url: str = "https://example.org/r/", **more) -> dict:
    return citation_fields(title, case_info("chengdu", lang), entry(lang, **more), lang, url)


def test_a_chinese_page_is_cited_in_gbt_7714_with_version_date_and_address():
    assert citation_text(fields("zh", "财政科技投入")) == (
        "财政科技投入：成都“科创中国”试点城市[R/OL]//“科创中国”试点城市案例分析. 版本 0123456789ab-dirty. "
        "2026(2026-12-07). https://example.org/r/01_fiscal_investment-zh.html.")


def test_a_chinese_page_without_an_address_is_a_report_not_an_online_one():
    # GB/T 7714-2015: [R/OL] and the (update) date in brackets belong to an online resource with its address;
    # unpublished (reports.toml without `[publication] url`) the page is cited as a report, [R], with its year
    assert citation_text(fields("zh", "财政科技投入", url="")) == (
        "财政科技投入：成都“科创中国”试点城市[R]//“科创中国”试点城市案例分析. 版本 0123456789ab-dirty. 2026.")


def test_an_english_page_is_cited_apa_like():
    assert citation_text(fields("en", "Fiscal investment in science and technology")) == (
        'Fiscal investment in science and technology: Chengdu, "Science and Technology Innovation China" '
        "pilot city (Version 0123456789ab-dirty) [Report]. (2026, December 7). In Science and Technology "
        "Innovation China pilot cities: case analysis. https://example.org/r/01_fiscal_investment-en.html")


def test_a_release_tag_wins_over_the_commit_and_no_git_means_no_version():
    assert version_of({"git_tag": "v1.0", "git_commit": COMMIT}) == "v1.0"
    assert version_of({"git_commit": COMMIT}) == "0123456789ab"
    assert version_of({"git_commit": None}) == ""
    text = citation_text(fields("en", "Fiscal investment", url="", git_commit=None))
    assert "Version" not in text and "http" not in text and text.endswith("case analysis.")


def test_a_title_that_names_the_city_is_not_given_the_city_again():
    # review L13: "· 成都" after a title that already names 成都
    f = fields("zh", "成都“科创中国”试点城市建设：概览")
    assert citation_text(f).startswith("成都“科创中国”试点城市建设：概览[R/OL]//")
    assert page_title("成都“科创中国”试点城市建设：概览", "成都") == "成都“科创中国”试点城市建设：概览"
    assert page_title("财政科技投入", "成都") == "财政科技投入 · 成都"


def test_the_citation_files_hold_the_same_fields():
    f = fields("zh", "财政科技投入")
    files = citation_files(f)
    assert sorted(files) == ["01_fiscal_investment-zh.bib", "01_fiscal_investment-zh.csl.json"]
    [item] = json.loads(files["01_fiscal_investment-zh.csl.json"])
    assert item["title"] == "财政科技投入：成都“科创中国”试点城市" and item["type"] == "report"
    assert item["issued"] == {"date-parts": [[2026, 12, 7]]} and item["version"] == "0123456789ab-dirty"
    assert item["URL"] == "https://example.org/r/01_fiscal_investment-zh.html" and item["language"] == "zh-CN"
    # the source, its publisher and author from case.json
    assert "《持续优化科创生态 加速释放科创活力" in item["note"] and "未署名" in item["note"]
    bib = bibtex(f)
    assert bib.startswith("@misc{kcz:01_fiscal_investment-zh:2026,\n") and bib.count("{") == bib.count("}")
    assert "  title = {{财政科技投入：成都“科创中国”试点城市}},\n" in bib and "  date = {2026-12-07},\n" in bib
    assert csl_json(f) == [item]


def test_bibtex_escapes_what_latex_would_read_as_commands():
    f = dict(fields("en", "R&D at 50% {draft} #1_a"), subtitle="")
    assert "title = {{R\\&D at 50\\% \\{draft\\} \\#1\\_a}}" in bibtex(f)


def test_the_print_footer_string_cannot_end_the_style_element():
    assert css_string('a"b\\c</style>') == '"a\\22 b\\5c c\\3c /style\\3e "'


def test_the_title_block_gives_publisher_author_dates_and_data_as_of():
    meta = {"title": "财政科技投入", "data_as_of": "2023", "data_as_of_text": "2023年"}
    res = page_resources(meta, entry("zh"), "zh")
    assert res["html_lang"] == "zh-CN"
    assert res["byline"] == [("原文发布方", "政府部门（原文未注明具体发布机构）", ""), ("原文作者", "未署名", ""),
                             ("发布日期", "2026年12月7日", "2026-12-07"), ("数据截至", "2023年", "")]
    en = page_resources({"title": "Fiscal investment"}, entry("en"), "en")  # no data_as_of: not shown
    assert [label for label, _, _ in en["byline"]] == ["Source published by", "Source author", "Published"]


def test_periods_read_as_dates():
    # the one home of a period in words (data.context.format_period): the title block and the
    # index card show reader meta `data_as_of_text`, which the report writes with it
    assert [format_period(p, "zh") for p in ("2024-08", "2023", "2019-H1")] == ["2024年8月", "2023年", "2019年上半年"]
    assert [format_period(p, "en") for p in ("2024-08", "2019-H2")] == ["Aug 2024", "H2 2019"]
