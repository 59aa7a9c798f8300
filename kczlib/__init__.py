"""kczlib: the case figures, their provenance, and the pieces the report notebooks share.

    >>> import kczlib
    >>> figures = kczlib.load_figures("chengdu")
    >>> kczlib.figure("kechuangdai_firms").lower
    2700.0

Importing kczlib never imports matplotlib or seaborn; `kczlib.theme` does, on demand.
"""

from .cases import list_cases
from .context import context_value, load_context
from .errors import KczError
from .figures import Figure, figure, load_figures, load_non_figures
from .source import load_source

__all__ = [
    "Figure",
    "context_value",
    "load_context",
    "KczError",
    "figure",
    "list_cases",
    "load_figures",
    "load_non_figures",
    "load_source",
]
__version__ = "0.1.0"
