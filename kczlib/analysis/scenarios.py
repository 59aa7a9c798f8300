"""Scenario models over case numbers: the risk pool behind a loan programme.

(Targets such as "double within 3 years" bind only their end point: `kczlib.analysis.targets`.)
`capped_loss`, `break_even_loss_rate`,
`pool_binding` and `leverage_grid` model a risk-compensation pool that covers a share of
the losses on a loan volume (the pool pays at most what it holds). All bounds are joint,
by the vertex method (`kczlib.analysis.bounds`).
"""

from __future__ import annotations

import itertools
import math

import pandas as pd

from kczlib.analysis.bounds import bounded, operand_name
from kczlib.analysis.num import RATIO, Num


def _per(a: Num, b: Num) -> Num:
    """The multiple `a / b` (as `metrics.ratio(a, b, "multiplier")`)."""
    return bounded(lambda x, y: x / y, [a, b], "multiplier", f"{operand_name(a)} / {operand_name(b)}")


def capped_loss(loans: Num, pool: Num, loss_rate: Num, comp: Num) -> Num:
    """Expected fiscal loss: min(loans x loss rate x compensation share, pool), in yuan.

    A pool cannot pay out more than it holds; no top-up is modelled.
    """
    return bounded(lambda ln, p, r, s: min(ln * r * s, p), [loans, pool, loss_rate, comp], "CNY",
              f"min({operand_name(loans)} * {operand_name(loss_rate)} * {operand_name(comp)}, {operand_name(pool)})")


def break_even_loss_rate(loans: Num, pool: Num, comp: Num) -> Num:
    """The loss rate at which the pool is exhausted: pool / (loans x compensation share)."""
    return bounded(lambda p, ln, s: p / (ln * s), [pool, loans, comp], RATIO,
              f"{operand_name(pool)} / ({operand_name(loans)} * {operand_name(comp)})")


POOL_BINDS, POOL_BINDS_PARTLY, POOL_HOLDS = "binds", "partly", "holds"


def pool_binding(loans: Num, pool: Num, loss_rate: Num, comp: Num) -> str:
    """Whether the expected loss exceeds the pool over the loan volume's range.

    At every loan volume in the range ("binds"), at some ("partly"), or at none ("holds").
    """
    uncapped = bounded(lambda ln, r, s: ln * r * s, [loans, loss_rate, comp], "CNY", "uncapped")
    # a pool bound left open (None) is unbounded that way
    pool_lo = -math.inf if pool.lower is None else pool.lower
    pool_hi = math.inf if pool.upper is None else pool.upper
    if uncapped.lower is not None and uncapped.lower >= pool_hi:
        return POOL_BINDS
    if uncapped.upper is None or uncapped.upper > pool_lo:
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
        per_loss = bounded(lambda ln, p, r, s: ln / min(ln * r * s, p), [loans, pool, loss, comp], "multiplier",
                      f"{operand_name(loans)} / {operand_name(expected_loss)}")
        rows.append({"pool": pool, "loss_rate": loss, "compensation_share": comp,
                     "loans_per_pool_yuan": _per(loans, pool),
                     "expected_fiscal_loss": expected_loss, "loans_per_loss_yuan": per_loss,
                     "break_even_loss_rate": break_even_loss_rate(loans, pool, comp),
                     "pool_binding": pool_binding(loans, pool, loss, comp)})
    return pd.DataFrame(rows)


