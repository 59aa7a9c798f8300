"""How well the quantity parser drafts figures from texts of the genre it has not been built on.

Reads tests/fixtures/genre_texts/labels.json (three government texts of other cities, with
their figures and non-figures labelled by hand), drafts each text as `kcz new-case` would
(`clean_text`, then every mention of a figure kind is a drafted figure row) and prints, per
text and in all:

- core value+bounds accuracy: of the hand-labelled core figures, the share that a drafted
  figure covers with the labelled value_base, lower and upper (relative tolerance 1e-9);
- recall: the share of labelled figures (core or not) that some drafted figure covers;
- false figures: drafted figures that cover no labelled figure, each listed with its context.

Not a test (tests/unit/data/test_genre_texts.py holds the targets: accuracy >= 0.95, at most
15 false figures). Run: `.venv/bin/python benchmarks/genre_texts.py` (`--held-out` for the two
texts labelled after the fixes); to measure another version of kczlib, put it first on PYTHONPATH.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

from kczlib.data.quantities import Mention, find_quantities
from kczlib.data.source import clean_text

LABELS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "genre_texts" / "labels.json"


@dataclass
class TextResult:
    name: str
    core: int = 0
    core_right: int = 0
    labelled: int = 0
    found: int = 0
    wrong: list[str] = field(default_factory=list)  # core figures missed or misread
    false: list[str] = field(default_factory=list)  # drafted figures covering no labelled figure


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9)


def _position(text: str, at: str, number: str) -> int:
    """Where the labelled number starts in the cleaned text; ValueError if `at` is not there once."""
    if text.count(at) != 1 or number not in at:
        raise ValueError(f"label {at!r}: found {text.count(at)} times in the text, or {number!r} not in it")
    return text.index(at) + at.index(number)


def measure_text(entry: dict, folder: Path) -> TextResult:
    raw = (folder / entry["file"]).read_bytes()
    if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
        raise ValueError(f"{entry['file']}: sha256 differs from labels.json")
    text, _ = clean_text(raw.decode("utf-8"))
    drafted = [m for m in find_quantities(text) if m.quantity.is_figure_kind]
    result = TextResult(entry["file"])
    covered: set[int] = set()

    def covering(pos: int) -> list[Mention]:
        return [m for m in drafted if m.start <= pos < m.end]

    for label in entry["figures"]:
        pos = _position(text, label["at"], label["number"])
        hits = covering(pos)
        covered.update(id(m) for m in hits)
        result.labelled += 1
        result.found += bool(hits)
        if not label["core"]:
            continue
        result.core += 1
        right = any(_same(m.quantity.value_base, label["value_base"]) and _same(m.quantity.lower, label["lower"])
                    and _same(m.quantity.upper, label["upper"]) for m in hits)
        result.core_right += right
        if not right:
            got = "; ".join(f"{m.text!r} -> {m.quantity.value_base} [{m.quantity.lower}, {m.quantity.upper}]"
                            for m in hits) or "no drafted figure"
            result.wrong.append(f"{label['at']!r}: labelled {label['value_base']} [{label['lower']}, "
                                f"{label['upper']}], drafted {got}")
    for m in drafted:
        if id(m) not in covered:
            context = text[max(0, m.start - 8):m.end + 4].replace("\n", "⏎")
            result.false.append(f"{m.text!r} ({m.quantity.kind}) in …{context}…")
    return result


def measure(labels: Path = LABELS, part: str = "texts") -> list[TextResult]:
    """One `TextResult` per labelled text of `part` ("texts", or "held_out"), in the order of labels.json."""
    doc = json.loads(labels.read_text(encoding="utf-8"))
    return [measure_text(entry, labels.parent) for entry in doc[part]]


def summary(results: list[TextResult]) -> str:
    core = sum(r.core for r in results)
    right = sum(r.core_right for r in results)
    labelled = sum(r.labelled for r in results)
    found = sum(r.found for r in results)
    false = sum(len(r.false) for r in results)
    lines = []
    for r in results:
        lines.append(f"{r.name}: core value+bounds {r.core_right}/{r.core}, recall {r.found}/{r.labelled}, "
                     f"false figures {len(r.false)}")
        lines.extend(f"  misread: {w}" for w in r.wrong)
        lines.extend(f"  false figure: {f}" for f in r.false)
    lines.append(f"all: core value+bounds {right}/{core} = {right / core:.3f}; recall {found}/{labelled} = "
                 f"{found / labelled:.3f}; false figures {false}")
    return "\n".join(lines)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--held-out"]
    print(summary(measure(Path(args[0]) if args else LABELS, "held_out" if "--held-out" in sys.argv else "texts")))
