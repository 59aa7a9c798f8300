"""kczlib: the case figures, their provenance, and the pieces the report notebooks share.

    >>> import kczlib
    >>> figures = kczlib.load_figures("chengdu")
    >>> kczlib.figure("kechuangdai_firms").lower
    2700.0

The package is layered; each layer may import only those below it (tests/test_layers.py):

- `kczlib.data`: the case data and its checks (source text, quantities, tables, context);
- `kczlib.analysis`: numbers with provenance and what is derived from them;
- `kczlib.report`: what a notebook calls to write a report (`from kczlib.report import Report`);
- `kczlib.build`: the `kcz build` machinery, which runs notebooks and imports no other layer.

`errors`, `paths` and `cli` sit at the top. Importing kczlib never imports matplotlib or
seaborn; `kczlib.report.theme` does, on demand.
"""

from .data.cases import list_cases
from .data.describe import describe
from .data.context import context_value, load_context
from .errors import KczError
from .data.figures import Figure, figure, indicator, load_figures, load_non_figures, reports_indicator
from .data.indicators import load_indicators
from .data.source import load_source

__all__ = [
    "Figure",
    "context_value",
    "describe",
    "load_context",
    "KczError",
    "figure",
    "indicator",
    "list_cases",
    "load_figures",
    "load_indicators",
    "load_non_figures",
    "load_source",
    "reports_indicator",
]
__version__ = "0.1.0"
