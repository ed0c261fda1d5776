"""Lighter theme files and figures for the built site: the icon font cut to the icons the
pages use, the theme's icon rules cut likewise, and figures re-encoded as WebP.

Used by :mod:`course_utils.site.accessible_pages` once every page is written.

Icons. pydata-sphinx-theme draws its icons with Font Awesome's JavaScript (1.5 MB, the
whole icon set as SVG), which the pages no longer load (:mod:`course_utils.site.page_html`).
Its stylesheet also carries Font Awesome's CSS (a ``:before`` rule per icon) and
``@font-face`` rules for the full fonts (270 KB of them load on every page). The site uses
about twenty icons: :func:`icon_codepoints` finds them (the ``fa-*`` classes in the pages
and the theme's scripts, and every icon the theme's own rules draw, such as admonition and
external-link marks), :func:`subset_font` writes each Font Awesome font cut to them (WOFF,
a few KB), which ``accessible_pages.css`` declares after the theme's faces, and
:func:`trim_icon_rules` drops the rules of icons no page uses.

Figures. Notebook figures are PNGs. :func:`lighter_image` writes a WebP beside each and the
page uses it when it is smaller: lossless for figures with few colours (kernels, line plots,
bar charts stay pixel-exact), lossy at quality 90 for photo-like ones
(:func:`is_photo_like`: many distinct colours, such as photos and feature maps).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

#: A figure with at least this many distinct colours is photo-like (lossy WebP is fine).
PHOTO_COLOURS = 8192
#: WebP quality for photo-like figures.
PHOTO_QUALITY = 90
#: The Font Awesome fonts the theme ships (``_static/vendor/fontawesome/webfonts/``).
ICON_FONTS = ("fa-solid-900", "fa-regular-400", "fa-brands-400")
#: Where the cut fonts go, under ``_static/`` (``accessible_pages.css`` names them).
ICON_DIR = "icon-subset"

_ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:(?:before|after),?)+)\{content:"((?:[^"\\]|\\.)*)"\}')
_CLASS_ATTRIBUTE = re.compile(r'\bclass="([^"]*)"')
_ICON_NAME = re.compile(r"\bfa-[a-z0-9]+(?:-[a-z0-9]+)*")
_CSS_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)")


def _is_icon(codepoint: int) -> bool:
    return 0xE000 <= codepoint <= 0xF8FF or codepoint >= 0xF0000


def css_string_codepoints(text: str) -> set[int]:
    """The private-use code points (icons) in a CSS string's content.

    >>> sorted(hex(c) for c in css_string_codepoints("\\\\f002"))
    ['0xf002']
    >>> css_string_codepoints("#")
    set()
    """
    chars = _CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2),
                            text)
    return {ord(char) for char in chars if _is_icon(ord(char))}


def used_icon_names(pages: Iterable[str], scripts: Iterable[str] = ()) -> set[str]:
    """The ``fa-*`` names in the pages' ``class`` attributes and anywhere in the scripts.

    >>> sorted(used_icon_names(['<i class="fa-solid fa-magnifying-glass fa-lg"></i>']))
    ['fa-lg', 'fa-magnifying-glass', 'fa-solid']
    """
    names: set[str] = set()
    for page in pages:
        for classes in _CLASS_ATTRIBUTE.findall(page):
            names.update(_ICON_NAME.findall(classes))
    for script in scripts:
        names.update(_ICON_NAME.findall(script))
    return names


def _rule_names(selectors: str) -> set[str]:
    return set(re.findall(r"\.(fa-[a-z0-9-]+):", selectors))


def icon_codepoints(css: str, used: set[str]) -> set[int]:
    """The icons a stylesheet draws for the ``used`` classes, and every icon it draws
    otherwise (``content`` and ``--pst-icon-*`` values outside the per-icon rules)."""
    codepoints: set[int] = set()
    for selectors, content in _ICON_RULE.findall(css):
        if _rule_names(selectors) & used:
            codepoints |= css_string_codepoints(content)
    for content in _CSS_STRING.findall(_ICON_RULE.sub("", css)):
        codepoints |= css_string_codepoints(content)
    return codepoints


def trim_icon_rules(css: str, used: set[str]) -> str:
    """Drop the per-icon rules (``.fa-x:before{content:...}``) of icons no page uses.

    >>> trim_icon_rules('.fa-a:before{content:"1"}.fa-b:before,.fa-c:before{content:"2"}',
    ...                 {"fa-c"})
    '.fa-b:before,.fa-c:before{content:"2"}'
    """
    return _ICON_RULE.sub(lambda m: m.group(0) if _rule_names(m.group(1)) & used else "", css)


def subset_font(source: Path, target: Path, codepoints: set[int]) -> int:
    """Write ``source`` (a TrueType font) cut to ``codepoints`` as WOFF; return its glyphs."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(target), options)
    return len(font.getGlyphOrder())


def subset_icons(static: Path, pages: Iterable[str]) -> dict[str, int]:
    """Cut the theme's icon fonts and icon rules in ``static`` (a built ``_static/``) to the
    icons ``pages`` and the theme use; return the glyphs kept per font."""
    scripts = [path.read_text(errors="replace") for path in static.rglob("*.js")
               if "fontawesome" not in path.name and "mathjax" not in path.parts
               and "onnxruntime" not in path.parts]
    used = used_icon_names(pages, scripts)
    stylesheets = sorted((static / "styles").glob("*.css"))
    codepoints: set[int] = set()
    for stylesheet in stylesheets:
        css = stylesheet.read_text(encoding="utf-8")
        codepoints |= icon_codepoints(css, used)
        trimmed = trim_icon_rules(css, used)
        if trimmed != css:
            stylesheet.write_text(trimmed, encoding="utf-8")
    kept = {}
    for name in ICON_FONTS:
        source = static / "vendor" / "fontawesome" / "webfonts" / f"{name}.ttf"
        if source.is_file():
            kept[name] = subset_font(source, static / ICON_DIR / f"{name}.woff", codepoints)
    return kept


def is_photo_like(image: object) -> bool:
    """Whether a PIL image has at least :data:`PHOTO_COLOURS` distinct colours."""
    colours = image.convert("RGB").getcolors(maxcolors=PHOTO_COLOURS)
    return colours is None


def lighter_image(png: Path) -> tuple[Path, int, int]:
    """Return the smaller of ``png`` and its WebP twin (written, or reused when newer than
    the PNG), with the image's width and height."""
    from PIL import Image

    webp = png.with_suffix(".webp")
    with Image.open(png) as image:
        width, height = image.size
        if not webp.is_file() or webp.stat().st_mtime < png.stat().st_mtime:
            image.load()
            if is_photo_like(image):
                image.save(webp, "WEBP", quality=PHOTO_QUALITY, method=6)
            else:
                image.save(webp, "WEBP", lossless=True, method=6)
    chosen = webp if webp.stat().st_size < png.stat().st_size else png
    return chosen, width, height
