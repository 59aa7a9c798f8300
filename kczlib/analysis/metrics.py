"""Derived indicators: expressions over distinct inputs, bounded jointly (the vertex method).

A derived number is a function of its distinct independent inputs (case figures, context
rows, parameters, dataset counts), each known as an interval. `derive` keeps the function
and its operands on the resulting `Num`, and computes the bounds jointly over the box of
the inputs' intervals: the function is evaluated at every vertex of the box and the
minimum and maximum are taken. That is exact for functions monotone in each input
(Dong & Shah, "Vertex method for computing functions of fuzzy variables", 1987), and an
input that appears twice is one input, so `x / x` is exactly 1 and the loans cancel in
loans / (loans x loss rate x share) instead of widening the result (the dependency
problem of operation-by-operation interval arithmetic).

Monotonicity is checked, not assumed: interior points of the box are sampled and a value
outside the vertex hull raises `NonMonotoneError` naming the formula.

Open bounds: inputs are non-negative quantities, so a missing lower bound (近, 内) is 0
and a missing upper bound (超, 以上) is +infinity. A result bound that is only the
trivial limit of an open input (0 or infinity) is left open (None), so "at least" and
"at most" survive; a finite limit reached only at an open end (1 for (a + b) / a as a
grows without bound) is kept as the infimum or supremum it is.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable

import numpy as np
import pandas as pd

from kczlib.errors import KczError
from kczlib.analysis.ledger import RATIO, Num

# Interior points per ranged input for the monotonicity check (3 -> quartiles), and the
# cap on grid points before falling back to a fixed-seed random sample of that size.
_SAMPLES_PER_INPUT = (0.25, 0.5, 0.75)
_MAX_SAMPLES = 729
# Relative tolerance: bounds this close are the same number computed two ways.
_SAME = 1e-12
# Proxies for an open end when a vertex gives 0/0 or inf/inf: the value at two ever
# larger stand-ins must agree to this relative tolerance, or the bound cannot be found.
_PROXIES = (1e12, 1e15)
_LIMIT_AGREE = 1e-9
# Shares of fewer than this many items print with 2 significant digits, not 3.
SMALL_COUNT = 30


class NonMonotoneError(KczError):
    """The vertex method does not bound this expression: it is not monotone in each input."""


# --- the core: derive -------------------------------------------------------------

def derive(fn: Callable[..., float], operands: list[Num], base_unit: str, derivation: str,
           measure: str = "", sig: int = 3) -> Num:
    """A derived `Num`: `fn(*operands)` with bounds computed jointly over its inputs.

    `fn` takes one float per operand (operands may themselves be derived: their inputs
    are shared, not duplicated) and returns a float. `derivation` is the formula in
    words, written with the operands' names. Returns a `Num` of kind "derived" whose
    `lower`/`upper` are the joint bounds (None where open), whose `ids` are the figure
    and context ids of all inputs, and which keeps `fn` and `operands`.
    Raises `NonMonotoneError` if an interior sample falls outside the vertex hull.
    """
    ids = tuple(dict.fromkeys(i for op in operands for i in op.ids))
    num = Num(None, None, base_unit, ids, derivation, "derived", measure=measure, sig=sig,
              operands=tuple(operands), fn=fn)
    lo, hi = joint_bounds(num)
    return Num(lo, hi, base_unit, ids, derivation, "derived", measure=measure, sig=sig,
               operands=tuple(operands), fn=fn)


def _box(leaf: Num) -> tuple[float, float, bool, bool]:
    """(low, high, low is open, high is open) of an input; inputs are non-negative."""
    lo_open, hi_open = leaf.lower is None, leaf.upper is None
    return (0.0 if lo_open else float(leaf.lower), math.inf if hi_open else float(leaf.upper), lo_open, hi_open)


def _evaluate(num: Num, env: dict[str, float]) -> float:
    with np.errstate(all="ignore"):
        return float(num.evaluate({k: np.float64(v) for k, v in env.items()}))


def _limit(num: Num, env: dict[str, float], opens: dict[str, tuple[float, float, str]]) -> float:
    """The value at a vertex that gave nan (0/0, inf/inf), as the limit of finite stand-ins."""
    values = []
    for k in _PROXIES:
        e = dict(env)
        for key, (lo, hi, side) in opens.items():
            e[key] = max(1.0, abs(lo)) * k if side == "upper" else (hi if hi > 0 else 1.0) / k
        values.append(_evaluate(num, e))
    a, b = values
    if math.isfinite(a) and math.isfinite(b) and abs(a - b) <= _LIMIT_AGREE * max(abs(a), abs(b), 1e-300):
        return float(f"{b:.12g}")
    raise NonMonotoneError(f"cannot bound {num.derivation!r}: no limit at an open end of its inputs")


def joint_bounds(num: Num) -> tuple[float | None, float | None]:
    """(lower, upper) of a derived `Num` over the box of its distinct inputs.

    Vertex method with a monotonicity check; see the module docstring for open ends.
    Raises `NonMonotoneError`.
    """
    leaves = num.inputs()
    boxes = {leaf.key: _box(leaf) for leaf in leaves}
    choices = [[(lo, lo_open)] if lo == hi else [(lo, lo_open), (hi, hi_open)]
               for lo, hi, lo_open, hi_open in boxes.values()]
    results = []  # (value, reached at a vertex with no open end)
    for vertex in itertools.product(*choices):
        env = {key: v for key, (v, _) in zip(boxes, vertex)}
        opens = {key: (boxes[key][0], boxes[key][1], "upper" if math.isinf(v) else "lower")
                 for key, (v, is_open) in zip(boxes, vertex) if is_open}
        value = _evaluate(num, env)
        if math.isnan(value):
            value = _limit(num, env, opens)
        results.append((value, not opens))
    lo_all, hi_all = min(v for v, _ in results), max(v for v, _ in results)
    _check_monotone(num, boxes, lo_all, hi_all)
    return _bound(lo_all, results), _bound(hi_all, results)


def _bound(extreme: float, results) -> float | None:
    """An extreme of the vertex values, or None if it is only the trivial limit of an open input."""
    if math.isinf(extreme):
        return None
    closed = any(v == extreme and finite for v, finite in results)
    if not closed and extreme == 0:
        return None
    return extreme


def _interior(lo: float, hi: float) -> list[float]:
    if lo == hi:
        return [lo]
    if math.isinf(hi):  # open above: finite points beyond the known lower bound
        base = lo if lo > 0 else 1.0
        return [base * 1.5, base * 3, base * 10]
    return [lo + t * (hi - lo) for t in _SAMPLES_PER_INPUT]


def _check_monotone(num: Num, boxes: dict, lo_all: float, hi_all: float) -> None:
    keys = list(boxes)
    axes = [_interior(lo, hi) for lo, hi, _, _ in boxes.values()]
    n = math.prod(len(a) for a in axes)
    if n <= _MAX_SAMPLES:
        points = itertools.product(*axes)
    else:
        rng = random.Random(0)  # reproducible: the same expression always gets the same check
        points = (tuple(rng.choice(a) for a in axes) for _ in range(_MAX_SAMPLES))
    span = max(abs(lo_all) if math.isfinite(lo_all) else 0.0, abs(hi_all) if math.isfinite(hi_all) else 0.0, 1.0)
    tol = 1e-9 * span
    for point in points:
        value = _evaluate(num, dict(zip(keys, point)))
        if math.isnan(value) or value < lo_all - tol or value > hi_all + tol:
            inputs = ", ".join(f"{k}={v:.6g}" for k, v in zip(keys, point))
            raise NonMonotoneError(
                f"{num.derivation!r} is not monotone in each input: at {inputs} it is {value:.6g}, "
                f"outside [{lo_all:.6g}, {hi_all:.6g}] spanned by the corners of its inputs' ranges; "
                "the vertex method cannot bound it (split the expression or bound it by hand)")


def _snap(num: Num) -> Num:
    """Bounds equal to 12 digits become one exact value (float noise of a cancelled input)."""
    lo, hi = num.lower, num.upper
    if lo is None or hi is None or lo == hi or abs(hi - lo) > _SAME * max(abs(lo), abs(hi)):
        return num
    v = float(f"{(lo + hi) / 2:.12g}")
    return Num(v, v, num.base_unit, num.ids, num.derivation, num.kind, measure=num.measure, sig=num.sig,
               operands=num.operands, fn=num.fn)


def _name(n: Num) -> str:
    d = n.derivation or ", ".join(n.ids)
    leaf = d.startswith(("parameter ", "context ")) and " " not in d.split(" ", 1)[1]
    return f"({d})" if any(op in d for op in " +-*/") and not leaf else d


def _d(fn, operands, base_unit, derivation, measure="", sig=3) -> Num:
    return _snap(derive(fn, operands, base_unit, derivation, measure, sig))


def _div(a, b):
    return a / b


# --- indicators -------------------------------------------------------------------

def ratio(a: Num, b: Num, base_unit: str, measure: str = "") -> Num:
    """a / b for non-negative quantities, bounded jointly (a shared input cancels)."""
    return _d(_div, [a, b], base_unit, f"{_name(a)} / {_name(b)}", measure)


def share(part: Num, whole: Num) -> Num:
    """part / whole as a share in [0, 1] (values above 1 are capped at 1).

    A share of fewer than `SMALL_COUNT` items prints with 2 significant digits: 3 would
    claim a precision a handful of items cannot give.
    """
    small = whole.base_unit == "count" and whole.upper is not None and whole.upper < SMALL_COUNT
    return _d(lambda p, w: min(p / w, 1.0), [part, whole], RATIO, f"{_name(part)} / {_name(whole)}",
              sig=2 if small else 3)


def difference(a: Num, b: Num, measure: str = "") -> Num:
    """a - b as a `Num` in a's base unit, bounded jointly over both inputs' ranges.

    Raises `NonMonotoneError` only if the vertex method cannot bound it (never for a difference).
    """
    return _d(lambda x, y: x - y, [a, b], a.base_unit, f"{_name(a)} - {_name(b)}", measure or a.measure)


def total(nums: list[Num], derivation: str = "", measure: str = "") -> Num:
    """The sum of `nums` as a `Num` in the first one's base unit (all should share it),
    bounded jointly: a sum of ranges is a range. `derivation` overrides the formula shown in
    the ledger; `measure` the counted word. Raises `IndexError` for an empty list.
    """
    return _d(lambda *xs: sum(xs), list(nums), nums[0].base_unit,
              derivation or " + ".join(_name(n) for n in nums), measure or nums[0].measure)


def growth(later: Num, earlier: Num) -> Num:
    """later / earlier as a multiple (1.28 = 28% more)."""
    return ratio(later, earlier, "multiplier")


def scaled(x: Num, factor: Num) -> Num:
    """x times a factor (a share or a multiplier)."""
    return _d(lambda a, f: a * f, [x, factor], x.base_unit, f"{_name(x)} * {_name(factor)}", x.measure)


def percent_of(x: Num, pct: Num) -> Num:
    """pct percent of x (pct in percent points, e.g. 3%以上 of GDP)."""
    return _d(lambda a, p: a * p / 100, [x, pct], x.base_unit, f"{_name(x)} * {_name(pct)} / 100", x.measure)


def as_percent(share_num: Num) -> Num:
    """A share in [0, 1] as percent points, for charts with a percent axis."""
    return _d(lambda s: s * 100, [share_num], "percent", f"{_name(share_num)} * 100", sig=share_num.sig)


def annual_growth_for_multiple(multiple: Num, years: Num) -> Num:
    """Compound annual growth that reaches `multiple` in `years`: multiple ** (1 / years) - 1.

    "Within 3 years" (upper bound 3, no lower) means at least 2 ** (1/3) - 1 a year.
    """
    return _d(lambda m, y: m ** (1 / y) - 1, [multiple, years], RATIO,
              f"{_name(multiple)} ** (1 / {_name(years)}) - 1")


def target_path(base: Num, rate: Num, start_year: int, years: int) -> pd.DataFrame:
    """Year-by-year target from `base` growing at `rate`: base * (1 + rate) ** t.

    Rows: year, num (the `Num`), lower, upper. Year 0 is `base` itself.
    """
    rows = []
    for t in range(years + 1):
        num = base if t == 0 else _d(lambda b, r, t=t: b * (1 + r) ** t, [base, rate], base.base_unit,
                                     f"{_name(base)} * (1 + {_name(rate)}) ** {t}", base.measure)
        rows.append({"year": start_year + t, "num": num, "lower": num.lower, "upper": num.upper})
    return pd.DataFrame(rows)


def how_many_fit(budget: Num, unit_cost: Num) -> Num:
    """How many items of a cost range a budget could fund: budget / cost, as a range."""
    return ratio(budget, unit_cost, "count", measure="个")


def capped_loss(loans: Num, pool: Num, loss_rate: Num, comp: Num) -> Num:
    """Expected fiscal loss: min(loans x loss rate x compensation share, pool), in yuan.

    A pool cannot pay out more than it holds; no top-up is modelled.
    """
    return _d(lambda l, p, r, s: min(l * r * s, p), [loans, pool, loss_rate, comp], "CNY",
              f"min({_name(loans)} * {_name(loss_rate)} * {_name(comp)}, {_name(pool)})")


def break_even_loss_rate(loans: Num, pool: Num, comp: Num) -> Num:
    """The loss rate at which the pool is exhausted: pool / (loans x compensation share)."""
    return _d(lambda p, l, s: p / (l * s), [pool, loans, comp], RATIO,
              f"{_name(pool)} / ({_name(loans)} * {_name(comp)})")


POOL_BINDS, POOL_BINDS_PARTLY, POOL_HOLDS = "binds", "partly", "holds"


def pool_binding(loans: Num, pool: Num, loss_rate: Num, comp: Num) -> str:
    """Whether the expected loss exceeds the pool: at every loan volume in the range
    ("binds"), at some ("partly"), or at none ("holds")."""
    uncapped = _d(lambda l, r, s: l * r * s, [loans, loss_rate, comp], "CNY", "uncapped")
    if uncapped.lower is not None and uncapped.lower >= pool.upper:
        return POOL_BINDS
    if uncapped.upper is None or uncapped.upper > pool.lower:
        return POOL_BINDS_PARTLY
    return POOL_HOLDS


def leverage_grid(loans: Num, pools: list[Num], loss_rates: list[Num], shares: list[Num]) -> pd.DataFrame:
    """Scenario grid over pool size x loss rate x compensation share.

    Columns: pool, loss_rate, compensation_share (the input Nums); loans_per_pool_yuan =
    loans / pool; expected_fiscal_loss = min(loans x loss x share, pool);
    loans_per_loss_yuan = loans / expected loss, which is exactly 1 / (loss x share)
    wherever the pool holds (loans cancel); break_even_loss_rate = pool / (loans x share);
    pool_binding = "binds" | "partly" | "holds".
    """
    rows = []
    for pool, loss, comp in itertools.product(pools, loss_rates, shares):
        expected_loss = capped_loss(loans, pool, loss, comp)
        per_loss = _d(lambda l, p, r, s: l / min(l * r * s, p), [loans, pool, loss, comp], "multiplier",
                      f"{_name(loans)} / {_name(expected_loss)}")
        rows.append({"pool": pool, "loss_rate": loss, "compensation_share": comp,
                     "loans_per_pool_yuan": ratio(loans, pool, "multiplier"),
                     "expected_fiscal_loss": expected_loss, "loans_per_loss_yuan": per_loss,
                     "break_even_loss_rate": break_even_loss_rate(loans, pool, comp),
                     "pool_binding": pool_binding(loans, pool, loss, comp)})
    return pd.DataFrame(rows)


# --- change over time and scale ------------------------------------------------------

def change_rate(later: Num, earlier: Num) -> Num:
    """Relative change later / earlier - 1, as a share (0.0036 prints 0.36%).

    For quantities that grew: a fall gives a negative share, which the formatter refuses
    with a clear error rather than printing it as growth.
    """
    return _d(lambda a, b: a / b - 1, [later, earlier], RATIO, f"{_name(later)} / {_name(earlier)} - 1")


# Rates per resident are stated per ten thousand (每万人), the usual Chinese statistical base.
PER_RESIDENTS = 1e4


def per_ten_thousand(x: Num, population: Num, measure: str = "") -> Num:
    """x per ten thousand of `population` (a count of people): x / population * 10^4."""
    return _d(lambda a, p: a / p * PER_RESIDENTS, [x, population], "count",
              f"{_name(x)} / {_name(population)} * 10000", measure)


def compound_rate(later: Num, earlier: Num, years: Num) -> Num:
    """Average compound annual change from `earlier` to `later` over `years`:
    (later / earlier) ** (1 / years) - 1, as a share."""
    return _d(lambda a, b, y: (a / b) ** (1 / y) - 1, [later, earlier, years], RATIO,
              f"({_name(later)} / {_name(earlier)}) ** (1 / {_name(years)}) - 1")
