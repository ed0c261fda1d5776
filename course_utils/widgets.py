"""Interactive explorers: live ipywidgets in JupyterLab, a static explorer on the site.

An explorer is an :class:`Explorer`: a widget, a PNG of its default view and a static
explorer. Its display bundle holds all three. In JupyterLab (a trusted notebook with a running
kernel) the live widget shows. The built site has no kernel and loads no widget JavaScript, so
it drops the widget view and prefers the ``text/html`` static explorer (see
``nb_mime_priority_overrides`` in ``_config.yml``): plain HTML controls (a range input per
slider, a menu per dropdown) and a picture that a small inline script swaps among frames
precomputed over a grid of settings (:mod:`course_utils.static_explorer`), which works with no
network and from a page opened from disk. The PNG stays for viewers that show neither (GitHub's
notebook view).

The static frames are drawn by the live widget itself: for each point of the grid the real controls
are set, their observers run as they do live, and the explorer's own ``draw`` makes the figure.
Each explorer function chooses a default grid (its ``static_grid`` argument overrides it) that
keeps to :data:`course_utils.static_explorer.MAX_FRAMES` frames and about 2.5 MB of HTML.

Each explorer draws with a plain function ``draw(...) -> Figure`` that tests and the static
view call directly, and ``update`` callbacks that redraw into an ``ipywidgets.Output``.
"""
from __future__ import annotations

import base64
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import numpy as np
from IPython.display import display
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from numpy.typing import ArrayLike
from traitlets import TraitError

from course_utils import gabor, kernels, plots, static_explorer
from course_utils.static_explorer import figure_to_png

#: A static explorer's grid: control name → the values to precompute, in order, or ``None``
#: for every value the control offers at that point (a menu's options, a slider's steps).
StaticGrid = Mapping[str, Sequence[Any] | None]


class Explorer:
    """A live widget together with a static PNG of its default view and a static explorer.

    Args:
        widget: the ipywidgets layout the reader interacts with.
        output: the ``Output`` inside ``widget`` that shows the current figure.
        draw: a function of no arguments returning the figure for the current settings.
        controls: the explorer's controls by name, so that code can set them too:
            ``explorer.controls["preset"].value = "sharpen"`` does what picking "sharpen" in
            the menu does (the widgets' observers redraw the figure).
        static_grid: the settings the static explorer precomputes (see :data:`StaticGrid`):
            one grid, whose every combination is a frame, or a list of grids naming the same
            controls in the same order, whose frames are pooled (e.g. one slider at a time).
            Controls are keyed in the grid's order; the default view is always a frame.
            ``None``: no static explorer, only the PNG.
        frame_dpi: the resolution of the static explorer's frames.
    """

    def __init__(self, widget: widgets.Widget, output: widgets.Output,
                 draw: Callable[[], Figure],
                 controls: Mapping[str, widgets.Widget] | None = None,
                 static_grid: StaticGrid | Sequence[StaticGrid] | None = None,
                 frame_dpi: int = static_explorer.FRAME_DPI) -> None:
        self.widget = widget
        self.controls = dict(controls or {})
        self.output = output
        self.static_grid = static_grid
        self.frame_dpi = frame_dpi
        self._draw = draw
        self._redrawing = True  # False while the static explorer's frames are drawn
        self._static_view: static_explorer.StaticView | None = None
        self._defaults = {name: control.value for name, control in self.controls.items()
                          if isinstance(control, widgets.ValueWidget)}
        self.figure = draw()
        self.static_png = figure_to_png(self.figure)
        with self.output:
            display(self.figure)

    def redraw_on(self, *controls: widgets.Widget) -> None:
        """Redraw the figure whenever one of ``controls`` changes its value."""
        for control in controls:
            control.observe(lambda _change: self.refresh(), names="value")

    def refresh(self) -> None:
        """Redraw the figure for the current settings (called by the widgets' observers)."""
        if not self._redrawing:
            return
        self.figure = self._draw()
        self.output.clear_output(wait=True)
        with self.output:
            display(self.figure)

    def static_view(self) -> static_explorer.StaticView:
        """Return the static explorer's frames, drawn on the first call (then kept).

        For each combination of :attr:`static_grid` the real controls are set as a reader
        would set them from the explorer's first view: every control back at its starting
        value, then the combination's settings in the grid's order, so that the widgets'
        observers do what they do live (a preset fills the kernel grid, a photo refills the
        class menu). The frame is then drawn by the live view's own ``draw``. The figure
        shown live is not redrawn meanwhile, and every control is put back as it was (edited
        kernel weights included).

        Raises:
            ValueError: without a grid; for a grid naming an unknown control or one without a
                value, a value a control does not take, two values written alike, or more
                than :data:`course_utils.static_explorer.MAX_FRAMES` combinations.
        """
        if self._static_view is None:
            if self.static_grid is None:
                raise ValueError("this explorer has no static grid")
            before = [(control, control.value) for control in self._value_widgets()]
            self._redrawing = False
            try:
                self._static_view = self._draw_static_view(_static_grids(self.static_grid))
            finally:
                for control, value in before:
                    if control.value != value:
                        control.value = value
                self._redrawing = True
        return self._static_view

    def static_html(self, element_id: str | None = None) -> str:
        """Return the static explorer as self-contained HTML (see :meth:`static_view`).

        Args:
            element_id: the outer element's id; by default a hash of the frames.
        """
        return self.static_view().html(element_id)

    def _value_widgets(self) -> list[widgets.ValueWidget]:
        """The controls with a value, then every other one in the layout (kernel weights...)."""
        found: dict[int, widgets.ValueWidget] = {}
        pending: list[widgets.Widget] = [*self.controls.values(), self.widget]
        while pending:
            widget = pending.pop(0)
            if isinstance(widget, widgets.ValueWidget):
                found.setdefault(id(widget), widget)
            pending.extend(getattr(widget, "children", ()))
        return list(found.values())

    def _settle(self, settings: Mapping[str, Any]) -> None:
        """Put the controls at their defaults, then at ``settings`` (in order)."""
        for name, value in [*self._defaults.items(), *settings.items()]:
            control = self.controls[name]
            try:
                control.value = value
            except TraitError as err:
                raise ValueError(f"control {name!r} cannot take {value!r}: {err}") from err
            if control.value != value:
                raise ValueError(
                    f"control {name!r} cannot take {value!r} (it holds {control.value!r})")

    def _draw_static_view(self, grids: list[StaticGrid]) -> static_explorer.StaticView:
        names = list(grids[0])
        for name in names:
            if name not in self._defaults:
                raise ValueError(f"static grid: {name!r} is not a control with a value; "
                                 f"controls: {list(self._defaults)}")
        combinations: dict[str, list[Any]] = {}
        choices: dict[str, dict[str, tuple[Any, str]]] = {name: {} for name in names}
        by_prefix: dict[str, dict[str, tuple[static_explorer.Choice, ...]]] = {
            name: {} for name in names}

        def visit(grid: StaticGrid, values: list[Any], tokens: list[str]) -> None:
            if len(values) == len(names):
                combinations.setdefault(static_explorer.settings_key(tokens), values)
                if len(combinations) > static_explorer.MAX_FRAMES:
                    raise ValueError(f"static grid: more than {static_explorer.MAX_FRAMES} "
                                     "combinations; use fewer values")
                return
            name = names[len(values)]
            self._settle(dict(zip(names, values, strict=False)))
            offered = grid[name] is None
            pairs = (_offered_values(self.controls[name]) if offered
                     else [(v, _value_label(self.controls[name], v)) for v in grid[name]])
            row = []
            for value, label in pairs:
                token = static_explorer.setting_token(value)
                seen = choices[name].setdefault(token, (value, label))
                if seen[0] != value:
                    raise ValueError(f"static grid: {name!r} values {seen[0]!r} and {value!r} "
                                     f"are both written {token!r}")
                row.append((token, label))
            if offered:
                by_prefix[name][static_explorer.settings_key(tokens)] = tuple(row)
            for (value, _), (token, _) in zip(pairs, row, strict=True):
                visit(grid, [*values, value], [*tokens, token])

        for grid in grids:
            visit(grid, [], [])
        default = [self._defaults[name] for name in names]
        default_tokens = tuple(static_explorer.setting_token(v) for v in default)
        self._settle({})
        for name, value, token in zip(names, default, default_tokens, strict=True):
            choices[name].setdefault(token, (value, _value_label(self.controls[name], value)))
        key = static_explorer.settings_key(default_tokens)
        combinations = {key: default, **combinations}
        if len(combinations) > static_explorer.MAX_FRAMES:
            raise ValueError(f"static grid: more than {static_explorer.MAX_FRAMES} combinations "
                             "with the default view; use fewer values")

        frames = {}
        for key, values in combinations.items():
            self._settle(dict(zip(names, values, strict=True)))
            frames[key] = static_explorer.figure_to_frame(self._draw(), self.frame_dpi)
        controls = []
        for name in names:
            control = self.controls[name]
            kind = _static_kind(control)
            seen = list(choices[name].items())
            if kind == "range":
                seen.sort(key=lambda item: item[1][0])
            rows = set(by_prefix[name].values())
            controls.append(static_explorer.StaticControl(
                name, getattr(control, "description", "") or name, kind,
                tuple((token, label) for token, (_, label) in seen),
                by_prefix[name] if len(rows) > 1 else {}))
        return static_explorer.StaticView(tuple(controls), frames, default_tokens)

    def _repr_mimebundle_(self, include: Collection[str] | None = None,
                          exclude: Collection[str] | None = None,
                          **kwargs: Any) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        bundle["image/png"] = base64.b64encode(self.static_png).decode("ascii")
        wanted = (include is None or "text/html" in include) and "text/html" not in (exclude or ())
        if self.static_grid is not None and wanted:
            view = self.static_view()
            bundle["text/html"] = view.html(static_explorer.unique_element_id(view.element_id))
        return bundle


def _static_grids(static_grid: StaticGrid | Sequence[StaticGrid]) -> list[StaticGrid]:
    """``static_grid`` as a list of grids, checked to name the same controls in one order."""
    grids = [static_grid] if isinstance(static_grid, Mapping) else list(static_grid)
    if not grids:
        raise ValueError("static grid: give at least one grid")
    for grid in grids[1:]:
        if list(grid) != list(grids[0]):
            raise ValueError(f"static grids must name the same controls in the same order: "
                             f"{list(grids[0])} and {list(grid)}")
    return grids


def _static_kind(control: widgets.ValueWidget) -> static_explorer.ControlKind:
    """A numeric slider or number box becomes a range input; anything else a menu."""
    value = control.value
    numeric = isinstance(value, int | float | np.number) and not isinstance(value, bool)
    return "range" if numeric and not hasattr(control, "options") else "select"


def _options(control: widgets.ValueWidget) -> list[tuple[Any, str]]:
    """A menu's options as ``(value, label)`` pairs."""
    pairs = []
    for option in control.options:
        label, value = option if isinstance(option, tuple) else (option, option)
        pairs.append((value, str(label)))
    return pairs


def _value_label(control: widgets.ValueWidget, value: Any) -> str:
    """The text a control shows for ``value``: a menu's label, a slider's readout."""
    if hasattr(control, "options"):
        for option, label in _options(control):
            if option == value:
                return label
        raise ValueError(f"{control.description or 'menu'!r} has no option {value!r}")
    readout = getattr(control, "readout_format", None)
    if readout:
        try:
            return format(value, readout)
        except (TypeError, ValueError):
            pass
    return str(value)


def _offered_values(control: widgets.ValueWidget) -> list[tuple[Any, str]]:
    """Every value a control offers, labelled: a menu's options, a slider's steps."""
    if hasattr(control, "options"):
        return _options(control)
    if isinstance(control.value, bool):
        return [(False, "off"), (True, "on")]
    if all(hasattr(control, trait) for trait in ("min", "max", "step")):
        count = int(round((control.max - control.min) / control.step)) + 1
        values = [control.min + i * control.step for i in range(count)]
        if isinstance(control.value, int):
            values = [int(v) for v in values]
        return [(v, _value_label(control, v)) for v in values]
    raise ValueError(f"static grid: list the values of {control.description or 'a control'!r}")


# --- Chapter 1: the kernel explorer and the convolution stepper --------------------------------

#: The kernel grid sizes the kernel explorer offers, by label.
KERNEL_GRID_SIZES: dict[str, int] = {"3x3": 3, "5x5": 5}
_LARGEST_GRID = max(KERNEL_GRID_SIZES.values())


def _grey_image(name: str, image: ArrayLike) -> np.ndarray:
    array = np.asarray(image, dtype=float)
    if array.ndim != 2:
        raise ValueError(
            f"image {name!r} must be 2-D (grey), got shape {array.shape}; "
            "convert a colour photo with skimage.color.rgb2gray"
        )
    return array


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


def _write_values(ax: Axes, values: np.ndarray, colors: np.ndarray | str) -> None:
    """Write each finite value of a 2-D array in its cell (``colors``: one or one per cell)."""
    fontsize = 10 if max(values.shape) <= 5 else 7
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


def draw_kernel_view(
    image: ArrayLike,
    kernel: ArrayLike,
    image_name: str = "image",
    kernel_name: str = "kernel",
    padding: kernels.Padding = "same",
) -> Figure:
    """Return a figure of an image, a kernel and their convolution, side by side.

    The output is drawn with a colour scale symmetric around zero (negative blue, zero grey,
    positive red) and a colour bar, because edge kernels answer with both signs. The scale
    stops at the 99th percentile of ``|output|`` so that a few extreme pixels do not wash out
    the rest; the title gives the output's true range.
    """
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    output = kernels.convolve2d(image, kernel, padding)
    fig, axes = plots.new_figure(1, 3, size=3.2)
    height, width = image.shape
    kh, kw = kernel.shape
    plots.plot_image(axes[0, 0], image, f"input: {image_name} ({height}x{width})")
    plots.plot_kernel(axes[0, 1], kernel,
                      f"kernel: {kernel_name} ({kh}x{kw}, sum {plots.format_number(kernel.sum())})")
    plots.plot_image(axes[0, 2], output,
                     f"output ({padding} padding): {plots.format_number(output.min())} "
                     f"to {plots.format_number(output.max())}", signed=True)
    # A few extreme pixels would leave everything else mid-grey: the colour scale stops at the
    # 99th percentile of |output| (values beyond it show in the full colour).
    limit = float(np.percentile(np.abs(output), 99)) or float(np.abs(output).max()) or 1.0
    axes[0, 2].images[0].set_clim(-limit, limit)
    fig.colorbar(axes[0, 2].images[0], ax=axes[0, 2], shrink=0.75)
    return fig


def kernel_explorer(
    images: Mapping[str, ArrayLike],
    presets: Mapping[str, ArrayLike] = kernels.CLASSIC_KERNELS,
    preset: str | None = None,
    padding: kernels.Padding = "same",
    static_grid: StaticGrid | Sequence[StaticGrid] | None = None,
) -> Explorer:
    """Return an explorer to edit a kernel and see what it does to an image.

    Controls (also in ``explorer.controls``): ``"image"`` (a menu of ``images``),
    ``"preset"`` (a menu of ``presets`` that fills the grid), ``"size"`` (3x3 or 5x5) and
    ``"grid"``, whose children are the editable weights, row by row. A 3x3 preset sits in the
    middle of a 5x5 grid, ringed by zeros; going back to 3x3 keeps the middle of the grid.

    The static version (on the site) has the two menus, every image by every preset (presets
    are cut, keeping the first one shown, where that would pass
    :data:`course_utils.static_explorer.MAX_FRAMES`); the weights cannot be edited there.

    Args:
        images: grey images (2-D arrays) by name; the first is shown first.
        presets: kernels by name, square with an odd size up to 5 (default: the classic 3x3
            kernels of :data:`course_utils.kernels.CLASSIC_KERNELS`).
        preset: the preset shown first (default: the first one).
        padding: the padding of the convolution, ``"same"`` so that output and input align.
        static_grid: the static version's settings (:class:`Explorer`); by default
            ``{"image": None, "preset": None}``, every image and preset.

    Raises:
        ValueError: for no images, an image that is not 2-D, a preset that does not fit the
            grid, or an unknown ``preset`` name.
    """
    if not images:
        raise ValueError("kernel_explorer needs at least one image")
    if not presets:
        raise ValueError("kernel_explorer needs at least one preset kernel")
    grey = {name: _grey_image(name, image) for name, image in images.items()}
    grids = {name: _centred(kernel, _LARGEST_GRID) for name, kernel in presets.items()}
    preset = next(iter(grids)) if preset is None else preset
    if preset not in grids:
        raise ValueError(f"unknown preset {preset!r}; presets: {list(grids)}")

    cells = [[widgets.FloatText(value=0.0, step=0.5, layout=widgets.Layout(width="4.5em"))
              for _ in range(_LARGEST_GRID)] for _ in range(_LARGEST_GRID)]
    size_menu = widgets.ToggleButtons(options=list(KERNEL_GRID_SIZES), value="3x3",
                                      style={"button_width": "3.5em"})
    preset_menu = widgets.Dropdown(options=list(grids), value=preset, description="preset")
    image_menu = widgets.Dropdown(options=list(grey), description="image")
    grid = widgets.GridBox()
    output = widgets.Output()
    filling = [False]  # True while code fills the grid: one redraw at the end, not one per cell

    def visible_cells() -> list[widgets.FloatText]:
        size = KERNEL_GRID_SIZES[size_menu.value]
        start = (_LARGEST_GRID - size) // 2
        return [cell for row in cells[start:start + size] for cell in row[start:start + size]]

    def show_grid() -> None:
        size = KERNEL_GRID_SIZES[size_menu.value]
        grid.children = visible_cells()
        grid.layout.grid_template_columns = f"repeat({size}, 4.7em)"

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
    weights = widgets.VBox([widgets.Label("kernel weights (edit me)"), size_menu, grid])
    widget = widgets.VBox([widgets.HBox([image_menu, preset_menu]),
                           widgets.HBox([weights, output])])
    if static_grid is None:
        per_image = max(1, static_explorer.MAX_FRAMES // len(grey))
        others = [name for name in grids if name != preset][:per_image - 1]
        kept = None if len(grids) <= per_image else [n for n in grids if n in {preset, *others}]
        static_grid = {"image": None, "preset": kept}
    explorer = Explorer(widget, output, draw, {
        "image": image_menu, "preset": preset_menu, "size": size_menu, "grid": grid},
        static_grid)

    def on_cell(_change: dict[str, Any]) -> None:
        if not filling[0]:
            explorer.refresh()

    def on_preset(change: dict[str, Any]) -> None:
        fill(change["new"])
        explorer.refresh()

    def on_size(_change: dict[str, Any]) -> None:
        show_grid()
        if not filling[0]:
            explorer.refresh()

    for row in cells:
        for cell in row:
            cell.observe(on_cell, names="value")
    preset_menu.observe(on_preset, names="value")
    size_menu.observe(on_size, names="value")
    explorer.redraw_on(image_menu)
    return explorer


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
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
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

    The image with the window outlined, the patch under it, the kernel, their element-wise
    product (each value written in its cell, with ``sum = ...``), and the output map filled up
    to this position with the new value outlined.
    """
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    step = convolution_step(image, kernel, position, stride)
    output = kernels.convolve2d(image, kernel, "valid", stride)
    kh, kw = kernel.shape
    low, high = float(image.min()), float(image.max())

    fig, axes = plots.new_figure(1, 5, size=2.8)
    ax_image, ax_patch, ax_kernel, ax_product, ax_output = axes[0]
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
    static_grid: StaticGrid | Sequence[StaticGrid] | None = None,
) -> Explorer:
    """Return an explorer whose slider walks a kernel's window across a small image.

    Made for small images (an 8x8 digit): every pixel value is written in its cell. The
    controls (``explorer.controls``) are ``"position"``, an ``IntSlider`` over the output's
    pixels row by row, and ``"play"``, which moves it by itself.

    The static version (on the site) has the position slider, over every position (evenly
    spaced ones, up to :data:`course_utils.static_explorer.MAX_FRAMES`, for a larger output);
    no play button.

    Args:
        image: a small grey image (2-D).
        kernel: the kernel (2-D, not larger than the image).
        stride: the window's step, in pixels.
        position: the step shown first (default: the middle one, so the static view shows
            an output half filled).
        static_grid: the static version's settings (:class:`Explorer`); by default
            ``{"position": None}``, every position.

    Raises:
        ValueError: as :func:`convolution_step`.
    """
    image = _grey_image("image", image)
    kernel = np.asarray(kernel, dtype=float)
    steps = kernels.convolve2d(image, kernel, "valid", stride).size
    position = steps // 2 if position is None else position
    convolution_step(image, kernel, position, stride)  # fail early on a bad position
    slider = widgets.IntSlider(value=position, min=0, max=steps - 1, description="position",
                               continuous_update=False)
    play = widgets.Play(value=position, min=0, max=steps - 1, interval=500)
    widgets.jslink((play, "value"), (slider, "value"))
    output = widgets.Output()
    if static_grid is None:
        every = steps <= static_explorer.MAX_FRAMES
        spread = np.linspace(0, steps - 1, static_explorer.MAX_FRAMES - 1).round().astype(int)
        static_grid = {"position": None if every else sorted({*spread.tolist(), position})}
    explorer = Explorer(
        widgets.VBox([widgets.HBox([play, slider]), output]), output,
        lambda: draw_convolution_step(image, kernel, slider.value, stride),
        {"position": slider, "play": play}, static_grid)
    explorer.redraw_on(slider)
    return explorer


# --- Chapter 3: padding and strides ---------------------------------------------------------

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
    along = np.zeros(n, dtype=int)
    for start in _window_starts(n, k, padding, stride):
        along[max(start, 0):min(start + k, n)] += 1
    return np.outer(along, along)


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
    width = min(7.0, 0.3 * mosaic)
    fig.set_size_inches(width + min(3.5, 0.45 * n + 1.0), max(width, 2.6) + 0.6)
    ax_windows.get_gridspec().set_width_ratios([width, min(3.5, 0.45 * n + 1.0)])

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


#: The padding and stride explorer's static settings: a few input and kernel sizes (odd and
#: even), both paddings, strides 1 to 3.
PADDING_STRIDE_GRID: dict[str, list[int] | None] = {
    "input size": [3, 5, 7, 9], "kernel size": [1, 2, 3, 5], "padding": None,
    "stride": [1, 2, 3]}


def padding_stride_explorer(
    n: int = 5, k: int = 3, padding: kernels.Padding = "valid", stride: int = 1,
    largest: int = 9, static_grid: StaticGrid | Sequence[StaticGrid] | None = None,
) -> Explorer:
    """Return an explorer of window positions: input size, kernel size, padding and stride.

    The figure is :func:`draw_windows`'s; a label under the controls gives the output size,
    or, for a window that cannot slide over the input (a kernel larger than the input with
    ``padding="valid"``), the reason from :func:`kernels.check_window`, which the figure then
    states in words. The controls (``explorer.controls``) are ``"input size"``,
    ``"kernel size"``, ``"padding"`` and ``"stride"``; sizes go up to ``largest``.

    The static version (on the site) has the same four controls over
    ``static_grid``, by default :data:`PADDING_STRIDE_GRID` (96 views, sizes beyond
    ``largest`` left out); an invalid combination shows the same "no output" figure.

    Raises:
        ValueError: if the first view itself is invalid.
    """
    kernels.output_size(n, k, padding, stride)  # fail early on a bad first view
    style = {"description_width": "initial"}
    size = widgets.IntSlider(value=n, min=1, max=largest, description="input size",
                             continuous_update=False, style=style)
    kernel = widgets.IntSlider(value=k, min=1, max=largest, description="kernel size",
                               continuous_update=False, style=style)
    pad = widgets.ToggleButtons(options=list(kernels.PADDINGS), value=padding,
                                description="padding", style=style)
    step = widgets.IntSlider(value=stride, min=1, max=4, description="stride",
                             continuous_update=False, style=style)
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
    if static_grid is None:
        static_grid = {name: None if values is None else [v for v in values if v <= largest]
                       for name, values in PADDING_STRIDE_GRID.items()}
    explorer = Explorer(
        widgets.VBox([widgets.HBox([size, kernel]), widgets.HBox([pad, step]), status, output]),
        output, draw, controls, static_grid)
    explorer.redraw_on(*controls.values())
    return explorer


# --- Chapter 2: the Gabor explorer ------------------------------------------------------------

#: The Gabor explorer's slider ranges: frequency (cycles/px), theta (degrees), sigma (px).
GABOR_RANGES: dict[str, tuple[float, float]] = {
    "frequency": (0.05, 0.5), "theta": (0.0, 165.0), "sigma": (1.0, 8.0)}
#: The Gabor explorer's static settings: 5 frequencies x 6 orientations x 3 widths.
GABOR_GRID: dict[str, list[float]] = {
    "frequency": [0.1, 0.15, 0.2, 0.3, 0.4], "theta": [0.0, 30.0, 60.0, 90.0, 120.0, 150.0],
    "sigma": [1.5, 3.0, 5.0]}


def draw_gabor_view(
    images: Mapping[str, ArrayLike], frequency: float, theta: float, sigma: float
) -> Figure:
    """Return a figure of one Gabor filter and its response magnitude on each image.

    The first column shows the kernel's real (cosine, even) and imaginary (sine, odd) parts,
    zero in mid-grey; each further row shows an image and ``|response|``, the filter's
    phase-free answer (bright where the image has stripes of this frequency and orientation).
    The title states the parameters; ``theta`` is in radians and shown in degrees.

    Raises:
        ValueError: for no images, an image that is not 2-D, or bad filter parameters.
    """
    if not images:
        raise ValueError("draw_gabor_view needs at least one image")
    grey = {name: _grey_image(name, image) for name, image in images.items()}
    filt = gabor.gabor_filter(frequency, theta, sigma)
    side = filt.kernel.shape[0]
    nrows = max(2, len(grey))
    fig, axes = plots.new_figure(nrows, 3, size=2.4)
    plots.plot_kernel(axes[0, 0], filt.kernel.real, f"real part (cosine), {side}x{side}")
    plots.plot_kernel(axes[1, 0], filt.kernel.imag, f"imaginary part (sine), {side}x{side}")
    for ax in axes[2:, 0]:
        ax.set_axis_off()
    for row, (name, image) in enumerate(grey.items()):
        magnitude = gabor.gabor_magnitude(image, filt)
        plots.plot_image(axes[row, 1], image, name)
        plots.plot_image(axes[row, 2], magnitude, f"|response|, max {magnitude.max():.3g}",
                         cmap="magma")
    for ax in axes[len(grey):, 1:].flat:
        ax.set_axis_off()
    fig.suptitle(f"Gabor filter: frequency {frequency:.2f} cycles/px "
                 f"(wavelength {1 / frequency:.1f} px), θ = {np.degrees(theta):.0f}°, "
                 f"σ = {sigma:.1f} px")
    return fig


def gabor_explorer(
    images: Mapping[str, ArrayLike],
    frequency: float = 0.2,
    theta_degrees: float = 0.0,
    sigma: float = 3.0,
    static_grid: StaticGrid | Sequence[StaticGrid] | None = None,
) -> Explorer:
    """Return an explorer of one Gabor filter: frequency, orientation and envelope width.

    The figure is :func:`draw_gabor_view`'s for ``images`` (grey 2-D arrays by name, e.g. a
    digit and a Fashion-MNIST item). The controls (``explorer.controls``) are sliders:
    ``"frequency"`` (cycles per pixel, 0.05 to 0.5), ``"theta"`` (degrees, 0 to 165 in steps
    of 15) and ``"sigma"`` (pixels, 1 to 8).

    The static version (on the site) has the three sliders over ``static_grid``, by default
    :data:`GABOR_GRID`: 5 frequencies, 6 orientations (every 30 degrees) and 3 widths, 90
    views (one more when the starting values are not among them).

    Raises:
        ValueError: for no images, an image that is not 2-D, or a starting value outside its
            slider's range (a slider would silently clamp it).
    """
    if not images:
        raise ValueError("gabor_explorer needs at least one image")
    for name, image in images.items():
        _grey_image(name, image)
    for name, value, (low, high) in zip(GABOR_RANGES, (frequency, theta_degrees, sigma),
                                        GABOR_RANGES.values(), strict=True):
        if not low <= value <= high:
            raise ValueError(f"{name} must be between {low} and {high}, got {value}")
    style = {"description_width": "initial"}

    def slider(name: str, value: float, step: float, label: str, fmt: str) -> widgets.Widget:
        low, high = GABOR_RANGES[name]
        return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=label,
                                   readout_format=fmt, continuous_update=False, style=style)

    freq = slider("frequency", frequency, 0.01, "frequency (cycles/px)", ".2f")
    angle = slider("theta", theta_degrees, 15.0, "theta (degrees)", ".0f")
    width = slider("sigma", sigma, 0.5, "sigma (px)", ".1f")
    output = widgets.Output()

    def draw() -> Figure:
        return draw_gabor_view(images, freq.value, np.radians(angle.value), width.value)

    controls = {"frequency": freq, "theta": angle, "sigma": width}
    explorer = Explorer(widgets.VBox([widgets.HBox([freq, angle, width]), output]),
                        output, draw, controls,
                        GABOR_GRID if static_grid is None else static_grid)
    explorer.redraw_on(*controls.values())
    return explorer


# --- Chapter 6: the augmentation explorer -------------------------------------------------------

#: The augmentation explorer's sliders: each layer's factor, from 0 (off) to this maximum.
AUGMENTATION_RANGES: dict[str, float] = {
    "rotation": 0.5, "translation": 0.5, "zoom": 0.5, "shear": 0.5}
#: Every augmentation slider's starting factor.
AUGMENTATION_START = 0.1
#: The factors each slider takes in the static augmentation explorer, and its seeds.
AUGMENTATION_STEPS: tuple[float, ...] = (0.0, 0.1, 0.25, 0.5)
AUGMENTATION_SEEDS: tuple[int, ...] = (0, 1, 2)


def augmentation_layers(
    flip: bool = True,
    rotation: float = 0.0,
    translation: float = 0.0,
    zoom: float = 0.0,
    shear: float = 0.0,
    seed: int | None = None,
) -> list[Any]:
    """Return Keras random-augmentation layers for the given factors (a factor of 0 is off).

    ``rotation`` is a fraction of a full turn (``RandomRotation``), ``translation`` and
    ``zoom`` fractions of the image's size, ``shear`` the sideways shift of the top edge as a
    fraction of the height (``RandomShear(x_factor=...)``, the tangent of the shear angle).
    ``seed`` makes the draws repeatable.
    """
    from keras import layers

    chosen = [layers.RandomFlip("horizontal", seed=seed)] if flip else []
    if rotation:
        chosen.append(layers.RandomRotation(rotation, seed=seed))
    if translation:
        chosen.append(layers.RandomTranslation(translation, translation, seed=seed))
    if zoom:
        chosen.append(layers.RandomZoom(zoom, seed=seed))
    if shear:
        chosen.append(layers.RandomShear(x_factor=shear, seed=seed))
    return chosen


def augment(image: ArrayLike, copies: int, seed: int = 0, **factors: Any) -> np.ndarray:
    """Return ``copies`` randomly augmented versions of one ``(h, w, 3)`` image, as ``uint8``.

    ``factors`` are :func:`augmentation_layers`'s; the layers run in training mode, as they do
    inside a model during ``fit``.
    """
    batch = np.repeat(np.asarray(image, dtype="float32")[np.newaxis], copies, axis=0)
    for layer in augmentation_layers(seed=seed, **factors):
        batch = layer(batch, training=True)
    return np.clip(np.asarray(batch), 0, 255).astype(np.uint8)


def draw_augmentations(image: ArrayLike, copies: int = 8, seed: int = 0,
                       **factors: Any) -> Figure:
    """Return a grid of the original image followed by ``copies`` augmented versions of it."""
    versions = augment(image, copies, seed=seed, **factors)
    settings = ", ".join(f"{name} {value:g}" for name, value in factors.items()
                         if name != "flip" and value) or "no geometric change"
    flip = "flips" if factors.get("flip", True) else "no flips"
    return plots.image_grid(
        np.concatenate([np.asarray(image, dtype=np.uint8)[np.newaxis], versions]),
        titles=["original"] + [f"draw {i + 1}" for i in range(copies)],
        ncols=min(copies + 1, 5), size=1.9,
        suptitle=f"Augmented versions ({flip}; {settings})")


def augmentation_grid(steps: Sequence[float] = AUGMENTATION_STEPS,
                      seeds: Sequence[int] = AUGMENTATION_SEEDS,
                      start: float = AUGMENTATION_START) -> list[StaticGrid]:
    """Return the augmentation explorer's static settings: one slider at a time.

    For every image: each slider alone over ``steps`` (the others at ``start``), and the
    starting settings drawn with each of ``seeds``; 15 views an image by default.
    """
    base: dict[str, list[Any] | None] = {
        "image": None, **{name: [start] for name in AUGMENTATION_RANGES}, "seed": [seeds[0]]}
    return ([{**base, name: list(steps)} for name in AUGMENTATION_RANGES]
            + [{**base, "seed": list(seeds)}])


def augmentation_explorer(
    images: Mapping[str, ArrayLike], copies: int = 8,
    static_grid: StaticGrid | Sequence[StaticGrid] | None = None,
) -> Explorer:
    """Return an explorer of random augmentation: one slider per layer and a resample button.

    The controls (``explorer.controls``): ``"image"`` (a menu of ``images``, RGB ``uint8``
    arrays by name), ``"flip"`` (a checkbox), the sliders ``"rotation"``, ``"translation"``,
    ``"zoom"`` and ``"shear"`` (0 turns a layer off; see :func:`augmentation_layers`), the
    random ``"seed"`` of the draws, and ``"resample"``, a button that adds 1 to the seed: new
    random versions with the same settings.

    The static version (on the site) has the image menu, the four sliders and the seed, by
    default one slider at a time (:func:`augmentation_grid`): moving a slider there puts the
    others back at their starting 0.1; the flip stays on.

    Raises:
        ValueError: for no images, or an image that is not ``(h, w, 3)``.
    """
    if not images:
        raise ValueError("augmentation_explorer needs at least one image")
    for name, image in images.items():
        if np.ndim(image) != 3 or np.shape(image)[-1] != 3:
            raise ValueError(f"image {name!r} must be RGB (h, w, 3), got {np.shape(image)}")
    style = {"description_width": "initial"}
    picker = widgets.Dropdown(options=list(images), description="image")
    flip = widgets.Checkbox(value=True, description="horizontal flip")
    sliders = {name: widgets.FloatSlider(value=AUGMENTATION_START, min=0.0, max=high, step=0.05,
                                         description=name, readout_format=".2f",
                                         continuous_update=False, style=style)
               for name, high in AUGMENTATION_RANGES.items()}
    resample = widgets.Button(description="resample")
    seed = widgets.IntText(value=0, description="seed", layout=widgets.Layout(width="9em"),
                           style=style)
    output = widgets.Output()

    def draw() -> Figure:
        factors = {name: slider.value for name, slider in sliders.items()}
        return draw_augmentations(images[picker.value], copies, seed.value,
                                  flip=flip.value, **factors)

    controls: dict[str, widgets.Widget] = {"image": picker, "flip": flip, **sliders,
                                           "seed": seed, "resample": resample}
    explorer = Explorer(
        widgets.VBox([widgets.HBox([picker, flip, resample, seed]),
                      widgets.HBox(list(sliders.values())[:2]),
                      widgets.HBox(list(sliders.values())[2:]), output]),
        output, draw, controls, augmentation_grid() if static_grid is None else static_grid)

    def on_resample(_button: widgets.Button) -> None:
        seed.value += 1  # the seed's observer redraws

    resample.on_click(on_resample)
    explorer.redraw_on(picker, flip, seed, *sliders.values())
    return explorer


# --- Chapter 9: the Grad-CAM explorer -----------------------------------------------------------

#: Class names, in the order of a model's outputs.
ClassNames = list[str] | tuple[str, ...]


def _model_input_size(model: Any, image_size: int | tuple[int, int] | None) -> tuple[int, int]:
    """The (height, width) images are resized to: ``image_size``, else the model's input."""
    if image_size is not None:
        return (image_size, image_size) if isinstance(image_size, int) else tuple(image_size)
    height, width = tuple(model.input_shape)[1:3]
    if height is None or width is None:
        raise ValueError(f"model {model.name!r} takes any image size: pass image_size")
    return int(height), int(width)


def _rgb_photo(name: str, photo: ArrayLike) -> np.ndarray:
    array = np.asarray(photo)
    if array.ndim != 3 or array.shape[-1] != 3:
        raise ValueError(f"photo {name!r} must be RGB (h, w, 3), got shape {array.shape}")
    return array


def draw_gradcam_view(
    model: Any,
    photo: ArrayLike,
    layer_name: str,
    class_index: int | None = None,
    photo_name: str = "photo",
    class_names: ClassNames | None = None,
    top: int = 5,
    image_size: int | tuple[int, int] | None = None,
    score_model: Any = None,
) -> Figure:
    """Return a figure of one Grad-CAM explanation, in three panels.

    The model's ``top`` most probable classes as bars (the explained class in orange), the
    Grad-CAM heatmap at the conv layer's own resolution, and the heatmap laid over the photo
    at the photo's full resolution. The photo is resized to the model's input (bilinear,
    :func:`course_utils.interpret.resize_for_model`) only for the model.

    Args:
        model: a classifier taking raw RGB pixels.
        photo: an RGB ``(h, w, 3)`` photo of any size, pixels in ``[0, 255]``.
        layer_name: the conv layer of :func:`course_utils.interpret.grad_cam`.
        class_index: the class to explain; the most probable one by default.
        photo_name: the photo's name, for the titles.
        class_names: the classes' names (default: ImageNet's, for 1,000 outputs).
        top: how many classes the bars show.
        image_size: the model's input size, when the model does not fix it.
        score_model: :func:`course_utils.interpret.grad_cam_model` of ``model`` and
            ``layer_name``, when the caller keeps one.
    """
    from course_utils import interpret

    photo = _rgb_photo(photo_name, photo)
    pixels = interpret.resize_for_model(photo, _model_input_size(model, image_size))
    cam = interpret.grad_cam(model, pixels, layer_name, class_index, score_model)
    every_class = interpret.top_classes(cam.probabilities, cam.probabilities.size + 1,
                                        class_names)
    ranking = every_class[:top]
    name, probability = next((n, p) for i, n, p in every_class if i == cam.class_index)
    chosen = name.replace("_", " ")

    fig, axes = plots.new_figure(1, 3, size=3.4)
    ax_bars, ax_heatmap, ax_overlay = axes[0]
    plots.plot_top_predictions(ax_bars, [(name, p) for _, name, p in ranking],
                               title=f"{photo_name}: top {len(ranking)}")
    for bar, (index, _, _) in zip(ax_bars.containers[0], ranking, strict=True):
        if index == cam.class_index:
            bar.set_color("C1")
    height, width = cam.heatmap.shape
    ax_heatmap.imshow(cam.heatmap, cmap="jet", vmin=0.0, vmax=1.0)
    ax_heatmap.set_title(f"Grad-CAM, {layer_name} ({height}x{width})", fontsize=10)
    ax_heatmap.set_xticks([])
    ax_heatmap.set_yticks([])
    plots.plot_image(ax_overlay, interpret.overlay_heatmap(photo, cam.heatmap),
                     f"{chosen} ({probability:.3f}), "
                     f"{photo.shape[1]}x{photo.shape[0]}")
    fig.suptitle(f"Where {model.name} sees “{chosen}” in {photo_name} (layer {layer_name})")
    return fig


def gradcam_explorer(
    model: Any,
    photos: Mapping[str, ArrayLike],
    layer_names: list[str] | tuple[str, ...],
    class_names: ClassNames | None = None,
    top: int = 5,
    image_size: int | tuple[int, int] | None = None,
    static_grid: StaticGrid | Sequence[StaticGrid] | None = None,
) -> Explorer:
    """Return an explorer of Grad-CAM heatmaps: pick a photo, one of its top classes, a layer.

    The figure is :func:`draw_gradcam_view`'s. The controls (``explorer.controls``):
    ``"photo"`` (a menu of ``photos``), ``"class"`` (the model's ``top`` classes for that
    photo, most probable first; its values are class indices, and picking another photo
    refills it, starting from the most probable class) and ``"layer"`` (a menu of
    ``layer_names``, e.g. the last conv layer and a few earlier ones).

    The static version (on the site) has the same three menus over every photo, each of its
    ``top`` classes and every layer (``{"photo": None, "class": None, "layer": None}``); its
    class menu, too, is refilled when another photo is picked.

    Args:
        model: a classifier taking raw RGB pixels.
        photos: RGB ``(h, w, 3)`` photos by name, of any size; the first is shown first.
        layer_names: layers with 4-D outputs to compute Grad-CAM on; the first is shown first.
        class_names: the classes' names (default: ImageNet's, for 1,000 outputs).
        top: how many classes the class menu (and the bars) offer.
        image_size: the model's input size, when the model does not fix it.
        static_grid: the static version's settings (:class:`Explorer`); by default every
            photo, class and layer (``len(photos) * top * len(layer_names)`` frames).

    Raises:
        ValueError: for no photos or layers, a photo that is not RGB, or an unknown layer.
    """
    from course_utils import interpret

    if not photos:
        raise ValueError("gradcam_explorer needs at least one photo")
    if not layer_names:
        raise ValueError("gradcam_explorer needs at least one layer name")
    rgb = {name: _rgb_photo(name, photo) for name, photo in photos.items()}
    size = _model_input_size(model, image_size)
    score_models = {name: interpret.grad_cam_model(model, name) for name in layer_names}
    pixels = {name: interpret.resize_for_model(photo, size) for name, photo in rgb.items()}
    rankings: dict[str, list[tuple[int, str, float]]] = {}

    def class_options(photo_name: str) -> list[tuple[str, int]]:
        if photo_name not in rankings:
            probabilities = model(pixels[photo_name][np.newaxis], training=False)
            rankings[photo_name] = interpret.top_classes(np.asarray(probabilities)[0], top,
                                                         class_names)
        return [(f"{name.replace('_', ' ')} ({p:.3f})", index)
                for index, name, p in rankings[photo_name]]

    style = {"description_width": "initial"}
    picker = widgets.Dropdown(options=list(rgb), description="photo", style=style)
    first = class_options(picker.value)
    class_menu = widgets.Dropdown(options=first, value=first[0][1], description="class",
                                  style=style)
    layer_menu = widgets.Dropdown(options=list(layer_names), description="layer", style=style)
    output = widgets.Output()
    refilling = [False]  # True while a new photo refills the class menu: one redraw, not two

    def draw() -> Figure:
        return draw_gradcam_view(model, rgb[picker.value], layer_menu.value, class_menu.value,
                                 picker.value, class_names, top, size,
                                 score_models[layer_menu.value])

    controls = {"photo": picker, "class": class_menu, "layer": layer_menu}
    if static_grid is None:
        static_grid = {"photo": None, "class": None, "layer": None}
    explorer = Explorer(widgets.VBox([widgets.HBox([picker, class_menu, layer_menu]), output]),
                        output, draw, controls, static_grid)

    def on_photo(change: dict[str, Any]) -> None:
        refilling[0] = True
        try:
            options = class_options(change["new"])
            class_menu.options = options
            class_menu.value = options[0][1]
        finally:
            refilling[0] = False
        explorer.refresh()

    def on_class(_change: dict[str, Any]) -> None:
        if not refilling[0]:
            explorer.refresh()

    picker.observe(on_photo, names="value")
    class_menu.observe(on_class, names="value")
    explorer.redraw_on(layer_menu)
    return explorer
