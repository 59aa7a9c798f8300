"""What a context row means and must satisfy beyond its schema: its bounds and its row rules.

A row's number, unit and qualifier are written back as the source phrase and read by the
quantity rules (`kczlib.data.quantities`), so context rows and case figures share one rule;
the row rules check dates, releases and bounds against the row's own excerpt.
"""

from __future__ import annotations

import math
import os

import pandas as pd

from kczlib.data.excerpt_value import excerpt_states_value
from kczlib.data.periods import month_number, period_end
from kczlib.data.schema import is_blank
from kczlib.errors import DataError
from kczlib.units import context_unit_base


def value_base(value: float, unit: str) -> tuple[float, str]:
    """`value` written in `unit` -> (value in the base unit, base unit): 99.4 亿元 -> 9.94e9 CNY."""
    factor, base = context_unit_base(unit)
    return value * factor, base


_PREFIX_QUALIFIERS = ("超", "近")
_SCALE_WORDS = ("亿", "万")


def qualified_bounds(value: float, unit: str, qualifier: str) -> tuple[float | None, float | None]:
    """Bounds in the base unit of `value` `unit` as qualified by `qualifier` ("" = exact).

    The context table stores the number, unit and qualifier apart; they are written back
    as the source phrase (超400亿元, 10万余人) and read by `kczlib.data.quantities`, so a
    context row and a case figure follow one rule. 余/多 are written after the scale word
    (10万余人 = 10万 to 11万, the rule of `kczlib.data.quantities`); a source that writes them
    before it (10余万人 = 10万 to 20万) needs the row's explicit `upper`, and the loader's check
    against the excerpt (`check_row_rules`) says so. Raises `ValueError` for an unknown unit.
    """
    base, _ = value_base(value, unit)
    if not qualifier:
        return base, base
    from kczlib.data.quantities import parse_quantity

    number = f"{value:.12g}"
    scale = unit[0] if unit[:1] in _SCALE_WORDS else ""
    rest = unit[len(scale):]
    if qualifier in _PREFIX_QUALIFIERS:
        text = f"{qualifier}{number}{unit}"
    elif qualifier == "以上":
        text = f"{number}{unit}以上"
    else:  # 余/多 follow the number and its scale word: 10万余人, 200多亿元
        text = f"{number}{scale}{qualifier}{rest}"
    q = parse_quantity(text)
    return q.lower, q.upper


def row_bounds(value: float, unit: str, qualifier: str, lower: float | None = None,
               upper: float | None = None) -> tuple[float | None, float | None]:
    """Bounds in the base unit of a context row: its explicit `lower`/`upper`, else the qualifier rule's.

    Args:
        value: the number as written, in `unit`.
        unit: the row's unit (亿元, 万人, ...).
        qualifier: the row's qualifier ("" = exact).
        lower: the explicit lower bound in `unit`, or None for the rule's.
        upper: the explicit upper bound in `unit`, or None for the rule's.

    Returns:
        (lower, upper) in the base unit; None where no bound is stated.

    Raises:
        ValueError: an unknown unit.
    """
    lo, hi = qualified_bounds(value, unit, qualifier)
    factor = value_base(1.0, unit)[0]
    return (lo if lower is None else lower * factor), (hi if upper is None else upper * factor)


def check_row_rules(frame: pd.DataFrame, lines: list[int], path: str | os.PathLike[str]) -> list[DataError]:
    """Rules across columns (and rows) that a per-field schema cannot state.

    A derived row needs a derivation, any other a source_url and an excerpt that states its
    value (`excerpt_value.excerpt_states_value`, whatever its confidence); the data date
    (`period`) may not end after the page's publication (`published`); rows of one release
    share their data date (`check_releases`); a qualified row, or one with explicit bounds,
    must be read from its excerpt with the same bounds (`check_excerpt_bounds`).
    """
    errors: list[DataError] = []
    for (_, row), line in zip(frame.iterrows(), lines, strict=True):
        end = period_end(str(row["period"]))
        if not is_blank(row["published"]) and end is not None and end > month_number(str(row["published"])):
            errors.append(DataError(path, f"the data date {row['period']} is later than the page's publication "
                                          f"{row['published']}: a publication date is not a data date", line,
                                    "period"))
        for column in ("publisher", "publisher_en"):  # source lines list sources with "; " between them
            if column in row and not is_blank(row[column]) and any(c in str(row[column]) for c in ";；"):
                errors.append(DataError(path, f"a {column} may not hold a semicolon: source lines separate "
                                              "sources with one", line, column))
        if row["confidence"] == "derived":
            if is_blank(row["derivation"]):
                errors.append(DataError(path, "a derived row needs a derivation", line, "derivation"))
            continue
        for column in ("source_url", "excerpt"):
            if is_blank(row[column]):
                reason = f"a {row['confidence']} row needs a {column} (only derived rows may omit it)"
                errors.append(DataError(path, reason, line, column))
        if not is_blank(row["excerpt"]) and not excerpt_states_value(
                float(row["value"]), str(row["unit"]), str(row["excerpt"])):
            # any confidence: a typo in `value` (2219.2 for the excerpt's 2119.2, -2119.2, 352 for
            # 3.52) is refused before a report prints it
            reason = (f"the excerpt does not state the row's value {float(row['value']):.12g}{row['unit']} "
                      "(kczlib/data/excerpt_value.py): quote the sentence that states it, or fix the value")
            errors.append(DataError(path, reason, line, "value"))
            continue  # its bounds cannot be read from the excerpt either: one problem, said once
        errors += check_excerpt_bounds(row, line, path)
    return errors + check_releases(frame, lines, path)


def check_releases(frame: pd.DataFrame, lines: list[int], path: str | os.PathLike[str]) -> list[DataError]:
    """Rows of one release (the same `release` slug, or the same excerpt) must share their `period`.

    A release states its figures as of one date; a row dated otherwise has taken its date from
    somewhere else (the publication of a later reprint, say).
    """
    groups: dict[str, list[tuple[str, str, int]]] = {}
    for (rid, row), line in zip(frame.iterrows(), lines, strict=True):
        keys = [f"release {row['release']}"] if not is_blank(row["release"]) else []
        keys += [] if is_blank(row["excerpt"]) else [f"excerpt {row['excerpt']}"]
        for key in keys:
            groups.setdefault(key, []).append((str(rid), str(row["period"]), line))
    errors = []
    seen: set[tuple[str, str]] = set()
    for key, rows in groups.items():
        first_id, first_period, _ = rows[0]
        for rid, period, line in rows[1:]:
            if period != first_period and (rid, first_id) not in seen:
                seen.add((rid, first_id))
                what = key.split(" ", 1)[0]
                errors.append(DataError(path, f"same {what} as {first_id} (period {first_period}) but period "
                                              f"{period}: rows of one release share their data date", line, "period"))
    return errors


def excerpt_readings(row: pd.Series) -> list[tuple[float | None, float | None]]:
    """The bounds (base unit) of each mention in the row's excerpt whose value is the row's value.

    The excerpt is read in Simplified characters (萬 -> 万) by `kczlib.data.quantities`.
    """
    from kczlib.data.quantities import find_quantities
    from kczlib.data.source import to_simplified

    target, base = value_base(float(row["value"]), str(row["unit"]))
    out = []
    for m in find_quantities(to_simplified(str(row["excerpt"]))):
        q = m.quantity
        if q.kind == "quantity" and q.value_base is not None and math.isclose(q.value_base, target) \
                and (q.base_unit == base or (base == "count" and q.base_unit == "count")):
            out.append((q.lower, q.upper))
    return out


def _same_bound(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b))


def check_excerpt_bounds(row: pd.Series, line: int, path: str | os.PathLike[str]) -> list[DataError]:
    """A qualified row, or one with explicit bounds, must have the bounds its excerpt states.

    The excerpt's mention of the row's value is read by the quantity rules (10万余名 -> 10万 to
    11万; 10余万名 -> 10万 to 20万); the row's bounds (`row_bounds`) must equal that reading, so a
    qualifier stored apart from its number cannot silently change meaning.
    """
    explicit = not (is_blank(row["lower"]) and is_blank(row["upper"]))
    if (is_blank(row["qualifier"]) and not explicit) or is_blank(row["excerpt"]):
        return []
    try:
        bounds = row_bounds(float(row["value"]), str(row["unit"]), "" if is_blank(row["qualifier"]) else
                            str(row["qualifier"]), None if is_blank(row["lower"]) else float(row["lower"]),
                            None if is_blank(row["upper"]) else float(row["upper"]))
    except (ValueError, KeyError):
        return []  # an unknown unit or qualifier is reported by the schema
    readings = excerpt_readings(row)
    if not readings:
        return [DataError(path, f"the excerpt states no {row['value']:g}{row['unit']} to check the bounds against",
                          line, "excerpt")]
    if any(_same_bound(lo, bounds[0]) and _same_bound(hi, bounds[1]) for lo, hi in readings):
        return []
    lo, hi = readings[0]
    column = "upper" if not _same_bound(hi, bounds[1]) else "lower"
    return [DataError(path, f"the excerpt reads as {lo} to {hi} (base unit), the row as {bounds[0]} to {bounds[1]}: "
                            f"set `lower`/`upper` (in {row['unit']}) as the excerpt writes it", line, column)]
