"""Executed notebook -> self-contained HTML, in-process (no `jupyter nbconvert` per report).

Two views: the reader's (code and prompts hidden; its own template and stylesheet,
`templates/kcz_reader.html.j2`, filled by `reader_page.py`, with the CJK font subset
embedded by `fonts.py`) and the analyst's (nbconvert's lab look, code shown).
Both open offline: nbconvert's lab template loads require.js, MathJax and mermaid
from CDNs, so a small template extending it drops those blocks; chart outputs are
already PNG data URIs, and `embed_images` inlines Markdown images too.

Every output first goes through one policy, `outputs.safe_notebook` (which MIME types
reach the page, each sanitised with nh3; JavaScript, widgets, mermaid's raw text and
unknown types never reach a template block). HTML from Markdown cells goes through the
same allow-list: nbconvert's own `clean_html` keeps only a handful of tags (no headings,
paragraphs or table headers: rendered Markdown would show escaped `<h2>`), so
`sanitize.clean_fragment` replaces it. The finished page then goes through
`sanitize.offline_page`, which removes every load from outside the page and every
script, and writes the page's Content-Security-Policy.
"""

from __future__ import annotations

import os
import re
import threading
from html import escape
from typing import Any

from jinja2 import DictLoader, FileSystemLoader
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

from kczlib.publish.html.fonts import FAMILY, FONT_FACE_MARKER
from kczlib.publish.html.outputs import safe_notebook
from kczlib.publish.html.sanitize import NO_ALT_TEXT, clean_fragment, offline_page

OFFLINE_TEMPLATE = "kcz_offline.html.j2"
# The analyst page takes the CJK subset too (fonts.embed_font fills the marker): Chinese
# titles, comments and outputs must not be boxes on a machine without a CJK font. The lab
# theme's font variables are set on <body>, so they win over the theme's :root values.
# The subset comes first in the prose font (it has Latin letters too, from the same page):
# behind a Latin family, Chromium drew some headings' CJK characters as boxes.
ANALYST_FONT_CSS = (
    f"<style>{FONT_FACE_MARKER}body{{"
    f'--jp-content-font-family:"{FAMILY}",system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;'
    f'--jp-ui-font-family:var(--jp-content-font-family);'
    f'--jp-code-font-family:Menlo,Consolas,"DejaVu Sans Mono","{FAMILY}",monospace}}</style>'
)
OFFLINE_TEMPLATE_SOURCE = """\
{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{% raw %}""" + ANALYST_FONT_CSS + """{% endraw %}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def clean_html(html) -> str:
    """Nbconvert's `clean_html` filter: see `sanitize.clean_fragment`."""
    return clean_fragment(html)


class PageExporter(HTMLExporter):
    """nbconvert's HTMLExporter without its BeautifulSoup pass over the rendered page.

    `HTMLExporter.from_notebook_node` (nbconvert 7.16/7.17) renders the template, then parses
    the whole page with BeautifulSoup to give each `<img>` without `alt` a stock text and the
    lab template's input and output wrappers `tabindex="0"`, and serialises it again: about a
    third of `to_html`'s time (profiled, docs/performance.md). Every kcz page is parsed once
    more anyway (`sanitize.offline_page`, lexbor), so those edits are made there, on that tree
    (`sanitize._nbconvert_marks`). The page is the same document; only BeautifulSoup's way of
    writing it goes (attributes sorted by name, `class` respaced, some whitespace runs between
    tags shortened). tests/unit/publish/test_page_exporter.py compares the two exporters.
    """

    def from_notebook_node(self, nb, resources=None, **kw):  # type: ignore[override]
        """As `HTMLExporter.from_notebook_node` up to the rendered page: (html, resources)."""
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                 resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


def make_exporter(reader: bool) -> HTMLExporter:
    """A new nbconvert HTML exporter for kcz's pages, images embedded and HTML sanitised.

    Args:
        reader: True for the reader page (kcz's reader template, no code cells or prompts);
            False for the analyst page (the offline "lab" template, code shown).

    Returns:
        The exporter (a `PageExporter`: its page still needs `offline_page(..., nbconvert_marks=True)`);
        not thread-safe, so each thread builds its own (`_exporter`).
    """
    from kczlib.publish.html.reader_page import READER_TEMPLATE, TEMPLATES

    exporter = PageExporter(
        template_name="lab",
        extra_loaders=[DictLoader({OFFLINE_TEMPLATE: OFFLINE_TEMPLATE_SOURCE}), FileSystemLoader(str(TEMPLATES))],
        template_file=READER_TEMPLATE if reader else OFFLINE_TEMPLATE,
        embed_images=True,
        sanitize_html=True,
        exclude_input=reader,
        exclude_input_prompt=reader,
        exclude_output_prompt=reader,
        filters={"clean_html": clean_html},
    )
    return exporter


_local = threading.local()  # exporters are not shared between threads; built once per thread


def _exporter(reader: bool) -> HTMLExporter:
    key = "reader" if reader else "analyst"
    if not hasattr(_local, key):
        setattr(_local, key, make_exporter(reader))
    return getattr(_local, key)


def to_html(nb, title: str, lang: str | None, reader: bool, resources_path: str,
            page: dict | None = None) -> str:
    """`nb` as HTML. A reader page needs `page` (reader_page.page_resources) and gets its font.

    The outputs are passed through `outputs.safe_notebook` first (a copy; `nb` is not
    changed): the analyst page notes each output type left out, the reader page does not.
    """
    nb = safe_notebook(nb, notes=not reader, lang=lang)
    nb.metadata["title"] = title
    exporter = _exporter(reader)
    exporter.language_code = lang if lang in ("zh", "en") else "en"
    resources: dict[str, Any] = {"metadata": {"name": title, "path": resources_path}}
    if reader:
        from kczlib.publish.html.fonts import embed_font

        resources["kcz"] = page
        body, _ = exporter.from_notebook_node(nb, resources=resources)
        if exporter.language_code == "en":
            from kczlib.publish.html.lang_marks import mark_chinese

            body = mark_chinese(body)
        # last: nothing in the page may load from outside it
        return offline_page(embed_font(draft_note(body, lang), NO_ALT_TEXT), nbconvert_marks=True)
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    from kczlib.publish.html.fonts import embed_font

    return offline_page(embed_font(draft_note(body, lang), NO_ALT_TEXT), nbconvert_marks=True)


# Set by `kcz build --draft` (kczlib.cli) for the build it runs: every page says it shows an uncurated draft.
DRAFT_PREVIEW_ENV = "KCZ_DRAFT_PREVIEW"
_BODY_OPEN = re.compile(r"<body\b[^>]*>")


def draft_note(body: str, lang: str | None) -> str:
    """`body` with the draft note (`page.draft_note`) first in it when `$KCZ_DRAFT_PREVIEW` is set.

    Args:
        body: a whole HTML page, before its font is embedded (the note's characters join the subset).
        lang: the page's language (zh or en; English for anything else).

    Returns:
        The page, unchanged outside a draft preview.
    """
    if not os.environ.get(DRAFT_PREVIEW_ENV):
        return body
    from kczlib.publish.html.words import chrome

    note = f'<p class="kcz-draft" role="note"><strong>{escape(chrome(lang or "en")["draft_note"])}</strong></p>'
    return _BODY_OPEN.sub(lambda m: m.group(0) + note, body, count=1)
