"""Changes to a built page's HTML that make it accessible and light: pure ``str -> str``
functions, applied to every page by :mod:`course_utils.site.accessible_pages`.

Each change is idempotent (applying it twice changes nothing more) and touches only the
markup it names, so that a theme update that changes that markup leaves the page as it was
rather than broken; ``tests/test_accessible_pages.py`` checks each one on the markup that
sphinx-book-theme 1.3 (pydata-sphinx-theme 0.17) and myst-nb 1.4 write.

- :func:`drop_icon_script`: the theme's Font Awesome script (1.5 MB) goes; the icons come
  from the theme's own CSS and a font cut down to the icons the site uses
  (:mod:`course_utils.site.theme_assets`).
- :func:`drop_unused_search_scripts`: every page loads Sphinx's search index and tools for
  the theme's search-as-you-type, which the book leaves off; only the search page needs them.
- :func:`name_controls`: the search buttons, the colour-mode button and the "Show code cell"
  toggles get accessible names that contain their visible text (WCAG 2.5.3).
- :func:`add_landmarks`: the primary sidebar (the book's title, search, table of contents) is
  a navigation landmark, so that no content is outside one.
- :func:`readable_output_colours`: coloured text in cell outputs (Keras' model summaries,
  written by Rich) gets a colour with 4.5:1 contrast in the light and in the dark theme.
- :func:`lighter_images`: figures load lazily, with their size reserved, from a smaller file
  when :mod:`course_utils.site.theme_assets` wrote one.
"""

from __future__ import annotations

import colorsys
import html as html_lib
import re
from collections.abc import Callable

#: The background of a cell output in the light theme (mystnb's) and the page's, and the
#: backgrounds of the dark theme's surfaces: a text colour must reach 4.5:1 on each.
LIGHT_BACKGROUNDS = ("#ffffff", "#f3f4f5")
DARK_BACKGROUNDS = ("#14181e", "#222832", "#29313d")
#: WCAG 2.1 AA contrast for normal text.
MIN_CONTRAST = 4.5

_ICON_SCRIPT = re.compile(
    r'[ \t]*<(?:script|link)\b[^>]*\b(?:src|href)="[^"]*_static/scripts/fontawesome\.js[^"]*"'
    r'[^>]*>(?:</script>)?[ \t]*\n?')
_SEARCH_SCRIPTS = re.compile(
    r'[ \t]*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|'
    r'searchindex\.js)"></script>[ \t]*\n?')
_SEARCH_AS_YOU_TYPE_OFF = "DOCUMENTATION_OPTIONS.search_as_you_type = false"
_SEARCH_PAGE = "DOCUMENTATION_OPTIONS.pagename = 'search'"
_BUTTON = re.compile(r"<button\b([^>]*)>(.*?)</button>", re.DOTALL)
_SUMMARY = re.compile(r'<summary aria-label="Toggle hidden content">')
_PRIMARY_SIDEBAR = re.compile(r'<div id="pst-primary-sidebar"(?![^>]*\brole=)')
_STYLED_SPAN = re.compile(
    r'<span style="color: (#[0-9a-fA-F]{6})(?:; text-decoration-color: #[0-9a-fA-F]{6})?"')
_IMG = re.compile(r"<img\b[^>]*>")
_ATTR = re.compile(r'\s([a-zA-Z-]+)="([^"]*)"')


def drop_icon_script(html: str) -> str:
    """Remove the theme's Font Awesome script (and any preload of it).

    >>> drop_icon_script('<script defer src="_static/scripts/fontawesome.js?digest=1">'
    ...                  '</script>\\n<p>')
    '<p>'
    """
    return _ICON_SCRIPT.sub("", html)


def drop_unused_search_scripts(html: str) -> str:
    """Remove Sphinx's search tools from a page that does not search as you type.

    The search page, which needs them, is left alone.
    """
    if _SEARCH_AS_YOU_TYPE_OFF not in html or _SEARCH_PAGE in html:
        return html
    return _SEARCH_SCRIPTS.sub("", html)


def _visible_text(markup: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _name_button(match: re.Match) -> str:
    attributes, content = match.group(1), match.group(2)
    label = re.search(r'\saria-label="([^"]*)"', attributes)
    text = _visible_text(content)
    if label and text and text.lower() not in label.group(1).lower():
        # The visible words ("Search Ctrl + K") name the button; a label that leaves some
        # of them out fails speech-input users, who say what they see (WCAG 2.5.3).
        attributes = attributes.replace(label.group(0), "")
    if "theme-switch-button" in attributes:
        # The three icons are pictures of the three modes; the button's label says what it
        # does. Their titles would otherwise count as the button's visible text.
        content = re.sub(r'<i class="theme-switch\b(?![^>]*aria-hidden)',
                         '<i aria-hidden="true" class="theme-switch', content)
    return f"<button{attributes}>{content}</button>"


def name_controls(html: str) -> str:
    """Give the theme's buttons and the code-cell toggles names that contain what they show.

    >>> name_controls('<button class="search" aria-label="Search"><i></i>'
    ...               '<span>Search</span><kbd>Ctrl</kbd>+<kbd>K</kbd></button>')
    '<button class="search"><i></i><span>Search</span><kbd>Ctrl</kbd>+<kbd>K</kbd></button>'
    >>> name_controls('<summary aria-label="Toggle hidden content"><p>Show code</p></summary>')
    '<summary><p>Show code</p></summary>'
    """
    html = _BUTTON.sub(_name_button, html)
    return _SUMMARY.sub("<summary>", html)


def add_landmarks(html: str) -> str:
    """Make the primary sidebar a navigation landmark (axe's ``region`` rule).

    >>> add_landmarks('<div id="pst-primary-sidebar" class="bd-sidebar">')
    '<div id="pst-primary-sidebar" role="navigation" aria-label="Book" class="bd-sidebar">'
    """
    return _PRIMARY_SIDEBAR.sub(
        '<div id="pst-primary-sidebar" role="navigation" aria-label="Book"', html)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours.

    >>> round(contrast("#000000", "#ffffff"), 1)
    21.0
    """
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable(colour: str, backgrounds: tuple[str, ...]) -> str:
    """Return ``colour`` with its lightness moved (same hue) until it reaches
    :data:`MIN_CONTRAST` on every one of ``backgrounds``: darker on light ones, lighter on
    dark ones.

    >>> readable("#00af00", LIGHT_BACKGROUNDS)
    '#008100'
    >>> readable("#00d7ff", DARK_BACKGROUNDS)
    '#00d7ff'
    """
    colour = colour.lower()
    red, green, blue = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    darker = _luminance(backgrounds[0]) > 0.5
    for step in range(101):
        shade = lightness - step / 100 if darker else lightness + step / 100
        shade = min(max(shade, 0.0), 1.0)
        rgb = colorsys.hls_to_rgb(hue, shade, saturation)
        candidate = "#" + "".join(f"{round(c * 255):02x}" for c in rgb)
        if all(contrast(candidate, bg) >= MIN_CONTRAST for bg in backgrounds):
            return candidate
    return "#000000" if darker else "#ffffff"


def readable_output_colours(html: str) -> str:
    """Give coloured spans in outputs a light-theme and a dark-theme colour that both read.

    Rich (Keras' ``model.summary()``) writes ``color: #00d7ff``-style spans chosen for a
    black terminal. Each becomes ``--out-light`` / ``--out-dark`` custom properties that the
    book's stylesheet applies per colour mode (``accessible_pages.css``).

    >>> readable_output_colours('<span style="color: #00af00; text-decoration-color: #00af00">')
    '<span class="output-colour" style="--out-light: #008100; --out-dark: #00b400">'
    """
    def replace(match: re.Match) -> str:
        colour = match.group(1)
        light, dark = readable(colour, LIGHT_BACKGROUNDS), readable(colour, DARK_BACKGROUNDS)
        return (f'<span class="output-colour" style="--out-light: {light}; '
                f'--out-dark: {dark}"')

    return _STYLED_SPAN.sub(replace, html)


def _set_attribute(tag: str, name: str, value: str) -> str:
    if re.search(rf'\s{name}="', tag):
        return tag
    if tag.endswith("/>"):
        return tag[:-2].rstrip() + f' {name}="{value}" />'
    return tag[:-1].rstrip() + f' {name}="{value}">'


def lighter_images(html: str, lighter: Callable[[str], tuple[str, int, int] | None]) -> str:
    """Make each figure load lazily, with its size reserved, from the file ``lighter`` names.

    ``lighter(src)`` returns the source to use instead (the same or a smaller file) and the
    image's width and height in pixels, or ``None`` to leave the tag alone (an image that
    is not the site's own file, such as an explorer's inline frame).

    >>> lighter_images('<img alt="a" src="_images/x.png" />',
    ...                lambda src: ("_images/x.webp", 40, 30))
    '<img alt="a" src="_images/x.webp" loading="lazy" decoding="async" width="40" height="30" />'
    """
    def replace(match: re.Match) -> str:
        tag = match.group(0)
        attributes = dict(_ATTR.findall(tag))
        found = lighter(attributes.get("src", ""))
        if found is None:
            return tag
        src, width, height = found
        tag = tag.replace(f'src="{attributes["src"]}"', f'src="{src}"')
        tag = _set_attribute(tag, "loading", "lazy")
        tag = _set_attribute(tag, "decoding", "async")
        if "width" not in attributes and "height" not in attributes:
            tag = _set_attribute(_set_attribute(tag, "width", str(width)), "height", str(height))
        return tag

    return _IMG.sub(replace, html)


def transform(html: str, lighter: Callable[[str], tuple[str, int, int] | None]) -> str:
    """Apply every change of this module to one page."""
    for change in (drop_icon_script, drop_unused_search_scripts, name_controls, add_landmarks,
                   readable_output_colours):
        html = change(html)
    return lighter_images(html, lighter)
