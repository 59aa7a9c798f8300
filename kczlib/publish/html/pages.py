"""The files of one executed report: the shared notebook and its two HTML views.

`write_outputs` runs in the build's export processes (html/export_pool.py) or, on a Dask
worker, in the worker; it is the last step of `runner.run_report`.
"""

from __future__ import annotations

import base64
import re
from html import escape
from pathlib import Path

from kczlib.publish.run_folder import file_in, replace_text
from kczlib.publish.scrub import scrub_notebook, working_folders


def write_outputs(nb, entry: dict, folder: Path, source_dir: Path, lang: str | None,
                  kernel_dir: Path | None = None) -> None:
    """Write a report's notebook and pages into `folder`, scrubbed, with the provenance block.

    The files are `<name>.ipynb`, `<name>.html`, `<name>.analyst.html`, the page's data
    downloads `<name>.csv` and `<name>.xlsx` (html/downloads.py) and its citation,
    `<name>.bib` and `<name>.csl.json` (html/citation.py).
    Paths scrubbed are the machine's (scrub.machine_paths) and the folders the kernel
    worked in: `source_dir` (the notebook's) and `kernel_dir` (its working folder).
    The report's reader meta (title, summary, headline numbers) is copied into the
    notebook's metadata (`metadata.kcz.reader`), where the index reads it.

    Args:
        nb: the executed notebook (nbformat node); changed in place.
        entry: the report's manifest entry (name, parameters... for the provenance block).
        folder: the run folder (or a worker's scratch folder) the files go to.
        source_dir: the notebook's own folder (resources of the export).
        lang: the report's language, or None.
        kernel_dir: the kernel's working folder, if another than `source_dir`.

    Raises:
        OSError: a file could not be written; OutsideRunFolder: a name that leaves `folder`.
    """
    import nbformat

    from kczlib.publish.html.ansi import clean_notebook_escapes
    from kczlib.publish.html.citation import citation_fields, citation_files
    from kczlib.publish.html.downloads import write_page_data
    from kczlib.publish.html.export import to_html
    from kczlib.publish.html.provenance import append_provenance
    from kczlib.publish.html.reader_page import (
        add_contents,
        page_resources,
        reader_meta,
        reader_notebook,
        without_reader_meta,
    )
    from kczlib.publish.html.words import INDEX_FILES, case_info

    lang = lang if isinstance(lang, str) else None  # a wrong-typed lang fails its report, not the export
    clean_notebook_escapes(nb)  # OSC 8 links, titles, DCS...: raw characters on a page
    append_provenance(nb, entry, lang)
    # after the provenance block: its parameters may hold a path
    scrub_notebook(nb, working_folders(source_dir, kernel_dir))
    meta = reader_meta(nb)
    nb.metadata["kcz"] = {"reader": meta}
    name = entry["name"]
    nbformat.write(nb, file_in(folder, f"{name}.ipynb"))
    title = meta.get("title") or name
    page = page_resources(meta, entry, lang)
    reader_html = to_html(reader_notebook(nb), title, lang, reader=True, resources_path=str(source_dir), page=page)
    file_in(folder, f"{name}.html").write_text(add_contents(reader_html, page["lang"]), encoding="utf-8")
    page_lang = lang if lang in INDEX_FILES else "en"
    fields = citation_fields(title, case_info(entry["parameters"].get("case", ""), page_lang), entry, page_lang,
                             entry.get("publication_url") or "")
    for filename, text in citation_files(fields).items():
        file_in(folder, filename).write_text(text, encoding="utf-8")
    analyst_html = to_html(without_reader_meta(nb), title, lang, reader=False, resources_path=str(source_dir))
    file_in(folder, f"{name}.analyst.html").write_text(analyst_html, encoding="utf-8")
    write_page_data(folder, name, meta.get("numbers") or [], lang)


# the sanitiser (sanitize.offline_page) writes attributes in its own order: these match any order
_SEQUENCE = re.compile(r'(<nav\b[^>]*\bclass="kcz-sequence"[^>]*>).*?(</nav>)', re.S)
_PRINT_HINT = re.compile(r'(<p\b[^>]*\bid="kcz-print"[^>]*>)(.*?)(</p>)', re.S)
_PRINT_LINK = re.compile(r'<a\b[^>]*\bclass="kcz-print-link"[^>]*>')


_SEQUENCE_FONT = re.compile(r'<style class="kcz-sequence-font">.*?</style>', re.S)
SEQUENCE_FAMILY = "KCZ Noto Sans SC sequence"


def sequence_font(links: str) -> str:
    """A `<style>` with the font subset for the sequence links' own characters.

    The page's embedded subset holds the characters the page had when it was rendered; the
    neighbouring reports' titles arrive later, so their characters come in a face of their
    own, tried first for the sequence (the page's face and the system's behind it).
    """
    from kczlib.publish.html.fonts import FAMILY, page_characters, woff2_subset

    if not links:
        return ""
    data = base64.b64encode(woff2_subset(page_characters(links))).decode("ascii")
    return (f'<style class="kcz-sequence-font">@font-face{{font-family:"{SEQUENCE_FAMILY}";font-display:block;'
            f'src:url(data:font/woff2;base64,{data}) format("woff2")}}'
            f'.kcz-sequence{{font-family:"{SEQUENCE_FAMILY}","{FAMILY}",system-ui,sans-serif}}</style>')


def _between(inner: str, last: int = 2):
    """A `re.sub` replacement keeping group 1 and group `last` around `inner` (taken as written)."""
    def replace(m: re.Match) -> str:
        return m[1] + inner + m[last]
    return replace


def sequence(entries: list[dict]) -> dict[str, tuple[dict | None, dict | None]]:
    """Name -> (previous, next) reader page in the same language, in the run's order (reports.toml).

    Only reports whose reader page is in the run count; the first has no previous, the last no next.
    """
    pages = [e for e in entries if f"{e['name']}.html" in (e.get("files") or [])]
    by_lang: dict[str, list[dict]] = {}
    for e in pages:
        by_lang.setdefault(str(e["parameters"].get("lang")), []).append(e)
    found: dict[str, tuple[dict | None, dict | None]] = {}
    for group in by_lang.values():
        for i, e in enumerate(group):
            found[e["name"]] = (group[i - 1] if i else None, group[i + 1] if i + 1 < len(group) else None)
    return found


def finish_pages(entries: list[dict], folder: Path, pdfs: list[str]) -> None:
    """Fill in what a page can know only once the run is done, and record the pages again.

    Each reader page in `folder` gets its previous/next links (`sequence`, titled from
    `entry["reader"]`) and, when `<name>.pdf` is among `pdfs`, its "Print / PDF" link points
    to the PDF. The regions are replaced, never appended, so a page copied from the cache is
    finished the same way; `entry["outputs"]` records the page as it now is.

    Args:
        entries: The run's manifest entries, in reports.toml order, with `reader` meta read.
        folder: The run folder.
        pdfs: The PDF file names the build printed.
    """
    from kczlib.publish.cache import output_record
    from kczlib.publish.html.words import chrome

    for name, (before, after) in sequence(entries).items():
        entry = next(e for e in entries if e["name"] == name)
        path = file_in(folder, f"{name}.html")
        if not path.is_file():
            continue
        words = chrome(str(entry["parameters"].get("lang")))
        links = [f'<a rel="{rel}" href="{escape(e["name"], quote=True)}.html">'
                 f'<span class="kcz-seq-label">{escape(words[key])}</span> '
                 f'{escape((e.get("reader") or {}).get("title") or e["name"])}</a>'
                 for rel, key, e in (("prev", "block.previous", before), ("next", "block.next", after)) if e]
        inner = "".join(links)
        if entry["parameters"].get("lang") == "en":  # a Chinese word in a title: marked, as on the page
            from kczlib.publish.html.lang_marks import mark_chinese

            inner = mark_chinese(inner)
        page = path.read_text(encoding="utf-8")
        page = _SEQUENCE.sub(_between(inner), page, count=1)
        page = _SEQUENCE_FONT.sub("", page).replace("</head>", sequence_font(inner) + "</head>", 1)
        pdf = escape(f"{name}.pdf", quote=True) if f"{name}.pdf" in pdfs else ""
        page = _PRINT_LINK.sub(f'<a class="kcz-print-link" href="{pdf or "#kcz-print"}">', page, count=1)
        hint = escape(words["block.print_hint"])
        if pdf:
            hint = f'<a href="{pdf}">{escape(words["block.pdf_link"])}</a> · {hint}'
        page = _PRINT_HINT.sub(_between(hint, last=3), page, count=1)
        replace_text(path, page)  # never into the file: a reused page is a link to an earlier run's
        if isinstance(entry.get("outputs"), dict):
            entry["outputs"][f"{name}.html"] = output_record(path)
