"""`kcz vocabulary`: the share of a case's figures mapped to an indicator, and how many the cues suggest.

tests/fixtures/cases/vocab is a small text of the genre written for this test. Its cleaned text,
read by hand, with each figure's indicator and what the cues of data/indicators.csv say about
the words around it (the clause, cut at the neighbouring numbers):

    一 2023年全社会研发经费投入120亿元     rd_spending       研发经费投入+亿元             exact
       研发投入强度达3.1%                  rd_intensity      研发投入强度                  exact
    二 全市高新技术企业总数达2100家        hightech_enterprises  高新技术企业+总数        exact
       较上年净增300家                     hightech_enterprises_net_new  no cue: the clause
                                           names no 高新技术企业                         miss, none
       科技型中小企业3500家                tech_smes         科技型中小企业                exact
       专精特新“小巨人”企业45家            little_giants     专精特新+小巨人               exact
       位列全省第一                        (no indicator)
    三 引进院士12人                        academicians      院士+引进 is the workstations'
                                           cue (workstation_academicians): miss, another

So 7 of 8 figures are mapped and 5 of the 7 suggested exactly.
"""

import shutil

import pytest

from kczlib.cli import main
from kczlib.data.drafting import suggest_indicators
from kczlib.data.indicators import Indicator, indicators
from kczlib.data.vocabulary_coverage import (
    Miss,
    clause_bounds,
    format_coverage,
    suggestion_for,
    vocabulary_coverage,
)

from conftest import FIXTURES


@pytest.fixture
def with_vocab(data_copy):
    shutil.copytree(FIXTURES / "cases" / "vocab", data_copy / "cases" / "vocab")
    return data_copy


def test_the_fixture_case_maps_seven_of_eight_and_five_are_suggested_exactly(with_vocab):
    c = vocabulary_coverage("vocab")
    assert (c.case, c.figures, c.mapped, c.exact) == ("vocab", 8, 7, 5)
    assert c.mapped_share == 7 / 8 and c.accuracy == 5 / 7
    assert c.misses == [Miss("hightech_net_new_2023", "hightech_enterprises_net_new", ()),
                        Miss("academicians_2023", "academicians", ("workstation_academicians",))]


def test_kcz_vocabulary_prints_one_line_per_case_and_the_misses_on_request(capsys, with_vocab):
    assert main(["vocabulary", "vocab", "--misses"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "vocab: 7 of 8 figures mapped to an indicator (88%); suggested exactly 5 of 7 (71%)",
        "  hightech_net_new_2023: hightech_enterprises_net_new, suggested none",
        "  academicians_2023: academicians, suggested workstation_academicians",
    ]


def test_an_unknown_case_is_one_line_and_exit_2(capsys, with_vocab):
    assert main(["vocabulary", "no_such_case"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kcz: error:") and "no_such_case" in err and len(err.strip().splitlines()) == 1


def test_a_case_without_figures_has_no_shares(with_vocab):
    path = with_vocab / "cases" / "vocab" / "figures.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    c = vocabulary_coverage("vocab")
    assert (c.figures, c.mapped, c.exact, c.mapped_share, c.accuracy) == (0, 0, 0, None, None)
    assert format_coverage(c) == "vocab: 0 of 0 figures mapped to an indicator (n/a); suggested exactly 0 of 0 (n/a)"


def test_the_window_is_cut_at_the_neighbouring_numbers():
    # the Chengdu sentence: 75位 goes with 两院院士, 781位 with 专家
    text = "院士(专家)创新工作站累计建站239家,先后引入75位两院院士和781位专家,累计开展研发项目1233项。"
    spans = [(text.find(s), text.find(s) + len(s)) for s in ("239家", "75位", "781位", "1233项")]
    vocab = indicators()
    assert clause_bounds(text, *spans[1]) == (text.find("先后"), text.find(",累计开展"))
    assert suggestion_for(text, spans, 1, "count", vocab) == ["workstation_academicians"]
    assert suggestion_for(text, spans, 2, "count", vocab) == ["workstation_experts"]
    assert suggestion_for(text, spans, 3, "count", vocab) == ["workstation_projects"]


def test_the_longest_matching_cue_wins_and_a_tie_keeps_both():
    vocab = indicators()
    # 发明专利授权量 (7 characters) beats the workstations' 发明专利 (4) and 专利授权 (4)
    assert suggest_indicators("全年发明专利授权量1.2万件", "count", vocab) == ["invention_patents_granted"]
    assert suggest_indicators("发明专利494项", "count", vocab) == ["workstation_invention_patents"]
    # only indicators of the mention's base unit: 研发投入强度 is a percent
    assert suggest_indicators("研发投入强度达3%", "count", vocab) == []
    tie = {i: Indicator(i, i, i, "count", "industry", "", cues) for i, cues in (("a", "甲乙;丙"), ("b", "乙+甲"))}
    assert suggest_indicators("甲乙丙", "count", tie) == ["a", "b"]  # 甲乙 and 乙+甲: two characters each
    assert suggest_indicators("丙", "count", tie) == ["a"]
