"""The indicator vocabulary shared by every case: `data/indicators.csv`.

An indicator is something any case of the genre may report (fiscal S&T spending, tech-loan
volume, high-tech enterprises ...). A case's figures table maps a figure to one in its
`indicator` column; reports ask for indicators so that they build for any case, and use a
case's own figure ids only for what is particular to it. `data/schema/indicators.schema.json`
describes the columns; the mapping rules are checked in `kczlib.data.figures`.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from kczlib.data.schema import get_schema, read_table
from kczlib.errors import UnknownIndicatorError
from kczlib.paths import data_root

INDICATORS_FILE = "indicators.csv"


@dataclass(frozen=True)
class Indicator:
    """One indicator: id, names, the base unit its figures must have, chain, definition, and its optional columns."""

    id: str
    name_zh: str
    name_en: str
    base_unit: str
    chain: str
    definition: str
    cues: str = ""
    population: str = ""  # residents | affiliated | "" (see the schema): who a count of people counts
    tally: str = ""  # one of TALLIES or "" (see the schema): what kind of number it is
    measure: str = ""  # a count's measure word (家, 个) printed for every case's figure, or "" (see the schema)

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
    """The vocabulary (of the data folder `root`, default the project's) as `Indicator`s by id, in file order.

    A new dict each call (the `Indicator`s are frozen and shared), made once per data folder
    and file load (as `load_indicators`): reports ask for it hundreds of times.
    """
    return dict(_indicator_objects(str(root or data_root())))


@cache
def _indicator_objects(root: str) -> dict[str, Indicator]:
    frame = _load_indicators(root)
    return {i: Indicator(**{k: ("" if pd.isna(row[k]) else str(row[k])) for k in Indicator.__dataclass_fields__})
            for i, row in frame.iterrows()}


# Who a count must count for a ratio per resident to mean what its words say.
RESIDENTS = "residents"
# The kinds of number an indicator may be (the schema's `tally` enum): counts and amounts are
# stocks, flows or cumulative counts; quotients, changes, ranks and pledges are none of these,
# so a report never adds them up across periods or cities (issue 23: rates and ranks of the genre).
COUNT_TALLIES = ("stock", "flow", "cumulative")
TALLIES = (*COUNT_TALLIES, "ratio", "change", "rank", "target")


def per_resident_allowed(indicator_id: str, root: str | os.PathLike[str] | None = None) -> bool:
    """Whether a ratio per resident may be computed for figures of `indicator_id`.

    Only counts whose `population` column is "residents" qualify: people affiliated to the
    city's bodies (academicians and experts of a workstation) mostly live elsewhere, and a
    count of things (stations, firms) has no population at all (review of issue 22, M1).

    Args:
        indicator_id: an id of data/indicators.csv.
        root: the data folder (default the project's).

    Returns:
        True only for an indicator declared `population = residents`.

    Raises:
        UnknownIndicatorError: for an id the vocabulary does not have.
    """
    return _one(indicator_id, root).population == RESIDENTS


def tally_of(indicator_id: str, root: str | os.PathLike[str] | None = None) -> str:
    """The kind of number of `indicator_id`: one of `TALLIES` or "" (not declared).

    A report calls a number a stock, a flow or a cumulative count only from this column
    (review of issue 22, M2: cumulative counts since an undated start are neither); "ratio",
    "change", "rank" and "target" mark numbers that are no count at all (schema: `tally`).

    Args:
        indicator_id: an id of data/indicators.csv.
        root: the data folder (default the project's).

    Returns:
        The declared `tally`, or "".

    Raises:
        UnknownIndicatorError: for an id the vocabulary does not have.
    """
    return _one(indicator_id, root).tally


def _one(indicator_id: str, root: str | os.PathLike[str] | None) -> Indicator:
    known = indicators(root)
    if indicator_id not in known:
        raise UnknownIndicatorError(indicator_id, difflib.get_close_matches(indicator_id, known))
    return known[indicator_id]


def indicators_path() -> Path:
    """The shared indicator table of the active data folder (`$KCZ_DATA/indicators.csv`)."""
    return data_root() / INDICATORS_FILE
