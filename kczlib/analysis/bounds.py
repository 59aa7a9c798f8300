"""Joint bounds of a derived number: `derive`, `joint_bounds` and the vertex method.

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
from collections.abc import Callable, Iterator
from dataclasses import replace

import numpy as np

from kczlib.analysis.num import ContextRef, FigureRef, Num, Parameter, parameter_derivation
from kczlib.errors import NonMonotoneError

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

# An input's range for the vertex method: (low, high, low is open, high is open).
Box = tuple[float, float, bool, bool]


# --- the core: derive -------------------------------------------------------------

def derive(fn: Callable[..., float], operands: list[Num], base_unit: str, derivation: str,
           measure: str = "", sig: int = 3) -> Num:
    """A derived `Num`: `fn(*operands)` with bounds computed jointly over its inputs.

    `fn` takes one float per operand (operands may themselves be derived: their inputs
    are shared, not duplicated) and returns a float. `derivation` is the formula in
    words, written with the operands' names. Returns a `Num` of kind "derived" (no origin)
    whose `lower`/`upper` are the joint bounds (None where open), whose `refs` are the
    figures and context rows of all inputs, and which keeps `fn` and `operands`.
    Raises `NonMonotoneError` if an interior sample falls outside the vertex hull.
    """
    refs = tuple(dict.fromkeys(r for op in operands for r in op.refs))
    num = Num(None, None, base_unit, refs=refs, derivation=derivation, measure=measure, sig=sig,
              operands=tuple(operands), fn=fn)
    lo, hi = joint_bounds(num)
    return replace(num, lower=lo, upper=hi)


def _box(leaf: Num) -> Box:
    """(low, high, low is open, high is open) of an input; inputs are non-negative."""
    lo, hi = leaf.lower, leaf.upper
    return (0.0 if lo is None else float(lo), math.inf if hi is None else float(hi), lo is None, hi is None)


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
    results: list[tuple[float, bool]] = []  # (value, reached at a vertex with no open end)
    for vertex in itertools.product(*choices):
        env = {key: v for key, (v, _) in zip(boxes, vertex, strict=True)}
        opens = {key: (boxes[key][0], boxes[key][1], "upper" if math.isinf(v) else "lower")
                 for key, (v, is_open) in zip(boxes, vertex, strict=True) if is_open}
        value = _evaluate(num, env)
        if math.isnan(value):
            value = _limit(num, env, opens)
        results.append((value, not opens))
    lo_all, hi_all = min(v for v, _ in results), max(v for v, _ in results)
    _check_monotone(num, boxes, lo_all, hi_all)
    return _bound(lo_all, results), _bound(hi_all, results)


def _bound(extreme: float, results: list[tuple[float, bool]]) -> float | None:
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


def _check_monotone(num: Num, boxes: dict[str, Box], lo_all: float, hi_all: float) -> None:
    keys = list(boxes)
    axes = [_interior(lo, hi) for lo, hi, _, _ in boxes.values()]
    n = math.prod(len(a) for a in axes)
    points: Iterator[tuple[float, ...]]
    if n <= _MAX_SAMPLES:
        points = itertools.product(*axes)
    else:
        rng = random.Random(0)  # reproducible: the same expression always gets the same check
        points = (tuple(rng.choice(a) for a in axes) for _ in range(_MAX_SAMPLES))
    span = max(abs(lo_all) if math.isfinite(lo_all) else 0.0, abs(hi_all) if math.isfinite(hi_all) else 0.0, 1.0)
    tol = 1e-9 * span
    for point in points:
        value = _evaluate(num, dict(zip(keys, point, strict=True)))
        if math.isnan(value) or value < lo_all - tol or value > hi_all + tol:
            inputs = ", ".join(f"{k}={v:.6g}" for k, v in zip(keys, point, strict=True))
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
    return replace(num, lower=v, upper=v)


def operand_name(n: Num) -> str:
    """How `n` is named inside a larger formula.

    Its derivation (or ids), in brackets when it is itself a formula, so `a / (b + c)` reads right in the ledger.
    """
    d = n.derivation or ", ".join(n.ids)
    # a parameter or context row under its own name is one word, however it is written
    # (and so is a figure under its id, which in a comparison names its case: <case>/kechuangdai_loans)
    leaf = isinstance(n.origin, ContextRef) and d == f"context {n.origin.context_id}" \
        or isinstance(n.origin, Parameter) and d == parameter_derivation(n.origin.name) \
        or isinstance(n.origin, FigureRef) and d == n.origin.figure_id
    return f"({d})" if any(op in d for op in " +-*/") and not leaf else d


def bounded(fn: Callable[..., float], operands: list[Num], base_unit: str, derivation: str,
            measure: str = "", sig: int = 3) -> Num:
    """`derive`, with bounds equal to 12 digits snapped to one exact value.

    Args:
        fn: the function of the operands' values.
        operands: the input `Num`s.
        base_unit: the result's base unit.
        derivation: the formula shown in the ledger.
        measure: the Chinese measure word of a count (家, 个).
        sig: significant digits the result prints with.

    Returns:
        The derived `Num`.

    Raises:
        NonMonotoneError: as `derive`.
    """
    return _snap(derive(fn, operands, base_unit, derivation, measure, sig))


