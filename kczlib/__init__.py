"""kczlib: the case figures, their provenance, and the pieces the report notebooks share.

    >>> import kczlib
    >>> figures = kczlib.load_figures()  # the project's default case (kczlib.data.cases.default_case)
    >>> figures.index.name
    'id'

The package is layered; each layer may import only those below it (tests/unit/test_layers.py):

- `kczlib.data`: the case data and its checks (source text, quantities, tables, context);
- `kczlib.analysis`: numbers with provenance and what is derived from them;
- `kczlib.report`: what a notebook calls to write a report (`from kczlib.report import Report`);
- `kczlib.publish`: the `kcz build` machinery, which runs notebooks and imports no other layer.

`errors`, `paths`, `textfile`, `cli` and `lab` sit at the top. Importing kczlib never imports matplotlib
or seaborn, except in a JupyterLab kernel: there it activates `kczlib.lab` (the embedded CJK font for
the page, the chart theme), as `%load_ext kczlib` does anywhere in IPython.
"""

from kczlib.errors import KczError

# The data helpers are imported on first use (PEP 562): `import kczlib` then costs
# milliseconds, so the `kcz` command installs its signal handlers before anything slow
# runs (a Ctrl-C in its first moments gives a message, not a traceback).
_LAZY = {
    "list_cases": ".data.cases", "default_case": ".data.cases",
    "context_value": ".data.context", "load_context": ".data.context",
    "Figure": ".data.figures", "figure": ".data.figures", "load_figures": ".data.figures",
    "load_non_figures": ".data.figures", "load_source": ".data.source",
    "indicator": ".data.figures", "reports_indicator": ".data.figures",
    "load_indicators": ".data.indicators", "describe": ".data.schema",
    "load_indicator_values": ".data.indicator_values", "compare": ".analysis.compare",
    # the analysis API (docs/explore.md): a case's numbers with provenance, and arithmetic on them
    "Num": ".analysis.num", "num": ".analysis.explore", "growth": ".analysis.explore", "share": ".analysis.explore",
    "per_capita": ".analysis.explore", "cagr": ".analysis.explore",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *_LAZY})


__all__ = [
    "Figure",
    "Num",
    "cagr",
    "growth",
    "num",
    "per_capita",
    "share",
    "context_value",
    "default_case",
    "describe",
    "load_context",
    "KczError",
    "compare",
    "figure",
    "indicator",
    "list_cases",
    "load_figures",
    "load_indicator_values",
    "load_indicators",
    "load_non_figures",
    "load_source",
    "reports_indicator",
]
__version__ = "0.1.0"


def load_ipython_extension(ipython) -> None:
    """`%load_ext kczlib`: the lab's CJK font and chart theme in this IPython (`kczlib.lab.activate`)."""
    from kczlib import lab

    lab.activate(ipython)


def _activate_in_a_lab_kernel() -> None:
    import os
    import sys

    if "ipykernel" not in sys.modules or not os.environ.get("JPY_SESSION_NAME"):
        return  # the usual case (the CLI, a build, a script): nothing more is imported
    from kczlib import lab

    if lab.in_a_lab_kernel():
        try:
            lab.activate()
        except Exception as exc:  # the lab's font is a comfort: never a failed import
            import warnings

            warnings.warn(f"kczlib: the lab's CJK font is not set up ({type(exc).__name__}: {exc})", stacklevel=2)


_activate_in_a_lab_kernel()
