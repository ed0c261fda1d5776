"""Chapter 1's kernel explorer: edit a kernel's weights and see what it does to an image.

Live in JupyterLab (ipywidgets) and on the site (``site/js/kernel_explorer.js``, which computes
the same cross-correlation in the reader's browser from the presets, images and colour rules
embedded here).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from course_utils import checks, kernels, plots
from course_utils.explorers.base import Explorer, ExplorerWidget, grey_image
from course_utils.site import live

#: The kernel grid sizes the kernel explorer offers, by label.
KERNEL_GRID_SIZES: dict[str, int] = {"3x3": 3, "5x5": 5}
_LARGEST_GRID = max(KERNEL_GRID_SIZES.values())
# A weight's box and its grid column (the box plus the widget's margins), narrow enough that a
# 5x5 grid and the figure fit side by side at JupyterLab's default width.
_CELL_WIDTH, _COLUMN_WIDTH = "3.5em", "4em"
#: The most pixels of one image: every image is embedded in the page (8 bits a pixel).
MAX_IMAGE_PIXELS = 256 * 256
#: The weights of R, G and B in a reader's own image made grey, as skimage.color.rgb2gray.
GREY_WEIGHTS = (0.2125, 0.7154, 0.0721)


def output_limits(output: ArrayLike, kernel: ArrayLike) -> tuple[bool, float, float]:
    """Return how the explorer colours a kernel's output: ``(signed, vmin, vmax)``.

    A kernel that sums to 0 answers with both signs: signed (blue, grey zero, red), symmetric,
    up to the 99th percentile of ``|output|`` so that a few extreme pixels do not wash out the
    rest. Any other kernel: grey from the 1st to the 99th percentile of the output. Values
    beyond the limits show in the full colour. The page's script uses the same rule.

    >>> output_limits(np.arange(101.0), kernels.BOX_BLUR)
    (False, 1.0, 99.0)
    >>> output_limits(np.arange(-100.0, 101.0), kernels.SOBEL_X)
    (True, -99.0, 99.0)
    """
    output = checks.array("output", output, (1, 2)).astype(float)
    kernel = checks.array("kernel", kernel, 2)
    if np.isclose(np.sum(kernel), 0):
        limit = float(np.percentile(np.abs(output), 99)) or float(np.abs(output).max()) or 1.0
        return True, -limit, limit
    low, high = (float(v) for v in np.percentile(output, [1, 99]))
    if high <= low:
        low, high = float(output.min()), float(output.max())
    if high <= low:
        low, high = low - 0.5, high + 0.5
    return False, low, high


def _centred(kernel: ArrayLike, size: int) -> np.ndarray:
    """Return ``kernel`` (square, odd, at most ``size`` wide) in the middle of zeros."""
    kernel = np.asarray(kernel, dtype=float)
    k = kernel.shape[0] if kernel.ndim == 2 else 0
    if kernel.shape != (k, k) or k % 2 == 0 or k > size:
        raise ValueError(
            f"an explorer kernel must be square with an odd size up to {size}, "
            f"got shape {kernel.shape}"
        )
    grid = np.zeros((size, size))
    start = (size - k) // 2
    grid[start:start + k, start:start + k] = kernel
    return grid


def draw_kernel_view(
    image: ArrayLike,
    kernel: ArrayLike,
    image_name: str = "image",
    kernel_name: str = "kernel",
    padding: kernels.Padding = "same",
) -> Figure:
    """Return a figure of an image, a kernel and their convolution, side by side.

    The output is coloured by :func:`output_limits` (signed for kernels that sum to 0, grey
    otherwise), with a colour bar; the title gives the output's true range.
    """
    image = checks.image("image", image, "grey").astype(float)
    kernel = checks.array("kernel", kernel, 2).astype(float)
    output = kernels.convolve2d(image, kernel, padding)
    fig, axes = plots.new_figure(1, 3, size=3.2)
    height, width = image.shape
    kh, kw = kernel.shape
    plots.plot_image(axes[0, 0], image, f"input: {image_name} ({height}x{width})")
    plots.plot_kernel(axes[0, 1], kernel,
                      f"kernel: {kernel_name} ({kh}x{kw}, sum {plots.format_number(kernel.sum())})")
    signed, low, high = output_limits(output, kernel)
    plots.plot_image(axes[0, 2], output,
                     f"output ({padding} padding): {plots.format_number(output.min())} "
                     f"to {plots.format_number(output.max())}", signed=signed)
    axes[0, 2].images[0].set_clim(low, high)
    fig.colorbar(axes[0, 2].images[0], ax=axes[0, 2], shrink=0.75)
    return fig


def _site_data(images: Mapping[str, dict[str, Any]], grids: Mapping[str, np.ndarray],
               preset: str, padding: str) -> dict[str, Any]:
    """What the page's script needs: images, presets, sizes and colour rules."""
    return {"images": [[name, spec] for name, spec in images.items()],
            "presets": [[name, grid.ravel().tolist()] for name, grid in grids.items()],
            "preset": preset, "sizes": [[label, k] for label, k in KERNEL_GRID_SIZES.items()],
            "size": "3x3", "padding": padding, "maxPixels": MAX_IMAGE_PIXELS,
            "greyWeights": list(GREY_WEIGHTS),
            "luts": {"gray": live.colormap_lut("gray"),
                     "signed": live.colormap_lut(plots.SIGNED_CMAP)}}


def kernel_explorer(
    images: Mapping[str, ArrayLike],
    presets: Mapping[str, ArrayLike] = kernels.CLASSIC_KERNELS,
    preset: str | None = None,
    padding: kernels.Padding = "same",
) -> Explorer:
    """Return an explorer to edit a kernel and see what it does to an image.

    Controls (also in ``explorer.controls``): ``"image"`` (a menu of ``images``),
    ``"preset"`` (a menu of ``presets`` that fills the grid), ``"size"`` (3x3 or 5x5) and
    ``"grid"``, whose children are the editable weights, row by row. A 3x3 preset sits in the
    middle of a 5x5 grid, ringed by zeros; going back to 3x3 keeps the middle of the grid.

    Images are kept with 256 grey levels (:func:`course_utils.site.live.quantise_grey`;
    exact for ``uint8 / 255``), as the site embeds them: the live widget and the site compute
    on the same pixels. The site version is live too: the same menus and grid, any weight,
    and a file input for the reader's own image (made grey with :data:`GREY_WEIGHTS`).

    Args:
        images: grey images (2-D arrays) by name, each at most :data:`MAX_IMAGE_PIXELS`
            pixels; the first is shown first.
        presets: kernels by name, square with an odd size up to 5 (default: the classic 3x3
            kernels of :data:`course_utils.kernels.CLASSIC_KERNELS`).
        preset: the preset shown first (default: the first one).
        padding: the padding of the convolution, ``"same"`` so that output and input align.

    Raises:
        ValueError: for no images, an image that is not 2-D or too large, a preset that does
            not fit the grid, an unknown ``preset`` name or ``padding``.
    """
    if not checks.mapping("images", images):
        raise ValueError("kernel_explorer needs at least one image")
    if not checks.mapping("presets", presets):
        raise ValueError("kernel_explorer needs at least one preset kernel")
    if not isinstance(padding, str):
        raise TypeError(f"padding must be one of {kernels.PADDINGS}, got {padding!r}")
    if padding not in kernels.PADDINGS:
        raise ValueError(f"padding must be one of {kernels.PADDINGS}, got {padding!r}")
    specs, grey = {}, {}
    for name, image in images.items():
        array = grey_image(name, image)
        if array.size > MAX_IMAGE_PIXELS:
            raise ValueError(
                f"image {name!r} has {array.size:,} pixels ({array.shape[0]}x{array.shape[1]}); "
                f"images must have at most {MAX_IMAGE_PIXELS:,}, as each is embedded in the "
                "page: crop or shrink it (e.g. skimage.transform.rescale)")
        specs[name], grey[name] = live.quantise_grey(array)
    grids = {name: _centred(kernel, _LARGEST_GRID) for name, kernel in presets.items()}
    preset = next(iter(grids)) if preset is None else preset
    if preset not in grids:
        raise ValueError(f"unknown preset {preset!r}; presets: {list(grids)}")

    cells = [[widgets.FloatText(value=0.0, step=0.5, layout=widgets.Layout(width=_CELL_WIDTH))
              for _ in range(_LARGEST_GRID)] for _ in range(_LARGEST_GRID)]
    size_menu = widgets.ToggleButtons(options=list(KERNEL_GRID_SIZES), value="3x3",
                                      style={"button_width": "4em"})
    preset_menu = widgets.Dropdown(options=list(grids), value=preset, description="preset")
    image_menu = widgets.Dropdown(options=list(grey), description="image")
    grid = widgets.GridBox(layout=widgets.Layout(grid_gap="0px"))
    output = widgets.Output()
    filling = [False]  # True while code fills the grid: one redraw at the end, not one per cell

    def visible_cells() -> list[widgets.FloatText]:
        size = KERNEL_GRID_SIZES[size_menu.value]
        start = (_LARGEST_GRID - size) // 2
        return [cell for row in cells[start:start + size] for cell in row[start:start + size]]

    def show_grid() -> None:
        size = KERNEL_GRID_SIZES[size_menu.value]
        grid.children = visible_cells()
        grid.layout.grid_template_columns = f"repeat({size}, {_COLUMN_WIDTH})"

    def fill(name: str) -> None:
        filling[0] = True
        try:
            ring = grids[name][[0, -1], :].any() or grids[name][:, [0, -1]].any()
            if ring:  # a 5x5 preset; a 3x3 one keeps the size the reader chose
                size_menu.value = "5x5"
            for cell, value in zip((c for row in cells for c in row), grids[name].ravel(),
                                   strict=True):
                cell.value = float(value)
        finally:
            filling[0] = False

    def current_kernel() -> np.ndarray:
        size = KERNEL_GRID_SIZES[size_menu.value]
        return np.array([cell.value for cell in visible_cells()]).reshape(size, size)

    def kernel_name() -> str:
        shown = _centred(current_kernel(), _LARGEST_GRID)
        return preset_menu.value if np.array_equal(shown, grids[preset_menu.value]) else "custom"

    def draw() -> Figure:
        return draw_kernel_view(grey[image_menu.value], current_kernel(), image_menu.value,
                                kernel_name(), padding)

    fill(preset)
    show_grid()
    # Compact, label above: the grid fits beside the figure at JupyterLab's default width.
    weights = widgets.VBox([widgets.Label("weights (edit):"), size_menu, grid],
                           layout=widgets.Layout(flex="0 0 auto", overflow="visible"))
    widget = widgets.VBox([widgets.HBox([image_menu, preset_menu]),
                           widgets.HBox([weights, output])])
    view = ExplorerWidget(widget, output, draw, {
        "image": image_menu, "preset": preset_menu, "size": size_menu, "grid": grid})

    def on_cell(_change: dict[str, Any]) -> None:
        if not filling[0]:
            view.refresh()

    def on_preset(change: dict[str, Any]) -> None:
        fill(change["new"])
        view.refresh()

    def on_size(_change: dict[str, Any]) -> None:
        show_grid()
        if not filling[0]:
            view.refresh()

    for row in cells:
        for cell in row:
            cell.observe(on_cell, names="value")
    preset_menu.observe(on_preset, names="value")
    size_menu.observe(on_size, names="value")
    view.redraw_on(image_menu)
    text = (f"Kernel explorer: {len(grey)} images ({', '.join(grey)}), {len(grids)} preset "
            "kernels and weights to edit; live in JupyterLab and on the book's site.")
    return Explorer("kernel_explorer", text, widget=view,
                    data=_site_data(specs, grids, preset, padding))
