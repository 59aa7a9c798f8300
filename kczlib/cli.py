"""The `kcz` command (also `python -m kczlib`): build, list and validate reports; draft a new case.

Exit codes: 0 every report built; 1 a report failed (the others were built, and the run
was written); 2 a usage or input error (`kcz: error: ...`, one line, nothing ran); 3 could
not build (disk full, read-only or unusable output folder: one line naming the path and
the cause; the previous run and `latest` are untouched); 130/143/129 interrupted by
SIGINT/SIGTERM/SIGHUP (nothing half-written is left).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path

from kczlib.errors import CannotBuild, KczError, Terminated
from kczlib.publish.signals import SIGNAL_EXITS, end_start_up, exit_quietly_while_starting, terminating

EXIT_FAILED_REPORTS, EXIT_USAGE, EXIT_CANNOT_BUILD = 1, 2, 3
EXIT_SIGINT, EXIT_SIGTERM, EXIT_SIGHUP = (SIGNAL_EXITS[s][0] for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP))

# Run as the `kcz` program (not imported by other code): a signal during start-up gives a
# message, not a traceback from inside an import. `main` installs the handlers of a build.
exit_quietly_while_starting()
EXIT_CODES_HELP = ("exit codes: 0 all reports built; 1 a report failed; 2 usage or input error; "
                   "3 could not build (disk full, read-only or unusable output folder; the "
                   "previous run is kept); 130/143/129 interrupted (SIGINT/SIGTERM/SIGHUP)")


def parser() -> argparse.ArgumentParser:
    """The `kcz` argument parser: one subcommand each for build, prune, schedule, list, validate, new-case."""
    p = argparse.ArgumentParser(prog="kcz", description="Build and check the 科创中国 case reports.")
    p.add_argument("--config", type=Path,
                   help="report definitions (default: reports.toml of the repository, or $KCZ_REPORTS)")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="run the reports into <out>/<UTC timestamp>/", epilog=EXIT_CODES_HELP)
    b.add_argument("--only", nargs="+", action="extend", metavar="NAME", default=[],
                   help="report names, notebook names (both languages) or globs; repeatable")
    b.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE",
                   help="override a notebook parameter (Python literal, else a string)")
    b.add_argument("--jobs", "-j", type=_positive_int, default=os.cpu_count() or 1,
                   help="reports run in parallel (default: %(default)s, the cores)")
    b.add_argument("--force", action="store_true", help="ignore the cache: execute every report")
    b.add_argument("--explain", action="store_true",
                   help="print per report why it was rebuilt or reused (e.g. 'X: rebuilt: "
                        "cases/C/figures.csv row ID changed'); a report is reused only when nothing it "
                        "read (data rows, words, its notebook, kczlib, parameters) changed")
    b.add_argument("--out", type=Path, help="output folder (default: reports/)")
    b.add_argument("--wait", action="store_true", help="wait for a running build instead of exiting")
    b.add_argument("--pdf", action="store_true",
                   help="also print each reader page to <name>.pdf with headless Chromium (if there is one)")
    b.add_argument("--scheduler", metavar="ADDRESS", default=os.environ.get("KCZ_SCHEDULER") or None,
                   help="run the reports on this Dask scheduler, e.g. tcp://127.0.0.1:8786 "
                        "(default: $KCZ_SCHEDULER; without it the build runs locally). Any machine that "
                        "can join the scheduler can run code on it and on this build: use tls://, or tcp:// "
                        "on this machine only")
    b.add_argument("--tls-ca", type=Path, metavar="FILE",
                   help="tls:// scheduler: the CA certificate that signed the cluster's certificates "
                        "(default: Dask config distributed.comm.tls.ca-file)")
    b.add_argument("--tls-cert", type=Path, metavar="FILE",
                   help="tls:// scheduler: this client's certificate (default: distributed.comm.tls.client.cert)")
    b.add_argument("--tls-key", type=Path, metavar="FILE",
                   help="tls:// scheduler: this client's private key, unless it is in --tls-cert "
                        "(default: distributed.comm.tls.client.key)")
    b.add_argument("--allow-insecure-cluster", action="store_true",
                   help="accept an unencrypted tcp:// scheduler that is not on this machine (a trusted network)")
    b.add_argument("--max-reports", type=_positive_int, default=None, metavar="N",
                   help="refuse a config that makes more than N reports (default: [build] max_reports "
                        "of reports.toml, else 500)")
    b.add_argument("--draft", action="store_true",
                   help="preview an uncurated draft (kcz new-case) of the case -p case=NAME names: its rows as "
                        "parsed, every page marked as a draft; never `latest`")
    b.add_argument("-q", "--quiet", action="store_true", help="only failures and the summary")
    b.add_argument("-v", "--verbose", action="store_true", help="timings per report, kernel logs")

    pr = sub.add_parser("prune", help="remove old run folders, keeping the newest and `latest`")
    pr.add_argument("--keep", type=_positive_int, default=None, metavar="N",
                    help="runs to keep (default: [build] keep_runs of reports.toml, 30)")
    pr.add_argument("--out", type=Path, help="output folder (default: reports/)")
    pr.add_argument("--wait", action="store_true", help="wait for a running build instead of exiting")

    sc = sub.add_parser("schedule", help="print the cron line or systemd units that rebuild the reports daily")
    sc.add_argument("kind", choices=["cron", "systemd"], help="cron: one crontab line; systemd: user units")
    sc.add_argument("--at", default="06:30", metavar="HH:MM", help="time of day (default: %(default)s)")
    sc.add_argument("--write", type=Path, metavar="DIR",
                    help="systemd: write the two unit files into DIR (e.g. ~/.config/systemd/user)")

    ls = sub.add_parser("list", help="show the defined reports and their parameters")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.add_argument("--max-reports", type=_positive_int, default=None, metavar="N",
                    help="refuse a config that makes more than N reports (default: [build] max_reports, else 500)")

    v = sub.add_parser("validate", help="check the case data (schema, evidence, coverage) and the word files")
    v.add_argument("case", nargs="?", default=None)

    vc = sub.add_parser("vocabulary", help="per case: figures mapped to an indicator, and how many the cues suggest")
    vc.add_argument("cases", nargs="*", metavar="CASE", help="cases to measure (default: every case)")
    vc.add_argument("--misses", action="store_true", help="list each mapped figure the cues do not suggest exactly")

    n = sub.add_parser("new-case", help="draft data/cases/NAME from a raw text, for a person to curate")
    n.add_argument("name", metavar="NAME", help="the case's folder name: a lower-case slug such as wuhan")
    n.add_argument("raw", metavar="RAW.txt", type=Path, help="the source document as received (UTF-8)")
    return p


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: list[str] | None = None) -> int:
    """Run the `kcz` command line `argv` (default: sys.argv[1:]); returns the exit code."""
    end_start_up()  # KeyboardInterrupt from here: the clean-up runs
    command: list[str] = []  # the subcommand, once parsed: what a signal's message speaks of
    with terminating():  # SIGTERM/SIGHUP raise Terminated for the whole command, its message included
        try:
            args = parser().parse_args(argv)
            command.append(args.command)
            return COMMANDS[args.command](args)
        except CannotBuild as exc:
            print(f"kcz: error: {exc}", file=sys.stderr)
            return EXIT_CANNOT_BUILD
        except KczError as exc:
            print(f"kcz: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except KeyboardInterrupt:
            from kczlib.publish.run_folder import what_was_written  # light: os, json, the lock

            print(f"kcz: interrupted; {what_was_written(command)}", file=sys.stderr)
            return EXIT_SIGINT
        except Terminated as exc:
            from kczlib.publish.run_folder import what_was_written

            word = "hung up" if exc.signum == signal.SIGHUP else "terminated"
            print(f"kcz: {word}; {what_was_written(command)}", file=sys.stderr)
            return EXIT_SIGHUP if exc.signum == signal.SIGHUP else EXIT_SIGTERM


def cmd_build(args) -> int:
    """`kcz build`: run the reports into a new run folder.

    Args:
        args: the parsed `build` arguments.

    Returns:
        0 if every report was built, 1 if one failed, or the exit code of a signal held
        while the run was put in place.
    """
    from kczlib.publish.overrides import parse_overrides
    from kczlib.publish.pipeline import BuildOptions, build
    from kczlib.publish.progress import Progress
    from kczlib.publish.run_folder import what_was_written

    verbosity = 0 if args.quiet else 2 if args.verbose else 1
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR,
                        format="kcz: %(name)s: %(message)s")
    overrides = parse_overrides(args.parameter)
    refuse_lang_override(overrides)
    options = BuildOptions(only=args.only, overrides=overrides,
                           jobs=args.jobs, force=args.force, out=args.out, wait=args.wait,
                           config=args.config, pdf=args.pdf, scheduler=args.scheduler,
                           tls={"ca": args.tls_ca, "cert": args.tls_cert, "key": args.tls_key},
                           allow_insecure_cluster=args.allow_insecure_cluster,
                           max_reports=args.max_reports, explain=args.explain)
    result = (_build_draft if args.draft else build)(options, Progress(verbosity))
    if result.signal is not None:  # held while the run was put in place: it is whole
        code, word = SIGNAL_EXITS.get(result.signal, (EXIT_SIGTERM, "terminated"))
        print(f"kcz: {word} while the run was put in place; the build finished first: "
              f"{what_was_written()}", file=sys.stderr)
        return code
    return 0 if result.ok else EXIT_FAILED_REPORTS


def refuse_lang_override(overrides: dict) -> None:
    """Refuse `-p lang=...`: the language of a report is part of its name, set by `langs`.

    Each report is made once per language of `langs` (reports.toml) and named `<notebook>-<lang>`;
    a `-p lang=en` would be handed to every report, so `00_overview-zh-custom-...` would be an
    English page under a Chinese name, and the English one made twice.

    Args:
        overrides: the parsed `-p` values ({name: value}).

    Raises:
        ParameterError: `lang` is among them (one line: what to use instead; exit 2).
    """
    from kczlib.errors import ParameterError

    if "lang" in overrides:
        raise ParameterError("lang", "not set with -p (given by -p): each report is built in every language of "
                                     "`langs` in reports.toml; for one language, select its reports by name, "
                                     "e.g. --only '*-en' or --only 00_overview-en")


def _build_draft(options, progress):
    """Build from a preview of the draft case `-p case=NAME` names (`kczlib.data.preview`).

    The preview data folder lives in a scratch folder for the build only; `KCZ_DATA` points
    at it while the reports run (local kernels inherit it), and `KCZ_DRAFT_PREVIEW` puts the
    draft note first on every page. A `-p` build is never `latest`.
    Raises KczError without `-p case=NAME`, or with a cluster (its workers read their own data).
    """
    import tempfile

    from kczlib.data.preview import preview_data_root
    from kczlib.publish.html.export import DRAFT_PREVIEW_ENV
    from kczlib.publish.pipeline import build

    case = options.overrides.get("case")
    if not isinstance(case, str) or not case:
        raise KczError("--draft needs the drafted case: add -p case=NAME")
    if options.scheduler:
        raise KczError("--draft builds on this machine only: drop --scheduler")
    before = {name: os.environ.get(name) for name in ("KCZ_DATA", DRAFT_PREVIEW_ENV)}
    with tempfile.TemporaryDirectory(prefix="kcz-draft-") as scratch:
        os.environ["KCZ_DATA"] = str(preview_data_root(case, Path(scratch)))
        os.environ[DRAFT_PREVIEW_ENV] = "1"  # every page says it is a draft (publish.html.export.draft_note)
        try:
            return build(options, progress)
        finally:
            for name, value in before.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def cmd_prune(args) -> int:
    """`kcz prune`: remove old run folders (`run_folder.prune`); returns 0."""
    from kczlib.publish.config import load_config
    from kczlib.publish.run_folder import prune

    config = load_config(args.config)
    print(prune((args.out or config.out).resolve(), args.keep or config.keep_runs, wait=args.wait))
    return 0


def cmd_schedule(args) -> int:
    """`kcz schedule`: print (or write) the daily rebuild (`schedule.schedule_lines`); returns 0."""
    from kczlib.publish.schedule import schedule_lines

    for line in schedule_lines(args.kind, args.at, args.write):
        print(line)
    return 0


def cmd_list(args) -> int:
    """`kcz list`: print the defined reports (`config.report_listing`); returns 0."""
    from kczlib.publish.config import load_config, report_listing

    print(report_listing(load_config(args.config, max_reports=args.max_reports), as_json=args.json))
    return 0


def cmd_validate(args) -> int:
    """`kcz validate [CASE]`: check the case data (`kczlib.data.validate`); returns its exit code."""
    from kczlib.data.validate import main as validate_main

    return validate_main(args.case)


def cmd_new_case(args) -> int:
    """`kcz new-case NAME RAW.txt`: draft a case folder for a person to curate; returns 0."""
    from kczlib.data.drafting import draft_case

    d = draft_case(args.name, args.raw)
    print(f"kcz: drafted case {args.name!r} in {d.folder}")
    print(f"  {d.figures} figure rows to curate ({d.suggested} with a suggested indicator), "
          f"{d.non_figures} non-figures (dates, ordinals, names) with their reasons")
    if d.unreadable:
        print(f"  {len(d.unreadable)} mentions the parser cannot read: validate lists them")
    print(f"  next: fill the blanks of case.json and figures.csv, then run: kcz validate {args.name}")
    return 0


def cmd_vocabulary(args) -> int:
    """`kcz vocabulary [CASE ...] [--misses]`: mapped share and suggestion accuracy per case; returns 0."""
    from kczlib.data.cases import list_cases
    from kczlib.data.vocabulary_coverage import format_coverage, vocabulary_coverage

    for case in args.cases or list_cases():
        print(format_coverage(vocabulary_coverage(case), misses=args.misses))
    return 0


COMMANDS = {"build": cmd_build, "prune": cmd_prune, "schedule": cmd_schedule, "list": cmd_list,
            "validate": cmd_validate, "new-case": cmd_new_case, "vocabulary": cmd_vocabulary}
