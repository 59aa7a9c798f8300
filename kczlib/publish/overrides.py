"""`-p name=value` overrides and reports.toml parameters, checked strictly.

kcz itself renders them into the notebook's `injected-parameters` cell.

Why kcz renders the cell and not papermill: papermill's translator writes values it does
not know (a tuple, a set, bytes) as `"str(value)"` without escaping, and escapes a string's
quotes but not a backslash before one, so a crafted value closes the quotes and its code
runs before the notebook can check anything. Here a value that reaches a notebook is a
JSON-like literal only (str, int, float, bool, None, and lists/dicts of them; finite
numbers, str keys), names are Python identifiers declared by the notebook (its
`parameters` cell read with `ast`: `parameter_names`), and the cell is `name = repr(value)`, checked to read back as the
same value with `ast.literal_eval`.
"""

from __future__ import annotations

import ast
import copy
import keyword
import os
from dataclasses import replace
from pathlib import Path

from kczlib.contract import INJECTED_HEADER, JSON_LIKE_KINDS, json_like_problem
from kczlib.declarations import tagged_sources
from kczlib.errors import ConfigError, KczError, ParameterError
from kczlib.publish.manifest import hash_json


def check_name(name) -> str:
    """`name` if it is a Python identifier (not a keyword).

    Args:
        name: a parameter name as given (any object).

    Returns:
        `name` itself.

    Raises:
        ParameterError: not a str, not an identifier, or a Python keyword.
    """
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ParameterError(str(name), "a parameter name is a Python identifier")
    return name


def check_value(name: str, value):
    """A copy of `value` if it is JSON-like (`contract.is_json_like`, see the module doc).

    bool is a subclass of int and is accepted as itself; floats must be finite
    (`nan`/`inf` are not literals); dict keys must be str; nesting is at most
    `contract.MAX_VALUE_DEPTH` deep.

    Args:
        name: the parameter's name, for the message.
        value: the value given.

    Returns:
        The value, its lists and dicts copied.

    Raises:
        ParameterError: naming `name` and the first problem (`contract.json_like_problem`).
    """
    problem = json_like_problem(value)
    if problem is not None:
        raise ParameterError(name, problem, JSON_LIKE_KINDS)
    return copy.deepcopy(value) if type(value) in (list, dict) else value


def check_override_values(parameters: dict) -> dict:
    """Every name and value checked (`check_name`, `check_value`); returns a checked copy."""
    return {check_name(k): check_value(k, v) for k, v in parameters.items()}


def render_parameters(parameters: dict) -> str:
    """The source of the `injected-parameters` cell: `# Parameters` then `name = repr(value)`.

    Raises ParameterError for anything `check_override_values` refuses, and (a safeguard
    that should never fire) if a rendered line does not read back as the same value.
    """
    lines = [INJECTED_HEADER]
    for name, value in check_override_values(parameters).items():
        literal = repr(value)
        if ast.literal_eval(literal) != value:
            raise ParameterError(name, "its value does not render as a Python literal")
        lines.append(f"{name} = {literal}")
    return "\n".join(lines) + "\n"


def parse_value(text: str, name: str = "value"):
    """A literal if `text` is one (`3`, `0.5`, `[0.01, 0.02]`, `True`), else `text` itself.

    A literal that is not JSON-like (a tuple, set, bytes, complex, `nan`...) raises
    ParameterError: it is refused, never passed on as something else. So does text that opens
    a list, dict or tuple and is no literal (`[0.01, nan]`, `[0.01, 0.02`), and the words
    `nan` and `inf`: the notebook would only refuse them later, after its kernel started.
    """
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        stripped = text.strip()
        if stripped[:1] in ("[", "{", "("):
            raise ParameterError(name, f"{text!r} opens a list or table but is not one kcz can read",
                                 JSON_LIKE_KINDS) from None
        if stripped.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            raise ParameterError(name, f"{text!r} is not a finite number", JSON_LIKE_KINDS) from None
        return text
    return check_value(name, value)


def check_argument_text(text: str, option: str) -> str:
    """`text` (a command-line argument) if it is valid UTF-8 text.

    Python passes argv bytes that are not UTF-8 (Chinese text typed in a GBK terminal) as lone
    surrogates (PEP 383), which no file or page can hold.

    Args:
        text: the argument as Python received it.
        option: the option it was given with (`-p`), for the message.

    Returns:
        `text` itself.

    Raises:
        KczError: naming the option and parameter, and the first byte that is not UTF-8.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        name = text.partition("=")[0] if "=" in text[:exc.start] else None
        raw = os.fsencode(text)
        bad = raw[len(text[:exc.start].encode("utf-8", "surrogateescape"))]
        what = f"{option} {name}: the value" if name else f"{option}: the parameter name"
        raise KczError(f"{what} is not UTF-8 text (byte 0x{bad:02x}; the terminal may use "
                       "another encoding such as GBK): give it as UTF-8") from None
    return text


def parse_overrides(pairs: list[str] | None) -> dict:
    """The `-p name=value` arguments of `kcz build` as {name: value}.

    Every argument is first checked to be UTF-8 text (`check_argument_text`), then each is
    split at its first `=` and its value read with `parse_value`.

    Args:
        pairs: the arguments, `["name=value", ...]`.

    Returns:
        {name: value} in the order given.

    Raises:
        KczError: an argument is not UTF-8, not `name=value`, or names a parameter given before.
        ParameterError: a name is not an identifier, or a value is a literal that is not JSON-like.
    """
    for pair in pairs or []:
        check_argument_text(pair, "-p")
    overrides: dict = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise KczError(f"-p {pair!r}: expected name=value")
        name = check_name(name.strip())
        if name in overrides:  # one value silently replacing another was a user's surprise
            raise KczError(f"-p {name} is given twice ({overrides[name]!r} and {value.strip()}); give it once "
                           f"(several values as a list: -p '{name}=[..]')")
        overrides[name] = parse_value(value, name)
    return overrides


def notebook_parameters(report) -> dict:
    """{name: None} for each parameter the report's notebook declares (`declared_parameters`).

    Args:
        report: a config.ReportSpec.

    Returns:
        {name: None} in declaration order.

    Raises:
        ConfigError: the notebook is missing.
    """
    if not report.notebook.is_file():
        raise ConfigError(f"report {report.name}: notebook {report.notebook.name} not found in "
                          f"{report.notebook.parent.name}/")
    return declared_parameters(report.notebook)


def declared_parameters(notebook: Path) -> dict:
    """{name: None} for each parameter `notebook` declares, in order.

    The names its first cell tagged `parameters` assigns at module level (see `parameter_names`).

    Raises OSError/ValueError for an unreadable notebook. Read afresh every time: parsing
    the notebook's JSON and its parameters cell takes about 0.2 ms, less than the cache of
    earlier versions took to read (and a damaged cache gave wrong names: attack log C18).
    """
    source = _tagged_source(notebook)
    return dict.fromkeys(parameter_names(source) if source is not None else [])


def parameter_names(source: str) -> list[str]:
    """The names a parameters cell assigns at module level, in order.

    Read with Python's own parser (`ast`): `n: int = 1  # >= 0: a count`, `a = b = 2`, `x, y = 1, 2`.

    A comment is a comment, whatever it holds: papermill's line-by-line inspection skips
    a line with a second `=` (papermill#864), so a kcz constraint such as `# >= 0` made
    the parameter unknown. IPython syntax (`%matplotlib inline`) is translated first
    with IPython's own transformer. A cell that still is not Python falls back to
    papermill's inspection (its warnings silenced), as before: such a notebook fails as
    its own report when it runs.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        tree = _parse_ipython(source)
        if tree is None:
            return _papermill_names(source)
    names: list[str] = []
    targets: list[ast.expr]
    for stmt in tree.body:
        if isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets = [stmt.target]
        elif isinstance(stmt, ast.Assign):
            targets = stmt.targets
        else:
            continue
        for target in targets:
            for node in ast.walk(target) if isinstance(target, (ast.Tuple, ast.List)) else [target]:
                if isinstance(node, ast.Name) and node.id not in names:
                    names.append(node.id)
    return names


def _parse_ipython(source: str):
    """`source` with IPython's magics and shell escapes translated, parsed; None if still invalid."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return ast.parse(TransformerManager().transform_cell(source))
    except Exception:  # noqa: BLE001 - any failure means: not Python, use the fallback
        return None


def _papermill_names(source: str) -> list[str]:
    """Papermill's own inspection of a cell that is not valid Python.

    Without its "Unable to parse line" warnings (the notebook fails on that cell when it runs).
    """
    import logging

    from papermill.translators import PythonTranslator

    logger = logging.getLogger("papermill")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        return [p.name for p in PythonTranslator.inspect(_Cell(source))]
    finally:
        logger.setLevel(level)


class _Cell(dict):
    """The little of a notebook cell papermill's translator reads (`cell.source`)."""

    def __init__(self, source: str):
        super().__init__(source=source)
        self.source = source


def _tagged_source(notebook: Path) -> str | None:
    """The source of the first cell tagged `parameters` (papermill's rule), or None."""
    sources = tagged_sources(notebook)
    return sources[0] if sources else None


def apply_overrides(reports: list, overrides: dict) -> list:
    """Reports with overrides merged in: each `-p` value goes to the reports that declare it.

    A `-p` name applies to every selected report whose notebook declares it and is left out
    of the others (`kcz build -p case=NAME` sets the case of the per-case reports, while a
    report over several cases, which declares `cases`, keeps its own); it is refused only
    when no selected report declares it. A report's own reports.toml parameters must all be
    declared by its notebook. Each `-p` value is checked against its declaration (type, range,
    a known case) here, before any kernel starts (`_check_values`).

    Args:
        reports: config.ReportSpec entries (their own reports.toml parameters included).
        overrides: {name: value} from `-p`.

    Returns:
        New ReportSpec entries with the merged parameters.

    Raises:
        ParameterError: naming the parameter and where it came from (-p or reports.toml), or
            naming an unknown case.
    """
    known_by_notebook: dict = {}
    for report in reports:
        if report.notebook not in known_by_notebook:
            known_by_notebook[report.notebook] = notebook_parameters(report)
    for name, value in overrides.items():
        try:
            check_name(name)
            check_value(name, value)
        except ParameterError as exc:
            raise ParameterError(name, f"{exc.reason} (given by -p)", exc.allowed) from None
        if reports and not any(name in known_by_notebook[r.notebook] for r in reports):
            declared = dict.fromkeys(n for r in reports for n in known_by_notebook[r.notebook])
            where = ", ".join(dict.fromkeys(r.notebook.name for r in reports))
            raise ParameterError(name, f"not a parameter of {where} (given by -p)",
                                 allowed=", ".join(declared) or "none: no notebook has a cell tagged 'parameters'")
    checked: set = set()
    result = []
    for report in reports:
        known = known_by_notebook[report.notebook]
        mine = {k: v for k, v in overrides.items() if k in known}
        params = {**report.parameters, **mine}
        for name in params:
            source = "-p" if name in mine else "reports.toml"
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
        if report.notebook not in checked:
            checked.add(report.notebook)
            _check_values(report.notebook, mine)
        result.append(replace(report, parameters=params))
    return result


def _check_values(notebook: Path, values: dict) -> None:
    """Refuse a `-p` value the notebook's declaration refuses: a type, a range, an unknown case.

    `-p loss_rate=1.5` (declared `in [0, 1]`), `-p baseline_year=1800`, a single `case`
    (`-p case=atlantis`, `-p case=../some_case`) and a list of cases (`cases` of the comparison)
    are usage errors of the whole build: one line, exit 2, before any kernel starts, by the
    check the notebook runs on itself (`kczlib.declarations.coerce`); each report failing on its
    own printed the same line once per report and left a failed run. A value set in
    reports.toml is still checked by its notebook. A notebook whose parameters cell is not in
    declaration form checks its own values when it runs.

    Raises:
        ParameterError: one line naming the parameter and why, with what it accepts.
    """
    from kczlib.declarations import KCZ_LIST_HINT, PAPERMILL_LIST_HINT, coerce, read_declarations
    from kczlib.publish.cases import known_cases

    try:
        declared = {p.name: p for p in read_declarations(notebook)}
    except (ParameterError, OSError, ValueError):
        return
    for name, value in values.items():
        param = declared.get(name)
        if param is None:
            continue
        try:
            coerce(param, value, known_cases() if param.needs_cases else ())
        except ParameterError as exc:  # the hint in kcz's syntax, not papermill's
            allowed = exc.allowed.replace(PAPERMILL_LIST_HINT, KCZ_LIST_HINT) if exc.allowed else exc.allowed
            raise ParameterError(name, f"{exc.reason} (given by -p)", allowed) from None


def taking_overrides(reports: list, overrides: dict) -> tuple[list, list]:
    """Split reports into those whose notebook declares at least one `-p` name, and the rest.

    A `-p` build makes only the reports the values change (`kcz build -p case=NAME` makes
    the per-case reports for NAME, not a second copy of the comparison, which declares
    `cases` and would come out as the default page under a `-custom-` name).

    Args:
        reports: config.ReportSpec entries.
        overrides: {name: value} from `-p`.

    Returns:
        (taking, not_taking), each in the given order.

    Raises:
        ConfigError: a report's notebook is missing.
    """
    taking: list = []
    rest: list = []
    for report in reports:
        (taking if set(overrides) & set(notebook_parameters(report)) else rest).append(report)
    return taking, rest


def custom_names(reports: list, overrides: dict) -> list:
    """Reports built with `-p` overrides, renamed `<name>-custom-<hash>` (hash of the overrides).

    Their files can never be taken for the default report's, and the same overrides give the
    same names (so the cache still serves them).
    """
    tag = hash_json(overrides)[:8]
    return [replace(r, name=f"{r.name}-custom-{tag}") for r in reports]
