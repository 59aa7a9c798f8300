"""Parameter sweeps: a `[[report]]` with a `grid` becomes one report per combination.

    [[report]]
    notebook = "02_tech_finance_leverage"
    grid = { loss_rate = [0.01, 0.05], compensation_share = [0.5, 0.8] }

makes, per language, `02_tech_finance_leverage-loss_rate-0p01-compensation_share-0p5-zh`
and the three other combinations. Rules (checked when reports.toml is loaded, so before
any lock is taken or kernel started; each refusal is one ConfigError naming the entry):

- A grid value IS the parameter's value for that combination. For a parameter the
  notebook declares as a list (`loss_rate: list[float]`), a single number stands for a
  one-item list, as it does for `-p loss_rate=0.02` (kczlib.declarations.coerce):
  the report gets `loss_rate = [0.01]`. A list value (`[[0.01, 0.02], [0.05]]`) is passed
  as that list.
- Every grid name is a parameter the notebook declares (not `lang`: use `langs`), not
  also given in the entry's `parameters`; every list is non-empty and its values are
  plain JSON-like values that pass the notebook's own declaration check (type and
  constraint, e.g. `in [0, 1]`), run here without a kernel on the parameters cell.
- Names are `<name or notebook>-<param>-<value>-...-<lang>`, values spelled with safe
  characters only (config.SAFE_NAME): `.` -> `p`, a leading `-` -> `m`, other
  characters of text -> `_`, list items joined by `_`. Two combinations spelling the
  same name are refused (a name collision), as is a name longer than SAFE_NAME allows.

Each report of a sweep carries `sweep = {"group": <base name>, "values": {...}}`
(the grid values as written), which the manifest keeps and the index groups by.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from kczlib.declarations import coerce, read_declarations
from kczlib.errors import ConfigError, KczError, ParameterError
from kczlib.publish.cases import known_cases
from kczlib.publish.overrides import check_value, declared_parameters

UNSAFE = re.compile(r"[^A-Za-z0-9_]")


@dataclass(frozen=True)
class Combination:
    """One point of a grid.

    Attributes:
        values: the grid values as written in reports.toml.
        parameters: the values as the notebook receives them (list parameters as lists).
        slug: the name part (`loss_rate-0p01-compensation_share-0p5`).
    """
    values: dict
    parameters: dict
    slug: str


def combinations(entry: dict, where: str, notebook: Path, path: Path) -> list[Combination]:
    """The combinations of `entry["grid"]` in reports.toml order (first name slowest).

    `where` names the entry in messages (`[[report]] #3 (02_tech_finance_leverage)`).
    Raises errors.ConfigError for any bad grid: see the module doc.
    """

    def refuse(reason: str):
        return ConfigError(f"{path}: {where}: grid {reason}")

    grid = entry["grid"]
    if not isinstance(grid, dict) or not grid:
        raise refuse("must be a table of parameter = [values], e.g. grid = { loss_rate = [0.01, 0.05] }")
    fixed = entry.get("parameters", {})
    declared = _declared(notebook)
    for name, values in grid.items():
        if name == "lang":
            raise refuse("cannot sweep 'lang': list the languages in 'langs'")
        if name in fixed:
            raise refuse(f"{name!r} is also in 'parameters': give it in one place")
        if declared is not None and name not in declared:
            raise refuse(f"{name!r} is not a parameter of {notebook.name} "
                         f"(its parameters: {', '.join(declared) or 'none'})")
        if not isinstance(values, list) or not values:
            raise refuse(f"{name!r} needs a non-empty list of values, got {values!r}")
    checked = {name: [_checked(name, v, declared, refuse) for v in values] for name, values in grid.items()}
    result: list[Combination] = []
    seen: dict[str, dict] = {}
    for combo in itertools.product(*(list(zip(grid[n], checked[n], strict=True)) for n in grid)):
        values = {n: written for n, (written, _) in zip(grid, combo, strict=True)}
        slug = "-".join(f"{n}-{slug_value(v)}" for n, v in values.items())
        if slug in seen:
            raise refuse(f"values {seen[slug]} and {values} both make the name part {slug!r} "
                         "(a name collision): make them differ in letters or digits")
        seen[slug] = values
        result.append(Combination(values, {n: given for n, (_, given) in zip(grid, combo, strict=True)}, slug))
    return result


def slug_value(value) -> str:
    """A grid value spelled with letters, digits and `_` only.

    0.01 -> `0p01`, -0.5 -> `m0p5`, True -> `true`, "a b" -> `a_b`, [0.01, 0.02] -> `0p01_0p02`.
    """
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        text = repr(value)
        return ("m" + text[1:] if text.startswith("-") else text).replace(".", "p").replace("-", "m").replace("+", "")
    if isinstance(value, list):
        return "_".join(slug_value(v) for v in value) or "empty"
    return UNSAFE.sub("_", str(value)) or "_"


def _checked(name: str, value, declared, refuse):
    """`value` as the notebook will receive it, or a refusal with the notebook's reason."""
    try:
        check_value(name, value)
        if isinstance(value, dict):
            raise ParameterError(name, "a table is not a grid value", "numbers, text, true/false or lists")
        return declared[name](value) if declared and declared.get(name) else value
    except ParameterError as exc:
        allowed = f" (allowed: {exc.allowed})" if exc.allowed else ""
        raise refuse(f"{name} = {value!r}: {exc.reason}{allowed}") from None


def _declared(notebook: Path) -> dict | None:
    """{name: check(value) -> value} from the notebook's parameters cell.

    With kcz declarations (`name: type = default  # constraint: help`) the check is
    kczlib.declarations.coerce, the one the notebook runs on itself (the case list for
    `a known case` read through publish.cases); a notebook with plain assignments gets
    names only (papermill's inspection) and no value check.

    Args:
        notebook: path of the entry's notebook.

    Returns:
        {name: check or None} in declaration order; None if the notebook does not exist
        (the build reports that itself).
    """
    if not notebook.is_file():
        return None
    try:
        params = read_declarations(notebook)
    except KczError:
        params = ()
    if params:
        return {p.name: (lambda v, p=p: coerce(p, v, known_cases() if p.needs_cases else ())) for p in params}
    return dict.fromkeys(declared_parameters(notebook))
