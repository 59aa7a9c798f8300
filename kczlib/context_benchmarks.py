"""Benchmarks: case figures set against external context (GDP, population, R&D, series).

Not to be confused with `benchmarks/` (speed benchmarks of the code). Each function
returns plain data, dicts or DataFrames, that carries the context ids, confidence and
derivations used, so a report can label every external number. Case figures are
intervals (see `crosschecks.figure_bounds`): a ratio of intervals is an interval,
`lower` from the smallest numerator over the largest denominator and vice versa.
Loader functions (`*_benchmarks`, `*_series`) give None or an empty frame where an input
is missing, never a made-up number.
"""

from __future__ import annotations

import pandas as pd

from .context import ContextFigure, GEO_EN, context_role, context_series
from .crosschecks import (HIGHTECH_NET_NEW, HIGHTECH_TOTAL, KCD_FIRMS, KCD_LOANS, case_figure,
                          figure_bounds, growth_interval)
from .figures import Figure

FISCAL_ST = "fiscal_st_spending_2021"


def provenance(*rows: ContextFigure) -> dict:
    """What a report needs to label external numbers: ids, confidence, derivation, source."""
    return {
        "context_ids": [r.id for r in rows],
        "confidence": {r.id: r.confidence for r in rows},
        "derivation": {r.id: r.derivation for r in rows if r.is_derived},
        "source_url": {r.id: r.source_url for r in rows if r.source_url},
    }


def _ratio(fig: Figure, denominator: float) -> tuple[float, float]:
    lo, hi = figure_bounds(fig)
    return lo / denominator, hi / denominator


# --- fiscal S&T spending -------------------------------------------------------------


def fiscal_share_of_gdp(spending: Figure, gdp: ContextFigure) -> dict:
    """Municipal fiscal S&T spending as a share (0-1) of GDP of the same year."""
    lo, hi = _ratio(spending, gdp.value_base)
    return {"lower": lo, "upper": hi, "unit": "share", "year": gdp.year_number,
            "figure_ids": [spending.id], **provenance(gdp)}


def fiscal_per_resident(spending: Figure, population: ContextFigure) -> dict:
    """Yuan of municipal fiscal S&T spending per resident (year-end resident population)."""
    lo, hi = _ratio(spending, population.value_base)
    return {"lower": lo, "upper": hi, "unit": "CNY", "year": population.year_number,
            "figure_ids": [spending.id], **provenance(population)}


def fiscal_beside_rd(spending: Figure, rd: ContextFigure) -> dict:
    """Fiscal S&T spending over whole-city R&D expenditure, and which R&D year that is.

    Set beside, not a share of: fiscal S&T spending is not all R&D, and R&D is mostly
    spent by firms. `same_year` says whether the R&D year matches the figure's period.
    """
    lo, hi = _ratio(spending, rd.value_base)
    return {"lower": lo, "upper": hi, "unit": "ratio", "year": rd.year_number,
            "same_year": str(rd.year_number) == spending.period,
            "figure_ids": [spending.id], **provenance(rd)}


def fiscal_benchmarks(case: str = "chengdu") -> dict:
    """The three fiscal benchmarks; a value is None where an input is missing.

    `beside_rd` uses the R&D row of the case year when the context has one, else the
    latest R&D row (flagged by `same_year`).
    """
    spending = case_figure(FISCAL_ST, case)
    gdp, pop = context_role("gdp_case_year", case), context_role("population_case_year", case)
    rd = context_role("rd_case_year", case) or context_role("rd_latest", case)
    if spending is None:
        return {"share_of_gdp": None, "per_resident": None, "beside_rd": None}
    return {
        "share_of_gdp": fiscal_share_of_gdp(spending, gdp) if gdp else None,
        "per_resident": fiscal_per_resident(spending, pop) if pop else None,
        "beside_rd": fiscal_beside_rd(spending, rd) if rd else None,
    }


# --- R&D intensity -------------------------------------------------------------------

SERIES_COLUMNS = ["context_id", "geo", "geo_en", "year", "value", "confidence", "derivation", "source_url"]


def series_frame(rows: list[ContextFigure]) -> pd.DataFrame:
    """Context rows as a tidy frame for a chart, one row per (geo, year)."""
    frame = pd.DataFrame(
        [[r.id, r.geo, GEO_EN.get(r.geo, r.geo), r.year_number, r.value, r.confidence, r.derivation, r.source_url]
         for r in rows],
        columns=SERIES_COLUMNS,
    )
    return frame.sort_values(["geo_en", "year"], ignore_index=True)


def rd_intensity_series(case: str = "chengdu") -> pd.DataFrame:
    """R&D intensity (percent of GDP) by geography and year: city, province, nation."""
    return series_frame(context_series("rd_intensity", case))


# --- 科创贷 --------------------------------------------------------------------------


def kechuangdai_loan_size(firms: Figure, loans: Figure, firms_later: ContextFigure | None,
                          loans_later: ContextFigure | None, loan_count_later: ContextFigure | None) -> dict:
    """Average lending per firm at the case (an interval) and later; per loan later.

    then: [loans lower / firms upper, loans upper / firms lower], in yuan per firm.
    """
    (f_lo, f_hi), (l_lo, l_hi) = figure_bounds(firms), figure_bounds(loans)
    out = {"then_per_firm": {"lower": l_lo / f_hi, "upper": l_hi / f_lo, "unit": "CNY",
                             "figure_ids": [loans.id, firms.id]},
           "later_per_firm": None, "later_per_loan": None}
    if firms_later and loans_later:
        v = loans_later.value_base / firms_later.value_base
        out["later_per_firm"] = {"lower": v, "upper": v, "unit": "CNY", "year": loans_later.year,
                                 **provenance(loans_later, firms_later)}
    if loan_count_later and loans_later:
        v = loans_later.value_base / loan_count_later.value_base
        out["later_per_loan"] = {"lower": v, "upper": v, "unit": "CNY", "year": loans_later.year,
                                 **provenance(loans_later, loan_count_later)}
    return out


def kechuangdai_growth(firms: Figure, loans: Figure, firms_later: ContextFigure | None,
                       loans_later: ContextFigure | None) -> dict:
    """Times the case's totals grew to the later external ones, as intervals (None if absent)."""
    out = {}
    for name, fig, later in (("firms", firms, firms_later), ("loans", loans, loans_later)):
        if later is None:
            out[name] = None
            continue
        lo, hi = growth_interval(*figure_bounds(fig), later.value_base)
        out[name] = {"lower": lo, "upper": hi, "unit": "multiplier", "year": later.year,
                     "figure_ids": [fig.id], **provenance(later)}
    return out


def kechuangdai_benchmarks(case: str = "chengdu") -> dict | None:
    """Loan size then and later, and growth since the case; None without the case figures."""
    firms, loans = case_figure(KCD_FIRMS, case), case_figure(KCD_LOANS, case)
    if firms is None or loans is None:
        return None
    firms_later = context_role("kechuangdai_firms_latest", case)
    loans_later = context_role("kechuangdai_loans_latest", case)
    count_later = context_role("kechuangdai_loan_count_latest", case)
    return {"loan_size": kechuangdai_loan_size(firms, loans, firms_later, loans_later, count_later),
            "growth": kechuangdai_growth(firms, loans, firms_later, loans_later)}


# --- high-tech enterprises -----------------------------------------------------------

HIGHTECH_COLUMNS = ["year", "value", "kind", "source_id", "confidence", "derivation"]


def hightech_rows(external: list[ContextFigure], total: Figure | None, net_new: Figure | None) -> pd.DataFrame:
    """External counts plus the case's total and the stock it implies for the year before.

    kind: external / case / case_implied; an implied row's derivation is built from the
    figures ("7821 - 1701"), its confidence is "derived".
    """
    rows = [[r.year_number, r.value_base, "external", r.id, r.confidence, r.derivation] for r in external]
    if total is not None and total.period.isdigit():  # a "cumulative" total has no year to plot
        year = int(total.period)
        rows.append([year, total.value_base, "case", total.id, "case", ""])
        if net_new is not None and net_new.period == total.period:
            rows.append([year - 1, total.value_base - net_new.value_base, "case_implied",
                         f"{total.id} - {net_new.id}", "derived",
                         f"{total.value_base:g} - {net_new.value_base:g}"])
    frame = pd.DataFrame(rows, columns=HIGHTECH_COLUMNS)
    return frame.sort_values(["year", "kind"], ignore_index=True)


def hightech_series(case: str = "chengdu") -> pd.DataFrame:
    """The high-tech enterprise series for the platforms chart, external and case rows."""
    return hightech_rows(context_series("hightech", case),
                         case_figure(HIGHTECH_TOTAL, case), case_figure(HIGHTECH_NET_NEW, case))
