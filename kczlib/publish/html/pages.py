"""The files of one executed report: the shared notebook and its two HTML views.

`write_outputs` runs in the build's export processes (html/export_pool.py) or, on a Dask
worker, in the worker; it is the last step of `runner.run_report`.
"""

from __future__ import annotations

from pathlib import Path

from kczlib.publish.run_folder import file_in
from kczlib.publish.scrub import scrub_notebook, working_folders


def write_outputs(nb, entry: dict, folder: Path, source_dir: Path, lang: str | None,
                  kernel_dir: Path | None = None) -> None:
    """Write a report's notebook and pages into `folder`, scrubbed, with the provenance block.

    The files are `<name>.ipynb`, `<name>.html`, `<name>.analyst.html` and the page's data
    downloads `<name>.csv` and `<name>.xlsx` (html/downloads.py).
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
    from kczlib.publish.html.downloads import write_page_data
    from kczlib.publish.html.export import to_html
    from kczlib.publish.html.provenance import append_provenance
    from kczlib.publish.html.reader_page import page_resources, reader_meta, reader_notebook, without_reader_meta

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
    reader_html = to_html(reader_notebook(nb), title, lang, reader=True, resources_path=str(source_dir),
                          page=page_resources(meta, entry, lang))
    file_in(folder, f"{name}.html").write_text(reader_html, encoding="utf-8")
    analyst_html = to_html(without_reader_meta(nb), title, lang, reader=False, resources_path=str(source_dir))
    file_in(folder, f"{name}.analyst.html").write_text(analyst_html, encoding="utf-8")
    write_page_data(folder, name, meta.get("numbers") or [], lang)
