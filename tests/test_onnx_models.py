"""The site's model explorers' models: ONNX exports that compute what Keras computes.

Chapter 4's convnet (its architecture, trained briefly here) and EfficientNet-Lite0 are exported
with Keras's ``model.export(format="onnx")`` and run with PyPI's ``onnxruntime`` on real
images: MNIST test digits, the elephant and chelsea photos. Their outputs must equal Keras's
to 1e-4, and the CAM read from the ONNX class maps must equal
``interpret.class_activation_map`` of Keras's feature maps and dense kernel (the notebook's).
"""
from __future__ import annotations

import base64
import gzip
import importlib
import json
from pathlib import Path

import numpy as np
import pytest
from live_support import embedded_data

from course_utils import explorers, interpret, onnx_models
from course_utils.explorers import digits as digit_module
from course_utils.site import explorer_pages, live, models, static_folder

LAYERS = ["conv1", "pool1", "conv2", "pool2", "conv3"]


def test_the_digit_convnet_exports_to_onnx_that_computes_what_keras_does(digit_convnet):
    model, digits, _ = digit_convnet
    features = onnx_models.feature_model(model, LAYERS)
    exported = onnx_models.onnx_bytes(features)
    batch = digits[..., np.newaxis].astype("float32")
    outputs = onnx_models.run_onnx(exported, batch)
    expected = features.predict(batch, verbose=0)
    assert [o.shape for o in outputs] == [e.shape for e in expected]
    assert outputs[-1].shape == (10, 10)
    for got, want in zip(outputs, expected, strict=True):
        np.testing.assert_allclose(got, want, atol=1e-4, rtol=0)
    # the probabilities are the original model's, augmentation and dropout being off
    np.testing.assert_allclose(outputs[-1], model.predict(batch, verbose=0), atol=1e-4, rtol=0)
    assert len(onnx_models.output_names(exported)) == len(LAYERS) + 1


def test_the_digit_explorer_embeds_the_model_within_its_budget(digit_convnet):
    model, digits, labels = digit_convnet
    shown = explorers.digit_explorer(model, digits[:3], labels[:3])
    html = shown._repr_mimebundle_()["text/html"]
    data = embedded_data(shown)
    assert data["layers"] == LAYERS
    assert len(data["model"]) <= digit_module.MAX_MODEL_BYTES
    assert len(html) < 520_000
    exported = gzip.decompress(base64.b64decode(data["model"]))
    batch = digits[:3, ..., np.newaxis].astype("float32")
    np.testing.assert_allclose(onnx_models.run_onnx(exported, batch)[-1],
                               model.predict(batch, verbose=0), atol=1e-4, rtol=0)
    assert [label for label, _ in data["digits"]] == [int(v) for v in labels[:3]]
    assert "runs on the built site" in shown._repr_mimebundle_()["text/plain"]


def test_the_digit_explorer_refuses_bad_input(digit_convnet):
    model, digits, _ = digit_convnet
    with pytest.raises(ValueError, match="digits must be 1 to 10 images of 28x28"):
        explorers.digit_explorer(model, np.zeros((2, 20, 20)))
    with pytest.raises(ValueError, match="digits must be 1 to 10"):
        explorers.digit_explorer(model, np.zeros((11, 28, 28)))
    with pytest.raises(ValueError, match="labels: 1 labels for 2 digits"):
        explorers.digit_explorer(model, digits[:2], [3])
    with pytest.raises(TypeError, match="keras.Sequential"):
        explorers.digit_explorer("model", digits[:2])
    with pytest.raises(ValueError, match="not layers of 'mnist_convnet'"):
        onnx_models.feature_model(model, ["dropout"])


def test_prepare_drawing_puts_the_box_in_20x20_and_the_centre_of_mass_in_the_middle(
        digit_convnet):
    _, digits, _ = digit_convnet
    for digit in digits:
        big = np.kron(digit, np.ones((4, 4)))  # as the page's pad holds a test digit
        prepared = explorers.prepare_drawing(big)
        rows = np.flatnonzero(prepared.max(axis=1) > 0)
        cols = np.flatnonzero(prepared.max(axis=0) > 0)
        assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 == 20
        grid = np.indices(prepared.shape)
        centre = [(g * prepared).sum() / prepared.sum() for g in grid]
        np.testing.assert_array_less(np.abs(np.array(centre) - 13.5), 1.0)
        # area averaging keeps the ink's mean level over the box
        assert prepared.max() <= 1.0
    assert not explorers.prepare_drawing(np.zeros((5, 5))).any()
    for bad, message in ((np.full((4, 4), 2.0), "ink must lie in"),
                         (np.zeros(4), "ink"), (np.full((3, 3), np.nan), "ink")):
        with pytest.raises(ValueError, match=message):
            explorers.prepare_drawing(bad)
    with pytest.raises(ValueError, match="box"):
        explorers.prepare_drawing(np.ones((3, 3)), box=30)


def test_class_activation_map_weights_the_maps_by_the_dense_kernel():
    rng = np.random.default_rng(0)
    maps, kernel = rng.random((3, 4, 5)), rng.normal(size=(5, 7))
    for c in range(7):
        raw = np.maximum(np.einsum("hwk,k->hw", maps, kernel[:, c]), 0)
        expected = raw / raw.max() if raw.max() > 0 else raw
        np.testing.assert_allclose(interpret.class_activation_map(maps, kernel, c), expected)
        np.testing.assert_allclose(interpret.class_activation_map(maps @ kernel, None, c),
                                   expected)
    with pytest.raises(ValueError, match=r"dense_kernel must be \(5, classes\)"):
        interpret.class_activation_map(maps, kernel.T, 0)
    with pytest.raises(ValueError, match="class_index"):
        interpret.class_activation_map(maps, kernel, 7)
    with pytest.raises(ValueError, match="maps"):
        interpret.class_activation_map(maps[0], kernel, 0)


@pytest.fixture(scope="module")
def efficientnet():
    from course_utils import pretrained

    return pretrained.efficientnet_lite0(input_shape=(models.PHOTO_SIZE, models.PHOTO_SIZE, 3))


@pytest.mark.parametrize("photo", ["elephant", "chelsea"])
def test_the_photo_model_gives_keras_probabilities_and_the_notebooks_cam(
        photo, efficientnet, photo_static: Path):
    from course_utils import data

    exported = (photo_static / models.PHOTO_MODEL).read_bytes()
    pixels = interpret.resize_for_model(data.load_photo(photo), models.PHOTO_SIZE)
    probabilities, class_maps = onnx_models.run_onnx(exported, pixels[np.newaxis])
    expected = efficientnet.predict(pixels[np.newaxis], verbose=0)
    np.testing.assert_allclose(probabilities, expected, atol=1e-4, rtol=0)
    maps = interpret.layer_activations(efficientnet, pixels, ["top_activation"])["top_activation"]
    kernel = efficientnet.get_layer("predictions").get_weights()[0]
    assert class_maps.shape == (1, 7, 7, 1000)
    for index, _, _ in interpret.top_classes(expected[0], top=5):
        np.testing.assert_allclose(interpret.class_activation_map(class_maps[0], None, index),
                                   interpret.class_activation_map(maps, kernel, index),
                                   atol=1e-4, rtol=0)
    names = json.loads((photo_static / models.PHOTO_CLASSES).read_text())["classes"]
    assert names == interpret.imagenet_class_names()
    assert [i for i, _, _ in interpret.top_classes(probabilities[0])] == [
        i for i, _, _ in interpret.top_classes(expected[0])]


def test_the_photo_explorer_points_at_the_exported_model():
    shown = explorers.photo_explorer()
    html = shown._repr_mimebundle_()["text/html"]
    data = embedded_data(shown)
    assert (data["model"], data["classes"]) == (models.PHOTO_MODEL, models.PHOTO_CLASSES)
    # the page loads the shared loader between the common script and the explorer's
    assert explorer_pages.scripts_for(html) == ["live_common", "live_models", "photo_explorer"]
    assert "if (L.models) { return; }" in (live.JS_DIR / "live_models.js").read_text()
    assert "<script>" not in html and " src=" not in html  # no code; ONNX Runtime comes later
    with pytest.raises(ValueError, match="alpha"):
        explorers.photo_explorer(alpha=2)


@pytest.mark.parametrize("step", ["models", "training_data"])
def test_the_build_steps_refuse_a_folder_that_is_not_a_site(step: str, tmp_path: Path, capsys):
    main = importlib.import_module(f"course_utils.site.{step}").main
    with pytest.raises(SystemExit):
        main([str(tmp_path)])
    assert "not a built site" in capsys.readouterr().err
    (tmp_path / "_static").mkdir()
    assert static_folder([str(tmp_path)], "a step") == tmp_path / "_static"


def test_cam_model_refuses_a_head_it_cannot_read():
    from tiny_models import tiny_convnet

    model = tiny_convnet()
    with pytest.raises(ValueError, match="is a Conv2D, not Dense"):
        onnx_models.cam_model(model, "conv_b", "conv_a")
    with pytest.raises(ValueError, match="not 4-D maps"):
        onnx_models.cam_model(model, "conv_a", "predictions")
    shapes = [tuple(o.shape) for o in onnx_models.cam_model(model, "conv_b").outputs]
    assert shapes == [(None, 3), (None, 5, 5, 3)]


@pytest.mark.parametrize("binary", [False, True])
def test_cam_model_reads_the_probabilities_from_the_averaged_class_maps(binary):
    import keras
    from tiny_models import tiny_convnet

    model = tiny_convnet(binary=binary)
    model.get_layer("predictions").bias.assign(np.linspace(-1, 1, 1 if binary else 3))
    batch = np.random.default_rng(1).uniform(0, 255, (4, 16, 16, 3)).astype("float32")
    probabilities, class_maps = onnx_models.cam_model(model, "conv_b").predict(batch, verbose=0)
    np.testing.assert_allclose(probabilities, model.predict(batch, verbose=0), atol=1e-6)
    maps = keras.Model(model.inputs, model.get_layer("conv_b").output).predict(batch, verbose=0)
    np.testing.assert_allclose(class_maps, maps @ model.get_layer("predictions").get_weights()[0],
                               atol=1e-5)
    # A 1x1 map flattened has the kernel's channels, but Flatten is not the average CAM reads.
    flat = keras.Sequential([keras.Input((1, 1, 2)), keras.layers.Conv2D(2, 1, name="conv"),
                             keras.layers.Flatten(), keras.layers.Dense(2, name="predictions")])
    with pytest.raises(ValueError, match=r"after 'conv' it has \['Flatten', 'Dense'\]"):
        onnx_models.cam_model(flat, "conv", "predictions")
