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
