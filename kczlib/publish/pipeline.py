"""`kcz build`: run every selected report into a new run folder.

Order of work: check parameters (nothing runs on a typo) -> take the lock -> hash
the inputs -> link reports whose cache key matches an earlier run -> execute the
rest in parallel on pre-warmed kernels (an asyncio loop in a worker thread) ->
export HTML -> write manifest and index -> rename the run into place -> move
`latest` if the run is complete and default and every report succeeded.

`latest` always means the full configured set with its own parameters: a build with
`--only` adds every other configured report from the cache (verified copies) and moves
`latest` only if that completes the set; a build with `-p` overrides names its reports
`<name>-custom-<hash>` and never moves `latest`. Environment faults (disk full, a
read-only or unusable output folder) end the build with CannotBuild, one message naming
the path and the cause; nothing is renamed into place and `latest` is left alone.

The asyncio loop runs in a worker thread on purpose: nbclient installs (and then
removes, resetting to the default) SIGINT/SIGTERM handlers on a main-thread loop,
which would make a later SIGTERM kill the build without cleanup. In a worker thread
it cannot touch signals; the main thread owns them and cancels the loop.
"""

from __future__ import annotations

import asyncio
import copy
import os
import shutil
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from kczlib.publish import manifest as mf
from kczlib.errors import CannotBuild
from kczlib.publish.html.ansi import strip_ansi
from kczlib.publish.lock import build_lock
from kczlib.publish.parameters import apply_overrides, custom_names
from kczlib.publish.html.index_page import render_indexes
from kczlib.publish.html.export_pool import export_failure, export_processes, is_machine_fault
from kczlib.publish.progress import Progress, warn
from kczlib.publish.cache import cache_key, files_of, output_record, previous_outputs, reuse_files, reuse_key
from kczlib.publish.config import ConfigError, Report, load_config
from kczlib.publish.run_folder import (MANIFEST, check_latest, file_in, finalize, new_temp_run, point_latest, prune_runs,
                         remove_stale_temps, utc_stamp)
from kczlib.publish.scrub import machine_paths, register_paths, scrub_text, scrub_tree, working_folders
from kczlib.publish.signals import STOPPING, ignore_signals, in_main_thread, raise_terminated, signals_held

# papermill, nbclient, nbconvert and nbformat (which pulls jsonschema) take seconds to
# import; they are imported only when a report is executed, so a build served entirely
# from the cache stays well under a second.


# stopping: set when the build is being interrupted, so a report whose kernel died of
# the same signal is reported as cancelled, not as failed
# The run this process has renamed into place, once it has: a signal after that point must
# not be reported as "no run was written" (cli reads it through `written_run`).
_WRITTEN: list[Path] = []


def written_run() -> Path | None:
    """The run folder the current (or last) build of this process wrote, if it got that far."""
    return _WRITTEN[-1] if _WRITTEN else None


@dataclass
class BuildOptions:
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


@dataclass
class BuildResult:
    run: Path
    manifest: dict
    signal: int | None = None  # a SIGINT/SIGTERM/SIGHUP held while the run was put in place

    @property
    def ok(self) -> bool:
        return self.manifest["status"] == "ok"


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def build(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build the selected reports into a new run folder (see the module doc).

    Raises ConfigError/ParameterError before anything runs, BuildLocked if another build
    holds the folder, CannotBuild for an environment fault (the previous run is kept).
    """
    progress = progress or Progress()
    STOPPING.clear()
    _WRITTEN.clear()
    config = load_config(options.config, max_reports=options.max_reports)
    register_paths(working_folders(config.notebooks_dir))  # the kernels' cwd: errors may name it
    selected = apply_overrides(config.select(options.only), options.overrides)
    if options.overrides:  # never mistaken for the defaults, never `latest`
        selected, rest = custom_names(selected, options.overrides), []
    else:
        rest = [r for r in apply_overrides(list(config.reports), {}) if r.name not in {s.name for s in selected}]
    from kczlib.publish.kernels import check_kernels

    check_kernels(selected, config.kernel_name, warn)  # refuse another language's notebook up front
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


def _build_locked(config, reports: list[Report], rest: list[Report], out: Path, options: BuildOptions,
                  progress, cluster=None, record_child=None) -> BuildResult:
    started, t0, stamp = now_iso(), time.monotonic(), utc_stamp()
    entries = [_entry_skeleton(r, config) for r in reports]
    extra = [_entry_skeleton(r, config) for r in rest]
    previous = previous_outputs(out, warn)
    tmp = new_temp_run(out)
    try:
        progress.say(f"kcz: {len(reports)} report(s) -> {out.name}/{stamp} (jobs {options.jobs})")
        todo = []
        _link_translations(entries + extra)  # the names a reused page must link to
        for report, entry in zip(reports, entries):
            hit = None if options.force else previous.get(reuse_key(entry))
            if hit and _reuse(hit, entry, tmp):
                progress.finished(entry)
            else:
                todo.append((report, entry))
        # the other configured reports, so that the run can be complete: from the cache only
        missing = []
        for entry in extra:
            hit = previous.get(reuse_key(entry))
            if hit and _reuse(hit, entry, tmp):
                entries.append(entry)
            else:
                missing.append(entry["name"])
        _link_translations(entries)
        if todo and cluster is not None:
            cluster.run(todo, config, tmp, progress)
        elif todo:
            _run_in_worker_thread(todo, config, tmp, options.jobs, progress, record_child)
        _read_reader_meta(entries, tmp)
        manifest = _run_manifest(stamp, started, t0, entries)
        manifest["complete"] = not missing and not options.overrides
        manifest["overrides"] = options.overrides
        if missing:
            manifest["not_in_run"] = missing
        shared = scrub_tree(copy.deepcopy(manifest), machine_paths())  # parameters, errors...
        (tmp / MANIFEST).write_text(mf.json_text(shared), encoding="utf-8")
        for filename, html in render_indexes(shared).items():
            file_in(tmp, filename).write_text(html, encoding="utf-8")
        if options.pdf:
            from kczlib.publish.html.pdf import write_pdfs

            write_pdfs(tmp, [e["name"] for e in entries if f"{e['name']}.html" in e["files"]],
                       lambda text: progress.say(text, level=0))
        with signals_held() as held:
            run = finalize(tmp, out, stamp)
            _WRITTEN.append(run)
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
    progress.summary(manifest, run)
    progress.say(f"kcz: latest unchanged: {latest}" if latest else f"kcz: latest -> {run.name}", level=0)
    if pruned:
        progress.say(f"kcz: removed {len(pruned)} old run(s), keeping the newest {config.keep_runs} "
                     "([build] keep_runs)", level=0)
    return BuildResult(run, manifest, signal=held[0] if held else None)


def _latest_decision(manifest: dict, options: BuildOptions) -> str | None:
    """None if `latest` moves to this run, else why not (said to the user)."""
    if options.overrides:
        return "a build with -p overrides is never latest (its reports are named -custom-...)"
    if manifest["status"] != "ok":
        return "a report failed"
    if manifest.get("not_in_run"):
        return (f"the run is partial: {len(manifest['not_in_run'])} configured report(s) were "
                "neither built nor in the cache (build them, or build without --only)")
    return None


def _entry_skeleton(report: Report, config) -> dict:
    data = mf.data_files(report.case)
    nb_hash = mf.notebook_fingerprint(report.notebook)
    sources, versions = mf.kczlib_sources(), mf.package_versions()
    return {
        "name": report.name,
        "notebook": _shareable_path(report.notebook, config.path.parent),
        "parameters": report.parameters,
        "status": "pending",
        "cache_key": cache_key(nb_hash, report.parameters, data, sources, versions),
        "data_version": mf.data_version(data),
        "inputs": {"notebook": nb_hash, "data": data, "kczlib": sources},
        "versions": versions,
        "git_commit": mf.git_commit(),
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


def _read_reader_meta(entries: list[dict], folder: Path) -> None:
    """entry["reader"]: title, summary and headline numbers from each shared notebook."""
    import json

    for e in entries:
        try:
            nb = json.loads((folder / f"{e['name']}.ipynb").read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            nb = {}
        e["reader"] = (nb.get("metadata") or {}).get("kcz", {}).get("reader", {})


def _shareable_path(path: Path, base: Path) -> str:
    """Relative to the config's folder when possible: no absolute path in the manifest."""
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.name


def _reuse(hit, entry: dict, tmp: Path) -> bool:
    """Copy a cached report's files into the run, each verified against the size and
    sha256 its manifest recorded; False (a cache miss, with a warning) if any differs."""
    run, old = hit
    # reuse_key holds the name, so the files are the same names; mapped by position all the same
    pairs = [(run / o, file_in(tmp, n)) for o, n in zip(files_of(old["name"]), entry["files"])]
    problem = reuse_files(pairs, [old["outputs"][o] for o in files_of(old["name"])])
    if problem:
        warn(f"not reusing {entry['name']} from run {run.name}: {problem}; building it again")
        return False
    entry.update(status="cached", cached_from=run.name, seconds=old.get("seconds", 0.0),
                 built_at=old.get("built_at"), started_at=old.get("started_at"),
                 outputs={n: old["outputs"][o] for o, n in zip(files_of(old["name"]), entry["files"])})
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
        "reports": entries,
    }


# --- execution: an asyncio loop in a worker thread, signals handled by the main thread ---

def _run_in_worker_thread(todo, config, tmp: Path, jobs: int, progress, record_child=None) -> None:
    loop = asyncio.new_event_loop()
    state: dict = {}
    done = threading.Event()

    state["task"] = loop.create_task(_run_all(todo, config, tmp, jobs, progress, record_child))

    def worker():
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(state["task"])
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            state["error"] = exc
        finally:
            _cancel_leftover_tasks(loop)
            loop.close()
            done.set()

    thread = threading.Thread(target=worker, name="kcz-build", daemon=True)
    previous = ({s: signal.signal(s, raise_terminated) for s in (signal.SIGTERM, signal.SIGHUP)}
                if in_main_thread() else {})
    try:
        thread.start()
        # An Event, not Thread.join: a signal raised inside join() marks the thread as
        # stopped while it still runs (CPython's bpo-45274 fix), and a later join() returns
        # at once, which would skip the clean-up below.
        while not done.wait(0.2):
            pass
    except BaseException:
        STOPPING.set()
        ignore_signals()
        loop.call_soon_threadsafe(state["task"].cancel)  # kernels are shut down in finally blocks
        done.wait()
        raise
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if "error" in state:
        raise state["error"]


def _cancel_leftover_tasks(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel the tasks still pending when the build's loop ends early (nbclient's kernel
    watchers, say) and let them finish, so that closing the loop prints no "Task was
    destroyed but it is pending!" after an interrupted build."""
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


async def _run_all(todo, config, tmp: Path, jobs: int, progress, record_child=None) -> None:
    """Execute and export `todo` ([(report, entry)]) on `jobs` kernels and export processes;
    `record_child(pid)` is told of each process started (the lock file keeps them)."""
    from kczlib.publish.kernels import KernelPool

    pool = KernelPool(len(todo), jobs, config.kernel_name, config.notebooks_dir, config.warm_imports,
                      record_child)
    slots = asyncio.Semaphore(jobs)
    # HTML export is CPU-bound Python: in processes of its own, on every core (export_pool.py)
    with export_processes(jobs, record_child) as exporter:
        try:
            pool.prime()
            await asyncio.gather(*(
                _run_one(report, entry, config, tmp, pool, slots, exporter, progress)
                for report, entry in todo))
        finally:
            await pool.close()


async def _run_one(report: Report, entry: dict, config, tmp: Path, pool, slots, exporter, progress):
    import nbformat

    from kczlib.publish.execute import Failure, execute, prepare
    from kczlib.publish.kernels import shutdown
    from kczlib.publish.html.reader_checks import stderr_failure

    async with slots:
        progress.started(report.name)
        t0 = time.monotonic()
        entry["started_at"] = now_iso()
        km, failure, nb = None, None, None
        try:
            nb = prepare(report.notebook, report.parameters, config.kernel_name)
            km = await pool.take()
            t_kernel = time.monotonic()
            failure = await execute(nb, km, report.notebook.parent, config.cell_timeout,
                                    file_in(tmp, f".{report.name}.marking.ipynb"))
            failure = failure or stderr_failure(nb)  # warnings would show on the reader page
        except (asyncio.CancelledError, KeyboardInterrupt):
            progress.say(f"  cancelled {report.name}", level=0)
            raise
        except Exception as exc:  # kernel failed to start, bad notebook...: this report fails alone
            failure = Failure(None, type(exc).__name__, (str(exc).strip().splitlines() or [""])[0])
        finally:
            if km is not None:
                await shutdown(km)
        t_exec = time.monotonic()
    entry["built_at"] = now_iso()
    if failure and STOPPING.is_set():  # its kernel died of the signal that stops the build
        entry["status"] = "cancelled"
        progress.say(f"  cancelled {report.name}", level=0)
        raise asyncio.CancelledError()
    entry["status"] = "failed" if failure else "ok"
    if failure:
        entry["error"] = _error_entry(failure)
    try:
        if nb is None:  # the notebook could not even be read: keep the source as the shared copy
            nb = nbformat.read(report.notebook, as_version=4)
        await asyncio.get_running_loop().run_in_executor(
            exporter, write_outputs, nb, entry, tmp, report.notebook.parent, report.parameters.get("lang"),
            config.notebooks_dir)
        entry["outputs"] = {f: output_record(file_in(tmp, f)) for f in entry["files"]}
    except (asyncio.CancelledError, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 - one report's export fails that report only
        if is_machine_fault(exc):
            raise  # the disk's fault, not the report's: exit 3, no run
        if STOPPING.is_set():
            raise asyncio.CancelledError() from None
        failure = export_failure(exc, [tmp / f for f in entry["files"]])  # our own names
        if entry["status"] != "failed":  # a failure while it ran says more: it stays
            entry["error"] = _error_entry(failure)
        entry.update(status="failed", files=[], outputs={})
    t_done = time.monotonic()
    entry["seconds"] = round(t_done - t0, 3)
    if entry["status"] == "ok":
        entry["timings"] = {"wait for kernel": round(t_kernel - t0, 3),
                            "execute": round(t_exec - t_kernel, 3),
                            "export": round(t_done - t_exec, 3)}
    progress.finished(entry)


def _error_entry(failure) -> dict:
    pairs = machine_paths()
    evalue = scrub_text(strip_ansi(failure.evalue), pairs)
    ename = scrub_text(strip_ansi(failure.ename), pairs)
    head = "\n".join(f"{ename}: {evalue}".splitlines()[:5])
    if failure.kind != "error":
        head = f"[{failure.kind}] {head}"
    return {"cell": failure.cell, "kind": failure.kind, "ename": ename, "evalue": evalue,
            "summary": scrub_text(strip_ansi(failure.summary()), pairs), "head": head}


def write_outputs(nb, entry: dict, folder: Path, source_dir: Path, lang: str | None,
                  kernel_dir: Path | None = None) -> None:
    """The shared notebook and both HTML views, scrubbed and with the provenance block.

    Paths scrubbed are the machine's (scrub.machine_paths) and the folders the kernel
    worked in: `source_dir` (the notebook's) and `kernel_dir` (its working folder).

    The report's reader meta (title, summary, headline numbers) is copied into the
    notebook's metadata (`metadata.kcz.reader`), where the index reads it.
    """
    import nbformat

    from kczlib.publish.html.ansi import clean_notebook_escapes
    from kczlib.publish.html.export import to_html
    from kczlib.publish.html.provenance import append_provenance
    from kczlib.publish.html.reader_page import page_resources, reader_meta, reader_notebook, without_reader_meta
    from kczlib.publish.scrub import scrub_notebook

    lang = lang if isinstance(lang, str) else None  # a wrong-typed lang fails its report, not the export
    clean_notebook_escapes(nb)  # OSC 8 links, titles, DCS...: raw characters on a page
    append_provenance(nb, entry, lang)
    # after the provenance block: its parameters may hold a path
    scrub_notebook(nb, working_folders(source_dir, kernel_dir))
    meta = reader_meta(nb)
    nb.metadata["kcz"] = {"reader": meta}
    name = entry["name"]
    nbformat.write(nb, file_in(folder, f"{name}.ipynb"))
    title = meta.get("title") or name
    reader_html = to_html(reader_notebook(nb), title, lang, reader=True, resources_path=str(source_dir),
                          page=page_resources(meta, entry, lang))
    file_in(folder, f"{name}.html").write_text(reader_html, encoding="utf-8")
    analyst_html = to_html(without_reader_meta(nb), title, lang, reader=False, resources_path=str(source_dir))
    file_in(folder, f"{name}.analyst.html").write_text(analyst_html, encoding="utf-8")
