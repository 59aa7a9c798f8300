"""`-p name=value` overrides: parsed safely and checked against the notebooks' own
parameters (papermill's `inspect_notebook`) before any kernel starts."""

from __future__ import annotations

import ast
import json
from dataclasses import replace
from pathlib import Path

from ..errors import KczError, ParameterError
from .manifest import notebook_fingerprint
from .config import ConfigError, Report


def parse_value(text: str):
    """A Python literal if it is one (`3`, `0.5`, `[0.01, 0.02]`, `True`), else the string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text


def parse_overrides(pairs: list[str] | None) -> dict:
    overrides = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise KczError(f"-p {pair!r}: expected name=value")
        overrides[name.strip()] = parse_value(value)
    return overrides


def notebook_parameters(report: Report) -> dict:
    if not report.notebook.is_file():
        raise ConfigError(f"report {report.name}: notebook {report.notebook.name} not found in "
                          f"{report.notebook.parent.name}/")
    return _inspect_cached(report.notebook, notebook_fingerprint(report.notebook))


_CACHE = Path.home() / ".cache" / "kcz" / "notebook-parameters.json"


def _inspect_cached(notebook: Path, fingerprint: str) -> dict:
    """papermill.inspect_notebook, remembered by notebook content: importing papermill
    costs about a second, which a build served from the cache should not pay."""
    try:
        cache = json.loads(_CACHE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    if fingerprint not in cache:
        import papermill

        cache[fingerprint] = list(papermill.inspect_notebook(str(notebook)))
        try:
            _CACHE.parent.mkdir(parents=True, exist_ok=True)
            tmp = _CACHE.with_suffix(f".{id(cache)}.tmp")
            tmp.write_text(json.dumps(cache), encoding="utf-8")
            tmp.replace(_CACHE)
        except OSError:
            pass  # a read-only home only costs the import next time
    return dict.fromkeys(cache[fingerprint])


def apply_overrides(reports: list[Report], overrides: dict) -> list[Report]:
    """Reports with overrides merged in; every name must be a parameter of its notebook."""
    known_by_notebook: dict = {}
    result = []
    for report in reports:
        if report.notebook not in known_by_notebook:
            known_by_notebook[report.notebook] = notebook_parameters(report)
        known = known_by_notebook[report.notebook]
        params = {**report.parameters, **overrides}
        for name in params:
            if name not in known:
                source = "-p" if name in overrides else "reports.toml"
                raise ParameterError(
                    name, f"not a parameter of {report.notebook.name} (given by {source})",
                    allowed=", ".join(known) or "none: the notebook has no cell tagged 'parameters'",
                )
        result.append(replace(report, parameters=params))
    return result
