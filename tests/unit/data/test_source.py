"""Source ingestion: gloss stripping, debris, Traditional to Simplified, sections."""

import hashlib
import itertools

import pytest

import kczlib
from kczlib.data.source import clean_text, segment_sections, strip_pinyin_glosses, to_simplified

from conftest import DATA


def test_raw_file_is_the_received_document_byte_for_byte():
    meta = kczlib.data.cases.get_case("chengdu").meta["source"]
    raw = (DATA / "cases" / "chengdu" / meta["file"]).read_bytes()
    assert len(raw) == meta["bytes"] == 18191
    assert hashlib.sha256(raw).hexdigest() == meta["sha256"]


def test_all_587_pinyin_glosses_are_removed():
    doc = kczlib.load_source("chengdu")
    assert doc.glosses_removed == 587
    assert "(xù)" not in doc.text and "ù" not in doc.text


def test_gloss_after_cjk_character_is_stripped():
    assert strip_pinyin_glosses("持續(xù)優(yōu)化") == ("持續優化", 2)


@pytest.mark.parametrize("kept", ["區(市)縣", "(一)聚焦", "院士(專家)", "成都海智(離岸)",
                                  "西部(成都)科學城", "管委會(管委會)"])
def test_ordinary_parentheses_are_kept(kept):
    assert strip_pinyin_glosses(kept) == (kept, 0)


@pytest.mark.parametrize("kept", ["研究(R&D)", "平台(app)", "经费(abc)", "(xù)开头"])
def test_ascii_parentheses_without_a_tone_letter_or_cjk_before_are_kept(kept):
    assert strip_pinyin_glosses(kept)[1] == 0


def test_traditional_is_converted_to_simplified():
    assert to_simplified("科創中國試點城市建設") == "科创中国试点城市建设"


def test_cleaning_is_idempotent_on_clean_text():
    doc = kczlib.load_source("chengdu")
    again, n = clean_text(doc.text, ["中國人工智能大會。 |"])
    assert again == doc.text and n == 0


def test_scraping_debris_lines_are_dropped_and_real_text_kept():
    text = kczlib.load_source("chengdu").text
    assert "中国人工智能大会。 |" not in text
    assert "分享让更多人看到" not in text
    assert text.startswith("持续优化科创生态 加速释放科创活力")
    assert text.rstrip().endswith("中国青年女科学家奖等。")


def test_real_parentheses_survive_the_full_pipeline():
    text = kczlib.load_source("chengdu").text
    for kept in ("区(市)县", "(一)聚焦创新链", "院士(专家)", "(离岸)", "西部(成都)科学城"):
        assert kept in text


def test_offsets_map_to_the_three_level_section_tree():
    doc = kczlib.load_source("chengdu")
    at = lambda phrase: doc.section_at(doc.text.index(phrase)).path  # noqa: E731
    assert at("成都市成为全国首批26个") == "一"
    assert at("累计帮助2700余家") == "二/(三)/二是"
    assert at("确保财政科技投入3年内翻一番") == "二/(三)/一是"
    assert at("院士(专家)创新工作站累计建站239家") == "三/(四)"
    assert at("综合得分位列全国第二名") == "三"
    assert doc.section_at(0).path == ""


def test_section_titles_carry_the_heading_text():
    doc = kczlib.load_source("chengdu")
    sec = doc.section_at(doc.text.index("累计帮助2700余家"))
    assert sec.title == "改革举措 / 盘活资金链,全方位强化供给 / 进一步构建科技金融服务体系"


def test_sections_tile_the_document_without_gaps():
    doc = kczlib.load_source("chengdu")
    assert doc.sections[0].start == 0 and doc.sections[-1].end == len(doc.text)
    for a, b in itertools.pairwise(doc.sections):
        assert a.end == b.start


def test_paragraph_after_a_measure_returns_to_the_enclosing_section():
    text = "二、举措\n(一)链\n一是甲。内容\n乙段落\n"
    paths = [s.path for s in segment_sections(text)]
    assert paths == ["", "二", "二/(一)", "二/(一)/一是", "二/(一)"]


def test_offset_outside_the_document_is_an_error():
    doc = kczlib.load_source("chengdu")
    with pytest.raises(IndexError):
        doc.section_at(len(doc.text) + 5)


def test_edited_raw_file_fails_the_checksum(data_copy):
    raw = data_copy / "cases" / "chengdu" / "chengdu-kczg-case.raw.txt"
    raw.write_bytes(raw.read_bytes().replace(b"99.4", b"99.5"))
    with pytest.raises(kczlib.errors.DataError, match="sha256 .* does not match"):
        kczlib.load_source("chengdu")
