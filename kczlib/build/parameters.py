"""`-p name=value` overrides and reports.toml parameters: checked strictly and rendered by
kcz itself into the notebook's `injected-parameters` cell.

Why kcz renders the cell and not papermill: papermill's translator writes values it does
not know (a tuple, a set, bytes) as `"str(value)"` without escaping, and escapes a string's
quotes but not a backslash before one, so a crafted value closes the quotes and its code
runs before the notebook can check anything. Here a value that reaches a notebook is a
JSON-like literal only (str, int, float, bool, None, and lists/dicts of them; finite
numbers, str keys), names are Python identifiers declared by the notebook (papermill's
`inspect_notebook`), and the cell is `name = repr(value)`, checked to read back as the
same value with `ast.literal_eval`.
"""

from __future__ import annotations

import ast
import json
import keyword
import math
from dataclasses import replace
from pathlib import Path

from ..errors import KczError, ParameterError
from .manifest import hash_json, notebook_fingerprint
from .config import ConfigError, Report

ALLOWED_KINDS = "str, int, float, bool, None, or lists/dicts of them"
MAX_DEPTH = 20  # a deeper value is a mistake or an attack; it also bounds the recursion


def check_name(name) -> str:
    """`name` if it is a Python identifier (not a keyword); else ParameterError."""
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ParameterError(str(name), "a parameter name is a Python identifier")
    return name


def check_value(name: str, value, depth: int = 0):
    """`value` if it is JSON-like (see module doc), else ParameterError naming `name`.

    bool is a subclass of int and is accepted as itself; floats must be finite
    (`nan`/`inf` are not literals); dict keys must be str.
    """
    if depth > MAX_DEPTH:
        raise ParameterError(name, f"nested deeper than {MAX_DEPTH} levels", ALLOWED_KINDS)
    if value is None or type(value) in (str, bool, int):
        return value
    if type(value) is float:
        if not math.isfinite(value):
            raise ParameterError(name, f"{value!r} is not a finite number", ALLOWED_KINDS)
        return value
    if type(value) is list:
        return [check_value(name, v, depth + 1) for v in value]
    if type(value) is dict:
        for key in value:
            if type(key) is not str:
                raise ParameterError(name, f"dict key {key!r} is a {type(key).__name__}, not a str",
                                     ALLOWED_KINDS)
        return {k: check_value(name, v, depth + 1) for k, v in value.items()}
    raise ParameterError(name, f"a {type(value).__name__} value is not accepted", ALLOWED_KINDS)


def check_parameters(parameters: dict) -> dict:
    """Every name and value checked (`check_name`, `check_value`); returns a checked copy."""
    return {check_name(k): check_value(k, v) for k, v in parameters.items()}


def render_parameters(parameters: dict) -> str:
    """The source of the `injected-parameters` cell: `# Parameters` then `name = repr(value)`.

    Raises ParameterError for anything `check_parameters` refuses, and (a safeguard
    that should never fire) if a rendered line does not read back as the same value.
    """
    lines = ["# Parameters"]
    for name, value in check_parameters(parameters).items():
        literal = repr(value)
        if ast.literal_eval(literal) != value:
            raise ParameterError(name, "its value does not render as a Python literal")
        lines.append(f"{name} = {literal}")
    return "\n".join(lines) + "\n"


def parse_value(text: str, name: str = "value"):
    """A literal if `text` is one (`3`, `0.5`, `[0.01, 0.02]`, `True`), else `text` itself.

    A literal that is not JSON-like (a tuple, set, bytes, complex, `nan`...) raises
    ParameterError: it is refused, never passed on as something else.
    """
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        return text
    return check_value(name, value)


def parse_overrides(pairs: list[str] | None) -> dict:
    """`["name=value", ...]` from `kcz build -p` -> {name: value}; KczError/ParameterError."""
    overrides = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise KczError(f"-p {pair!r}: expected name=value")
        name = check_name(name.strip())
        overrides[name] = parse_value(value, name)
    return overrides


def notebook_parameters(report: Report) -> dict:
    """{name: None} for each parameter the report's notebook declares; ConfigError if the
    notebook is missing."""
    if not report.notebook.is_file():
        raise ConfigError(f"report {report.name}: notebook {report.notebook.name} not found in "
                          f"{report.notebook.parent.name}/")
    return declared_parameters(report.notebook)


def declared_parameters(notebook: Path) -> dict:
    """{name: None} for each parameter `notebook` declares (papermill's inspection).
    Raises OSError/ValueError for an unreadable notebook."""
    return _inspect_cached(notebook, notebook_fingerprint(notebook))


_CACHE = Path.home() / ".cache" / "kcz" / "notebook-parameters.json"


def _inspect_cached(notebook: Path, fingerprint: str) -> dict:
    """papermill.inspect_notebook, remembered by notebook content: importing papermill
    costs about a second, which a build served from the cache should not pay."""
    try:
        cache = json.loads(_CACHE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    if not isinstance(cache, dict):  # another program's file, or a damaged one: start afresh
        from .progress import warn

        warn(f"{_CACHE.name} in {_CACHE.parent.name}/ is not a kcz parameter cache; ignoring it")
        cache = {}
    entry = cache.get(fingerprint)
    if not (isinstance(entry, list) and all(isinstance(n, str) for n in entry)):
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
    """Reports with overrides merged in; every name must be a parameter of its notebook and
    every value JSON-like (`check_value`). Raises ParameterError naming where it came from."""
    known_by_notebook: dict = {}
    result = []
    for report in reports:
        if report.notebook not in known_by_notebook:
            known_by_notebook[report.notebook] = notebook_parameters(report)
        known = known_by_notebook[report.notebook]
        params = {**report.parameters, **overrides}
        for name in params:
            source = "-p" if name in overrides else "reports.toml"
            if source == "-p" and report.sweep and name in report.sweep["values"]:
                raise ParameterError(name, f"swept by the grid of {report.sweep['group']} in reports.toml; "
                                     "-p cannot replace a grid (build that sweep without -p, or edit its grid)")
            try:
                check_name(name)
                check_value(name, params[name])
            except ParameterError as exc:
                raise ParameterError(name, f"{exc.reason} (given by {source})", exc.allowed) from None
            if name not in known:
                raise ParameterError(
                    name, f"not a parameter of {report.notebook.name} (given by {source})",
                    allowed=", ".join(known) or "none: the notebook has no cell tagged 'parameters'",
                )
        result.append(replace(report, parameters=params))
    return result


def custom_names(reports: list[Report], overrides: dict) -> list[Report]:
    """Reports built with `-p` overrides, renamed `<name>-custom-<hash>` (hash of the
    overrides): their files can never be taken for the default report's, and the same
    overrides give the same names (so the cache still serves them)."""
    tag = hash_json(overrides)[:8]
    return [replace(r, name=f"{r.name}-custom-{tag}") for r in reports]
