"""The reader page of a report: what a policy reader receives, built from the executed notebook.

The notebook says where its outputs belong (output metadata written by the report
façade, `kczlib/report/facade.py`): its title, its appendix, and one reader-meta output
(title, summary, headline numbers, the "About this report" box). This module reads that,
classifies the cells for the template (`templates/kcz_reader.html.j2`), and fills the
page header: title, case, date in words, a link back to the index and to the same report
in the other language. The CJK font subset is embedded last (`fonts.embed_font`).
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

from kczlib.contract import ANALYST_ONLY_TAG, READER_MIME
from kczlib.publish.html.fonts import FONT_FACE_MARKER
from kczlib.publish.html.provenance import PROVENANCE_TAG
from kczlib.publish.html.words import INDEX_FILES, LANG_NAMES, case_info, chrome, date_in_words

# Cells for the person running the notebook (its title, introduction, how to build it, section
# headings for JupyterLab's table of contents): the reader page drops them, as its header and
# the report's own outputs already say what they say.
TEMPLATES = Path(__file__).resolve().parent / "templates"
READER_TEMPLATE = "kcz_reader.html.j2"


@lru_cache(maxsize=1)
def reader_css() -> str:
    """The reader page's stylesheet (templates/reader.css), read once per process."""
    return (TEMPLATES / "reader.css").read_text(encoding="utf-8")


def _part(output) -> str | None:
    return (output.get("metadata") or {}).get("kcz", {}).get("part")


def reader_meta(nb) -> dict:
    """The last reader-meta output of an executed notebook, or {} (e.g. it failed before)."""
    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if READER_MIME in (out.get("data") or {}):
                found = dict(out["data"][READER_MIME])
    return found


def without_reader_meta(nb):
    """A copy of `nb` without reader-meta outputs (data for the build, not for display)."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if "outputs" in cell:
            cell.outputs = [o for o in cell.outputs if READER_MIME not in (o.get("data") or {})]
    return nb


def reader_notebook(nb):
    """A copy of `nb` for the reader page, each cell marked as body, appendix or provenance.

    Reader meta, the title output and cells tagged `analyst-only` are removed (the header
    shows the title); each cell's `metadata.kcz_part` is set. The appendix runs from the
    first appendix output to the provenance block: a cell whose first outputs belong to the
    body (the footnotes `Report.appendix` shows before the appendix) is split there.

    Args:
        nb: The executed notebook (not changed).

    Returns:
        The reader page's notebook.
    """
    nb = without_reader_meta(nb)
    nb.cells = [c for c in nb.cells if ANALYST_ONLY_TAG not in c.metadata.get("tags", [])]
    part = "body"
    cells = []
    for cell in nb.cells:
        outputs = cell.get("outputs", [])
        if PROVENANCE_TAG in cell.metadata.get("tags", []):
            part = "provenance"
        elif any(_part(o) == "appendix" for o in outputs):
            first = next(i for i, o in enumerate(outputs) if _part(o) == "appendix")
            if part == "body" and first:  # the body's last outputs, then the appendix
                head = copy.deepcopy(cell)
                head.outputs = [o for o in outputs[:first] if _part(o) != "title"]
                head.metadata["kcz_part"] = "body"
                if "id" in head:
                    head["id"] = f"{head['id']}-body"
                cells.append(head)
                outputs = outputs[first:]
            part = "appendix" if part == "body" else part
        if outputs:
            cell.outputs = [o for o in outputs if _part(o) != "title"]
        cell.metadata["kcz_part"] = part
        cells.append(cell)
    nb.cells = cells
    return nb


def other_languages(entry: dict) -> list[dict]:
    """Links to the same report in the other languages, from `entry["siblings"]`."""
    lang = entry["parameters"].get("lang")
    return [{"lang": other, "href": f"{name}.html", "label": LANG_NAMES.get(other, other)}
            for other, name in sorted((entry.get("siblings") or {}).items()) if other != lang]


def page_resources(meta: dict, entry: dict, lang: str | None) -> dict:
    """The template's `resources.kcz`: everything the page header and folds show."""
    lang = lang if lang in INDEX_FILES else "en"
    words = chrome(lang)
    case = case_info(entry["parameters"].get("case", ""), lang)
    title = meta.get("title") or entry["name"]
    built = entry.get("built_at") or ""
    return {
        "lang": lang,
        "title": title,
        "page_title": f"{title} · {case['city']}" if case["city"] else title,
        "case": case,
        "chrome": words,
        "date": date_in_words(built, lang) if built else "",
        "date_iso": built[:10],
        "index_href": INDEX_FILES[lang],
        "others": other_languages(entry),
        "about": meta.get("about"),
        "appendix_summary": meta.get("appendix_summary") or words["reports"],
        "provenance_summary": meta.get("provenance_summary") or words["build_details"],
        "css": reader_css(),
        "font_marker": FONT_FACE_MARKER,
    }
