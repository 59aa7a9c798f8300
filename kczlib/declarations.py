"""Notebook parameter declarations: read from the tagged parameters cell, and values coerced to them.

Both sides of the notebook<->builder protocol need this: the notebook checks its own
parameters (`kczlib.report.parameters`), and `kcz build` checks a sweep's grid values
before any kernel starts (`kczlib.publish.sweep`). It imports nothing of kczlib but
`contract` and `errors`; the one check that needs the data layer ("a known case") gets
the list of cases passed in by its caller.

A declaration is one annotated assignment with a comment; the comment's optional
constraint comes before a colon, the help after it (papermill's `--help-notebook`
shows the type, default and this comment):

    lang: str = "zh"  # one of zh|en: report language
    loss_rate: list[float] = [0.01, 0.02]  # in [0, 1]: assumed loan loss rates

Constraints: `one of a|b`, `in [lo, hi]`, `in (lo, hi]` (lo itself refused), `> x`, `>= x`,
`a known case`.

    >>> [p.name for p in parse_declarations('lang: str = "zh"  # one of zh|en: language')]
    ['lang']
    >>> coerce(parse_declarations("r: list[float] = [0.1]  # in [0, 1]: rates")[0], 0.5)
    [0.5]
"""

from __future__ import annotations

import ast
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kczlib.contract import PARAMETERS_TAG
from kczlib.errors import ParameterError

DECL_RE = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<type>[\w\[\], ]+?)\s*=\s*(?P<default>.+?)\s*#\s*(?P<comment>.*)$")
# How a list is passed: papermill's syntax in the notebook's own check, `kcz build`'s in the
# builder's (kczlib.publish.overrides), which swaps one for the other
PAPERMILL_LIST_HINT = "; pass lists with -y 'name: [..]' or -p name '[..]'"
KCZ_LIST_HINT = "; pass lists as -p 'name=[..]'"
CONSTRAINT_RE = re.compile(
    r"^(?P<cons>one of [^:]+|in [\[(][^\])]+\]|>=? ?-?[\d.]+|a known case)\s*:\s*(?P<help>.*)$")
TYPES: dict[str, type] = {"str": str, "int": int, "float": float,
                          "list[float]": list, "list[int]": list, "list[str]": list}
KNOWN_CASE = "a known case"
"""The constraint whose allowed values are the case folders (passed in as `cases`)."""


@dataclass(frozen=True)
class Param:
    """One declared parameter of a notebook's parameters cell.

    Attributes:
        name: the Python name the cell assigns.
        type: one of `TYPES` (e.g. "list[float]").
        default: the literal value the cell assigns.
        constraint: "" or one constraint (see the module doc).
        help: the reader's words after the constraint.
    """

    name: str
    type: str
    default: object
    constraint: str
    help: str

    @property
    def needs_cases(self) -> bool:
        """Whether checking a value needs the list of known cases (`coerce`'s `cases`)."""
        return self.constraint == KNOWN_CASE

    def allowed(self, cases: Sequence[str] = ()) -> str:
        """What the parameter accepts, in the words of an error message.

        Args:
            cases: the known case names, for a `a known case` constraint.

        Returns:
            The case names for `a known case`, else the type and constraint (with how to
            pass a list on the command line for list types).
        """
        if self.needs_cases:
            return ", ".join(cases)
        text = self.type + (f" {self.constraint}" if self.constraint else "")
        if self.type.startswith("list"):
            text += PAPERMILL_LIST_HINT
        return text


def parse_declarations(source: str) -> list[Param]:
    """The declarations of a parameters cell's source, in order.

    Args:
        source: the cell's text; blank and comment-only lines are skipped.

    Returns:
        One Param per declaration line.

    Raises:
        ParameterError: a line is not `name: type = literal  # help`, its type is not one of
            `TYPES`, or its default is not a literal.
    """
    params = []
    for line in source.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = DECL_RE.match(line)
        if not m:
            raise ParameterError(line.split("=")[0].strip() or line,
                                 "parameters cell line is not `name: type = literal  # help`")
        if m["type"] not in TYPES:
            raise ParameterError(m["name"], f"unsupported type {m['type']!r}", ", ".join(TYPES))
        c = CONSTRAINT_RE.match(m["comment"])
        try:
            default = ast.literal_eval(m["default"])
        except (ValueError, SyntaxError):
            raise ParameterError(m["name"], f"default {m['default']} is not a literal value") from None
        params.append(Param(m["name"], m["type"], default, c["cons"] if c else "",
                            c["help"] if c else m["comment"]))
    return params


def tagged_sources(notebook: Path) -> list[str]:
    """The sources of the cells tagged `parameters` in the notebook file, in order.

    Read as plain JSON (nbformat imports slowly); cells, metadata or tags of the wrong
    shape count as untagged.

    Args:
        notebook: path of an `.ipynb` file.

    Returns:
        Each tagged cell's source as one string.

    Raises:
        OSError: the file cannot be read.
        ValueError: it is not JSON (or nested deeper than Python's parser reads).
    """
    try:
        nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    except RecursionError:
        raise ValueError(f"{Path(notebook).name}: its JSON is nested deeper than Python's parser reads") from None
    sources = []
    for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
        tags = (cell.get("metadata") or {}).get("tags") or [] if isinstance(cell, dict) else []
        if isinstance(tags, list) and PARAMETERS_TAG in tags:
            source = cell.get("source", "")
            sources.append("".join(source) if isinstance(source, list) else str(source))
    return sources


def read_declarations(notebook: Path) -> tuple[Param, ...]:
    """The declarations of the notebook's one cell tagged `parameters`.

    Args:
        notebook: path of an `.ipynb` file.

    Returns:
        Its declared parameters, in order.

    Raises:
        ParameterError: the notebook has no or several tagged cells, or a line of the cell
            is not a declaration (see `parse_declarations`).
        OSError, ValueError: the file cannot be read as JSON (see `tagged_sources`).
    """
    tagged = tagged_sources(notebook)
    if len(tagged) != 1:
        raise ParameterError(PARAMETERS_TAG, f"{Path(notebook).name} needs exactly one cell tagged "
                             f"'{PARAMETERS_TAG}', has {len(tagged)}")
    return tuple(parse_declarations(tagged[0]))


def coerce(param: Param, value, cases: Sequence[str] = ()):
    """Check one value against its declaration; strings from `papermill -p` are parsed.

    An int stands for a float, and a single number for a one-item list (`-p loss_rate
    0.02`); list[float] items become floats. A list must not be empty unless the declared
    default is the empty list (`cases: list[str] = []`: empty means every case); a
    `a known case` constraint on a list checks each item.

    Args:
        param: the declaration.
        value: the value given (a string is read as a Python literal unless the type is str).
        cases: the known case names; needed only when `param.needs_cases`.

    Returns:
        The value as the notebook receives it.

    Raises:
        ParameterError: naming the parameter, what is wrong and what is allowed.
    """
    want = TYPES[param.type]
    if isinstance(value, str) and want is not str:
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            raise ParameterError(param.name, f"{value!r} is not a {param.type}", param.allowed(cases)) from None
    if want is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if want is list and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = [value]  # -p loss_rate 0.02 means a one-item list
    if not isinstance(value, want) or isinstance(value, bool):
        raise ParameterError(param.name, f"{value!r} is a {type(value).__name__}, not a {param.type}",
                             param.allowed(cases))
    _check_finite(param, value, cases)
    if isinstance(value, list):  # want is list: the check above passed
        item = {"list[float]": (int, float), "list[int]": (int,), "list[str]": (str,)}[param.type]
        # an empty list only where the declaration's own default is one ("empty: every case")
        if (not value and param.default != []) or any(not isinstance(v, item) or isinstance(v, bool) for v in value):
            raise ParameterError(param.name, f"{value!r} is not a non-empty {param.type}", param.allowed(cases))
        if param.type == "list[float]":
            value = [float(v) for v in value]
        for v in value:
            _check_constraint(param, v, cases)
    else:
        _check_constraint(param, value, cases)
    return value


def _check_finite(param: Param, value, cases: Sequence[str]) -> None:
    """Refuse inf and nan: they pass comparisons such as `> 0` (or fail them silently) and break a later cell."""
    for v in value if isinstance(value, list) else [value]:
        if isinstance(v, float) and not math.isfinite(v):
            raise ParameterError(param.name, f"{v!r} is not a finite number", param.allowed(cases))


def _check_constraint(param: Param, v, cases: Sequence[str]) -> None:
    """Raise ParameterError unless the single value `v` meets `param.constraint`."""
    c = param.constraint
    if not c:
        return
    if c == KNOWN_CASE:
        if v not in cases:
            raise ParameterError(param.name, f"unknown case {v!r}", param.allowed(cases))
    elif c.startswith("one of "):
        options = [o.strip() for o in c[len("one of "):].split("|")]
        if str(v) not in options:
            raise ParameterError(param.name, f"{v!r} is not allowed", param.allowed(cases))
    elif c.startswith(("in [", "in (")):  # closed, or open at the low end: in (0, 1] refuses 0
        lo, hi = (float(x) for x in c[4:-1].split(","))
        inside = (lo <= v if c[3] == "[" else lo < v) and v <= hi
        if not inside:
            raise ParameterError(param.name, f"{v!r} is outside {c[3]}{lo:g}, {hi:g}]", param.allowed(cases))
    else:
        m = re.match(r"(>=?) ?(-?[\d.]+)", c)
        assert m is not None, c  # CONSTRAINT_RE admits no other constraint
        op, bound = m.groups()
        if not (v >= float(bound) if op == ">=" else v > float(bound)):
            raise ParameterError(param.name, f"{v!r} is not {op} {bound}", param.allowed(cases))
