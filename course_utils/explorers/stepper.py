"""Chapter 1's convolution stepper: a kernel's window walks across a small image, step by step.

Live in JupyterLab (a slider over every output pixel) and on the site
(``site/js/convolution_stepper.js``: any window position, computed in the browser).
"""
from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from numpy.typing import ArrayLike

from course_utils import checks, kernels, plots
from course_utils.explorers.base import Explorer, ExplorerWidget, Slider, grey_image
from course_utils.site import live

#: The stepper's figure width in inches: the page's width at 100 dpi (720 px).
STEP_FIGURE_WIDTH = 7.2


def _write_values(ax: Axes, values: np.ndarray, colors: np.ndarray | str) -> None:
    """Write each finite value of a 2-D array in its cell (``colors``: one or one per cell)."""
    fontsize = 10 if max(values.shape) <= 5 else 8
    for (row, col), value in np.ndenumerate(values):
        if np.isfinite(value):
            color = colors if isinstance(colors, str) else colors[row, col]
            ax.text(col, row, plots.format_number(value), ha="center", va="center",
                    color=color, fontsize=fontsize)


def _grey_with_values(ax: Axes, values: np.ndarray, vmin: float, vmax: float,
                      title: str) -> None:
    """Draw a grey image with its pixel values written in (light text on dark pixels)."""
    ax.imshow(values, cmap="gray", vmin=vmin, vmax=vmax)
    light = (values - vmin) / ((vmax - vmin) or 1.0) > 0.5
    _write_values(ax, values, np.where(light, "black", "white"))
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])


@dataclass(frozen=True)
class ConvolutionStep:
    """One position of the sliding window (``padding="valid"``).

    Attributes:
        row, col: the output pixel this window computes.
        top, left: the window's top-left pixel in the image.
        patch: the image pixels under the window.
        product: ``kernel * patch``, element by element.
        total: ``np.sum(kernel * patch)``, the output value.
    """

    row: int
    col: int
    top: int
    left: int
    patch: np.ndarray
    product: np.ndarray
    total: float


def convolution_step(
    image: ArrayLike, kernel: ArrayLike, position: int, stride: int = 1
) -> ConvolutionStep:
    """Return the window at ``position`` (0, 1, 2... row by row over the output, valid padding).

    Raises:
        ValueError: if the convolution is impossible (see :func:`kernels.convolve2d`) or
            ``position`` is not one of the output's pixels.
    """
    image = checks.image("image", image, "grey").astype(float)
    kernel = checks.array("kernel", kernel, 2).astype(float)
    checks.integer("position", position, None)
    out_h, out_w = kernels.convolve2d(image, kernel, "valid", stride).shape
    if not 0 <= position < out_h * out_w:
        raise ValueError(
            f"position must be in 0..{out_h * out_w - 1} for a {out_h}x{out_w} output, "
            f"got {position}"
        )
    row, col = divmod(position, out_w)
    top, left = row * stride, col * stride
    kh, kw = kernel.shape
    patch = image[top:top + kh, left:left + kw]
    product = kernel * patch
    return ConvolutionStep(row, col, top, left, patch, product, float(np.sum(product)))


def _outline(ax: Axes, top: float, left: float, height: float, width: float,
             color: str = "#ff9900") -> None:
    ax.add_patch(Rectangle((left - 0.5, top - 0.5), width, height, fill=False,
                           edgecolor=color, linewidth=3))


def draw_convolution_step(
    image: ArrayLike, kernel: ArrayLike, position: int, stride: int = 1
) -> Figure:
    """Return a figure of one step of a convolution (valid padding), in five panels.

    On the first row the image with the window outlined, the patch under it and the kernel; on
    the second their element-wise product (each value written in its cell, with ``sum = ...``)
    and the output map filled up to this position with the new value outlined. Two rows keep
    the figure within the page's width (:data:`STEP_FIGURE_WIDTH`), so that the values written
    in the cells stay legible where a static copy of the figure is shown.
    """
    image = checks.image("image", image, "grey").astype(float)
    kernel = checks.array("kernel", kernel, 2).astype(float)
    step = convolution_step(image, kernel, position, stride)
    output = kernels.convolve2d(image, kernel, "valid", stride)
    kh, kw = kernel.shape
    low, high = float(image.min()), float(image.max())

    fig, axes = plots.new_figure(2, 3, size=STEP_FIGURE_WIDTH / 3)
    (ax_image, ax_patch, ax_kernel), (ax_product, ax_output, unused) = axes
    fig.delaxes(unused)
    _grey_with_values(ax_image, image, low, high,
                      f"input {image.shape[0]}x{image.shape[1]}, window at ({step.top}, "
                      f"{step.left})")
    _outline(ax_image, step.top, step.left, kh, kw)
    _grey_with_values(ax_patch, step.patch, low, high, "patch under the window")
    plots.plot_kernel(ax_kernel, kernel, "kernel")

    limit = float(np.abs(step.product).max()) or 1.0
    ax_product.imshow(step.product, cmap=plots.SIGNED_CMAP, vmin=-limit, vmax=limit)
    _write_values(ax_product, step.product, "white")
    ax_product.set_title(f"kernel * patch\nsum = {plots.format_number(step.total)}", fontsize=10)

    filled = np.full(output.shape, np.nan)
    filled.ravel()[:position + 1] = output.ravel()[:position + 1]
    limit = float(np.abs(output).max()) or 1.0
    ax_output.imshow(filled, cmap=plots.SIGNED_CMAP, vmin=-limit, vmax=limit)
    _write_values(ax_output, filled, "white")
    _outline(ax_output, step.row, step.col, 1, 1)
    ax_output.set_title(f"output {output.shape[0]}x{output.shape[1]}\n"
                        f"output[{step.row}, {step.col}] = {plots.format_number(step.total)}",
                        fontsize=10)
    for ax in (ax_product, ax_output):
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(f"step {position + 1} of {output.size}: sum of kernel * patch "
                 f"= output[{step.row}, {step.col}]")
    return fig


def convolution_stepper(
    image: ArrayLike, kernel: ArrayLike, stride: int = 1, position: int | None = None,
) -> Explorer:
    """Return an explorer whose slider walks a kernel's window across a small image.

    Made for small images (an 8x8 digit): every pixel value is written in its cell. The
    controls (``explorer.controls``) are ``"position"``, an ``IntSlider`` over the output's
    pixels row by row, and ``"play"``, which moves it by itself. The site version is live:
    the same slider over every position, the window's arithmetic computed in the browser.

    Args:
        image: a small grey image (2-D), at most 32x32.
        kernel: the kernel (2-D, not larger than the image).
        stride: the window's step, in pixels.
        position: the step shown first (default: the middle one, so the first view shows
            an output half filled).

    Raises:
        ValueError: as :func:`convolution_step`, or for an image larger than 32x32.
    """
    image = grey_image("image", image)
    checks.integer("the image's height", image.shape[0], 1, 32)
    checks.integer("the image's width", image.shape[1], 1, 32)
    kernel = checks.array("kernel", kernel, 2).astype(float)
    steps = kernels.convolve2d(image, kernel, "valid", stride).size
    position = steps // 2 if position is None else position
    convolution_step(image, kernel, position, stride)  # fail early on a bad position
    slider = Slider("position", "position", 0, steps - 1, 1, "d").widget(position)
    play = widgets.Play(value=position, min=0, max=steps - 1, interval=500)
    widgets.jslink((play, "value"), (slider, "value"))
    output = widgets.Output()
    data = {"image": live.exact_values(image), "kernel": live.exact_values(kernel),
            "stride": stride, "position": position,
            "luts": {"gray": live.colormap_lut("gray"),
                     "signed": live.colormap_lut(plots.SIGNED_CMAP)}}
    view = ExplorerWidget(
        widgets.VBox([widgets.HBox([play, slider]), output]), output,
        lambda: draw_convolution_step(image, kernel, slider.value, stride),
        {"position": slider, "play": play})
    view.redraw_on(slider)
    text = (f"Convolution stepper: kernel {kernel.shape[0]}x{kernel.shape[1]}, image "
            f"{image.shape[0]}x{image.shape[1]}, stride {stride}, {steps} steps; live in "
            "JupyterLab and on the book's site.")
    return Explorer("convolution_stepper", text, widget=view, data=data)
