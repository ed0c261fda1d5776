"""Chapter 3's padding and stride explorer: every position a window takes over an input.

Live in JupyterLab (ipywidgets) and on the site (``site/js/padding_stride_explorer.js``, which
recomputes the positions, the output size and the coverage in the browser, with the formulas
of :mod:`course_utils.kernels`, over the same ranges as the widget's sliders).
"""
from __future__ import annotations

import dataclasses

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from course_utils import checks, kernels, plots
from course_utils.explorers.base import Explorer, ExplorerWidget, Slider
from course_utils.site import live

_PADDING_COLOR = "#d9d9d9"
_WINDOW_COLOR = "#ff9900"


def _window_starts(n: int, k: int, padding: kernels.Padding, stride: int) -> np.ndarray:
    """Top (or left) coordinates, in input pixels, of every window along one axis."""
    before = kernels.same_padding(n, k, stride)[0] if padding == "same" else 0
    return np.arange(kernels.output_size(n, k, padding, stride)) * stride - before


def window_coverage(n: int, k: int, padding: kernels.Padding = "valid",
                    stride: int = 1) -> np.ndarray:
    """Return ``(n, n)`` counts: how many windows see each input pixel.

    >>> window_coverage(5, 3)[0]
    array([1, 2, 3, 2, 1])

    Raises:
        ValueError: for a window that cannot slide over the input (:func:`kernels.check_window`).
    """
    kernels.check_window(n, k, padding, stride)
    along = np.zeros(n, dtype=int)
    for start in _window_starts(n, k, padding, stride):
        along[max(start, 0):min(start + k, n)] += 1
    return np.outer(along, along)


#: The widest figure :func:`draw_windows` draws: the book's page is about 7.2 inches wide.
MAX_WIDTH_INCHES = 7.2


def draw_windows(n: int, k: int, padding: kernels.Padding = "valid", stride: int = 1) -> Figure:
    """Return a figure of every position a ``k x k`` window takes over an ``n x n`` input.

    Left: one small copy of the input per output pixel, laid out as the output grid, with
    that pixel's window in orange and the zero padding (``padding="same"``) in grey. Right:
    how many windows see each input pixel (border pixels are seen less). The title states the
    output size.

    Raises:
        ValueError: for a window that cannot slide over the input (:func:`kernels.check_window`).
    """
    out = kernels.output_size(n, k, padding, stride)
    before, after = kernels.same_padding(n, k, stride) if padding == "same" else (0, 0)
    side = n + before + after  # the padded input, in pixels
    gap = max(1.0, side / 5)
    starts = _window_starts(n, k, padding, stride)
    mosaic = out * side + (out - 1) * gap

    fig, axes = plots.new_figure(1, 2)
    ax_windows, ax_seen = axes[0]
    width, seen_width = min(7.0, 0.3 * mosaic), min(3.5, 0.45 * n + 1.0)
    # At most the page's width (about 7.2 in), so that its text is not shrunk below legibility.
    shrink = min(1.0, MAX_WIDTH_INCHES / (width + seen_width))
    width, seen_width = width * shrink, seen_width * shrink
    fig.set_size_inches(width + seen_width, max(width, 2.6) + 0.6)
    ax_windows.get_gridspec().set_width_ratios([width, seen_width])

    lines_y, lines_x0, lines_x1 = [], [], []
    for i, top in enumerate(starts):
        for j, left in enumerate(starts):
            y0, x0 = i * (side + gap), j * (side + gap)  # the padded input's corner
            if side > n:
                ax_windows.add_patch(Rectangle((x0, y0), side, side, color=_PADDING_COLOR,
                                               linewidth=0))
            ax_windows.add_patch(Rectangle((x0 + before, y0 + before), n, n,
                                           facecolor="white", edgecolor="black", linewidth=1))
            for t in range(side + 1):
                lines_y.append(y0 + t)
                lines_x0.append(x0)
                lines_x1.append(x0 + side)
            ax_windows.add_patch(Rectangle((x0 + before + left, y0 + before + top), k, k,
                                           facecolor=_WINDOW_COLOR, alpha=0.55,
                                           edgecolor=_WINDOW_COLOR, linewidth=2))
    grid = {"colors": "#888888", "linewidth": 0.5}
    ax_windows.hlines(lines_y, lines_x0, lines_x1, **grid)
    ax_windows.vlines(lines_y, lines_x0, lines_x1, **grid)  # the same grid, transposed
    ax_windows.set_xlim(-0.5, mosaic + 0.5)
    ax_windows.set_ylim(mosaic + 0.5, -0.5)
    ax_windows.set_aspect("equal")
    ax_windows.set_axis_off()
    note = ", grey: zero padding" if side > n else ""
    ax_windows.set_title(f"{out * out} window positions (orange){note}", fontsize=10)

    seen = window_coverage(n, k, padding, stride)
    ax_seen.imshow(seen, cmap="Oranges", vmin=0, vmax=max(int(seen.max()), 1))
    if n <= 12:
        for (row, col), count in np.ndenumerate(seen):
            ax_seen.text(col, row, str(count), ha="center", va="center", fontsize=9)
    ax_seen.set_xticks([])
    ax_seen.set_yticks([])
    ax_seen.set_title("windows that see each pixel", fontsize=10)
    fig.suptitle(f"{n}x{n} input, {k}x{k} window, padding={padding!r}, stride {stride}"
                 f" → {out}x{out} output")
    return fig


def _message_figure(title: str, message: str) -> Figure:
    """Return a small figure that says ``message`` in words (no axes)."""
    fig, axes = plots.new_figure(1, 1, size=4.0)
    fig.set_size_inches(7.0, 1.6)
    ax = axes[0, 0]
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True, fontsize=10,
            color="#b2182b", transform=ax.transAxes)
    fig.suptitle(title)
    return fig


#: The largest stride the explorer's slider offers.
MAX_STRIDE = 4
#: The explorer's sliders (the input and kernel sizes go up to its ``largest`` argument).
PADDING_STRIDE_SLIDERS = (Slider("input size", "input size", 1, 9, 1, "d"),
                          Slider("kernel size", "kernel size", 1, 9, 1, "d"),
                          Slider("stride", "stride", 1, MAX_STRIDE, 1, "d"))


def padding_stride_explorer(
    n: int = 5, k: int = 3, padding: kernels.Padding = "valid", stride: int = 1,
    largest: int = 9,
) -> Explorer:
    """Return an explorer of window positions: input size, kernel size, padding and stride.

    The figure is :func:`draw_windows`'s; a label under the controls gives the output size,
    or, for a window that cannot slide over the input (a kernel larger than the input with
    ``padding="valid"``), the reason from :func:`kernels.check_window`, which the figure then
    states in words. The controls (``explorer.controls``) are ``"input size"``,
    ``"kernel size"`` (both 1 to ``largest``), ``"padding"`` and ``"stride"`` (1 to
    :data:`MAX_STRIDE`). The site version is live, over the same ranges.

    Raises:
        ValueError: for a starting value outside its slider's range, an unknown padding, a
            ``largest`` outside 1..16, or a first view that is itself invalid.
    """
    checks.integer("largest", largest, 1, 16)
    sliders = {slider.name: slider for slider in PADDING_STRIDE_SLIDERS}
    for name in ("input size", "kernel size"):
        sliders[name] = dataclasses.replace(sliders[name], high=largest)
    starts = {"input size": n, "kernel size": k, "stride": stride}
    for (name, value), argument in zip(starts.items(), ("n", "k", "stride"), strict=True):
        sliders[name].check(value, argument)
    if not isinstance(padding, str):
        raise TypeError(f"padding must be one of {kernels.PADDINGS}, got {padding!r}")
    if padding not in kernels.PADDINGS:
        raise ValueError(f"padding must be one of {kernels.PADDINGS}, got {padding!r}")
    kernels.output_size(n, k, padding, stride)  # fail early on a bad first view
    size, kernel, step = (sliders[name].widget(value) for name, value in starts.items())
    pad = widgets.ToggleButtons(options=list(kernels.PADDINGS), value=padding,
                                description="padding", style={"description_width": "initial"})
    status = widgets.Label()
    output = widgets.Output()

    def draw() -> Figure:
        try:
            fig = draw_windows(size.value, kernel.value, pad.value, step.value)
        except ValueError as err:
            status.value = f"No output: {err}"
            return _message_figure(f"{size.value}x{size.value} input, {kernel.value}x"
                                   f"{kernel.value} window, padding={pad.value!r}, stride "
                                   f"{step.value}: no output", str(err))
        out = kernels.output_size(size.value, kernel.value, pad.value, step.value)
        status.value = f"output: {out}x{out}"
        return fig

    controls = {"input size": size, "kernel size": kernel, "padding": pad, "stride": step}
    data = {"n": n, "k": k, "padding": padding, "stride": stride,
            "ranges": {name: slider.site() for name, slider in sliders.items()},
            "paddings": list(kernels.PADDINGS), "luts": {"oranges": live.colormap_lut("Oranges")}}
    view = ExplorerWidget(
        widgets.VBox([widgets.HBox([size, kernel]), widgets.HBox([pad, step]), status, output]),
        output, draw, controls)
    view.redraw_on(*controls.values())
    text = (f"Padding and stride explorer: input and kernel sizes 1 to {largest}, padding, "
            f"stride 1 to {MAX_STRIDE}; live in JupyterLab and on the book's site.")
    return Explorer("padding_stride_explorer", text, widget=view, data=data)
