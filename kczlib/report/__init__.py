"""The report layer: what a notebook calls to write a report.

`report` (the `Report` object notebooks use, with `charts`, `labels`, `reader`,
`tables` and `appendix`), `parameters` (declared parameters and their
checks), `narrative` (report prose from the word files in kczlib/words), `theme` and `plots`
(charts) and `sections` (one module per report, plus `shared`).

May import: `kczlib.analysis`, `kczlib.data` and the shared top-level modules (`errors`, `paths`,
`contract`, `declarations`, `units`, `textfile`, `words`, `_testing`); never publish.
Importing this package does not import matplotlib; `kczlib.report.theme` does.
"""

from kczlib.report.parameters import check_parameters
from kczlib.report.report import Report

__all__ = ["Report", "check_parameters"]
