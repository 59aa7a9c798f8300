"""The public analysis API (kczlib.num, Num arithmetic, growth, share, per_capita, cagr), worked by hand.

Rows used (data/cases/chengdu/figures.csv and context.csv):
- kechuangdai_loans: 获得贷款200多亿元, 多 -> [2.0e10, 3.0e10] yuan;
- kechuangdai_firms: 累计帮助2700余家科技型企业, 余 -> [2700, 2800] firms;
- jiebang_team_financing: 近1亿元 -> at most 1e8 yuan (no lower bound: 0 for the vertex method);
- star_market_kechuangdai_share: 超8成 -> at least 80 percent (no upper bound);
- hightech_total_2021: 7821家 (2021); context hte_chengdu_2020: 6120家, hte_chengdu_2022: 9856家;
- context pop_chengdu_2021: 2119.2万人 = 21,192,000 residents.
foshan_2022: hightech_enterprises_2022 8700家 (2022); context hte_foshan_2021 7100家,
pop_foshan_2021 961.26万人 = 9,612,600; foshan_2020 reports innovation_assistance_funding for 3 periods.
"""

from __future__ import annotations

import html

import pytest

import kczlib
from kczlib.analysis.explore import FRAME_COLUMNS
from kczlib.errors import AmbiguousIndicatorError, KczError, UnitMismatchError, UnknownNumError

C = "chengdu"


def loans():
    return kczlib.num(C, "kechuangdai_loans")


def firms():
    return kczlib.num(C, "kechuangdai_firms")


def test_loans_per_firm_is_the_issue_example_with_its_evidence():
    n = kczlib.num("chengdu", "kechuangdai_loans") / kczlib.num("chengdu", "kechuangdai_firms")
    # lowest: fewest loans over most firms 2.0e10 / 2800 = 7,142,857 yuan = 714万元;
    # highest: most loans over fewest firms 3.0e10 / 2700 = 11,111,111 yuan = 1111万元
    assert n.lower == pytest.approx(2e10 / 2800) and n.upper == pytest.approx(3e10 / 2700)
    assert n.base_unit == "CNY" and n.format("zh") == "714万元至1111万元"
    zh, en = n.explain("zh"), n.explain("en")
    for text in (zh, en, repr(n)):
        assert "chengdu/kechuangdai_loans" in text and "chengdu/kechuangdai_firms" in text
        assert "获得贷款200多亿元" in text and "累计帮助2700余家科技型企业" in text
    assert zh.startswith("714万元至1111万元 = “科创贷”贷款金额（chengdu/kechuangdai_loans）除以")
    assert "divided by" in en and "(at character 1933)" in en  # the passage's offset in the case text
    assert "714万元至1111万元" in repr(n)


def test_a_shared_input_cancels():
    assert (loans() / loans()).point == 1
    # 近1亿 minus itself is exactly 0, though the input has no lower bound
    j = kczlib.num(C, "jiebang_team_financing")
    assert (j - j).lower == 0 and (j - j).upper == 0
    # loans / (loans + 近1亿): lowest where the loans are fewest and the financing largest,
    # 2e10 / (2e10 + 1e8) = 0.995025; highest 1 (financing near 0). Operation by operation it
    # would be [2e10 / (3e10 + 1e8), 3e10 / 2e10] = [0.664, 1.5].
    n = loans() / (loans() + j)
    assert n.lower == pytest.approx(2e10 / 2.01e10) and n.upper == pytest.approx(1.0)
    assert n.base_unit == "multiplier"


def test_the_vertex_method_with_qualified_figures():
    j = kczlib.num(C, "jiebang_team_financing")
    # (loans - 近1亿) / firms: lowest (2e10 - 1e8) / 2800 = 7,107,142.86; highest 3e10 / 2700
    n = (loans() - j) / firms()
    assert n.lower == pytest.approx(1.99e10 / 2800) and n.upper == pytest.approx(3e10 / 2700)
    assert [r["id"] for _, r in n.to_frame().iterrows()] == [
        "chengdu/kechuangdai_loans", "chengdu/jiebang_team_financing", "chengdu/kechuangdai_firms"]
    # loans times 超8成 (percent): at least 2e10 * 80 / 100 = 1.6e10, no upper bound
    m = loans() * kczlib.num(C, "star_market_kechuangdai_share")
    assert m.lower == pytest.approx(1.6e10) and m.upper is None and m.base_unit == "CNY"


def test_units_are_checked():
    with pytest.raises(UnitMismatchError, match="cannot compute CNY \\+ count"):
        loans() + firms()
    with pytest.raises(UnitMismatchError):
        loans() * firms()
    with pytest.raises(UnitMismatchError):
        firms() / loans()  # firms per yuan
    with pytest.raises(UnitMismatchError):
        kczlib.share(firms(), loans())
    with pytest.raises(TypeError):
        loans() + 1  # a number typed in has no source


def test_growth_share_per_capita_cagr():
    later, earlier = kczlib.num(C, "hte_chengdu_2022"), kczlib.num(C, "hte_chengdu_2020")
    # growth 2020 -> 2022: 9856 / 6120 - 1 = 0.610458; cagr over the two years between the periods:
    # sqrt(9856 / 6120) - 1 = sqrt(1.6104575) - 1 = 0.269038
    assert kczlib.growth(later, earlier).point == pytest.approx(9856 / 6120 - 1)
    c = kczlib.cagr(later, earlier)
    assert c.point == pytest.approx(0.269038, abs=1e-6)
    assert "2020年至2022年的年数" in c.explain("zh") and "the years from 2020 to 2022" in c.explain("en")
    assert kczlib.cagr(later, earlier, years=4).point == pytest.approx((9856 / 6120) ** 0.25 - 1)
    with pytest.raises(KczError, match="not dated by a year"):
        kczlib.cagr(loans(), loans())  # cumulative figures
    pop = kczlib.num(C, "pop_chengdu_2021")
    total = kczlib.num(C, "hightech_enterprises")  # the indicator: hightech_total_2021
    assert total.ids == ("chengdu/hightech_total_2021",)
    # 7821 / 21,192,000 residents = 0.000369 per resident; 3.6905 per ten thousand
    assert kczlib.per_capita(total, pop).point == pytest.approx(7821 / 21192000)
    per10k = kczlib.per_capita(total, pop, per=10000)
    assert per10k.point == pytest.approx(3.690543, abs=1e-6) and per10k.base_unit == "count"
    # share of the 2022 stock that was there in 2021: 7821 / 9856 = 79.4%
    s = kczlib.share(total, later)
    assert s.point == pytest.approx(7821 / 9856) and s.format("zh") == "79.4%"
    # a fall is a negative growth, and still prints (as a percent): 6120 / 9856 - 1 = -37.9%
    assert kczlib.growth(earlier, later).explain("en").startswith("-37.9% = ")
    assert kczlib.growth(earlier, later).format("en") == "-37.9%"  # a fall prints with its sign


def test_two_percentages_differ_by_percentage_points_and_ranks_and_rates_are_not_amounts():
    # a fresh user: Chengdu's 3.52% minus the nation's 2.54% (context rd_intensity_chengdu_2022,
    # rd_intensity_china_2022) printed "0.98%"; it is 0.98 percentage points
    gap = kczlib.num(C, "rd_intensity_chengdu_2022") - kczlib.num(C, "rd_intensity_china_2022")
    assert gap.base_unit == "percentage_point" and gap.point == pytest.approx(0.98)
    assert gap.format("zh") == "0.98个百分点" and gap.format("en") == "0.98 percentage points"
    # two shares too: growth 2020->2022 (9856 / 6120 - 1 = 61.05%) less growth 2019->2022
    # (9856 / 4149 - 1 = 137.55%) is -76.5 percentage points, not "-76.5%" (a second fresh user)
    later = kczlib.num(C, "hte_chengdu_2022")
    change = (kczlib.growth(later, kczlib.num(C, "hte_chengdu_2020"))
              - kczlib.growth(later, kczlib.num(C, "hte_chengdu_2019")))
    assert change.base_unit == "percentage_point"
    assert change.point == pytest.approx((9856 / 6120 - 9856 / 4149) * 100)
    assert change.format("en") == "-76.5 percentage points"
    # 1st + 2nd printed "3rd"; 3.52% per resident printed "0.000000166%"
    rank = kczlib.num(C, "evaluation_rank_2022")
    with pytest.raises(UnitMismatchError, match="ranks are orders"):
        rank + rank
    # a second fresh user: 2nd / 1st printed "2×", growth of ranks "100%", rank * percent a
    # ParameterError about a parameter 'x' nobody passed
    for refused in (lambda: rank / rank, lambda: kczlib.growth(rank, rank), lambda: kczlib.cagr(rank, rank),
                    lambda: rank * kczlib.num(C, "rd_intensity_chengdu_2022")):
        with pytest.raises(UnitMismatchError, match="ranks are orders"):
            refused()
    with pytest.raises(UnitMismatchError, match="only an amount"):
        kczlib.per_capita(kczlib.num(C, "rd_intensity_chengdu_2022"), kczlib.num(C, "pop_chengdu_2021"))


def test_growth_above_a_hundred_percent_prints_and_a_part_above_its_whole_is_refused():
    # 2019 -> 2022 high-tech enterprises: 9856 / 4149 - 1 = 1.37551 -> 138% (three significant digits);
    # it raised "parameter 'x': a share must lie in [0, 1]"
    later, earlier = kczlib.num(C, "hte_chengdu_2022"), kczlib.num(C, "hte_chengdu_2019")
    assert kczlib.growth(later, earlier).format("en") == "138%" and kczlib.growth(later, earlier).format("zh") == "138%"
    # 9856 (2022) is no share of 7821 (2021): it printed "100%" (capped)
    with pytest.raises(KczError, match="larger than the whole"):
        kczlib.share(later, kczlib.num(C, "hightech_enterprises"))


def test_a_plain_number_is_refused_with_the_way_to_a_sourced_one():
    with pytest.raises(TypeError, match="plain number 2: every number here has a source row"):
        loans() * 2
    with pytest.raises(TypeError, match="plain number 0.5"):
        loans() - 0.5


def test_a_second_case():
    g = kczlib.growth(kczlib.num("foshan_2022", "hightech_enterprises"), kczlib.num("foshan_2022", "hte_foshan_2021"))
    # 8700 / 7100 - 1 = 0.225352 -> 22.5%
    assert g.point == pytest.approx(8700 / 7100 - 1) and g.format("zh") == "22.5%"
    # two cases' numbers stay two inputs: Chengdu's 7821 over Foshan's 8700 = 0.898966
    r = kczlib.num(C, "hightech_enterprises") / kczlib.num("foshan_2022", "hightech_enterprises")
    assert r.point == pytest.approx(7821 / 8700)
    assert set(r.to_frame()["case"]) == {"chengdu", "foshan_2022"}


def test_context_rows_carry_publisher_url_and_confidence():
    frame = kczlib.num(C, "pop_chengdu_2021").to_frame()
    assert tuple(frame.columns) == FRAME_COLUMNS and len(frame) == 1
    row = frame.iloc[0]
    assert row["kind"] == "context" and row["confidence"] == "medium" and row["source_url"].startswith("http")
    assert row["lower"] == 21192000 and row["publisher"]
    assert "可信度：medium" in kczlib.num(C, "pop_chengdu_2021").explain("zh")


def test_unknown_and_ambiguous_ids_give_one_line_with_a_way_out():
    with pytest.raises(UnknownNumError, match=r"no figure, indicator or context row 'kechuangdai_loan' in case "
                                              r"'chengdu'; did you mean kechuangdai_loans"):
        kczlib.num(C, "kechuangdai_loan")
    with pytest.raises(AmbiguousIndicatorError, match=r"pass period= to choose one") as err:
        kczlib.num("foshan_2020", "innovation_assistance_funding")
    assert "\n" not in str(err.value) and "(" in str(err.value)  # names each period's figure id
    one = kczlib.num("foshan_2020", "innovation_assistance_funding", period=err.value.periods[0])
    assert one.ids[0].startswith("foshan_2020/")


def test_html_view_escapes_data_and_loads_nothing():
    n = loans() / firms()
    page = n._repr_html_()
    assert "714万元至1111万元" in page and "<table>" in page and "chengdu/kechuangdai_firms" in page
    assert html.escape("“科创贷”贷款金额") in page
    assert "<script" not in page and "src=" not in page and "href=" not in page


def test_import_kczlib_stays_cheap():
    import subprocess
    import sys

    code = "import sys, kczlib; kczlib.num; print('matplotlib' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split()[0] == "False"


def test_html_view_escapes_hostile_data(data_copy):
    from conftest import edit_csv_cell

    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    edit_csv_cell(data_copy / "cases" / "chengdu" / "figures.csv", "kechuangdai_firms", "metric_zh", hostile)
    edit_csv_cell(data_copy / "cases" / "chengdu" / "context.csv", "pop_chengdu_2021", "publisher", hostile)
    n = kczlib.per_capita(loans() / firms(), kczlib.num(C, "pop_chengdu_2021"))
    page = n._repr_html_()
    assert "<script" not in page and "<img" not in page
    assert html.escape(hostile) in page  # shown, as text: in the derivation (metric) and the sources table (publisher)
