"""Derived indicators: interval arithmetic on `Num`s, with the derivation written down.

Every function takes and returns `Num`s; bounds are carried through (a / b over
intervals of positive numbers is [a.lower / b.upper, a.upper / b.lower]), a missing
bound stays missing rather than becoming a guess, and each result names the ids and
the formula it came from, which the report's numbers ledger prints.
"""

from __future__ import annotations

import itertools

import pandas as pd

from .ledger import RATIO, Num


def _ids(*nums: Num) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for n in nums for i in n.ids))


def _name(n: Num) -> str:
    d = n.derivation or ", ".join(n.ids)
    return f"({d})" if any(op in d for op in " +-*/") and not d.startswith("parameter") else d


def _div(x: float | None, y: float | None) -> float | None:
    return None if x is None or y is None or y == 0 else x / y


def ratio(a: Num, b: Num, base_unit: str, measure: str = "") -> Num:
    """a / b for positive quantities; bounds from the opposite ends of the intervals."""
    lo, hi = _div(a.lower, b.upper), _div(a.upper, b.lower)
    return Num(lo, hi, base_unit, _ids(a, b), f"{_name(a)} / {_name(b)}", "derived", measure=measure)


def share(part: Num, whole: Num) -> Num:
    """part / whole as a share in [0, 1]; an upper bound above 1 is capped at 1."""
    r = ratio(part, whole, RATIO)
    return Num(r.lower, None if r.upper is None else min(r.upper, 1.0), RATIO, r.ids, r.derivation, r.kind)


def difference(a: Num, b: Num, measure: str = "") -> Num:
    lo = None if a.lower is None or b.upper is None else a.lower - b.upper
    hi = None if a.upper is None or b.lower is None else a.upper - b.lower
    return Num(lo, hi, a.base_unit, _ids(a, b), f"{_name(a)} - {_name(b)}", "derived", measure=measure or a.measure)


def total(nums: list[Num], derivation: str = "", measure: str = "") -> Num:
    lo = None if any(n.lower is None for n in nums) else sum(n.lower for n in nums)
    hi = None if any(n.upper is None for n in nums) else sum(n.upper for n in nums)
    return Num(lo, hi, nums[0].base_unit, _ids(*nums), derivation or " + ".join(_name(n) for n in nums),
               "derived", measure=measure or nums[0].measure)


def growth(later: Num, earlier: Num) -> Num:
    """later / earlier as a multiple (1.28 = 28% more)."""
    return ratio(later, earlier, "multiplier")


def scaled(x: Num, factor: Num) -> Num:
    """x times a factor (a share or a multiplier), bounds multiplied end to end."""
    lo = None if x.lower is None or factor.lower is None else x.lower * factor.lower
    hi = None if x.upper is None or factor.upper is None else x.upper * factor.upper
    return Num(lo, hi, x.base_unit, _ids(x, factor), f"{_name(x)} * {_name(factor)}", "derived", measure=x.measure)


def percent_of(x: Num, pct: Num) -> Num:
    """pct percent of x (pct in percent points, e.g. 3%以上 of GDP)."""
    as_share = Num(None if pct.lower is None else pct.lower / 100, None if pct.upper is None else pct.upper / 100,
                   RATIO, pct.ids, f"{_name(pct)} / 100", pct.kind)
    return scaled(x, as_share)


def as_percent(share_num: Num) -> Num:
    """A share in [0, 1] as percent points, for charts with a percent axis."""
    return Num(None if share_num.lower is None else share_num.lower * 100,
               None if share_num.upper is None else share_num.upper * 100, "percent",
               share_num.ids, f"{share_num.derivation} * 100", share_num.kind)


def annual_growth_for_multiple(multiple: Num, years: Num) -> Num:
    """Compound annual growth that reaches `multiple` in `years`: multiple ** (1 / years) - 1.

    "Within 3 years" (upper bound 3, no lower) means at least 2 ** (1/3) - 1 a year.
    """
    def rate(m, y):
        return None if m is None or y is None else m ** (1 / y) - 1

    lo = rate(multiple.lower, years.upper)
    hi = rate(multiple.upper, years.lower)
    return Num(lo, hi, RATIO, _ids(multiple, years), f"{_name(multiple)} ** (1 / {_name(years)}) - 1", "derived")


def target_path(base: Num, rate: Num, start_year: int, years: int) -> pd.DataFrame:
    """Year-by-year target from `base` growing at `rate` (lower bound of the rate)."""
    rows = []
    for t in range(years + 1):
        lo = None if base.lower is None or rate.lower is None else base.lower * (1 + rate.lower) ** t
        hi = None if base.upper is None or rate.upper is None else base.upper * (1 + rate.upper) ** t
        num = Num(lo, hi, base.base_unit, _ids(base, rate),
                  f"{_name(base)} * (1 + {_name(rate)}) ** {t}" if t else base.derivation or ", ".join(base.ids),
                  "derived" if t else base.kind, qualifier=base.qualifier if not t else "exact",
                  value_base=base.value_base if not t else None)
        rows.append({"year": start_year + t, "num": num, "lower": lo, "upper": hi})
    return pd.DataFrame(rows)


def how_many_fit(budget: Num, unit_cost: Num) -> Num:
    """How many items of a cost range a budget could fund: budget / cost, as a range."""
    return ratio(budget, unit_cost, "count", measure="个")


def leverage_grid(loans: Num, pools: list[Num], loss_rates: list[Num], shares: list[Num]) -> pd.DataFrame:
    """Scenario grid: loans per yuan of risk pool, and per yuan of expected fiscal loss.

    Expected fiscal loss = loans x loss_rate x compensation_share; loans per yuan of it
    is 1 / (loss_rate x compensation_share) whatever the loan volume.
    """
    rows = []
    for pool, loss, comp in itertools.product(pools, loss_rates, shares):
        per_pool = ratio(loans, pool, "multiplier")
        expected_loss = Num(
            None if loans.lower is None else loans.lower * loss.lower * comp.lower,
            None if loans.upper is None else loans.upper * loss.upper * comp.upper,
            "CNY", _ids(loans, pool, loss, comp), f"{_name(loans)} * {_name(loss)} * {_name(comp)}", "derived",
        )
        per_loss = ratio(loans, expected_loss, "multiplier")
        rows.append({"pool": pool, "loss_rate": loss, "compensation_share": comp,
                     "loans_per_pool_yuan": per_pool, "expected_fiscal_loss": expected_loss,
                     "loans_per_loss_yuan": per_loss,
                     "pool_covers_loss": None if expected_loss.upper is None else pool.lower >= expected_loss.upper})
    return pd.DataFrame(rows)

