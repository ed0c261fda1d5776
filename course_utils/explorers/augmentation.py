"""Chapter 6's augmentation explorer: Keras's random-augmentation layers on a picture.

It needs Keras to draw, so the site shows a static explorer: frames precomputed in the run
that makes the site's outputs, one slider at a time (:func:`augmentation_grid`).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from course_utils import checks, plots
from course_utils.explorers.base import (
    STATIC,
    Explorer,
    ExplorerWidget,
    Slider,
    StaticGrid,
    rgb_image,
)

#: The augmentation explorer's sliders: each layer's factor, from 0 (off) to 0.5.
AUGMENTATION_SLIDERS = tuple(Slider(name, name, 0.0, 0.5, 0.05, ".2f")
                             for name in ("rotation", "translation", "zoom", "shear"))
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

    if not isinstance(flip, bool):
        raise TypeError(f"flip must be True or False, got {flip!r}")
    for name, value in (("rotation", rotation), ("translation", translation), ("zoom", zoom),
                        ("shear", shear)):
        checks.number(name, value, 0, 1)
    if seed is not None:
        checks.integer("seed", seed, None)
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
    image = checks.image("image", image, "RGB")
    checks.integer("copies", copies)
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
    largest = max(slider.high for slider in AUGMENTATION_SLIDERS)
    for value in (*checks.array("steps", steps, 1), start):
        checks.number("each of steps and start", value, 0, largest)
    for value in seeds:
        checks.integer("each seed", value, None)
    base: dict[str, list[Any] | None] = {
        "image": None, **{s.name: [start] for s in AUGMENTATION_SLIDERS}, "seed": [seeds[0]]}
    return ([{**base, s.name: list(steps)} for s in AUGMENTATION_SLIDERS]
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
        ValueError: for no images, an image that is not ``(h, w, 3)``, or ``copies``
            outside 1..24.
    """
    if not checks.mapping("images", images):
        raise ValueError("augmentation_explorer needs at least one image")
    checks.integer("copies", copies, 1, 24)
    for name, image in images.items():
        rgb_image(name, image)
    style = {"description_width": "initial"}
    picker = widgets.Dropdown(options=list(images), description="image")
    flip = widgets.Checkbox(value=True, description="horizontal flip")
    sliders = {s.name: s.widget(s.check(AUGMENTATION_START)) for s in AUGMENTATION_SLIDERS}
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
    view = ExplorerWidget(
        widgets.VBox([widgets.HBox([picker, flip, resample, seed]),
                      widgets.HBox(list(sliders.values())[:2]),
                      widgets.HBox(list(sliders.values())[2:]), output]),
        output, draw, controls)

    def on_resample(_button: widgets.Button) -> None:
        seed.value += 1  # the seed's observer redraws

    resample.on_click(on_resample)
    view.redraw_on(picker, flip, seed, *sliders.values())
    text = (f"Augmentation explorer: {len(images)} images ({', '.join(images)}), {copies} "
            "random versions each; live in JupyterLab, precomputed views on the book's site.")
    return Explorer(STATIC, text, widget=view,
                    grid=augmentation_grid() if static_grid is None else static_grid)
