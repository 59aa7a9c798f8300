"""A preview of an uncurated draft: a data folder in which a drafted case reads as curated.

`kcz build -p case=NAME --draft` builds the reports from what `kcz new-case` drafted, before
a person has curated it. `preview_data_root` copies the active data folder (the shared
tables and that one case) to a scratch folder and fills what only a person knows with marked
stand-ins, so every report can run on the parser's readings:

- case.json: a blank city or title becomes the case name; both are marked as a draft in both
  languages (草稿 / DRAFT, `DRAFT_MARKS`), so every page's headings, title block and source
  lines say the data are an uncurated draft; a blank origin or access date becomes "uncurated
  draft" and today's date;
- figures.csv: each row still marked `draft` (or without an id) gets the id `draft_<line>`,
  the chain of its one suggested indicator (else `overview`), that indicator where it is the
  only suggestion and no other row of the same period maps it, the year named in its clause as
  its period (else `cumulative`), and a metric name: the indicator's names, else the words
  before the number in its context (digits and numerals removed) and "uncurated figure". Value,
  unit, qualifier and bounds stay the parser's readings. Curated rows are kept as they are.

Nothing in the project's data folder changes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

from kczlib.data.figures import FIGURES_FILE
from kczlib.data.indicators import Indicator, indicators
from kczlib.errors import DraftError
from kczlib.paths import data_root

DRAFT_MARKS = {"zh": "（草稿，未经核对）", "en": " (DRAFT, not curated)"}
SUGGESTED = re.compile(r"suggested indicator: (?P<id>[a-z0-9_]+) \(")
YEAR = re.compile(r"year in the clause: (?P<years>[\d, ]+)")
CONTEXT = re.compile(r"context: …(?P<before>[^【]*)【")
NUMERALS = re.compile(r"[\d.%％一二两三四五六七八九十百千万亿零〇]+")
WORD_CHARS = re.compile(r"[\u4e00-\u9fff]+")


def preview_data_root(case: str, into: Path) -> Path:
    """A data folder under `into` holding the shared tables and `case` with its draft filled in.

    Args:
        case: a case folder of the active data folder (`$KCZ_DATA`), drafted or curated.
        into: an existing empty scratch folder; the data folder is `into/data`.

    Returns:
        The new data folder (point `KCZ_DATA` at it).

    Raises:
        DraftError: the case has no folder, or its case.json or figures.csv cannot be read.
    """
    source = data_root()
    folder = source / "cases" / case
    if not (folder / "case.json").is_file() or not (folder / FIGURES_FILE).is_file():
        raise DraftError(f"no drafted case {case!r} in {source.name}/cases (draft one with kcz new-case)")
    target = into / "data"
    shutil.copytree(source, target, ignore=lambda d, names: [n for n in names if Path(d) == source / "cases"
                                                              and n != case], symlinks=False)
    case_folder = target / "cases" / case
    _fill_meta(case_folder / "case.json", case)
    vocabulary = indicators(target)
    path = case_folder / FIGURES_FILE
    try:
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DraftError(f"cannot read {case}/{FIGURES_FILE} for a draft preview: {exc}") from None
    header = list(rows[0]) if rows else []
    mapped: set[tuple[str, str]] = {(r.get("indicator") or "", r.get("period") or "") for r in rows
                                    if not (r.get("draft") or "").strip() and r.get("indicator")
                                    and not (r.get("area") or "").strip()}  # a drafted row is the city's
    for line, row in enumerate(rows, start=2):
        if (row.get("draft") or "").strip() or not (row.get("id") or "").strip():
            _fill_row(row, line, vocabulary, mapped)
    buf = io.StringIO()
    out = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    out.writeheader()
    out.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return target


def _fill_meta(path: Path, case: str) -> None:
    meta = json.loads(path.read_text(encoding="utf-8-sig"))
    for key in ("city", "title"):  # both marked: the city names every page's heading, the title its sources
        names = meta.setdefault(key, {})
        for lang in ("zh", "en"):
            names[lang] = ((names.get(lang) or "").strip() or case) + DRAFT_MARKS[lang]
    src = meta.setdefault("source", {})
    src["origin"] = (src.get("origin") or "").strip() or "uncurated draft (kcz new-case)"
    src["accessed"] = (src.get("accessed") or "").strip() or dt.date.today().isoformat()
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _fill_row(row: dict[str, str], line: int, vocabulary: dict[str, Indicator], mapped: set[tuple[str, str]]) -> None:
    note = row.get("draft") or ""
    suggested = SUGGESTED.search(note)
    ind = vocabulary.get(suggested.group("id")) if suggested else None
    year_match = YEAR.search(note)
    years = [y.strip() for y in year_match.group("years").split(",")] if year_match else []
    period = years[0] if len(years) == 1 else "cumulative"
    row["id"] = f"draft_{line}"
    row["period"] = row.get("period") or period
    row["chain"] = row.get("chain") or (ind.chain if ind else "overview")
    if ind is not None and (ind.id, row["period"]) not in mapped and "indicator" in row:
        row["indicator"] = ind.id
        mapped.add((ind.id, row["period"]))
    context = CONTEXT.search(note)
    words = "".join(WORD_CHARS.findall(NUMERALS.sub("", context.group("before") if context else "")))[-12:]
    row["metric_zh"] = row.get("metric_zh") or (ind.name_zh if ind else (words or "未核对的数字"))
    row["metric_en"] = row.get("metric_en") or (ind.name_en if ind else "uncurated figure")
    row["draft"] = ""
