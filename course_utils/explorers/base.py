"""The shared :class:`Explorer`: a live ipywidget, a PNG of its default view, and a site version.

An explorer's display bundle holds three views. In JupyterLab (a trusted notebook with a
running kernel) the live widget shows. The built site has no kernel and loads no widget
JavaScript, so it drops the widget view and prefers ``text/html`` (see
``nb_mime_priority_overrides`` in ``_config.yml``). That HTML is either

- a *live* explorer (kernel, stepper, padding/stride, Gabor): plain JavaScript that recomputes
  in the reader's browser from data the Python explorer embeds (its presets, ranges,
  defaults and images; :mod:`course_utils.site.live`), or
- a *static* explorer (augmentation, Grad-CAM, which need a model): HTML controls that swap
  frames precomputed over a grid of settings (:mod:`course_utils.site.static_explorer`).
  The frames are drawn by the live widget itself: for each point of the grid the real controls
  are set, their observers run as they do live, and the explorer's own ``draw`` makes the
  figure.

The PNG stays for viewers that show neither (GitHub's notebook view). Each explorer draws with
a plain function ``draw(...) -> Figure`` that tests call directly, and ``update`` callbacks that
redraw into an ``ipywidgets.Output``.
"""
from __future__ import annotations

import base64
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from IPython.display import Image, display
from matplotlib.figure import Figure
from numpy.typing import ArrayLike
from traitlets import TraitError

from course_utils import checks
from course_utils.site import static_explorer
from course_utils.site.static_explorer import figure_to_frame

#: The resolution of the figure the live widget shows and of the PNG of its first view.
PNG_DPI = 80

#: A static explorer's grid: control name → the values to precompute, in order, or ``None``
#: for every value the control offers at that point (a menu's options, a slider's steps).
StaticGrid = Mapping[str, Sequence[Any] | None]


def grey_image(name: str, image: ArrayLike) -> np.ndarray:
    """Return ``image`` as a float 2-D array: :func:`course_utils.checks.image`, grey."""
    return checks.image(f"image {name!r}", image, "grey").astype(float)


def rgb_image(name: str, image: ArrayLike, noun: str = "image") -> np.ndarray:
    """Return ``image`` as an array: :func:`course_utils.checks.image`, ``(h, w, 3)``."""
    return checks.image(f"{noun} {name!r}", image, "RGB")


class Explorer:
    """A live widget together with a static PNG of its default view and a site version.

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
            ``None``: no static explorer.
        frame_dpi: the resolution of the static explorer's frames.
        site_html: a function of no arguments returning the live site explorer's HTML
            (:func:`course_utils.site.live.live_html`), shown on the site in place of a
            static explorer. Give it or ``static_grid``, not both.
    """

    def __init__(self, widget: widgets.Widget, output: widgets.Output,
                 draw: Callable[[], Figure],
                 controls: Mapping[str, widgets.Widget] | None = None,
                 static_grid: StaticGrid | Sequence[StaticGrid] | None = None,
                 frame_dpi: int = static_explorer.FRAME_DPI,
                 site_html: Callable[[], str] | None = None) -> None:
        if site_html is not None and static_grid is not None:
            raise ValueError("an explorer has a live site version (site_html) or a static "
                             "grid, not both")
        self.widget = widget
        self.site_html = site_html
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
        self.static_png = figure_to_frame(self.figure, PNG_DPI)
        with self.output:
            display(Image(self.static_png))

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
            # A palette PNG (as the static frames): a third of the bytes the notebook keeps.
            display(Image(figure_to_frame(self.figure, PNG_DPI)))

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
                than :data:`course_utils.site.static_explorer.MAX_FRAMES` combinations.
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
        if self.site_html is not None and wanted:
            bundle["text/html"] = self.site_html()
        elif self.static_grid is not None and wanted:
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
