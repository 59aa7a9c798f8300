"""`reports.toml`: which reports `kcz build` makes, declared once.

    [defaults]                 # applied to every [[report]]
    case = "<case>"            # a folder of data/cases/
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
    keep_runs = 30             # finished runs kept after each build (`latest` always kept)
    max_reports = 500          # more reports than this (a grid too large) is refused

Relative paths are relative to the folder holding the file. A notebook may sit in a
subfolder (`notebook = "sub/x"`, each part a safe name); its reports are then named
`sub-x-<lang>`. A [defaults] parameter (and `langs`) applies only to notebooks that
declare it in their `parameters` cell; a report's own `parameters` and `langs` always
apply (and must be declared). Each mistake is one ConfigError naming the entry, raised
before any kernel starts.

A config makes at most `max_reports` reports (`[build] max_reports`, default
DEFAULT_MAX_REPORTS; `kcz build --max-reports N` / `kcz list --max-reports N` override
it): a grid is counted by arithmetic (the product of its value counts times its
languages) before any combination is made, so `grid = {a = [100 values], b = [...],
c = [...]}` is one message, not millions of reports in memory.
"""

from __future__ import annotations

import fnmatch
import itertools
import json
import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from kczlib.errors import ConfigError, KczError
from kczlib.paths import PACKAGE_ROOT
from kczlib.publish import sweep
from kczlib.publish.overrides import check_name, declared_parameters

DEFAULT_CONFIG = PACKAGE_ROOT / "reports.toml"
DEFAULT_KEEP_RUNS = 30
DEFAULT_MAX_REPORTS = 500  # reports one config may make (sweeps included); [build] max_reports
DEFAULT_WARM_IMPORTS = ("pandas", "matplotlib.pyplot", "seaborn", "kczlib", "kczlib.report.theme")
# A report name is the stem of its output files and a notebook is looked up by its stem:
# letters, digits, `_` and `-` only, so neither can climb out of a folder (`../x`, `a/b`),
# hide (`.x`) or collide with another report's files (`x.analyst` -> `x.analyst.html`).
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")


@dataclass(frozen=True)
class ReportSpec:
    """One report of the config: a notebook executed with one set of parameters.

    Attributes:
        name: Unique; the stem of every output file.
        notebook: The notebook's path.
        parameters: The parameters injected into it (defaults, then the entry's own).
        sweep: For a grid's report, {"group": base name, "values": {...}} (sweep.py); else None.
    """

    name: str  # unique; the stem of every output file
    notebook: Path
    parameters: dict = field(default_factory=dict)
    sweep: dict | None = None  # {"group": base name, "values": {...}} for a grid's report (sweep.py)

    @property
    def case(self) -> str | None:
        """The `case` parameter of the report, or None if it sets none."""
        return self.parameters.get("case")


@dataclass(frozen=True)
class BuildConfig:
    """A loaded reports.toml: its reports and the [build] settings (see the module doc).

    Attributes:
        path: The config file.
        reports: Every report it makes, sweeps expanded, in file order.
        out: The output folder runs are written into.
        notebooks_dir: The folder notebooks are found in (and kernels run in).
        warm_imports: Modules each kernel imports before it is handed a report.
        cell_timeout: Seconds one cell may run before the report fails.
        kernel_name: The Jupyter kernel spec reports run on.
        keep_runs: Finished runs kept in `out` after a build (prune_runs).
        publication_url: `[publication] url`: where the run's pages are published (an http(s)
            URL ending in the folder the pages sit in), cited by every page; "" when unset.
    """

    path: Path
    reports: tuple[ReportSpec, ...]
    out: Path
    notebooks_dir: Path
    warm_imports: tuple[str, ...] = DEFAULT_WARM_IMPORTS
    cell_timeout: int = 600
    kernel_name: str = "python3"
    keep_runs: int = DEFAULT_KEEP_RUNS  # finished runs kept in `out` after a build (prune_runs)
    publication_url: str = ""  # [publication] url: the pages' published folder, cited by each page

    def select(self, patterns: list[str] | None) -> list[ReportSpec]:
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


def _matches(report: ReportSpec, pattern: str) -> bool:
    return (
        fnmatch.fnmatchcase(report.name, pattern)
        or report.notebook.stem == pattern
        or (report.sweep is not None and report.sweep["group"] == pattern)  # a whole sweep
    )


def config_path(explicit: str | os.PathLike | None = None) -> Path:
    """--config, else $KCZ_REPORTS, else the repository's reports.toml."""
    return Path(explicit or os.environ.get("KCZ_REPORTS") or DEFAULT_CONFIG).resolve()


def load_config(path: str | os.PathLike | None = None, max_reports: int | None = None) -> BuildConfig:
    """The report definitions at `path` (see `config_path`), every report expanded.

    `max_reports` overrides `[build] max_reports` (the CLI's --max-reports). Raises
    ConfigError (one line naming the file and entry) for anything wrong, including a
    config that would make more than max_reports reports.
    """
    path = config_path(path)
    if not path.is_file():
        raise ConfigError(f"no report definitions at {path} (create reports.toml or pass --config)")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: its TOML is nested deeper than Python's parser reads") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset "
                          f"{exc.start}): save it as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it: {exc.strerror}") from None
    base = path.parent
    build = raw.get("build", {})
    limit = _positive_whole(build.get("max_reports", DEFAULT_MAX_REPORTS) if max_reports is None else max_reports,
                         "--max-reports" if max_reports is not None else "[build] max_reports", path)
    notebooks_dir = (base / build.get("notebooks_dir", "notebooks")).resolve()
    reports = _expand_reports(raw, notebooks_dir, path, limit)
    return BuildConfig(
        path=path,
        reports=tuple(reports),
        out=(base / build.get("out", "reports")).resolve(),
        notebooks_dir=notebooks_dir,
        warm_imports=tuple(build.get("warm_imports", DEFAULT_WARM_IMPORTS)),
        cell_timeout=int(build.get("cell_timeout", 600)),
        kernel_name=str(build.get("kernel", "python3")),
        keep_runs=_positive_whole(build.get("keep_runs", DEFAULT_KEEP_RUNS), "[build] keep_runs", path),
        publication_url=_publication_url(raw.get("publication", {}), path),
    )


def _publication_url(section, path: Path) -> str:
    """`[publication] url`: "" or an http(s) URL without spaces; ConfigError naming the setting otherwise."""
    url = section.get("url", "") if isinstance(section, dict) else section
    if url == "":
        return ""
    if not isinstance(url, str) or not re.fullmatch(r"https?://[^\s\"'<>]+", url):
        raise ConfigError(f"{path}: [publication] url must be an http(s) address such as "
                          f"\"https://example.org/reports/\" or \"\" (got {url!r})")
    return url


def _positive_whole(value, where: str, path: Path) -> int:
    """`value` if it is a whole number of at least 1; ConfigError naming `where` otherwise."""
    if type(value) is not int or value < 1:
        raise ConfigError(f"{path}: {where} must be a whole number of at least 1 (got {value!r})")
    return value


def _count(entry: dict, langs: list) -> tuple[int, str]:
    """How many reports `entry` makes, counted without making them, and how (for messages)."""
    grid = entry.get("grid")
    sizes = [len(v) for v in grid.values() if isinstance(v, list)] if isinstance(grid, dict) and grid else []
    combos = math.prod(sizes)
    how = " × ".join(map(str, sizes)) + " combinations" if sizes else "1 parameter set"
    if len(langs) > 1:
        how += f" × {len(langs)} languages"
    return combos * len(langs), how


def _expand_reports(raw: dict, notebooks_dir: Path, path: Path,
                    max_reports: int = DEFAULT_MAX_REPORTS) -> list[ReportSpec]:
    """The reports of a parsed reports.toml, sweeps and languages expanded, in file order."""
    defaults = dict(raw.get("defaults", {}))
    default_langs = _langs(defaults.pop("langs", [None]), "[defaults]", path)
    _check_default_names(defaults, path)
    entries = raw.get("report", [])
    if not entries:
        raise ConfigError(f"{path}: no [[report]] entries")
    reports: dict[str, ReportSpec] = {}
    for i, entry in enumerate(entries, 1):
        stem, notebook = _entry_notebook(entry, i, notebooks_dir, path)
        declared = _declared(notebook)
        own = entry.get("parameters", {})
        if not isinstance(own, dict):
            raise ConfigError(f"{path}: [[report]] #{i} ({stem}): 'parameters' must be a table")
        shared = {k: v for k, v in defaults.items() if declared is None or k in declared}
        if "langs" in entry:
            langs = _langs(entry["langs"], f"[[report]] #{i} ({stem})", path)
        else:
            langs = default_langs if declared is None or "lang" in declared else [None]
        base = str(entry.get("name", stem))
        count, how = _count(entry, langs)
        if len(reports) + count > max_reports:
            raise ConfigError(f"{path}: [[report]] #{i} ({base}) makes {count:,} reports ({how}), "
                              + (f"{len(reports):,} before it, " if reports else "")
                              + f"more than max_reports = {max_reports} ([build] max_reports in "
                              f"{path.name}, or --max-reports): make the grid smaller or raise the limit")
        grid = (sweep.combinations(entry, f"[[report]] #{i} ({base})", notebook, path)
                if "grid" in entry else [None])
        for combo, lang in itertools.product(grid, langs):
            params = {**shared, **own, **(combo.parameters if combo else {})}
            if lang is not None:
                params["lang"] = lang
            name = base + (f"-{combo.slug}" if combo else "") + (f"-{lang}" if lang else "")
            _safe(name, f"[[report]] #{i}: report name", path)
            if name in reports:
                raise ConfigError(f"{path}: [[report]] #{i}: two reports are named {name!r}; give one a 'name'")
            reports[name] = ReportSpec(name, notebook, params,
                                   {"group": base, "values": combo.values} if combo else None)
    return list(reports.values())


def _check_default_names(defaults: dict, path: Path) -> None:
    """Refuse a [defaults] parameter with an unsafe name, even where no notebook declares it (it would be dropped)."""
    for name in defaults:
        try:
            check_name(name)
        except KczError as exc:
            raise ConfigError(f"{path}: [defaults]: {exc}") from None


def _entry_notebook(entry, i: int, notebooks_dir: Path, path: Path) -> tuple[str, Path]:
    """The flat report stem and the notebook file of [[report]] entry #`i`; ConfigError if it names none safely."""
    if not isinstance(entry, dict) or "notebook" not in entry:
        raise ConfigError(f"{path}: [[report]] #{i} has no 'notebook'")
    value = str(entry["notebook"]).removesuffix(".ipynb")
    parts = value.split("/")
    if not all(SAFE_NAME.fullmatch(part) for part in parts):
        raise ConfigError(f"{path}: [[report]] #{i}: notebook {value!r} is not a safe name: use "
                          "letters, digits, '_' and '-', and '/' between folders (no '..')")
    stem = "-".join(parts)  # a subfolder notebook gets a flat, safe report name
    return stem, notebooks_dir.joinpath(*parts[:-1], f"{parts[-1]}.ipynb")


def _langs(value, where: str, path: Path) -> list:
    """`langs` as a non-empty list of language codes.

    Raises ConfigError naming `where` otherwise (an empty list would silently drop the entry).
    """
    if value == [None]:
        return value
    if not isinstance(value, list) or not value or not all(isinstance(x, str) and x for x in value):
        raise ConfigError(f"{path}: {where}: langs must be a non-empty list of language codes, "
                          f"e.g. [\"zh\", \"en\"] (got {value!r})")
    return value


def _declared(notebook: Path) -> set[str] | None:
    """The parameters `notebook` declares, or None if it cannot be read yet.

    A missing notebook is reported by the build, naming the report.
    """
    if not notebook.is_file():
        return None
    try:
        return set(declared_parameters(notebook))
    except (OSError, ValueError):
        return None


def _safe(name: str, what: str, path: Path) -> str:
    """`name` if it matches SAFE_NAME, else ConfigError saying what is allowed."""
    if not SAFE_NAME.fullmatch(name):
        raise ConfigError(f"{path}: {what} {name!r} is not a safe name: use letters, digits, "
                          "'_' and '-' (it names files in the run folder)")
    return name


def report_listing(config: BuildConfig, as_json: bool = False) -> str:
    """`kcz list`: the configured reports, one line each, or as JSON.

    Args:
        config: the loaded report definitions (`load_config`).
        as_json: a JSON list of {name, notebook, parameters} instead of aligned text.

    Returns:
        The text to print: per report its name, notebook and parameters (text form marks a
        missing notebook).
    """
    if as_json:
        return json.dumps([{"name": r.name, "notebook": r.notebook.name, "parameters": r.parameters}
                           for r in config.reports], ensure_ascii=False, indent=2)
    width = max(len(r.name) for r in config.reports)
    lines = []
    for r in config.reports:
        params = " ".join(f"{k}={v!r}" for k, v in r.parameters.items())
        missing = "" if r.notebook.is_file() else "  (notebook missing)"
        lines.append(f"{r.name:<{width}}  {r.notebook.name}  {params}{missing}")
    return "\n".join(lines)
