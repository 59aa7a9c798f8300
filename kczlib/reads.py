"""What a report read: the data rows, files and words its pages rest on (issue 25).

A report records what it read so that `kcz build` rebuilds it only when one of those
changed. The data and word layers say what they hand out:

- `whole(path)`: the caller got the whole file (a table it may enumerate, a JSON file, the
  raw text): any change of the file counts;
- `row(path, column, value)`: the rows of a CSV whose `column` is `value` (a figure by id,
  or all figures of one indicator); a row added, removed or edited there counts;
- `columns(path, names)`: the given columns of every row of a CSV, with the row's key
  (first column); a row added or removed counts, an edit of another column does not;
- `word(path, key, lang)`: one text of a word file, plus the file's set of keys.

Safety net: an audit hook (`sys.addaudithook`, installed on import) sees every file a
process opens; a file under the data folder or the word folder opened outside a `quiet`
block counts as read whole. The bytes of every such file are kept when it is first opened,
so the record hashes exactly what the report read. For each file read, the listing of its
folder counts too, so a file added next to it (an optional `context.csv`) is a change.

`record()` is the JSON value the report hands to the builder (`contract.READS_MIME`);
`changes(record)` is the builder's check: what of it differs from the files now, in words.
Both sides hash with the same functions here. This module imports nothing of kczlib but
`paths`.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import io
import json
import os
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

from kczlib.paths import data_root

FORMAT = 1
WORDS_DIR = Path(__file__).resolve().parent / "words"
_bytes: dict[str, bytes] = {}  # label -> the bytes as first opened
_whole: set[str] = set()
_rows: dict[str, set[tuple[str, str]]] = {}  # label -> {(column, value)}
_columns: dict[str, set[tuple[str, ...]]] = {}  # label -> {column names}
_words: dict[str, set[tuple[str, str]]] = {}  # label -> {(lang, key)}
_listed: set[str] = set()  # labels of folders the process listed (a case list, the word files)
_quiet: dict[str, int] = {}
_busy = False  # the hook's own reads are not events


def _hash(obj) -> str:
    """128 bits of the sha256 of `obj` as JSON: enough to see a change, and small.

    A report records hundreds of rows and word keys; its manifest entry holds them all.
    """
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def label(path: str | os.PathLike[str]) -> str | None:
    """`data:<path in the data folder>` or `words:<file>`, or None for any other file."""
    p = os.fspath(path)
    return _label(p if os.path.isabs(p) else os.path.join(os.getcwd(), p), str(data_root()))


@functools.lru_cache(maxsize=4096)
def _label(path: str, data: str) -> str | None:
    # cached per path and data folder: a report labels the same few files tens of thousands of
    # times (every word, every row it asks for), and resolving links is the costly part
    p = os.path.realpath(path)
    for prefix, root in (("data:", data), ("words:", str(WORDS_DIR))):
        root = os.path.realpath(root)
        if p == root or p.startswith(root + os.sep):
            if prefix == "words:" and p != root and not p.endswith(".toml"):
                return None  # the word loader's own code is kczlib's, not a word file
            return prefix + Path(os.path.relpath(p, root)).as_posix()
    return None


def path_of(name: str) -> Path:
    """The file a label names, in the data and word folders of this process."""
    prefix, rel = name.split(":", 1)
    return (data_root() if prefix == "data" else WORDS_DIR) / rel


def _saw(name: str) -> None:
    global _busy
    if name in _bytes or _busy:
        return
    _busy = True
    try:
        with open(path_of(name), "rb") as f:
            _bytes[name] = f.read()
    except OSError:
        _bytes[name] = b""  # unreadable now: its reader fails; the record says "missing"
    finally:
        _busy = False


def folder_of(name: str) -> str:
    """The label of the folder holding the file labelled `name`."""
    prefix, rel = name.split(":", 1)
    return f"{prefix}:{rel.rsplit('/', 1)[0] if '/' in rel else '.'}"


def _hook(event: str, args: tuple) -> None:
    if event in ("os.listdir", "os.scandir") and not _busy and args and isinstance(args[0], (str, os.PathLike)):
        name = label(os.fsdecode(args[0]))
        if name is not None:
            _listed.add(name)
        return
    if event != "open" or _busy or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    raw = os.fsdecode(args[0])
    if raw.endswith(_CODE):  # imports open thousands of these: not data
        return
    name = label(raw)
    if name is None or not os.path.isfile(path_of(name)):
        return
    _saw(name)
    if not _quiet.get(name):
        _whole.add(name)


_installed = False
_CODE = (".py", ".pyc", ".so", ".pth", ".pyi")


def install() -> None:
    """Install the audit hook (once per process; done on import)."""
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True


@contextlib.contextmanager
def quiet(path: str | os.PathLike[str]) -> Iterator[None]:
    """Opening `path` inside this block does not count as reading it whole (a row reader's own load)."""
    name = label(path)
    if name is None:
        yield
        return
    _quiet[name] = _quiet.get(name, 0) + 1
    try:
        yield
    finally:
        _quiet[name] -= 1


def whole(path: str | os.PathLike[str]) -> None:
    """The caller got all of `path` (unless inside `quiet(path)`)."""
    name = label(path)
    if name is not None and not _quiet.get(name):
        _saw(name)
        _whole.add(name)


def row(path: str | os.PathLike[str], column: str, value: str) -> None:
    """The caller got the rows of CSV `path` whose `column` is `value` (none is an answer too)."""
    name = label(path)
    if name is not None:
        _saw(name)
        _rows.setdefault(name, set()).add((column, value))


def columns(path: str | os.PathLike[str], names: tuple[str, ...]) -> None:
    """The caller got columns `names` of every row of CSV `path` (with each row's key)."""
    name = label(path)
    if name is not None:
        _saw(name)
        _columns.setdefault(name, set()).add(tuple(names))


def listing(path: str | os.PathLike[str]) -> None:
    """The caller asked which entries the folder `path` holds, even if it does not exist.

    A folder that exists counts once listed (the audit hook sees `os.listdir`); one that does
    not is recorded here, as listed empty, so that creating it later (a data folder gaining its
    `cases/`) is a change of what the report read.
    """
    name = label(os.fspath(path))
    if name is not None:
        _listed.add(name)


def word(path: str | os.PathLike[str], key: str, lang: str) -> None:
    """The caller got the `lang` text of `key` in word file `path` (and relies on its key set)."""
    name = label(path)
    if name is not None:
        _saw(name)
        _words.setdefault(name, set()).add((lang, key))


def keys(path: str | os.PathLike[str]) -> None:
    """The caller relies on which keys word file `path` has (not on their texts)."""
    name = label(path)
    if name is not None:
        _saw(name)
        _words.setdefault(name, set())


# -- hashing: the same functions for the record and for the check ------------------------

_PARSED: dict[tuple[str, str], object] = {}  # (kind, sha256 of the bytes) -> parsed: a build checks many records


def _parsed(kind: str, data: bytes, parse):
    key = (kind, hashlib.sha256(data).hexdigest())
    if key not in _PARSED:
        if len(_PARSED) > 256:
            _PARSED.clear()
        _PARSED[key] = parse(data)
    return _PARSED[key]


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return _parsed("csv", data, lambda d: list(csv.DictReader(io.StringIO(d.decode("utf-8-sig"), newline=""))))


def _csv_header(data: bytes) -> list[str]:
    return _parsed("csv-header", data, lambda d: next(csv.reader(io.StringIO(d.decode("utf-8-sig"), newline="")), []))


def _rows_hash(rows: list[dict[str, str]], column: str, value: str) -> str:
    return _hash([r for r in rows if (r.get(column) or "").strip() == value])


def _columns_hash(rows: list[dict[str, str]], names: tuple[str, ...], key: str) -> str:
    return _hash([[r.get(key)] + [r.get(n) for n in names] for r in rows])


def _word_texts(data: bytes) -> dict[str, dict]:
    return _parsed("toml", data, _parse_words)


def _parse_words(data: bytes) -> dict[str, dict]:
    tree = tomllib.loads(data.decode("utf-8"))
    out: dict[str, dict] = {}

    def walk(node: dict, prefix: str) -> None:
        if any(isinstance(v, str) for v in node.values()):
            out[prefix.rstrip(".")] = node
            return
        for k, v in node.items():
            if isinstance(v, dict):
                walk(v, f"{prefix}{k}.")
    walk(tree, "")
    return out


def is_input_name(name: str) -> bool:
    """Whether an entry of a listed folder can be an input of a report.

    Not Python's bytecode cache (kczlib/words is a package, and running the tests writes
    kczlib/words/__pycache__), not a dot-entry (a case being written, `kcz new-case`; an
    editor's swap file), not a backup (`~`).
    """
    return name != "__pycache__" and not name.startswith(".") and not name.endswith((".pyc", "~"))


def _listing(folder: Path) -> str:
    return _hash(sorted(n for n in os.listdir(folder) if is_input_name(n)))


def _file_record(name: str, data: bytes) -> dict:
    rec: dict = {}
    if name in _whole:
        return {"sha256": hashlib.sha256(data).hexdigest()}
    if name in _rows or name in _columns:
        rows = _csv_rows(data)
        key = next(iter(rows[0])) if rows else "id"
        rec["header"] = _csv_header(data)  # a column added changes every row: `changes` says so once
        rec["rows"] = {f"{c}={v}": _rows_hash(rows, c, v) for c, v in sorted(_rows.get(name, ()))}
        names = set(_columns.get(name, ()))
        if names:  # the keys alone too: `changes` can then say a row was added, not a column changed
            names.add(())
        rec["columns"] = {",".join(n): _columns_hash(rows, n, key) for n in sorted(names)}
    if name in _words:
        texts = _word_texts(data)
        rec["keyset"] = _hash(sorted(texts))
        rec["words"] = {f"{lang}:{k}": _hash((texts.get(k) or {}).get(lang)) for lang, k in sorted(_words[name])}
    return rec


def record() -> dict:
    """What this process has read so far, hashed: the JSON value a report hands to the builder.

    Returns:
        {"format": FORMAT, "files": {label: {"sha256"} | {"rows", "columns"} | {"keyset", "words"}},
        "folders": {label of a folder: hash of its listing}}. Values only (str and dicts).
    """
    files = {}
    for name in sorted(_whole | set(_rows) | set(_columns) | set(_words)):
        try:
            files[name] = _file_record(name, _bytes.get(name, b""))
        except (ValueError, UnicodeDecodeError, csv.Error):
            files[name] = {"sha256": hashlib.sha256(_bytes.get(name, b"")).hexdigest()}
    folders = {}
    for folder in sorted({folder_of(name) for name in files} | _listed):
        try:
            folders[folder] = _listing(path_of(folder))
        except OSError:
            folders[folder] = ""
    return {"format": FORMAT, "files": files, "folders": folders}


def whole_files(hashes: dict[str, str]) -> dict:
    """A record of files read whole, {label: sha256}, for a notebook that hands over no record of its own.

    The builder makes it from the hashes it took before the notebook ran (every data file of its
    case, every word file): such a report is rebuilt when any of them, or the files beside them, change.
    """
    folders = {}
    for folder in sorted({folder_of(name) for name in hashes} | {"data:cases"}):
        try:
            folders[folder] = _listing(path_of(folder))
        except OSError:
            folders[folder] = ""
    return {"format": FORMAT, "files": {k: {"sha256": v} for k, v in sorted(hashes.items())}, "folders": folders}


def digest(entry: dict) -> str:
    """One short hash of a file's record (what the report read of it), for the provenance block."""
    return entry["sha256"] if set(entry) == {"sha256"} else _hash(entry)


def changes(rec: object, limit: int = 3) -> list[str]:
    """What of a report's record differs from the files now, in words ([] when nothing).

    Args:
        rec: a `record()` value as stored in the manifest (anything else is one change).
        limit: stop after this many changes; "and more" follows them when there are more.

    Returns:
        Short phrases such as "cases/x/figures.csv row id=loans changed" or "cases/x/figures.csv
        column correction added"; a record of another shape gives ["no readable record of what it read"].
    """
    if not (isinstance(rec, dict) and rec.get("format") == FORMAT and isinstance(rec.get("files"), dict)
            and isinstance(rec.get("folders"), dict)):
        return ["no readable record of what it read"]
    found: list[str] = []
    for folder, listing in rec["folders"].items():
        try:
            now = _listing(path_of(folder))
        except (OSError, ValueError):
            now = ""
        if now != listing:
            found.append(f"the files in {folder} changed")
    for name, entry in rec["files"].items():
        if len(found) > limit:
            break
        try:
            found += _file_changes(name, entry)
        except (OSError, ValueError, TypeError, AttributeError, KeyError, UnicodeDecodeError, csv.Error):
            found.append(f"{_show(name)} changed")
    return found[:limit] + (["and more"] if len(found) > limit else [])


def _columns_said(spec: str) -> str:
    """"column a,b" for a few columns; "a column of the 18 it read (id, chain, section, ...)" for many."""
    names = spec.split(",")
    if len(names) <= 4:
        return f"column {spec}"
    return f"a column of the {len(names)} it read ({', '.join(names[:3])}, ...)"


def _show(name: str) -> str:
    return name.split(":", 1)[1] if ":" in name else name


def _header_change(before: list[str], now: list[str]) -> str:
    """"column correction added", "column note removed" (both, joined), or "columns reordered"."""
    added, removed = [c for c in now if c not in before], [c for c in before if c not in now]
    return "; ".join([*([f"column {', '.join(added)} added"] if added else []),
                      *([f"column {', '.join(removed)} removed"] if removed else [])]) or "columns reordered"


def _file_changes(name: str, entry: dict) -> list[str]:
    data = path_of(name).read_bytes()
    if set(entry) == {"sha256"}:
        return [] if hashlib.sha256(data).hexdigest() == entry["sha256"] else [f"{_show(name)} changed"]
    out = _table_changes(_show(name), entry, data) if "rows" in entry or "columns" in entry else []
    if "words" in entry:
        texts = _word_texts(data)
        if _hash(sorted(texts)) != entry.get("keyset"):
            out.append(f"the keys of {_show(name)} changed")
        for spec, h in entry["words"].items():
            lang, key = spec.split(":", 1)
            if _hash((texts.get(key) or {}).get(lang)) != h:
                out.append(f"{_show(name)} key {key} ({lang}) changed")
    return out


def _table_changes(shown: str, entry: dict, data: bytes) -> list[str]:
    """What changed of the rows and columns a report read of a CSV table (see `changes`)."""
    if isinstance(entry.get("header"), list) and _csv_header(data) != entry["header"]:
        return [f"{shown} {_header_change(entry['header'], _csv_header(data))}"]  # said once, not per row
    out = []
    rows = _csv_rows(data)
    key = next(iter(rows[0])) if rows else "id"
    for spec, h in entry.get("rows", {}).items():
        column, value = spec.split("=", 1)
        if _rows_hash(rows, column, value) != h:
            out.append(f"{shown} row {value} changed" if column == key else f"{shown} rows {spec} changed")
    columns = entry.get("columns", {})
    if "" in columns and _columns_hash(rows, (), key) != columns[""]:
        columns = {"": columns[""]}  # rows added or removed: every column's hash differs too
    for spec, h in columns.items():
        if _columns_hash(rows, tuple(spec.split(",")) if spec else (), key) != h:
            out.append(f"{shown} {_columns_said(spec)} changed" if spec
                       else f"{shown} rows added, removed or reordered")
    return out

install()
