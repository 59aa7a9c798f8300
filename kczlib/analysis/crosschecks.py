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
from collections.abc import Mapping
from dataclasses import dataclass, field

from kczlib.analysis.derivation_words import context_derivation
from kczlib.analysis.formatting import format_interval, format_quantity, format_value
from kczlib.data.cases import case_name, get_case
from kczlib.data.context import ContextFigure, context_role, format_period
from kczlib.data.figures import FIGURES_FILE, LATEST, Figure, indicator
from kczlib.errors import DataError, IndicatorNotReportedError
from kczlib.words import word

OUTCOMES = ("agree", "disagree", "cannot_tell")
CHECK_WORDS = "checks"  # words/checks.toml: titles, verdicts, explanations

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
    """The case side of a check: the figures it reads, their numbers and a description in both languages."""

    figure_ids: tuple[str, ...]
    numbers: dict[str, tuple[float, float]]  # name -> (lower, upper), base unit
    description_zh: str
    description_en: str

    def description(self, lang: str) -> str:
        """The description in `lang` ("zh", else English)."""
        return self.description_zh if lang == "zh" else self.description_en


@dataclass(frozen=True)
class ContextSide:
    """The external side of a check: context rows, their values (base unit), confidence and derivation."""

    context_ids: tuple[str, ...]
    numbers: dict[str, float]  # context id -> value, base unit
    confidence: dict[str, str]  # context id -> high / medium / low / derived
    derivation: dict[str, str] = field(default_factory=dict)  # context id -> how it was derived


@dataclass(frozen=True)
class CrossCheck:
    """One cross-check's result: both sides, the outcome (one of `OUTCOMES`) and its explanation.

    Titles and explanations come from words/checks.toml; `numbers` holds every input and
    computed number (base units) for narratives to format.
    """

    id: str
    title_zh: str
    title_en: str
    case_side: CaseSide | None
    context_side: ContextSide | None
    outcome: str
    explanation_zh: str
    explanation_en: str
    numbers: dict[str, float]  # every input and computed number, for narratives to format

    def title(self, lang: str) -> str:
        """The title in `lang` ("zh", else English)."""
        return self.title_zh if lang == "zh" else self.title_en

    def explanation(self, lang: str) -> str:
        """The explanation in `lang` ("zh", else English)."""
        return self.explanation_zh if lang == "zh" else self.explanation_en


# --- intervals and formatting --------------------------------------------------------


def figure_bounds(fig: Figure) -> tuple[float, float]:
    """A figure as [lower, upper] in its base unit; an unstated bound is -inf / inf.

    Raises:
        DataError: an exact figure without `value_base` (figures.csv validation rejects it).
    """
    return _bound(fig.lower, fig, -math.inf), _bound(fig.upper, fig, math.inf)


def _bound(stated: float | None, fig: Figure, open_end: float) -> float:
    """One bound of `fig`: as stated, else an exact figure's own value, else `open_end` (-inf / inf)."""
    if stated is not None:
        return stated
    if not fig.is_exact:
        return open_end
    if fig.value_base is None:
        raise DataError(FIGURES_FILE, f"exact figure {fig.id} has no value_base", column="value_base")
    return fig.value_base


def growth_interval(lo: float, hi: float, later: float) -> tuple[float, float]:
    """How many times a total known to lie in [lo, hi] grew to `later`: (later/hi, later/lo)."""
    return later / hi, later / lo


def _stated(fig: Figure, lang: str, measure: str = "家") -> str:
    """A case figure as the source states it, qualifier kept: 逾2700家 / more than 2,700."""
    return format_quantity(fig.value_base, fig.base_unit, fig.qualifier, fig.lower, fig.upper, lang, measure)


def _say(key: str, lang: str, **slots: object) -> str:
    """The text of `key` in words/checks.toml in `lang`, its {slots} filled."""
    return word(CHECK_WORDS, key, lang).format(**slots)


def _titles(check: str) -> tuple[str, str]:
    """A check's title in Chinese and English (key `<check>.title` of words/checks.toml)."""
    return _say(f"{check}.title", "zh"), _say(f"{check}.title", "en")


def _external(ctx: ContextFigure, lang: str, measure: str = "家") -> str:
    """An external number with its period, publisher and confidence label: 2020年6120家（…，低可信度）."""
    return _say("external", lang, value=format_value(ctx.value_base, ctx.base_unit, lang, measure),
                when=format_period(ctx.period, lang), publisher=ctx.publisher_in(lang),
                label=ctx.confidence_label(lang))


def _span(lo: float, hi: float, base_unit: str, lang: str, measure: str = "家", sig: int = 3) -> str:
    """A computed interval, each bound rounded conventionally; infinite bounds are left open."""
    return format_interval(None if math.isinf(lo) else lo, None if math.isinf(hi) else hi,
                           base_unit, lang, measure, sig)


def _context_side(*rows: ContextFigure) -> ContextSide:
    return ContextSide(
        context_ids=tuple(r.id for r in rows),
        numbers={r.id: r.value_base for r in rows},
        confidence={r.id: r.confidence for r in rows},
        derivation={r.id: r.derivation for r in rows if r.is_derived},
    )


def _cannot_tell(check_id: str, titles: tuple[str, str], needs: Mapping[str, object]) -> CrossCheck:
    """A cannot_tell check naming the inputs of `needs` (input name -> value) that are None."""
    missing = [name for name, value in needs.items() if value is None]
    zh, en = (_say("cannot_tell", lang, missing=_say("sep", lang).join(missing)) for lang in ("zh", "en"))
    return CrossCheck(check_id, *titles, None, None, "cannot_tell", zh, en, {})


# --- the checks ----------------------------------------------------------------------

def _years(fig: Figure) -> tuple[str, str]:
    """The figure's year and the year before it, as text (a cumulative figure has neither)."""
    if not fig.period.isdigit():
        return fig.period, fig.period
    return fig.period, str(int(fig.period) - 1)


def check_hightech_stock(total: Figure | None, net_new: Figure | None, external: ContextFigure | None,
                         tolerance: float = HIGHTECH_TOLERANCE) -> CrossCheck:
    """2021 total minus 2021 net new = implied 2020 stock, against the external 2020 count.

    agree when the external count lies within `tolerance` (relative) of the implied one.
    """
    titles = _titles("hightech_stock")
    if total is None or net_new is None or external is None:
        return _cannot_tell("hightech_stock_2020", titles, {
            f"indicator {HIGHTECH_TOTAL}": total, f"indicator {HIGHTECH_NET_NEW}": net_new,
            "context hightech_prior_year": external})
    (t_lo, t_hi), (n_lo, n_hi) = figure_bounds(total), figure_bounds(net_new)
    lo, hi = t_lo - n_hi, t_hi - n_lo
    ext = external.value_base
    gap = ext - hi if ext > hi else (ext - lo if ext < lo else 0.0)  # signed distance outside [lo, hi]
    rel = gap / ext
    outcome = "agree" if abs(rel) <= tolerance else "disagree"
    year, prior = _years(total)  # from the figure's period, never typed in
    desc = {lang: _say("hightech_stock.description", lang, year=year, prior=prior, total=_stated(total, lang),
                       net_new=_stated(net_new, lang), implied=_span(lo, hi, "count", lang))
            for lang in ("zh", "en")}
    case_side = CaseSide((total.id, net_new.id), {"total": (t_lo, t_hi), "net_new": (n_lo, n_hi), "implied": (lo, hi)},
                         desc["zh"], desc["en"])
    gap_text = {"zh": format_value(gap, "count", "zh", "家"), "en": format_value(gap, "count", "en")}
    zh, en = (_say("hightech_stock.explanation", lang, case=desc[lang], external=_external(external, lang),
                   gap=gap_text[lang], rel=f"{rel:+.1%}", tolerance=f"{tolerance:.0%}",
                   verdict=_say(f"hightech_stock.verdict.{outcome}", lang))
              for lang in ("zh", "en"))
    return CrossCheck(
        "hightech_stock_2020", *titles, case_side, _context_side(external), outcome, zh, en,
        {"total_lower": t_lo, "total_upper": t_hi, "net_new_lower": n_lo, "net_new_upper": n_hi,
         "implied_lower": lo, "implied_upper": hi, "external": ext, "gap": gap, "relative_gap": rel,
         "tolerance": tolerance},
    )


def check_rd_intensity(claim: Figure | None, external: ContextFigure | None,
                       rd: ContextFigure | None = None, gdp: ContextFigure | None = None,
                       case: str | None = None) -> CrossCheck:
    """Is the external intensity inside the case's claimed interval (3%以上 = [3, inf))?

    A derived external value says how it was derived: with `case`, in that case's words
    (`derivation_words.context_derivation`), else as context.csv writes it. `rd` and `gdp` of the same year,
    when given, add a second route (R&D / GDP); the outcome rests on `external` alone.
    """
    titles = _titles("rd_intensity")
    if claim is None or external is None:
        return _cannot_tell("rd_intensity_2021", titles, {
            f"indicator {RD_INTENSITY}": claim, "context rd_intensity_case_year": external})
    lo, hi = figure_bounds(claim)
    ext = external.value_base
    outcome = "agree" if lo <= ext <= hi else "disagree"
    numbers = {"claim_lower": lo, "claim_upper": hi, "external": ext, "margin_over_lower": ext - lo}
    rows = [external]
    text: dict[str, str] = {}
    year, _ = _years(claim)
    for lang in ("zh", "en"):
        how = ""
        if external.is_derived:
            # the arithmetic with the case's words for it (derivation_words.context_derivation)
            how = _say("rd_intensity.how", lang, derivation=context_derivation(external, case, lang)
                       if case else external.derivation)
        second = ""
        if rd is not None and gdp is not None:
            ratio = rd.value_base / gdp.value_base * 100
            numbers["from_rd_over_gdp"] = ratio
            second = _say("rd_intensity.second_route", lang, rd=_external(rd, lang), gdp=_external(gdp, lang),
                          ratio=format_value(ratio, "percent", lang, sig=3))
        text[lang] = _say("rd_intensity.explanation", lang, year=year, claim=_stated(claim, lang),
                          external=_external(external, lang), how=how, second_route=second,
                          verdict=_say(f"rd_intensity.verdict.{outcome}", lang))
    if rd is not None and gdp is not None:  # the second route above was taken
        rows += [rd, gdp]
    case_side = CaseSide((claim.id,), {"claim": (lo, hi)},
                         *(_say("rd_intensity.description", lang, year=year, claim=_stated(claim, lang))
                           for lang in ("zh", "en")))
    return CrossCheck("rd_intensity_2021", *titles, case_side, _context_side(*rows), outcome,
                      text["zh"], text["en"], numbers)


def check_kechuangdai_growth(firms: Figure | None, loans: Figure | None,
                             firms_later: ContextFigure | None, loans_later: ContextFigure | None) -> CrossCheck:
    """Later cumulative totals must not fall below the case's: a cumulative total cannot shrink.

    agree: both later totals ≥ the case's lower bounds; disagree: either is below.
    Growth is an interval because the case's totals are (2700余 = [2700, 2800]).
    """
    titles = _titles("kechuangdai_growth")
    if firms is None or loans is None or firms_later is None or loans_later is None:
        return _cannot_tell("kechuangdai_growth", titles, {
            f"indicator {KCD_FIRMS}": firms, f"indicator {KCD_LOANS}": loans,
            "context kechuangdai_firms_latest": firms_later, "context kechuangdai_loans_latest": loans_later})
    (f_lo, f_hi), (l_lo, l_hi) = figure_bounds(firms), figure_bounds(loans)
    f_later, l_later = firms_later.value_base, loans_later.value_base
    gf, gl = growth_interval(f_lo, f_hi, f_later), growth_interval(l_lo, l_hi, l_later)
    below = [name for name, later, lo in (("firms", f_later, f_lo), ("loans", l_later, l_lo)) if later < lo]
    outcome = "disagree" if below else "agree"
    case_side = CaseSide(
        (firms.id, loans.id), {"firms": (f_lo, f_hi), "loans": (l_lo, l_hi)},
        *(_say("kechuangdai_growth.description", lang, firms=_stated(firms, lang), loans=_stated(loans, lang))
          for lang in ("zh", "en")),
    )
    zh, en = (_say("kechuangdai_growth.explanation", lang, case=case_side.description(lang),
                   firms_later=_external(firms_later, lang), loans_later=_external(loans_later, lang),
                   firms_growth=_span(*gf, "multiplier", lang), loans_growth=_span(*gl, "multiplier", lang),
                   verdict=_say(f"kechuangdai_growth.verdict.{outcome}", lang, below=_say("sep", lang).join(below)))
              for lang in ("zh", "en"))
    return CrossCheck(
        "kechuangdai_growth", *titles, case_side, _context_side(firms_later, loans_later), outcome, zh, en,
        {"firms_lower": f_lo, "firms_upper": f_hi, "loans_lower": l_lo, "loans_upper": l_hi,
         "firms_later": f_later, "loans_later": l_later,
         "firms_growth_lower": gf[0], "firms_growth_upper": gf[1],
         "loans_growth_lower": gl[0], "loans_growth_upper": gl[1],
         "firms_added_lower": f_later - f_hi, "firms_added_upper": f_later - f_lo,
         "loans_added_lower": l_later - l_hi, "loans_added_upper": l_later - l_lo},
    )


def check_star_listings(listed: Figure | None, later: ContextFigure | None) -> CrossCheck:
    """A later count of listed firms at or above the case's is consistent (delistings aside)."""
    titles = _titles("star_listings")
    if listed is None or later is None:
        return _cannot_tell("star_market_listings", titles, {
            f"indicator {STAR_LISTED}": listed, "context star_listed_latest": later})
    lo, hi = figure_bounds(listed)
    n_later = later.value_base
    outcome = "agree" if n_later >= lo else "disagree"
    case_side = CaseSide((listed.id,), {"listed": (lo, hi)},
                         *(_say("star_listings.description", lang, listed=_stated(listed, lang))
                           for lang in ("zh", "en")))
    zh, en = (_say("star_listings.explanation", lang, case=case_side.description(lang),
                   later=_external(later, lang), added=_span(n_later - hi, n_later - lo, "count", lang),
                   verdict=_say(f"star_listings.verdict.{outcome}", lang))
              for lang in ("zh", "en"))
    return CrossCheck(
        "star_market_listings", *titles, case_side, _context_side(later), outcome, zh, en,
        {"listed_lower": lo, "listed_upper": hi, "later": n_later,
         "added_lower": n_later - hi, "added_upper": n_later - lo},
    )


# --- running them on a case ----------------------------------------------------------


def case_figure(indicator_id: str, case: str) -> Figure | None:
    """The case's figure for a shared indicator, or None.

    None when the case has no figures table yet or maps no figure to the indicator.

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
    name = case_name(case)

    def fig(indicator_id: str) -> Figure | None:
        return case_figure(indicator_id, name)

    def ctx(role: str) -> ContextFigure | None:
        return context_role(role, name)

    return [
        check_hightech_stock(fig(HIGHTECH_TOTAL), fig(HIGHTECH_NET_NEW), ctx("hightech_prior_year")),
        check_rd_intensity(fig(RD_INTENSITY), ctx("rd_intensity_case_year"), ctx("rd_case_year"), ctx("gdp_case_year"),
                           case=name),
        check_kechuangdai_growth(fig(KCD_FIRMS), fig(KCD_LOANS),
                                 ctx("kechuangdai_firms_latest"), ctx("kechuangdai_loans_latest")),
        check_star_listings(fig(STAR_LISTED), ctx("star_listed_latest")),
    ]
