"""Where the project lives: its root folder and the data folder (``KCZ_DATA`` overrides it).

Kept at the top of the package because every layer needs it and it needs nothing.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
"""The project root (the folder holding ``kczlib/``, ``data/`` and ``notebooks/``)."""


def data_root() -> Path:
    """The data folder: ``$KCZ_DATA`` if set and not empty, else ``<project>/data``."""
    given = os.environ.get("KCZ_DATA") or str(PACKAGE_ROOT / "data")  # KCZ_DATA="" is unset, as KCZ_CHROMIUM=""
    return _resolved(given, "" if os.path.isabs(given) else os.getcwd())


@lru_cache(maxsize=64)
def _resolved(given: str, cwd: str) -> Path:
    # resolved once per setting (and working folder, for a relative one): asked for on every
    # file a report reads
    return (Path(cwd) / given).resolve() if cwd else Path(given).resolve()
