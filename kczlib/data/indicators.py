"""The indicator vocabulary shared by every case: `data/indicators.csv`.

An indicator is something any case of the genre may report (fiscal S&T spending, tech-loan
volume, high-tech enterprises ...). A case's figures table maps a figure to one in its
`indicator` column; reports ask for indicators so that they build for any case, and use a
case's own figure ids only for what is particular to it. `data/schema/indicators.schema.json`
describes the columns; the mapping rules are checked in `kczlib.data.figures`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from kczlib.data.schema import get_schema, read_table
from kczlib.paths import data_root

INDICATORS_FILE = "indicators.csv"


@dataclass(frozen=True)
class Indicator:
    """One indicator: id, names, the base unit its figures must have, chain, definition."""

    id: str
    name_zh: str
    name_en: str
    base_unit: str
    chain: str
    definition: str
    cues: str = ""

    def name(self, lang: str) -> str:
        """The indicator's name in `lang` ("zh", else English)."""
        return self.name_zh if lang == "zh" else self.name_en

    def cue_sets(self) -> list[tuple[str, ...]]:
        """The `cues` as alternatives, each a tuple of words that must all occur."""
        return [tuple(w.strip() for w in alt.split("+") if w.strip())
                for alt in (self.cues or "").split(";") if alt.strip()]


def load_indicators() -> pd.DataFrame:
    """The vocabulary (one row per indicator, indexed by `id`), typed by its schema.

    Raises `DataError`/`DataErrors` naming file, line and column for a bad file. A copy
    is returned.
    """
    return _load_indicators(str(data_root())).copy()


@cache
def _load_indicators(root: str) -> pd.DataFrame:
    frame, lines = read_table(Path(root) / INDICATORS_FILE, get_schema("indicators"))
    frame["line"] = lines
    return frame.set_index("id", drop=False)


def indicators(root: str | os.PathLike[str] | None = None) -> dict[str, Indicator]:
    """The vocabulary (of the data folder `root`, default the project's) as `Indicator`s by id, in file order."""
    frame = _load_indicators(str(root or data_root()))
    return {i: Indicator(**{k: ("" if pd.isna(row[k]) else str(row[k])) for k in Indicator.__dataclass_fields__})
            for i, row in frame.iterrows()}


def indicators_path() -> Path:
    """The shared indicator table of the active data folder (`$KCZ_DATA/indicators.csv`)."""
    return data_root() / INDICATORS_FILE
