"""Table cells (kczlib.report.tables): an English amount stays one word on a phone."""

from __future__ import annotations

import pandas as pd

from kczlib.report.tables import table_html


def test_an_english_amount_is_not_broken_between_its_parts():
    # a fresh user at 420 px: "CNY 500 / m" in the tech-finance scenario table
    html = table_html(pd.DataFrame({"pool": ["CNY 500 m", "at least CNY 40 bn"], "note": ["5 members", "<b>x</b>"]}))
    assert "CNY&nbsp;500&nbsp;m" in html and "at least CNY&nbsp;40&nbsp;bn" in html
    assert "5 members" in html and "&lt;b&gt;x&lt;/b&gt;" in html  # other text, and escaping, as before
