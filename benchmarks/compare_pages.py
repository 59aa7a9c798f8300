"""Compare the pages of two builds (not a test): byte-identical, or the same document, or how not.

    .venv/bin/python benchmarks/compare_pages.py OLD/latest NEW/latest

For each `*.html` in OLD: "bytes" when the files are equal once the run's own facts are masked
(commit hashes, timestamps, cell ids); "document" when only the serialisation differs: attribute
order, spacing inside `class`, and the length of whitespace runs outside `<pre>`, `<code>`,
`<style>` and `<textarea>` (none of which a browser shows differently); otherwise the first
differing nodes. Exit status 1 if any page differs beyond that.
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

RUN_FACTS = [(re.compile(r"\b[0-9a-f]{40}\b"), "COMMIT"), (re.compile(r"\b[0-9a-f]{12}\b"), "COMMIT12"),
             (re.compile(r"cell-id=[0-9a-f]{8}"), "cell-id=X"),
             (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ|\d{8}T\d{6}Z"), "TIME"),
             (re.compile(r"\d+\.\d (s|秒)"), r"N \1")]
VERBATIM = {"pre", "code", "style", "textarea"}


def masked(text: str) -> str:
    """`text` with the run's commit, times, cell ids and build seconds replaced by placeholders."""
    for pattern, placeholder in RUN_FACTS:
        text = pattern.sub(placeholder, text)
    return text


def document(text: str) -> list[str]:
    """The nodes of the page as a browser builds it, serialisation details normalised."""
    out = []
    for node in LexborHTMLParser(text).root.traverse(include_text=True):
        if node.tag == "-text":
            parent, verbatim = node.parent, False
            while parent is not None and not verbatim:
                verbatim, parent = parent.tag in VERBATIM, parent.parent
            out.append("text:" + (node.text_content if verbatim else re.sub(r"\s+", " ", node.text_content)))
        else:
            attrs = sorted((k, " ".join((v or "").split()) if k == "class" else (v or ""))
                           for k, v in node.attributes.items())
            out.append(f"<{node.tag} {attrs}>")
    return out


def main(old: Path, new: Path) -> int:
    """Print one line per page of `old` compared with its namesake in `new`; 1 if any differs."""
    differing = 0
    for page in sorted(old.glob("*.html")):
        other = new / page.name
        if not other.is_file():
            print(f"missing   {page.name}")
            differing += 1
            continue
        a, b = masked(page.read_text(encoding="utf-8")), masked(other.read_text(encoding="utf-8"))
        if a == b:
            print(f"bytes     {page.name}")
            continue
        da, db = document(a), document(b)
        if da == db:
            print(f"document  {page.name}")
            continue
        differing += 1
        print(f"DIFFERS   {page.name}")
        for line in list(difflib.unified_diff(da, db, lineterm="", n=0))[2:8]:
            print("    " + line[:200])
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
