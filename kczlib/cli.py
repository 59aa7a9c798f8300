"""The `kcz` command (also `python -m kczlib`): build, list and validate reports.

A user error (`KczError`) prints one line, `kcz: error: ...`, and exits 2; a failed
report exits 1; an interrupted build exits 130 (SIGINT) or 143 (SIGTERM).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from .errors import KczError

EXIT_FAILED_REPORTS, EXIT_USAGE, EXIT_SIGINT, EXIT_SIGTERM = 1, 2, 130, 143


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kcz", description="Build and check the 科创中国 case reports.")
    p.add_argument("--config", type=Path, help="report definitions (default: reports.toml of the repository, or $KCZ_REPORTS)")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="run the reports into <out>/<UTC timestamp>/")
    b.add_argument("--only", nargs="+", metavar="NAME", default=[],
                   help="report names, notebook names (both languages) or globs")
    b.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE",
                   help="override a notebook parameter (Python literal, else a string)")
    b.add_argument("--jobs", "-j", type=_positive_int, default=os.cpu_count() or 1,
                   help="reports run in parallel (default: %(default)s, the cores)")
    b.add_argument("--force", action="store_true", help="ignore the cache: execute every report")
    b.add_argument("--out", type=Path, help="output folder (default: reports/)")
    b.add_argument("--wait", action="store_true", help="wait for a running build instead of exiting")
    b.add_argument("--pdf", action="store_true",
                   help="also print each reader page to <name>.pdf with headless Chromium (if there is one)")
    b.add_argument("--scheduler", metavar="ADDRESS", default=os.environ.get("KCZ_SCHEDULER") or None,
                   help="run the reports on this Dask scheduler, e.g. tcp://127.0.0.1:8786 "
                        "(default: $KCZ_SCHEDULER; without it the build runs locally)")
    b.add_argument("-q", "--quiet", action="store_true", help="only failures and the summary")
    b.add_argument("-v", "--verbose", action="store_true", help="timings per report, kernel logs")

    ls = sub.add_parser("list", help="show the defined reports and their parameters")
    ls.add_argument("--json", action="store_true", help="machine-readable output")

    v = sub.add_parser("validate", help="check the case data: schema, evidence, coverage")
    v.add_argument("case", nargs="?", default=None)
    return p


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KczError as exc:
        print(f"kcz: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("kcz: interrupted; no run was written, latest unchanged", file=sys.stderr)
        return EXIT_SIGINT
    except BaseException as exc:
        from .build.pipeline import Terminated

        if isinstance(exc, Terminated):
            print("kcz: terminated; no run was written, latest unchanged", file=sys.stderr)
            return EXIT_SIGTERM
        raise


def cmd_build(args) -> int:
    from .build.pipeline import BuildOptions, build
    from .build.parameters import parse_overrides
    from .build.progress import Progress

    verbosity = 0 if args.quiet else 2 if args.verbose else 1
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR,
                        format="kcz: %(name)s: %(message)s")
    options = BuildOptions(only=args.only, overrides=parse_overrides(args.parameter),
                           jobs=args.jobs, force=args.force, out=args.out, wait=args.wait,
                           config=args.config, pdf=args.pdf, scheduler=args.scheduler)
    result = build(options, Progress(verbosity))
    return 0 if result.ok else EXIT_FAILED_REPORTS


def cmd_list(args) -> int:
    from .build.config import load_config

    config = load_config(args.config)
    if args.json:
        print(json.dumps([{"name": r.name, "notebook": r.notebook.name, "parameters": r.parameters}
                          for r in config.reports], ensure_ascii=False, indent=2))
        return 0
    width = max(len(r.name) for r in config.reports)
    for r in config.reports:
        params = " ".join(f"{k}={v!r}" for k, v in r.parameters.items())
        missing = "" if r.notebook.is_file() else "  (notebook missing)"
        print(f"{r.name:<{width}}  {r.notebook.name}  {params}{missing}")
    return 0


def cmd_validate(args) -> int:
    from .data.validate import main as validate_main

    return validate_main(args.case)


COMMANDS = {"build": cmd_build, "list": cmd_list, "validate": cmd_validate}
