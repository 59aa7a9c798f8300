"""HTML that opens offline: sanitised fragments, and no network load anywhere in a page.

Two layers, both on real parsers rather than regular expressions:

1. `clean_fragment` (nbconvert's `clean_html` filter, applied to rendered Markdown and
   HTML/Markdown outputs): nh3 (the ammonia sanitiser, an HTML5 parser) keeps an
   allow-list of tags and attributes; `<script>`/`<style>` go with their content.
2. `offline_page` (the whole exported page, template included): parsed with lexbor
   (selectolax), a WHATWG-conformant HTML5 parser, so attributes are read exactly as a
   browser reads them (entities decoded: `http&#58;//` is `http://`). In everything a
   browser loads by itself (`src`, `srcset`, `poster`, `data`, `background`, `href` of
   anything but a link a reader clicks, SVG `image`/`use` `href`/`xlink:href`, `srcdoc`,
   CSS `url()`, `image-set()` and `@import` in `<style>` and `style` attributes), only
   `data:` URLs and in-page references (`#id`) stay; the rest is removed. Elements that
   load a document or code (`iframe`, `object`, `embed`, `script`, `link`...) keep no
   URL at all (a `data:` document can load from the network itself), bar a `data:image/`
   icon on `<link>`; SVG animations of `href` go too.

URLs are normalised as a browser's URL parser does before the check (WHATWG URL
standard, "basic URL parser": leading and trailing C0 controls and spaces are removed
and tabs and newlines anywhere are dropped), and the normalised value is written
back, so the page holds exactly what was checked. Upper-case schemes, backslashes
and protocol-relative `//host` need no special case: anything that is not `data:` or
`#...` is dropped. Ordinary `<a href="https://...">` links stay (they load nothing
until clicked).
"""

from __future__ import annotations

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
LINK_SCHEMES = {"http", "https", "mailto", "data"}  # for <a href>; img src is data: only
STYLE_PROPERTIES = {
    "color", "background-color", "font-weight", "font-style", "font-size", "font-family",
    "text-align", "vertical-align", "border", "padding", "margin", "width",
}

# Attributes whose value the browser fetches (HTML Living Standard; SVG 2 for href).
LOADING_ATTRIBUTES = {"src", "poster", "data", "background", "codebase", "lowsrc", "dynsrc",
                      "href", "xlink:href", "manifest", "archive", "icon"}
ALWAYS_DROPPED = {"srcset", "imagesrcset", "srcdoc"}  # candidate lists / whole documents
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
    """`value` as a browser's URL parser sees it: C0 controls and spaces trimmed at both
    ends, ASCII tab and newlines removed everywhere (WHATWG URL, basic URL parser)."""
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
    return value


_CLEANER = nh3.Cleaner(
    tags=FRAGMENT_TAGS, attributes=FRAGMENT_ATTRIBUTES, attribute_filter=_fragment_attribute,
    url_schemes=LINK_SCHEMES, filter_style_properties=STYLE_PROPERTIES, link_rel=None,
)


def clean_fragment(html) -> str:
    """Sanitised HTML fragment (str or bytes in, str out): allowed tags and attributes
    only, `<script>`/`<style>` removed with their content, images from `data:` only."""
    html = html.decode() if isinstance(html, bytes) else str(html)
    return _CLEANER.clean(html)


# --- layer 2: the whole page --------------------------------------------------------

def offline_page(html: str) -> str:
    """The page with every browser-initiated load other than `data:`/`#` removed.

    Attributes are dropped (or rewritten to their normalised form when allowed), and so
    are event handlers (`on*`: code that could fetch); CSS is rewritten with
    `offline_css`; a `<meta http-equiv>` other than content-type (a refresh navigates)
    and an SVG `<set>`/`<animate>` of `href` lose all their attributes. Returns the
    serialised document.
    """
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    for node in list(tree.root.traverse(include_text=False)):
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
    return tree.html


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


@lru_cache(maxsize=64)  # the template's large stylesheet is the same on every page
def offline_css(css: str) -> str:
    """A stylesheet with `@import` rules removed and every non-offline `url()` (or
    `image-set()` with such a string) replaced by `none`, which loads nothing. Parsed with tinycss2
    (CSS Syntax Level 3), so escapes such as `u\\72 l(` are read as the browser reads them."""
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
