"""`kcz build`: the orchestrator.

Select the reports, take the lock, consult the cache, run the rest (local.py or
cluster.py, both through runner.run_report), write the manifest and index, rename the
run into place and move `latest`.

Order of work: check parameters (nothing runs on a typo) -> take the lock -> hash
the inputs -> link reports whose cache key matches an earlier run -> fail the reports
of a case whose data `kcz validate` refuses (preflight.py) -> execute the rest in
parallel on pre-warmed kernels (local.run_locally, or a Dask cluster) -> export HTML
-> write manifest and index -> rename the run into place -> move `latest` if the run
is complete and default and every report succeeded.

`latest` always means the full configured set with its own parameters: a build with
`--only` adds every other configured report from the cache (verified links or copies) and moves
`latest` only if that completes the set; a build with `-p` overrides names its reports
`<name>-custom-<hash>` and never moves `latest`. Environment faults (disk full, a
read-only or unusable output folder) end the build with CannotBuild, one message naming
the path and the cause; nothing is renamed into place and `latest` is left alone.

Why this module is still called `pipeline` and not `build`: its main function is
`build()`, and a module `kczlib.publish.build` holding a function `build` makes
`from kczlib.publish import build` mean the module in one place and the function in
another; the manifest also records `kczlib/publish/pipeline.py` among the sources a
run was made by, and users' tooling may read that. Execution lives elsewhere now:
runner.py (one report), local.py (the asyncio-in-a-thread executor), cluster.py (Dask).
"""

from __future__ import annotations

import copy
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from kczlib.errors import CannotBuild, ConfigError
from kczlib.paths import data_root
from kczlib.publish import manifest as mf
from kczlib.publish.cache import cache_key, files_of, previous_outputs, reads_changes, reuse_files, reuse_key
from kczlib.publish.config import ReportSpec, load_config
from kczlib.publish.html.downloads import write_run_data
from kczlib.publish.html.index_page import render_indexes
from kczlib.publish.html.pages import finish_pages
from kczlib.publish.lock import build_lock
from kczlib.publish.overrides import apply_overrides, custom_names, taking_overrides
from kczlib.publish.progress import Progress, warn
from kczlib.publish.run_folder import (
    MANIFEST,
    check_latest,
    file_in,
    finalize,
    forget_written_run,
    new_temp_run,
    now_iso,
    point_latest,
    prune_runs,
    remove_stale_temps,
    utc_stamp,
)
from kczlib.publish.scrub import data_placeholder, machine_paths, register_paths, scrub_tree, working_folders
from kczlib.publish.signals import STOPPING, ignore_signals, signals_held

# papermill, nbclient, nbconvert and nbformat (which pulls jsonschema) take seconds to
# import; they are imported only when a report is executed, so a build served entirely
# from the cache stays well under a second.


@dataclass
class BuildOptions:
    """What `kcz build` was asked for (the command line's options).

    Attributes:
        only: Report names, notebook stems or globs to build; empty: every report.
        overrides: Parameter values for a `-custom-` build of the selected reports.
        jobs: Reports executed at once (kernels), by default one per CPU.
        force: Execute every selected report, ignoring the cache.
        out: The output folder, instead of the config's.
        wait: Wait for another build's lock instead of failing at once.
        config: The reports.toml to read, instead of the default one.
        pdf: Also print each reader page to PDF (headless Chromium).
        scheduler: A Dask scheduler address: run the reports there (cluster.py).
        tls: {"ca", "cert", "key"}: paths for a tls:// scheduler (cluster_access.security_for).
        allow_insecure_cluster: Accept a plain tcp:// scheduler off this machine.
        max_reports: Overrides [build] max_reports of reports.toml (config.py).
        explain: Print one line per report: why it was rebuilt or reused.
    """

    only: list[str] = field(default_factory=list)
    overrides: dict = field(default_factory=dict)
    jobs: int = os.cpu_count() or 1
    force: bool = False
    out: Path | None = None
    wait: bool = False
    config: Path | None = None
    pdf: bool = False  # also print each reader page to PDF (headless Chromium)
    scheduler: str | None = None  # a Dask scheduler address: run the reports there (cluster.py)
    tls: dict | None = None  # {"ca", "cert", "key"}: paths for a tls:// scheduler (cluster_access.security_for)
    allow_insecure_cluster: bool = False  # a plain tcp:// scheduler off this machine is accepted
    max_reports: int | None = None  # overrides [build] max_reports of reports.toml (config.py)
    explain: bool = False  # say per report why it was rebuilt or reused


@dataclass
class BuildResult:
    """What a build made.

    Attributes:
        run: The run folder, in place under the output folder.
        manifest: Its manifest (manifest.json's content).
        signal: A SIGINT/SIGTERM/SIGHUP held while the run was put in place, else None.
    """

    run: Path
    manifest: dict
    signal: int | None = None  # a SIGINT/SIGTERM/SIGHUP held while the run was put in place

    @property
    def ok(self) -> bool:
        """True if no report failed or was cancelled (manifest status "ok") and every PDF asked for was printed."""
        return self.manifest["status"] == "ok" and not self.manifest.get("pdfs_missing")


def build(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build the selected reports into a new run folder (see the module doc).

    Raises ConfigError/ParameterError before anything runs, BuildLocked if another build
    holds the folder, CannotBuild for an environment fault (the previous run is kept).
    """
    progress = progress or Progress()
    STOPPING.clear()
    forget_written_run()
    config = load_config(options.config, max_reports=options.max_reports)
    register_paths(working_folders(config.notebooks_dir))  # the kernels' cwd: errors may name it
    selected = apply_overrides(config.select(options.only), options.overrides)
    if options.overrides:  # never mistaken for the defaults, never `latest`
        selected, untouched = taking_overrides(selected, options.overrides)
        if untouched:
            progress.say(f"kcz: not built, -p changes none of their parameters: {', '.join(r.name for r in untouched)}")
        selected, rest = custom_names(selected, options.overrides), []
    else:
        rest = [r for r in apply_overrides(list(config.reports), {}) if r.name not in {s.name for s in selected}]
    from kczlib.publish.kernels import check_kernels

    check_kernels(selected, config.kernel_name, warn)  # refuse another language's notebook up front
    from kczlib.publish.cases import folders_without_a_case, refuse_missing_data_folder

    refuse_missing_data_folder()  # a mistyped $KCZ_DATA: one line, before any report is tried

    for folder in folders_without_a_case():
        warn(f"cases/{folder} has no case.json: it is no case, and no report reads it (the comparison "
             f"of every case leaves it out); `kcz validate {folder}` says what is missing")
    if options.pdf:  # asked for PDFs: refused before any work if none can be printed
        from kczlib.publish.html.pdf import missing_chromium

        if problem := missing_chromium():
            raise ConfigError(problem)
    out = (options.out or config.out).resolve()
    cluster = _open_cluster(options, config, progress)  # before anything is written
    try:
        with build_lock(out, wait=options.wait) as lock:
            if lock.leftovers:
                warn(f"stopped {len(lock.leftovers)} process(es) a killed build left running "
                     f"(pid {', '.join(map(str, lock.leftovers))})")
            check_latest(out)  # refuse a planted `latest` before any work, not after it
            remove_stale_temps(out)
            return _build_locked(config, selected, rest, out, options, progress, cluster,
                                 lock.record_child)
    except OSError as exc:
        raise CannotBuild.from_os_error(exc, out) from None
    finally:
        if cluster is not None:
            cluster.close()


def _open_cluster(options: BuildOptions, config, progress):
    if options.scheduler is not None and not options.scheduler.strip():  # `--scheduler ""`: a variable unset?
        raise ConfigError("--scheduler: the address is empty; give the scheduler's tcp:// or tls:// address, "
                          "or leave the option out for a local build")
    if not options.scheduler:
        given = [f"--tls-{k}" for k, v in (options.tls or {}).items() if v]
        given += ["--allow-insecure-cluster"] if options.allow_insecure_cluster else []
        if given:  # a cluster option without a cluster: the user meant one, say it
            raise ConfigError(f"{', '.join(given)} applies to a Dask cluster: give --scheduler ADDRESS "
                              "(or $KCZ_SCHEDULER), or leave the option out for a local build")
        return None
    from kczlib.publish.cluster import Cluster

    return Cluster.open(options.scheduler, config, progress.say, tls=options.tls,
                        allow_insecure=options.allow_insecure_cluster)


def _build_locked(config, reports: list[ReportSpec], rest: list[ReportSpec], out: Path, options: BuildOptions,
                  progress, cluster=None, record_child=None) -> BuildResult:
    started, t0, stamp = now_iso(), time.monotonic(), utc_stamp()
    # the package's sources and each case's data files, hashed once for every report of the build
    sources, data_of = mf.kczlib_sources(), _data_files_once()
    entries = [_entry_skeleton(r, config, sources, data_of) for r in reports]
    extra = [_entry_skeleton(r, config, sources, data_of) for r in rest]
    previous = previous_outputs(out, warn)
    tmp = new_temp_run(out)
    try:
        other_data = f"; data: $KCZ_DATA = {data_root()}" if data_placeholder() != "data" else ""
        progress.say(f"kcz: {len(reports)} report(s) -> {out / stamp} (jobs {options.jobs}{other_data})")
        _link_translations(entries + extra)  # the names a reused page must link to
        todo, missing = _copy_cached(reports, entries, extra, previous, tmp, options.force, progress,
                                     options.explain)
        _link_translations(entries)
        _execute(todo, config, tmp, options.jobs, progress, cluster, record_child)
        numbers = _read_reader_meta(entries, tmp)
        write_run_data(tmp, [(e["name"], e["parameters"].get("lang"), numbers[e["name"]]) for e in entries])
        pdfs: list[str] = []
        if options.pdf:  # before the pages are finished: they link the PDFs that were printed
            from kczlib.publish.html.pdf import write_pdfs

            pdfs = write_pdfs(tmp, [e["name"] for e in entries if f"{e['name']}.html" in e["files"]],
                              lambda text: progress.say(text, level=0))
        order = {r.name: i for i, r in enumerate(config.reports)}
        finish_pages(sorted(entries, key=lambda e: order.get(e["name"], len(order))), tmp, pdfs)
        for e in entries:
            if f"{e['name']}.pdf" in pdfs:
                e["pdf"] = f"{e['name']}.pdf"
        manifest = _run_manifest(stamp, started, t0, entries)
        if options.pdf:  # asked for: a page left unprinted keeps `latest` (and its PDFs) where it is
            manifest["pdfs_missing"] = [e["name"] for e in entries
                                        if f"{e['name']}.html" in e["files"] and "pdf" not in e]
        manifest["complete"] = not missing and not options.overrides
        manifest["overrides"] = options.overrides
        if missing:
            manifest["not_in_run"] = missing
        shared = scrub_tree(copy.deepcopy(manifest), machine_paths())  # parameters, errors...
        (tmp / MANIFEST).write_text(mf.json_text(shared), encoding="utf-8")
        # last: the index links only files that are in the run (a PDF when printed)
        for filename, html in render_indexes(shared, {p.name for p in tmp.iterdir()}).items():
            file_in(tmp, filename).write_text(html, encoding="utf-8")
        with signals_held() as held:
            run = finalize(tmp, out, stamp)
            manifest["run"] = run.name
            # the run is in place: the rest takes microseconds and is not interrupted,
            # so that the message of an interrupted build ("no run was written") is true
            latest = _latest_decision(manifest, options)
            if latest is None:
                point_latest(out, run)
    except BaseException:
        ignore_signals()  # a second Ctrl-C must not interrupt the clean-up
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    try:  # still under the lock; a run that cannot be removed costs disk, not the build
        pruned = prune_runs(out, config.keep_runs)
    except OSError as exc:
        pruned = []
        warn(f"old runs were not removed ({exc.strerror or exc}); `kcz prune` removes them")
    progress.summary(manifest, run, carried=len(entries) - len(reports))
    progress.say(f"kcz: latest unchanged: {latest}" if latest else f"kcz: latest -> {run.name}", level=0)
    if pruned:
        progress.say(f"kcz: removed {len(pruned)} old run(s), keeping the newest {config.keep_runs} "
                     "([build] keep_runs)", level=0)
    return BuildResult(run, manifest, signal=held[0] if held else None)


def _copy_cached(reports: list[ReportSpec], entries: list[dict], extra: list[dict], previous: dict, tmp: Path,
                 force: bool, progress, explain: bool = False) -> tuple[list, list[str]]:
    """Link (or copy) into `tmp` what the cache holds; return what is left to execute and what is missing.

    A selected report is reused unless `force`; the other configured reports (`extra`) come
    from the cache only, so that the run can be complete, and are appended to `entries`
    when found. A cached build is reused only when nothing it read has changed
    (`cache.reads_changes`). With `explain`, one line per report says why it was rebuilt
    or reused. Returns ([(report, entry)] to execute, names of the `extra` not in the cache).
    """
    todo = []
    for report, entry in zip(reports, entries, strict=True):
        why = "--force" if force else _reuse_newest(previous.get(reuse_key(entry), []), entry, tmp)
        if why is None:
            progress.finished(entry)
        else:
            todo.append((report, entry))
        if explain:
            progress.say(f"{entry['name']}: " + ("reused: nothing it read changed" if why is None
                                                 else f"rebuilt: {why or _key_change(entry, previous)}"), level=0)
    missing = []
    for entry in extra:
        if _reuse_newest(previous.get(reuse_key(entry), []), entry, tmp) is None:
            entries.append(entry)
        else:
            missing.append(entry["name"])
    return todo, missing


def _reuse_newest(hits: list, entry: dict, tmp: Path) -> str | None:
    """Reuse the newest of `hits` whose record of what it read still holds; None if one was reused.

    Else why not: what the newest changed ("" when there was no earlier build of this key).
    """
    why = ""
    for hit in hits:
        changed = reads_changes(hit[1])
        if changed:
            why = why or ", ".join(changed)
        elif _reuse(hit, entry, tmp):
            return None
        else:
            why = why or "its cached files differ from their record"
    return why


def _key_change(entry: dict, previous: dict) -> str:
    """Why no earlier build has `entry`'s cache key: what differs from the newest one of its name."""
    old = max((e for hits in previous.values() for run, e in hits if e.get("name") == entry["name"]),
              key=lambda e: str(e.get("built_at") or ""), default=None)
    if old is None:
        return "no earlier build of it"
    inputs, before = entry["inputs"], old.get("inputs") if isinstance(old.get("inputs"), dict) else {}
    if before.get("notebook") != inputs["notebook"]:
        return "its notebook changed"
    if old.get("parameters") != entry["parameters"]:
        return "its parameters changed"
    old_code = mf.code_sources(before.get("kczlib") or {}) if isinstance(before.get("kczlib"), dict) else {}
    code = mf.code_sources(inputs["kczlib"])
    edited = sorted(k for k in set(code) | set(old_code) if code.get(k) != old_code.get(k))
    if edited:
        return f"kczlib changed ({', '.join(edited[:3])}{', ...' if len(edited) > 3 else ''})"
    if old.get("versions") != entry["versions"]:
        return "package versions changed"
    return "the page frame's words, the case's case.json, its name or its translations' names changed"


def _execute(todo: list, config, tmp: Path, jobs: int, progress, cluster=None, record_child=None) -> None:
    """Execute and export `todo` ([(report, entry)]) into `tmp`: on the Dask `cluster` if any, else locally."""
    if todo:
        from kczlib.publish.preflight import refuse_invalid_data

        todo = refuse_invalid_data(todo, progress)  # a broken case fails its reports without a kernel
    if todo and cluster is not None:
        cluster.run(todo, config, tmp, progress)
    elif todo:
        from kczlib.publish.local import run_locally  # imports papermill & co: not for a cached build

        run_locally(todo, config, tmp, jobs, progress, record_child)


def _latest_decision(manifest: dict, options: BuildOptions) -> str | None:
    """None if `latest` moves to this run, else why not (said to the user)."""
    if options.overrides:
        return "a build with -p overrides is never latest (its reports are named -custom-...)"
    if manifest["status"] != "ok":
        return "a report failed"
    if manifest.get("pdfs_missing"):
        return f"--pdf: {len(manifest['pdfs_missing'])} page(s) were not printed (see the lines above)"
    if manifest.get("not_in_run"):
        return (f"the run is partial: {len(manifest['not_in_run'])} configured report(s) were "
                "neither built nor in the cache (build them, or build without --only)")
    return None


def _data_files_once():
    """`manifest.data_files`, made once per case name for a build.

    A case of another type (a list given by `-p case=[1]`, which fails its report) is hashed
    each time: it is never a cache key.
    """
    by_case: dict[str | None, dict[str, str]] = {}

    def data_of(case) -> dict[str, str]:
        if case is not None and not isinstance(case, str):
            return mf.data_files(case)
        if case not in by_case:
            by_case[case] = mf.data_files(case)
        return by_case[case]
    return data_of


def _entry_skeleton(report: ReportSpec, config, sources: dict[str, str], data_of=mf.data_files) -> dict:
    """A report's manifest entry before it runs: its cache key and what it was built from.

    `sources` is `manifest.kczlib_sources()` and `data_of` gives `manifest.data_files(case)`,
    both made once per build by the caller (hashing every file per report cost a no-change
    build a sixth of its time).
    """
    data = dict(data_of(report.case))
    nb_hash = mf.notebook_fingerprint(report.notebook)
    versions = mf.package_versions()
    builder = mf.builder_files(report.parameters.get("case"), sources)
    return {
        "name": report.name,
        "notebook": _shareable_path(report.notebook, config.path.parent),
        "parameters": report.parameters,
        "status": "pending",
        "cache_key": cache_key(nb_hash, report.parameters, builder, mf.code_sources(sources), versions),
        "data_version": mf.data_version(data),
        "inputs": {"notebook": nb_hash, "data": data, "kczlib": sources},
        "versions": versions,
        "git_commit": mf.git_commit(),
        "git_tag": mf.git_tag(),
        "publication_url": config.publication_url,
        "files": files_of(report.name),
        **({"sweep": report.sweep} if report.sweep else {}),  # the index groups a sweep's reports
    }


def _link_translations(entries: list[dict]) -> None:
    """entry["siblings"]: {lang: name} of the reports that differ from it only in `lang`."""
    groups: dict[str, dict[str, str]] = {}
    for e in entries:
        rest = {k: v for k, v in e["parameters"].items() if k != "lang"}
        key = mf.hash_json([e["notebook"], rest])
        e["_group"] = key
        lang = e["parameters"].get("lang", "")  # any JSON-like value (-p lang=[1]): its report fails
        groups.setdefault(key, {})[lang if isinstance(lang, str) else mf.hash_json(lang)] = e["name"]
    for e in entries:
        e["siblings"] = groups[e.pop("_group")]


def _read_reader_meta(entries: list[dict], folder: Path) -> dict[str, list]:
    """entry["reader"]: title, summary, headline numbers... from each shared notebook.

    Returns:
        {name: the page's `numbers`}: kept out of the manifest (they are in the data files).
    """
    import json

    numbers = {}
    for e in entries:
        try:
            nb = json.loads((folder / f"{e['name']}.ipynb").read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            nb = {}
        reader = (nb.get("metadata") or {}).get("kcz", {}).get("reader", {})
        e["reader"] = reader if isinstance(reader, dict) else {}
        found = e["reader"].pop("numbers", [])
        numbers[e["name"]] = found if isinstance(found, list) else []
    return numbers


def _shareable_path(path: Path, base: Path) -> str:
    """Relative to the config's folder when possible: no absolute path in the manifest."""
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.name


def _reuse(hit, entry: dict, tmp: Path) -> bool:
    """Link (or copy) a cached report's files into the run, each checked against its manifest record.

    The size and sha256 are checked; returns False (a cache miss, with a warning) if any
    differs.
    """
    run, old = hit
    # reuse_key holds the name, so the files are the same names; mapped by position all the same
    pairs = [(run / o, file_in(tmp, n)) for o, n in zip(files_of(old["name"]), entry["files"], strict=True)]
    problem = reuse_files(pairs, [old["outputs"][o] for o in files_of(old["name"])])
    if problem:
        warn(f"not reusing {entry['name']} from run {run.name}: {problem}; building it again")
        return False
    entry.update(status="cached", cached_from=run.name, seconds=old.get("seconds", 0.0), reads=old.get("reads"),
                 built_at=old.get("built_at"), started_at=old.get("started_at"),
                 outputs={n: old["outputs"][o] for o, n in zip(files_of(old["name"]), entry["files"], strict=True)})
    return True


def _run_manifest(stamp: str, started: str, t0: float, entries: list[dict]) -> dict:
    counts = {s: sum(e["status"] == s for e in entries) for s in ("ok", "cached", "failed", "cancelled")}
    return {
        "kcz_manifest": 1,
        "run": stamp,
        "started_at": started,
        "finished_at": now_iso(),
        "seconds": round(time.monotonic() - t0, 3),
        "status": "failed" if counts["failed"] or counts["cancelled"] else "ok",
        "counts": counts,
        "git_commit": mf.git_commit(),
        "versions": mf.package_versions(),
        "data": data_placeholder(),  # "data", or "$KCZ_DATA" for a build on another data folder
        "reports": entries,
    }
