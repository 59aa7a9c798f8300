"""Where the project lives: its root folder and the data folder (``KCZ_DATA`` overrides it).

Kept at the top of the package because every layer needs it and it needs nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
"""The project root (the folder holding ``kczlib/``, ``data/`` and ``notebooks/``)."""


def data_root() -> Path:
    """The data folder: ``$KCZ_DATA`` if set, else ``<project>/data``."""
    return Path(os.environ.get("KCZ_DATA", PACKAGE_ROOT / "data")).resolve()
