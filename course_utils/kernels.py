"""Convolution arithmetic, a NumPy reference convolution, and classic kernels.

The size arithmetic here is Keras's: with ``padding="valid"`` a ``k``-wide window fits
``floor((n - k) / s) + 1`` times in ``n`` pixels at stride ``s``; with ``padding="same"`` the
output has ``ceil(n / s)`` pixels and the input is zero-padded just enough for that, the odd
pixel (if any) going after (bottom / right), as TensorFlow does.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike

from course_utils import checks

Padding = Literal["valid", "same"]
PADDINGS = ("valid", "same")


def check_window(n: int, k: int, padding: str, stride: int) -> None:
    """Raise unless a ``k``-wide window can slide over ``n`` pixels this way.

    ``n``, ``k`` and ``stride`` must be integers (``5.0`` is not: a size is a count).

    Raises:
        TypeError: for a padding that is not a string or a size or stride that is not an
            integer.
        ValueError: for an unknown padding, a size or stride below 1, or (with
            ``padding="valid"``) a kernel larger than the input.
    """
    checks.choice("padding", padding, PADDINGS)
    for name, value in (("stride", stride), ("input size n", n), ("kernel size k", k)):
        checks.integer(name, value, None)
    if stride < 1:
        raise ValueError(f"stride must be at least 1, got {stride}")
    if k < 1 or n < 1:
        raise ValueError(f"sizes must be positive, got input {n} and kernel {k}")
    if padding == "valid" and k > n:
        raise ValueError(
            f"a {k}-wide kernel does not fit in a {n}-wide input with padding='valid'; "
            "use a smaller kernel or padding='same'"
        )


def output_size(n: int, k: int, padding: Padding = "valid", stride: int = 1) -> int:
    """Return how many positions a ``k``-wide window takes over ``n`` pixels.

    >>> output_size(5, 3), output_size(5, 3, "same"), output_size(5, 3, "valid", 2)
    (3, 5, 2)
    """
    check_window(n, k, padding, stride)
    if padding == "same":
        return -(-n // stride)
    return (n - k) // stride + 1


def same_padding(n: int, k: int, stride: int = 1) -> tuple[int, int]:
    """Return the zeros ``(before, after)`` that ``padding="same"`` adds along one axis.

    >>> same_padding(5, 3), same_padding(6, 3, 2), same_padding(6, 4)
    ((1, 1), (0, 1), (1, 2))
    """
    out = output_size(n, k, "same", stride)
    total = max((out - 1) * stride + k - n, 0)
    return total // 2, total - total // 2


def convolve2d(
    image: ArrayLike, kernel: ArrayLike, padding: Padding = "valid", stride: int = 1
) -> np.ndarray:
    """Slide ``kernel`` over ``image`` and return the map of ``np.sum(kernel * patch)``.

    This is the operation a Keras ``Conv2D`` layer computes for one input and one output
    channel: a *cross-correlation* (the kernel is not flipped), sampled every ``stride``
    pixels. ``padding="same"`` first pads the image with zeros as TensorFlow does (see
    :func:`same_padding`); ``padding="valid"`` keeps only the windows that fit inside it.

    The loop over window positions is done by NumPy: ``sliding_window_view`` gives every
    ``kh x kw`` patch without copying the image, and one ``einsum`` multiplies each patch by the
    kernel and sums the products.

    >>> image = np.arange(16).reshape(4, 4)
    >>> convolve2d(image, np.ones((2, 2)))
    array([[10., 14., 18.],
           [26., 30., 34.],
           [42., 46., 50.]])
    >>> convolve2d(image, np.ones((3, 3)), padding="same", stride=2).shape
    (2, 2)

    Args:
        image: a 2-D array ``(height, width)``; convert a colour photo to grey first.
        kernel: a 2-D array ``(kh, kw)``, odd or even sizes.
        padding: ``"valid"`` or ``"same"``.
        stride: the step between two window positions, in pixels (the same along both axes).

    Returns:
        A float64 array of shape ``(output_size(h, kh, padding, stride),
        output_size(w, kw, padding, stride))``.

    Raises:
        TypeError: for an image or kernel that is not an array of real numbers, a padding
            that is not a string or a stride that is not an integer.
        ValueError: if the image (:func:`course_utils.checks.image`, grey) or the kernel is
            not a 2-D array of finite numbers with at least one pixel, the padding is
            unknown, the stride is below 1, or (with ``padding="valid"``) the kernel is
            larger than the image.
    """
    image = checks.image("image", image, "grey").astype(float)
    kernel = checks.array("kernel", kernel, 2).astype(float)
    check_window(1, 1, padding, stride)  # the padding and the stride, before any size
    for axis, n, k in zip(("height", "width"), image.shape, kernel.shape, strict=True):
        try:
            check_window(n, k, padding, stride)
        except ValueError as err:
            raise ValueError(
                f"{err} (along the {axis}: image {image.shape}, kernel {kernel.shape})"
            ) from None
    if padding == "same":
        pads = [same_padding(n, k, stride) for n, k in zip(image.shape, kernel.shape, strict=True)]
        image = np.pad(image, pads)
    windows = sliding_window_view(image, kernel.shape)[::stride, ::stride]
    return np.einsum("ijkl,kl->ij", windows, kernel)


# --- Classic kernels -------------------------------------------------------------------------
# Each is a read-only float array (so that no cell can change it for the cells after it).
# Kernels that sum to 1 keep an image's brightness (blurs, sharpen, identity, emboss); kernels
# that sum to 0 answer 0 on a flat region and respond only to change (edges, Laplacian).


def _kernel(rows: ArrayLike) -> np.ndarray:
    array = np.array(rows, dtype=float)
    array.flags.writeable = False
    return array


#: Leaves an image unchanged: the output pixel is the input pixel under the window's centre.
IDENTITY = _kernel([[0, 0, 0], [0, 1, 0], [0, 0, 0]])

#: Boosts a pixel against its four neighbours: ``identity + (identity - blur)``, sums to 1.
SHARPEN = _kernel([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])

#: Horizontal edges: positive where the image gets brighter from top to bottom (sums to 0).
HORIZONTAL_EDGE = _kernel([[-1, -1, -1], [0, 0, 0], [1, 1, 1]])

#: Vertical edges: positive where the image gets brighter from left to right (sums to 0).
VERTICAL_EDGE = _kernel([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]])

#: Edges running like ``\``: positive where the upper-right side is the brighter one.
DIAGONAL_EDGE_DOWN = _kernel([[0, 1, 1], [-1, 0, 1], [-1, -1, 0]])

#: Edges running like ``/``: positive where the lower-right side is the brighter one.
DIAGONAL_EDGE_UP = _kernel([[-1, -1, 0], [-1, 0, 1], [0, 1, 1]])

#: Sobel's derivative along x (left to right), smoothed along y with weights 1, 2, 1.
SOBEL_X = _kernel([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])

#: Sobel's derivative along y (top to bottom), smoothed along x with weights 1, 2, 1.
SOBEL_Y = _kernel(SOBEL_X.T)

#: The discrete Laplacian (4 neighbours): second derivative, zero on flat regions and ramps.
LAPLACIAN = _kernel([[0, 1, 0], [1, -4, 1], [0, 1, 0]])

#: "Outline": a pixel against all 8 neighbours (a negated 8-neighbour Laplacian), sums to 0.
OUTLINE = _kernel([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]])

#: Emboss: a diagonal derivative plus the image itself (sums to 1), like light from top-left.
EMBOSS = _kernel([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]])


def box_blur(size: int = 3) -> np.ndarray:
    """Return the ``size x size`` box blur: every weight ``1 / size**2`` (the window's mean).

    >>> box_blur(2)
    array([[0.25, 0.25],
           [0.25, 0.25]])

    Raises:
        TypeError: if ``size`` is not an integer.
        ValueError: if ``size`` is below 1.
    """
    checks.integer("size", size)
    return _kernel(np.full((size, size), 1.0 / size**2))


#: The narrowest Gaussian :func:`gaussian` builds, in pixels: a weight one pixel from the
#: centre is then ``exp(-50)``, and no weight of an even-sized kernel underflows.
MIN_SIGMA = 0.1


def gaussian(size: int = 5, sigma: float = 1.0) -> np.ndarray:
    """Return a ``size x size`` Gaussian blur kernel with standard deviation ``sigma`` pixels.

    The weights fall off with the distance from the centre as ``exp(-d**2 / (2 sigma**2))``
    and are scaled to sum to 1, so a blur keeps the image's brightness. Compared with a box
    blur, far pixels count less, which gives a smoother result without blocky artefacts.

    >>> np.round(gaussian(3, 1.0), 3)
    array([[0.075, 0.124, 0.075],
           [0.124, 0.204, 0.124],
           [0.075, 0.124, 0.075]])

    Raises:
        TypeError: if ``size`` is not an integer or ``sigma`` not a number.
        ValueError: if ``size`` is below 1, or ``sigma`` is not a finite number of at least
            :data:`MIN_SIGMA` pixels (narrower, the weights underflow to zero: the kernel
            would be all NaN; such a blur is :data:`IDENTITY` anyway).
    """
    checks.integer("size", size)
    checks.number("sigma", sigma, 0, low_open=True)
    if sigma < MIN_SIGMA:
        raise ValueError(f"sigma must be at least {MIN_SIGMA:g} pixels, got {sigma!r}: a "
                         "narrower Gaussian puts all its weight on the centre (IDENTITY) and "
                         "its weights underflow")
    x = np.arange(size) - (size - 1) / 2
    profile = np.exp(-(x**2) / (2 * sigma**2))
    return _kernel(np.outer(profile, profile) / profile.sum() ** 2)


#: Box blur (3x3): the mean of the 9 pixels under the window.
BOX_BLUR = box_blur(3)

#: Gaussian blur (3x3, sigma 1): a weighted mean, the centre counting most.
GAUSSIAN_BLUR = gaussian(3, 1.0)

#: The classic 3x3 kernels by name, in the order the chapter and the explorer's menu use.
CLASSIC_KERNELS: dict[str, np.ndarray] = {
    "identity": IDENTITY,
    "box blur": BOX_BLUR,
    "Gaussian blur": GAUSSIAN_BLUR,
    "sharpen": SHARPEN,
    "horizontal edge": HORIZONTAL_EDGE,
    "vertical edge": VERTICAL_EDGE,
    "diagonal edge \\": DIAGONAL_EDGE_DOWN,
    "diagonal edge /": DIAGONAL_EDGE_UP,
    "Sobel x": SOBEL_X,
    "Sobel y": SOBEL_Y,
    "Laplacian": LAPLACIAN,
    "outline": OUTLINE,
    "emboss": EMBOSS,
}
