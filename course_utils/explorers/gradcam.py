"""Chapter 9's Grad-CAM explorer: where a classifier finds the evidence for a class.

It needs the model, so the site shows a static explorer: heatmaps precomputed for every photo,
class and layer in the run that makes the site's outputs.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from course_utils import checks, plots
from course_utils.explorers.base import STATIC, Explorer, ExplorerWidget, StaticGrid, rgb_image

#: Class names, in the order of a model's outputs.
ClassNames = list[str] | tuple[str, ...]


def _model_input_size(model: Any, image_size: int | tuple[int, int] | None) -> tuple[int, int]:
    """The (height, width) images are resized to: ``image_size``, else the model's input."""
    checks.model("model", model)
    if image_size is not None:
        return (image_size, image_size) if isinstance(image_size, int) else tuple(image_size)
    height, width = tuple(model.input_shape)[1:3]
    if height is None or width is None:
        raise ValueError(f"model {model.name!r} takes any image size: pass image_size")
    return int(height), int(width)


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

    photo = rgb_image(photo_name, photo, "photo")
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
        static_grid: the static version's settings (:class:`Explorer`'s ``grid``); by
            default every photo, class and layer (``len(photos) * top * len(layer_names)``
            frames, drawn only for the site: :func:`course_utils.config.site_frames`).

    Raises:
        ValueError: for no photos or layers, a photo that is not RGB, an unknown layer, or
            ``top`` outside 1..20.
    """
    from course_utils import interpret

    if not checks.mapping("photos", photos):
        raise ValueError("gradcam_explorer needs at least one photo")
    checks.integer("top", top, 1, 20)
    if not layer_names:
        raise ValueError("gradcam_explorer needs at least one layer name")
    rgb = {name: rgb_image(name, photo, "photo") for name, photo in photos.items()}
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
    view = ExplorerWidget(widgets.VBox([widgets.HBox([picker, class_menu, layer_menu]), output]),
                          output, draw, controls)

    def on_photo(change: dict[str, Any]) -> None:
        refilling[0] = True
        try:
            options = class_options(change["new"])
            class_menu.options = options
            class_menu.value = options[0][1]
        finally:
            refilling[0] = False
        view.refresh()

    def on_class(_change: dict[str, Any]) -> None:
        if not refilling[0]:
            view.refresh()

    picker.observe(on_photo, names="value")
    class_menu.observe(on_class, names="value")
    view.redraw_on(layer_menu)
    text = (f"Grad-CAM explorer for {model.name}: {len(rgb)} photos, their top {top} classes, "
            f"{len(layer_names)} layers; live in JupyterLab, precomputed views on the book's "
            "site.")
    return Explorer(STATIC, text, widget=view, grid=static_grid)
