"""A Sphinx extension that brings the explorers' scripts and frames to the pages that show them.

A notebook output carries only an explorer's kind and its data, never a script
(:mod:`course_utils.site.live`, :mod:`course_utils.site.static_explorer`), so that editing a
script needs no chapter executed again. When the book is built, this extension

- copies ``course_utils/site/js/*.js`` into the site's ``_static/explorers/`` as the build
  starts, with the scripts it generates (``convnet_sources.js``: the sources the training
  explorer's Web Worker is built from, :func:`sources_script`), and adds ``<script src>``
  tags (deferred, in order: :func:`scripts_for`) to each page whose body holds an explorer,
  and to no other page: ``live_common.js`` starts every ``.live-explorer`` once the page is
  parsed, ``static_frames.js`` every ``.static-explorer``;
- writes each static explorer's frames to files of their own,
  ``_static/explorer-frames/ID/N.png``, and puts the explorer's page version in its place
  (:func:`course_utils.site.static_explorer.page_html`): the default frame loads with the page,
  any other frame when a reader's settings first need it.

A ``<script src>`` and an ``<img src>`` work from ``file://`` (``fetch()`` does not), so the
pages still work opened from disk. An explorer whose kind has no script, or a static explorer
whose data cannot be read, is a warning (a ``-W`` build fails).

Enabled in ``_config.yml``: ``sphinx: extra_extensions: [..., course_utils.site.explorer_pages]``.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from course_utils.site import live, static_explorer

logger = logging.getLogger(__name__)

#: Where the scripts go in the site, relative to ``_static/``.
SCRIPTS_DIR = "explorers"
#: Where static explorers' frames go, relative to ``_static/``.
FRAMES_DIR = "explorer-frames"

_LIVE = re.compile(r'<div class="live-explorer" data-kind="([^"]*)"')
_STATIC = re.compile(
    r'<div class="static-explorer" id="(?P<id>[^"]+)">\s*(?:<p class="static-explorer-note"'
    r'[^>]*>[^<]*</p>\s*)?<script type="application/json" class="static-explorer-data">'
    r"(?P<data>[^<]*)</script>\s*</div>")


def scripts_for(html: str) -> list[str]:
    """Return the scripts (``js/NAME.js``) a page with ``html`` needs, in the order they load.

    >>> scripts_for('<div class="live-explorer" data-kind="photo_explorer" id="p">')
    ['live_common', 'live_models', 'photo_explorer']
    >>> scripts_for('<p>no explorer</p>')
    []

    Raises:
        ValueError: for an explorer of a kind that has no script.
    """
    kinds = list(dict.fromkeys(_LIVE.findall(html)))
    unknown = [kind for kind in kinds if kind not in live.KINDS]
    if unknown:
        raise ValueError(f"explorer kinds without a script: {unknown}; kinds: {live.KINDS}")
    names = [live.COMMON_SCRIPT] if kinds else []
    names += [extra for kind in kinds for extra in live.EXTRA_SCRIPTS.get(kind, ())]
    names += kinds
    if 'class="static-explorer"' in html:
        names.append(static_explorer.SCRIPT)
    return list(dict.fromkeys(names))


#: Where models embedded in an explorer's data go, relative to ``_static/``.
MODELS_DIR = "explorer-models"
# A live explorer's data block whose JSON holds an embedded model (base64 of gzipped ONNX).
_EMBEDDED_MODEL = re.compile(
    r'(<script type="application/json" class="live-explorer-data">)(\{"model":"[A-Za-z0-9+/=]+".*?)'
    r'(</script>)', re.S)


def model_files(html: str, write: Callable[[bytes], str]) -> str:
    """Return ``html`` with each model embedded in a live explorer's data moved to a file.

    A notebook output carries the digit explorer's model in its data (base64 of the gzipped
    ONNX model), so that the notebook alone holds the explorer. On the site the model would
    then weigh on the page's first load; the page instead names a file, which the explorer
    fetches when a reader opens it (the model explorers run only on a served site anyway).

    Args:
        html: a page's body.
        write: ``write(onnx_bytes)`` stores the model and returns its path relative to
            ``_static/``, which the explorer's data then holds as ``model``.

    >>> model = base64.b64encode(gzip.compress(b"onnx")).decode()
    >>> page = '<script type="application/json" class="live-explorer-data">'
    >>> model_files(page + '{"model":"' + model + '","side":28}</script>', lambda b: b.decode())
    '<script type="application/json" class="live-explorer-data">{"model":"onnx","side":28}</script>'
    """
    def moved(match: re.Match[str]) -> str:
        data = json.loads(match[2])
        data["model"] = write(gzip.decompress(base64.b64decode(data["model"])))
        payload = json.dumps(data, separators=(",", ":"), allow_nan=False)
        return match[1] + payload.replace("<", "\\u003c") + match[3]

    return _EMBEDDED_MODEL.sub(moved, html)


def static_pages(html: str, write: Callable[[str, int, bytes], str]) -> str:
    """Return ``html`` with each static explorer's notebook version made its page version.

    Args:
        html: a page's body.
        write: ``write(element_id, index, png)`` stores one frame and returns its URL, relative
            to the page.

    Raises:
        ValueError: for a static explorer whose frames are not PNG ``data:`` URLs.
    """
    prefix = static_explorer.FRAME_URL_PREFIX

    def page(match: re.Match[str]) -> str:
        element_id = match["id"]
        data = json.loads(match["data"])
        urls = {}
        for index, (key, frame) in enumerate(data["frames"].items()):
            if not frame.startswith(prefix):
                raise ValueError(f"static explorer {element_id}: frame {key} is not a PNG "
                                 f"data: URL")
            urls[key] = write(element_id, index, base64.b64decode(frame[len(prefix):]))
        return static_explorer.page_html(element_id, {**data, "frames": urls})

    return _STATIC.sub(page, html)


def sources_script(name: str) -> str:
    """The text of the generated script ``name`` (:data:`course_utils.site.live.GENERATED_SCRIPTS`):
    it stores its files' sources as strings in ``self.CourseSources``.

    >>> sources_script("convnet_sources").count("self.CourseSources[")
    2
    """
    files = live.GENERATED_SCRIPTS[name]
    lines = [f"// Generated by course_utils/site/explorer_pages.py from "
             f"{', '.join(f'js/{file}.js' for file in files)}: their sources as strings,",
             "// for a Web Worker built from a Blob (works from file:// too).",
             "self.CourseSources = self.CourseSources || {};"]
    lines += [f"self.CourseSources[{json.dumps(file)}] = "
              f"{json.dumps((live.JS_DIR / f'{file}.js').read_text(encoding='utf-8'))};"
              for file in files]
    return "\n".join(lines) + "\n"


def install_scripts(target: Path) -> None:
    """Put every explorer script in ``target``: ``js/*.js`` copied, the generated ones written."""
    target.mkdir(parents=True, exist_ok=True)
    for script in sorted(live.JS_DIR.glob("*.js")):
        shutil.copyfile(script, target / script.name)
    for name in live.GENERATED_SCRIPTS:
        (target / f"{name}.js").write_text(sources_script(name), encoding="utf-8")


def copy_scripts(app: Sphinx) -> None:
    """Install the explorers' scripts in the site's ``_static/explorers/`` (HTML builders)."""
    if app.builder.format != "html":
        return
    install_scripts(Path(app.outdir) / "_static" / SCRIPTS_DIR)


def add_explorers(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                  doctree: Any) -> None:
    """Give a page with explorers their scripts, and its static explorers their frame files."""
    body = str(context.get("body", ""))
    if "-explorer" not in body:
        return
    frames = Path(app.outdir) / "_static" / FRAMES_DIR

    def write(element_id: str, index: int, png: bytes) -> str:
        path = frames / element_id / f"{index}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_bytes() != png:
            path.write_bytes(png)
        return context["pathto"](f"_static/{FRAMES_DIR}/{element_id}/{index}.png", 1)

    models = Path(app.outdir) / "_static" / MODELS_DIR

    def write_model(onnx: bytes) -> str:
        name = f"{hashlib.sha256(onnx).hexdigest()[:16]}.onnx"
        path = models / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file():
            path.write_bytes(onnx)
        return f"{MODELS_DIR}/{name}"

    try:
        context["body"] = model_files(static_pages(body, write), write_model)
        names = scripts_for(body)
    except ValueError as err:
        logger.warning("page %s: %s", pagename, err, type="explorer_pages", location=pagename)
        return
    left = body.count('class="static-explorer"') - context["body"].count(
        'class="static-explorer-frame"')
    if left:
        logger.warning("page %s: %d static explorer(s) this extension could not read",
                       pagename, left, type="explorer_pages", location=pagename)
    for name in names:
        app.add_js_file(f"{SCRIPTS_DIR}/{name}.js", loading_method="defer")


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the handlers; a page's scripts are added before offline_site checks it."""
    app.connect("builder-inited", copy_scripts)
    app.connect("html-page-context", add_explorers, priority=500)
    return {"version": "0.1.0", "parallel_read_safe": True, "parallel_write_safe": True}
