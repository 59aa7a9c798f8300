"""A derived number's formula in words for the reader's ledger (kczlib.analysis.derivation_words).

Expected sentences are written by hand from the formulas kczlib.analysis.metrics builds.
"""

from kczlib.analysis import metrics, scenarios
from kczlib.analysis.derivation_words import derivation_words
from kczlib.analysis.num import FigureRef, Num, assumption

LOANS = Num.leaf(FigureRef("kechuangdai_loans"), 2e10, 3e10, "CNY", qualifier="多", value_base=2e10)
FIRMS = Num.leaf(FigureRef("kechuangdai_firms"), 2700, 2800, "count", qualifier="余", value_base=2700, measure="家")
NAMES = {"en": {"kechuangdai_loans": "loans", "kechuangdai_firms": "firms", "parameter loss_rate": "loss rate",
                "parameter compensation_share": "share covered", "parameter risk_pool_yi": "pool"},
         "zh": {"kechuangdai_loans": "贷款", "kechuangdai_firms": "企业数", "parameter loss_rate": "不良率",
                "parameter compensation_share": "补偿比例", "parameter risk_pool_yi": "资金池"}}


def words(num, lang):
    return derivation_words(num, lang, lambda leaf: NAMES[lang][leaf.derivation])


def test_a_ratio_reads_as_one_input_divided_by_the_other():
    per_firm = metrics.ratio(LOANS, FIRMS, "CNY")
    assert per_firm.derivation == "kechuangdai_loans / kechuangdai_firms"  # the code form stays on the Num
    assert words(per_firm, "en") == "loans divided by firms"
    assert words(per_firm, "zh") == "贷款除以企业数"


def test_nested_formulas_bracket_only_where_the_reading_needs_it():
    loss, comp, pool = (assumption("loss_rate", 0.01, "ratio"), assumption("compensation_share", 0.5, "ratio"),
                        assumption("risk_pool_yi", 5e8, "CNY"))
    capped = scenarios.capped_loss(LOANS, pool, loss, comp)
    assert words(capped, "en") == "the smaller of loans times loss rate times share covered and pool"
    even = scenarios.break_even_loss_rate(LOANS, pool, comp)
    assert words(even, "en") == "pool divided by (loans times share covered)"
    assert words(even, "zh") == "资金池除以（贷款乘以补偿比例）"


def test_a_stated_figure_is_its_own_name():
    assert words(FIRMS, "en") == "firms"


def test_a_compound_yearly_rate_reads_as_a_rate_not_as_powers():
    # metrics.annual_growth_for_multiple: multiple ** (1 / years) - 1 (the download read
    # "(multiple to the power (1 divided by years)) minus 1")
    multiple = Num.leaf(FigureRef("target_multiple"), 2, 2, "multiplier")
    years = Num.leaf(FigureRef("target_years"), 3, 3, "years")
    rate = metrics.annual_growth_for_multiple(multiple, years)
    assert rate.derivation == "target_multiple ** (1 / target_years) - 1"
    names = {"target_multiple": ("multiple", "倍数"), "target_years": ("years allowed", "期限")}
    assert derivation_words(rate, "en", lambda leaf: names[leaf.ids[0]][0]) \
        == "compound yearly rate that reaches multiple in years allowed"
    assert derivation_words(rate, "zh", lambda leaf: names[leaf.ids[0]][1]) == "期限内达到倍数所需的年均复合增长率"

    # metrics.compound_rate: (later / earlier) ** (1 / years) - 1
    later = Num.leaf(FigureRef("firms_2023"), 300, 300, "count")
    earlier = Num.leaf(FigureRef("firms_2020"), 200, 200, "count")
    growth = metrics.compound_rate(later, earlier, years)
    assert growth.derivation == "(firms_2023 / firms_2020) ** (1 / target_years) - 1"
    names.update({"firms_2023": ("firms (2023)", "2023年企业数"), "firms_2020": ("firms (2020)", "2020年企业数")})
    assert derivation_words(growth, "en", lambda leaf: names[leaf.ids[0]][0]) \
        == "compound yearly growth from firms (2020) to firms (2023) over years allowed"
    assert derivation_words(growth, "zh", lambda leaf: names[leaf.ids[0]][1]) \
        == "从2020年企业数到2023年企业数的年均复合增长率（历时期限）"
