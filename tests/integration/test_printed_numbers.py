"""What the reports print: every number within half a unit of its exact value, the
finance scenarios exact, and each chart's source line naming exactly what it plots.

The reports run in this process (their own notebook cells, a real kernel is not needed to
read the ledger); the parser and the expected origins below are written independently of
the formatter and of `charts.origins`.
"""

from __future__ import annotations

import csv
import json
import re
from decimal import Decimal
from functools import cache
from urllib.parse import urlparse

import pytest

from conftest import CASE_REPORT_NOTEBOOKS as NOTEBOOKS
from conftest import DATA
from support.notebooks import executed_report

NB = {p.stem: p for p in NOTEBOOKS}
# printed scale words -> factor, per language; only money is scaled in English
SCALES = {"zh": {"亿": Decimal(10) ** 8, "万": Decimal(10) ** 4},
          "en": {" trn": Decimal(10) ** 12, " bn": Decimal(10) ** 9, " m": Decimal(10) ** 6}}
# 余/多 stand between the digits and the scale word (200多亿元, CNY 20-plus bn)
NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)(?:余|多|-plus)?( trn| bn| m|亿|万)?")
UPPER_QUALIFIERS = {"近", "内"}


def report(name, lang):
    return executed_report(name, lang)  # once per session, for every module


def printed_numbers(text: str, lang: str) -> list[tuple[Decimal, Decimal]]:
    """(value, half a unit of its last digit) for each number in `text`, in base units."""
    if lang == "zh" and re.fullmatch(r"第[零一二三四五六七八九十百]+[名位城]?", text):  # ranks: 第二名
        from kczlib.data.quantities import parse_quantity

        return [(Decimal(repr(parse_quantity(text).value_base)), Decimal("0.5"))]
    out = []
    for m in NUMBER.finditer(text):
        digits, scale = m.group(1).replace(",", ""), m.group(2)
        factor = SCALES[lang].get(scale, Decimal(1)) if scale else Decimal(1)
        if scale and scale not in SCALES[lang]:  # 亿 in an English text is a quoted word
            factor = Decimal(1)
        decimals = len(digits.partition(".")[2])
        out.append((Decimal(digits) * factor, Decimal("0.5") * Decimal(10) ** -decimals * factor))
    return out


def exact_values(num) -> list[float]:
    """The exact numbers a printed Num must show, in order, in printed units."""
    if num.kind in ("figure", "context") and num.qualifier == "至":
        values = [num.lower, num.upper]
    elif num.kind in ("figure", "context") and num.qualifier != "exact":
        stated = num.value_base if num.value_base is not None else (
            num.upper if num.qualifier in UPPER_QUALIFIERS else num.lower)
        values = [stated]
    elif num.lower is not None and num.lower == num.upper:
        values = [num.lower]
    else:
        values = [v for v in (num.lower, num.upper) if v is not None]
    return [v * 100 if num.base_unit == "ratio" else v for v in values]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(NB))
def test_every_printed_number_is_within_half_a_unit_of_its_exact_value(name, lang):
    checked = 0
    for e in report(name, lang).ledger.entries:
        if e.num.lower is None and e.num.upper is None:
            continue  # quoted or cited text: no single number behind it
        expected = exact_values(e.num)
        printed = printed_numbers(e.text, lang)
        assert len(printed) == len(expected), (e.where, e.text, expected)
        for (value, half), exact in zip(printed, expected, strict=True):
            assert abs(value - Decimal(repr(float(exact)))) <= half * Decimal("1.000000001"), (e.where, e.text, exact)
        checked += 1
    assert checked > 5


def test_parser_reads_scales_and_digits():
    # worked by hand: 1111万 is 11,110,000 yuan with half a unit of 5,000 yuan
    assert printed_numbers("714万元至1111万元", "zh") == [(Decimal(7140000), Decimal(5000)),
                                                      (Decimal(11110000), Decimal(5000))]
    assert printed_numbers("at least 26.0%", "en") == [(Decimal("26.0"), Decimal("0.05"))]
    assert printed_numbers("CNY 19.9 bn", "en") == [(Decimal("19.9E9"), Decimal("0.05E9"))]


def test_doubling_pledge_and_end_point_print_the_conventional_rounding():
    zh, en = ("\n".join(report("01_fiscal_investment", "zh").shown),
              "\n".join(report("01_fiscal_investment", "en").shown))
    # 2 ** (1/3) - 1 = 25.99%: a compound average of "at least 26.0%", not "at least 25.9%"
    assert "a compound average growth of at least 26.0% a year" in en and "年均（复合）增长至少26.0%" in zh
    # 2 x 99.4亿 = 198.8亿 -> 199亿 / CNY 19.9 bn by 2024 in the text ...
    assert "到2024年不低于199亿元" in zh and "at least CNY 19.9 bn by 2024" in en
    # ... and the same strings label the chart's two marked points: the base and the end point only
    chart = [e.text for e in report("01_fiscal_investment", "zh").ledger.entries if e.where == "chart:fiscal_path"]
    assert set(chart) == {"99.4亿元", "199亿元"}


def test_finance_table_prints_loans_per_expected_loss_only_where_the_pool_binds():
    # where the pool holds, loans / expected loss is 1 / (loss x share), an identity of two assumptions:
    # the text states the formula and the table prints the ratio only where the cap binds (review L14)
    r = report("02_tech_finance_leverage", "en")
    ratios = [e.text for e in r.ledger.entries if e.where == "scenario table" and e.num.base_unit == "multiplier"
              and e.num.derivation.startswith("kechuangdai_loans / (min(")]
    # By hand, loans 200..300亿: the loss exceeds the pool only at a 5% loss rate --
    # 5亿 pool: 50% share 5..7.5亿 and 80% share 8..12亿 (binds; loans / pool = 40..60),
    # 10亿 pool, 80% share: 8..12亿 (binds above 250亿 of loans; 2e10/8e8 = 25 .. 3e10/1e9 = 30)
    assert sorted(ratios) == ["25× to 30×", "40× to 60×", "40× to 60×"]
    assert "leverage_grid" not in {c for c, _, _ in r.charts}  # no heat map of the identity
    assert "loans / expected fiscal loss = the reciprocal of (lifetime loss rate × share covered)" in "\n".join(r.shown)


def test_finance_text_states_the_exact_ratio_the_break_even_rate_and_where_the_pool_binds():
    text = "\n".join(report("02_tech_finance_leverage", "en").shown)
    # first scenario: 5亿 pool, 1%, 50%: 200× exactly;
    # pool exhausted at 5e8 / (3e10 * 0.5) = 3.33% .. 5e8 / (2e10 * 0.5) = 5%
    assert "loans amount to 200× that expected fiscal loss" in text
    assert "exhausted at a lifetime loss rate of 3.33% to 5%" in text
    assert ("Of the 18 scenarios, the expected loss exceeds the pool at every loan volume in the range in 2, "
            "and at part of the range in 1") in text
    # the 2019 50亿 pool: loans 2e10/5e9 = 4 .. 3e10/5e9 = 6; break-even 5e9/(3e10*0.5) = 33.3% .. 5e9/(2e10*0.5) = 50%
    assert "4× to 6× the pool" in text and "33.3% to 50% with 50% covered" in text
    assert "cumulative" in text and "outstanding balance" in text


def test_finance_reports_loan_size_loans_and_borrowing_per_firm_each_named():
    text = "\n".join(report("02_tech_finance_leverage", "en").shown)
    # 300.92亿 / 9748 loans = 3,086,992 -> CNY 3.09 m; 9748 / 3247 = 3.0021 -> 3.00;
    # 300.92亿 / 3247 firms = 9,267,631 -> CNY 9.27 m; 2019 H1: 7.93亿 / 399 = 1,987,469 -> CNY 1.99 m
    assert "Average loan size (lending / loans): CNY 3.09 m" in text
    assert "loans per firm: 3.00" in text
    assert "cumulative borrowing per firm (lending / firms): CNY 9.27 m" in text
    assert "CNY 793 m to 399 firms" in text and "CNY 1.99 m per firm" in text
    assert "average loan per firm" not in text


def test_small_counts_and_unstated_subsets_get_no_rate():
    talent = "\n".join(report("03_talent_inflows", "en").shown)
    platforms = "\n".join(report("04_platforms_and_industry", "en").shown)
    finance = "\n".join(report("02_tech_finance_leverage", "en").shown)
    for old in ("completion rate", "landing rate of", "incubation rate of", "listing rate", "firms per fund"):
        assert old not in talent + platforms + finance
    assert "1.66%" not in talent and "12.5%" not in finance and "25%" not in platforms
    assert "quoted on the NEEQ" in finance and "listed on the NEEQ" not in finance
    # 近1亿 over 3 teams bounds the average: at most 1e8 / 3 = CNY 33.3 m
    assert "an average of at most CNY 33.3 m per team" in talent


@cache
def context_rows():
    with open(DATA / "cases" / "chengdu" / "context.csv", encoding="utf-8") as f:
        return {row["id"]: row for row in csv.DictReader(f)}


# what a chart's source line calls each scenario parameter (written for readers, not the code names)
PARAMETER_WORDS = {
    "zh": {"risk_pool_yi": "风险资金池规模", "loss_rate": "累计损失率（假设）", "compensation_share": "资金池补偿比例",
           "baseline_year": "倍增承诺的基年", "pledge_start_years": "承诺期限情景",
           "spending_not_below_stated_year": "支出相对已知年份的倍数（假定未下降）"},
    "en": {"risk_pool_yi": "risk pool size", "loss_rate": "lifetime loss rate on cumulative lending (assumed)",
           "compensation_share": "share of losses the pool covers",
           "baseline_year": "base year of the doubling pledge",
           "pledge_start_years": "scenario windows of the pledge",
           "spending_not_below_stated_year": "spending as a multiple of the stated year's (assumed not to fall)"},
}


def expected_origins(nums, lang) -> set[str]:
    from kczlib.data.context import confidence_label

    title = json.loads((DATA / "cases" / "chengdu" / "case.json").read_text(encoding="utf-8"))["title"][lang]
    out = set()
    for num in nums:
        for leaf in num.inputs():
            if leaf.kind == "figure":
                out.add(f"《{title}》" if lang == "zh" else f'case study "{title}"')
            elif leaf.kind == "context":
                row = context_rows()[leaf.origin.context_id]
                label = confidence_label(row["confidence"], lang)
                # the publisher in the page's language (English pages: the `publisher_en` column)
                publisher = row["publisher"] if lang == "zh" else row["publisher_en"]
                host = urlparse(row["source_url"]).hostname
                if row["confidence"] == "derived":
                    out.add(f"{publisher}（外部数据推算，{label}）" if lang == "zh" else
                            f"{publisher} (derived from external data, {label})")
                else:  # the original publisher, the page read as the access route
                    out.add(f"{publisher}（经{host}，{label}）" if lang == "zh" else
                            f"{publisher} (via {host}, {label})")
            elif leaf.kind == "assumption":
                name = PARAMETER_WORDS[lang][leaf.origin.name]
                out.add(f"假设：{name}" if lang == "zh" else f"assumption: {name}")
            else:
                out.add("kcz 对案例数据集的统计" if lang == "zh" else "kcz count of the case dataset")
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(NB))
def test_each_chart_source_line_lists_exactly_the_origins_of_what_it_plots(name, lang):
    r = report(name, lang)
    assert r.charts
    prefix = "来源：" if lang == "zh" else "Source: "
    for chart, nums, source in r.charts:
        assert source.startswith(prefix), (chart, source)
        assert set(source[len(prefix):].split("；" if lang == "zh" else "; ")) == expected_origins(nums, lang), chart


def test_charts_of_external_data_and_assumptions_do_not_cite_the_case():
    title = json.loads((DATA / "cases" / "chengdu" / "case.json").read_text(encoding="utf-8"))["title"]["en"]
    sources = {c: s for c, _, s in report("01_fiscal_investment", "en").charts}
    assert (title not in sources["rd_intensity_series"]
            and "(via scecea.org.cn, medium confidence)" in sources["rd_intensity_series"])
    assert "assumption: base year of the doubling pledge" in sources["fiscal_path"]
    assert "leverage_grid" not in {c for c, _, _ in report("02_tech_finance_leverage", "en").charts}


@pytest.mark.parametrize("name, phrases", [
    ("01_fiscal_investment", [
        "one such grant equals 0.0101% to 0.201% of",          # 1e6 / 9.94e9 = 0.01006%; 2e7 / 9.94e9 = 0.2012%
        "whole-city R&D spending was at least CNY 59.8 bn",     # 19916.98亿 x 3% = 597.5亿
        "that R&D is then at most 16.6%",                       # 99.4 / 597.51 = 16.64%
        "and to GDP 0.499%",                                    # 99.4 / 19916.98 = 0.4991%
        "the ratio of municipal fiscal S&T spending to it is 15.7%",  # 99.4 / 631.92 = 15.73%
        "per resident was CNY 469",                             # 9.94e9 / 21,192,000 = 469.04
        "the end-point target is at least CNY 19.9 bn by 2024",  # 2 x 9.94 = 19.88
        "External data put Chengdu's 2021 GDP at CNY 1.99 trn",  # 19916.98亿 = 1.991698 trn
        "R&D spending of CNY 63.2 bn in 2021",                   # 631.92亿 = 63.192 bn
        "derivation: CNY 73.3 bn - CNY 10.1 bn",                 # 733.26亿 - 101.34亿, in bn: 73.3 - 10.1 = 63.2
    ]),
    ("03_talent_inflows", [
        "3.58 academicians and experts per station",            # (75 + 781) / 239 = 3.5816 (review L16)
        "they are 32.6% of the patents",                        # 494 / 1514 = 32.63%
        "Per station: 5.16 projects and 6.33 patents",          # 1233 / 239 = 5.159; 1514 / 239 = 6.335
        # no patents per academician or expert (1514 / 856): the patents are the host firms' (review M3)
        "3.02 to 3.40 per team",                                # 800 / 265 = 3.019; 900 / 265 = 3.396
        "90.9 to 96.6 each",                                    # 16000 / 176 = 90.91; 17000 / 176 = 96.59
    ]),
    ("04_platforms_and_industry", [
        # 7821 - 1701; 7821 / 6120 = 1.2779
        "That implies a stock of 6,120 a year earlier; the total was 1.28× that stock",
    ]),
    ("02_tech_finance_leverage", [
        "as much as 6.95% to 10.4% of the Kechuangdai volume",  # 20.85 / 300 = 6.95%; 20.85 / 200 = 10.425% -> 10.4%
        "20.8% to 31.3% with 80% covered",                      # 50 / (300 x 0.8) = 20.83%; 50 / (200 x 0.8) = 31.25%
    ]),
])
def test_derived_numbers_match_the_arithmetic_done_by_hand(name, phrases):
    text = "\n".join(report(name, "en").shown)
    for phrase in phrases:
        assert phrase in text


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(NB))
def test_no_page_text_or_source_line_names_a_bare_mirror_host(name, lang):
    # a host appears only as the access route after the publisher: 经host / via host (review M18)
    r = report(name, lang)
    hosts = {urlparse(row["source_url"]).hostname for row in context_rows().values() if row["source_url"]}
    route = "经{}" if lang == "zh" else "via {}"
    for text in [*r.shown, *(source for _, _, source in r.charts)]:
        rest = text
        for host in hosts:
            rest = rest.replace(route.format(host), "")
        assert not [h for h in hosts if h in rest], text
