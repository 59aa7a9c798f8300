"""Case figures and context rows as `Num`s (bounds in the base unit, provenance by id).

The report layer builds these today; the redesign moves them to `kczlib.analysis`.
"""

from __future__ import annotations

from kczlib.analysis.ledger import Num
from kczlib.data.figures import figure

MULTIPLIER_WORDS = ("万亿", "万", "亿")


def _measure(unit: str, base_unit: str) -> str:
    """The measure word of a count unit ("万家" -> "家"); "" for any other base unit."""
    if base_unit != "count":
        return ""
    for w in MULTIPLIER_WORDS:
        if unit.startswith(w):
            return unit[len(w):]
    return unit


def figure_num(figure_id: str, case: str) -> Num:
    """A case figure as a `Num`: bounds in its `base_unit` (yuan for CNY), provenance = its id.

    Args:
        figure_id: the figure's id in the case's figures.csv.
        case: the case folder name.

    Returns:
        The figure as a `Num` of kind "figure".

    Raises:
        UnknownFigureError: for an id the case does not have.
    """
    f = figure(figure_id, case)
    return Num(f.lower, f.upper, f.base_unit, (figure_id,), figure_id, "figure", f.qualifier, f.value_base,
               _measure(f.unit, f.base_unit))


def context_num(context_id: str, case: str) -> Num:
    """A context row (data/cases/<case>/context.csv) as a `Num` in its base unit.

    Carries the row's confidence; a qualified row (超400亿元) is a range, as a case figure is.

    Args:
        context_id: the row's id.
        case: the case folder name.

    Returns:
        A `Num` of kind "context" whose id is "ctx:<context_id>".

    Raises:
        UnknownContextError: for an id the case's context table does not have.
    """
    from kczlib.data.context import context_value

    c = context_value(context_id, case)
    lower, upper = c.bounds
    return Num(lower, upper, c.base_unit, (f"ctx:{context_id}",), f"context {context_id}", "context",
               c.qualifier or "exact", c.value_base, _measure(c.unit, c.base_unit), confidence=c.confidence)
