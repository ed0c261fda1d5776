"""Grad-CAM: where in a picture a convnet finds the evidence for a class (chapter 9).

:func:`grad_cam` weighs a conv layer's channels by the mean gradient of a class score with
respect to them, keeping the positive part: a heatmap of *where* in the picture the evidence
for that class lies. :func:`upscale_heatmap` and :func:`overlay_heatmap` lay it over the photo
at the photo's own resolution, :func:`heatmap_mass_share` measures how much of it falls inside
a region, and :func:`top_classes` names a classifier's best guesses (ImageNet's names by
default, :func:`imagenet_class_names`). The chapters reach all of these as
``course_utils.interpret.<name>``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence, Sized
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from matplotlib import colormaps
from numpy.typing import ArrayLike

from course_utils import checks

if TYPE_CHECKING:
    import keras


@dataclass(frozen=True)
class GradCam:
    """A class activation heatmap and what it was computed for.

    Attributes:
        heatmap: ``(h, w)`` values in ``[0, 1]`` at the conv layer's resolution.
        layer: the conv layer's name.
        class_index: the class whose score was differentiated.
        score: that class's score (the logit, see :func:`grad_cam`).
        probabilities: the model's output for the image (1-D).
    """

    heatmap: np.ndarray
    layer: str
    class_index: int
    score: float
    probabilities: np.ndarray


#: What transparent pixels are laid over before a model sees a photo: white.
ALPHA_BACKGROUND = 255.0

def composite_alpha(photo: ArrayLike) -> np.ndarray:
    """Return a photo's pixels with any transparency laid over white: RGB or grey, no alpha.

    The course's one rule for transparent pixels (a PNG's alpha channel), the same in the
    site's photo and kernel explorers (``site/js/live_common.js``, ``readImage``): each pixel
    becomes ``alpha * colour + (1 - alpha) * 255`` with ``alpha`` in ``[0, 1]`` (the 8-bit
    alpha over 255), rounded to whole numbers as the browser's 8-bit canvas does. A fully
    transparent pixel is white, whatever colour it stored; without alpha (grey ``(h, w)``,
    RGB ``(h, w, 3)``) the photo is returned unchanged, as floats. Pixels are in ``[0, 255]``.

    >>> composite_alpha(np.array([[[10, 20, 30, 0], [10, 20, 30, 255], [0, 0, 0, 51]]]))[0]
    array([[255., 255., 255.],
           [ 10.,  20.,  30.],
           [204., 204., 204.]])

    Raises:
        TypeError: for a photo that is not an array of real numbers.
        ValueError: for a photo that is not a finite, non-empty image of the layouts above
            (:func:`course_utils.checks.image`, ``"photo"``).
    """
    array = checks.image("photo", photo, "photo").astype(float)
    if array.ndim == 2 or array.shape[-1] == 3:
        return array
    if array.shape[-1] == 1:
        return array[..., 0]
    colour, alpha = array[..., :-1], array[..., -1:] / 255.0
    out = np.round(alpha * colour + (1 - alpha) * ALPHA_BACKGROUND)
    return out[..., 0] if out.shape[-1] == 1 else out


def resize_for_model(photo: ArrayLike, size: int | tuple[int, int]) -> np.ndarray:
    """Resize a photo to the model's input with bilinear interpolation.

    Returns ``float32`` RGB pixels in ``[0, 255]``, ``(size, size, 3)`` (or ``size`` = (h, w)).
    The aspect ratio is not kept: the whole photo is squeezed into the square, so a heatmap
    over the square stretches back over the whole photo. A grey photo is repeated into three
    channels; transparent pixels are laid over white first (:func:`composite_alpha`).

    Raises:
        TypeError: for a photo that is not an array of real numbers, or a ``size`` that is
            not an integer or a pair of them.
        ValueError: for a photo that :func:`composite_alpha` refuses, or a ``size`` below 1.
    """
    import tensorflow as tf

    shape = _size_pair("size", size)
    array = composite_alpha(photo).astype("float32")
    if array.ndim == 2:
        array = np.repeat(array[..., np.newaxis], 3, axis=-1)
    return tf.image.resize(array, shape, method="bilinear").numpy()


def _size_pair(name: str, size: object) -> tuple[int, int]:
    """``(height, width)`` from one side or a pair of sides, positive integers."""
    if isinstance(size, int | np.integer) and not isinstance(size, bool):
        side = checks.integer(name, size)
        return side, side
    if not isinstance(size, Sequence) or isinstance(size, str):
        raise TypeError(f"{name} must be a positive integer or a (height, width) pair of them, "
                        f"got {size!r}")
    if len(size) != 2:
        raise ValueError(f"{name} must be a positive integer or a (height, width) pair of them, "
                         f"got {size!r}")
    return (checks.integer(f"{name}[0] (height)", size[0]),
            checks.integer(f"{name}[1] (width)", size[1]))


def grad_cam_model(model: keras.Model, layer_name: str) -> keras.Model:
    """Return the model :func:`grad_cam` differentiates: input to ``[conv map, scores, output]``.

    The class scores are the logits when the last layer is a ``Dense`` with a softmax or
    sigmoid activation (its pre-activation, recomputed from its input and weights), else the
    model's output itself. Build it once per layer and pass it to :func:`grad_cam` to explain
    many images or classes without rebuilding it.
    """
    import keras

    conv = checks.layer_output(model, layer_name)
    last = model.layers[-1]
    activation = getattr(getattr(last, "activation", None), "__name__", "")
    if isinstance(last, keras.layers.Dense) and activation in ("softmax", "sigmoid"):
        logits = keras.ops.matmul(last.input, last.kernel)
        if last.bias is not None:
            logits = logits + last.bias
    else:
        logits = model.output
    return keras.Model(model.input, [conv, logits, model.output])


def grad_cam(
    model: keras.Model,
    image: ArrayLike,
    layer_name: str,
    class_index: int | None = None,
    score_model: keras.Model | None = None,
) -> GradCam:
    """Return the Grad-CAM heatmap of one class for one image (Selvaraju et al., 2017).

    With ``tf.GradientTape``, take the gradient of the class score with respect to the output
    of the conv layer ``layer_name``; average it over the map's positions to get one weight per
    channel (how much the class score rises when that channel rises); sum the channels weighted
    so, keep the positive part (ReLU: evidence *for* the class) and divide by the maximum.

    The score is the class's logit when the model ends in a softmax or sigmoid ``Dense`` layer
    (the probability saturates, and its gradient with it). A one-unit sigmoid output (a binary
    classifier) has two classes: 1 scores with the logit, 0 with its negative.

    Args:
        model: a classifier taking the image as it is given here (raw pixels, model size).
        image: one ``(h, w, 3)`` image at the model's input size.
        layer_name: a layer with a 4-D output, usually the last conv layer.
        class_index: the class to explain; the most probable one by default.
        score_model: :func:`grad_cam_model` of ``model`` and ``layer_name``, built once.

    Returns:
        A :class:`GradCam`; the heatmap is all zeros when no position has positive evidence.

    Raises:
        TypeError: for a model that is not a Keras model, an image that is not numbers, a
            layer name that is not a string or a ``class_index`` that is not an integer.
        ValueError: for an image that is not one finite image of the model's input shape, a
            layer the model does not have or whose output is not 4-D, or a ``class_index``
            that is not one of the model's classes.
    """
    import tensorflow as tf

    checks.model_image("image", image, model)
    if class_index is not None:
        checks.integer("class_index", class_index, 0)
    if score_model is None:
        score_model = grad_cam_model(model, layer_name)
    batch = tf.convert_to_tensor(np.asarray(image, dtype="float32")[np.newaxis])
    with tf.GradientTape() as tape:
        conv, logits, probabilities = score_model(batch, training=False)
        tape.watch(conv)
        probabilities = np.asarray(probabilities)[0]
        binary = int(logits.shape[-1]) == 1
        if class_index is None:
            class_index = int(probabilities[0] > 0.5) if binary else int(np.argmax(probabilities))
        if binary:
            if class_index not in (0, 1):
                raise ValueError(f"class_index: a binary classifier has classes 0 and 1, "
                                 f"not {class_index}")
            score = logits[0, 0] if class_index == 1 else -logits[0, 0]
        else:
            if not 0 <= class_index < int(logits.shape[-1]):
                raise ValueError(f"class_index: no class {class_index} among "
                                 f"{int(logits.shape[-1])} (0 to {int(logits.shape[-1]) - 1})")
            score = logits[0, class_index]
    grads = tape.gradient(score, conv)
    if len(conv.shape) != 4:
        raise ValueError(f"layer {layer_name!r} has output shape {tuple(conv.shape)}, not 4-D")
    weights = tf.reduce_mean(grads, axis=(0, 1, 2))  # one weight per channel
    heatmap = np.maximum(np.asarray(tf.tensordot(conv[0], weights, axes=1)), 0.0)
    peak = float(heatmap.max())
    heatmap = heatmap / peak if peak > 0 else heatmap
    return GradCam(heatmap.astype("float32"), layer_name, int(class_index), float(score),
                   probabilities.ravel())


def class_activation_map(
    maps: ArrayLike, dense_kernel: ArrayLike | None, class_index: int
) -> np.ndarray:
    """Return the class activation map (CAM) of one class, in ``[0, 1]``.

    For a network whose head is global average pooling of its last ``(h, w, k)`` feature
    maps and one dense layer, the class score is the average over positions of
    ``sum_k maps[..., k] * dense_kernel[k, class_index]`` (plus a bias): this sum, kept
    positive (ReLU) and divided by its maximum as :func:`grad_cam` does, says where the
    evidence for the class lies. ``maps`` may also be that sum already done for every class,
    ``(h, w, classes)`` (the site's ONNX model outputs it): pass ``dense_kernel=None``.

    >>> maps = np.zeros((2, 2, 2)); maps[0, 0, 0] = 2.0; maps[1, 1, 1] = 1.0
    >>> class_activation_map(maps, np.array([[1.0, 0.0], [-1.0, 1.0]]), 0).tolist()
    [[1.0, 0.0], [0.0, 0.0]]

    Raises:
        TypeError: for maps or a kernel that are not arrays of real numbers, or a class index
            that is not an integer.
        ValueError: for maps that are not a finite ``(h, w, k)`` array, a kernel that is not
            ``(k, classes)``, or a class index that is not one of the classes.
    """
    values = checks.array("maps", maps, 3, "(height, width, channels)").astype(float)
    if dense_kernel is None:
        scores = values
    else:
        kernel = checks.array("dense_kernel", dense_kernel, 2, "(channels, classes)")
        if kernel.shape[0] != values.shape[-1]:
            raise ValueError(f"dense_kernel must be ({values.shape[-1]}, classes) for maps of "
                             f"{values.shape[-1]} channels, got shape {kernel.shape}")
        scores = values @ kernel.astype(float)
    checks.integer("class_index", class_index, 0, scores.shape[-1] - 1)
    cam = np.maximum(scores[..., class_index], 0.0)
    peak = float(cam.max())
    return cam / peak if peak > 0 else cam


def upscale_heatmap(heatmap: ArrayLike, shape: tuple[int, int]) -> np.ndarray:
    """Resize a heatmap to ``shape`` = (height, width), smoothly (bilinear), kept in ``[0, 1]``.

    >>> upscale_heatmap(np.eye(2), (4, 6)).shape
    (4, 6)

    Raises:
        TypeError: for a heatmap that is not an array of real numbers, or a ``shape`` that is
            not a pair of integers.
        ValueError: for a heatmap that is not a finite 2-D array, or a ``shape`` that is not a
            pair of positive integers.
    """
    from skimage.transform import resize

    checks.array("heatmap", heatmap, 2, "(height, width)")
    if isinstance(shape, int | np.integer):
        raise TypeError(f"shape must be a (height, width) pair of positive integers, "
                        f"got {shape!r}")
    shape = _size_pair("shape", shape)

    return np.clip(resize(np.asarray(heatmap, dtype=float), shape, order=1, mode="edge",
                          anti_aliasing=False), 0.0, 1.0)


def overlay_heatmap(
    photo: ArrayLike, heatmap: ArrayLike, alpha: float = 0.45, cmap: str = "jet"
) -> np.ndarray:
    """Colour a heatmap and blend it over a photo at the photo's full resolution.

    The heatmap's values are upscaled to the photo's size (:func:`upscale_heatmap`), then
    coloured with ``cmap`` (so only the colour map's own colours appear, never a blend of
    two); each pixel is ``(1 - alpha) * photo + alpha * colour``, truncated to 8 bits. Grey
    photos are turned into RGB first, transparent pixels laid over white
    (:func:`composite_alpha`). Photo pixels are in ``[0, 255]``.

    Returns:
        An ``uint8`` RGB image with the photo's height and width.

    >>> overlay_heatmap(np.zeros((5, 7, 3), np.uint8), np.ones((2, 2)), alpha=1.0)[0, 0].tolist()
    [127, 0, 0]

    Raises:
        TypeError: for a photo or heatmap that is not an array of real numbers, an ``alpha``
            that is not a number or a ``cmap`` that is not a string.
        ValueError: for a photo that :func:`composite_alpha` refuses, a heatmap that is not a
            finite 2-D array, an ``alpha`` outside ``[0, 1]`` or an unknown colour map.
    """
    picture = composite_alpha(photo)
    checks.number("alpha", alpha, 0, 1)
    if not isinstance(cmap, str):
        raise TypeError(f"cmap must be a Matplotlib colour map's name such as 'jet', got "
                        f"{cmap!r}")
    if cmap not in colormaps:
        raise ValueError(f"cmap must be a Matplotlib colour map such as 'jet', got {cmap!r}")
    if picture.ndim == 2:
        picture = np.repeat(picture[..., np.newaxis], 3, axis=-1)
    up = upscale_heatmap(heatmap, picture.shape[:2])
    colour = colormaps[cmap](up)[..., :3] * 255.0
    return np.clip((1 - alpha) * picture + alpha * colour, 0, 255).astype(np.uint8)


def heatmap_mass_share(heatmap: ArrayLike, mask: ArrayLike) -> float:
    """Share of a heatmap's total mass inside a boolean mask of the same shape.

    >>> heatmap_mass_share(np.array([[1.0, 3.0]]), np.array([[False, True]]))
    0.75

    Raises:
        TypeError: for a heatmap that is not an array of real numbers, or a mask that is not
            boolean.
        ValueError: for a heatmap that is not a finite 2-D array of values >= 0, or a mask
            of another shape.
    """
    values = checks.array("heatmap", heatmap, 2, "(height, width)").astype(float)
    if values.min() < 0:
        raise ValueError(f"heatmap must hold values >= 0 (a mass), got a minimum of "
                         f"{values.min()}")
    region = np.asarray(mask)
    if region.dtype != bool:
        raise TypeError(f"mask must be a boolean array of the heatmap's shape {values.shape}, "
                        f"got shape {region.shape} and dtype {region.dtype}")
    if region.shape != values.shape:
        raise ValueError(f"mask must be a boolean array of the heatmap's shape {values.shape}, "
                         f"got shape {region.shape} and dtype {region.dtype}")
    total = float(values.sum())
    return float(values[region].sum() / total) if total > 0 else 0.0


def top_classes(
    probabilities: ArrayLike, top: int = 5, class_names: Sequence[str] | None = None
) -> list[tuple[int, str, float]]:
    """Return the ``top`` most probable classes as ``(index, name, probability)``, best first.

    ``class_names`` name the classes; by default, with 1,000 outputs, the ImageNet names of
    ``keras.applications.imagenet_utils.decode_predictions``. A one-unit sigmoid output is
    read as two classes, 0 with probability ``1 - p`` and 1 with ``p``.

    >>> top_classes([0.2, 0.7, 0.1], top=2, class_names=["cat", "dog", "fox"])
    [(1, 'dog', 0.7), (0, 'cat', 0.2)]

    ``top`` larger than the number of classes lists them all.

    Raises:
        TypeError: for probabilities that are not numbers, a ``top`` that is not an integer,
            or ``class_names`` that are not a list (a lone string is not).
        ValueError: for probabilities that are not one image's finite numbers in ``[0, 1]``,
            a ``top`` below 1, or a number of names that does not match.
        DataUnavailableError: for ImageNet names offline, with the class index not cached.
    """
    checks.integer("top", top)
    probs = checks.array("probabilities", probabilities, (1, 2), "one image's output: (n,) or "
                         "(1, n)").astype(float)
    if probs.ndim == 2 and probs.shape[0] != 1:
        raise ValueError(f"probabilities must be one image's output: (n,) or (1, n), got "
                         f"shape {probs.shape}; pass one row at a time")
    probs = probs.ravel()
    if probs.min() < 0 or probs.max() > 1:
        raise ValueError(f"probabilities must lie in [0, 1] (a model's softmax or sigmoid "
                         f"output), got values from {probs.min()} to {probs.max()}")
    if probs.size == 1:
        probs = np.array([1.0 - probs[0], probs[0]])
    if class_names is None:
        if probs.size != 1000:
            raise ValueError(f"name the {probs.size} classes with class_names")
        names = imagenet_class_names()
    else:
        if isinstance(class_names, str) or not isinstance(class_names, Sized):
            raise TypeError(f"class_names must be a list of names, got {class_names!r}")
        if len(class_names) != probs.size:
            raise ValueError(f"{len(class_names)} class names for {probs.size} classes")
        names = list(class_names)
    order = np.argsort(-probs, kind="stable")[:top]
    return [(int(i), str(names[i]), float(probs[i])) for i in order]


def imagenet_class_names() -> list[str]:
    """Return the 1,000 ImageNet class names (``African_elephant``...) in output order.

    They come from the class index that ``decode_predictions`` reads from the Keras cache
    (``models/imagenet_class_index.json``, downloaded on first use), fetched here with
    :func:`course_utils.data.get_file` so that offline, unseeded, the error says what to do.

    Raises:
        DataUnavailableError: offline, when the class index is not in the Keras cache.
    """
    from course_utils import data

    fname, origin = data.IMAGENET_CLASS_INDEX_ORIGIN
    path = data.get_file(fname, origin=origin, cache_subdir="models",
                         file_hash=data.IMAGENET_CLASS_INDEX_MD5)
    index = json.loads(path.read_text())
    return [index[str(i)][1] for i in range(len(index))]
