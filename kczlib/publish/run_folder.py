"""Run folders: `<out>/<UTC timestamp>/`, written under a temporary name, then renamed.

A reader (or `latest`) never sees a half-written run: the run is assembled in
`<out>/.tmp-<stamp>-<pid>/` and renamed into place in one `os.rename`. `latest` is a
relative symlink to the newest run in which every report succeeded, swapped
atomically (a new link is made beside it and renamed over it).

Nothing planted in the output folder is followed: a symlink named like a run, a run's
manifest or report file that is a symlink, or a `latest` that is not a symlink is never
read through, reused or replaced (see `cache.py` for the reuse side).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

from kczlib.errors import CannotBuild, OutsideRunFolder
from kczlib.publish.lock import build_lock

LATEST_LINK = "latest"
MANIFEST = "manifest.json"
RUN_NAME = re.compile(r"^\d{8}T\d{6}Z(-\d+)?$")
TMP_PREFIX = ".tmp-"

# The run this process has renamed into place, once it has: a signal after that point must
# not be reported as "no run was written" (`what_was_written`).
_WRITTEN: list[Path] = []


def file_in(folder: Path, name: str) -> Path:
    """`folder/name`, checked to be a direct child of `folder` (no `..`, `/` or link out).

    Report names are already safe (config.SAFE_NAME); this is the last line of defence
    for every file the build writes. Raises OutsideRunFolder.
    """
    path = folder / name
    if name in ("", ".", "..") or "/" in name or os.sep in name or path.resolve().parent != folder.resolve():
        raise OutsideRunFolder(f"refusing to write {name!r}: it would land outside {folder.name}/")
    return path


def replace_text(path: Path, text: str) -> bool:
    """Give `path` the content `text` without writing into the file that is there.

    A reused report's files are hard links to an earlier run's (`cache.link_or_copy`), so a
    write into one would change that run too: the text goes into a new file beside it that is
    renamed over `path`. When `path` already holds `text`, nothing is written and the link
    stays (a no-change run shares its pages with the run before).

    Args:
        path: a file of a run being written (a direct child of its folder: `file_in`).
        text: the new content, written as UTF-8.

    Returns:
        True if the file was written, False if it already held `text`.

    Raises:
        OSError: the new file could not be written or renamed (nothing half-written is left).
    """
    data = text.encode("utf-8")
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    write_whole(path, data)
    return True


def write_whole(path: Path, data: bytes) -> None:
    """Write `data` to a temporary name beside `path`, then rename it over `path`.

    Never half a file, and never a write into the file that is there (which may be a hard
    link shared with an earlier run).

    Raises:
        OSError: the file could not be written or renamed (the temporary file is removed).
    """
    part = path.with_name(f".{path.name}.part")
    try:
        part.write_bytes(data)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def check_latest(out: Path) -> None:
    """Check that `<out>/latest` is absent or a symlink (which we replace).

    Anything else planted there is refused before a build starts, so `latest` is never
    written through.

    Raises:
        CannotBuild: `latest` is a real file or folder.
    """
    link = out / LATEST_LINK
    if os.path.lexists(link) and not link.is_symlink():
        raise CannotBuild(f"{link} is not a symlink; kcz keeps `latest` as a link to a run "
                       "and will not replace a real file or folder: move it away")


def now_iso() -> str:
    """The current UTC time as `YYYY-MM-DDTHH:MM:SSZ` (the manifest's timestamps)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_stamp(now: datetime | None = None) -> str:
    """`now` (default: the current time), in UTC, as a run's name: `YYYYMMDDTHHMMSSZ`."""
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")


def new_temp_run(out: Path) -> Path:
    """A new, empty `<out>/.tmp-<stamp>-<pid>/` to assemble a run in (`out` made if missing)."""
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / f"{TMP_PREFIX}{utc_stamp()}-{os.getpid()}"
    tmp.mkdir()
    return tmp


def finalize(tmp: Path, out: Path, stamp: str) -> Path:
    """Rename the finished run into place; a second run in the same second gets `-2`."""
    final, n = out / stamp, 1
    while os.path.lexists(final):  # a dangling symlink counts as taken
        n += 1
        final = out / f"{stamp}-{n}"
    os.rename(tmp, final)
    _WRITTEN.append(final)
    return final


def forget_written_run() -> None:
    """Start a build afresh: no run of it has been written (`written_run`)."""
    _WRITTEN.clear()


def written_run() -> Path | None:
    """The run folder the current (or last) build of this process wrote (`finalize`), if it got that far."""
    return _WRITTEN[-1] if _WRITTEN else None


def what_was_written(command: list[str] | None = None) -> str:
    """The truth about the output folder when a signal ended the command.

    Whether this process had already renamed a run into place, and where `latest` points.
    For a command other than `build`: that it left nothing behind, since `new-case` writes
    into a hidden folder it removes, and the others write nothing.

    Args:
        command: the subcommand as parsed (`["build"]`), empty or None if parsing had not
            finished (then a build is assumed, and what it wrote is told).

    Returns:
        The words after `kcz: interrupted; ` (or `terminated`, `hung up`).
    """
    if command and command[0] != "build":
        return "nothing was written"
    run = written_run()
    if run is None:
        return "no run was written, latest unchanged"
    target = latest_target(run.parent)
    moved = target is not None and target.name == run.name
    return f"run {run.name} was written before it; latest {'-> ' + run.name if moved else 'unchanged'}"


def point_latest(out: Path, run: Path) -> None:
    """Make `<out>/latest` a relative symlink to `run`, atomically.

    Raises:
        CannotBuild: `latest` is a real file or folder (see `check_latest`).
    """
    check_latest(out)
    link = out / LATEST_LINK
    new = out / f".{LATEST_LINK}.{os.getpid()}"
    new.unlink(missing_ok=True)
    os.symlink(run.name, new)  # relative: the folder can be moved or copied
    os.replace(new, link)


def runs(out: Path) -> list[Path]:
    """Finished runs, newest first: real folders only, never a symlink named like a run."""
    if not out.is_dir():
        return []
    return sorted((p for p in out.iterdir()
                   if RUN_NAME.match(p.name) and not p.is_symlink() and p.is_dir()), reverse=True)


def read_manifest(run: Path) -> dict | None:
    """The run's manifest.

    Returns:
        The parsed manifest.json, or None if it is missing, unreadable, nested too deep to
        parse, or a symlink (not followed).
    """
    path = run / MANIFEST
    try:
        if path.is_symlink():
            return None
        key = _file_key(path)
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: nested thousands deep
        return None
    _WHOLE[key] = _whole(manifest)  # for pruning after the build read it (the cache's scan reads every run)
    return manifest


# manifest.json (inode, size, mtime) -> whether its run is whole (`_whole`): a build's cache scan
# parses every run's manifest (about 0.2 s for 30 runs of 12 reports); pruning at its end asks
# only this, so it parses none again
_WHOLE: dict[tuple[int, int, int], bool] = {}


def _file_key(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_ino, st.st_size, st.st_mtime_ns


def _whole(manifest: object) -> bool:
    """A kcz manifest of a run whose every report was built, holding the full set, without `-p`."""
    return (isinstance(manifest, dict) and "kcz_manifest" in manifest and manifest.get("status") == "ok"
            and manifest.get("complete") is not False and not manifest.get("overrides"))


def remove_stale_temps(out: Path) -> None:
    """Remove the temp folders and half-made `latest` links (`.latest.<pid>`) of killed builds.

    Builds killed with SIGKILL leave them; call it holding the lock (then none is live).
    """
    for p in out.glob(f".{LATEST_LINK}.*"):
        if p.is_symlink():
            p.unlink()
    for p in out.glob(f"{TMP_PREFIX}*"):
        if p.is_symlink():
            p.unlink()  # the link only, never what it points to
        else:
            shutil.rmtree(p, ignore_errors=True)


def latest_target(out: Path) -> Path | None:
    """The run `<out>/latest` points to (a direct child of `out`), or None."""
    link = out / LATEST_LINK
    if not link.is_symlink():
        return None
    target = os.readlink(link)
    return out / target if target and "/" not in target else None


def _is_kcz_run(run: Path) -> bool:
    """A folder kcz wrote: its manifest is a regular file holding a kcz manifest."""
    manifest = read_manifest(run)
    return isinstance(manifest, dict) and "kcz_manifest" in manifest


def _is_whole_run(run: Path) -> bool:
    """A run kcz wrote whose every report was built and that holds the full configured set (`_whole`)."""
    path = run / MANIFEST
    try:
        known = None if path.is_symlink() else _WHOLE.get(_file_key(path))
    except OSError:
        return False
    return known if known is not None else _whole(read_manifest(run))


def prune_runs(out: Path, keep: int) -> list[str]:
    """Remove finished runs beyond the `keep` newest; returns the names removed, oldest last.

    The `keep` newest whole runs (every report built, the full set, no `-p`) are kept too,
    however many failed or partial runs came after them: a week of failing scheduled builds
    must not remove the last good ones (at most 2 x `keep` runs stay).
    Never removed: the run `latest` points to (whatever its age), a run being written (a
    `.tmp-*` folder is not a run), anything that is not a run kcz wrote (a symlink named
    like a run, or a folder named like one without a kcz `manifest.json`, is left alone).
    Call it holding the build lock (`lock.build_lock`). Each run
    is first renamed to a temporary name, so a run is either whole or gone; an interrupted
    removal leaves a `.tmp-*` folder that the next build removes. Raises ValueError if
    `keep` < 1.
    """
    if keep < 1:
        raise ValueError(f"keep must be at least 1 (got {keep})")
    protected = latest_target(out)
    finished = runs(out)
    if len(finished) <= keep:
        return []
    removed, whole_seen = [], 0
    for i, run in enumerate(finished):
        # newest first; once `keep` whole runs are counted no older one is kept for being whole
        whole = whole_seen < keep and _is_whole_run(run)
        whole_seen += whole
        if i < keep or (protected is not None and run.name == protected.name) or whole or not _is_kcz_run(run):
            continue
        doomed = out / f"{TMP_PREFIX}pruned-{run.name}-{os.getpid()}"
        os.rename(run, doomed)
        shutil.rmtree(doomed, ignore_errors=True)
        removed.append(run.name)
    return removed


def prune(out: Path, keep: int, wait: bool = False) -> str:
    """`kcz prune`: remove the finished runs of `out` beyond the `keep` newest, under the build lock.

    Args:
        out: the output folder.
        keep: runs to keep (besides the one `latest` points to).
        wait: wait for a running build instead of refusing (`lock.build_lock`).

    Returns:
        The one line `kcz prune` prints.

    Raises:
        CannotBuild: a run could not be removed (the path and the cause).
        BuildLocked: a build holds the lock and `wait` is False.
    """
    if not out.is_dir():
        return f"kcz: {out} holds no runs; nothing to remove"
    try:
        with build_lock(out, wait=wait):  # never while a build writes into `out`
            removed = prune_runs(out, keep)
    except OSError as exc:
        raise CannotBuild(f"could not remove old runs from {out}: {exc.filename or out}: "
                          f"{exc.strerror or type(exc).__name__}") from None
    left = len(runs(out))
    return f"kcz: removed {len(removed)} run(s) from {out}; {left} left (`latest` and the newest {keep} are kept)"
