"""Tests of the chapter 9 Grad-CAM explorer, with tiny models (no ImageNet network needed)."""

import keras
import numpy as np
import pytest
from tiny_models import tiny_convnet

from course_utils import interpret
from course_utils.explorers import draw_gradcam_view, gradcam_explorer

CLASSES = ["ant", "bee", "cow"]


@pytest.fixture(scope="module")
def model() -> keras.Model:
    """A 16x16 RGB classifier: two convs (14x14 and 5x5 maps), 3 softmax classes."""
    return tiny_convnet()


@pytest.fixture(scope="module")
def photos() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {"noise": rng.integers(0, 256, (30, 45, 3), dtype=np.uint8),
            "stripes": np.tile((np.arange(40) % 8 < 4)[:, None, None] * 255, (1, 24, 3))
            .astype(np.uint8)}


def ranking(model, photo) -> list[tuple[int, str, float]]:
    pixels = interpret.resize_for_model(photo, 16)
    return interpret.top_classes(np.asarray(model(pixels[None]))[0], 3, CLASSES)


def test_draw_gradcam_view_shows_bars_heatmap_and_full_size_overlay(model, photos):
    fig = draw_gradcam_view(model, photos["noise"], "conv_b", None, "noise", CLASSES, top=3)
    bars, heatmap, overlay = fig.axes
    best = ranking(model, photos["noise"])[0]
    assert bars.get_title() == "noise: top 3"
    assert [t.get_text() for t in bars.get_yticklabels()][0] == best[1]
    # the explained class (the most probable one by default) is the orange bar
    assert [b.get_facecolor() for b in bars.containers[0]][0] != \
        bars.containers[0][1].get_facecolor()
    assert heatmap.get_title() == "Grad-CAM, conv_b (5x5)"
    assert heatmap.images[0].get_array().shape == (5, 5)
    assert overlay.images[0].get_array().shape == (30, 45, 3)  # the photo's own size
    assert overlay.get_title() == f"{best[1]} ({best[2]:.3f}), 45x30"
    assert fig.get_suptitle() == f"Where tiny sees “{best[1]}” in noise (layer conv_b)"


def test_draw_gradcam_view_explains_the_class_asked_for(model, photos):
    third = ranking(model, photos["noise"])[2]
    fig = draw_gradcam_view(model, photos["noise"], "conv_a", third[0], "noise", CLASSES, top=3)
    assert fig.axes[2].get_title().startswith(f"{third[1]} ({third[2]:.3f})")
    colours = [b.get_facecolor() for b in fig.axes[0].containers[0]]
    assert colours[2] != colours[0] and colours[0] == colours[1]
    assert fig.axes[1].images[0].get_array().shape == (14, 14)


def test_setting_the_layer_redraws(model, photos):
    explorer = gradcam_explorer(model, photos, ["conv_b", "conv_a"], CLASSES, top=3)
    before = explorer.figure
    assert before.axes[1].images[0].get_array().shape == (5, 5)
    explorer.controls["layer"].value = "conv_a"
    assert explorer.figure is not before
    assert explorer.figure.axes[1].get_title() == "Grad-CAM, conv_a (14x14)"
    assert explorer.figure.axes[1].images[0].get_array().shape == (14, 14)


def test_setting_the_class_redraws_for_that_class(model, photos):
    explorer = gradcam_explorer(model, photos, ["conv_b"], CLASSES, top=3)
    options = explorer.controls["class"].options
    expected = ranking(model, photos["noise"])
    assert [value for _, value in options] == [index for index, _, _ in expected]
    assert options[0][0] == f"{expected[0][1]} ({expected[0][2]:.3f})"
    before = explorer.figure
    explorer.controls["class"].value = options[1][1]
    assert explorer.figure is not before
    assert explorer.figure.axes[2].get_title().startswith(f"{expected[1][1]} (")


def test_choosing_a_photo_refills_the_classes_and_redraws_once(model, photos):
    explorer = gradcam_explorer(model, photos, ["conv_b"], CLASSES, top=2)
    explorer.controls["class"].value = explorer.controls["class"].options[1][1]
    draws = []
    original = explorer.widget.draw
    explorer.widget.draw = lambda: draws.append(1) or original()
    explorer.controls["photo"].value = "stripes"
    assert len(draws) == 1
    expected = ranking(model, photos["stripes"])[:2]
    assert [v for _, v in explorer.controls["class"].options] == [i for i, _, _ in expected]
    assert explorer.controls["class"].value == expected[0][0]  # back to the most probable
    assert explorer.figure.axes[2].images[0].get_array().shape == (40, 24, 3)
    assert explorer.figure.axes[0].get_title() == "stripes: top 2"


def test_explorer_has_a_static_png_of_its_default_view(model, photos):
    explorer = gradcam_explorer(model, photos, ["conv_b", "conv_a"], CLASSES)
    static = explorer.static_png
    assert static.startswith(b"\x89PNG")
    explorer.controls["layer"].value = "conv_a"
    assert explorer.static_png == static
    assert "image/png" in explorer._repr_mimebundle_()


def test_a_binary_classifier_offers_both_classes():
    keras.utils.set_random_seed(1)
    inputs = keras.Input((None, None, 3))
    x = keras.layers.Conv2D(3, 3, activation="relu", name="conv")(inputs)
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="dog_probability")(x)
    model = keras.Model(inputs, outputs, name="binary")
    photo = np.random.default_rng(2).integers(0, 256, (20, 20, 3), dtype=np.uint8)
    explorer = gradcam_explorer(model, {"pet": photo}, ["conv"], ["cat", "dog"], image_size=12)
    assert sorted(label.split(" ")[0] for label, _ in explorer.controls["class"].options) == \
        ["cat", "dog"]
    assert explorer.figure.axes[1].images[0].get_array().shape == (10, 10)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"photos": {}}, r"gradcam_explorer needs at least one photo"),
        ({"layer_names": []}, r"needs at least one layer name"),
        ({"photos": {"grey": np.zeros((8, 8))}}, r"photo 'grey' must be RGB \(h, w, 3\)"),
        ({"layer_names": ["conv_z"]}, r"model 'tiny' has no layer 'conv_z'"),
        ({"top": 0}, r"top must be an integer from 1 to 20, got 0"),
    ],
)
def test_explorer_rejects_bad_input(model, photos, kwargs, message):
    arguments = {"model": model, "photos": photos, "layer_names": ["conv_b"],
                 "class_names": CLASSES, **kwargs}
    with pytest.raises(ValueError, match=message):
        gradcam_explorer(**arguments)


def test_a_model_without_a_fixed_size_needs_image_size(model, photos):
    inputs = keras.Input((None, None, 3))
    x = keras.layers.Conv2D(2, 3, name="conv")(inputs)
    outputs = keras.layers.Dense(2, activation="softmax")(keras.layers.GlobalAveragePooling2D()(x))
    any_size = keras.Model(inputs, outputs, name="any_size")
    with pytest.raises(ValueError, match="takes any image size: pass image_size"):
        gradcam_explorer(any_size, photos, ["conv"], ["a", "b"])
