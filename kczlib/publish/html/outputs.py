"""Which notebook outputs reach a page, and in what form: one policy for every output.

`safe_notebook` runs over a notebook's outputs before nbconvert sees them, so no
template block (nbconvert's `data_mermaid` wrote its text raw; `data_javascript` and
`data_widget_view` write `<script>`) ever receives anything but what is listed here:

| MIME type | what the page gets |
|---|---|
| `text/html` | `sanitize.clean_fragment` (nh3 allow-list) |
| `image/svg+xml` | `sanitize.clean_svg` (nh3 SVG allow-list), shown as a `data:` image |
| `text/markdown` | kept; nbconvert renders it and its `clean_html` filter is `clean_fragment` |
| `image/png`, `image/jpeg` | kept if the data is base64 (shown as `data:` images) |
| `text/plain` | kept (the templates escape it) |
| `text/vnd.mermaid` | its source, as `text/plain` (no diagram renderer is shipped) |
| `text/latex` | its source as `text/plain`, unless the output has its own `text/plain` |
| `application/vnd.kcz.reader+json` | kept as data (`reader_page` reads it; never displayed) |
| anything else (`application/javascript`, widget views, `application/pdf`, unknown) | dropped |

Output metadata keeps only what the templates read as values: `width`/`height` when
they are numbers (nbconvert writes `width=` unquoted), `needs_background`, `unconfined`,
and kcz's own `kcz` (the reader page's alt text and parts); `filenames` (which would
replace a `data:` image by a path) goes. Stream and error outputs pass (the templates
escape their text); an output of an unknown `output_type` is dropped. The notebook's
widget state (`metadata.widgets`) goes too.

A dropped type leaves a note in the analyst page, a `text/plain` output right after it
("(output of type application/javascript not shown)", in the page's language: words.py): the
person who wrote the notebook sees what the page left out. The reader page leaves it
out silently: a reader cannot act on it, and the analyst page is one click away.
"""

from __future__ import annotations

import base64
import binascii
import copy

from kczlib.contract import READS_MIME
from kczlib.publish.html.reader_page import READER_MIME
from kczlib.publish.html.sanitize import clean_fragment, clean_svg
from kczlib.publish.html.words import chrome

KEPT_AS_IS = {"text/plain", "text/markdown"}
IMAGES = {"image/png", "image/jpeg"}
DATA_ONLY = {READER_MIME, READS_MIME}  # read by the build, never displayed by a template
OUTPUT_TYPES = {"stream", "error", "display_data", "execute_result"}
NOTE_MARK = "kcz_note"  # output metadata key of the notes this module adds


def safe_bundle(data: dict) -> tuple[dict, list[str]]:
    """A MIME bundle reduced to what the policy (module docstring) lets through.

    Returns (kept bundle, dropped MIME types in the order given). A type whose
    sanitised form is empty (an SVG without an `<svg>`, an image that is not base64)
    counts as dropped. Values may be str or a list of str (nbformat's multi-line form).
    """
    kept: dict = {}
    dropped: list[str] = []
    for mime, value in data.items():
        text = _text(value)
        if mime in DATA_ONLY:
            kept[mime] = value
        elif not isinstance(text, str):
            dropped.append(mime)
        elif mime in KEPT_AS_IS:
            kept[mime] = text
        elif mime == "text/html":
            kept[mime] = clean_fragment(text)
        elif mime == "image/svg+xml" and (svg := clean_svg(text)):
            kept[mime] = svg
        elif mime in IMAGES and _is_base64(text):
            kept[mime] = text
        elif mime in ("text/vnd.mermaid", "text/latex"):
            pass  # shown as text below
        else:
            dropped.append(mime)
    mermaid, latex = _text(data.get("text/vnd.mermaid")), _text(data.get("text/latex"))
    if isinstance(mermaid, str):
        kept["text/plain"] = mermaid.strip()  # the diagram's source, rather than a repr
    elif isinstance(latex, str) and "text/plain" not in kept:
        kept["text/plain"] = latex
    return kept, dropped


def _text(value):
    return "".join(value) if isinstance(value, list) else value


def _is_base64(text: str) -> bool:
    try:
        base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return False
    return bool(text.strip())


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 1e5


def safe_metadata(metadata: dict) -> dict:
    """Output metadata with only values the templates may write.

    Args:
        metadata: An output's metadata, from the notebook (untrusted).

    Returns:
        Per image type `width`/`height` (positive numbers), `needs_background`
        ('light'/'dark') and `unconfined` (bool); the top-level `kcz` (kcz's own: alt text,
        part) unchanged.
    """
    safe: dict = {}
    if "kcz" in metadata:
        safe["kcz"] = metadata["kcz"]
    for mime in ("image/png", "image/jpeg", "image/svg+xml"):
        given = metadata.get(mime)
        if not isinstance(given, dict):
            continue
        entry = {k: given[k] for k in ("width", "height") if _number(given.get(k))}
        if given.get("needs_background") in ("light", "dark"):
            entry["needs_background"] = given["needs_background"]
        if isinstance(given.get("unconfined"), bool):
            entry["unconfined"] = given["unconfined"]
        if entry:
            safe[mime] = entry
    for key in ("width", "height"):  # nbconvert's get_metadata also reads these top-level keys
        if _number(metadata.get(key)):
            safe[key] = metadata[key]
    return safe


def _note(dropped: list[str], lang: str) -> dict:
    import nbformat

    text = "\n".join(chrome(lang)["output_not_shown"].format(mime=m) for m in dropped)
    return nbformat.v4.new_output("display_data", data={"text/plain": text}, metadata={NOTE_MARK: True})


def safe_outputs(outputs: list, notes: bool, lang: str = "en") -> list:
    """`outputs` (a cell's list) passed through the policy; see `safe_notebook`."""
    import nbformat

    result = []
    for output in outputs:
        kind = output.get("output_type")
        if kind not in OUTPUT_TYPES:
            dropped = [f"{kind}"]
        elif kind in ("stream", "error"):
            result.append(output)
            continue
        else:
            data, dropped = safe_bundle(dict(output.get("data") or {}))
            if data:
                fields = {"data": data, "metadata": safe_metadata(dict(output.get("metadata") or {}))}
                if kind == "execute_result":
                    fields["execution_count"] = output.get("execution_count")
                result.append(nbformat.from_dict({"output_type": kind, **fields}))
        if dropped and notes:
            result.append(_note(dropped, lang))
    return result


def safe_notebook(nb, notes: bool, lang: str | None = None):
    """A copy of `nb` whose every output went through the policy (module docstring).

    `notes`: add a visible note where an output type was dropped (the analyst page),
    in `lang` ('zh' or 'en'; other values give English). Cells, sources and stream and
    error outputs are unchanged; the notebook's `metadata.widgets` is removed.
    """
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if "outputs" in cell:
            cell.outputs = safe_outputs(cell.outputs, notes, lang or "en")
    return nb
