"""A Sphinx extension that keeps the built book free of CDN assets, so that it works offline.

The site must work opened from disk with the network unplugged. Two things stood in the way:

- Sphinx loads MathJax from a CDN unless ``mathjax_path`` names a local copy. ``make vendor``
  fetches MathJax from the npm registry into ``_vendor/mathjax`` (git-ignored), which
  ``_config.yml`` lists in ``html_static_path``; ``mathjax_path`` points at that copy.
- Jupyter Book 1 always loads sphinx-thebe, which writes the URL of a thebe bundle on a CDN
  into every page (fetched when a reader presses a live-code button). The book has no
  live-code button, so this extension drops sphinx-thebe's scripts, stylesheet and per-page
  configuration. Binder and Colab launch buttons are plain links and are not affected.

It also guards the rule: a page that still loads a script, stylesheet, image or frame from
another host, or a ``mathjax_path`` that names a local file missing from every
``html_static_path`` folder, is a warning, so ``jupyter-book build -W`` fails.

Enabled in ``_config.yml`` with ``sphinx: extra_extensions: [course_utils.site.offline_site]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Files that sphinx-thebe adds to every page.
THEBE_ASSETS = ("sphinx-thebe.js", "sphinx-thebe.css")
#: Markers of sphinx-thebe's inline scripts (the configuration and the kernel name).
THEBE_MARKERS = ("THEBE_JS_URL", "text/x-thebe-config", "<script>kernelName")
#: The command that puts MathJax where ``mathjax_path`` expects it.
VENDOR_COMMAND = "make vendor"

_URL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
# An element that makes the browser fetch something as the page loads (links are not).
_LOADING_TAG = re.compile(
    r"<(?:script|img|iframe|source|video|audio|embed)\b[^>]*?\bsrc\s*=\s*[\"']([^\"']+)"
    r"|<link\b[^>]*?\bhref\s*=\s*[\"']([^\"']+)",
    re.IGNORECASE)


def is_external(url: str) -> bool:
    """Return whether the browser would fetch ``url`` from another host.

    >>> is_external("https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js")
    True
    >>> is_external("//unpkg.com/thebe")
    True
    >>> is_external("_static/mathjax/tex-mml-chtml.js")
    False
    >>> is_external("data:image/png;base64,iVBORw0KGgo=")
    False
    """
    return bool(_URL.match(url))


def external_loads(html: str) -> list[str]:
    """Return the URLs on other hosts that the elements of ``html`` load (not plain links).

    >>> external_loads('<img src="https://example.org/a.png"> <a href="https://example.org">x</a>')
    ['https://example.org/a.png']
    """
    urls = (script or link for script, link in _LOADING_TAG.findall(html))
    return [url for url in urls if is_external(url)]


def _asset_url(asset: Any) -> str | None:
    """Return the file or URL of a Sphinx script or stylesheet entry (``None`` for inline)."""
    url = getattr(asset, "filename", asset)
    return str(url) if url else None


def is_thebe_asset(asset: Any) -> bool:
    """Return whether a page's script or stylesheet entry belongs to sphinx-thebe."""
    url = _asset_url(asset) or ""
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return url.endswith(THEBE_ASSETS) or any(marker in body for marker in THEBE_MARKERS)


def _without_thebe(assets: Iterable[Any]) -> list[Any]:
    return [asset for asset in assets if not is_thebe_asset(asset)]


def drop_thebe_nodes(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Remove the raw HTML that sphinx-thebe appends to each page's doctree."""
    for node in list(doctree.findall(nodes.raw)):
        if any(marker in node.astext() for marker in THEBE_MARKERS):
            node.parent.remove(node)


def check_page(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
               doctree: nodes.document | None) -> None:
    """Drop sphinx-thebe's assets from a page and warn about anything loaded from a CDN."""
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = _without_thebe(context[key])
    urls = [url for key in ("script_files", "css_files") for asset in context.get(key, [])
            if (url := _asset_url(asset)) and is_external(url)]
    urls += external_loads(str(context.get("body", "")))
    for url in dict.fromkeys(urls):
        logger.warning("page %s loads %s from another host; the site must work offline "
                       "(vendor it into _vendor/ or drop it)", pagename, url,
                       type="offline_site", subtype="external", location=pagename)


def check_mathjax(app: Sphinx) -> None:
    """Warn when ``mathjax_path`` is a CDN URL or a local file missing from the static paths."""
    path = str(getattr(app.config, "mathjax_path", "") or "")
    if not path:
        return
    if is_external(path):
        logger.warning("mathjax_path %s is on another host; set it to the copy that `%s` "
                       "puts in _vendor/", path, VENDOR_COMMAND,
                       type="offline_site", subtype="mathjax")
        return
    folders = [Path(app.confdir, folder) for folder in app.config.html_static_path]
    if not any((folder / path).is_file() for folder in folders):
        logger.warning("mathjax_path %s is in none of the html_static_path folders (%s): "
                       "run `%s`", path, ", ".join(map(str, app.config.html_static_path)),
                       VENDOR_COMMAND, type="offline_site", subtype="mathjax")


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the handlers; they run after sphinx-thebe's and Sphinx's own (priority 900)."""
    app.connect("builder-inited", check_mathjax)
    app.connect("doctree-resolved", drop_thebe_nodes, priority=900)
    app.connect("html-page-context", check_page, priority=900)
    return {"version": "0.1.0", "parallel_read_safe": True, "parallel_write_safe": True}
