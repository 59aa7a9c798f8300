"""Periods as the tables write them ("2023", "2019-H1", "2023-11") and dates ("2023-09-12"), counted in months.

One home for the arithmetic of data dates: a period is read as its last month, so spans
between cumulative figures and the "data as of" of a page are counted alike.
"""

from __future__ import annotations


def month_number(date: str) -> int:
    """A date (2023-09-12) or month (2023-09) as a count of months (year x 12 + month)."""
    return int(date[:4]) * 12 + int(date[5:7])


def period_end(period: str) -> int | None:
    """The last month of a period, as months since year 0 (year * 12 + month), or None.

    A year is its December, a half-year its June or December, a month itself: "2023" ->
    2023 * 12 + 12, "2019-H1" -> 2019 * 12 + 6, "2023-11" -> 2023 * 12 + 11. Anything
    else (a figure's "cumulative" or "target", "") is not a period: None.

    Args:
        period: a period as the tables write it (context.csv's and figures.csv's `period`).

    Returns:
        The month number, or None.
    """
    y, _, part = str(period).partition("-")
    if len(y) != 4 or not y.isdigit():
        return None
    if not part:
        return int(y) * 12 + 12
    month = {"H1": 6, "H2": 12}.get(part) or (int(part) if part.isdigit() and 1 <= int(part) <= 12 else None)
    return None if month is None else int(y) * 12 + month


def months_between(earlier: str, later: str) -> int:
    """Whole months from one context period to another, each read as its end (`period_end`).

    A year is its December, a half-year its June or December (2023-11 to 2024-08 -> 9).
    Raises ValueError for a text that is not a period.
    """
    ends = [period_end(earlier), period_end(later)]
    if ends[0] is None or ends[1] is None:
        raise ValueError(f"not a period: {earlier!r} or {later!r}")
    return ends[1] - ends[0]
