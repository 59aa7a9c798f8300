"""The report layer: what a notebook calls to write a report.

`report` (the `Report` object notebooks use, with `charts`, `labels`, `reader`,
`tables` and `appendix`), `parameters` (declared parameters and their
checks), `narrative` and `narratives/{zh,en}.toml` (number-free templates), `theme` (charts)
and `sections` (report sections shared by notebooks).

May import: `kczlib.analysis`, `kczlib.data` and the top-level `errors`/`paths`; never build.
Importing this package does not import matplotlib; `kczlib.report.theme` does.
"""

from kczlib.report.parameters import check_parameters
from kczlib.report.report import Report

__all__ = ["Report", "check_parameters"]
