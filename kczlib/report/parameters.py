"""Notebook parameters: declared once, in each notebook's `parameters` cell, and checked.

A declaration is one annotated assignment with a comment; the comment's optional
constraint comes before a colon, the help after it (papermill's `--help-notebook`
shows the type, default and this comment):

    lang: str = "zh"  # one of zh|en: report language
    loss_rate: list[float] = [0.01, 0.02]  # in [0, 1]: assumed loan loss rates

Constraints: `one of a|b`, `in [lo, hi]`, `> x`, `>= x`, `a known case`.
Papermill only warns about unknown names and checks no types; `check()` stops the
notebook in its first cells with one message naming the parameter and what is allowed.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..data.cases import list_cases
from ..paths import PACKAGE_ROOT
from ..errors import ParameterError

NOTEBOOKS = PACKAGE_ROOT / "notebooks"
DECL_RE = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<type>[\w\[\], ]+?)\s*=\s*(?P<default>.+?)\s*#\s*(?P<comment>.*)$")
CONSTRAINT_RE = re.compile(r"^(?P<cons>one of [^:]+|in \[[^\]]+\]|>=? ?-?[\d.]+|a known case)\s*:\s*(?P<help>.*)$")
TYPES = {"str": str, "int": int, "float": float, "list[float]": list, "list[int]": list, "list[str]": list}


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: object
    constraint: str
    help: str

    def allowed(self) -> str:
        if self.constraint == "a known case":
            return ", ".join(list_cases())
        text = self.type + (f" {self.constraint}" if self.constraint else "")
        if self.type.startswith("list"):
            text += "; pass lists with -y 'name: [..]' or -p name '[..]'"
        return text


def parse_declarations(source: str) -> list[Param]:
    params = []
    for line in source.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = DECL_RE.match(line)
        if not m:
            raise ParameterError(line.split("=")[0].strip() or line, "parameters cell line is not `name: type = literal  # help`")
        if m["type"] not in TYPES:
            raise ParameterError(m["name"], f"unsupported type {m['type']!r}", ", ".join(TYPES))
        c = CONSTRAINT_RE.match(m["comment"])
        params.append(Param(m["name"], m["type"], ast.literal_eval(m["default"]), c["cons"] if c else "",
                            c["help"] if c else m["comment"]))
    return params


@lru_cache(maxsize=None)
def declarations(notebook: str) -> tuple[Param, ...]:
    """The declared parameters of `notebooks/<notebook>.ipynb`."""
    path = Path(NOTEBOOKS) / f"{notebook}.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        raise ParameterError("parameters", f"{path.name} needs exactly one cell tagged 'parameters', has {len(tagged)}")
    return tuple(parse_declarations("".join(tagged[0]["source"])))


def coerce(param: Param, value):
    """Check one value against its declaration; strings from `papermill -p` are parsed."""
    want = TYPES[param.type]
    if isinstance(value, str) and want is not str:
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            raise ParameterError(param.name, f"{value!r} is not a {param.type}", param.allowed()) from None
    if want is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if want is list and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = [value]  # -p loss_rate 0.02 means a one-item list
    if not isinstance(value, want) or isinstance(value, bool):
        raise ParameterError(param.name, f"{value!r} is a {type(value).__name__}, not a {param.type}", param.allowed())
    if want is list:
        item = {"list[float]": (int, float), "list[int]": (int,), "list[str]": (str,)}[param.type]
        if not value or any(not isinstance(v, item) or isinstance(v, bool) for v in value):
            raise ParameterError(param.name, f"{value!r} is not a non-empty {param.type}", param.allowed())
        if param.type == "list[float]":
            value = [float(v) for v in value]
        for v in value:
            _check_constraint(param, v)
    else:
        _check_constraint(param, value)
    return value


def _check_constraint(param: Param, v) -> None:
    c = param.constraint
    if not c:
        return
    if c == "a known case":
        if v not in list_cases():
            raise ParameterError(param.name, f"unknown case {v!r}", param.allowed())
    elif c.startswith("one of "):
        options = [o.strip() for o in c[len("one of "):].split("|")]
        if str(v) not in options:
            raise ParameterError(param.name, f"{v!r} is not allowed", param.allowed())
    elif c.startswith("in ["):
        lo, hi = (float(x) for x in c[4:-1].split(","))
        if not lo <= v <= hi:
            raise ParameterError(param.name, f"{v!r} is outside [{lo:g}, {hi:g}]", param.allowed())
    else:
        op, bound = re.match(r"(>=?) ?(-?[\d.]+)", c).groups()
        if not (v >= float(bound) if op == ">=" else v > float(bound)):
            raise ParameterError(param.name, f"{v!r} is not {op} {bound}", param.allowed())


IGNORED = {"In", "Out", "get_ipython", "exit", "quit", "open"}


def user_names(namespace: dict) -> set[str]:
    """Names a user (or papermill) assigned: not private, not modules or functions."""
    import types

    return {n for n, v in namespace.items()
            if not n.startswith("_") and n not in IGNORED
            and not isinstance(v, (types.ModuleType, types.FunctionType, type))}


def check(notebook: str, namespace: dict, before: set[str]) -> dict:
    """Validate and coerce the notebook's parameters in `namespace`; return them as a dict.

    `before` holds the names that existed before the parameters cell ran, so that only
    names introduced by the parameters and papermill's injected cell are judged.
    """
    params = {p.name: p for p in declarations(notebook)}
    unknown = sorted(user_names(namespace) - before - set(params))
    if unknown:
        raise ParameterError(unknown[0], "unknown parameter", "known parameters: " + ", ".join(params))
    values = {}
    for name, p in params.items():
        values[name] = coerce(p, namespace.get(name, p.default))
        namespace[name] = values[name]
    return values
