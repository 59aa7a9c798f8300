"""Case folders: `data/cases/<case>/` holds everything about one city's case.

A case folder contains `case.json` (metadata, see `data/schema/case.schema.json`),
the raw source document, `figures.csv` and `non_figures.csv`; optionally `context.csv`.
Adding a folder adds a case; no code names a case.

One rule for every data file of a case (`case_file`): it is an entry of the case folder
itself, never a symbolic link, and the case folder is no symbolic link either. A link
would let a case folder show any file of the machine (its first line is quoted in a
validation message, which the reports print); copy the file in instead.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NotRequired, TypedDict, cast

from kczlib import reads
from kczlib.data.datatext import data_texts
from kczlib.errors import DataError, DataErrors, NoDefaultCaseError, UnknownCaseError
from kczlib.paths import PACKAGE_ROOT, data_root  # noqa: F401 (re-exported)
from kczlib.textfile import read_file_bytes, read_json, read_utf8


def cases_root() -> Path:
    """The cases folder of the active data root (`$KCZ_DATA/cases`)."""
    return data_root() / "cases"


def missing_data_folder() -> str | None:
    """Why the active data folder holds no case (one line naming it), or None when it holds one.

    A mistyped `$KCZ_DATA` would otherwise read as a data folder without cases: every report
    "unknown case", a comparison of nothing, and `kcz validate` checking no case and saying OK.
    """
    if cases_root().is_dir() and list_cases():
        return None
    given = " (from $KCZ_DATA)" if os.environ.get("KCZ_DATA") else ""
    root = data_root()
    what = ("holds no case (cases/ has no folder with a case.json)" if cases_root().is_dir()
            else "has no cases/ folder" if root.is_dir() else "is not a folder" if root.exists() else "does not exist")
    return f"the data folder {root}{given} {what}; a data folder holds cases/<case>/ (see docs/data.md)"


def list_cases() -> list[str]:
    """Names of the readable cases: folders with a case.json, dot-folders aside; sorted."""
    root = cases_root()
    reads.listing(root)  # the list, even empty, is what a report of every case read
    if not root.is_dir():
        return []
    # a dot-folder is a case being written (kcz new-case renames it into place when complete)
    return sorted(p.name for p in root.iterdir() if not p.name.startswith(".") and (p / "case.json").is_file())


class KnownCases(Sequence[str]):
    """The readable cases (`list_cases`), listed only when all of them are asked for.

    `name in KnownCases()` looks at that one folder (a case.json in `cases/<name>`, not a
    dot-folder), so checking a report's `case` parameter does not read the list of cases: a
    case folder added beside it changes nothing that report read (`kczlib.reads`), and is no
    reason to build it again. Iterating, indexing or `len` list the folder (an error message
    naming the allowed cases).
    """

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str) or not name or name.startswith(".") or "/" in name or os.sep in name:
            return False
        return (cases_root() / name / "case.json").is_file()

    def __getitem__(self, index: Any) -> Any:  # a list's indexing, slices included
        return list_cases()[index]

    def __len__(self) -> int:
        return len(list_cases())


def reports_file() -> Path:
    """The project's reports.toml: `$KCZ_REPORTS` if set, else `<project>/reports.toml`.

    The same rule as `kcz build` (kczlib/publish/config.py `config_path`).
    """
    return Path(os.environ.get("KCZ_REPORTS") or PACKAGE_ROOT / "reports.toml")


def default_case() -> str:
    """The case a call without one uses.

    The `case` of `[defaults]` in the project's reports.toml (`reports_file`) if it names one,
    else the only case of the data folder.

    Returns:
        The case name (checked only when it is used: `get_case`).

    Raises:
        NoDefaultCaseError: reports.toml names no case and the data folder holds none or
            several (the message lists them and says to pass a case).
    """
    path = reports_file()
    if path.is_file():
        try:
            defaults = tomllib.loads(read_utf8(path)).get("defaults", {})
        except tomllib.TOMLDecodeError:
            defaults = {}  # kcz build reports a malformed reports.toml; here it names no case
        case = defaults.get("case") if isinstance(defaults, dict) else None
        if isinstance(case, str) and case:
            return case
    cases = list_cases()
    if len(cases) == 1:
        return cases[0]
    have = f"the data folder has {', '.join(cases)}" if cases else "the data folder has no case"
    raise NoDefaultCaseError(f"no case given and none set as [defaults] case in {path.name}; {have}: "
                             "pass a case, e.g. load_figures(\"<case>\")")


def case_name(case: str | None) -> str:
    """`case`, or `default_case()` when it is None. Raises `NoDefaultCaseError` as `default_case`."""
    return default_case() if case is None else case


def case_folder_names() -> list[str]:
    """Every entry of the cases folder that is or claims to be a case.

    Folders and links, dot-folders (cases being written) aside. `list_cases` keeps the readable ones;
    `kcz validate` reports the others rather than skip them.
    """
    root = cases_root()
    reads.listing(root)  # the list, even empty, is what a report of every case read
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir()
                  if not p.name.startswith(".") and (p.is_symlink() or p.is_dir()))


class SourceMeta(TypedDict):
    """case.json `source`: the raw document, where it came from, its checksum."""

    file: str
    origin: str
    accessed: str
    sha256: str
    debris_lines: NotRequired[list[str]]
    kind: NotRequired[str]  # one of SOURCE_KINDS


class CaseMeta(TypedDict):
    """case.json: the required fields (REQUIRED_META, checked by `check_meta`) and the optional ones."""

    city: dict[str, str]
    title: dict[str, str]
    source: SourceMeta
    period: NotRequired[str]
    glossary: NotRequired[dict[str, dict[str, str]]]
    publisher: NotRequired[dict[str, str]]
    author: NotRequired[dict[str, str]]
    # Passages of the source a report may quote, by name: {"start": ..., "end": ...} (passage_errors)
    passages: NotRequired[dict[str, dict[str, str]]]


@dataclass(frozen=True, eq=False)  # identity hash: one object per folder (cached)
class Case:
    """One case: its name, its folder and its parsed case.json (`meta`)."""

    name: str
    folder: Path
    meta: CaseMeta

    @property
    def raw_path(self) -> Path:
        """The raw source document named by case.json `source.file`."""
        return self.folder / self.meta["source"]["file"]

    def path(self, name: str) -> Path:
        """The data file `name` of this case (`case_file`: DataError if it is a link)."""
        return case_file(self.folder, name)

    def label(self, lang: str) -> str:
        """The case's city in `lang`, from case.json `city`."""
        return self.meta["city"][lang]

    def title(self, lang: str) -> str:
        """The source's title in `lang`, from case.json `title`."""
        return self.meta["title"][lang]


REQUIRED_META = {
    "city": ("zh", "en"),
    "title": ("zh", "en"),
    "source": ("file", "origin", "accessed", "sha256"),
}
# Who published the case's source document and who wrote it, {"zh", "en"} each, printed in
# every reader page's title block and citation. Optional (a drafted case has none yet), but
# when present each language is a non-blank text; an unknown author is said in words
# ("未署名" / "not stated"), never left blank.
BYLINE_META = ("publisher", "author")
# case.json `source.kind`: what kind of text the source is, which decides how every page frames
# it (words: `reader.about_source.<kind>`, `any_case.caveat_source.<kind>` in words/common.toml).
# Required of a shipped case (tests/unit/data/test_source_kind.py checks data/cases); a case
# without it (a fixture, a draft) is framed as UNSTATED_KIND, neutrally. Any other value is an error.
SOURCE_KINDS = ("own_write_up", "press_conference", "news_report", "work_report", "statistics_bulletin")
UNSTATED_KIND = "unstated"


def source_kind(meta: CaseMeta | dict[str, object]) -> str:
    """The case's `source.kind` (one of SOURCE_KINDS), or UNSTATED_KIND when case.json has none.

    Args:
        meta: a case's case.json, as `get_case` checked it (a bad kind never gets this far).

    Returns:
        The kind, which selects the framing templates.
    """
    source = meta.get("source") if isinstance(meta, dict) else None
    kind = source.get("kind") if isinstance(source, dict) else None
    return kind if isinstance(kind, str) and kind in SOURCE_KINDS else UNSTATED_KIND


def get_case(case: str) -> Case:
    """The case folder `data/cases/<case>/` with its `case.json`.

    A case is a name, never a path: anything that is not one of `list_cases()` (such as
    `../x`, an absolute path, or None: a report's `case` parameter set to null) raises
    UnknownCaseError listing the known cases, so no folder outside `data/cases/` is ever
    read. DataError if `case.json` is malformed or its `source.file` is not a plain file
    name inside the case folder. The public loaders take None as "the default case"
    (`case_name`) before they call this.
    """
    if not isinstance(case, str) or case not in KnownCases():  # its own folder: the case list is not read
        raise UnknownCaseError(str(case), list_cases())
    return _get_case(str(cases_root()), case)


def case_file(folder: Path, name: str) -> Path:
    """`folder / name`, a data file of the case folder `folder` (which may not exist yet).

    Raises DataError naming it if it or the case folder is a symbolic link (even a
    dangling one, or one to a file in the same folder): a case's data are its own files.
    """
    folder = Path(folder)
    if folder.is_symlink():
        raise DataError(folder, "the case folder is a symbolic link; a case folder must be a real "
                        "folder under data/cases/ (copy the case in instead)")
    path = folder / name
    if path.is_symlink():
        raise DataError(path, "is a symbolic link; the data files of a case must be real files "
                        "in its folder (copy the file in instead)")
    return path


@cache
def _get_case(root: str, case: str) -> Case:
    folder = Path(root) / case
    meta_path = case_file(folder, "case.json")  # DataError if the folder or the file is a link
    if not meta_path.is_file():
        raise UnknownCaseError(case, list_cases())
    meta = read_json(meta_path)  # UTF-8 (a BOM is fine); DataError naming file and line otherwise
    errors = check_meta(meta, meta_path)
    if errors:
        raise DataErrors(errors)
    checked = cast(CaseMeta, meta)  # check_meta found every required field (REQUIRED_META)
    _check_source_file(meta_path, checked["source"]["file"])
    # data_texts keeps the shape, a str becomes a DataText (a str)
    return Case(case, folder, cast(CaseMeta, data_texts(checked)))  # its prose prints as written (datatext.py)


def check_meta(meta: object, meta_path: Path) -> list[DataError]:
    """Every required `case.json` field that is missing or blank, each with its line.

    A drafted case (`kcz new-case`) leaves blanks ("") for a person to fill; each one
    is listed, so the curator sees all that is left at once.
    """
    if not isinstance(meta, dict):
        return [DataError(meta_path, "expected a JSON object {...} at the top level", line=1)]
    text = read_utf8(meta_path)  # the one reader: a BOM is dropped
    errors = []
    for key, subkeys in REQUIRED_META.items():
        if not isinstance(meta.get(key), dict):
            errors.append(DataError(meta_path, f"missing object {key!r}", line=_json_line(text, key), column=key))
            continue
        for sub in subkeys:
            value = meta[key].get(sub)
            if value is None:
                errors.append(DataError(meta_path, f"missing {key}.{sub}", line=_json_line(text, key),
                                        column=f"{key}.{sub}"))
            elif not str(value).strip():
                errors.append(DataError(meta_path, f"{key}.{sub} is blank: fill it in", line=_json_line(text, key, sub),
                                        column=f"{key}.{sub}"))
            elif key in SHOWN_META and (bad := undrawable_character(str(value))):
                advice = ("write the accented letter as one character" if bad.startswith("U+") and "COMBINING" in bad
                          else "remove it")
                errors.append(DataError(meta_path, f"{key}.{sub} holds {bad}, which the pages and charts cannot "
                                        f"draw: {advice}", line=_json_line(text, key, sub), column=f"{key}.{sub}"))
    return errors + _check_byline(meta, meta_path, text) + _check_kind(meta, meta_path, text)


def _check_kind(meta: dict[str, object], meta_path: Path, text: str) -> list[DataError]:
    """The error of case.json `source.kind` when present and not one of SOURCE_KINDS (one line)."""
    source = meta.get("source")
    if not isinstance(source, dict) or "kind" not in source or source["kind"] in SOURCE_KINDS:
        return []
    return [DataError(meta_path, f"source.kind {source['kind']!r} is not a kind of source; write one of "
                      f"{', '.join(SOURCE_KINDS)}", line=_json_line(text, "source", "kind"), column="source.kind")]


def _check_byline(meta: dict[str, object], meta_path: Path, text: str) -> list[DataError]:
    """Errors of case.json `publisher` and `author` (BYLINE_META) where present, each naming its field."""
    errors = []
    for key in BYLINE_META:
        if key not in meta:
            continue
        value = meta[key]
        if not isinstance(value, dict):
            errors.append(DataError(meta_path, f"{key} must be an object {{\"zh\": ..., \"en\": ...}}, "
                                    f"not {type(value).__name__}", line=_json_line(text, key), column=key))
            continue
        for lang in ("zh", "en"):
            field = value.get(lang)
            if not isinstance(field, str) or not field.strip():
                errors.append(DataError(meta_path, f"{key}.{lang} is missing or blank: say who, or that it is "
                                        f"not stated (e.g. \"未署名\" / \"not stated\")",
                                        line=_json_line(text, key, lang), column=f"{key}.{lang}"))
            elif bad := undrawable_character(field):
                errors.append(DataError(meta_path, f"{key}.{lang} holds {bad}, which the pages cannot draw: remove it",
                                        line=_json_line(text, key, lang), column=f"{key}.{lang}"))
    return errors


def passage_errors(meta: object, meta_path: Path, text: str) -> list[DataError]:
    """Errors of case.json `passages`: each names a passage of the cleaned source `text`.

    A report quotes a passage of a case's own text only where the case names it (a passage
    is particular to one text, so no notebook may hold its words: issue 23, section 2).
    Each entry is `name: {"start": "...", "end": "..."}`; the passage runs from the first
    `start` to the next `end`, both included (`passage_of`).

    Args:
        meta: the parsed case.json.
        meta_path: its path, for the messages.
        text: the case's cleaned source text (`kczlib.data.source.load_source(case).text`).

    Returns:
        One `DataError` per entry that is not such an object or whose words the text lacks;
        [] when there is no `passages` field.
    """
    passages = meta.get("passages") if isinstance(meta, dict) else None
    if passages is None:
        return []
    raw = read_utf8(meta_path)
    if not isinstance(passages, dict):
        return [DataError(meta_path, "passages must be an object {name: {\"start\": ..., \"end\": ...}}",
                          line=_json_line(raw, "passages"), column="passages")]
    errors = []
    for name, entry in passages.items():
        line, column = _json_line(raw, "passages", name), f"passages.{name}"
        ends = entry if isinstance(entry, dict) else {}
        start, end = ends.get("start"), ends.get("end")
        if not (isinstance(start, str) and start and isinstance(end, str) and end):
            errors.append(DataError(meta_path, f"passages.{name} needs non-empty \"start\" and \"end\" texts",
                                    line=line, column=column))
        elif passage_of(text, start, end) is None:
            errors.append(DataError(meta_path, f"passages.{name}: the source has no passage from {start!r} to "
                                    f"{end!r}", line=line, column=column))
    return errors


def passage_of(text: str, start: str, end: str) -> tuple[str, int] | None:
    """The passage of `text` from the first `start` to the next `end` (both included) and its offset.

    Returns:
        (passage, offset of its first character), or None when either is not found.
    """
    i = text.find(start)
    j = text.find(end, i) if i >= 0 else -1
    return None if j < 0 else (text[i:j + len(end)], i)


def prose_digit_errors(meta: object, meta_path: Path, langs: tuple[str, ...] = ("zh", "en")) -> list[DataError]:
    r"""An error for each case.json prose field (PROSE_META) in `langs` with a digit typed in.

    The rule: numbers come from figures only, so `summary` and `publication` (about the
    case, printed as written by the index and every page header) hold no decimal digit of
    any script (regular expression `\d`: 0-9, full-width ０-９ ...). A field that is
    absent or not text is not this check's concern (nothing is printed).

    Args:
        meta: the parsed case.json (any JSON value; anything but an object gives no errors).
        meta_path: the case.json the errors name (its line of the field is looked up there).
        langs: the languages to check ("zh", "en").

    Returns:
        One DataError per field and language, naming the file, line and `field.lang`.
    """
    if not isinstance(meta, dict):
        return []
    errors = []
    for key in PROSE_META:
        value = meta.get(key)
        for lang in langs:
            prose = value.get(lang) if isinstance(value, dict) else None
            if isinstance(prose, str) and re.search(r"\d", prose):
                line = _json_line(read_utf8(meta_path), key, lang) if meta_path.is_file() else None
                errors.append(DataError(meta_path, f"{key}.{lang} has digits typed in; prose about the case "
                                        f"carries no numbers (they come from figures)", line=line,
                                        column=f"{key}.{lang}"))
    return errors


# Prose about the case in case.json, {"zh", "en"} each, printed as written by the index and page
# headers: no digits typed in (`prose_digit_errors`; docs/building.md).
PROSE_META = ("summary", "publication")
# Fields printed in every page's title block and in chart titles.
SHOWN_META = ("city", "title")
# Unicode general categories no report font draws as intended: private use (Co), unassigned
# (Cn), and combining marks left over after NFC composition (Mn, Me). A combining mark after
# a Han character made matplotlib draw the pair with the fallback Latin font, which lacks the
# Han glyph, so the chart failed (attack log CF2).
UNDRAWABLE = {"Co", "Cn", "Mn", "Me"}


def undrawable_character(text: str) -> str | None:
    """The first character of `text` the charts cannot draw, named; None if there is none.

    NFC-composed, its general category in UNDRAWABLE, named as `U+XXXX (NAME)`. Source: the
    Unicode Character Database (`unicodedata`), general categories.
    """
    import unicodedata

    for char in unicodedata.normalize("NFC", text):
        if unicodedata.category(char) in UNDRAWABLE:
            return f"U+{ord(char):04X} ({unicodedata.name(char, 'unnamed')})"
    return None


def _json_line(text: str, key: str, sub: str | None = None) -> int | None:
    """The line of `"key"` (and of `"sub"` after it) in a JSON text; None if not found."""
    at = text.find(f'"{key}"')
    if at >= 0 and sub is not None:
        at = text.find(f'"{sub}"', at)
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _check_source_file(meta_path: Path, name: object) -> None:
    """`source.file` names a file in the case folder itself: no path, no link (`case_file`)."""
    folder = meta_path.parent
    if not (isinstance(name, str) and name not in (".", "..") and "/" not in name
            and "\\" not in name and Path(name).name == name):
        raise DataError(meta_path, f"source.file {name!r} must be the name of a file in "
                        f"the case folder, not a path", column="source.file")
    try:
        case_file(folder, name)
    except DataError as exc:
        raise DataError(meta_path, f"source.file {name!r}: {exc.path} {exc.reason}",
                        column="source.file") from None


def sha256_of(path: Path) -> str:
    """sha256 (hex) of the data file at `path`, read as `textfile.read_file_bytes` reads it."""
    return hashlib.sha256(read_file_bytes(path)).hexdigest()


def check_raw_checksum(case: Case) -> None:
    """Check the raw document against case.json `source.sha256`.

    Raises:
        DataError: the checksum differs (the raw document was edited).
    """
    actual = sha256_of(case.raw_path)
    if actual != case.meta["source"]["sha256"]:
        raise DataError(
            case.raw_path,
            f"sha256 {actual} does not match case.json source.sha256 "
            f"{case.meta['source']['sha256']}: the raw document was edited",
        )
