"""Chapter 4's digit explorer: the reader draws a digit and the chapter's convnet reads it live.

The site version (``site/js/digit_explorer.js``) runs the trained convnet, exported to ONNX and
embedded in the notebook's output, with ONNX Runtime Web. The drawing is prepared as the MNIST
digits were (:func:`prepare_drawing`, which the page mirrors step for step): the stroke's
bounding box scaled into 20x20 keeping its aspect ratio, then placed in 28x28 so that its centre
of mass is the image's centre. The page shows the prepared digit, the ten probabilities and the
feature maps of every conv and pooling layer, each channel scaled as
:func:`course_utils.interpret.normalise_channels` does and drawn with ``viridis``.
"""
from __future__ import annotations

import base64
import gzip
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from course_utils import checks, onnx_models
from course_utils.explorers.base import Explorer
from course_utils.site import live

#: The side of the box the digit's bounding box is scaled into, and of the image.
MNIST_BOX, MNIST_SIDE = 20, 28
#: The drawing canvas: MNIST's 28 pixels a side times this (test digits are put there enlarged).
DRAWING_SCALE = 4
#: The most bytes the embedded model may take in the notebook (base64 of the gzipped ONNX).
MAX_MODEL_BYTES = 500_000
#: The most test digits the explorer offers as starting points.
MAX_DIGITS = 10
#: The fewest MNIST pixels a stroke's box must span (its longer side) to be read as a digit:
#: the page says that a smaller one (a dot, a tick) is too small instead of reading it.
MIN_EXTENT = 7


def _round_half_up(value: float) -> int:
    """``floor(value + 0.5)``: the page's ``Math.round``, for ties too."""
    return int(np.floor(value + 0.5))


def _area_weights(n_in: int, n_out: int) -> np.ndarray:
    """``(n_out, n_in)``: each output pixel the mean of the input it covers (area resampling)."""
    step = n_in / n_out
    weights = np.zeros((n_out, n_in))
    for o in range(n_out):
        start, stop = o * step, (o + 1) * step
        for k in range(int(np.floor(start)), min(n_in, int(np.ceil(stop)))):
            weights[o, k] = (min(stop, k + 1) - max(start, k)) / step
    return weights


def prepare_drawing(ink: ArrayLike, box: int = MNIST_BOX, side: int = MNIST_SIDE) -> np.ndarray:
    """Return a drawing prepared as MNIST's digits were: ``(side, side)`` values in ``[0, 1]``.

    The drawing's bounding box (rows and columns with any ink) is resampled by area averaging
    so that its longer side is ``box`` pixels, keeping the aspect ratio; it is then placed in a
    ``side x side`` image so that its centre of mass falls on the image's centre (a whole
    number of pixels, kept inside the image). An empty drawing gives zeros.

    >>> ink = np.zeros((8, 8)); ink[2:4, 3] = 1.0
    >>> digit = prepare_drawing(ink, box=4, side=6)
    >>> digit.sum(axis=1).tolist(), np.flatnonzero(digit.sum(axis=0)).tolist()
    ([0.0, 2.0, 2.0, 2.0, 2.0, 0.0], [2, 3])

    Raises:
        ValueError: for ink that is not a finite 2-D array in ``[0, 1]``, or a ``box`` that is
            not an integer from 1 to ``side``.
    """
    values = checks.image("ink", ink, "grey").astype(float)
    if values.min() < 0 or values.max() > 1:
        raise ValueError(f"ink must lie in [0, 1], got values from {values.min()} to "
                         f"{values.max()}")
    checks.integer("side", side)
    checks.integer("box", box, 1, side)
    out = np.zeros((side, side))
    rows, cols = np.flatnonzero(values.max(axis=1) > 0), np.flatnonzero(values.max(axis=0) > 0)
    if rows.size == 0:
        return out
    crop = values[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    height, width = crop.shape
    scale = box / max(height, width)
    new_h = max(1, _round_half_up(height * scale))
    new_w = max(1, _round_half_up(width * scale))
    small = _area_weights(height, new_h) @ crop @ _area_weights(width, new_w).T
    mass = small.sum()
    centre_y = (small.sum(axis=1) @ np.arange(new_h)) / mass
    centre_x = (small.sum(axis=0) @ np.arange(new_w)) / mass
    top = min(max(int(np.floor(side / 2 - centre_y)), 0), side - new_h)
    left = min(max(int(np.floor(side / 2 - centre_x)), 0), side - new_w)
    out[top:top + new_h, left:left + new_w] = small
    return out


def digit_explorer(model: object, digits: ArrayLike, labels: Sequence[int] | None = None,
                   layer_names: Sequence[str] | None = None) -> Explorer:
    """Return the live digit explorer for a trained MNIST convnet (site only: no widget).

    Args:
        model: the trained ``keras.Sequential`` (``(28, 28, 1)`` inputs in ``[0, 1]``, ten
            softmax outputs).
        digits: up to :data:`MAX_DIGITS` test digits to start from, ``(n, 28, 28)`` or
            ``(n, 28, 28, 1)``, grey levels in ``[0, 1]`` or ``[0, 255]``.
        labels: their labels, shown on their buttons.
        layer_names: the layers whose feature maps the page draws; by default every
            ``Conv2D`` and ``MaxPooling2D`` layer, in order.

    The model and its feature-map outputs are exported to ONNX (:mod:`course_utils.onnx_models`)
    and embedded gzipped, at most :data:`MAX_MODEL_BYTES`.

    Raises:
        ValueError: for digits that are not 1 to :data:`MAX_DIGITS` 28x28 images, labels that
            do not match them, or an exported model over the size limit.
        TypeError: for a model that is not a ``keras.Sequential``.
    """
    import keras

    images = checks.array("digits", digits, (3, 4), "(n, 28, 28) or (n, 28, 28, 1)")
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.shape[1:] != (MNIST_SIDE, MNIST_SIDE) or not 1 <= len(images) <= MAX_DIGITS:
        raise ValueError(f"digits must be 1 to {MAX_DIGITS} images of 28x28, got shape "
                         f"{np.shape(digits)}")
    grey = images / 255.0 if images.max() > 1 else images.astype(float)
    if labels is not None and len(labels) != len(grey):
        raise ValueError(f"labels: {len(labels)} labels for {len(grey)} digits")
    if not isinstance(model, keras.Sequential):
        raise TypeError(f"model must be a keras.Sequential, got {type(model).__name__}")
    if layer_names is None:
        layer_names = [layer.name for layer in model.layers
                       if isinstance(layer, keras.layers.Conv2D | keras.layers.MaxPooling2D)]
    exported = onnx_models.onnx_bytes(onnx_models.feature_model(model, layer_names))
    packed = base64.b64encode(gzip.compress(exported, mtime=0)).decode("ascii")
    if len(packed) > MAX_MODEL_BYTES:
        raise ValueError(f"the exported model takes {len(packed):,} bytes in the page, more "
                         f"than {MAX_MODEL_BYTES:,}: a smaller model is needed")
    shown = labels if labels is not None else [None] * len(grey)
    data = {"model": packed, "layers": list(layer_names), "box": MNIST_BOX, "side": MNIST_SIDE,
            "scale": DRAWING_SCALE, "minExtent": MIN_EXTENT,
            "digits": [[None if label is None else int(label), live.quantise_grey(image)[0]]
                       for label, image in zip(shown, grey, strict=True)],
            "luts": {"gray": live.colormap_lut("gray"), "viridis": live.colormap_lut("viridis")}}
    text = (f"Digit explorer for {model.name} ({model.count_params():,} parameters; the model "
            f"takes {len(packed):,} bytes): it runs on the built site.")
    return Explorer("digit_explorer", text, data=data)
