"""The Sphinx extension that makes pages accessible and light (course_utils.site.accessible_pages,
page_html, theme_assets), checked on the markup that sphinx-book-theme 1.3 and myst-nb 1.4
write; the built site itself is checked in a browser by tests/web/test_site_accessibility.py."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pydata_sphinx_theme
import pytest
from docutils import nodes
from docutils.utils import new_document
from PIL import Image

from course_utils.site import accessible_pages, page_html, theme_assets

THEME_STATIC = Path(pydata_sphinx_theme.__file__).parent / "theme/pydata_sphinx_theme/static"

# Markup as the theme writes it (pydata-sphinx-theme 0.17, sphinx-book-theme 1.3, myst-nb 1.4).
HEAD = """<script data-cfasync="false">x</script>
  <script defer src="../_static/scripts/fontawesome.js?digest=55c26ed414f5f8a31ebb"></script>
    <script>DOCUMENTATION_OPTIONS.pagename = 'chapters/x';</script>
    <script>DOCUMENTATION_OPTIONS.search_as_you_type = false;</script>
    <script src="../_static/searchtools.js"></script>
    <script src="../_static/language_data.js"></script>
    <script src="../searchindex.js"></script>
"""
SEARCH_FIELD = """<button class="btn search-button-field search-button__button pst-js-only" \
title="Search" aria-label="Search" data-bs-placement="bottom" data-bs-toggle="tooltip">
 <i class="fa-solid fa-magnifying-glass"></i>
 <span class="search-button__default-text">Search</span>
 <span class="search-button__kbd-shortcut"><kbd class="kbd-shortcut__modifier">Ctrl</kbd>+\
<kbd class="kbd-shortcut__modifier">K</kbd></span>
</button>"""
SEARCH_ICON = """<button class="btn btn-sm pst-navbar-icon search-button search-button__button \
pst-js-only" title="Search" aria-label="Search" data-bs-placement="bottom" \
data-bs-toggle="tooltip">
    <i class="fa-solid fa-magnifying-glass fa-lg"></i>
</button>"""
THEME_SWITCH = """<button class="btn btn-sm nav-link pst-navbar-icon theme-switch-button \
pst-js-only" aria-label="Color mode" data-bs-title="Color mode"  data-bs-placement="bottom" \
data-bs-toggle="tooltip">
  <i class="theme-switch fa-solid fa-sun                fa-lg" data-mode="light" title="Light"></i>
  <i class="theme-switch fa-solid fa-moon               fa-lg" data-mode="dark"  title="Dark"></i>
</button>"""
TOGGLE = """<details class="admonition hide above-input">
<summary aria-label="Toggle hidden content">
<p class="collapsed admonition-title">Show code cell content</p>
<p class="expanded admonition-title">Hide code cell content</p>
</summary>"""
SIDEBAR = '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar">'
RICH = ('<pre style="white-space:pre"><span style="color: #00d7ff; text-decoration-color: '
        '#00d7ff">None</span>, <span style="font-weight: bold">Model</span></pre>')
PAGE = HEAD + SEARCH_FIELD + SEARCH_ICON + THEME_SWITCH + SIDEBAR + TOGGLE + RICH


def fixed(html: str = PAGE) -> str:
    return page_html.transform(html, lambda src: None)


def test_the_icon_script_and_the_unused_search_index_are_dropped():
    page = fixed()
    assert "fontawesome.js" not in page
    assert "searchindex.js" not in page and "searchtools.js" not in page
    assert page.startswith('<script data-cfasync="false">x</script>\n    <script>DOCUM')
    # The search page needs its tools, and a page that searches as you type does too.
    search = HEAD.replace("'chapters/x'", "'search'")
    assert "searchindex.js" in page_html.drop_unused_search_scripts(search)
    typing = HEAD.replace("= false", "= true")
    assert "searchindex.js" in page_html.drop_unused_search_scripts(typing)


def test_controls_are_named_by_what_they_show():
    page = fixed()
    field, icon = page.split("<button")[1:3]
    assert "aria-label" not in field.split(">")[0]  # named by "Search Ctrl + K"
    assert 'aria-label="Search"' in icon  # an icon alone keeps its label
    assert '<i aria-hidden="true" class="theme-switch fa-solid fa-sun' in page
    assert 'aria-label="Color mode"' in page
    assert "<summary>\n<p class=\"collapsed" in page and "Toggle hidden content" not in page


def test_the_sidebar_is_a_landmark_and_every_change_is_idempotent():
    page = fixed()
    assert '<div id="pst-primary-sidebar" role="navigation" aria-label="Book"' in page
    assert fixed(page) == page


def test_output_colours_read_on_both_themes():
    page = fixed()
    light, dark = (page.split(f"--out-{mode}: ")[1][:7] for mode in ("light", "dark"))
    for background in page_html.LIGHT_BACKGROUNDS:
        assert page_html.contrast(light, background) >= page_html.MIN_CONTRAST
    for background in page_html.DARK_BACKGROUNDS:
        assert page_html.contrast(dark, background) >= page_html.MIN_CONTRAST
    assert '<span style="font-weight: bold">Model</span>' in page


@pytest.mark.parametrize("colour", ["#00af00", "#0087ff", "#ffff00", "#000080", "#808080"])
def test_readable_keeps_the_hue_and_reaches_the_contrast(colour: str):
    for backgrounds in (page_html.LIGHT_BACKGROUNDS, page_html.DARK_BACKGROUNDS):
        shade = page_html.readable(colour, backgrounds)
        assert min(page_html.contrast(shade, bg) for bg in backgrounds) >= 4.5


def test_figures_load_lazily_from_the_lighter_file():
    html = ('<img alt="x" src="../_images/abc.png" />'
            '<img class="static-explorer-frame" src="data:image/png;base64,AAAA">'
            '<img src="../_images/d.png" width="10" />')
    seen = []

    def lighter(src: str):
        seen.append(src)
        return None if src.startswith("data:") else (src.replace(".png", ".webp"), 40, 30)

    page = page_html.lighter_images(html, lighter)
    assert page.startswith('<img alt="x" src="../_images/abc.webp" loading="lazy" '
                           'decoding="async" width="40" height="30" />')
    assert '<img class="static-explorer-frame" src="data:image/png;base64,AAAA">' in page
    assert '<img src="../_images/d.webp" width="10" loading="lazy" decoding="async" />' in page
    assert page_html.lighter_images(page, lighter) == page


# The extension: alt text from output metadata, assets a page does without.

def _png(colour: int) -> str:
    image = Image.new("RGB", (4, 4), (colour, 0, 0))
    buffer = __import__("io").BytesIO()
    image.save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode() + "\n"


def test_alt_text_comes_from_the_output_that_drew_the_image():
    described, bare = _png(10), _png(200)
    notebook = {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "display_data", "data": {"image/png": described},
         "metadata": {"image/png": {"alt": "A row of\n2 images."}}},
        {"output_type": "display_data", "data": {"image/png": bare}, "metadata": {}}]}]}
    texts = accessible_pages.notebook_alt_texts(notebook)
    digest = hashlib.sha256(base64.b64decode(described)).hexdigest()
    assert texts == {digest: "A row of 2 images."}

    doctree = new_document("test")
    bare_digest = hashlib.sha256(base64.b64decode(bare)).hexdigest()
    images = [nodes.image(uri=f"../build/{digest}.png"), nodes.image(uri=f"{bare_digest}.png"),
              nodes.image(uri="photo.png"), nodes.image(uri=f"{digest}.png", alt="by hand")]
    for image in images:
        doctree += image
    missing = accessible_pages.set_alt_texts(doctree, texts)
    assert [image.get("alt") for image in images] == [
        "A row of 2 images.", accessible_pages.FALLBACK_ALT, None, "by hand"]
    assert missing == [bare_digest]


def test_pages_leave_out_what_they_do_not_use():
    def asset(filename=None, **attributes):
        return SimpleNamespace(filename=filename, attributes=attributes)

    mathjax = asset("mathjax/startup.js")
    config = asset(None, body='window.MathJax = {"loader": {}}')
    design = asset("sphinx-design.min.css")
    state = asset(None, type=accessible_pages.WIDGET_STATE, body="{}")
    other = asset("copybutton.js")
    unused = accessible_pages.unused_asset
    plain = "<p>text</p>"
    assert [unused(a, plain, "mathjax/startup.js") for a in (mathjax, config, design, state,
                                                             other)] == [True] * 4 + [False]
    rich = '<span class="math notranslate">x</span><div class="sd-card">'
    assert [unused(a, rich, "mathjax/startup.js") for a in (mathjax, config, design)] == [
        False] * 3
    assert not unused(state, plain, "mathjax/startup.js", widgets_js=True)


# Theme assets: icons cut to those used, figures as WebP.

CSS = ('.fa-magnifying-glass:before,.fa-search:before{content:"\\f002"}'
       '.fa-moon:before{content:"\\f186"}.fa-github:before{content:"\\f09b"}'
       '--pst-icon-bell:"\uf0f3";.onthispage:after{content:"\\f107"}'
       '.x:before{content:"#"}')


def test_icon_codepoints_are_those_used_and_those_the_theme_draws():
    used = theme_assets.used_icon_names(['<i class="fa-solid fa-magnifying-glass"></i>'],
                                        ['el.classList.add("fa-github")'])
    assert {"fa-magnifying-glass", "fa-github"} <= used
    assert theme_assets.icon_codepoints(CSS, used) == {0xF002, 0xF09B, 0xF0F3, 0xF107}
    trimmed = theme_assets.trim_icon_rules(CSS, used)
    assert ".fa-moon" not in trimmed and ".fa-search:before" in trimmed
    assert ".onthispage:after" in trimmed


def test_the_cut_font_has_the_icons_and_little_else(tmp_path: Path):
    from fontTools.ttLib import TTFont

    source = THEME_STATIC / "vendor/fontawesome/webfonts/fa-solid-900.ttf"
    target = tmp_path / "fa-solid-900.woff"
    theme_assets.subset_font(source, target, {0xF002, 0xF186})
    font = TTFont(target)
    assert {0xF002, 0xF186} <= set(font.getBestCmap())
    assert 0xF0F3 not in font.getBestCmap()
    assert target.stat().st_size < source.stat().st_size / 20


def test_photos_become_lossy_webp_and_figures_stay_exact(tmp_path: Path):
    rng = np.random.default_rng(0)
    photo = (rng.random((120, 160, 3)) * 255).astype(np.uint8)
    figure = np.full((120, 160, 3), 255, np.uint8)
    figure[40:80, 20:140] = (31, 119, 180)
    for name, pixels in (("photo", photo), ("figure", figure)):
        Image.fromarray(pixels).save(tmp_path / f"{name}.png")
    chosen, width, height = theme_assets.lighter_image(tmp_path / "figure.png")
    assert (chosen.suffix, width, height) == (".webp", 160, 120)
    assert np.array_equal(np.asarray(Image.open(chosen).convert("RGB")), figure)
    assert theme_assets.is_photo_like(Image.fromarray(photo))
    assert not theme_assets.is_photo_like(Image.fromarray(figure))
    chosen, _, _ = theme_assets.lighter_image(tmp_path / "photo.png")
    # Noise is the worst case for lossy compression; the smaller file is used either way.
    assert chosen.stat().st_size <= (tmp_path / "photo.png").stat().st_size


def test_only_notebook_figures_are_re_encoded(tmp_path: Path):
    images, page = tmp_path / "_images", tmp_path / "chapters" / "page.html"
    images.mkdir()
    name = hashlib.sha256(b"figure").hexdigest()
    figure = np.full((30, 40, 3), 255, np.uint8)
    for stem in (name, "logo"):
        Image.fromarray(figure).save(images / f"{stem}.png")
    saved: dict[str, int] = {}
    lighter = accessible_pages._image_resolver(page, images, saved)
    assert lighter(f"../_images/{name}.png") == (f"../_images/{name}.webp", 40, 30)
    assert lighter(f"../_images/{name}.webp") == (f"../_images/{name}.webp", 40, 30)
    assert saved[f"{name}.png"] > 0
    for other in ("../_images/logo.png", "data:image/png;base64,AAAA", "../_static/x.png",
                  "https://example.org/x.png", ""):
        assert lighter(other) is None
