"""The page clean-up reads HTML and CSS as a browser does (the browser itself is the judge
in test_hostile_notebooks; these pin the parser-level cases quickly)."""

from __future__ import annotations

import pytest

from kczlib.publish.html.sanitize import CSP_META, clean_fragment, offline_css, offline_page

GIF = "data:image/gif;base64,R0lGODlhAQABAAAAACw="


@pytest.mark.parametrize("src", [
    "HTTPS://host/a.png", " https://host/a.png", "//host/a.png", "https:\\\\host\\a.png",
    "http&#58;//host/a.png", "a.png", "\thttps://host/a.png", "java&#x09;script:x",
])
def test_every_form_of_remote_image_is_removed_from_page_and_fragment(src):
    html = f'<p>t</p><img alt="x" src="{src}">'
    assert "host" not in offline_page(html) and "a.png" not in offline_page(html)
    assert "host" not in clean_fragment(html) and "a.png" not in clean_fragment(html)


def test_data_images_and_in_page_references_stay_normalised():
    page = offline_page(f'<img src=" {GIF}"><svg><use href="#icon"></use></svg>')
    assert f'src="{GIF}"' in page and 'href="#icon"' in page
    assert f'src="{GIF}"' in clean_fragment(f'<img src="{GIF}">')


def test_a_link_a_reader_clicks_stays_and_a_stylesheet_link_goes():
    page = offline_page('<a href="https://host/doc">doc</a><link rel="stylesheet" href="//host/s.css">')
    assert 'href="https://host/doc"' in page and "s.css" not in page


@pytest.mark.parametrize("css", [
    "@import url(//host/s.css);", '@import "//host/s.css";',
    "b{background:url(HTTPS://host/a.png)}", "b{background:u\\72 l(//host/a.png)}",
    'b{background-image:image-set("//host/a.png" 1x)}',
    "@font-face{font-family:x;src:url(//host/f.woff)}",
])
def test_css_loads_are_removed_including_escaped_url_functions(css):
    assert "host" not in offline_css(css)


def test_css_without_remote_urls_is_returned_unchanged():
    css = f"b{{color:red;background:url({GIF})}} i{{mask:url(#m)}}"
    assert offline_css(css) == css


def test_event_handlers_srcdoc_and_meta_refresh_are_removed():
    page = offline_page(f'<meta http-equiv="refresh" content="0;url=//host/"><img src="{GIF}" '
                        'onload="fetch(1)"><iframe srcdoc="&lt;img src=//host/x&gt;"></iframe>')
    assert "refresh" not in page and "onload" not in page and "srcdoc" not in page


def test_a_script_in_a_fragment_is_removed_with_its_content():
    assert clean_fragment("<p>a</p><script>fetch('//host')</script>") == "<p>a</p>"


@pytest.mark.parametrize("html", [
    '<iframe src="data:text/html,&lt;img src=//host/a.png&gt;"></iframe>',
    '<object data="data:image/svg+xml,&lt;svg&gt;&lt;image href=//host/a.png/&gt;&lt;/svg&gt;"></object>',
    '<embed src="data:image/svg+xml,x">',
    '<link rel="stylesheet" href="data:text/css,@import url(//host/a.css);">',
    '<script src="data:text/javascript,fetch(1)"></script>',
])
def test_elements_that_load_a_document_or_code_keep_no_url_not_even_data(html):
    page = offline_page(html)
    assert CSP_META in page  # whose img-src and font-src name `data:`
    page = page.replace(CSP_META, "")
    assert "data:" not in page and "host" not in page


def test_an_svg_animation_of_href_is_made_inert():
    page = offline_page('<svg><image href="#i"><set attributeName="href" to="//host/a.png"/></image></svg>')
    assert "host" not in page and 'href="#i"' in page


PNG = "data:image/png;base64,iVBORw0KGgo="


def test_a_pictures_data_png_source_stays_for_the_phone_rendition_of_a_chart():
    page = offline_page(f'<picture><source media="(max-width: 600px)" srcset="{PNG}"><img src="{GIF}"></picture>')
    assert f'srcset="{PNG}"' in page and 'media="(max-width: 600px)"' in page


@pytest.mark.parametrize("srcset", [
    "https://host/a.png", "//host/a.png 1x", f"{PNG} 1x, https://host/a.png 2x", f"https://host/a.png 1x, {PNG}",
    f"{PNG}, //host/a.png", " //host/a.png", "data:text/html;base64,PGI+", f"{PNG} 2x",
])
def test_a_srcset_with_anything_but_one_data_image_is_removed_even_on_a_picture(srcset):
    for html in (f'<picture><source srcset="{srcset}"><img src="{GIF}"></picture>',
                 f'<img srcset="{srcset}" src="{GIF}">', f'<source srcset="{srcset}">'):
        page = offline_page(html)
        assert "srcset" not in page and "host" not in page, page


def test_a_data_png_srcset_outside_a_pictures_source_is_removed():
    assert "srcset" not in offline_page(f'<img srcset="{PNG}" src="{GIF}">')
    assert "srcset" not in offline_page(f'<video><source srcset="{PNG}"></video>')
