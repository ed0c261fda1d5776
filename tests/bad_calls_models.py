"""Rows of the validation table (tests/test_validation_table.py): models, data and explorers.

As in :mod:`bad_calls_arrays`: the expected exception, a fragment of its message naming the
argument, and the bad call.
"""

import functools

import numpy as np
from bad_calls_arrays import INF, NAN, spoiled
from tiny_models import tiny_convnet

from course_utils import (
    checks,
    gradcam,
    interpret,
    onnx_models,
    plots,
    pretrained,
)

RGB16 = np.full((16, 16, 3), 100.0)
GREY = np.ones((6, 6))
K3 = np.ones((3, 3))
NOWHERE = "/nonexistent-course-utils-path"


@functools.cache
def tiny():
    return tiny_convnet()


@functools.cache
def sequential():
    import keras

    return keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Conv2D(1, 1, name="conv")])


def ax():
    return plots.new_figure(1, 1)[1][0, 0]


ROWS = {
    # --- checks that take a model -----------------------------------------------------------
    "checks.model": [
        (TypeError, "model must be a keras.Model, got str", lambda: checks.model("model", "m.h5")),
    ],
    "checks.mapping": [
        (TypeError, "images must be a mapping from names to values",
         lambda: checks.mapping("images", [GREY])),
    ],
    "checks.model_image": [
        (TypeError, "model must be a keras.Model", lambda: checks.model_image("image", RGB16, 3)),
        (TypeError, "image must hold real numbers",
         lambda: checks.model_image("image", "x", tiny())),
        (ValueError, "image must be finite", lambda: checks.model_image(
            "image", spoiled((16, 16, 3)), tiny())),
        (ValueError, "image must not be empty", lambda: checks.model_image(
            "image", np.ones((0, 16, 3)), tiny())),
    ],
    "checks.layer_output": [
        (TypeError, "the layer name must be a string, got 3",
         lambda: checks.layer_output(tiny(), 3)),
        (ValueError, "model 'tiny' has no layer 'conv_z'",
         lambda: checks.layer_output(tiny(), "conv_z")),
    ],
    # --- interpret ------------------------------------------------------------------------
    "interpret.activation_model": [
        (TypeError, "layer_names must be a list of layer names",
         lambda: interpret.activation_model(tiny(), "conv_a")),
        (TypeError, "model must be a keras.Model", lambda: interpret.activation_model(None, ["a"])),
        (ValueError, "needs at least one layer name",
         lambda: interpret.activation_model(tiny(), [])),
    ],
    "interpret.layer_activations": [
        (TypeError, "image must hold real numbers",
         lambda: interpret.layer_activations(tiny(), "x", ["conv_a"])),
        (ValueError, "image must be finite, got nan",
         lambda: interpret.layer_activations(tiny(), spoiled((16, 16, 3)), ["conv_a"])),
        (ValueError, "image has shape (8, 16, 3); the model takes",
         lambda: interpret.layer_activations(tiny(), np.ones((8, 16, 3)), ["conv_a"])),
    ],
    "interpret.normalise_channels": [
        (TypeError, "activation must hold real numbers", lambda: interpret.normalise_channels("a")),
        (ValueError, "activation must be finite", lambda: interpret.normalise_channels(
            spoiled((2, 2, 2), INF))),
        (ValueError, "activation must not be empty",
         lambda: interpret.normalise_channels(np.ones((0, 2, 2)))),
        (ValueError, "activation: a feature map must be (height, width, channels)",
         lambda: interpret.normalise_channels(np.ones((2, 2)))),
    ],
    "interpret.activation_mosaic": [
        (TypeError, "ncols must be a positive integer, got 4.0",
         lambda: interpret.activation_mosaic(np.ones((2, 2, 3)), 4.0)),
        (ValueError, "activation must be finite",
         lambda: interpret.activation_mosaic(spoiled((2, 2, 3)))),
        (ValueError, "gap must be an integer >= 0, got -1",
         lambda: interpret.activation_mosaic(np.ones((2, 2, 3)), gap=-1)),
    ],
    "interpret.plot_activation_grid": [
        (TypeError, "activation must hold real numbers",
         lambda: interpret.plot_activation_grid(ax(), None)),
        (ValueError, "activation must not be empty",
         lambda: interpret.plot_activation_grid(ax(), np.ones((2, 2, 0)))),
        (ValueError, "ncols must be a positive integer, got 0",
         lambda: interpret.plot_activation_grid(ax(), np.ones((2, 2, 1)), ncols=0)),
    ],
    "interpret.plot_activations": [
        (TypeError, "activations must be a mapping",
         lambda: interpret.plot_activations([np.ones((2, 2, 1))])),
        (TypeError, "the feature map of 'conv' must hold real numbers",
         lambda: interpret.plot_activations({"conv": "maps"})),
        (ValueError, "activations: plot_activations needs at least one feature map",
         lambda: interpret.plot_activations({})),
        (ValueError, "panel_width must be a positive number, got nan",
         lambda: interpret.plot_activations({"conv": np.ones((2, 2, 1))}, panel_width=NAN)),
    ],
    "interpret.filter_patterns": [
        (TypeError, "filter_indices must be a list of channel numbers",
         lambda: interpret.filter_patterns(tiny(), "conv_a", 3)),
        (TypeError, "each filter index must be an integer >= 0, got nan",
         lambda: interpret.filter_patterns(tiny(), "conv_a", [NAN])),
        (ValueError, "step_size must be a positive number, got inf",
         lambda: interpret.filter_patterns(tiny(), "conv_a", [0], 16, 1, INF)),
        (ValueError, "filter_patterns needs at least one filter index",
         lambda: interpret.filter_patterns(tiny(), "conv_a", [], 16, 1)),
        (ValueError, "layer 'conv_a' has 4 filters; no filter 9",
         lambda: interpret.filter_patterns(tiny(), "conv_a", [9], 16, 0)),
    ],
    "interpret.deprocess_image": [
        (TypeError, "image must hold real numbers", lambda: interpret.deprocess_image("x")),
        (ValueError, "image must be finite", lambda: interpret.deprocess_image(spoiled((4, 4, 3)))),
        (ValueError, "image must not be empty", lambda: interpret.deprocess_image(np.ones((0, 4)))),
        (ValueError, "crop must be a number in [0, 0.5), got 0.5",
         lambda: interpret.deprocess_image(RGB16, 0.5)),
    ],
    "interpret.plot_filter_patterns": [
        (TypeError, "patterns must be a list of FilterPattern objects",
         lambda: interpret.plot_filter_patterns(3)),
        (TypeError, "patterns: row '0' must hold FilterPattern objects",
         lambda: interpret.plot_filter_patterns([RGB16])),
        (ValueError, "patterns: plot_filter_patterns needs at least one pattern",
         lambda: interpret.plot_filter_patterns([])),
        (ValueError, "size must be a positive number, got nan",
         lambda: interpret.plot_filter_patterns([], size=NAN)),
    ],
    # --- gradcam --------------------------------------------------------------------------
    "gradcam.composite_alpha": [
        (TypeError, "photo must hold real numbers", lambda: gradcam.composite_alpha("photo")),
        (ValueError, "photo must be finite", lambda: gradcam.composite_alpha(spoiled((4, 4)))),
        (ValueError, "photo must be a grey (h, w) or (h, w, 1), grey and alpha (h, w, 2), RGB "
                     "(h, w, 3) or RGBA (h, w, 4) photo, got shape (4, 4, 5)",
         lambda: gradcam.composite_alpha(np.ones((4, 4, 5)))),
        (ValueError, "photo must not be empty", lambda: gradcam.composite_alpha(np.ones((0, 4)))),
    ],
    "gradcam.resize_for_model": [
        (TypeError, "size must be a positive integer or a (height, width) pair",
         lambda: gradcam.resize_for_model(RGB16, 8.0)),
        (TypeError, "photo must hold real numbers", lambda: gradcam.resize_for_model("x", 8)),
        (ValueError, "photo must be finite", lambda: gradcam.resize_for_model(spoiled((8, 8)), 4)),
        (ValueError, "photo must not be empty",
         lambda: gradcam.resize_for_model(np.ones((0, 8, 3)), 4)),
        (ValueError, "size[1] (width) must be a positive integer, got 0",
         lambda: gradcam.resize_for_model(RGB16, (8, 0))),
    ],
    "gradcam.grad_cam_model": [
        (TypeError, "the layer name must be a string",
         lambda: gradcam.grad_cam_model(tiny(), None)),
        (TypeError, "model must be a keras.Model", lambda: gradcam.grad_cam_model("m", "conv_b")),
        (ValueError, "model 'tiny' has no layer 'nope'",
         lambda: gradcam.grad_cam_model(tiny(), "nope")),
    ],
    "gradcam.grad_cam": [
        (TypeError, "class_index must be an integer >= 0, got 1.0",
         lambda: gradcam.grad_cam(tiny(), RGB16, "conv_b", 1.0)),
        (ValueError, "image must be finite, got inf",
         lambda: gradcam.grad_cam(tiny(), spoiled((16, 16, 3), INF), "conv_b")),
        (ValueError, "class_index: no class 7 among 3",
         lambda: gradcam.grad_cam(tiny(), RGB16, "conv_b", 7)),
    ],
    "gradcam.class_activation_map": [
        (TypeError, "maps must hold real numbers",
         lambda: gradcam.class_activation_map("m", None, 0)),
        (TypeError, "class_index must be an integer from 0 to 1, got 0.0",
         lambda: gradcam.class_activation_map(np.ones((2, 2, 2)), None, 0.0)),
        (ValueError, "maps must be finite", lambda: gradcam.class_activation_map(
            spoiled((2, 2, 2)), None, 0)),
        (ValueError, "maps must not be empty",
         lambda: gradcam.class_activation_map(np.ones((0, 2, 2)), None, 0)),
        (ValueError, "class_index must be an integer from 0 to 1, got 2",
         lambda: gradcam.class_activation_map(np.ones((2, 2, 2)), None, 2)),
    ],
    "gradcam.upscale_heatmap": [
        (TypeError, "shape must be a (height, width) pair of positive integers, got 4",
         lambda: gradcam.upscale_heatmap(np.eye(2), 4)),
        (ValueError, "heatmap must be finite",
         lambda: gradcam.upscale_heatmap(spoiled((2, 2)), (4, 4))),
        (ValueError, "heatmap must not be empty",
         lambda: gradcam.upscale_heatmap(np.ones((0, 2)), (4, 4))),
        (ValueError, "shape[0] (height) must be a positive integer, got -4",
         lambda: gradcam.upscale_heatmap(np.eye(2), (-4, 4))),
    ],
    "gradcam.overlay_heatmap": [
        (TypeError, "cmap must be a Matplotlib colour map's name", lambda: gradcam.overlay_heatmap(
            RGB16, np.eye(2), cmap=None)),
        (TypeError, "alpha must be a number in [0, 1], got '0.5'",
         lambda: gradcam.overlay_heatmap(RGB16, np.eye(2), "0.5")),
        (ValueError, "photo must be finite", lambda: gradcam.overlay_heatmap(
            spoiled((4, 4, 3)), np.eye(2))),
        (ValueError, "photo must not be empty",
         lambda: gradcam.overlay_heatmap(np.ones((4, 0, 3)), np.eye(2))),
        (ValueError, "alpha must be a number in [0, 1], got nan",
         lambda: gradcam.overlay_heatmap(RGB16, np.eye(2), NAN)),
    ],
    "gradcam.heatmap_mass_share": [
        (TypeError, "mask must be a boolean array", lambda: gradcam.heatmap_mass_share(
            np.eye(2), np.eye(2))),
        (ValueError, "heatmap must be finite", lambda: gradcam.heatmap_mass_share(
            spoiled((2, 2)), np.eye(2, dtype=bool))),
        (ValueError, "heatmap must not be empty", lambda: gradcam.heatmap_mass_share(
            np.ones((2, 0)), np.ones((2, 0), bool))),
        (ValueError, "heatmap must hold values >= 0", lambda: gradcam.heatmap_mass_share(
            -np.eye(2), np.eye(2, dtype=bool))),
    ],
    "gradcam.top_classes": [
        (TypeError, "class_names must be a list of names, got 'ab'",
         lambda: gradcam.top_classes([0.5, 0.5], class_names="ab")),
        (TypeError, "top must be a positive integer, got 2.0",
         lambda: gradcam.top_classes([0.5, 0.5], 2.0, ["a", "b"])),
        (ValueError, "probabilities must be finite", lambda: gradcam.top_classes(
            [NAN, 0.5], class_names=["a", "b"])),
        (ValueError, "probabilities must not be empty",
         lambda: gradcam.top_classes([], class_names=[])),
        (ValueError, "probabilities must lie in [0, 1]",
         lambda: gradcam.top_classes([2.0, 0.5], class_names=["a", "b"])),
    ],
    # --- pretrained -----------------------------------------------------------------------
    "pretrained.load_torch_state_dict": [
        (TypeError, "path must be a path", lambda: pretrained.load_torch_state_dict(None)),
        (FileNotFoundError, NOWHERE, lambda: pretrained.load_torch_state_dict(NOWHERE)),
    ],
    "pretrained.efficientnet_lite0": [
        (TypeError, "include_top must be True or False, not 'no'",
         lambda: pretrained.efficientnet_lite0(include_top="no", weights=None)),
        (TypeError, "input_shape must be (height, width, 3) with sides >= 32 or None, not 224",
         lambda: pretrained.efficientnet_lite0(input_shape=224, weights=None)),
        (TypeError, "pooling must be None, 'avg' or 'max', got 3",
         lambda: pretrained.efficientnet_lite0(include_top=False, pooling=3, weights=None)),
        (ValueError, "weights must be 'imagenet' or None, got 'places365'",
         lambda: pretrained.efficientnet_lite0(weights="places365")),
        (ValueError, "input_shape must be (height, width, 3) with sides >= 32 or None, not (16,",
         lambda: pretrained.efficientnet_lite0(input_shape=(16, 224, 3), weights=None)),
    ],
    # --- onnx_models ----------------------------------------------------------------------
    "onnx_models.feature_model": [
        (TypeError, "model must be a keras.Sequential",
         lambda: onnx_models.feature_model(3, ["a"])),
        (ValueError, "feature_model needs at least one layer name",
         lambda: onnx_models.feature_model(sequential(), [])),
    ],
    "onnx_models.cam_model": [
        (TypeError, "model must be a keras.Model", lambda: onnx_models.cam_model(None)),
        (ValueError, "model 'tiny' has no layer 'top_activation'",
         lambda: onnx_models.cam_model(tiny())),
    ],
    "onnx_models.onnx_bytes": [
        (TypeError, "model must be a keras.Model with a known input",
         lambda: onnx_models.onnx_bytes("model.keras")),
    ],
    "onnx_models.output_names": [
        (TypeError, "model_bytes must be", lambda: onnx_models.output_names(3)),
        (ValueError, "model_bytes is not an ONNX model",
         lambda: onnx_models.output_names(b"no onnx")),
    ],
    "onnx_models.run_onnx": [
        (TypeError, "batch must hold real numbers", lambda: onnx_models.run_onnx(b"", "x")),
        (ValueError, "batch must be finite", lambda: onnx_models.run_onnx(b"", [[NAN]])),
        (ValueError, "batch must not be empty", lambda: onnx_models.run_onnx(b"", np.ones((0, 2)))),
    ],
}
