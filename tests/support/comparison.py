"""Helpers for the comparison report's unit tests (tests/unit/report/test_compare_*.py)."""

from __future__ import annotations


def apart_sentence(report, indicator: str) -> str:
    """What the comparison says of `indicator`'s values that are not one row (asserted: no row of it).

    `report` is a `CompareReport` ready to show (a ledger, a new page); the sentence is
    `compare.apart_note`'s, as shown last.
    """
    from kczlib.report.sections import compare

    assert indicator not in {s.indicator for s in compare.gather(report)}
    compare.apart_note(report, [s for s in compare.apart(report) if s.indicator == indicator])
    return report.shown[-1]
