"""The output policy (kczlib.publish.html.outputs) and the page pass's script/template/CSP rules,
without a browser: which MIME types reach a page, in what form, and what the page
carries. The browser corpus (test_xss_corpus.py) checks the same pages with JavaScript on.
"""

from __future__ import annotations

import base64
import io
import xml.etree.ElementTree as ET

import nbformat
import pytest

from kczlib.publish.html.export import to_html
from kczlib.publish.html.index_page import render_index
from kczlib.publish.html.outputs import NOTE_MARK, safe_bundle, safe_metadata, safe_notebook
from kczlib.publish.html.reader_page import READER_MIME, page_resources
from kczlib.publish.html.sanitize import CSP, CSP_META, clean_fragment, clean_svg, offline_page

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
# the attack log's X2 payload, as a mermaid output would carry it
MERMAID = ('graph TD; A-->B</pre><script>document.title="PWNED-mermaid"</script>'
           '<img src="http://127.0.0.1:9/mermaid-img.png"><div><template shadowrootmode="open">'
           '<img src="http://127.0.0.1:9/mermaid-shadow.png"></template></div><pre>')


def notebook(*bundles, metadata=None) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.outputs = [nbformat.v4.new_output("display_data", data=b, metadata=metadata or {}) for b in bundles]
    nb.cells = [cell]
    return nb


# --- the policy, type by type ----------------------------------------------------------

def test_html_is_cleaned_by_the_allow_list_and_keeps_its_text():
    kept, dropped = safe_bundle({"text/html": '<p onclick="x()">kept <b>bold</b></p><script>x()</script>'
                                              '<template><img src="data:image/png;base64,AA=="></template>'})
    assert kept == {"text/html": "<p>kept <b>bold</b></p>"} and dropped == []


@pytest.mark.parametrize("mime", ["application/javascript", "application/vnd.jupyter.widget-view+json",
                                  "application/vnd.jupyter.widget-state+json", "text/x-evil", "application/pdf",
                                  "image/gif"])
def test_types_outside_the_policy_are_dropped_and_named(mime):
    kept, dropped = safe_bundle({mime: "<script>x()</script>", "text/plain": "repr"})
    assert kept == {"text/plain": "repr"} and dropped == [mime]


def test_mermaid_becomes_its_source_as_plain_text_over_any_repr():
    kept, dropped = safe_bundle({"text/plain": "<Mermaid object>", "text/vnd.mermaid": "  " + MERMAID + "\n"})
    assert kept == {"text/plain": MERMAID} and dropped == []


def test_latex_is_text_and_yields_to_its_own_plain_repr():
    assert safe_bundle({"text/latex": r"\href{javascript:x}{y}"}) == ({"text/plain": r"\href{javascript:x}{y}"}, [])
    assert safe_bundle({"text/latex": "$x$", "text/plain": "x"}) == ({"text/plain": "x"}, [])


def test_images_stay_as_data_unless_they_are_not_base64():
    assert safe_bundle({"image/png": PNG, "image/jpeg": PNG}) == ({"image/png": PNG, "image/jpeg": PNG}, [])
    assert safe_bundle({"image/png": '" onerror="x()'}) == ({}, ["image/png"])


def test_the_reader_meta_stays_as_data_untouched():
    meta = {"title": "<script>x()</script>", "key_numbers": [{"label": "<b>", "value": "1"}]}
    assert safe_bundle({READER_MIME: meta}) == ({READER_MIME: meta}, [])


def test_image_metadata_keeps_numbers_only_and_loses_filenames():
    hostile = {"filenames": {"image/png": "//host/a.png"},
               "image/png": {"width": "1 onerror=x()", "height": 40, "needs_background": "<x>", "unconfined": True},
               "kcz": {"alt": "chart", "part": "appendix"}, "width": True}
    assert safe_metadata(hostile) == {"kcz": {"alt": "chart", "part": "appendix"},
                                      "image/png": {"height": 40, "unconfined": True}}


def test_svg_keeps_shapes_and_in_image_references_and_loses_everything_active():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 4 4">'
           '<defs><clipPath id="c"><rect width="4" height="4"/></clipPath></defs>'
           '<path id="p" d="M0 0L4 4" style="stroke: #123456; behavior: x" clip-path="url(#c)"/>'
           '<rect id="r" style="fill: url(http://127.0.0.1:9/s.svg#g)"/>'
           '<use xlink:href="#p"/><use href="http://127.0.0.1:9/u.svg#p"/>'
           '<foreignObject><img src="x" onerror="x()"/></foreignObject>'
           '<animate attributeName="href" values="javascript:x()"/><set attributeName="fill" to="red"/>'
           '<a href="javascript:x()"><text>t</text></a><image href="http://127.0.0.1:9/i.png"/>'
           '<rect fill="url(http://127.0.0.1:9/f.svg#g)" onload="x()"/><script>x()</script><style>*{}</style></svg>')
    cleaned = clean_svg(svg)
    root = ET.fromstring(cleaned)  # well-formed XML: an <img> can show it
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg" and root.get("viewBox") == "0 0 4 4"
    assert [u.get("href") for u in root.iter(f"{ns}use")] == ["#p", None]
    path = next(root.iter(f"{ns}path"))
    assert path.get("clip-path") == "url(#c)" and path.get("style") == "stroke:#123456"
    assert [r.get("style") for r in root.iter(f"{ns}rect") if r.get("id") == "r"] == [None]
    for gone in ("foreignObject", "animate", "<set", "image", "script", "<style", "onerror", "onload",
                 "javascript", "127.0.0.1"):
        assert gone not in cleaned
    assert "<text>t</text>" in cleaned  # the <a> goes, its text stays


def test_a_matplotlib_svg_chart_survives_the_svg_policy():
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([1, 2, 3], [1, 3, 2], "o-")
    ax.set_title("chart")
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    original = ET.fromstring(buf.getvalue().encode())
    cleaned = ET.fromstring(clean_svg(buf.getvalue()))
    ns = "{http://www.w3.org/2000/svg}"
    for tag in ("path", "use", "g", "clipPath"):  # every shape and reference of the chart is kept
        assert len(list(cleaned.iter(ns + tag))) == len(list(original.iter(ns + tag))) > 0, tag
    ids = {e.get("id") for e in cleaned.iter() if e.get("id")}
    assert all(u.get("href")[1:] in ids for u in cleaned.iter(ns + "use"))


@pytest.mark.parametrize("svg", ["", "<p>no svg</p>", "<script>x()</script>"])
def test_an_svg_output_without_an_svg_is_dropped(svg):
    assert clean_svg(svg) is None
    assert safe_bundle({"image/svg+xml": svg}) == ({}, ["image/svg+xml"])


@pytest.mark.parametrize("href", ["jAvAsCrIpT:x()", " javascript:x()", "java\tscript:x()", "vbscript:x",
                                  "data:text/html,<script>x()</script>", "file:///etc/passwd"])
def test_links_in_html_keep_only_web_mail_and_in_page_targets(href):
    assert clean_fragment(f'<a href="{href}">x</a>') == "<a>x</a>"
    assert clean_fragment('<a href="#s">x</a><a href="https://example.org/">y</a>') == \
        '<a href="#s">x</a><a href="https://example.org/">y</a>'


# --- the notebook pass ----------------------------------------------------------------------

def test_the_analyst_copy_notes_each_dropped_type_the_reader_copy_does_not():
    nb = notebook({"application/javascript": "x()"}, {"text/x-evil": "<b>", "text/plain": "plain"},
                  {"text/html": "<p>ok</p>"})
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"x": "</script><script>x()"}}
    analyst = safe_notebook(nb, notes=True, lang="en")
    texts = [(o.data.get("text/plain") or o.data.get("text/html"), bool(o.metadata.get(NOTE_MARK)))
             for o in analyst.cells[0].outputs]
    assert texts == [("(output of type application/javascript not shown)", True), ("plain", False),
                     ("(output of type text/x-evil not shown)", True), ("<p>ok</p>", False)]
    assert "widgets" not in analyst.metadata
    reader = safe_notebook(nb, notes=False)
    assert [o.data for o in reader.cells[0].outputs] == [{"text/plain": "plain"}, {"text/html": "<p>ok</p>"}]
    assert "widgets" in nb.metadata and len(nb.cells[0].outputs) == 3  # the given notebook is unchanged


def test_the_note_is_in_the_page_language_and_streams_and_errors_pass():
    nb = notebook({"application/javascript": "x()"})
    nb.cells[0].outputs += [nbformat.v4.new_output("stream", name="stdout", text="<b>printed</b>"),
                            nbformat.v4.new_output("error", ename="E", evalue="v", traceback=["<t>"]),
                            nbformat.from_dict({"output_type": "evil", "data": {"text/html": "<script>"}})]
    outputs = safe_notebook(nb, notes=True, lang="zh").cells[0].outputs
    assert outputs[0].data["text/plain"] == "（未显示类型为 application/javascript 的输出）"
    assert [o.output_type for o in outputs[1:]] == ["stream", "error", "display_data"]
    assert outputs[3].data["text/plain"] == "（未显示类型为 evil 的输出）"


# --- pages ------------------------------------------------------------------------------

def test_offline_page_removes_the_attack_logs_shadow_template_and_scripts():
    page = offline_page('<div><template shadowrootmode="open"><img src="http://127.0.0.1:9/x.png"></template></div>'
                        '<script>document.title="x"</script><svg><script>x()</script></svg>'
                        '<noscript><img src=x></noscript><base href="http://127.0.0.1:9/"><p>kept</p>')
    for gone in ("template", "127.0.0.1", "<script", "noscript", "<base"):
        assert gone not in page
    assert "<p>kept</p>" in page


def test_offline_page_writes_its_own_policy_once_and_no_policy_from_an_output_survives():
    page = offline_page('<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body>'
                        '<meta http-equiv="Content-Security-Policy" content="script-src *">'
                        '<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/r"></body></html>')
    assert page.count("http-equiv") == 1 and page.index(CSP_META) < page.index("<title>")
    assert "script-src *" not in page and "refresh" not in page


def test_the_policy_forbids_script_and_every_network_source():
    directives = dict(d.strip().split(" ", 1) for d in CSP.split(";"))
    assert directives["default-src"] == directives["script-src"] == directives["connect-src"] == "'none'"
    assert directives["img-src"] == directives["font-src"] == "data:"
    assert directives["base-uri"] == directives["form-action"] == "'none'"
    assert "http" not in CSP and "*" not in CSP and "unsafe-eval" not in CSP


@pytest.mark.parametrize("reader", [False, True])
def test_an_exported_page_of_hostile_outputs_has_no_script_and_shows_mermaid_as_text(reader):
    nb = notebook({"text/vnd.mermaid": MERMAID}, {"application/javascript": "document.title='js'"},
                  {"application/vnd.jupyter.widget-view+json": {"model_id": "</script><script>x()</script>"}},
                  {"text/html": '<div><template shadowrootmode="open"><img src="http://127.0.0.1:9/h.png">'
                                "</template></div><p>kept</p>"})
    page = page_resources({"title": "t"}, {"name": "t", "parameters": {"case": "chengdu", "lang": "en"}}, "en")
    html = to_html(nb, "t", "en", reader=reader, resources_path=".", page=page if reader else None)
    assert "<script" not in html and "<template" not in html and "127.0.0.1:9/h.png" not in html
    assert html.count(CSP_META) == 1
    assert "graph TD; A--&gt;B&lt;/pre&gt;&lt;script&gt;" in html and "<p>kept</p>" in html
    notes = "(output of type application/javascript not shown)" in html
    assert notes is not reader


def test_both_index_pages_carry_the_policy():
    manifest = {"reports": [], "started_at": "2026-01-02T03:04:05Z", "run": "r", "seconds": 1.0,
                "counts": {}, "git_commit": None}
    for lang in ("zh", "en"):
        page = render_index(manifest, lang)
        assert page.count(CSP_META) == 1 and page.index(CSP_META) < page.index("<title>")


@pytest.mark.parametrize("lang, note", [("zh", "（超时）"), ("en", "(timeout)")])
def test_a_failed_reports_kind_is_in_the_pages_own_brackets(lang, note):
    # a fresh user: the Chinese index read 出错 in half-width brackets, (出错)
    failed = {"name": f"r-{lang}", "parameters": {"lang": lang}, "status": "failed", "seconds": 1.0,
              "data_version": "abc", "error": {"kind": "timeout", "head": "CellTimeoutError: cell 3"}}
    manifest = {"reports": [failed], "started_at": "2026-01-02T03:04:05Z", "run": "r", "seconds": 1.0,
                "counts": {"failed": 1}, "git_commit": None}
    page = render_index(manifest, lang)
    assert f'<span class="kcz-kind">{note}</span>' in page  # the run's table
    card = "本报告这次未能生成（超时）" if lang == "zh" else "This report could not be built in this run (timeout)"
    assert f"<p>{card}</p>" in page  # the report's card: it read 未能生成 (超时)
    # its case (none given) has no readable case.json: no empty source title (a fresh user saw “”)
    assert "《》" not in page and "“”" not in page


def test_a_png_output_reaches_the_page_as_data():
    html = to_html(notebook({"image/png": PNG}), "t", "en", reader=False, resources_path=".")
    assert f'src="data:image/png;base64,{PNG}"' in html
    assert base64.b64decode(PNG).startswith(b"\x89PNG")
