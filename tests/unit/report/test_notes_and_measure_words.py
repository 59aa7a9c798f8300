"""A low-confidence note becomes a footnote mark; a count takes one measure word; a derived
context row is explained in the case's words in both languages (issue 22: M16, L1, L3, H3).

Expected texts are written out by hand from the Chinese and English rules, not from the code.
"""

from __future__ import annotations

import csv
import string

import pytest

from kczlib.analysis.derivation_words import context_derivation
from kczlib.data.cases import get_case
from kczlib.data.context import CONTEXT_WORDS_FILE, context_value, context_words
from kczlib.data.numerals import NOUNS_LIKE_MEASURES, unstack_measure
from kczlib.report.narrative import footnote_marks, templates
from kczlib.units import COUNT_MEASURES


@pytest.mark.parametrize(("before", "printed", "after", "expected"), [
    ("原文中共识别出", "172个", "处数字提及", "172"),      # L1: 172处, not 172个处
    ("其中", "105个", "处对应", "105"),
    ("均排名", "第一名", "。", "第一"),                    # L3: 均排名第一
    ("位列全国", "第二名", "，", "第二名"),                # 位列全国第二名 keeps its 名
    ("累计帮助", "2700余家", "科技型企业", "2700余家"),    # a noun after: the measure word stays
    ("人均", "94.3单", "单", "94.3"),
    ("放款", "99.4亿元", "，", "99.4亿元"),                # a unit, not a measure word
    ("联合创投机构设立", "7支", "天使投资基金", "7支"),    # 天使 is a noun, not the measure word 天
    ("涉及", "17个", "部门", "17个"),
])
def test_a_count_takes_one_measure_word(before, printed, after, expected):
    assert unstack_measure(before, printed, after) == expected


def _slots_before_measure_words():
    """(key, slot, before, after) of every Chinese template slot whose next words start with a measure word."""
    out = []
    for key, text in templates("zh").items():
        parsed = list(string.Formatter().parse(text))
        for i, (literal, name, _, _) in enumerate(parsed):
            after = parsed[i + 1][0] if i + 1 < len(parsed) else ""
            if name and any(after.startswith(m) for m in COUNT_MEASURES) and after[:2] not in NOUNS_LIKE_MEASURES:
                out.append((key, name, literal, after))
    return out


def test_every_template_that_writes_its_own_measure_word_takes_a_bare_count():
    slots = _slots_before_measure_words()
    assert any(k == "overview.data_quality" or "处" in a[:1] for k, _, _, a in slots), slots[:5]
    for key, name, before, after in slots:
        for measure in ("个", "家", "项", "位"):
            printed = unstack_measure(before, f"12{measure}", after)
            assert printed == "12", f"{key} {{{name}}}: {before[-6:]}[{printed}]{after[:6]}"


@pytest.mark.parametrize(("lang", "text", "expected"), [
    ("zh", "GDP为1.99万亿元（低可信度：转载）。", "GDP为1.99万亿元†。"),
    ("en", "GDP of CNY 1.99 trn (low confidence: a reprint).", "GDP of CNY 1.99 trn†."),
    ("en", "(loans: low confidence: a reprint; firms: medium confidence)", "(loans: †; firms: medium confidence)"),
    ("zh", "常住人口2119.2万人（中等可信度）", "常住人口2119.2万人（中等可信度）"),
    ("en", "spending (CNY 27.33 bn, low confidence: a reprint).", "spending (CNY 27.33 bn†)."),
    ("zh", "全国水平（2.54%，低可信度：转载）", "全国水平（2.54%†）"),
    ("zh", "居全国第二名（低可信度：转载；第三方口径）。", "居全国第二名†（第三方口径）。"),
    ("en", "2nd nationally (low confidence: a reprint; third-party measure).",
     "2nd nationally† (third-party measure)."),
])
def test_a_low_confidence_note_in_a_sentence_becomes_a_mark(lang, text, expected):
    assert footnote_marks(text, lang) == expected


def test_every_derived_context_row_of_the_case_has_words_in_both_languages():
    case = get_case("chengdu")
    with case.path("context.csv").open(encoding="utf-8") as f:
        derived = {r["id"] for r in csv.DictReader(f) if r["confidence"] == "derived"}
    words = context_words("chengdu")
    assert derived, "the case has derived context rows"
    assert set(words) == derived, f"{CONTEXT_WORDS_FILE}: rows without words {derived - set(words)}, " \
                                  f"words of no derived row {set(words) - derived}"


def test_a_derived_row_reads_as_its_arithmetic_and_the_case_words():
    row = context_value("rd_intensity_chengdu_2021", "chengdu")
    zh, en = (context_derivation(row, "chengdu", lang) for lang in ("zh", "en"))
    assert zh.startswith("3.52 - 0.35：") and "比上年提高" in zh and "the" not in zh
    assert en.startswith("3.52 - 0.35: ") and "percentage points" in en
    assert not any("\u3400" <= ch <= "\u9fff" for ch in en)  # H1: no Chinese in the English derivation


@pytest.mark.parametrize(("lang", "code", "expected"), [
    ("zh", "round(__kcz_leaf_0__, 1000)", "常住人口取整到1000的倍数"),
    ("en", "round(__kcz_leaf_0__ - __kcz_leaf_1__, 1000)", "(residents minus settled) rounded to a multiple of 1000"),
])
def test_a_rounding_in_a_derivation_is_read_in_words(lang, code, expected):
    import ast

    from kczlib.analysis.derivation_words import _ops, _words

    names = {"zh": ["常住人口", "落户"], "en": ["residents", "settled"]}[lang]
    slots = {f"__kcz_leaf_{i}__": n for i, n in enumerate(names)}
    assert _words(ast.parse(code, mode="eval").body, _ops(lang), slots, top=True) == expected
