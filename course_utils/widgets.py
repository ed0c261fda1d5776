"""Interactive explorers: live ipywidgets in JupyterLab, a static picture on the site.

An explorer is an :class:`Explorer`: a widget plus a PNG of its default view. Displayed in
JupyterLab (in a trusted notebook with a running kernel) it is the live widget; the built site
prefers the PNG (see ``nb_mime_priority_overrides`` in ``_config.yml``), so the static page
shows the default view instead of an empty widget area.

Each explorer draws with a plain function ``draw(...) -> Figure`` that tests and the static
view call directly, and ``update`` callbacks that redraw into an ``ipywidgets.Output``.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
from IPython.display import display
from matplotlib.figure import Figure


def figure_to_png(fig: Figure, dpi: int = 80) -> bytes:
    """Render a figure to PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


class Explorer:
    """A live widget together with a static PNG of its default view.

    Args:
        widget: the ipywidgets layout the reader interacts with.
        output: the ``Output`` inside ``widget`` that shows the current figure.
        draw: a function of no arguments returning the figure for the current settings.
    """

    def __init__(self, widget: widgets.Widget, output: widgets.Output,
                 draw: Callable[[], Figure]) -> None:
        self.widget = widget
        self.output = output
        self._draw = draw
        self.figure = draw()
        self.static_png = figure_to_png(self.figure)
        with self.output:
            display(self.figure)

    def refresh(self) -> None:
        """Redraw the figure for the current settings (called by the widgets' observers)."""
        self.figure = self._draw()
        self.output.clear_output(wait=True)
        with self.output:
            display(self.figure)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        bundle["image/png"] = base64.b64encode(self.static_png).decode("ascii")
        return bundle
