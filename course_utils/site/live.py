"""Live site explorers: what the page needs to recompute an explorer in the reader's browser.

The kernel, stepper, padding/stride and Gabor explorers recompute in the reader's browser. The
Python explorer, when the notebook runs, embeds everything the page needs (presets, ranges,
defaults, images, colour maps) as JSON in its ``text/html`` output, with its kind: no script.
The scripts are plain source files in ``course_utils/site/js/`` (one per kind, plus
``live_common.js``), which the book's Sphinx extension (:mod:`course_utils.site.explorer_pages`)
copies into the site and loads with ``<script src>`` on the pages that hold explorers (a
``<script src>`` works opened from disk, ``file://``; nothing is fetched). ``live_common.js``
starts every ``.live-explorer`` of the page once it has loaded.

The training explorer (``training_explorer``) trains a convnet in the page, in a Web Worker
built from the sources that ``convnet_sources.js`` holds as strings (:data:`GENERATED_SCRIPTS`),
on the digits of ``_static/data/convnet_digits.js`` (:mod:`course_utils.site.training_data`):
both load by ``<script>`` tags when the reader presses Start.

The model explorers (``digit_explorer``, ``photo_explorer``) run an ONNX model in the page with
ONNX Runtime Web, which ``make vendor`` puts in ``_static/onnxruntime/``; ``live_models.js``
loads it only when the reader opens the explorer, and from ``file://`` (where browsers refuse
WASM) says in one line how to serve the site instead.

The DOM contract (tests rely on it)::

    <div class="live-explorer" data-kind="KIND" id="live-KIND-...">
      <p class="live-explorer-fallback">what the explorer is, where it runs</p>
      <script type="application/json" class="live-explorer-data">{...}</script>
    </div>

and on the site, in the page's head: ``live_common.js``, the kinds' :data:`EXTRA_SCRIPTS`
(``live_models.js`` for the model explorers...) and ``KIND.js`` for each kind, in that order.
Each script defines itself once per page. Once started, the element has lost its fallback
line, has ``data-ready="true"``, and its ``liveExplorer`` property holds what it computed
(e.g. the kernel explorer's ``output``, a ``Float64Array``), for tests to read. A model
explorer's ``data-state`` is ``unavailable`` (the one-line message), ``closed`` (its open
button), ``loading``, ``open`` or ``failed``; its ``data-updates`` counts its redraws. The
training explorer's states are its own (``site/js/training_explorer.js``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Colormap
from numpy.typing import ArrayLike

from course_utils.site.static_explorer import unique_element_id

#: Where the explorers' scripts live.
JS_DIR = Path(__file__).resolve().parent / "js"
#: The script every live explorer needs, before its own.
COMMON_SCRIPT = "live_common"
#: The explorer kinds, each with its script ``js/KIND.js``.
KINDS = ("kernel_explorer", "convolution_stepper", "padding_stride_explorer", "gabor_explorer",
         "digit_explorer", "photo_explorer", "training_explorer")
#: Scripts some kinds need between the common one and their own: the model explorers load
#: ONNX Runtime Web through ``live_models.js`` (only when the reader opens them).
EXTRA_SCRIPTS = {"digit_explorer": ("live_models", "digit_common"),
                 "photo_explorer": ("live_models",),
                 "training_explorer": ("digit_common", "training_views")}
#: Scripts the build writes instead of copying (``explorer_pages.install_scripts``), beside the
#: others in ``_static/explorers/``: each holds the sources of ``js/NAME.js`` files as strings
#: (``self.CourseSources[NAME]``), so that a page builds a Web Worker from a Blob of them; a
#: Worker from a script's URL is refused from ``file://``, and ``fetch`` too. The training
#: explorer's worker is the convnet engine followed by ``convnet_worker.js``; the explorer
#: loads ``convnet_sources.js`` with a ``<script>`` tag when the reader presses Start (it is
#: no part of the page's first load).
GENERATED_SCRIPTS = {"convnet_sources": ("convnet_engine", "convnet_worker")}


def quantise_grey(image: ArrayLike) -> tuple[dict[str, Any], np.ndarray]:
    """Return an 8-bit encoding of a grey image and the image it decodes to.

    The page decodes pixel ``q`` (``0..255``) as ``lo + q * (hi - lo) / 255`` in float64,
    the same arithmetic as here, so Python and the browser hold the same image. ``lo, hi``
    is ``0, 255`` for an image of whole numbers in that range (kept exactly), ``0, 1`` for an
    image within ``[0, 1]`` (exact for ``uint8 / 255``), else its minimum and maximum.

    >>> spec, decoded = quantise_grey(np.array([[0.0, 0.5], [1.0, 0.25]]))
    >>> spec["shape"], spec["lo"], spec["hi"], bool(decoded[0, 1] == 128 / 255)
    ([2, 2], 0.0, 1.0, True)
    """
    image = np.asarray(image, dtype=float)
    if image.ndim != 2 or not np.all(np.isfinite(image)):
        raise ValueError(f"image must be a finite 2-D array, got shape {image.shape}")
    if np.all(image == np.round(image)) and image.min() >= 0 and image.max() <= 255:
        lo, hi = 0.0, 255.0
    elif image.min() >= 0 and image.max() <= 1:
        lo, hi = 0.0, 1.0
    else:
        lo, hi = float(image.min()), float(image.max())
    span = (hi - lo) or 1.0
    q = np.clip(np.round((image - lo) / span * 255), 0, 255).astype(np.uint8)
    decoded = lo + q.astype(float) * span / 255
    spec = {"shape": list(image.shape), "lo": lo, "hi": lo + span,
            "q": base64.b64encode(q.tobytes()).decode("ascii")}
    return spec, decoded


def exact_values(image: ArrayLike) -> dict[str, Any]:
    """Return a small 2-D array as ``{"shape", "values"}`` (float64, read back exactly)."""
    array = np.asarray(image, dtype=float)
    return {"shape": list(array.shape), "values": array.ravel().tolist()}


def colormap_lut(cmap: str | Colormap) -> str:
    """Return a colour map's 256 colours as base64 RGB bytes (``768`` bytes).

    Colour ``i`` is matplotlib's for values in ``[i / 256, (i + 1) / 256)``, as ``imshow``.
    """
    cmap = colormaps[cmap] if isinstance(cmap, str) else cmap
    rgb = np.round(cmap(np.arange(256) / 255)[:, :3] * 255).astype(np.uint8)
    return base64.b64encode(rgb.tobytes()).decode("ascii")


def live_html(kind: str, data: dict[str, Any], text: str, element_id: str | None = None) -> str:
    """Return the live explorer ``kind`` (one of :data:`KINDS`) fed with ``data``: no script.

    Args:
        kind: the explorer's kind; its script is ``js/KIND.js``.
        data: JSON-serialisable settings the script reads.
        text: one line saying what the explorer is, shown until the script starts it (and by
            viewers that run no script).
        element_id: the outer element's id; by default ``live-KIND-`` and a hash of the data,
            made unique per display (:func:`unique_element_id`).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    payload = json.dumps(data, separators=(",", ":"), allow_nan=False)
    if element_id is None:
        digest = hashlib.sha256(f"{kind}:{payload}".encode()).hexdigest()[:12]
        element_id = unique_element_id(f"live-{kind.replace('_', '-')}-{digest}")
    safe = payload.replace("<", "\\u003c")
    return "\n".join([
        f'<div class="live-explorer" data-kind="{kind}" id="{element_id}">',
        f'<p class="live-explorer-fallback">{html.escape(text, quote=False)}</p>',
        f'<script type="application/json" class="live-explorer-data">{safe}</script>',
        "</div>",
    ])
