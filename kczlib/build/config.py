"""`reports.toml`: which reports `kcz build` makes, declared once.

    [defaults]                 # applied to every [[report]]
    case = "chengdu"
    langs = ["zh", "en"]       # one report per language: `<notebook>-<lang>`

    [[report]]
    notebook = "00_overview"   # notebooks/<notebook>.ipynb

    [[report]]                 # an extra parameter set of the same notebook
    notebook = "02_tech_finance_leverage"
    name = "02_tech_finance_leverage-stress"
    parameters = { loss_rate = [0.05, 0.1] }

    [[report]]                 # a sweep: one report per combination (see sweep.py)
    notebook = "02_tech_finance_leverage"
    grid = { loss_rate = [0.01, 0.05], compensation_share = [0.5, 0.8] }

    [build]                    # optional knobs of the builder
    notebooks_dir = "notebooks"
    out = "reports"
    warm_imports = ["pandas", "matplotlib.pyplot", "seaborn", "kczlib"]
    cell_timeout = 600

Relative paths are relative to the folder holding the file.
"""

from __future__ import annotations

import fnmatch
import itertools
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import PACKAGE_ROOT
from ..errors import KczError
from . import sweep

DEFAULT_CONFIG = PACKAGE_ROOT / "reports.toml"
DEFAULT_WARM_IMPORTS = ("pandas", "matplotlib.pyplot", "seaborn", "kczlib", "kczlib.report.theme")
# A report name is the stem of its output files and a notebook is looked up by its stem:
# letters, digits, `_` and `-` only, so neither can climb out of a folder (`../x`, `a/b`),
# hide (`.x`) or collide with another report's files (`x.analyst` -> `x.analyst.html`).
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")


class ConfigError(KczError):
    """reports.toml is missing, malformed, or names something that does not exist."""


@dataclass(frozen=True)
class Report:
    name: str  # unique; the stem of every output file
    notebook: Path
    parameters: dict = field(default_factory=dict)
    sweep: dict | None = None  # {"group": base name, "values": {...}} for a grid's report (sweep.py)

    @property
    def case(self) -> str | None:
        return self.parameters.get("case")


@dataclass(frozen=True)
class BuildConfig:
    path: Path
    reports: tuple[Report, ...]
    out: Path
    notebooks_dir: Path
    warm_imports: tuple[str, ...] = DEFAULT_WARM_IMPORTS
    cell_timeout: int = 600
    kernel_name: str = "python3"

    def select(self, patterns: list[str] | None) -> list[Report]:
        """Reports matching any pattern: a report name, a notebook stem or a glob."""
        if not patterns:
            return list(self.reports)
        chosen, unknown = [], []
        for pattern in patterns:
            hits = [r for r in self.reports if _matches(r, pattern)]
            if not hits:
                unknown.append(pattern)
            chosen += [r for r in hits if r not in chosen]
        if unknown:
            known = ", ".join(r.name for r in self.reports)
            raise ConfigError(f"--only {', '.join(unknown)}: no such report; known: {known}")
        return chosen


def _matches(report: Report, pattern: str) -> bool:
    return (
        fnmatch.fnmatchcase(report.name, pattern)
        or report.notebook.stem == pattern
        or (report.sweep is not None and report.sweep["group"] == pattern)  # a whole sweep
    )


def config_path(explicit: str | os.PathLike | None = None) -> Path:
    """--config, else $KCZ_REPORTS, else the repository's reports.toml."""
    return Path(explicit or os.environ.get("KCZ_REPORTS") or DEFAULT_CONFIG).resolve()


def load_config(path: str | os.PathLike | None = None) -> BuildConfig:
    path = config_path(path)
    if not path.is_file():
        raise ConfigError(f"no report definitions at {path} (create reports.toml or pass --config)")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    base = path.parent
    build = raw.get("build", {})
    notebooks_dir = (base / build.get("notebooks_dir", "notebooks")).resolve()
    reports = _expand_reports(raw, notebooks_dir, path)
    return BuildConfig(
        path=path,
        reports=tuple(reports),
        out=(base / build.get("out", "reports")).resolve(),
        notebooks_dir=notebooks_dir,
        warm_imports=tuple(build.get("warm_imports", DEFAULT_WARM_IMPORTS)),
        cell_timeout=int(build.get("cell_timeout", 600)),
        kernel_name=str(build.get("kernel", "python3")),
    )


def _expand_reports(raw: dict, notebooks_dir: Path, path: Path) -> list[Report]:
    defaults = dict(raw.get("defaults", {}))
    default_langs = defaults.pop("langs", [None])
    entries = raw.get("report", [])
    if not entries:
        raise ConfigError(f"{path}: no [[report]] entries")
    reports: dict[str, Report] = {}
    for i, entry in enumerate(entries, 1):
        if "notebook" not in entry:
            raise ConfigError(f"{path}: [[report]] #{i} has no 'notebook'")
        stem = _safe(str(entry["notebook"]).removesuffix(".ipynb"), f"[[report]] #{i}: notebook", path)
        notebook = notebooks_dir / f"{stem}.ipynb"
        langs = entry.get("langs", default_langs)
        base = str(entry.get("name", stem))
        grid = (sweep.combinations(entry, f"[[report]] #{i} ({base})", notebook, path)
                if "grid" in entry else [None])
        for combo, lang in itertools.product(grid, langs):
            params = {**defaults, **entry.get("parameters", {}), **(combo.parameters if combo else {})}
            if lang is not None:
                params["lang"] = lang
            name = base + (f"-{combo.slug}" if combo else "") + (f"-{lang}" if lang else "")
            _safe(name, f"[[report]] #{i}: report name", path)
            if name in reports:
                raise ConfigError(f"{path}: [[report]] #{i}: two reports are named {name!r}; give one a 'name'")
            reports[name] = Report(name, notebook, params,
                                   {"group": base, "values": combo.values} if combo else None)
    return list(reports.values())


def _safe(name: str, what: str, path: Path) -> str:
    """`name` if it matches SAFE_NAME, else ConfigError saying what is allowed."""
    if not SAFE_NAME.fullmatch(name):
        raise ConfigError(f"{path}: {what} {name!r} is not a safe name: use letters, digits, "
                          "'_' and '-' (it names files in the run folder)")
    return name
