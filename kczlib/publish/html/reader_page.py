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
import html
import json
import re
from functools import lru_cache
from pathlib import Path

from kczlib.contract import ANALYST_ONLY_TAG, READER_MIME, READS_MIME, is_json_like
from kczlib.publish.html.fonts import FONT_FACE_MARKER
from kczlib.publish.html.provenance import PROVENANCE_TAG
from kczlib.publish.html.words import INDEX_FILES, LANG_NAMES, case_info, chrome, date_in_words

# Cells for the person running the notebook (its title, introduction, how to build it, section
# headings for JupyterLab's table of contents): the reader page drops them, as its header and
# the report's own outputs already say what they say.
TEMPLATES = Path(__file__).resolve().parent / "templates"
READER_TEMPLATE = "kcz_reader.html.j2"
HTML_LANG = {"zh": "zh-CN", "en": "en"}
"""The `lang` attribute of a page in each report language (BCP 47: Chinese as written in mainland China)."""


@lru_cache(maxsize=1)
def reader_css() -> str:
    """The reader page's stylesheet (templates/reader.css, then narrow.css for phones), read once per process."""
    return "\n".join((TEMPLATES / name).read_text(encoding="utf-8") for name in ("reader.css", "narrow.css"))


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


def reads_record(nb) -> dict | None:
    """The record of what the report read (`contract.READS_MIME`, the last one), or None.

    None when the notebook has none (it failed before its appendix, or is not a kcz report),
    when a code cell follows the one that recorded it (that code may read more), or when it is
    not a JSON-like dict: the build then depends on every data and word file (`cache.coarse_record`).
    """
    found = None
    for cell in nb.cells:
        if found is not None and cell.get("cell_type") == "code" and _code(cell.get("source", "")):
            return None  # code ran after the record (a cell after `report.appendix()`): it may read more
        for out in cell.get("outputs", []):
            if READS_MIME in (out.get("data") or {}):
                found = out["data"][READS_MIME]
    try:  # nbformat's nodes are dict subclasses: as plain JSON values
        found = json.loads(json.dumps(found))
    except (TypeError, ValueError, RecursionError):
        return None
    return found if isinstance(found, dict) and is_json_like(found) else None


def _code(source) -> bool:
    """Whether a cell's source holds code (not only blank lines and comments)."""
    text = "".join(source) if isinstance(source, list) else str(source)
    return any(line.strip() and not line.strip().startswith("#") for line in text.splitlines())


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
    return [{"lang": other, "html_lang": HTML_LANG.get(other, other), "href": f"{name}.html",
             "label": LANG_NAMES.get(other, other)}
            for other, name in sorted((entry.get("siblings") or {}).items()) if other != lang]


def page_title(title: str, city: str) -> str:
    """The browser tab's title: the report's title, with the city after it unless the title names it."""
    return f"{title} · {city}" if city and city not in title else title


def page_resources(meta: dict, entry: dict, lang: str | None) -> dict:
    """The template's `resources.kcz`: everything the title block, closing sections and folds show.

    Args:
        meta: The report's reader meta (title, about, data_as_of...).
        entry: Its manifest entry (name, parameters, built_at, git_tag/git_commit, publication_url).
        lang: The report's language; an unknown one gives English.

    Returns:
        The page's values (see templates/kcz_reader.html.j2).
    """
    from kczlib.publish.html.citation import citation_fields, page_citation

    lang = lang if lang in INDEX_FILES else "en"
    words = chrome(lang)
    case = case_info(entry["parameters"].get("case", ""), lang)
    title = meta.get("title") or entry["name"]
    built = entry.get("built_at") or ""
    fields = citation_fields(title, case, entry, lang, entry.get("publication_url") or "")
    name = entry["name"]
    return {
        "lang": lang,
        "html_lang": HTML_LANG[lang],
        "title": title,
        "page_title": page_title(title, case["city"]),
        "subtitle": words["block.subtitle"].format(city=case["city"], programme=case["programme"]).strip(" ·"),
        "byline": byline(case, built, meta.get("data_as_of_text") or meta.get("data_as_of") or "", lang),
        "case": case,
        "chrome": words,
        "date": date_in_words(built, lang) if built else "",
        "date_iso": built[:10],
        "index_href": INDEX_FILES[lang],
        "others": other_languages(entry),
        "about": meta.get("about"),
        "cite": page_citation(fields),
        "citation_meta": citation_meta(fields),
        "downloads": {"csv": f"{name}.csv", "xlsx": f"{name}.xlsx"},
        "appendix_summary": meta.get("appendix_summary") or words["reports"],
        "provenance_summary": meta.get("provenance_summary") or words["build_details"],
        "css": reader_css(),
        "print_css": print_footer_css(fields),
        "font_marker": FONT_FACE_MARKER,
    }


def byline(case: dict, built: str, data_as_of: str, lang: str) -> list[tuple[str, str, str]]:
    """The title block's facts as (label, text, ISO date or ""): publisher, author, published, data as of.

    Each appears only when known: the source's publisher and author from case.json, the
    publication date (the build's), and the latest period of the data printed on the page in
    words (reader meta `data_as_of_text`, written by the report with `data.context.format_period`,
    as the index card shows it).
    """
    words = chrome(lang)
    rows = [(words["block.publisher"], case.get("publisher", ""), ""),
            (words["block.author"], case.get("author", ""), "")]
    if built:
        rows.append((words["block.published"], date_in_words(built, lang), built[:10]))
    if data_as_of:
        rows.append((words["block.data_as_of"], data_as_of, ""))
    return [row for row in rows if row[1]]


def citation_meta(fields: dict) -> list[tuple[str, str]]:
    """`<meta name="citation_*">` pairs (the Highwire tags reference managers read) for the page."""
    from kczlib.publish.html.citation import full_title

    pairs = [("citation_title", full_title(fields)), ("citation_publisher", fields["series"]),
             ("citation_language", HTML_LANG.get(fields["lang"], fields["lang"]))]
    if fields["date"]:
        pairs.append(("citation_publication_date", fields["date"].replace("-", "/")))
    if fields["url"]:
        pairs.append(("citation_public_url", fields["url"]))
    return pairs


def css_string(text: str) -> str:
    """`text` as a CSS string literal: quotes, backslashes, line breaks and `<` escaped (CSS Syntax 3, 4.3.5)."""
    out = []
    for char in text:
        if char in '"\\<>' or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def print_footer_css(fields: dict) -> str:
    """The printed page's footer: the citation left, "page / pages" right (CSS @page margin boxes).

    Chromium draws @page margin boxes (from version 131) in the page's own fonts: the embedded
    CJK subset holds the citation's characters, as the page shows the citation too. The page
    numbers are figures and a slash only, so no word is needed that the subset may lack.
    """
    from kczlib.publish.html.citation import citation_text

    box = ('font-size:7pt;color:#59636e;vertical-align:top;padding-top:3mm;'
           'font-family:"KCZ Noto Sans SC",sans-serif')
    return ("@page{@bottom-left{content:" + css_string(citation_text(fields)) + ";" + box + "}"
            '@bottom-right{content:counter(page) " / " counter(pages);white-space:nowrap;' + box + "}}")


_H2 = re.compile(r'<h2 id="([^"]*)">(.*?)</h2>', re.S)
_TAG = re.compile(r"<[^>]+>")
_ANCHOR = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)
# the sanitiser (sanitize.offline_page) writes attributes in its own order: match any order
TOC_PLACEHOLDER = re.compile(r'(<nav\b[^>]*\bclass="kcz-toc"[^>]*>)(</nav>)')


def sections(page: str) -> list[dict[str, str]]:
    """The h2 sections of a rendered reader page's body, in order: [{"id", "heading"}].

    `markup` is the heading's own inline HTML (as sanitised on the page, language marks kept).
    The body runs from `<main>` to the folded appendix; headings the page frame writes
    (ids starting `kcz-`: method and caveats, the citation) count too, the appendix's do not.
    """
    start = page.find('<main class="kcz-main">')
    end = page.find('<details class="kcz-appendix"', start)
    body = page[start:end if end >= 0 else len(page)] if start >= 0 else ""
    return [{"id": html.unescape(m[1]), "heading": html.unescape(_TAG.sub("", _ANCHOR.sub("", m[2]))).strip(),
             "markup": _ANCHOR.sub("", m[2]).strip()} for m in _H2.finditer(body)]


def add_contents(page: str, lang: str) -> str:
    """`page` (a rendered reader page) with its table of contents filled in, and plain section ids.

    The report's own h2 headings get the ids `kcz-s1`, `kcz-s2`... (the renderer's are the
    heading's text, percent-encoded, which not every reader follows); the contents list
    every h2 of the body (`sections`), then the appendix. No h2, no list.
    """
    start = page.find('<main class="kcz-main">')
    end = page.find('<details class="kcz-appendix"', start)
    if start < 0:
        return page
    end = end if end >= 0 else len(page)
    count = 0

    def renumber(m: re.Match) -> str:
        nonlocal count
        if m[1].startswith("kcz-"):
            return m[0]
        count += 1
        inner = _ANCHOR.sub(f'<a class="anchor-link" href="#kcz-s{count}">¶</a>', m[2])
        return f'<h2 id="kcz-s{count}">{inner}</h2>'

    page = page[:start] + _H2.sub(renumber, page[start:end]) + page[end:]
    found = sections(page)
    if not found:
        return page
    words = chrome(lang)
    items = [(s["id"], s["markup"]) for s in found]  # markup from the page itself: sanitised already
    summary = re.search(r'<details class="kcz-appendix" id="appendix"><summary>(.*?)</summary>', page, re.S)
    if summary:
        items.append(("appendix", summary[1]))
    title = f'<p class="kcz-toc-title">{html.escape(words["block.contents"])}</p>'
    entries = "".join(f'<li><a href="#{html.escape(i, quote=True)}">{h}</a></li>' for i, h in items)
    return TOC_PLACEHOLDER.sub(lambda m: f"{m[1]}{title}<ol>{entries}</ol>{m[2]}", page, count=1)
