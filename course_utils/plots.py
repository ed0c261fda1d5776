"""Figures used across chapters: image grids and kernels drawn so that their sign shows.

Every function builds a :class:`matplotlib.figure.Figure` without pyplot, so a figure shows
exactly once when it is the last expression of a notebook cell, and nothing leaks into later
cells. Functions that draw into one panel take an ``ax`` to draw on.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

#: Diverging map for signed values: negative blue, zero mid-grey, positive red.
SIGNED_CMAP = LinearSegmentedColormap.from_list("signed", ["#1f4e9c", "#808080", "#b2182b"])


def new_figure(nrows: int, ncols: int, size: float = 2.4) -> tuple[Figure, np.ndarray]:
    """Return a figure and a 2-D array of its axes, each panel ``size`` inches wide."""
    fig = Figure(figsize=(size * ncols, size * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes


def plot_image(
    ax: Axes,
    image: np.ndarray,
    title: str | None = None,
    cmap: str = "gray",
    signed: bool = False,
) -> None:
    """Draw one image on ``ax`` without ticks.

    With ``signed=True`` the colour scale is symmetric around zero in :data:`SIGNED_CMAP`,
    which is how a convolution's output (negative and positive responses) should be read.
    """
    image = np.asarray(image)
    if signed:
        limit = float(np.abs(image).max()) or 1.0
        ax.imshow(image, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
    elif image.ndim == 3:
        ax.imshow(image)
    else:
        ax.imshow(image, cmap=cmap)
    if title:
        ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])


def _format_weight(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"


def plot_kernel(ax: Axes, kernel: np.ndarray, title: str | None = None) -> None:
    """Draw a kernel as a heatmap with each weight written in its cell.

    Zero is mid-grey, negative weights blue and positive red (:data:`SIGNED_CMAP`, symmetric
    limits), so a kernel's structure is visible at a glance. Kernels larger than 9x9 are
    drawn without the numbers.
    """
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim != 2:
        raise ValueError(f"a kernel must be 2-D, got shape {kernel.shape}")
    limit = float(np.abs(kernel).max()) or 1.0
    ax.imshow(kernel, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
    if max(kernel.shape) <= 9:
        for (row, col), value in np.ndenumerate(kernel):
            ax.text(col, row, _format_weight(value), ha="center", va="center",
                    color="white", fontsize=9, fontweight="bold")
    if title:
        ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])


def image_grid(
    images: Sequence[np.ndarray],
    titles: Sequence[str] | None = None,
    ncols: int | None = None,
    suptitle: str | None = None,
    size: float = 1.8,
    cmap: str = "gray",
    signed: bool = False,
) -> Figure:
    """Return a grid of images with optional titles (``ncols`` defaults to one row up to 8).

    Raises:
        ValueError: if there are no images, or a different number of titles.
    """
    if len(images) == 0:
        raise ValueError("image_grid needs at least one image")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"got {len(titles)} titles for {len(images)} images")
    ncols = ncols or min(len(images), 8)
    nrows = -(-len(images) // ncols)
    fig, axes = new_figure(nrows, ncols, size)
    for i, ax in enumerate(axes.flat):
        if i < len(images):
            plot_image(ax, images[i], titles[i] if titles else None, cmap=cmap, signed=signed)
        else:
            ax.set_axis_off()
    if suptitle:
        fig.suptitle(suptitle)
    return fig
