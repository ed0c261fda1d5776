"""Looking inside a convnet: activations, filter patterns and class activation heatmaps.

Three ways to see what a trained convnet has learned, as in chapter 9:

* **Intermediate activations.** :func:`activation_model` returns a model whose outputs are
  chosen layers' feature maps; :func:`activation_mosaic` lays every channel of one such map out
  as a grid (each channel normalised on its own, so weak channels stay readable and empty ones
  stay visibly empty) and :func:`plot_activations` draws several layers in one figure.
* **Filter patterns.** :func:`filter_patterns` finds, by gradient ascent in input space
  (``tf.GradientTape``), images that make chosen filters of one layer answer as strongly as
  possible, and :func:`deprocess_image` turns them into viewable pictures.
* **Grad-CAM.** :func:`grad_cam` weighs a conv layer's channels by the mean gradient of a class
  score with respect to them, keeping the positive part: a heatmap of *where* in the picture
  the evidence for that class lies. :func:`upscale_heatmap` and :func:`overlay_heatmap` lay it
  over the photo at the photo's own resolution. These live in :mod:`course_utils.gradcam`
  and are reachable from here, with :func:`class_activation_map` (CAM), the weighting a
  network with a global-average-pooling head allows without gradients.

Every function takes a Keras model that accepts raw RGB pixels in ``[0, 255]`` (as the course's
models and ``course_utils.pretrained.efficientnet_lite0`` do). TensorFlow is imported only by
the functions that need it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from course_utils import checks, plots
from course_utils.gradcam import (
    GradCam,
    class_activation_map,
    composite_alpha,
    grad_cam,
    grad_cam_model,
    heatmap_mass_share,
    imagenet_class_names,
    overlay_heatmap,
    resize_for_model,
    top_classes,
    upscale_heatmap,
)

if TYPE_CHECKING:
    import keras

__all__ = [
    "GAP", "FilterPattern", "GradCam", "activation_model", "activation_mosaic",
    "class_activation_map", "composite_alpha",
    "deprocess_image", "filter_patterns", "grad_cam", "grad_cam_model", "heatmap_mass_share",
    "imagenet_class_names", "layer_activations", "normalise_channels", "overlay_heatmap",
    "plot_activation_grid", "plot_activations", "plot_filter_patterns", "resize_for_model",
    "top_classes", "upscale_heatmap",
]

#: The value of the gaps between channels in :func:`activation_mosaic`: NaN, drawn white.
GAP = np.nan


# --- intermediate activations --------------------------------------------------------------------


def activation_model(model: keras.Model, layer_names: Sequence[str]) -> keras.Model:
    """Return a model with ``model``'s input whose outputs are the named layers' outputs.

    Calling it on a batch gives a list of feature maps, one per name, in the order given.

    Raises:
        TypeError: for one name given as a string instead of a list of names.
        ValueError: for no names, or a name that is not a layer of ``model``.
    """
    import keras

    layer_names = _check_names("layer_names", layer_names)
    if not layer_names:
        raise ValueError("activation_model needs at least one layer name")
    outputs = [checks.layer_output(model, name) for name in layer_names]
    return keras.Model(model.input, outputs, name=f"{model.name}_activations")


def _check_names(name: str, names: object) -> list[str]:
    """Refuse a lone string where a list of layer names is expected (it would be its letters)."""
    if isinstance(names, str) or not isinstance(names, Iterable):
        raise TypeError(f"{name} must be a list of layer names, such as ['conv_a'], "
                        f"got {names!r}")
    return list(names)


def layer_activations(
    model: keras.Model, image: ArrayLike, layer_names: Sequence[str]
) -> dict[str, np.ndarray]:
    """Return each named layer's feature map for one ``(h, w, 3)`` image, as ``(h', w', c)``.

    Raises:
        ValueError: for an image that is not one finite ``(h, w, c)`` array of the model's
            input shape, or a name that is not a layer of ``model``.
    """
    layer_names = _check_names("layer_names", layer_names)
    checks.model_image("image", image, model)
    batch = np.asarray(image, dtype="float32")[np.newaxis]
    outputs = activation_model(model, layer_names)(batch, training=False)
    if not isinstance(outputs, (list, tuple)):  # Keras unwraps a model's single output
        outputs = [outputs]
    return {name: np.asarray(out)[0] for name, out in zip(layer_names, outputs, strict=True)}


def normalise_channels(activation: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Scale each channel of an ``(h, w, c)`` feature map to ``[0, 1]`` on its own.

    A channel's smallest value becomes 0 and its 99th percentile 1 (larger values are clipped
    to 1), so that a channel with a few very strong pixels stays readable, and a weak channel
    is as visible as a strong one. After a ReLU the smallest value is 0: dark means "no
    response" in every channel. A constant channel (no response anywhere, or the same
    everywhere) carries no picture: it is *blank* and becomes all zeros.

    Returns:
        The normalised map, same shape, and a boolean vector saying which channels are blank.

    Raises:
        TypeError: for a map that is not an array of real numbers.
        ValueError: for a map that is not a non-empty ``(h, w, c)`` array of finite numbers.

    >>> act = np.zeros((2, 2, 2)); act[0, 0, 1] = 3.0
    >>> normalised, blank = normalise_channels(act)
    >>> blank.tolist()
    [True, False]
    >>> normalised[..., 1].tolist()
    [[1.0, 0.0], [0.0, 0.0]]
    """
    act = checks.numbers("activation", activation)
    if act.ndim != 3:
        raise ValueError(f"activation: a feature map must be (height, width, channels), got "
                         f"{act.shape}")
    act = checks.array("activation", act, 3, "(height, width, channels)").astype(float)
    low, peak = act.min(axis=(0, 1)), act.max(axis=(0, 1))
    blank = peak - low <= 1e-6 * (np.maximum(np.abs(low), np.abs(peak)) + 1e-12)
    high = np.percentile(act, 99, axis=(0, 1))
    high = np.where(high > low, high, peak)  # a sparse channel: its 99th percentile is its min
    span = np.where(blank, 1.0, high - low)
    normalised = np.clip((act - low) / span, 0.0, 1.0)
    normalised[..., blank] = 0.0
    return normalised, blank


def activation_mosaic(activation: ArrayLike, ncols: int = 16, gap: int = 1) -> np.ndarray:
    """Lay every channel of an ``(h, w, c)`` feature map out as one 2-D grid image.

    Channels go row by row, ``ncols`` per row (fewer when there are fewer channels), each
    normalised by :func:`normalise_channels`, with ``gap`` pixels of NaN between them (drawn as
    white by ``imshow``). Blank channels are all zeros: plain dark squares in the grid.

    >>> activation_mosaic(np.ones((2, 3, 5)), ncols=4).shape
    (5, 15)

    Raises:
        ValueError: for a bad feature map (:func:`normalise_channels`), an ``ncols`` that is
            not a positive integer or a ``gap`` that is not an integer >= 0.
    """
    checks.integer("ncols", ncols)
    checks.integer("gap", gap, 0)
    normalised, _ = normalise_channels(activation)
    height, width, channels = normalised.shape
    ncols = max(1, min(ncols, channels))
    nrows = -(-channels // ncols)
    mosaic = np.full((nrows * (height + gap) - gap, ncols * (width + gap) - gap), GAP)
    for c in range(channels):
        row, col = divmod(c, ncols)
        top, left = row * (height + gap), col * (width + gap)
        mosaic[top:top + height, left:left + width] = normalised[..., c]
    return mosaic


def plot_activation_grid(
    ax: Axes, activation: ArrayLike, title: str | None = None, ncols: int = 16,
    cmap: str = "viridis",
) -> None:
    """Draw :func:`activation_mosaic` of one feature map on ``ax``.

    The title (when given) is followed by the map's size and the number of blank channels.
    """
    checks.integer("ncols", ncols)
    act = checks.numbers("activation", activation)
    _, blank = normalise_channels(act)
    height, width, channels = act.shape
    ax.imshow(activation_mosaic(act, ncols), cmap=cmap, vmin=0.0, vmax=1.0,
              interpolation="nearest")
    label = f"{channels} channels of {height}x{width}, {int(blank.sum())} blank"
    ax.set_title(f"{title}: {label}" if title else label, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])


def plot_activations(
    activations: Mapping[str, ArrayLike], ncols: int = 16, panel_width: float = 5.0,
    suptitle: str | None = None, columns: int = 2,
) -> Figure:
    """Return a figure with one :func:`plot_activation_grid` panel per layer.

    ``activations`` maps layer names to ``(h, w, c)`` feature maps (as
    :func:`layer_activations` returns them); panels go ``columns`` per row, in that order.

    Raises:
        TypeError: for ``activations`` that are not a mapping of arrays of numbers, or an
            ``ncols``, ``columns`` or ``panel_width`` that is not a number.
        ValueError: for no maps, a map that is not ``(h, w, c)`` (:func:`normalise_channels`),
            or an ``ncols``, ``columns`` or ``panel_width`` that is not positive.
    """
    if not isinstance(activations, Mapping):
        raise TypeError(f"activations must be a mapping from layer names to (h, w, c) maps, "
                        f"got {type(activations).__name__}")
    if not activations:
        raise ValueError("activations: plot_activations needs at least one feature map")
    checks.integer("ncols", ncols)
    checks.integer("columns", columns)
    checks.number("panel_width", panel_width, 0, low_open=True)
    for name, act in activations.items():
        if checks.numbers(f"the feature map of {name!r}", act).ndim != 3:
            raise ValueError(f"the feature map of {name!r} must be (height, width, channels), "
                             f"got shape {np.shape(act)}")
    columns = min(columns, len(activations))
    nrows = -(-len(activations) // columns)
    heights = []
    for act in activations.values():
        h, w, c = np.shape(act)
        n = max(1, min(ncols, c))
        heights.append((-(-c // n) * (h + 1)) / (n * (w + 1)))
    row_height = [max(heights[i:i + columns]) for i in range(0, len(heights), columns)]
    fig, axes = plots.new_figure(nrows, columns)
    fig.set_size_inches(panel_width * columns, sum(panel_width * r + 0.5 for r in row_height))
    axes[0, 0].get_gridspec().set_height_ratios([r + 0.5 / panel_width for r in row_height])
    for ax, (name, act) in zip(axes.flat, activations.items(), strict=False):
        plot_activation_grid(ax, act, name, ncols)
    for ax in axes.flat[len(activations):]:
        ax.set_axis_off()
    if suptitle:
        fig.suptitle(suptitle)
    return fig


# --- filter patterns by gradient ascent ----------------------------------------------------------


@dataclass(frozen=True)
class FilterPattern:
    """What :func:`filter_patterns` found for one filter.

    Attributes:
        layer: the layer's name.
        index: the filter (channel) index in that layer.
        image: the input image found, ``float32`` pixels in ``[0, 255]``, ``(size, size, 3)``.
        losses: the filter's mean activation (away from the borders) before each step, then
            once more after the last step: ``steps + 1`` values, rising when the ascent works.
    """

    layer: str
    index: int
    image: np.ndarray
    losses: np.ndarray

    def picture(self, crop: float = 0.1) -> np.ndarray:
        """The image, deprocessed for viewing (see :func:`deprocess_image`)."""
        return deprocess_image(self.image, crop)


def _centre_crop(side: int, border: int) -> int:
    """Pixels to drop on each side of a ``side``-wide map: ``border``, keeping at least one."""
    return max(0, min(border, (side - 1) // 2))


def filter_patterns(
    model: keras.Model,
    layer_name: str,
    filter_indices: Sequence[int],
    size: int = 96,
    steps: int = 30,
    step_size: float = 4.0,
    border: int = 2,
    seed: int = 0,
) -> list[FilterPattern]:
    """Find an input image that maximally activates each of some filters of one layer.

    Gradient ascent in input space: start from a grey image with a little noise (pixel values
    128 ± 10), then ``steps`` times compute, with ``tf.GradientTape``, the gradient of the
    filter's mean activation (leaving out ``border`` pixels on each side of the feature map,
    where zero padding distorts it) with respect to the input pixels, divide it by its root
    mean square, and add ``step_size`` times that to the image (clipped to ``[0, 255]``). The
    normalised step makes every filter move at the same pace, however small its gradients.

    All filters are optimised together, one image each, in one batch; the model runs in
    inference mode, so the images do not interact.

    Args:
        model: a model taking raw RGB pixels. A model built for one input size (one with a
            ``Flatten``) needs ``size`` to be that size; others take any size.
        layer_name: the layer whose filters (channels) to visualise.
        filter_indices: the channels, e.g. ``range(8)``.
        size: side of the square input image, in pixels.
        steps: gradient-ascent steps.
        step_size: root-mean-square change of the pixels per step, in grey levels.
        border: feature-map pixels left out on each side of the loss.
        seed: the seed of the starting noise.

    Raises:
        TypeError: for a model that is not a Keras model, ``filter_indices`` that are not a
            list of integers, or another argument of the wrong kind.
        ValueError: for no filters, a filter index the layer does not have, a ``size`` or
            ``steps`` that is not a positive integer (``steps`` may be 0), a ``step_size``
            that is not a positive number, a ``border`` or ``seed`` that is not an integer
            >= 0.
    """
    import keras
    import tensorflow as tf

    if isinstance(filter_indices, str) or not isinstance(filter_indices, Iterable):
        raise TypeError(f"filter_indices must be a list of channel numbers, such as range(8), "
                        f"got {filter_indices!r}")
    indices = [checks.integer("each filter index", i, 0) for i in filter_indices]
    checks.integer("size", size)
    checks.integer("steps", steps, 0)
    checks.number("step_size", step_size, 0, low_open=True)
    checks.integer("border", border, 0)
    checks.integer("seed", seed, 0)
    if not indices:
        raise ValueError("filter_patterns needs at least one filter index")
    extractor = keras.Model(model.input, checks.layer_output(model, layer_name))
    channels = int(extractor.output.shape[-1])
    bad = [i for i in indices if not 0 <= i < channels]
    if bad:
        raise ValueError(f"layer {layer_name!r} has {channels} filters; no filter {bad[0]}")
    rng = np.random.default_rng(seed)
    start = 128.0 + rng.uniform(-10.0, 10.0, (len(indices), size, size, 3))
    image = tf.Variable(start.astype("float32"))
    one_hot = tf.one_hot(indices, channels, dtype="float32")  # (n, c): each image's filter

    def filter_means(pixels: tf.Tensor) -> tf.Tensor:
        activation = extractor(pixels, training=False)
        h, w = int(activation.shape[1]), int(activation.shape[2])
        dh, dw = _centre_crop(h, border), _centre_crop(w, border)
        inner = activation[:, dh:h - dh, dw:w - dw, :]
        return tf.reduce_sum(tf.reduce_mean(inner, axis=(1, 2)) * one_hot, axis=-1)

    @tf.function
    def ascent_step() -> tf.Tensor:
        pixels = tf.convert_to_tensor(image)
        with tf.GradientTape() as tape:
            tape.watch(pixels)
            means = filter_means(pixels)
            total = tf.reduce_sum(means)  # the images are independent: one gradient each
        grads = tape.gradient(total, pixels)
        rms = tf.sqrt(tf.reduce_mean(tf.square(grads), axis=(1, 2, 3), keepdims=True))
        image.assign(tf.clip_by_value(image + step_size * grads / (rms + 1e-8), 0.0, 255.0))
        return means

    losses = [ascent_step().numpy() for _ in range(steps)]
    losses.append(filter_means(tf.convert_to_tensor(image)).numpy())  # after the last step
    history = np.stack(losses, axis=1)  # (n, steps + 1)
    final = image.numpy()
    return [FilterPattern(layer_name, i, final[k], history[k]) for k, i in enumerate(indices)]


def deprocess_image(image: ArrayLike, crop: float = 0.1) -> np.ndarray:
    """Turn a gradient-ascent image into a viewable ``uint8`` picture.

    The image is centred, scaled so that one standard deviation is 64 grey levels around 128
    (then clipped to ``[0, 255]``), and ``crop`` of its side is cut off each border, where
    the ascent sees only part of the filters' windows.

    >>> deprocess_image(np.arange(48.0).reshape(4, 4, 3), crop=0.25).shape
    (2, 2, 3)

    Raises:
        TypeError: for an image that is not an array of real numbers or a ``crop`` that is not
            a number.
        ValueError: for an image that is not a finite, non-empty ``(h, w)`` or ``(h, w, 1)``,
            ``(h, w, 3)``, ``(h, w, 4)`` array (:func:`course_utils.checks.image`), or a
            ``crop`` outside ``[0, 0.5)`` (half of each side would leave nothing).
    """
    picture = checks.image("image", image, "drawable").astype(float)
    checks.number("crop", crop, 0, 0.5, high_open=True)
    picture = picture - picture.mean()
    picture = picture / (picture.std() + 1e-8) * 64.0 + 128.0
    picture = np.clip(picture, 0, 255).astype(np.uint8)
    dh, dw = int(picture.shape[0] * crop), int(picture.shape[1] * crop)
    return picture[dh:picture.shape[0] - dh, dw:picture.shape[1] - dw]


def plot_filter_patterns(
    patterns: Sequence[FilterPattern] | Mapping[str, Sequence[FilterPattern]],
    ncols: int = 8, size: float = 1.1, suptitle: str | None = None,
) -> Figure:
    """Return a grid of deprocessed patterns (:meth:`FilterPattern.picture`).

    ``patterns`` is either one sequence (a grid, ``ncols`` per row) or a mapping from a row
    label (say, a layer's name) to a sequence: one row each, labelled on the left (with a line
    break at each underscore). Every panel is titled with its filter index.

    Raises:
        TypeError: for ``patterns`` that are not a list (or mapping of lists) of
            :class:`FilterPattern` objects, an ``ncols`` that is not an integer or a ``size``
            that is not a number.
        ValueError: for no patterns, an ``ncols`` below 1 or a ``size`` that is not positive.
    """
    checks.integer("ncols", ncols)
    checks.number("size", size, 0, low_open=True)
    groups = patterns.values() if isinstance(patterns, Mapping) else [patterns]
    for row in groups:
        if isinstance(row, str | FilterPattern) or not isinstance(row, Iterable):
            raise TypeError(f"patterns must be a list of FilterPattern objects (or a mapping "
                            f"of such lists), got {type(row).__name__}")
    if isinstance(patterns, Mapping):
        rows = {str(label): list(row) for label, row in patterns.items()}
    else:
        flat = list(patterns)
        rows = {str(k): flat[k:k + ncols] for k in range(0, len(flat), ncols)}  # unlabelled
    for label, row in rows.items():
        if not all(isinstance(p, FilterPattern) for p in row):
            raise TypeError(f"patterns: row {label!r} must hold FilterPattern objects (as "
                            "filter_patterns returns them)")
    if not rows or not any(rows.values()):
        raise ValueError("patterns: plot_filter_patterns needs at least one pattern")
    width = max(len(row) for row in rows.values())
    fig, axes = plots.new_figure(len(rows), width, size)
    for r, (label, row) in enumerate(rows.items()):
        for c, ax in enumerate(axes[r]):
            if c >= len(row):
                ax.set_axis_off()
                continue
            plots.plot_image(ax, row[c].picture())
            ax.set_title(f"filter {row[c].index}", fontsize=8)
        if isinstance(patterns, Mapping):  # long layer names: one word per line
            axes[r, 0].set_ylabel(label.replace("_", "\n"), fontsize=8)
    if suptitle:
        fig.suptitle(suptitle)
    return fig
