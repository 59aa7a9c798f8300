"""HTML that opens offline: sanitised fragments, and no network load anywhere in a page.

Three layers, all on real parsers rather than regular expressions:

1. `clean_fragment` (nbconvert's `clean_html` filter, applied to rendered Markdown and
   HTML/Markdown outputs) and `clean_svg` (SVG outputs): nh3 (the ammonia sanitiser, an
   HTML5 parser) keeps an allow-list of tags, attributes and URL schemes;
   `<script>`/`<style>`/`<template>` go with their content. Which outputs reach a page
   at all, and through which of these, is `outputs.safe_notebook`'s policy.
2. `offline_page` (the whole exported page, template included): parsed with lexbor
   (selectolax), a WHATWG-conformant HTML5 parser, so attributes are read exactly as a
   browser reads them (entities decoded: `http&#58;//` is `http://`). In everything a
   browser loads by itself (`src`, `srcset`, `poster`, `data`, `background`, `href` of
   anything but a link a reader clicks, SVG `image`/`use` `href`/`xlink:href`, `srcdoc`,
   CSS `url()`, `image-set()` and `@import` in `<style>` and `style` attributes), only
   `data:` URLs and in-page references (`#id`) stay; the rest is removed. `srcset` is
   dropped everywhere except one `data:image/` PNG or JPEG on a `<picture>`'s `<source>`
   (a chart's phone rendition). Elements that
   load a document or code (`iframe`, `object`, `embed`, `script`, `link`...) keep no
   URL at all (a `data:` document can load from the network itself), bar a `data:image/`
   icon on `<link>`; SVG animations of `href` go too. Elements that run code or hold a
   second document (`script`, `template` with its declarative shadow root, `iframe`,
   `object`, `embed`, `base`, ...) are removed with their content: the templates write
   none, so whatever is there came from a notebook.
3. `CSP_META`, the page's Content-Security-Policy, first in its `<head>` (written by
   `offline_page`, and by the index pages themselves): no script at all, no network
   source of any kind; images and fonts from `data:` only. A browser enforces it even
   where layers 1 and 2 missed something.

URLs are normalised as a browser's URL parser does before the check (WHATWG URL
standard, "basic URL parser": leading and trailing C0 controls and spaces are removed
and tabs and newlines anywhere are dropped), and the normalised value is written
back, so the page holds exactly what was checked. Upper-case schemes, backslashes
and protocol-relative `//host` need no special case: anything that is not `data:` or
`#...` is dropped. Ordinary `<a href="https://...">` links stay (they load nothing
until clicked).
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
import tinycss2

FRAGMENT_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
FRAGMENT_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "style"},
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "align"},
    "td": {"colspan", "rowspan", "align"},
}
URL_SCHEMES = {"http", "https", "mailto", "data"}  # nh3's scheme check; then per attribute:
LINK_SCHEMES = ("http:", "https:", "mailto:", "#")  # <a href> (a data: document is no link)
# Removed with everything inside them (nh3 keeps the text of other unknown tags):
# <template> holds a second document (a declarative shadow root renders it).
DROPPED_WITH_CONTENT = {"script", "style", "template"}
STYLE_PROPERTIES = {
    "color", "background-color", "font-weight", "font-style", "font-size", "font-family",
    "text-align", "vertical-align", "border", "padding", "margin", "width",
}

# Attributes whose value the browser fetches (HTML Living Standard; SVG 2 for href).
LOADING_ATTRIBUTES = {"src", "poster", "data", "background", "codebase", "lowsrc", "dynsrc",
                      "href", "xlink:href", "manifest", "archive", "icon"}
ALWAYS_DROPPED = {"srcset", "imagesrcset", "srcdoc"}  # candidate lists / whole documents
# The one exception: a chart's phone rendition (templates/kcz_reader.html.j2, block data_png) is
# `<picture><source srcset="data:image/png;base64,...">`: one candidate, a base64 PNG or JPEG,
# no descriptor, on a <source> whose parent is a <picture>. Anything else in a srcset goes.
DATA_IMAGE_SRCSET = re.compile(r"data:image/(?:png|jpeg);base64,[A-Za-z0-9+/]+={0,2}")
CLICKED_LINKS = {"a", "area"}  # their href loads only when a reader clicks
# Elements that load a document or code: a `data:` document or stylesheet can itself load
# from the network (`data:text/html,<img src=//host>`, `@import` in a `data:text/css`),
# so these keep no URL at all, except a `data:image/` icon on <link>.
DOCUMENT_LOADERS = {"iframe", "frame", "object", "embed", "script", "link", "portal", "base", "applet"}
SVG_ANIMATIONS = {"set", "animate"}  # <set attributeName="href" to="//host/..."> reloads an image
CSS_URL_FUNCTIONS = {"url", "src"}
CSS_IMAGE_SETS = {"image-set", "-webkit-image-set"}  # their strings are URLs too
C0_AND_SPACE = "".join(chr(i) for i in range(0x21))


def normalise_url(value: str) -> str:
    """`value` as a browser's URL parser sees it (WHATWG URL, basic URL parser).

    C0 controls and spaces are trimmed at both ends, ASCII tab and newlines removed everywhere.

    Args:
        value: A URL as written in an attribute.

    Returns:
        The normalised URL.
    """
    return value.strip(C0_AND_SPACE).replace("\t", "").replace("\n", "").replace("\r", "")


def is_offline_url(value: str) -> bool:
    """True for what loads nothing from outside the page: `data:` URLs and `#fragment`s."""
    url = normalise_url(value)
    return url.lower().startswith("data:") or url.startswith("#")


def _allowed_on(tag: str, value: str) -> bool:
    if tag not in DOCUMENT_LOADERS:
        return is_offline_url(value)
    url = normalise_url(value).lower()
    return tag == "link" and url.startswith("data:image/")


# --- layer 1: fragments -------------------------------------------------------------

def _fragment_attribute(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src":
        return normalise_url(value) if is_offline_url(value) else None
    if element == "a" and attribute == "href":
        url = normalise_url(value)
        return url if url.lower().startswith(LINK_SCHEMES) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=FRAGMENT_TAGS, clean_content_tags=DROPPED_WITH_CONTENT, attributes=FRAGMENT_ATTRIBUTES,
    attribute_filter=_fragment_attribute, url_schemes=URL_SCHEMES,
    filter_style_properties=STYLE_PROPERTIES, link_rel=None,
)


def clean_fragment(html) -> str:
    """A sanitised HTML fragment: allowed tags, attributes and URLs only.

    `<script>`/`<style>`/`<template>` are removed with their content; images come from
    `data:` only, links go to http(s), mailto or `#` only.

    Args:
        html: The fragment, str or bytes (UTF-8).

    Returns:
        The sanitised fragment.
    """
    html = html.decode() if isinstance(html, bytes) else str(html)
    return _CLEANER.clean(html)


# --- layer 1: SVG images ------------------------------------------------------------
# What a chart needs (matplotlib, seaborn and plotting libraries' static SVG): shapes,
# text, groups, clip paths, gradients, markers and in-image references. Never
# `foreignObject` (HTML inside), `animate`/`set` (rewrite attributes), `image` or
# `feImage` (load), `a` (navigate), `script`, `style` (a stylesheet).
SVG_NS = "http://www.w3.org/2000/svg"
SVG_TAGS = {
    "svg", "g", "defs", "symbol", "use", "path", "rect", "circle", "ellipse", "line", "polyline",
    "polygon", "text", "tspan", "title", "desc", "clipPath", "mask", "marker", "pattern",
    "linearGradient", "radialGradient", "stop",
}
SVG_ATTRIBUTES = {"*": {
    "id", "class", "style", "transform", "d", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry",
    "dx", "dy", "width", "height", "viewBox", "preserveAspectRatio", "points", "version", "xmlns", "href",
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
    "stroke-dasharray", "stroke-dashoffset", "stroke-opacity", "stroke-miterlimit", "opacity",
    "clip-path", "clip-rule", "clipPathUnits", "mask", "maskUnits", "maskContentUnits",
    "font-family", "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline",
    "alignment-baseline", "letter-spacing", "textLength", "lengthAdjust", "visibility", "display",
    "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "fx", "fy", "fr",
    "spreadMethod", "markerWidth", "markerHeight", "markerUnits", "refX", "refY", "orient",
    "patternUnits", "patternContentUnits", "patternTransform", "marker-start", "marker-mid", "marker-end",
}}
SVG_STYLE_PROPERTIES = {
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
    "stroke-dasharray", "stroke-dashoffset", "stroke-opacity", "stroke-miterlimit", "opacity",
    "clip-path", "clip-rule", "font-family", "font-size", "font-weight", "font-style", "text-anchor",
    "dominant-baseline", "alignment-baseline", "letter-spacing", "visibility", "display",
    "stop-color", "stop-opacity", "color",
}


def _svg_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "href":  # `href` and `xlink:href` (nh3 passes the local name): in-image only
        return value if normalise_url(value).startswith("#") else None
    if attribute == "xmlns":
        return value if value == SVG_NS else None
    if "url(" in value.lower() or "\\" in value:  # fill="url(#gradient)" only; no CSS escapes
        return value if all(part.startswith("#") for part in value.lower().split("url(")[1:]) else None
    return value


_SVG_CLEANER = nh3.Cleaner(
    tags=SVG_TAGS, clean_content_tags={"script", "style", "template", "foreignObject"},
    attributes=SVG_ATTRIBUTES, attribute_filter=_svg_attribute, url_schemes=set(),
    filter_style_properties=SVG_STYLE_PROPERTIES, link_rel=None, strip_comments=True,
)


def clean_svg(svg) -> str | None:
    """A sanitised standalone SVG document, written as XML a browser reads as an image.

    Allowed SVG tags, attributes and style properties only (the allow-lists above), and
    in-image references (`#id`) only. The root gets `xmlns`, and `xlink:href` becomes SVG 2's
    `href` (the `xlink` namespace declaration is not kept by the HTML serialiser).

    Args:
        svg: The SVG, str or bytes (UTF-8).

    Returns:
        The sanitised document, or None when nothing of an `<svg>` is left.
    """
    svg = svg.decode() if isinstance(svg, bytes) else str(svg)
    cleaned = _SVG_CLEANER.clean(svg).strip().replace(' xlink:href="', ' href="')
    if not cleaned.startswith("<svg"):
        return None
    root_end = cleaned.find(">")
    if f'xmlns="{SVG_NS}"' not in cleaned[:root_end]:
        cleaned = f'<svg xmlns="{SVG_NS}"' + cleaned[4:]
    return cleaned


# --- layer 2: the whole page --------------------------------------------------------

# The page's Content-Security-Policy (CSP Level 3). `default-src 'none'` covers script,
# connect, frame, media, object, worker, manifest and prefetch sources; the pages run no
# script of their own, so no hash is allowed either. Styles are inline (`<style>` and
# `style=`); images and fonts are `data:` URLs.
CSP = ("default-src 'none'; script-src 'none'; object-src 'none'; connect-src 'none'; "
       "img-src data:; font-src data:; style-src 'unsafe-inline'; media-src 'none'; "
       "frame-src 'none'; worker-src 'none'; base-uri 'none'; form-action 'none'")
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
# Elements removed with their content: code, a second document or a base for URLs.
# The page templates write none of them.
REMOVED_ELEMENTS = ("script", "template", "iframe", "frame", "frameset", "object", "embed",
                    "applet", "portal", "base", "noscript", "noembed", "noframes")


# nbconvert's HTMLExporter's own edits of a page (export.PageExporter leaves them to `offline_page`)
NO_ALT_TEXT = "No description has been provided for this image"
FOCUSABLE = ".jp-Notebook div.jp-Cell-inputWrapper, .jp-Notebook div.jp-OutputArea-output"


def _nbconvert_marks(tree) -> None:
    """What nbconvert's HTMLExporter does to a rendered page, on a lexbor `tree` (changed in place).

    An `<img>` without `alt` gets NO_ALT_TEXT; the lab template's input and output wrappers get
    `tabindex="0"` (nbconvert 7.16/7.17, `HTMLExporter.from_notebook_node`).
    """
    for node in tree.css("img:not([alt])"):
        node.attrs["alt"] = NO_ALT_TEXT
    for node in tree.css(FOCUSABLE):
        node.attrs["tabindex"] = "0"


def offline_page(html: str, nbconvert_marks: bool = False) -> str:
    """The page without loads or code, and with kcz's Content-Security-Policy first in `<head>`.

    Every browser-initiated load other than `data:`/`#` is removed, and every element that
    runs code; the policy is `CSP_META`.

    `REMOVED_ELEMENTS` (`<script>`, `<template>` with its shadow-root content, frames,
    `<object>`, `<embed>`, `<base>`...) go with their content. Attributes are dropped (or
    rewritten to their normalised form when allowed), and so are event handlers (`on*`:
    code that could fetch); CSS is rewritten with `offline_css`; a `<meta http-equiv>`
    (a refresh navigates; a policy from an output could loosen nothing but is not ours)
    and an SVG `<set>`/`<animate>` of `href` lose all their attributes. The CSP is added
    after that pass, so it is the only `http-equiv` left. Returns the serialised document.
    With `nbconvert_marks`, the page (from `export.PageExporter`) first gets nbconvert's own
    alt texts and tabindexes (`_nbconvert_marks`).
    """
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    if nbconvert_marks:
        _nbconvert_marks(tree)
    for node in tree.css(", ".join(REMOVED_ELEMENTS)):
        node.decompose()
    root = tree.root
    for node in list(root.traverse(include_text=False)) if root is not None else []:
        tag = (node.tag or "").lower()
        if (tag == "meta" and _is_navigating_meta(node)) or (tag in SVG_ANIMATIONS and _animates_href(node)):
            _strip_all_attributes(node)  # inert; no node is removed while the tree is walked
            continue
        _offline_attributes(node, tag)
        if tag == "style":
            css = node.text(deep=True)
            safe = offline_css(css)
            if safe != css:
                node.inner_html = safe
    _insert_csp(tree, LexborHTMLParser)
    return tree.html or ""


def _insert_csp(tree, parser) -> None:
    meta = parser(CSP_META).head.child
    head = tree.head
    if head.child is None:
        head.insert_child(meta)
    else:
        head.child.insert_before(meta)


def _is_navigating_meta(node) -> bool:
    equiv = (node.attributes.get("http-equiv") or "").strip().lower()
    return bool(equiv) and equiv != "content-type"


def _strip_all_attributes(node) -> None:
    attrs = node.attrs
    for name in list(node.attributes):
        del attrs[name]


def _animates_href(node) -> bool:
    return (node.attributes.get("attributeName") or node.attributes.get("attributename") or "").lower().endswith("href")


def _offline_attributes(node, tag: str) -> None:
    attrs = node.attrs
    for name, value in list(node.attributes.items()):
        key = name.lower()
        value = value or ""
        if key == "srcset" and _is_picture_source(node, tag, value):
            continue
        if key in ALWAYS_DROPPED or key.startswith("on"):  # on*: a handler could fetch()
            del attrs[name]
        elif key in LOADING_ATTRIBUTES and not (key in ("href", "xlink:href") and tag in CLICKED_LINKS):
            if _allowed_on(tag, value):
                if normalise_url(value) != value:
                    attrs[name] = normalise_url(value)
            else:
                del attrs[name]
        elif key == "style" or "(" in value:  # inline CSS; SVG fill="url(...)" and kin
            safe = offline_css_declarations(value) if key == "style" else _offline_css_value(value)
            if safe is None:
                del attrs[name]
            elif safe != value:
                attrs[name] = safe


def _is_picture_source(node, tag: str, value: str) -> bool:
    """True for the srcset kcz's chart template writes: one `data:image/` URL on a <picture>'s <source>."""
    parent = node.parent
    return (tag == "source" and parent is not None and (parent.tag or "").lower() == "picture"
            and DATA_IMAGE_SRCSET.fullmatch(value) is not None)


@lru_cache(maxsize=64)  # the template's large stylesheet is the same on every page
def offline_css(css: str) -> str:
    r"""A stylesheet that loads nothing: no `@import` rule, no non-offline `url()`.

    Every non-offline `url()` (or `image-set()` with such a string) becomes `none`, which loads
    nothing. Parsed with tinycss2 (CSS Syntax Level 3), so escapes such as `u\72 l(` are read as
    the browser reads them.
    """
    rules = tinycss2.parse_stylesheet(css)
    kept = [r for r in rules if not (r.type == "at-rule" and r.lower_at_keyword == "import")]
    changed = len(kept) != len(rules)
    for rule in kept:
        for part in ("prelude", "content"):
            nodes = getattr(rule, part, None)
            if nodes and _strip_urls(nodes):
                changed = True
    return tinycss2.serialize(kept) if changed else css


def offline_css_declarations(text: str) -> str:
    """A `style` attribute's declarations with non-offline URLs replaced by `none`."""
    nodes = tinycss2.parse_blocks_contents(text)
    return tinycss2.serialize(nodes) if _strip_urls(nodes) else text


def _offline_css_value(text: str) -> str | None:
    nodes = tinycss2.parse_component_value_list(text)
    return tinycss2.serialize(nodes) if _strip_urls(nodes) else text


def _strip_urls(nodes) -> bool:
    """Replace, in place, every URL in `nodes` (recursively) that is not offline; True if any."""
    changed = False
    for i, node in enumerate(nodes):
        kind = node.type
        if kind == "url" and not is_offline_url(node.value):
            nodes[i] = _EMPTY_URL
            changed = True
        elif kind == "function":
            name = node.lower_name
            if name in CSS_URL_FUNCTIONS or name in CSS_IMAGE_SETS:
                urls = [a.value for a in node.arguments if a.type in ("string", "url")]
                if any(not is_offline_url(u) for u in urls):
                    nodes[i] = _EMPTY_URL
                    changed = True
                    continue
            changed |= _strip_urls(node.arguments)
        elif kind in ("() block", "[] block", "{} block", "declaration", "qualified-rule", "at-rule"):
            for part in ("content", "value", "prelude"):
                inner = getattr(node, part, None)
                if isinstance(inner, list):
                    changed |= _strip_urls(inner)
    return changed


# `none` rather than `url()`: an empty URL may resolve to the page itself
_EMPTY_URL = tinycss2.ast.IdentToken(0, 0, "none")
