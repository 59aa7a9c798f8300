"""Reuse a report from an earlier run when nothing it depends on has changed.

The key hashes the notebook's code, the parameters, the kczlib sources (not the word
files), the word file and case.json the builder itself reads for the page frame, and the
package versions. The data and the words the report read are checked apart: each report
records what it read (`kczlib.reads`: the rows of figures.csv it used, the word keys, the
files it read whole), and an earlier build of the same key is reused only when none of that
changed (`kczlib.reads.changes`; no record, or one kcz cannot read, is a change). Earlier
runs' manifests record each report's key, its record of what it read and the size and
sha256 of each of its files; a successful report with the same key, nothing it read
changed and files that still match that record is copied into the new run instead of
being executed again. The new run's file is a hard link to the earlier run's file where
both are on one file system (no data written, and pruning the earlier run leaves the
file whole in the new one), else a copy (a reflink where the file system has them). A
hard link shares the file: kcz never writes into a published file (`run_folder.replace_text`
writes a new file and renames it over the old name), and a file edited in place since it
was built no longer matches its record, so it is not reused.

Cache state kcz cannot read (a manifest of another shape, an entry without a record of
its files, a file that no longer matches its record) is a cache miss with a warning,
never a crash: the report is built again.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

from kczlib.errors import UnsafeOutputFolder
from kczlib.publish.config import SAFE_NAME
from kczlib.publish.manifest import hash_json
from kczlib.publish.run_folder import read_manifest, runs

CACHE_FORMAT = 3  # bump when the builder's output layout changes (2: outputs recorded; 3: what a report read)
FICLONE = 0x40049409  # Linux ioctl: make dst a copy-on-write clone of src (btrfs, xfs...)
MAX_RUNS_SCANNED = 20


def cache_key(notebook_hash: str, parameters: dict, builder: dict, sources: dict, versions: dict) -> str:
    """The key a report is cached under: a hash of what its output depends on but the data it read.

    What it read of the data and word files is checked apart (`reads_changes`).

    Args:
        notebook_hash: `manifest.notebook_fingerprint` of the notebook (what runs, not its outputs).
        parameters: The parameters the report is executed with.
        builder: Hashes of the files the builder reads for the report's pages ({path: sha256}:
            `manifest.builder_files`).
        sources: Hashes of the kczlib sources but the word files ({path: sha256}).
        versions: The tracked package versions (`manifest.package_versions`).

    Returns:
        The sha256 hex digest of these and CACHE_FORMAT (`manifest.hash_json`).
    """
    return hash_json({
        "format": CACHE_FORMAT, "notebook": notebook_hash, "parameters": parameters,
        "builder": builder, "kczlib": sources, "versions": versions,
    })


def coarse_record(entry: dict) -> dict:
    """What a report read, for a notebook that records nothing itself (not a kcz report).

    Every data file of its case and every word file, whole (`entry["inputs"]`: the hashes taken
    before it ran): it is rebuilt on any edit of them, as every report was before reports
    recorded what they read.
    """
    from kczlib.reads import whole_files

    inputs = entry["inputs"]
    files = {f"data:{path}": sha for path, sha in inputs["data"].items()}
    files |= {f"words:{path.rsplit('/', 1)[1]}": sha for path, sha in inputs["kczlib"].items()
              if path.startswith("kczlib/words/") and path.endswith(".toml") and path.count("/") == 2}
    return whole_files(files)


def reads_changes(entry: dict) -> list[str]:
    """What of the data and words a cached report read has changed since (`kczlib.reads.changes`).

    [] means nothing: the report may be reused. A missing or unreadable record is a change.
    """
    from kczlib.reads import changes

    return changes(entry.get("reads"))


def reuse_key(entry: dict) -> str:
    """The key a cached report must share with the one to build to be copied instead.

    It holds the cache key, the report's name, the names of its translations (`siblings`),
    which the pages print in their title and language links, and the address the pages are
    published at (`publication_url`), which their citation prints. A page built under another name
    (a renamed report, a `-custom-` build with the default values) is therefore built again,
    not copied with wrong links.

    Args:
        entry: A manifest entry of a report (with `cache_key`, `name`, `siblings`).

    Returns:
        The sha256 hex digest of these three (`manifest.hash_json`).
    """
    return hash_json([entry.get("cache_key"), entry.get("name"), entry.get("siblings") or {},
                      entry.get("publication_url") or ""])


def previous_outputs(out: Path, warn: Callable[[str], None] = lambda text: None
                     ) -> dict[str, list[tuple[Path, dict]]]:
    """reuse_key -> [(run folder, manifest entry)] of successful reports, newest run first.

    Several runs may hold a report of one key built from different data (an edit, then its
    undoing): the build takes the newest whose record of what it read still holds.

    Only a report whose every file (`files_of(name)`, name a safe name) is a regular
    file in a real run folder, of the size its manifest recorded, counts: a symlink
    planted in place of a run or a report file is never reused, so it cannot carry
    another file into a new run or `latest`. A manifest of another shape is skipped
    with a call to `warn` (one line naming the run).
    """
    found: dict[str, list[tuple[Path, dict]]] = {}
    for run in runs(out)[:MAX_RUNS_SCANNED]:
        manifest = read_manifest(run)
        reports = manifest.get("reports") if isinstance(manifest, dict) else None
        if not isinstance(reports, list):
            if manifest is not None or (run / "manifest.json").exists():
                warn(f"run {run.name}: manifest.json is not a kcz manifest; its reports are not reused")
            continue
        for entry in reports:
            usable = _usable_entry(entry)
            if usable:
                problem = _files_problem(run, entry)
                if problem is None:
                    found.setdefault(reuse_key(entry), []).append((run, entry))
                elif problem and reuse_key(entry) not in found:
                    warn(f"run {run.name}: {problem}; {entry['name']} is not reused")
            elif usable is None:
                warn(f"run {run.name}: an entry of manifest.json is not a kcz report; not reused")
    return found


def _usable_entry(entry) -> bool | None:
    """Whether a manifest entry is a report the cache may reuse.

    True: a successful report with a key and a record of its files; False: not reusable
    (failed, or written before files were recorded); None: not a report entry at all.
    """
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        return None
    if not (entry.get("status") in ("ok", "cached") and isinstance(entry.get("cache_key"), str)
            and SAFE_NAME.fullmatch(entry["name"])):
        return False
    outputs = entry.get("outputs")
    return isinstance(outputs, dict) and all(
        isinstance(outputs.get(f), dict) and isinstance(outputs[f].get("size"), int)
        and isinstance(outputs[f].get("sha256"), str) for f in files_of(entry["name"]))


def _files_problem(run: Path, entry: dict) -> str | None:
    """What is wrong with the files of a cached report in `run`, if anything.

    None when every file is a regular file of its recorded size (the hash is checked on
    reuse); "" when a file is missing (a pruned or partial run: nothing to say); else what
    is wrong, in words: a file replaced by a link or edited since it was built.
    """
    for f in files_of(entry["name"]):
        try:
            info = os.lstat(run / f)  # lstat: a symlink is not followed
        except OSError:
            return ""
        if not stat.S_ISREG(info.st_mode):
            return f"{f} is not a regular file"
        if info.st_size != entry["outputs"][f]["size"]:
            return f"{f} differs from the size recorded when it was built"
    return None


def output_record(path: Path) -> dict:
    """{"size": bytes, "sha256": hex} of a file the build wrote (kept in the manifest)."""
    data = path.read_bytes()
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def reuse_files(pairs: list[tuple[Path, Path]], records: list[dict]) -> str | None:
    """Link (or copy) each (src, dst), then check dst against src's record (size and sha256).

    The check reads the file that is now in the new run, so a source swapped for a link or
    edited between the check and the link cannot slip in.

    Args:
        pairs: (source in the cached run, destination in the new run) per file.
        records: The manifest's record of each source file, in the same order.

    Returns:
        None when all were linked or copied, else what was wrong (and no dst of this report
        is left behind).
    """
    for (src, dst), record in zip(pairs, records, strict=True):
        if not _regular_file(src):
            problem = f"{src.name} is not a regular file"
        else:
            link_or_copy(src, dst)
            if _regular_file(dst) and output_record(dst) == {"size": record["size"], "sha256": record["sha256"]}:
                continue
            problem = f"{src.name} differs from the size and sha256 recorded when it was built"
        for _, d in pairs:
            d.unlink(missing_ok=True)
        return problem
    return None


# os.link failing with these means "no hard link here", not a fault of the output folder:
# another file system (EXDEV), one without links (EPERM on FAT/exFAT, ENOTSUP/EOPNOTSUPP, ENOSYS),
# protected_hardlinks or an ACL (EPERM, EACCES), or too many links to the file already (EMLINK)
NO_LINK = frozenset({errno.EXDEV, errno.EPERM, errno.EACCES, errno.EMLINK, errno.ENOTSUP,
                     errno.EOPNOTSUPP, errno.ENOSYS})


def link_or_copy(src: Path, dst: Path) -> str:
    """Make `dst` the same file as `src`: a hard link where the file system allows it, else a copy.

    Never a symbolic link (it would break when the run `src` is in is pruned). The caller checks
    `dst` afterwards (`reuse_files`): a `src` that became a symlink in the meantime is linked
    as a symlink (`follow_symlinks=False`) and refused there.

    Args:
        src: The file in an earlier run.
        dst: The new file's path; it must not exist yet.

    Returns:
        "link" or "copy": what was made.

    Raises:
        OSError: neither could be made (disk full, a read-only folder...).
        UnsafeOutputFolder: the copy's `src` is not a regular file.
    """
    try:
        os.link(src, dst, follow_symlinks=False)
        return "link"
    except OSError as exc:
        if exc.errno not in NO_LINK:
            raise
    copy_file(src, dst)
    return "copy"


def files_of(name: str) -> list[str]:
    """The files a report writes into its run folder: notebook, pages, data downloads, citation."""
    return [f"{name}.ipynb", f"{name}.html", f"{name}.analyst.html", f"{name}.csv", f"{name}.xlsx",
            f"{name}.bib", f"{name}.csl.json"]


def _regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)  # lstat: a symlink is not followed
    except OSError:
        return False


def copy_file(src: Path, dst: Path) -> None:
    """Copy `src` to a new file `dst` that shares nothing with it once written (`link_or_copy`'s fallback).

    A reflink where the file system can (copy-on-write: instant, no space used until one
    side changes), else a byte copy.

    Args:
        src: The file to copy; a symlink is refused, not followed.
        dst: The new file's path; it must not exist yet.

    Raises:
        UnsafeOutputFolder: `src` is not a regular file.
    """
    if not _regular_file(src):
        raise UnsafeOutputFolder(f"{src} is not a regular file; kcz does not reuse links")
    with open(os.open(src, os.O_RDONLY | os.O_NOFOLLOW), "rb") as fin, open(dst, "xb") as fout:
        try:
            fcntl.ioctl(fout.fileno(), FICLONE, fin.fileno())
            return
        except OSError:
            pass  # no reflinks here (ext4, tmpfs, another device): copy the bytes
        shutil.copyfileobj(fin, fout, 1 << 20)
