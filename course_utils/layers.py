"""A convnet's layers written out in NumPy: patches, one matrix product, pooling, receptive fields.

A ``Conv2D`` layer looks at every ``k x k x c`` patch of its input and multiplies each one,
flattened, by the same weight matrix. :func:`extract_patches` builds those patches and
:func:`conv2d_as_matmul` does the product with a kernel in Keras's layout
``(k, k, c_in, c_out)``; :func:`pool2d` reduces the same patches channel by channel, as
``MaxPooling2D`` and ``AveragePooling2D`` do. The window arithmetic (output sizes, the zeros
``padding="same"`` adds) is :mod:`course_utils.kernels`'s, which follows Keras / TensorFlow.

Inputs are ``(h, w, c)`` images or ``(batch, h, w, c)`` batches (channels last, as in Keras);
a batch in gives a batch out. Everything here is NumPy; the tests check it against Keras.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, NamedTuple

import numpy as np

from course_utils import checks, kernels

PoolMode = Literal["max", "average"]
POOL_MODES = ("max", "average")


def _as_batch(x: np.ndarray) -> tuple[np.ndarray, bool]:
    """Return ``x`` as a 4-D batch and whether it was a single 3-D image."""
    x = checks.numbers("x", x)
    if x.ndim not in (3, 4):
        raise ValueError(
            f"x: expected an image (h, w, c) or a batch (n, h, w, c), got an array of shape "
            f"{x.shape}"
        )
    checks.array("x", x, (3, 4), "an image (h, w, c) or a batch (n, h, w, c)")
    return (x[np.newaxis], True) if x.ndim == 3 else (x, False)


def _pad(batch: np.ndarray, k: int, stride: int, padding: str, value: float) -> np.ndarray:
    """Pad height and width as ``padding`` asks (nothing for ``"valid"``) with ``value``."""
    _, h, w, _ = batch.shape
    for n in (h, w):
        kernels.check_window(n, k, padding, stride)
    if padding == "valid":
        return batch
    pad_h, pad_w = kernels.same_padding(h, k, stride), kernels.same_padding(w, k, stride)
    return np.pad(batch, ((0, 0), pad_h, pad_w, (0, 0)), constant_values=value)


def _windows(batch: np.ndarray, k: int, stride: int) -> np.ndarray:
    """Return every ``k x k`` window of an already padded batch: ``(n, oh, ow, k, k, c)``."""
    view = np.lib.stride_tricks.sliding_window_view(batch, (k, k), axis=(1, 2))
    # sliding_window_view puts the window axes last: (n, oh, ow, c, k, k) -> (n, oh, ow, k, k, c)
    return np.moveaxis(view[:, ::stride, ::stride], 3, 5)


def extract_patches(
    x: np.ndarray, kernel_size: int, stride: int = 1, padding: kernels.Padding = "valid"
) -> np.ndarray:
    """Return every ``k x k x c`` patch of ``x``, flattened: ``(oh, ow, k * k * c)``.

    Patch ``[i, j]`` is the window whose top-left corner is at row ``i * stride`` and column
    ``j * stride`` of the (padded) input, flattened row by row with the channels innermost:
    the order in which ``kernel.reshape(k * k * c, filters)`` lists a Keras kernel's weights.
    ``padding="same"`` pads with zeros as Keras does (:func:`kernels.same_padding`).

    >>> x = np.arange(16.0).reshape(4, 4, 1)
    >>> extract_patches(x, 2, stride=2)[0, 1]
    array([2., 3., 6., 7.])
    >>> extract_patches(np.zeros((1, 5, 5, 3)), 3, padding="same").shape
    (1, 5, 5, 27)

    Raises:
        TypeError: for an input that is not an array of real numbers, or a size or stride
            that is not an integer.
        ValueError: for an input that is not a non-empty 3-D or 4-D array of finite
            numbers, or a window that does not fit (:func:`kernels.check_window` says why).
    """
    k = checks.integer("kernel_size", kernel_size)
    stride = checks.integer("stride", stride)
    batch, single = _as_batch(x)
    windows = _windows(_pad(batch, k, stride, padding, 0.0), k, stride)
    patches = windows.reshape(*windows.shape[:3], -1)
    return patches[0] if single else patches


def conv2d_as_matmul(
    x: np.ndarray,
    kernel: np.ndarray,
    bias: np.ndarray | None = None,
    stride: int = 1,
    padding: kernels.Padding = "valid",
) -> np.ndarray:
    """Return what ``keras.layers.Conv2D`` computes (no activation), as patches @ weights + bias.

    Args:
        x: an image ``(h, w, c_in)`` or a batch ``(n, h, w, c_in)``.
        kernel: the layer's kernel in Keras's layout ``(k, k, c_in, c_out)``.
        bias: ``(c_out,)``, or ``None`` for a layer without bias.
        stride: the step between windows, the same along both axes.
        padding: ``"valid"`` (windows inside the input) or ``"same"`` (zero padding).

    Returns:
        ``(oh, ow, c_out)``, or ``(n, oh, ow, c_out)`` for a batch.

    >>> x = np.ones((4, 4, 2))
    >>> kernel = np.ones((3, 3, 2, 1))
    >>> conv2d_as_matmul(x, kernel, bias=np.array([0.5]))[..., 0]
    array([[18.5, 18.5],
           [18.5, 18.5]])

    Raises:
        TypeError: for an input, kernel or bias that is not an array of real numbers.
        ValueError: for a kernel that is not ``(k, k, c_in, c_out)`` with the input's
            ``c_in``, a bias of the wrong shape, NaN or infinity anywhere, or a window that
            does not fit.
    """
    kernel = checks.numbers("kernel", kernel)
    if kernel.ndim != 4 or kernel.shape[0] != kernel.shape[1]:
        raise ValueError(
            f"kernel must have Keras's layout (k, k, c_in, c_out), got shape {kernel.shape}"
        )
    checks.array("kernel", kernel, 4, "(k, k, c_in, c_out)")
    k, _, c_in, c_out = kernel.shape
    channels = np.shape(x)[-1] if np.ndim(x) in (3, 4) else None
    if channels is not None and channels != c_in:
        raise ValueError(f"the kernel expects {c_in} input channel(s), the input has {channels}")
    patches = extract_patches(x, k, stride, padding)
    out = patches @ kernel.reshape(k * k * c_in, c_out)  # one weight matrix for every patch
    if bias is not None:
        bias = checks.numbers("bias", bias)
        if bias.shape != (c_out,):
            raise ValueError(f"bias must have shape ({c_out},), got {bias.shape}")
        checks.array("bias", bias, 1)
        out = out + bias
    return out


def pool2d(
    x: np.ndarray,
    pool_size: int = 2,
    stride: int | None = None,
    mode: PoolMode = "max",
    padding: kernels.Padding = "valid",
) -> np.ndarray:
    """Return what ``MaxPooling2D`` / ``AveragePooling2D`` compute, channel by channel.

    Keras's defaults: the stride is the pool size (windows side by side, no overlap) and
    ``padding="valid"`` (a leftover row or column is dropped). With ``padding="same"``, the
    padded cells take no part: a maximum ignores them, an average divides by the real pixels
    only, as TensorFlow does.

    >>> x = np.arange(16.0).reshape(4, 4, 1)
    >>> pool2d(x)[..., 0]
    array([[ 5.,  7.],
           [13., 15.]])
    >>> pool2d(x, mode="average")[..., 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])

    Raises:
        TypeError: for a mode that is not a string, an input that is not real numbers, or a
            size or stride that is not an integer.
        ValueError: for an unknown mode, a bad input shape, NaN or infinity in the input, or a
            window that does not fit.
    """
    checks.choice("mode", mode, POOL_MODES)
    k = checks.integer("pool_size", pool_size)
    stride = k if stride is None else checks.integer("stride", stride)
    batch, single = _as_batch(x)
    if mode == "max":
        padded = _pad(batch.astype(float), k, stride, padding, -np.inf)
        out = _windows(padded, k, stride).max(axis=(3, 4))
    else:
        total = _windows(_pad(batch.astype(float), k, stride, padding, 0.0), k, stride)
        real = _windows(_pad(np.ones_like(batch, float), k, stride, padding, 0.0), k, stride)
        out = total.sum(axis=(3, 4)) / real.sum(axis=(3, 4))
    return out[0] if single else out


class ReceptiveField(NamedTuple):
    """How much input one unit sees, and how far apart neighbouring units' views start.

    ``size``: the side, in input pixels, of the square a unit depends on. ``jump``: the
    distance, in input pixels, between the fields of two neighbouring units.
    """

    size: int
    jump: int


def receptive_field(stack: Iterable[tuple[int, int]]) -> ReceptiveField:
    """Return the receptive field of one unit after a stack of ``(kernel_size, stride)`` layers.

    Each layer widens the field by ``(k - 1)`` of its input's units, and each of those is
    ``jump`` input pixels apart; its stride multiplies the jump. Pooling is a layer like any
    other (``(2, 2)`` for ``MaxPooling2D(2)``). Padding moves the field but not its size.

    >>> receptive_field([(3, 1)] * 3)
    ReceptiveField(size=7, jump=1)
    >>> receptive_field([(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)])
    ReceptiveField(size=18, jump=4)
    >>> receptive_field([])
    ReceptiveField(size=1, jump=1)

    Raises:
        TypeError: for a ``stack`` or a layer that is not a sequence, or a size that is not
            an integer.
        ValueError: for a layer that is not a pair, or a size below 1.
    """
    if isinstance(stack, str) or not isinstance(stack, Iterable):
        raise TypeError(f"stack must be a sequence of (kernel_size, stride) pairs, got {stack!r}")
    size, jump = 1, 1
    for index, layer in enumerate(stack):
        if isinstance(layer, str) or not isinstance(layer, Iterable):
            raise TypeError(f"layer {index} must be a (kernel_size, stride) pair, got {layer!r}")
        if len(pair := tuple(layer)) != 2:
            raise ValueError(f"layer {index} must be a (kernel_size, stride) pair, got {layer!r}")
        k, s = pair
        k = checks.integer(f"layer {index} kernel_size", k)
        s = checks.integer(f"layer {index} stride", s)
        size += (k - 1) * jump
        jump *= s
    return ReceptiveField(size, jump)
