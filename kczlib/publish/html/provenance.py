"""The provenance block every report ends with: what exactly it was built from."""

from __future__ import annotations

import json
import re
from html import escape

from kczlib.publish.html.words import chrome

PROVENANCE_TAG = "kcz-provenance"
HEADINGS = ("title", "parameters", "data_files", "packages", "code_version", "built_at")
"""Keys of the block's headings under `page.provenance` in kczlib/words/page.toml."""


def code_span(text: str) -> str:
    """`text` as a Markdown code span, shown verbatim.

    Markdown escapes a code span's content itself, so HTML-escaping it first would show
    `&quot;` to the reader. The fence is one backtick longer than any run inside
    (CommonMark, "Code spans"), padded when the text starts or ends with a backtick.
    """
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text[:1] == "`" or text[-1:] == "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def data_read(entry: dict) -> dict[str, str]:
    """{data file: hash} of what the report read of the data (`kczlib.reads`), else of all its data files.

    A file read whole shows its sha256; a table of which the report read some rows or
    columns shows the hash of those (`kczlib.reads.digest`), so an edit of a row it did not
    read changes neither the page nor its provenance. A report without a record (it failed
    before recording) shows every data file of its case, with its sha256.
    """
    from kczlib.reads import digest

    files = (entry.get("reads") or {}).get("files") if isinstance(entry.get("reads"), dict) else None
    if not isinstance(files, dict):
        return dict(entry["inputs"]["data"])
    return {name.split(":", 1)[1]: digest(rec) for name, rec in files.items()
            if name.startswith("data:") and isinstance(rec, dict)}


def provenance_cell(entry: dict, lang: str | None):
    """The provenance block of a report: a Markdown cell from its manifest entry.

    Values go in code spans (escaped once, by the Markdown renderer) or are HTML-escaped as
    text: they may come from data.

    Args:
        entry: The report's manifest entry.
        lang: The report's language for the headings; None or an unknown one gives English.

    Returns:
        The nbformat Markdown cell, tagged as the provenance block.
    """
    words = chrome(lang or "en")
    title, params, data, versions, commit, built = (
        words[f"provenance.{key}"].format(hash="sha256", vcs="git", zone="UTC") for key in HEADINGS)
    lines = [f"## {title}", "", f"**{params}**", ""]
    lines += [f"- {code_span(k)} = {code_span(json.dumps(v, ensure_ascii=False))}"
              for k, v in entry["parameters"].items()]
    lines += ["", f"**{data}**", ""]
    lines += [f"- {code_span(path)}: {code_span(sha[:16])}" for path, sha in data_read(entry).items()]
    lines += ["", f"**{versions}**: " + ", ".join(
        f"{escape(k)} {escape(v)}" for k, v in entry["versions"].items())]
    lines += ["", f"**{commit}**: {code_span(entry.get('git_commit') or 'unknown')}",
              "", f"**{built}**: {escape(entry['built_at'])}"]
    import nbformat  # here: importing it costs a cached build most of its second

    cell = nbformat.v4.new_markdown_cell("\n".join(lines))
    cell.metadata["tags"] = [PROVENANCE_TAG]
    return cell


def append_provenance(nb, entry: dict, lang: str | None) -> None:
    """Put the provenance block last in `nb`, in place, replacing any earlier one.

    Args:
        nb: The executed notebook.
        entry: Its manifest entry (parameters, data, versions, commit, build time).
        lang: The report's language for the headings; None or an unknown one gives English.
    """
    nb.cells[:] = [c for c in nb.cells if PROVENANCE_TAG not in c.metadata.get("tags", [])]
    nb.cells.append(provenance_cell(entry, lang))
