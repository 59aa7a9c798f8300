"""export.PageExporter: nbconvert's HTML export without its BeautifulSoup pass, same pages.

nbconvert's `HTMLExporter.from_notebook_node` parses each rendered page with BeautifulSoup to
add alt texts and tabindexes; kcz makes those edits on the lexbor tree it parses anyway
(`sanitize.offline_page(..., nbconvert_marks=True)`). These tests export real notebooks with
the real nbconvert both ways and compare the documents a browser builds from the two pages.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from nbconvert import HTMLExporter
from selectolax.lexbor import LexborHTMLParser

from kczlib.publish.html import export
from kczlib.publish.html.fonts import embed_font, page_characters
from kczlib.publish.html.outputs import safe_notebook
from kczlib.publish.html.sanitize import offline_page

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
# nbconvert 7.16/7.17's text for an <img> without alt (nbconvert/exporters/html.py)
NBCONVERT_ALT = "No description has been provided for this image"


def notebook() -> nbformat.NotebookNode:
    """A Markdown cell with an <img> without alt and an image with one, and a code cell with one output."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    code = nbformat.v4.new_code_cell("x = '成都'\nx")
    code.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "'成都'"}, execution_count=1)]
    code.execution_count = 1
    nb.cells = [nbformat.v4.new_markdown_cell(f'# 标题 Title\n\n<img src="data:image/png;base64,{PNG}">\n\n'
                                              f"![a dot](data:image/png;base64,{PNG})"),
                code]
    return nb


def dom(page: str) -> list[str]:
    """The document as a browser builds it: nodes in order, attributes as a sorted set, class
    as its tokens, and runs of whitespace outside <pre>/<code>/<style> as one space (how they render)."""
    out = []
    for node in LexborHTMLParser(page).root.traverse(include_text=True):
        if node.tag == "-text":
            text, parent = node.text_content, node.parent
            while parent is not None and parent.tag not in ("pre", "code", "style", "textarea"):
                parent = parent.parent
            out.append("text:" + (text if parent is not None else re.sub(r"\s+", " ", text)))
        else:
            attrs = sorted((k, " ".join((v or "").split()) if k == "class" else (v or ""))
                           for k, v in node.attributes.items())
            out.append(f"<{node.tag} {attrs}>")
    return out


def nbconvert_page(nb, lang: str) -> str:
    """The analyst page as before PageExporter: nbconvert's own from_notebook_node, BeautifulSoup pass included."""
    exporter = export.make_exporter(reader=False)
    exporter.language_code = lang
    safe = safe_notebook(nb, notes=True, lang=lang)
    safe.metadata["title"] = "t"
    body, _ = HTMLExporter.from_notebook_node(exporter, safe, resources={"metadata": {"name": "t", "path": "."}})
    return offline_page(embed_font(body))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_analyst_page_is_the_document_nbconvert_makes(lang):
    nb = notebook()  # once: cell ids are random
    ours = export.to_html(nb, "t", lang, reader=False, resources_path=".")
    assert dom(ours) == dom(nbconvert_page(nb, lang))


def test_images_get_nbconvert_alt_text_and_cells_their_tabindex():
    page = LexborHTMLParser(export.to_html(notebook(), "t", "en", reader=False, resources_path="."))
    # the <img> had no alt, the Markdown image had "a dot"
    assert [img.attributes.get("alt") for img in page.css("img")] == [NBCONVERT_ALT, "a dot"]
    # the lab template wraps each cell's input (two cells) and each output (the code cell's one)
    assert len(page.css(".jp-Notebook div.jp-Cell-inputWrapper")) == 2
    assert len(page.css(".jp-Notebook div.jp-OutputArea-output")) == 1
    assert [n.attributes.get("tabindex") for n in page.css(".jp-Notebook div.jp-Cell-inputWrapper, "
                                                           ".jp-Notebook div.jp-OutputArea-output")] == ["0"] * 3


def test_the_font_subset_holds_the_alt_text_an_image_will_get():
    img = f'<p>中</p><img src="data:image/png;base64,{PNG}">'
    assert {"N", "q"} <= set(page_characters(img, img_alt="Nq"))
    with_alt = f'<p>中</p><img alt="" src="data:image/png;base64,{PNG}">'
    assert "q" not in page_characters(with_alt, img_alt="Nq")
    assert "q" not in page_characters("<p>中</p>", img_alt="Nq")
