"""A Sphinx extension that makes the book's pages accessible (WCAG 2.1 AA) and light.

Enabled in ``_config.yml`` (``sphinx: extra_extensions``) beside
:mod:`course_utils.site.offline_site`. What it does, and where:

- Figures' alt text. A notebook figure's PNG output carries a description in its metadata,
  ``{"image/png": {"alt": "..."}}``, recorded when the chapter ran
  (:mod:`course_utils.figure_alt`). myst-nb names each output image by the SHA-256 of its
  bytes; :func:`add_alt_text` finds each image's output by that name and writes the
  description into ``<img alt>``. An output recorded before descriptions existed gets
  :data:`FALLBACK_ALT` (the browser test fails on it: re-execute the chapter).
- Assets a page does not use are not loaded (:func:`drop_unused_assets`): MathJax on a page
  without math, sphinx-design's files on a page without its components, the notebook's
  widget state where no widget manager reads it.
- Once every page is written (:func:`finish_pages`): the icon font and the theme's icon rules
  are cut to the icons the site uses, figures get WebP twins
  (:mod:`course_utils.site.theme_assets`), and each page's HTML is fixed
  (:mod:`course_utils.site.page_html`: no Font Awesome script, accessible names, landmarks,
  readable output colours, lazy figures).
- ``accessible_pages.css`` (``course_utils/site/theme/``): the cut icon fonts, the output
  colours per colour mode, and code and outputs that scroll inside their box.
"""

from __future__ import annotations

import binascii
import hashlib
import json
import os
import re
from pathlib import Path, PurePosixPath
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from course_utils.site import page_html, theme_assets

logger = logging.getLogger(__name__)

#: The folder whose files the site serves from ``_static/`` (the stylesheet).
THEME_DIR = Path(__file__).with_name("theme")
STYLESHEET = "accessible_pages.css"
#: The alt text of a notebook figure whose output records no description.
FALLBACK_ALT = "A figure drawn by the code cell above (no description recorded)."
#: Image types myst-nb writes to files, and how it turns an output into the file's bytes.
IMAGE_MIMES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")
_OUTPUT_IMAGE = re.compile(r"[0-9a-f]{64}")
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _output_bytes(mime: str, content: str | list[str]) -> bytes:
    """The bytes myst-nb writes for an output (``myst_nb.core.render.render_image``)."""
    text = "".join(content) if isinstance(content, list) else content
    if mime == "image/svg+xml":
        return os.linesep.join(text.splitlines()).encode("utf-8")
    return binascii.a2b_base64(text)


def notebook_alt_texts(notebook: dict[str, Any]) -> dict[str, str]:
    """Map the SHA-256 of each described output image to its description."""
    texts = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            for mime in IMAGE_MIMES:
                content = output.get("data", {}).get(mime)
                alt = output.get("metadata", {}).get(mime, {}).get("alt")
                if content and isinstance(alt, str) and alt.strip():
                    digest = hashlib.sha256(_output_bytes(mime, content)).hexdigest()
                    texts[digest] = " ".join(alt.split())
    return texts


def set_alt_texts(doctree: nodes.Node, texts: dict[str, str]) -> list[str]:
    """Give each output image of ``doctree`` its description (or :data:`FALLBACK_ALT`);
    an alt text set in the notebook by hand is kept. Returns the undescribed images."""
    missing = []
    for image in doctree.findall(nodes.image):
        name = PurePosixPath(str(image.get("uri", ""))).stem
        if not _OUTPUT_IMAGE.fullmatch(name) or image.get("alt"):
            continue
        image["alt"] = texts.get(name, FALLBACK_ALT)
        if name not in texts:
            missing.append(name)
    return missing


def add_alt_text(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: alt text for a notebook's output images from their metadata.

    It runs once myst-nb has chosen which of each output's formats the page shows, so only
    the figures a reader sees are counted."""
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".ipynb":
        return
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    missing = set_alt_texts(doctree, notebook_alt_texts(notebook))
    if missing:
        logger.info("%s: %d figure(s) without a recorded description get %r; re-execute the "
                    "notebook to record them", docname, len(missing), FALLBACK_ALT)


def _asset_name(asset: Any) -> str:
    return str(getattr(asset, "filename", asset) or "")


def _asset_body(asset: Any) -> str:
    return str(getattr(asset, "attributes", {}).get("body", ""))


def unused_asset(asset: Any, body: str, mathjax_path: str, widgets_js: bool = False) -> bool:
    """Whether a page whose content is ``body`` can do without a script or stylesheet.

    ``widgets_js``: whether pages load the ipywidgets manager, the only reader of the widget
    state that myst-nb copies from a notebook's metadata into its page.
    """
    name = _asset_name(asset)
    if not widgets_js and getattr(asset, "attributes", {}).get("type") == WIDGET_STATE:
        return True
    if 'class="math' not in body and (
            (mathjax_path and name.split("?")[0].endswith(mathjax_path))
            or _asset_body(asset).startswith("window.MathJax")):
        return True
    uses_design = re.search(r'class="[^"]*\bsd-', body) is not None
    return not uses_design and name.split("?")[0].endswith(("sphinx-design.min.css",
                                                            "design-tabs.js"))


def drop_unused_assets(app: Sphinx, pagename: str, templatename: str,
                       context: dict[str, Any], doctree: nodes.document | None) -> None:
    """``html-page-context``: leave out MathJax and sphinx-design where a page has no use
    for them, and the notebook's widget state (up to 140 KB) where no widget manager reads
    it (``_config.yml`` loads none: the site shows explorers without widgets)."""
    body = str(context.get("body", ""))
    mathjax_path = str(getattr(app.config, "mathjax_path", "") or "")
    widgets_js = bool(getattr(app.config, "nb_ipywidgets_js", None))
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key]
                            if not unused_asset(asset, body, mathjax_path, widgets_js)]


def _image_resolver(page: Path, images: Path, report: dict[str, int]) -> Any:
    """The ``lighter`` function of :func:`page_html.lighter_images` for one page."""
    def lighter(src: str) -> tuple[str, int, int] | None:
        if not src or ":" in src.split("/")[0]:
            return None
        target = (page.parent / src).resolve()
        if (target.parent != images.resolve() or target.suffix not in (".png", ".webp")
                or not _OUTPUT_IMAGE.fullmatch(target.stem)):
            return None  # only notebook figures (myst-nb names them by their hash)
        png = target.with_suffix(".png")
        if not png.is_file():
            return None
        chosen, width, height = theme_assets.lighter_image(png)
        if png.name not in report:
            report[png.name] = png.stat().st_size - chosen.stat().st_size
        return str(PurePosixPath(src).with_suffix(chosen.suffix)), width, height

    return lighter


def finish_pages(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: cut the icons, write lighter figures and fix every page's HTML."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    pages = sorted(outdir.rglob("*.html"))
    texts = {page: page.read_text(encoding="utf-8") for page in pages}
    glyphs = theme_assets.subset_icons(outdir / "_static", texts.values())
    saved: dict[str, int] = {}
    changed = 0
    for page, text in texts.items():
        lighter = _image_resolver(page, outdir / "_images", saved)
        fixed = page_html.transform(text, lighter)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
            changed += 1
    logger.info("accessible_pages: %d of %d pages fixed; icon fonts cut to %s glyphs; figures "
                "%.1f MB lighter as WebP", changed, len(pages), glyphs,
                sum(saved.values()) / 1e6)


def add_static_path(app: Sphinx, config: Any) -> None:
    """``config-inited``: serve ``accessible_pages.css`` from ``_static/``."""
    if str(THEME_DIR) not in map(str, config.html_static_path):
        config.html_static_path.append(str(THEME_DIR))


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the handlers; page context changes run after Sphinx's and the theme's."""
    app.connect("config-inited", add_static_path)
    app.add_css_file(STYLESHEET, priority=900)
    app.connect("doctree-resolved", add_alt_text)
    app.connect("html-page-context", drop_unused_assets, priority=950)
    app.connect("build-finished", finish_pages)
    return {"version": "0.1.0", "parallel_read_safe": True, "parallel_write_safe": True}
