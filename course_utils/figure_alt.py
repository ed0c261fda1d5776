"""Alt text for the book's figures: a sentence that says what each figure shows.

Importing :mod:`course_utils` inside IPython (every chapter does) calls :func:`register`,
which adds a formatter for Matplotlib figures to IPython's display machinery. It adds no
image of its own: Matplotlib's inline backend still draws the PNG, and this formatter only
puts the figure's description into the output's metadata, ``{"image/png": {"alt": ...}}``,
so an executed notebook carries it. The book's Sphinx extension
(:mod:`course_utils.site.accessible_pages`) writes it into the page's ``<img alt>``.

The description needs no hand work: it is read from the figure (its suptitle, each panel's
title, axis labels, legend entries and bar labels, and what the panels draw: images, lines,
bars, points). A figure without any title still gets a sentence that names what it is,
for example "A row of 3 images of 28x28 pixels."

Importing this module is cheap: it imports neither Matplotlib nor IPython.
"""

from __future__ import annotations

import functools
import re
import sys
from collections import Counter
from typing import Any

#: The output metadata key that holds a figure's description, per MIME type.
ALT_KEY = "alt"
#: The image types an inline figure may be drawn as; each gets the description.
FIGURE_MIMES = ("image/png", "image/jpeg", "image/svg+xml")
#: At most this many panel titles or categories are listed; the rest are counted.
MAX_LISTED = 16
#: Descriptions are cut to this many characters (a screen reader reads all of it).
MAX_CHARS = 600

_KIND_PLURALS = {"image": "images", "line plot": "line plots", "bar chart": "bar charts",
                 "scatter plot": "scatter plots", "heatmap": "heatmaps", "panel": "panels"}
_MATH_NAME = re.compile(r"\\([A-Za-z]+)")


def _clean(text: object) -> str:
    """Return a label as plain words: no mathtext markup, no line breaks, no extra spaces.

    >>> _clean("Gaussian, $\\\\sigma$ = 2\\n(13x13)")
    'Gaussian, sigma = 2 (13x13)'
    """
    text = str(text or "")
    if "$" in text:
        text = _MATH_NAME.sub(r"\1", text)
        text = text.replace("$", "").replace("{", "").replace("}", "")
    return " ".join(text.split())


def _listed(items: list[str], limit: int = MAX_LISTED) -> str:
    """Join items as prose, ``a, b and c``, naming at most ``limit`` of them; items that hold
    commas themselves are separated by semicolons.

    >>> _listed(["a", "b", "c"])
    'a, b and c'
    >>> _listed(["a", "b", "c", "d"], limit=2)
    'a, b and 2 more'
    >>> _listed(["same, stride 1", "same, stride 2", "valid, stride 1"])
    'same, stride 1; same, stride 2; and valid, stride 1'
    """
    items = [item for item in items if item]
    sep = "; " if any("," in item for item in items) else ", "
    last = "; and " if sep == "; " and len(items) > 2 else " and "
    if len(items) > limit:
        return sep.join(items[:limit]) + f"{last}{len(items) - limit} more"
    return items[0] if len(items) == 1 else sep.join(items[:-1]) + last + items[-1]


def _a(kind: str) -> str:
    return ("an " if kind[:1] in "aeiou" else "a ") + kind


def _counted(count: int, kind: str) -> str:
    return f"{count} {_KIND_PLURALS.get(kind, kind + 's')}" if count != 1 else f"1 {kind}"


def _sentence(text: str, capital: bool = True) -> str:
    text = text.strip()
    text = text[0].upper() + text[1:] if text and capital else text
    return text if text.endswith((".", "!", "?")) else text + "."


def _is_colorbar(ax: Any) -> bool:
    return ax.get_label() == "<colorbar>" or hasattr(ax, "_colorbar")


def _has_content(ax: Any) -> bool:
    return bool(ax.images or ax.lines or ax.patches or ax.collections or ax.texts)


def _panels(fig: Any) -> list[Any]:
    """Return the axes of ``fig`` that show something (no colour bars, no empty panels)."""
    return [ax for ax in fig.get_axes()
            if not _is_colorbar(ax) and (_has_content(ax) or ax.axison and ax.get_title())]


def _kind(ax: Any) -> str:
    """Name what a panel draws: image, heatmap, bar chart, line plot, scatter plot, panel."""
    if ax.images:
        labelled = ax.get_xlabel() and ax.get_ylabel()
        return "heatmap" if labelled else "image"
    if ax.containers and any(type(c).__name__ == "BarContainer" for c in ax.containers):
        return "bar chart"
    if ax.lines:
        return "line plot"
    if ax.collections:
        return "scatter plot"
    return "panel"


def _tick_words(ax: Any, axis: str) -> list[str]:
    """The tick labels of one axis when they are words (a bar chart's categories)."""
    labels = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    words = [_clean(label.get_text()) for label in labels]
    words = [word for word in words if word]
    numeric = re.compile(r"^[\s\u2212+\-0-9.,eE%]*$")
    return words if words and not all(numeric.match(word) for word in words) else []


def _legend_words(ax: Any) -> list[str]:
    legend = ax.get_legend()
    return [_clean(text.get_text()) for text in legend.get_texts()] if legend else []


def _panel_details(ax: Any) -> str:
    """Describe one panel's content without its title, e.g. ``a line plot of loss against
    epoch, with lines for training and validation``."""
    what = _kind(ax)
    xlabel, ylabel = _clean(ax.get_xlabel()), _clean(ax.get_ylabel())
    text = _a(what)
    if what == "image":
        shape = ax.images[0].get_array().shape
        text += f" of {shape[1]}x{shape[0]} pixels" if len(shape) >= 2 else ""
        return text
    if what == "bar chart":
        categories = _tick_words(ax, "y") or _tick_words(ax, "x")
        value = xlabel if _tick_words(ax, "y") else ylabel
        category = ylabel if _tick_words(ax, "y") else xlabel
        text += f" of {value}" if value else ""
        text += f" by {category}" if category else ""
        if categories:
            text += f", bars for {_listed(categories)}"
    elif ylabel and xlabel:
        text += f" of {ylabel} against {xlabel}"
    elif ylabel or xlabel:
        text += f" of {ylabel or xlabel}"
    series = _legend_words(ax)
    if series:
        text += f", with {'lines' if what == 'line plot' else 'series'} for {_listed(series)}"
    return text


def _row(ax: Any) -> int | None:
    spec = ax.get_subplotspec() if hasattr(ax, "get_subplotspec") else None
    return spec.rowspan.start if spec is not None else None


def _layout(axes: list[Any]) -> tuple[int, int]:
    rows, cols = set(), set()
    for ax in axes:
        spec = ax.get_subplotspec() if hasattr(ax, "get_subplotspec") else None
        if spec is None:
            return 0, 0
        rows.update(range(spec.rowspan.start, spec.rowspan.stop))
        cols.update(range(spec.colspan.start, spec.colspan.stop))
    return len(rows), len(cols)


def _grid_phrase(axes: list[Any]) -> str:
    kinds = Counter(_kind(ax) for ax in axes)
    if len(kinds) == 1:
        what = _counted(len(axes), next(iter(kinds)))
    else:
        what = f"{len(axes)} panels ({_listed([_counted(n, k) for k, n in kinds.items()])})"
    rows, cols = _layout(axes)
    if rows == 1 and cols > 1:
        return f"a row of {what}"
    if cols == 1 and rows > 1:
        return f"a column of {what}"
    if rows > 1 and cols > 1:
        return f"a grid of {what} in {rows} rows and {cols} columns"
    return what


def describe(fig: Any) -> str:
    """Return a sentence or two that say what a Matplotlib figure shows.

    The figure's suptitle (or a single panel's title) comes first; then what its panels
    are, the panels' titles, and for plots their axes, series and categories. A figure
    without any text is still named by what it draws.

    Raises:
        TypeError: if ``fig`` is not a Matplotlib figure.
    """
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    axes = _panels(fig)
    titles = [_clean(fig.get_suptitle())]
    titles += [_clean(sub.get_suptitle()) for sub in getattr(fig, "subfigs", [])]
    heading = ". ".join(title for title in titles if title)
    if not axes:
        return _sentence(heading or "An empty figure")
    if len(axes) == 1:
        ax = axes[0]
        title = _clean(ax.get_title())
        body = _panel_details(ax)
        if title and heading:
            body += f", titled {title}"
        heading = heading or title
    else:
        titled = [ax for ax in axes if _clean(ax.get_title())]
        body = _grid_phrase(axes)
        if titled:
            top_row = _layout(axes)[0] > 1 and all(_row(ax) == 0 for ax in titled)
            body += ", with columns titled " if top_row else ", titled "
            body += _listed([_clean(ax.get_title()) for ax in titled])
        row_labels = [_clean(ax.get_ylabel()) for ax in axes
                      if _kind(ax) == "image" and ax.get_ylabel()]
        if row_labels:
            body += f"; rows labelled {_listed(row_labels)}"
        plots_ = [ax for ax in axes if _kind(ax) != "image"]
        details = [f"{_clean(ax.get_title()) or 'panel ' + str(axes.index(ax) + 1)}: "
                   f"{_panel_details(ax)}" for ax in plots_[:4]]
        if details:
            body += "; " + "; ".join(details)
    text = (_sentence(heading, capital=False) + " " if heading else "") + _sentence(body)
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS - 1].rstrip() + "\u2026"


def _drawn_as(shell: Any, fig: Any) -> list[str]:
    """The image types IPython's formatters will draw ``fig`` as (``image/png`` inline)."""
    formatters = shell.display_formatter.formatters
    mimes = []
    for mime in FIGURE_MIMES:
        try:
            formatters[mime].lookup(fig)
        except (KeyError, AttributeError):
            continue
        mimes.append(mime)
    return mimes


def _figure_metadata(fig: Any, shell: Any) -> tuple[dict, dict]:
    """What the mimebundle formatter returns: no data of its own, the description as metadata
    for each image type the figure is drawn as.

    IPython merges it with the image that Matplotlib's formatter draws, so the output's
    metadata reads ``{"image/png": {"alt": "..."}}``.
    """
    try:
        alt = describe(fig)
        mimes = _drawn_as(shell, fig)
    except Exception:  # a figure this cannot read still displays; it gets no description
        return {}, {}
    return {}, {mime: {ALT_KEY: alt} for mime in mimes}


def register(shell: Any = None) -> bool:
    """Register :func:`_figure_metadata` for Matplotlib figures with IPython's display.

    The formatter is registered once per shell: registering again replaces it.

    Uses the running IPython shell (none outside IPython, where this does nothing) and
    registers by name, so Matplotlib is not imported. Returns whether it registered.

    Raises:
        TypeError: if ``shell`` is given and is not an IPython shell.
    """
    if shell is None:
        ipython = sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython is not None else None
        if shell is None:
            return False
    formatter = getattr(getattr(shell, "display_formatter", None), "mimebundle_formatter", None)
    if formatter is None:
        raise TypeError(f"shell must be an IPython shell with display formatters, got "
                        f"{type(shell).__name__}")
    formatter.for_type_by_name("matplotlib.figure", "Figure", functools.partial(
        _mimebundle, shell=shell))
    return True


def _mimebundle(fig: Any, include: Any = None, exclude: Any = None, *,
                shell: Any) -> tuple[dict, dict]:
    return _figure_metadata(fig, shell)
