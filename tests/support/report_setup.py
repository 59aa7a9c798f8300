"""A Report set up without a notebook, and the second case copied into a data copy (unit tests)."""

from __future__ import annotations

import shutil
from pathlib import Path

from kczlib.analysis.ledger import Ledger
from kczlib.data.cases import get_case
from kczlib.report import Report

from support.paths import FIXTURES


def bare_report(notebook: str, case: str, lang: str = "zh") -> Report:
    """A report of `notebook` set up as `configure` would, without a notebook's namespace."""
    r = Report(notebook, lang=lang, case=case)
    r.ledger, r.configured, r.meta = Ledger(lang), True, get_case(case).meta
    return r


def copy_second_case(data_copy: Path) -> str:
    """Copy the fixture case jiangcheng into `data_copy`/cases; its name."""
    shutil.copytree(FIXTURES / "cases" / "jiangcheng", data_copy / "cases" / "jiangcheng")
    return "jiangcheng"


def keep_only_cases(data_copy: Path, *names: str) -> None:
    """Remove every case folder of a data copy but `names` (tests that need a known set of cases).

    The project ships several cases; a test about one or two of them (a default case, a
    two-case table) states which it keeps rather than relying on how many are shipped.
    """
    for folder in (data_copy / "cases").iterdir():
        if folder.is_dir() and folder.name not in names:
            shutil.rmtree(folder)
