"""Figures used across chapters: image grids and kernels drawn so that their sign shows.

Every function builds a :class:`matplotlib.figure.Figure` without pyplot, so a figure shows
exactly once when it is the last expression of a notebook cell, and nothing leaks into later
cells. Functions that draw into one panel take an ``ax`` to draw on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Sized

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

from course_utils import checks

#: Diverging map for signed values: negative blue, zero mid-grey, positive red.
SIGNED_CMAP = LinearSegmentedColormap.from_list("signed", ["#1f4e9c", "#808080", "#b2182b"])


def new_figure(nrows: int, ncols: int, size: float = 2.4) -> tuple[Figure, np.ndarray]:
    """Return a figure and a 2-D array of its axes, each panel ``size`` inches wide.

    Raises:
        TypeError: for an ``nrows`` or ``ncols`` that is not an integer, or a ``size`` that is
            not a number.
        ValueError: for an ``nrows`` or ``ncols`` below 1, or a ``size`` that is not a
            positive number.
    """
    checks.integer("nrows", nrows)
    checks.integer("ncols", ncols)
    checks.number("size", size, 0, low_open=True)
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
    A grey image may be ``(h, w)`` or ``(h, w, 1)``; NaN pixels are drawn blank.

    Raises:
        TypeError: for an image that is not an array of real numbers.
        ValueError: for an image that is not a non-empty grey ``(h, w)``, ``(h, w, 1)`` or
            colour ``(h, w, 3)`` / ``(h, w, 4)`` array (:func:`course_utils.checks.image`),
            or one with infinities.
    """
    image = checks.image("image", image, "drawable", nan_ok=True)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if signed:
        finite = image[np.isfinite(image)]
        limit = (float(np.abs(finite).max()) if finite.size else 0.0) or 1.0
        ax.imshow(image, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
    elif image.ndim == 3:
        ax.imshow(image)
    else:
        ax.imshow(image, cmap=cmap)
    if title:
        ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])


def format_number(value: float) -> str:
    """Write a number as short as it can be read: ``3``, ``-0.25``, ``0`` (never ``-0``).

    A value that rounds to zero is written without its sign: ``-0.001`` gives ``0.00``.

    Raises:
        TypeError: for a value that is not a real number.
        ValueError: for NaN or infinity.
    """
    value = checks.number("value", value) + 0.0
    text = f"{value:.0f}" if value.is_integer() else f"{value:.2f}"
    return text.removeprefix("-") if float(text) == 0 else text


def plot_kernel(ax: Axes, kernel: np.ndarray, title: str | None = None) -> None:
    """Draw a kernel as a heatmap with each weight written in its cell.

    Zero is mid-grey, negative weights blue and positive red (:data:`SIGNED_CMAP`, symmetric
    limits), so a kernel's structure is visible at a glance. Kernels larger than 9x9 are
    drawn without the numbers.

    Raises:
        TypeError: for a kernel that is not an array of real numbers.
        ValueError: for a kernel that is not a non-empty 2-D array of finite numbers.
    """
    kernel = checks.numbers("kernel", kernel)
    if kernel.ndim != 2:
        raise ValueError(f"a kernel must be 2-D, got shape {kernel.shape}")
    kernel = checks.array("kernel", kernel, 2).astype(float)
    limit = float(np.abs(kernel).max()) or 1.0
    ax.imshow(kernel, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
    if max(kernel.shape) <= 9:
        for (row, col), value in np.ndenumerate(kernel):
            ax.text(col, row, format_number(value), ha="center", va="center",
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
        TypeError: for ``images`` or ``titles`` that are not lists (a lone string is not),
            or an ``ncols`` that is not an integer.
        ValueError: if there are no images, a different number of titles, an ``ncols``
            below 1, or an image :func:`plot_image` cannot draw.
    """
    for name, value in (("images", images), ("titles", titles)):
        if value is not None and (isinstance(value, str) or not isinstance(value, Sized)):
            raise TypeError(f"{name} must be a list, one per image, got {value!r}")
    if len(images) == 0:
        raise ValueError("images: image_grid needs at least one image")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"titles: got {len(titles)} titles for {len(images)} images; pass "
                         "one title per image")
    if ncols is not None:
        checks.integer("ncols", ncols)
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


def plot_history(
    histories: Mapping[str, Mapping[str, Sequence[float]]],
    metrics: Sequence[str] = ("loss", "accuracy"),
    title: str | None = None,
) -> Figure:
    """Return learning curves: one panel per metric, one colour per run.

    ``histories`` maps a run's name to a Keras ``History.history`` dict. Training values are
    drawn dashed and validation values (``val_<metric>``, when present) solid, so the gap
    between them (overfitting) is what the eye sees first.

    Raises:
        TypeError: for ``histories`` that are not a mapping, or ``metrics`` that are not a
            list of names (one metric given as a bare string).
        ValueError: for no histories, no metrics, or a history without one of the metrics.
    """
    if not isinstance(histories, Mapping):
        raise TypeError(f"histories must be a mapping from run names to History.history "
                        f"dicts, got {type(histories).__name__}")
    if not histories:
        raise ValueError("histories: plot_history needs at least one history")
    if isinstance(metrics, str) or not isinstance(metrics, Sized):
        raise TypeError(f"metrics must be a non-empty list of metric names, such as "
                        f"['loss'], got {metrics!r}")
    if len(metrics) == 0:
        raise ValueError(f"metrics must be a non-empty list of metric names, such as "
                         f"['loss'], got {metrics!r}")
    fig, axes = new_figure(1, len(metrics), size=4.2)
    for ax, metric in zip(axes.flat, metrics, strict=True):
        for i, (name, history) in enumerate(histories.items()):
            colour = f"C{i}"
            if metric not in history:
                raise ValueError(f"history {name!r} has no {metric!r}; it has {sorted(history)}")
            epochs = range(1, len(history[metric]) + 1)
            ax.plot(epochs, history[metric], "--", color=colour, label=f"{name} (training)")
            if f"val_{metric}" in history:
                ax.plot(epochs, history[f"val_{metric}"], "-", color=colour,
                        label=f"{name} (validation)")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_title(metric)
        ax.grid(alpha=0.3)
    axes.flat[-1].legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


def plot_confusion(
    ax: Axes,
    y_true: np.ndarray,
    y_pred: np.ndarray,
    class_names: Sequence[str],
    title: str | None = None,
) -> np.ndarray:
    """Draw the confusion matrix (rows: true class, columns: predicted) with counts in cells.

    Returns the matrix, so the notebook can name the most frequent confusions.

    Raises:
        TypeError: for ``class_names`` that are not a list (a lone string is not), or labels
            that are not numbers.
        ValueError: for no class names, or labels that are not two equally long 1-D arrays
            of class indices ``0`` to ``len(class_names) - 1``.
    """
    if isinstance(class_names, str) or not isinstance(class_names, Sized):
        raise TypeError(f"class_names must be a non-empty list of names, got {class_names!r}")
    n = len(class_names)
    if n == 0:
        raise ValueError(f"class_names must be a non-empty list of names, got {class_names!r}")
    labels = {}
    for name, values in (("y_true", y_true), ("y_pred", y_pred)):
        array = checks.array(name, values, 1)
        if np.any(array != np.round(array)) or array.min() < 0 or array.max() >= n:
            raise ValueError(f"{name} must hold class indices 0 to {n - 1}, got values from "
                             f"{array.min()} to {array.max()}")
        labels[name] = array.astype(int)
    if len(labels["y_true"]) != len(labels["y_pred"]):
        raise ValueError(f"y_true and y_pred must be equally long, got {len(labels['y_true'])} "
                         f"and {len(labels['y_pred'])}")
    matrix = np.zeros((n, n), dtype=int)
    np.add.at(matrix, (labels["y_true"], labels["y_pred"]), 1)
    ax.imshow(matrix, cmap="Blues")
    threshold = matrix.max() / 2
    for (row, col), count in np.ndenumerate(matrix):
        ax.text(col, row, str(count), ha="center", va="center", fontsize=7,
                color="white" if count > threshold else "black")
    ax.set_xticks(range(n), class_names, rotation=90, fontsize=8)
    ax.set_yticks(range(n), class_names, fontsize=8)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    if title:
        ax.set_title(title)
    return matrix


def plot_top_predictions(
    ax: Axes,
    predictions: Sequence[Sequence],
    title: str | None = None,
    ylabel: str = "class",
) -> None:
    """Draw a classifier's top guesses as horizontal bars, the most probable at the top.

    ``predictions`` lists ``(label, probability)`` pairs, most probable first, or the
    ``(class id, label, probability)`` triples that
    ``keras.applications.imagenet_utils.decode_predictions`` returns for one image; the last
    two items of each row are used. Underscores in labels (ImageNet's ``African_elephant``)
    are shown as spaces. The x-axis is the probability from 0 to 1, and each bar has its
    probability written at its end.

    Raises:
        TypeError: for ``predictions`` that are not a list of rows ending in a label and a
            probability (a number).
        ValueError: if there are no predictions or a probability is outside [0, 1].
    """
    rows = predictions if isinstance(predictions, Sized) else None
    if rows is None or isinstance(rows, str) or not all(
            isinstance(row, Sequence) and not isinstance(row, str) and len(row) >= 2
            and isinstance(row[-1], int | float | np.number) and not isinstance(row[-1], bool)
            for row in rows):
        raise TypeError(f"predictions must be a list of (label, probability) rows, got "
                        f"{predictions!r}")
    if len(predictions) == 0:
        raise ValueError("predictions: plot_top_predictions needs at least one prediction")
    labels = [str(row[-2]).replace("_", " ") for row in predictions]
    probabilities = np.array([float(row[-1]) for row in predictions])
    if np.any((probabilities < 0) | (probabilities > 1)) or not np.all(np.isfinite(probabilities)):
        raise ValueError(f"predictions: probabilities must lie in [0, 1], got "
                         f"{probabilities.tolist()}")
    positions = np.arange(len(labels))
    bars = ax.barh(positions, probabilities, color="C0")
    ax.bar_label(bars, labels=[f"{p:.3f}" for p in probabilities], padding=3, fontsize=8)
    ax.set_yticks(positions, labels, fontsize=9)
    ax.invert_yaxis()  # the first (most probable) row at the top
    ax.set_xlim(0, 1.2)  # room for the numbers beside a bar that reaches 1
    ax.set_xticks(np.linspace(0, 1, 6))
    ax.set_xlabel("probability")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=10)
