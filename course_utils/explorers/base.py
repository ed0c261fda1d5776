"""What every explorer function returns (:class:`Explorer`), the JupyterLab widget it may drive
(:class:`ExplorerWidget`), and the sliders declared once each (:class:`Slider`).

An explorer lives in two places:

- in JupyterLab, a live ipywidget (:class:`ExplorerWidget`): controls whose observers redraw a
  matplotlib figure with the explorer's plain ``draw`` function, and a PNG of the first view
  for viewers that run no widget (GitHub's notebook view);
- on the built site, which has no kernel, a version the page runs by itself. The notebook
  output carries only its kind and its data, as ``text/html`` with no script in it:

  - a *live* explorer (kernel, stepper, padding/stride, Gabor, and the site-only model
    explorers digit and photo, which have no widget) recomputes in the reader's browser from
    the data its Python function embeds (:mod:`course_utils.site.live`);
  - a *static* explorer (augmentation, Grad-CAM, which need a model) shows frames drawn by its
    widget over a grid of settings (:mod:`course_utils.site.frames`), only in a run that makes
    the site's outputs (:func:`course_utils.config.site_frames`, set by ``make notebooks``):
    displayed in a reader's JupyterLab it draws none.

  The book's Sphinx extension (:mod:`course_utils.site.explorer_pages`) adds the scripts to the
  pages that hold explorers and writes static explorers' frames to files.

The site drops the widget view and prefers ``text/html`` (``nb_mime_priority_overrides`` in
``_config.yml``); JupyterLab prefers the widget.
"""
from __future__ import annotations

import base64
import contextlib
import dataclasses
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from course_utils import checks, config
from course_utils.site import frames, live
from course_utils.site.static_explorer import FRAME_DPI, figure_to_frame, unique_element_id

if TYPE_CHECKING:
    from course_utils.site.static_explorer import StaticView

#: The resolution of the figure the live widget shows and of the PNG of its first view.
PNG_DPI = 80
#: The kind of a static explorer (the others are :data:`course_utils.site.live.KINDS`).
STATIC = "static"

#: A static explorer's grid: control name → the values to precompute, in order, or ``None``
#: for every value the control offers at that point (a menu's options, a slider's steps).
StaticGrid = Mapping[str, Sequence[Any] | None]


def grey_image(name: str, image: ArrayLike) -> np.ndarray:
    """Return ``image`` as a float 2-D array: :func:`course_utils.checks.image`, grey."""
    return checks.image(f"image {name!r}", image, "grey").astype(float)


def rgb_image(name: str, image: ArrayLike, noun: str = "image") -> np.ndarray:
    """Return ``image`` as an array: :func:`course_utils.checks.image`, ``(h, w, 3)``."""
    return checks.image(f"{noun} {name!r}", image, "RGB")


@dataclasses.dataclass(frozen=True)
class Slider:
    """One slider, declared once: it checks a starting value, makes the widget and the page's data.

    Attributes:
        name: the control's name (``explorer.controls[name]``, the page's ``data-control``).
        label: the text in front of it, in JupyterLab and on the site.
        low, high, step: its range.
        format: how its value reads (``".2f"``; ``"d"`` for a slider of whole numbers).

    >>> stride = Slider("stride", "stride", 1, 4, 1, "d")
    >>> stride.check(2), stride.site(), stride.digits
    (2, [1, 4, 1], 0)
    """

    name: str
    label: str
    low: float
    high: float
    step: float
    format: str = ".2f"

    @property
    def integer(self) -> bool:
        """Whether the slider takes whole numbers (``format`` ``"d"``)."""
        return self.format == "d"

    @property
    def digits(self) -> int:
        """The decimals its value shows with."""
        return 0 if self.integer else int(self.format.strip(".f") or 0)

    def check(self, value: Any, argument: str | None = None) -> Any:
        """Return ``value`` if the slider can start there, else raise a ``ValueError`` naming
        ``argument`` (default: the slider's name): a slider would silently clamp it."""
        name = argument or self.name
        if self.integer:
            return checks.integer(name, value, int(self.low), int(self.high))
        return checks.number(name, value, self.low, self.high)

    def widget(self, value: float) -> widgets.IntSlider | widgets.FloatSlider:
        """Return the JupyterLab slider starting at ``value`` (redrawn when let go)."""
        kind = widgets.IntSlider if self.integer else widgets.FloatSlider
        return kind(value=value, min=self.low, max=self.high, step=self.step,
                    description=self.label, readout_format=self.format,
                    continuous_update=False, style={"description_width": "initial"})

    def site(self) -> list[float]:
        """The page's range for it: ``[low, high, step]``."""
        return [self.low, self.high, self.step]


class ExplorerWidget:
    """The live ipywidget of an explorer (JupyterLab): controls that redraw a figure.

    Args:
        layout: the ipywidgets layout the reader interacts with.
        output: the ``Output`` inside ``layout`` that shows the current figure.
        draw: a function of no arguments returning the figure for the current settings.
        controls: the controls by name, so that code can set them too:
            ``explorer.controls["preset"].value = "sharpen"`` does what picking "sharpen" in
            the menu does (the widgets' observers redraw the figure).

    Attributes:
        figure: the figure shown now; ``png``: a palette PNG of the first one.
        defaults: the starting value of every control that has a value.
    """

    def __init__(self, layout: widgets.Widget, output: widgets.Output,
                 draw: Callable[[], Figure],
                 controls: Mapping[str, widgets.Widget] | None = None) -> None:
        self.layout = layout
        self.output = output
        self.draw = draw
        self.controls = dict(controls or {})
        self.defaults = {name: control.value for name, control in self.controls.items()
                         if isinstance(control, widgets.ValueWidget)}
        self._redrawing = True
        self.figure = draw()
        self.png = figure_to_frame(self.figure, PNG_DPI)
        self._show(self.png)

    def _show(self, png: bytes) -> None:
        """Put ``png`` in the ``Output`` as its only content. Its state changes, and no display
        message leaves the kernel: a notebook run without a widget frontend (nbval) gets no
        stray output in the cell."""
        self.output.outputs = ({"output_type": "display_data", "metadata": {},
                                "data": {"image/png": base64.b64encode(png).decode("ascii"),
                                         "text/plain": "<the explorer's figure>"}},)

    def redraw_on(self, *controls: widgets.Widget) -> None:
        """Redraw the figure whenever one of ``controls`` changes its value."""
        for control in controls:
            control.observe(lambda _change: self.refresh(), names="value")

    def refresh(self) -> None:
        """Redraw the figure for the current settings (called by the widgets' observers)."""
        if not self._redrawing:
            return
        self.figure = self.draw()
        # A palette PNG (as the static frames): a third of the bytes the notebook keeps.
        self._show(figure_to_frame(self.figure, PNG_DPI))

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Within it, moving the controls redraws nothing; after it, every control (kernel
        weights included) is back as it was. Static frames are drawn within it."""
        before = [(control, control.value) for control in self.value_widgets()]
        self._redrawing = False
        try:
            yield
        finally:
            for control, value in before:
                if control.value != value:
                    control.value = value
            self._redrawing = True

    def value_widgets(self) -> list[widgets.ValueWidget]:
        """The controls with a value, then every other one in the layout (kernel weights...)."""
        found: dict[int, widgets.ValueWidget] = {}
        pending: list[widgets.Widget] = [*self.controls.values(), self.layout]
        while pending:
            widget = pending.pop(0)
            if isinstance(widget, widgets.ValueWidget):
                found.setdefault(id(widget), widget)
            pending.extend(getattr(widget, "children", ()))
        return list(found.values())


class Explorer:
    """What every explorer function returns: the site's version, and the widget when it has one.

    Args:
        kind: a live kind (:data:`course_utils.site.live.KINDS`) or :data:`STATIC`.
        text: one line saying what it is: the ``text/plain`` view, and what the page shows
            until its script starts.
        widget: the live ipywidget for JupyterLab; ``None`` for an explorer that runs on the
            site only (the model explorers). A static explorer needs one: it draws the frames.
        data: a live explorer's data for the page's script (JSON-serialisable).
        grid: a static explorer's settings (see :data:`StaticGrid`): one grid, whose every
            combination is a frame, or a list of grids naming the same controls in the same
            order, whose frames are pooled (e.g. one slider at a time). The default view is
            always a frame.
        frame_dpi: the resolution of a static explorer's frames.

    Displayed, it offers the widget (with the PNG of its first view) and ``text/html``: the
    live explorer's element, or the static explorer's frames when
    :func:`course_utils.config.site_frames` is on (drawn once, then kept).
    """

    def __init__(self, kind: str, text: str, *, widget: ExplorerWidget | None = None,
                 data: Mapping[str, Any] | None = None,
                 grid: StaticGrid | Sequence[StaticGrid] | None = None,
                 frame_dpi: int = FRAME_DPI) -> None:
        if kind == STATIC:
            if widget is None or grid is None or data is not None:
                raise ValueError("a static explorer needs a widget and a grid, and no data")
        elif kind in live.KINDS:
            if data is None or grid is not None:
                raise ValueError(f"a live explorer ({kind}) needs data, and no grid")
        else:
            raise ValueError(f"kind must be {STATIC!r} or one of {live.KINDS}, got {kind!r}")
        self.kind = kind
        self.text = text
        self.widget = widget
        self.data = data
        self.grid = grid
        self.frame_dpi = frame_dpi
        self._static_view: StaticView | None = None

    @property
    def controls(self) -> dict[str, widgets.Widget]:
        """The widget's controls by name (none for a site-only explorer)."""
        return self.widget.controls if self.widget else {}

    @property
    def figure(self) -> Figure | None:
        """The figure the widget shows now."""
        return self.widget.figure if self.widget else None

    @property
    def static_png(self) -> bytes | None:
        """A palette PNG of the widget's first view."""
        return self.widget.png if self.widget else None

    def static_view(self) -> StaticView:
        """Return a static explorer's frames (:func:`course_utils.site.frames.draw_frames`),
        drawn on the first call, then kept.

        Raises:
            ValueError: for a live explorer, or a grid :func:`draw_frames` refuses.
        """
        if self.kind != STATIC:
            raise ValueError(f"a {self.kind} explorer has no static frames")
        if self._static_view is None:
            self._static_view = frames.draw_frames(self.widget, self.grid, self.frame_dpi)
        return self._static_view

    def site_html(self, element_id: str | None = None) -> str | None:
        """Return the notebook's ``text/html`` for the site: the kind and the data, no script.

        ``None`` for a static explorer while :func:`course_utils.config.site_frames` is off.

        Args:
            element_id: the element's id; by default a hash of its data, made unique per
                display (:func:`course_utils.site.static_explorer.unique_element_id`).
        """
        if self.kind != STATIC:
            return live.live_html(self.kind, dict(self.data), self.text, element_id)
        if not config.site_frames():
            return None
        view = self.static_view()
        return view.html(element_id or unique_element_id(view.element_id))

    def _repr_mimebundle_(self, include: Collection[str] | None = None,
                          exclude: Collection[str] | None = None,
                          **kwargs: Any) -> dict[str, Any]:
        bundle = (self.widget.layout._repr_mimebundle_(**kwargs) or {}) if self.widget else {}
        bundle["text/plain"] = self.text
        if self.widget:
            bundle["image/png"] = base64.b64encode(self.widget.png).decode("ascii")
        wanted = (include is None or "text/html" in include) and "text/html" not in (exclude or ())
        html = self.site_html() if wanted else None
        if html is not None:
            bundle["text/html"] = html
        return bundle
