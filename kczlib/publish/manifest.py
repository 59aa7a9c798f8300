"""What a report was built from: input hashes, package versions, git commit.

These feed three things: the cache key (same inputs, same report), `manifest.json`
of a run, and the provenance block at the end of every report.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from kczlib.paths import PACKAGE_ROOT, data_root

# The packages whose versions can change a report's content or its HTML.
TRACKED_PACKAGES = (
    "kczlib", "pandas", "numpy", "matplotlib", "seaborn", "opencc", "mplfonts",
    "papermill", "nbclient", "nbconvert", "nbformat", "ipykernel", "jupyter_client", "bleach",
    "nh3", "selectolax", "tinycss2",
)


def sha256_bytes(data: bytes) -> str:
    """The sha256 of `data`, as hex digits."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """The sha256 of the file at `path`, as hex digits."""
    return sha256_bytes(Path(path).read_bytes())


def hash_json(obj) -> str:
    """The sha256 of `obj` as canonical JSON (keys sorted, UTF-8, other types by `str`), as hex digits."""
    return sha256_bytes(json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str).encode())


def notebook_fingerprint(path: Path) -> str:
    """Hash of what runs, not of the file: saved outputs or UI metadata don't invalidate."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))  # plain JSON: nbformat imports slowly
    cells = [(c["cell_type"], _text(c.get("source", "")), c.get("metadata", {}).get("tags", []))
             for c in nb.get("cells", [])]
    return hash_json({"cells": cells, "kernel": nb.get("metadata", {}).get("kernelspec", {}).get("name")})


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else source


def _files_under(folder: Path):
    if folder.is_dir():
        yield from sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def data_files(case: str | None) -> dict[str, str]:
    """sha256 of the data a report of `case` can read: its case folder and the shared data.

    Other cases' folders are left out, so editing one case re-runs only its reports. A report
    that sets no case (one over several cases, 05_compare_cases) can read every case folder:
    `case` None hashes them all, so editing any case re-runs it.
    """
    root = data_root()
    cases = root / "cases"
    hashes = {}
    for path in _files_under(root):
        rel = path.relative_to(root)
        if path.is_relative_to(cases) and case is not None and rel.parts[1] != case:
            continue
        hashes[rel.as_posix()] = sha256_file(path)
    return hashes


def data_version(hashes: dict[str, str]) -> str:
    """A short name for a set of data files (shown in the index)."""
    return hash_json(hashes)[:12]


def kczlib_sources() -> dict[str, str]:
    """Every source file of the package: modules and their data (e.g. narrative templates)."""
    pkg = PACKAGE_ROOT / "kczlib"
    return {p.relative_to(PACKAGE_ROOT).as_posix(): sha256_file(p)
            for p in _files_under(pkg) if "__pycache__" not in p.parts and p.suffix != ".pyc"}


WORD_FILES = "kczlib/words/"
BUILDER_WORDS = ("page",)
"""The word files the builder reads for a report's pages (the page frame, the provenance headings)."""


def code_sources(sources: dict[str, str]) -> dict[str, str]:
    """`kczlib_sources()` without the word files: a report's own word reads are checked per key (`kczlib.reads`)."""
    return {k: v for k, v in sources.items() if not (k.startswith(WORD_FILES) and k.endswith(".toml"))}


def builder_files(case: object, sources: dict[str, str]) -> dict[str, str]:
    """sha256 of the files the builder itself reads for a report's pages, whatever the report read.

    The page frame's word files (`BUILDER_WORDS`) and the case's case.json (the page header:
    city, publisher, author; the citation), when `case` names a case folder.
    """
    found = {f"{WORD_FILES}{name}.toml": sources.get(f"{WORD_FILES}{name}.toml", "") for name in BUILDER_WORDS}
    if isinstance(case, str) and case and "/" not in case and case not in (".", ".."):
        meta = data_root() / "cases" / case / "case.json"
        found[f"cases/{case}/case.json"] = sha256_file(meta) if meta.is_file() else ""
    return found


# The font subset embedded in every reader page is made by these.
FONT_PACKAGES = ("fonttools", "brotli")


@lru_cache(maxsize=1)
def package_versions() -> dict[str, str]:
    """{name: version} of Python and of TRACKED_PACKAGES and FONT_PACKAGES ("not installed" if absent)."""
    versions = {"python": sys.version.split()[0]}
    for name in TRACKED_PACKAGES + FONT_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


# Filters bypassed when asking whether tracked files differ: a clean filter (nbstripout
# on notebooks) would be started for every file whose stat data git cannot trust, which on
# a fresh clone took longer than the timeout (issue: "code version unknown").
NO_FILTERS = ("-c", "filter.nbstripout.clean=cat", "-c", "filter.nbstripout.required=false")


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *NO_FILTERS, *args], cwd=PACKAGE_ROOT, capture_output=True, text=True,
                          timeout=10)


@lru_cache(maxsize=1)
def git_commit() -> str | None:
    """HEAD of the repository, with '-dirty' when tracked files differ; None outside git.

    `git rev-parse HEAD` names the commit; `git diff --quiet HEAD` (content, not stat data,
    the notebook clean filter bypassed) says whether tracked files differ: a notebook saved
    with outputs therefore counts as a difference, like any other edit of a tracked file.
    Each call has a 10 s bound. The two are separate (review L11, "code version unknown"):
    when the comparison cannot answer in time (a busy machine, a large fresh clone) the
    commit is still known and is marked '-unchecked' instead of being lost.
    """
    try:
        head = _git("rev-parse", "--verify", "-q", "HEAD")
    except (OSError, subprocess.SubprocessError):
        return None
    if head.returncode != 0 or not head.stdout.strip():
        return None
    try:
        diff = _git("diff", "--quiet", "--no-ext-diff", "--no-textconv", "HEAD", "--").returncode
    except (OSError, subprocess.SubprocessError):
        return head.stdout.strip() + "-unchecked"
    return head.stdout.strip() + {0: "", 1: "-dirty"}.get(diff, "-unchecked")


@lru_cache(maxsize=1)
def git_tag() -> str | None:
    """The release tag pointing at HEAD (`git describe --tags --exact-match`), or None.

    A page cites its version by this tag when there is one, else by the commit (`git_commit`).
    """
    try:
        found = _git("describe", "--tags", "--exact-match", "HEAD")
    except (OSError, subprocess.SubprocessError):
        return None
    return found.stdout.strip() or None if found.returncode == 0 else None


def json_text(obj) -> str:
    """`obj` as the manifest's JSON text: indented by 2, UTF-8 kept, keys in their order, a final newline."""
    return json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
