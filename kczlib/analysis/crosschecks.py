"""Cross-checks: does a case figure agree with the external context?

Each check is a pure function of `Figure`s and `ContextFigure`s (either may be None when
missing) and returns a `CrossCheck` with both sides' numbers, an outcome
(agree / disagree / cannot_tell) and an explanation in each language built from those
numbers. `run_crosschecks(case)` looks the inputs up: figures by the shared indicator
they map to (data/indicators.csv), context rows by the role the case's context.meta.json
gives them, so the checks run on any case.

Case figures are intervals (lower, upper): 2700余家 is [2700, 2800], 3%以上 is [3, inf).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from kczlib.data.cases import case_name, get_case
from kczlib.data.context import ContextFigure, context_role, format_period
from kczlib.errors import IndicatorNotReportedError
from kczlib.data.figures import FIGURES_FILE, LATEST, Figure, indicator
from kczlib.analysis.formatting import format_interval, format_quantity, format_value

OUTCOMES = ("agree", "disagree", "cannot_tell")

# Year-end stock vs stock implied by "total minus net new": the two may be counted at
# slightly different dates (recognition batches, expiries), so allow 2% (about 120 firms
# in 2020) before calling them different.
HIGHTECH_TOLERANCE = 0.02

# The shared indicators (data/indicators.csv) each check reads from the case.
HIGHTECH_TOTAL, HIGHTECH_NET_NEW = "hightech_enterprises", "hightech_enterprises_net_new"
RD_INTENSITY = "rd_intensity"
KCD_FIRMS, KCD_LOANS = "tech_loan_firms", "tech_loan_volume"
STAR_LISTED = "star_listed_firms"


@dataclass(frozen=True)
class CaseSide:
    figure_ids: tuple[str, ...]
    numbers: dict
    description_zh: str
    description_en: str

    def description(self, lang: str) -> str:
        return self.description_zh if lang == "zh" else self.description_en


@dataclass(frozen=True)
class ContextSide:
    context_ids: tuple[str, ...]
    numbers: dict
    confidence: dict  # context id -> high / medium / low / derived
    derivation: dict = field(default_factory=dict)  # context id -> how it was derived


@dataclass(frozen=True)
class CrossCheck:
    id: str
    title_zh: str
    title_en: str
    case_side: CaseSide | None
    context_side: ContextSide | None
    outcome: str
    explanation_zh: str
    explanation_en: str
    numbers: dict  # every input and computed number, for narratives to format

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def explanation(self, lang: str) -> str:
        return self.explanation_zh if lang == "zh" else self.explanation_en


# --- intervals and formatting --------------------------------------------------------


def figure_bounds(fig: Figure) -> tuple[float, float]:
    """A figure as [lower, upper] in its base unit; an unstated bound is -inf / inf."""
    lo = fig.lower if fig.lower is not None else (fig.value_base if fig.is_exact else -math.inf)
    hi = fig.upper if fig.upper is not None else (fig.value_base if fig.is_exact else math.inf)
    return lo, hi


def growth_interval(lo: float, hi: float, later: float) -> tuple[float, float]:
    """How many times a total known to lie in [lo, hi] grew to `later`: (later/hi, later/lo)."""
    return later / hi, later / lo


def _stated(fig: Figure, lang: str, measure: str = "家") -> str:
    """A case figure as the source states it, qualifier kept: 逾2700家 / more than 2,700."""
    return format_quantity(fig.value_base, fig.base_unit, fig.qualifier, fig.lower, fig.upper, lang, measure)


def _external(ctx: ContextFigure, lang: str, measure: str = "家") -> str:
    """An external number with its period and confidence label: 2020年6120家（低可信度…）."""
    value = format_value(ctx.value_base, ctx.base_unit, lang, measure)
    when = format_period(ctx.period, lang)
    if lang == "zh":
        return f"{when}{value}（{ctx.confidence_label(lang)}）"
    return f"{value} in {when} ({ctx.confidence_label(lang)})"


def _span(lo: float, hi: float, base_unit: str, lang: str, measure: str = "家", sig: int = 3) -> str:
    """A computed interval, each bound rounded conventionally; infinite bounds are left open."""
    return format_interval(None if math.isinf(lo) else lo, None if math.isinf(hi) else hi, base_unit, lang, measure, sig)


def _context_side(*rows: ContextFigure) -> ContextSide:
    return ContextSide(
        context_ids=tuple(r.id for r in rows),
        numbers={r.id: r.value_base for r in rows},
        confidence={r.id: r.confidence for r in rows},
        derivation={r.id: r.derivation for r in rows if r.is_derived},
    )


def _cannot_tell(check_id: str, titles: tuple[str, str], needs: dict) -> CrossCheck | None:
    """None when every input is present; else a cannot_tell check naming what is missing."""
    missing = [name for name, value in needs.items() if value is None]
    if not missing:
        return None
    return CrossCheck(
        check_id, *titles, None, None, "cannot_tell",
        "无法判断：缺少输入 " + "、".join(missing),
        "Cannot tell: missing input " + ", ".join(missing),
        {},
    )


# --- the checks ----------------------------------------------------------------------

def _years(fig: Figure) -> tuple[str, str]:
    """The figure's year and the year before it, as text (a cumulative figure has neither)."""
    if not fig.period.isdigit():
        return fig.period, fig.period
    return fig.period, str(int(fig.period) - 1)


HIGHTECH_TITLES = ("高新技术企业上年末存量：案例推算与外部数据", "High-tech enterprises a year before the case total: implied vs external count")


def check_hightech_stock(total: Figure | None, net_new: Figure | None, external: ContextFigure | None,
                         tolerance: float = HIGHTECH_TOLERANCE) -> CrossCheck:
    """2021 total minus 2021 net new = implied 2020 stock, against the external 2020 count.

    agree when the external count lies within `tolerance` (relative) of the implied one.
    """
    missing = _cannot_tell("hightech_stock_2020", HIGHTECH_TITLES, {
        f"indicator {HIGHTECH_TOTAL}": total, f"indicator {HIGHTECH_NET_NEW}": net_new,
        "context hightech_prior_year": external})
    if missing:
        return missing
    (t_lo, t_hi), (n_lo, n_hi) = figure_bounds(total), figure_bounds(net_new)
    lo, hi = t_lo - n_hi, t_hi - n_lo
    ext = external.value_base
    gap = ext - hi if ext > hi else (ext - lo if ext < lo else 0.0)  # signed distance outside [lo, hi]
    rel = gap / ext
    outcome = "agree" if abs(rel) <= tolerance else "disagree"
    year, prior = _years(total)  # from the figure's period, never typed in
    desc = {lang: (f"{year}年总量{_stated(total, lang)}，净增{_stated(net_new, lang)}，推算{prior}年{_span(lo, hi, 'count', lang)}"
                   if lang == "zh" else
                   f"{_stated(total, lang)} in {year} with {_stated(net_new, lang)} net new, implying {_span(lo, hi, 'count', lang)} in {prior}")
            for lang in ("zh", "en")}
    case_side = CaseSide((total.id, net_new.id), {"total": (t_lo, t_hi), "net_new": (n_lo, n_hi), "implied": (lo, hi)},
                         desc["zh"], desc["en"])
    gap_zh, gap_en = format_value(gap, "count", "zh", "家"), format_value(gap, "count", "en")
    if outcome == "agree":
        verdict_zh, verdict_en = "在容差内，一致", "within tolerance: agree"
    else:
        verdict_zh, verdict_en = "超出容差，不一致", "outside tolerance: disagree"
    return CrossCheck(
        "hightech_stock_2020", *HIGHTECH_TITLES, case_side, _context_side(external), outcome,
        f"案例：{desc['zh']}。外部数据：{_external(external, 'zh')}。差距{gap_zh}（{rel:+.1%}），{verdict_zh}（容差±{tolerance:.0%}）。",
        f"Case: {desc['en']}. External: {_external(external, 'en')}. Gap {gap_en} ({rel:+.1%}), {verdict_en} (tolerance ±{tolerance:.0%}).",
        {"total_lower": t_lo, "total_upper": t_hi, "net_new_lower": n_lo, "net_new_upper": n_hi,
         "implied_lower": lo, "implied_upper": hi, "external": ext, "gap": gap, "relative_gap": rel,
         "tolerance": tolerance},
    )


RD_TITLES = ("R&D投入强度：案例表述与外部数据", "R&D intensity: the case's claim vs external figure")


def check_rd_intensity(claim: Figure | None, external: ContextFigure | None,
                       rd: ContextFigure | None = None, gdp: ContextFigure | None = None) -> CrossCheck:
    """Is the external intensity inside the case's claimed interval (3%以上 = [3, inf))?

    A derived external value says how it was derived. `rd` and `gdp` of the same year,
    when given, add a second route (R&D / GDP); the outcome rests on `external` alone.
    """
    missing = _cannot_tell("rd_intensity_2021", RD_TITLES, {
        f"indicator {RD_INTENSITY}": claim, "context rd_intensity_case_year": external})
    if missing:
        return missing
    lo, hi = figure_bounds(claim)
    ext = external.value_base
    outcome = "agree" if lo <= ext <= hi else "disagree"
    numbers = {"claim_lower": lo, "claim_upper": hi, "external": ext, "margin_over_lower": ext - lo}
    rows = [external]
    text = {}
    year, _ = _years(claim)
    for lang in ("zh", "en"):
        zh = lang == "zh"
        how = ""
        if external.is_derived:
            # context.csv writes derivations as "arithmetic: English note"; Chinese text keeps
            # the arithmetic and points to the appendix for the note
            formula = external.derivation.split(":")[0].strip()
            how = f"，推算方式：{formula}（说明见附录“外部数据来源”）" if zh else f", derived as {external.derivation}"
        second = ""
        if rd is not None and gdp is not None:
            ratio = rd.value_base / gdp.value_base * 100
            numbers["from_rd_over_gdp"] = ratio
            r = format_value(ratio, "percent", lang, sig=3)
            second = (f"另以R&D经费{_external(rd, lang)}除以GDP{_external(gdp, lang)}得{r}。" if zh else
                      f" R&D of {_external(rd, lang)} over GDP of {_external(gdp, lang)} gives {r}.")
        inside = {("zh", "agree"): "外部数值落在案例所称范围内，一致。",
                  ("zh", "disagree"): "外部数值不在案例所称范围内，不一致。",
                  ("en", "agree"): "The external value lies within the case's claim: agree.",
                  ("en", "disagree"): "The external value lies outside the case's claim: disagree."}[(lang, outcome)]
        text[lang] = (f"案例称{year}年R&D投入强度{_stated(claim, lang)}；外部数据：{_external(external, lang)}{how}。{second}{inside}" if zh else
                      f"The case claims R&D intensity of {_stated(claim, lang)} in {year}; external: {_external(external, lang)}{how}.{second} {inside}")
    if "from_rd_over_gdp" in numbers:
        rows += [rd, gdp]
    case_side = CaseSide((claim.id,), {"claim": (lo, hi)},
                         f"{year}年R&D投入强度{_stated(claim, 'zh')}", f"R&D intensity of {_stated(claim, 'en')} in {year}")
    return CrossCheck("rd_intensity_2021", *RD_TITLES, case_side, _context_side(*rows), outcome,
                      text["zh"], text["en"], numbers)


KCD_TITLES = ("科创贷：案例数与此后外部累计数", "Kechuangdai loans: the case's totals vs later external totals")


def check_kechuangdai_growth(firms: Figure | None, loans: Figure | None,
                             firms_later: ContextFigure | None, loans_later: ContextFigure | None) -> CrossCheck:
    """Later cumulative totals must not fall below the case's: a cumulative total cannot shrink.

    agree: both later totals ≥ the case's lower bounds; disagree: either is below.
    Growth is an interval because the case's totals are (2700余 = [2700, 2800]).
    """
    missing = _cannot_tell("kechuangdai_growth", KCD_TITLES, {
        f"indicator {KCD_FIRMS}": firms, f"indicator {KCD_LOANS}": loans,
        "context kechuangdai_firms_latest": firms_later, "context kechuangdai_loans_latest": loans_later})
    if missing:
        return missing
    (f_lo, f_hi), (l_lo, l_hi) = figure_bounds(firms), figure_bounds(loans)
    f_later, l_later = firms_later.value_base, loans_later.value_base
    gf, gl = growth_interval(f_lo, f_hi, f_later), growth_interval(l_lo, l_hi, l_later)
    below = [name for name, later, lo in (("firms", f_later, f_lo), ("loans", l_later, l_lo)) if later < lo]
    outcome = "disagree" if below else "agree"
    case_side = CaseSide(
        (firms.id, loans.id), {"firms": (f_lo, f_hi), "loans": (l_lo, l_hi)},
        f"累计服务企业{_stated(firms, 'zh')}，放款{_stated(loans, 'zh')}",
        f"{_stated(firms, 'en')} firms served, {_stated(loans, 'en')} lent",
    )
    growth = {lang: (_span(*gf, "multiplier", lang), _span(*gl, "multiplier", lang)) for lang in ("zh", "en")}
    if outcome == "agree":
        verdict_zh, verdict_en = "此后累计数不低于案例下限，一致。", "Later cumulative totals are not below the case's lower bounds: agree."
    else:
        verdict_zh = f"此后累计数低于案例下限（{'、'.join(below)}），而累计数不会减少，不一致。"
        verdict_en = f"Later cumulative totals fall below the case's lower bounds ({', '.join(below)}), which a cumulative total cannot do: disagree."
    return CrossCheck(
        "kechuangdai_growth", *KCD_TITLES, case_side, _context_side(firms_later, loans_later), outcome,
        f"案例：{case_side.description_zh}。外部：累计服务企业截至{_external(firms_later, 'zh')}，"
        f"累计放款截至{_external(loans_later, 'zh')}。企业数为案例的{growth['zh'][0]}，放款额为{growth['zh'][1]}。{verdict_zh}",
        f"Case: {case_side.description_en}. External: firms served, {_external(firms_later, 'en')}; "
        f"cumulative lending, {_external(loans_later, 'en')}. Firms grew {growth['en'][0]}, lending {growth['en'][1]}. {verdict_en}",
        {"firms_lower": f_lo, "firms_upper": f_hi, "loans_lower": l_lo, "loans_upper": l_hi,
         "firms_later": f_later, "loans_later": l_later,
         "firms_growth_lower": gf[0], "firms_growth_upper": gf[1],
         "loans_growth_lower": gl[0], "loans_growth_upper": gl[1],
         "firms_added_lower": f_later - f_hi, "firms_added_upper": f_later - f_lo,
         "loans_added_lower": l_later - l_hi, "loans_added_upper": l_later - l_lo},
    )


STAR_TITLES = ("科创板上市企业：案例数与此后外部数", "STAR Market listings: the case's count vs a later external count")


def check_star_listings(listed: Figure | None, later: ContextFigure | None) -> CrossCheck:
    """A later count of listed firms at or above the case's is consistent (delistings aside)."""
    missing = _cannot_tell("star_market_listings", STAR_TITLES, {
        f"indicator {STAR_LISTED}": listed, "context star_listed_latest": later})
    if missing:
        return missing
    lo, hi = figure_bounds(listed)
    n_later = later.value_base
    outcome = "agree" if n_later >= lo else "disagree"
    case_side = CaseSide((listed.id,), {"listed": (lo, hi)},
                         f"科创板上市企业{_stated(listed, 'zh')}", f"{_stated(listed, 'en')} STAR Market listings")
    added = {lang: _span(n_later - hi, n_later - lo, "count", lang) for lang in ("zh", "en")}
    if outcome == "agree":
        verdict_zh, verdict_en = "此后数量不低于案例数，一致。", "The later count is not below the case's: agree."
    else:
        verdict_zh, verdict_en = "此后数量低于案例数，不一致（除非有退市）。", "The later count is below the case's: disagree (unless firms delisted)."
    return CrossCheck(
        "star_market_listings", *STAR_TITLES, case_side, _context_side(later), outcome,
        f"案例：{case_side.description_zh}。外部：截至{_external(later, 'zh')}，变化{added['zh']}。{verdict_zh}",
        f"Case: {case_side.description_en}. External: {_external(later, 'en')}, a change of {added['en']}. {verdict_en}",
        {"listed_lower": lo, "listed_upper": hi, "later": n_later, "added_lower": n_later - hi, "added_upper": n_later - lo},
    )


# --- running them on a case ----------------------------------------------------------


def case_figure(indicator_id: str, case: str) -> Figure | None:
    """The case's figure for a shared indicator, or None when the case has no figures table
    yet or maps no figure to the indicator.

    Where the case reports several years, the latest. A figures table that exists but is
    invalid still raises (that needs fixing, not hiding), and so does an unknown indicator id.
    """
    if not get_case(case).path(FIGURES_FILE).is_file():
        return None
    try:
        return indicator(indicator_id, case, LATEST)
    except IndicatorNotReportedError:
        return None


def run_crosschecks(case: str | None = None) -> list[CrossCheck]:
    """Every cross-check on the case, in report order."""
    case = case_name(case)
    fig = lambda indicator_id: case_figure(indicator_id, case)  # noqa: E731
    ctx = lambda role: context_role(role, case)  # noqa: E731
    return [
        check_hightech_stock(fig(HIGHTECH_TOTAL), fig(HIGHTECH_NET_NEW), ctx("hightech_prior_year")),
        check_rd_intensity(fig(RD_INTENSITY), ctx("rd_intensity_case_year"), ctx("rd_case_year"), ctx("gdp_case_year")),
        check_kechuangdai_growth(fig(KCD_FIRMS), fig(KCD_LOANS), ctx("kechuangdai_firms_latest"), ctx("kechuangdai_loans_latest")),
        check_star_listings(fig(STAR_LISTED), ctx("star_listed_latest")),
    ]
