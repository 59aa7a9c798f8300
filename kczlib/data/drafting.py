"""Drafting a new case folder from a raw text (`kcz new-case NAME RAW.txt`).

The draft is what a machine can say about the text; a person decides the rest. It holds:

- the raw file, copied byte for byte, with its sha256 in `case.json`;
- `case.json` with blanks ("") for what only a person knows (city, title, origin, date
  of access): `kcz validate NAME` lists each blank with its line;
- `figures.csv`: one row per quantity or rank the parser finds in the cleaned text
  (pinyin glosses stripped, Traditional converted to Simplified), with the mention as
  `evidence`, its `offset`, `section`, value, unit, qualifier and bounds filled in; `id`,
  `chain`, `metric_zh`, `metric_en` and `period` left blank; and a `draft` cell giving the
  mention's context and, where the context words match one indicator's cues
  (`data/indicators.csv`), a suggested indicator. Validation lists every such row until
  the curator fills the blanks and clears `draft`;
- `non_figures.csv`: every date, ordinal, list marker, name, version, code and idiom the
  parser recognises, with its reason (optional rows, kept as the curated record).

Mentions the parser cannot read (contradicting qualifiers) are left out of both tables,
so `kcz validate` lists them as unaccounted with the reason.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import secrets
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict, cast

from kczlib.data.figures import FIGURES_FILE, NON_FIGURES_FILE
from kczlib.data.indicators import Indicator, indicators
from kczlib.data.quantities import NON_FIGURE_KINDS, Mention, Quantity, find_quantities
from kczlib.data.schema import Schema, field_names, get_schema
from kczlib.data.source import SourceDocument, clean_text, segment_sections
from kczlib.errors import DraftError
from kczlib.paths import data_root as default_data_root
from kczlib.textfile import decode_utf8, read_file_bytes

SLUG_RE = re.compile(r"[a-z][a-z0-9_-]{0,63}")
FIGURE_KINDS = ("quantity", "rank")
CLAUSE_BREAKS = "。；;！？!?\n，,、：:"
SENTENCE_BREAKS = "。；;！？!?\n"
CONTEXT_CHARS = 24  # of context kept each side of a mention in the draft note
YEAR_RE = re.compile(r"((?:19|20)\d\d)年")


@dataclass
class Draft:
    """What `draft_case` wrote: the folder and counts a curator starts from."""

    folder: Path
    figures: int = 0
    suggested: int = 0  # figure rows with one suggested indicator
    non_figures: int = 0
    unreadable: list[Mention] = field(default_factory=list)


def check_case_name(name: str) -> str:
    """`name` if it is a safe case slug (a lower-case letter, then letters, digits, _ or -; at most 64).

    Raises DraftError otherwise: a case name is a folder name, never a path.
    """
    if not SLUG_RE.fullmatch(name or ""):
        raise DraftError(f"case name {name!r} is not a safe slug: use a lower-case letter, then lower-case "
                         "letters, digits, '_' or '-' (at most 64), e.g. wuhan or xian_2023")
    return name


def draft_case(name: str, raw_path: str | os.PathLike[str],
               data_root: str | os.PathLike[str] | None = None) -> Draft:
    """Draft `data/cases/<name>/` from the raw text at `raw_path` (see the module docstring).

    `data_root` defaults to the project's data folder (``$KCZ_DATA``). The folder is
    written under a hidden temporary name and renamed into place when complete, so a
    failure leaves nothing half-written. Raises DraftError for a name that is not a safe
    slug or a case folder that already exists (nothing is overwritten), and DataError
    for a raw file that is missing or not UTF-8 (naming the line and the encoding found).
    """
    check_case_name(name)
    root = Path(data_root) if data_root is not None else default_data_root()
    cases = root / "cases"
    target = cases / name
    if target.exists() or target.is_symlink():  # a dangling link is in the way too
        raise DraftError(f"case folder {name!r} already exists ({root.name}/cases/{name}); "
                         "kcz new-case never overwrites: choose another name or remove the folder first")
    raw_path = Path(raw_path)
    # kept too (the raw file is copied byte for byte); DataError for a FIFO, a device or a
    # file larger than textfile.MAX_FILE_BYTES, never an endless read
    raw_bytes = read_file_bytes(raw_path)
    raw = decode_utf8(raw_bytes, raw_path)  # DataError naming line and encoding if not UTF-8
    if not raw.strip():
        raise DraftError(f"{raw_path.name} is empty{' but for white space' if raw else ''}: "
                         "there is no text to draft a case from")
    text, glosses = clean_text(raw)
    sections = segment_sections(text)
    doc = SourceDocument(name, text, sections, glosses, len(raw), [s.start for s in sections])
    mentions = find_quantities(text)
    vocabulary = indicators(root)

    raw_name = f"{name}.raw.txt"
    draft = Draft(target)
    # a hidden name known before the folder exists: an interrupt right after its mkdir still removes it
    tmp = cases / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
    try:
        try:
            cases.mkdir(parents=True, exist_ok=True)
            tmp.mkdir()  # the umask applies, as to any case folder
        except OSError as exc:
            raise DraftError(f"cannot write a case folder in {root.name}/cases: {exc.strerror}") from None
        (tmp / raw_name).write_bytes(raw_bytes)
        figure_rows: list[FigureRow] = []
        non_figure_rows: list[dict[str, str | int]] = []
        for i, m in enumerate(mentions):
            if m.quantity.kind in FIGURE_KINDS:
                figure_rows.append(_figure_row(m, doc, mentions, i, vocabulary))
                draft.suggested += "suggested indicator:" in figure_rows[-1]["draft"]
            elif m.quantity.kind in NON_FIGURE_KINDS:
                non_figure_rows.append({"text": m.text, "offset": m.start, "kind": m.quantity.kind,
                                        "reason": m.quantity.note or f"a {m.quantity.kind} the parser recognises"})
            else:
                draft.unreadable.append(m)
        _write_csv(tmp / FIGURES_FILE, field_names(_schema(root, "figures")), figure_rows)
        _write_csv(tmp / NON_FIGURES_FILE, field_names(_schema(root, "non_figures")), non_figure_rows)
        meta = {
            "case": name,
            "city": {"zh": "", "en": ""},
            "title": {"zh": "", "en": ""},
            "source": {"file": raw_name, "origin": "", "accessed": "",
                       "sha256": hashlib.sha256(raw_bytes).hexdigest(), "bytes": len(raw_bytes),
                       "pinyin_glosses": glosses, "debris_lines": []},
        }
        (tmp / "case.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        if target.exists() or target.is_symlink():  # created meanwhile by someone else: keep theirs
            raise DraftError(f"case folder {name!r} appeared while drafting; nothing was written")
        os.rename(tmp, target)
    except OSError as exc:  # disk full, a read-only folder...: nothing is left half-written
        shutil.rmtree(tmp, ignore_errors=True)
        raise DraftError(f"cannot write case folder {name!r} in {root.name}/cases: {exc.strerror}; "
                         "nothing was written") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    draft.figures, draft.non_figures = len(figure_rows), len(non_figure_rows)
    return draft


def _schema(root: Path, name: str) -> Schema:
    path = root / "schema" / f"{name}.schema.json"
    if path.is_file():  # the data folder's own schema file, of the same shape as the project's
        return cast(Schema, json.loads(path.read_text(encoding="utf-8")))
    return get_schema(name)


class FigureRow(TypedDict):
    """One drafted row of figures.csv (the columns `kcz new-case` fills)."""

    section: str
    value: str
    unit: str
    value_base: str
    base_unit: str
    qualifier: str
    lower: str
    upper: str
    evidence: str
    offset: int
    draft: str


def _figure_row(m: Mention, doc: SourceDocument, mentions: list[Mention], i: int,
                vocabulary: dict[str, Indicator]) -> FigureRow:
    q = m.quantity
    window = _cue_window(doc.text, mentions, i)
    evidence_start = _evidence_start(doc.text, m)
    row: FigureRow = {"section": doc.section_at(evidence_start).path, "value": _cell(q.value),
                      "unit": q.unit or "", "value_base": _cell(q.value_base), "base_unit": q.base_unit or "",
                      "qualifier": q.qualifier, "lower": _cell(q.lower), "upper": _cell(q.upper),
                      "evidence": doc.text[evidence_start:m.end], "offset": evidence_start, "draft": ""}
    before = doc.text[max(0, m.start - CONTEXT_CHARS):m.start].replace("\n", " ")
    after = doc.text[m.end:m.end + CONTEXT_CHARS].replace("\n", " ")
    notes = [f"context: …{before}【{m.text}】{after}…"]
    lo, hi = _clause_bounds(doc.text, m.start, m.end)
    # the words next to the mention first; the whole clause when they name no indicator (确保财政科技投入3年内翻一番)
    matches = suggest_indicators(window, q.base_unit, vocabulary) or suggest_indicators(doc.text[lo:hi], q.base_unit,
                                                                                        vocabulary)
    if len(matches) == 1:
        ind = vocabulary[matches[0]]
        notes.append(f"suggested indicator: {ind.id} ({ind.name_zh}; chain {ind.chain})")
    elif matches:
        notes.append(f"possible indicators: {', '.join(matches)}")
    years = sorted(set(YEAR_RE.findall(doc.text[lo:hi])))
    if years:
        notes.append(f"year in the clause: {', '.join(years)}")
    row["draft"] = "; ".join(notes)
    return row


def _evidence_start(text: str, m: Mention) -> int:
    """Where a drafted row's evidence starts: the mention's, or earlier if the words before decide its reading.

    Validation parses the evidence alone, so a reading the words before the number give
    (分别超过90家和870家: 870 is more than 870; 增长3倍: four times the base) needs them in
    the evidence: the evidence then runs from the clause's start (`CLAUSE_BREAKS`), or the
    sentence's (`SENTENCE_BREAKS`) if the clause is not enough.
    """
    clause, _ = _clause_bounds(text, m.start, m.end)
    sentence = max(text.rfind(c, 0, m.start) for c in SENTENCE_BREAKS) + 1
    for start in (m.start, clause, sentence):  # 分别超过90家、870家: the 、 ends a clause, not the sentence
        if any(_reads_alike(a.quantity, m.quantity) for a in find_quantities(text[start:m.end])):
            return start
    return m.start  # no evidence reproduces the reading: validate says how the row and the parser differ


def _reads_alike(a: Quantity, b: Quantity) -> bool:
    return (a.value_base, a.lower, a.upper, a.qualifier, a.base_unit) == (b.value_base, b.lower, b.upper,
                                                                          b.qualifier, b.base_unit)


def suggest_indicators(context: str, base_unit: str | None, vocabulary: dict[str, Indicator]) -> list[str]:
    """Indicators of `base_unit` one of whose cue sets occurs whole in `context`, in vocabulary order.

    When several match, the most specific words win: only the indicators whose matching cue
    set is longest (most characters, words of a `+` set added up) are kept, so 发明专利授权量
    suggests invention patents granted and not the workstations' 发明专利 (issue 23: a
    vocabulary of the genre holds general and particular indicators side by side). A tie
    returns every tied id; no match returns [].
    """
    score = {i: max((sum(map(len, cue)) for cue in ind.cue_sets() if all(w in context for w in cue)), default=0)
             for i, ind in vocabulary.items() if ind.base_unit == base_unit}
    best = max(score.values(), default=0)
    return [i for i, s in score.items() if s and s == best]


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Start and end of the clause (between CLAUSE_BREAKS) holding text[start:end]."""
    lo = max(text.rfind(c, 0, start) for c in CLAUSE_BREAKS) + 1
    his = [j for j in (text.find(c, end) for c in CLAUSE_BREAKS) if j >= 0]
    return lo, (min(his) if his else len(text))


def _cue_window(text: str, mentions: list[Mention], i: int) -> str:
    """The words that describe mention i: its clause, cut at the neighbouring mentions.

    累计帮助2700余家科技型企业获得贷款200多亿元: 2700余家 gets 累计帮助…获得贷款 and
    200多亿元 gets 科技型企业获得贷款200多亿元, since a measure's noun may stand on either side.
    """
    m = mentions[i]
    lo, hi = _clause_bounds(text, m.start, m.end)
    if i > 0 and mentions[i - 1].end > lo:
        lo = mentions[i - 1].end
    if i + 1 < len(mentions) and mentions[i + 1].start < hi:
        hi = mentions[i + 1].start
    return text[lo:hi]


def _cell(x: float | None) -> str:
    """A number as the figures table writes it: 2700, 99.4, 9940000000 (no trailing .0)."""
    if x is None:
        return ""
    s = repr(float(x))
    return s[:-2] if s.endswith(".0") else s


def _write_csv(path: Path, header: list[str], rows: Sequence[Mapping[str, object]]) -> None:
    buf = io.StringIO()
    out = csv.DictWriter(buf, fieldnames=header, lineterminator="\n", restval="")
    out.writeheader()
    out.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
