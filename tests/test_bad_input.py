"""Every public function of the course's helpers, given what a new reader might pass by mistake.

Each call must stop with a ValueError or TypeError whose message names the argument and what
is accepted, never give a silent wrong answer or an error from deep inside NumPy or Keras.
"""

import math

import numpy as np
import pytest
from matplotlib.figure import Figure
from tiny_models import tiny_convnet

from course_utils import checks, data, gabor, interpret, kernels, layers, plots, pretrained

NAN_IMAGE = np.ones((6, 6))
NAN_IMAGE[2, 3] = np.nan
INF_IMAGE = np.ones((6, 6))
INF_IMAGE[0, 0] = np.inf
K3 = np.ones((3, 3))
GABOR = gabor.gabor_kernel(0.25, sigma=1.0)


def rgb(h=16, w=16):
    return np.random.default_rng(0).uniform(0, 255, (h, w, 3))


@pytest.fixture(scope="module")
def model():
    return tiny_convnet()


def fails(call, message, error=ValueError):
    """``call()`` raises ``error`` (and not the other of TypeError / ValueError) matching it."""
    with pytest.raises(error, match=message) as raised:
        call()
    other = ValueError if error is TypeError else TypeError
    assert not isinstance(raised.value, other), f"{raised.value!r} is also a {other.__name__}"


def cases(*rows):
    """Rows ``(call, message)`` expect a ValueError, ``(call, message, TypeError)`` that."""
    return [row if len(row) == 3 else (*row, ValueError) for row in rows]


# --- kernels -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("call", "message", "error"), cases(
    (lambda: kernels.convolve2d(NAN_IMAGE, K3), r"image must be finite, got nan at index \(2, 3\)"),
    (lambda: kernels.convolve2d(INF_IMAGE, K3), r"image must be finite, got inf at index \(0, 0\)"),
    (lambda: kernels.convolve2d(np.ones((5, 5)), [[1, np.nan]]), r"kernel must be finite"),
    (lambda: kernels.convolve2d(np.zeros((0, 5)), K3),
     r"image must not be empty, got shape \(0, 5\)"),
    (lambda: kernels.convolve2d(np.ones((5, 5)), np.zeros((3, 0))), r"kernel must not be empty"),
    (lambda: kernels.convolve2d(np.array([["a", "b"], ["c", "d"]]), K3),
     r"image must hold real numbers, got dtype <U1", TypeError),
    (lambda: kernels.convolve2d(np.ones((5, 5), complex), K3),
     r"image must hold real numbers", TypeError),
    (lambda: kernels.convolve2d(np.ones((5, 5)), K3, stride=1.5),
     r"stride must be an integer, got 1\.5", TypeError),
    (lambda: kernels.convolve2d(np.ones((5, 5)), K3, stride=True),
     r"stride must be an integer, got True", TypeError),
    (lambda: kernels.convolve2d(np.ones((5, 5)), K3, padding=None),
     r"padding must be 'valid' or 'same', got None", TypeError),
    (lambda: kernels.output_size(5.0, 3), r"input size n must be an integer, got 5\.0", TypeError),
    (lambda: kernels.output_size(5, "3"), r"kernel size k must be an integer, got '3'", TypeError),
    (lambda: kernels.output_size(-1, 3), r"sizes must be positive, got input -1 and kernel 3"),
    (lambda: kernels.same_padding(5, 3, 0), r"stride must be at least 1, got 0"),
    (lambda: kernels.check_window(5, 3, "VALID", 1),
     r"padding must be 'valid' or 'same', got 'VALID'"),
    (lambda: kernels.box_blur(2.5),
     r"size must be a positive integer, got 2\.5", TypeError),
    (lambda: kernels.gaussian(3.0), r"size must be a positive integer, got 3\.0", TypeError),
    (lambda: kernels.gaussian(3, float("nan")), r"sigma must be a positive number, got nan"),
    (lambda: kernels.gaussian(3, float("inf")), r"sigma must be a positive number, got inf"),
    (lambda: kernels.gaussian(3, "1"), r"sigma must be a positive number, got '1'", TypeError),
))
def test_kernels_reject_bad_input(call, message, error):
    fails(call, message, error)


# --- layers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("call", "message", "error"), cases(
    (lambda: layers.extract_patches(np.full((4, 4, 1), np.nan), 2), r"x must be finite, got nan"),
    (lambda: layers.extract_patches(np.zeros((0, 4, 1)), 2),
     r"x must not be empty, got shape \(0, 4, 1\)"),
    (lambda: layers.extract_patches(np.zeros((4, 4, 1)), 2, padding="full"),
     r"padding must be 'valid' or 'same', got 'full'"),
    (lambda: layers.extract_patches(np.zeros((4, 4, 1)), 5),
     r"a 5-wide kernel does not fit in a 4-wide input"),
    (lambda: layers.extract_patches(np.zeros((4, 4, 1)), True),
     r"kernel_size must be a positive integer, got True", TypeError),
    (lambda: layers.conv2d_as_matmul(np.zeros((4, 4, 1)), np.full((3, 3, 1, 2), np.inf)),
     r"kernel must be finite, got inf"),
    (lambda: layers.conv2d_as_matmul(np.zeros((4, 4, 1)), np.zeros((0, 0, 1, 2))),
     r"kernel must not be empty"),
    (lambda: layers.conv2d_as_matmul(np.zeros((4, 4, 1)), np.zeros((3, 3, 1, 2)), [0.0, np.nan]),
     r"bias must be finite, got nan at index \(1,\)"),
    (lambda: layers.conv2d_as_matmul(np.zeros((4, 4)), np.zeros((3, 3, 1, 2))),
     r"expected an image \(h, w, c\) or a batch \(n, h, w, c\), got an array of shape \(4, 4\)"),
    (lambda: layers.pool2d(np.full((4, 4, 1), -np.inf)), r"x must be finite, got -inf"),
    (lambda: layers.pool2d(np.zeros((4, 4, 1)), 0), r"pool_size must be a positive integer, got 0"),
    (lambda: layers.pool2d(np.zeros((4, 4, 1)), 2.0),
     r"pool_size must be a positive integer, got 2\.0", TypeError),
    (lambda: layers.pool2d(np.zeros((4, 4, 1)), mode=["max"]),
     r"mode must be 'max' or 'average'", TypeError),
    (lambda: layers.pool2d(np.zeros((2, 2, 1)), 3),
     r"a 3-wide kernel does not fit in a 2-wide input"),
    (lambda: layers.receptive_field("33"),
     r"stack must be a sequence of \(kernel_size, stride\) pairs", TypeError),
    (lambda: layers.receptive_field(3),
     r"stack must be a sequence of \(kernel_size, stride\) pairs, got 3", TypeError),
    (lambda: layers.receptive_field([(3.5, 1)]),
     r"layer 0 kernel_size must be a positive integer, got 3\.5", TypeError),
    (lambda: layers.receptive_field([(3, 1), 3]),
     r"layer 1 must be a \(kernel_size, stride\) pair, got 3", TypeError),
    (lambda: layers.receptive_field([(3, 1, 1)]),
     r"layer 0 must be a \(kernel_size, stride\) pair, got \(3, 1, 1\)"),
    (lambda: layers.extract_patches(np.zeros((5, 5, 1)), 3, stride=1.5),
     r"stride must be a positive integer, got 1\.5", TypeError),
))
def test_layers_reject_bad_input(call, message, error):
    fails(call, message, error)


# --- gabor ---------------------------------------------------------------------------------------


def test_one_nan_pixel_is_refused_not_spread_over_the_whole_response():
    with pytest.raises(ValueError, match=r"images must be finite, got nan at index \(2, 3\)"):
        gabor.gabor_response(NAN_IMAGE, GABOR)
    batch = np.zeros((3, 6, 6))
    batch[1, 0, 0] = np.inf
    for call in (gabor.gabor_response, gabor.gabor_magnitude):
        with pytest.raises(ValueError,
                           match=r"images must be finite, got inf at index \(1, 0, 0\)"):
            call(batch, GABOR)
    with pytest.raises(ValueError, match=r"images must be finite"):
        gabor.bank_magnitudes(batch, gabor.gabor_bank([0.2], 2))
    with pytest.raises(ValueError, match=r"images must be finite"):
        gabor.bank_features(batch, gabor.gabor_bank([0.2], 2), grid=2)


@pytest.mark.parametrize(("call", "message", "error"), cases(
    (lambda: gabor.gabor_response(np.zeros((0, 6)), GABOR),
     r"images must not be empty, got shape \(0, 6\)"),
    (lambda: gabor.gabor_response(np.ones((6, 6)), np.full((3, 3), np.nan)),
     r"kernel must be finite"),
    (lambda: gabor.gabor_response(np.array([["a"]]), GABOR),
     r"images must hold real numbers, got dtype <U1", TypeError),
    (lambda: gabor.gabor_response(np.zeros((5, 5), complex), GABOR),
     r"images must hold real numbers, got dtype complex128", TypeError),
    (lambda: gabor.gabor_kernel(0.75),
     r"frequency \(cycles per pixel\) must be a number in \(0, 0\.5\], got 0\.75"),
    (lambda: gabor.gabor_kernel(float("nan")),
     r"frequency \(cycles per pixel\) must be a number in \(0, 0\.5\]"),
    (lambda: gabor.gabor_kernel("0.2"),
     r"frequency \(cycles per pixel\) must be a number", TypeError),
    (lambda: gabor.gabor_kernel(0.2, "north"),
     r"theta \(radians\) must be a finite number, got 'north'", TypeError),
    (lambda: gabor.gabor_filter(0.2, 0.0, -1.0), r"sigma must be a positive number, got -1\.0"),
    (lambda: gabor.default_sigma(2.0),
     r"frequency \(cycles per pixel\) must be a number in \(0, 0\.5\], got 2\.0"),
    (lambda: gabor.orientations(2.0),
     r"the number of orientations must be a positive integer, got 2\.0", TypeError),
    (lambda: gabor.gabor_bank([0.2], n_orientations=0),
     r"orientations must be a positive integer, got 0"),
    (lambda: gabor.gabor_bank([0.2, 1.0]),
     r"frequency \(cycles per pixel\) must be a number in \(0, 0\.5\], got 1\.0"),
    (lambda: gabor.average_pool(np.zeros((4, 4)), 2),
     r"maps must be \(n, h, w\), got shape \(4, 4\)"),
    (lambda: gabor.average_pool(np.zeros((1, 4, 4)), 2.0),
     r"grid must be a positive integer, got 2\.0", TypeError),
    (lambda: gabor.average_pool(np.full((1, 4, 4), np.nan), 2), r"maps must be finite"),
    (lambda: gabor.bank_features(np.zeros((1, 8, 8)), gabor.gabor_bank([0.2], 2), 2, 1.5),
     r"batch_size must be a positive integer, got 1\.5", TypeError),
    (lambda: gabor.bank_features(np.zeros((1, 8, 8)), gabor.gabor_bank([0.2], 2), grid=0),
     r"grid must be a positive integer, got 0"),
))
def test_gabor_rejects_bad_input(call, message, error):
    fails(call, message, error)


# --- interpret and gradcam -----------------------------------------------------------------------


def test_a_single_layer_name_string_is_refused_not_read_letter_by_letter(model):
    with pytest.raises(TypeError, match=r"layer_names must be a list of layer names, such as "
                                        r"\['conv_a'\], got 'conv_a'"):
        interpret.activation_model(model, "conv_a")
    with pytest.raises(TypeError, match="layer_names must be a list"):
        interpret.layer_activations(model, rgb(), "conv_a")
    maps = interpret.layer_activations(model, rgb(), ("conv_a",))  # a tuple is a list of names
    assert maps["conv_a"].shape == (14, 14, 4)


@pytest.mark.parametrize(("call", "message", "error"), cases(
    (lambda m: interpret.layer_activations(m, rgb(20, 16), ["conv_a"]),
     r"image has shape \(20, 16, 3\); the model takes one image of shape \(16, 16, 3\)"),
    (lambda m: interpret.layer_activations(m, rgb()[None], ["conv_a"]),
     r"image must be one image \(height, width, channels\), got shape \(1, 16, 16, 3\)"),
    (lambda m: interpret.layer_activations(m, np.full((16, 16, 3), np.nan), ["conv_a"]),
     r"image must be finite, got nan"),
    (lambda m: interpret.filter_patterns(m, "conv_a", [0.5], size=16, steps=1),
     r"each filter index must be an integer >= 0, got 0\.5", TypeError),
    (lambda m: interpret.filter_patterns(m, "conv_a", [-1], size=16, steps=1),
     r"each filter index must be an integer >= 0, got -1"),
    (lambda m: interpret.filter_patterns(m, "conv_a", 3, size=16, steps=1),
     r"filter_indices must be a list of channel numbers, such as range\(8\), got 3", TypeError),
    (lambda m: interpret.filter_patterns(m, "conv_a", [0], size=0, steps=1),
     r"size must be a positive integer, got 0"),
    (lambda m: interpret.filter_patterns(m, "conv_a", [0], size=16, steps=-1),
     r"steps must be an integer >= 0, got -1"),
    (lambda m: interpret.filter_patterns(m, "conv_a", [0], size=16, step_size=0.0),
     r"step_size must be a positive number, got 0\.0"),
    (lambda m: interpret.filter_patterns(m, "conv_a", [0], size=16, border=-2),
     r"border must be an integer >= 0, got -2"),
    (lambda m: interpret.filter_patterns(m, "conv_z", [0], size=16),
     r"model 'tiny' has no layer 'conv_z'; its layers: "),
    (lambda m: interpret.grad_cam(m, rgb(8, 8), "conv_b"),
     r"image has shape \(8, 8, 3\); the model takes one image of shape \(16, 16, 3\)"),
    (lambda m: interpret.grad_cam(m, np.full((16, 16, 3), np.inf), "conv_b"),
     r"image must be finite"),
    (lambda m: interpret.grad_cam(m, rgb(), "conv_b", -1),
     r"class_index must be an integer >= 0, got -1"),
    (lambda m: interpret.grad_cam(m, rgb(), "conv_b", 1.0),
     r"class_index must be an integer >= 0, got 1\.0", TypeError),
    (lambda m: interpret.grad_cam(m, rgb(), "conv_b", 7),
     r"class_index: no class 7 among 3 \(0 to 2\)"),
    (lambda m: interpret.grad_cam_model(m, "nope"), r"model 'tiny' has no layer 'nope'"),
))
def test_model_functions_reject_bad_input(model, call, message, error):
    fails(lambda: call(model), message, error)


@pytest.mark.parametrize(("call", "message", "error"), cases(
    (lambda: interpret.normalise_channels(np.full((2, 2, 1), np.nan)),
     r"activation must be finite"),
    (lambda: interpret.normalise_channels(np.zeros((0, 2, 3))), r"activation must not be empty"),
    (lambda: interpret.activation_mosaic(np.ones((2, 2, 3)), ncols=0),
     r"ncols must be a positive integer, got 0"),
    (lambda: interpret.activation_mosaic(np.ones((2, 2, 3)), gap=-1),
     r"gap must be an integer >= 0, got -1"),
    (lambda: interpret.plot_activations({}), r"needs at least one feature map"),
    (lambda: interpret.plot_activations({"conv": np.ones((4, 4))}),
     r"the feature map of 'conv' must be \(height, width, channels\), got shape \(4, 4\)"),
    (lambda: interpret.plot_activations({"conv": np.ones((4, 4, 2))}, columns=0),
     r"columns must be a positive integer, got 0"),
    (lambda: interpret.plot_activations({"conv": np.ones((4, 4, 2))}, panel_width=-1.0),
     r"panel_width must be a positive number, got -1\.0"),
    (lambda: interpret.deprocess_image(rgb(), crop=0.5),
     r"crop must be a number in \[0, 0\.5\), got 0\.5"),
    (lambda: interpret.deprocess_image(rgb(), crop=-0.1), r"crop must be a number in \[0, 0\.5\)"),
    (lambda: interpret.deprocess_image(np.full((4, 4, 3), np.nan)), r"image must be finite"),
    (lambda: interpret.plot_filter_patterns([np.zeros((4, 4, 3))]),
     r"row '0' must hold FilterPattern objects", TypeError),
    (lambda: interpret.plot_filter_patterns([], ncols=0),
     r"ncols must be a positive integer, got 0"),
    (lambda: interpret.resize_for_model(rgb(), 0), r"size must be a positive integer, got 0"),
    (lambda: interpret.resize_for_model(rgb(), (8, 0)),
     r"size\[1\] \(width\) must be a positive integer, got 0"),
    (lambda: interpret.resize_for_model(rgb(), 8.0),
     r"size must be a positive integer or a \(height, width\) pair", TypeError),
    (lambda: interpret.resize_for_model(np.zeros((8, 8, 5)), 4),
     r"photo must be a grey \(h, w\) or \(h, w, 1\), grey and alpha \(h, w, 2\), RGB "
     r"\(h, w, 3\) or RGBA \(h, w, 4\) photo, got shape \(8, 8, 5\)"),
    (lambda: interpret.resize_for_model(np.full((8, 8), np.nan), 4), r"photo must be finite"),
    (lambda: interpret.upscale_heatmap(np.eye(2), 4),
     r"shape must be a \(height, width\) pair of positive integers, got 4", TypeError),
    (lambda: interpret.upscale_heatmap(np.eye(2), (0, 4)),
     r"shape\[0\] \(height\) must be a positive integer, got 0"),
    (lambda: interpret.upscale_heatmap(np.ones((2, 2, 1)), (4, 4)),
     r"heatmap must be \(height, width\), got shape"),
    (lambda: interpret.upscale_heatmap(np.full((2, 2), np.nan), (4, 4)), r"heatmap must be finite"),
    (lambda: interpret.overlay_heatmap(rgb(), np.eye(2), alpha=1.5),
     r"alpha must be a number in \[0, 1\], got 1\.5"),
    (lambda: interpret.overlay_heatmap(rgb(), np.eye(2), cmap="jett"),
     r"cmap must be a Matplotlib colour map such as 'jet', got 'jett'"),
    (lambda: interpret.overlay_heatmap(np.zeros((0, 4, 3)), np.eye(2)), r"photo must not be empty"),
    (lambda: interpret.heatmap_mass_share(np.eye(2), np.ones((3, 3), bool)),
     r"mask must be a boolean array of the heatmap's shape \(2, 2\), got shape \(3, 3\)"),
    (lambda: interpret.heatmap_mass_share(np.eye(2), np.eye(2)),
     r"mask must be a boolean array .* and dtype float64", TypeError),
    (lambda: interpret.heatmap_mass_share(-np.eye(2), np.eye(2, dtype=bool)),
     r"heatmap must hold values >= 0 \(a mass\), got a minimum of -1\.0"),
    (lambda: interpret.top_classes([0.5, 0.5], top=0, class_names=["a", "b"]),
     r"top must be a positive integer, got 0"),
    (lambda: interpret.top_classes([np.nan, 0.5], class_names=["a", "b"]),
     r"probabilities must be finite"),
    (lambda: interpret.top_classes([], class_names=[]), r"probabilities must not be empty"),
    (lambda: interpret.top_classes(np.full((2, 3), 0.3), class_names=["a", "b", "c"]),
     r"probabilities must be one image's output: \(n,\) or \(1, n\), got shape \(2, 3\)"),
    (lambda: interpret.top_classes([0.5, 0.5], class_names="ab"),
     r"class_names must be a list of names, got 'ab'", TypeError),
    (lambda: interpret.top_classes([2.0, -1.0], class_names=["a", "b"]),
     r"probabilities must lie in \[0, 1\] .* got values from -1\.0 to 2\.0"),
))
def test_interpret_rejects_bad_input(call, message, error):
    fails(call, message, error)


def test_top_classes_with_top_beyond_the_classes_lists_them_all():
    assert [i for i, _, _ in interpret.top_classes([0.1, 0.9], 5, ["a", "b"])] == [1, 0]


# --- plots ---------------------------------------------------------------------------------------


def ax():
    return plots.new_figure(1, 1)[1][0, 0]


@pytest.mark.parametrize(("call", "message", "error"), cases(
    (lambda: plots.new_figure(0, 2), r"nrows must be a positive integer, got 0"),
    (lambda: plots.new_figure(1, 2.0), r"ncols must be a positive integer, got 2\.0", TypeError),
    (lambda: plots.new_figure(1, 1, size=0), r"size must be a positive number, got 0"),
    (lambda: plots.plot_image(ax(), INF_IMAGE),
     r"image must be finite, got inf at index \(0, 0\) \(NaN is accepted\)"),
    (lambda: plots.plot_image(ax(), np.zeros((4, 4, 2))),
     r"image must be \(h, w\), \(h, w, 1\), \(h, w, 3\) or \(h, w, 4\), got shape \(4, 4, 2\)"),
    (lambda: plots.plot_image(ax(), np.zeros(4)),
     r"image must be \(h, w\), \(h, w, 1\), \(h, w, 3\) or \(h, w, 4\), got shape \(4,\)"),
    (lambda: plots.plot_image(ax(), np.zeros((0, 4))), r"image must not be empty"),
    (lambda: plots.plot_kernel(ax(), [[1.0, np.nan]]), r"kernel must be finite"),
    (lambda: plots.plot_kernel(ax(), np.zeros((0, 3))), r"kernel must not be empty"),
    (lambda: plots.format_number("three"),
     r"value must be a finite number, got 'three'", TypeError),
    (lambda: plots.image_grid([np.zeros((2, 2))], ncols=0),
     r"ncols must be a positive integer, got 0"),
    (lambda: plots.image_grid([np.zeros((2, 2))] * 2, titles="ab"),
     r"titles must be a list, one per image, got 'ab'", TypeError),
    (lambda: plots.image_grid([np.zeros((2, 2)), np.full((2, 2), np.inf)]),
     r"image must be finite"),
    (lambda: plots.plot_history({"run": {"loss": [1.0]}}, metrics="loss"),
     r"metrics must be a non-empty list of metric names, such as \['loss'\], got 'loss'",
     TypeError),
    (lambda: plots.plot_history({"run": {"loss": [1.0]}}, metrics=[]),
     r"metrics must be a non-empty list"),
    (lambda: plots.plot_confusion(ax(), [0, 1, 3], [0, 1, 1], ["a", "b", "c"]),
     r"y_true must hold class indices 0 to 2, got values from 0 to 3"),
    (lambda: plots.plot_confusion(ax(), [0, 1], [0, -1], ["a", "b"]),
     r"y_pred must hold class indices 0 to 1, got values from -1 to 0"),
    (lambda: plots.plot_confusion(ax(), [0, 1], [0.5, 1], ["a", "b"]),
     r"y_pred must hold class indices 0 to 1"),
    (lambda: plots.plot_confusion(ax(), [0, 1], [0, 1, 1], ["a", "b"]),
     r"y_true and y_pred must be equally long, got 2 and 3"),
    (lambda: plots.plot_confusion(ax(), [0], [0], []),
     r"class_names must be a non-empty list of names"),
    (lambda: plots.plot_confusion(ax(), [[0, 1]], [[0, 1]], ["a", "b"]),
     r"y_true must be 1-D, got shape \(1, 2\)"),
))
def test_plots_reject_bad_input(call, message, error):
    fails(call, message, error)


def test_plot_image_draws_nan_blank_and_a_single_channel_as_grey():
    axes = plots.new_figure(1, 2)[1]
    image = np.arange(16.0).reshape(4, 4, 1)
    plots.plot_image(axes[0, 0], image)
    assert axes[0, 0].images[0].get_array().shape == (4, 4)
    gappy = np.array([[np.nan, -2.0], [1.0, 0.0]])
    plots.plot_image(axes[0, 1], gappy, signed=True)
    assert axes[0, 1].images[0].get_clim() == (-2.0, 2.0)  # the limit ignores the NaN


def test_plot_confusion_counts_are_unchanged_for_good_labels():
    truth = np.array([0, 1, 1, 2], np.uint8)
    matrix = plots.plot_confusion(ax(), truth, [0, 1, 2, 2], ["a", "b", "c"])
    assert matrix.tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]


# --- data and pretrained -------------------------------------------------------------------------


@pytest.mark.parametrize(("call", "message", "error"), cases(
    (lambda: data.mnist_sample_split(np.zeros((10, 784)), np.zeros(10), test_fraction=0.0),
     r"test_fraction must be a number in \(0, 1\), got 0\.0"),
    (lambda: data.mnist_sample_split(np.zeros((10, 784)), np.zeros(10), test_fraction=1),
     r"test_fraction must be a number in \(0, 1\), got 1"),
    (lambda: data.mnist_sample_split(np.zeros((10, 784)), np.zeros(10), test_fraction=math.nan),
     r"test_fraction must be a number in \(0, 1\)"),
    (lambda: data.mnist_sample_split(np.zeros((10, 784)), np.zeros(9)),
     r"labels must be 10 integers, one per image, got 9 values"),
    (lambda: data.mnist_sample_split(np.zeros((10, 784)), np.full(10, 0.5)),
     r"labels must be 10 integers"),
    (lambda: data.mnist_sample_split(np.zeros((10, 28, 27)), np.zeros(10)),
     r"images must be \(n, 784\) or \(n, 28, 28\) grey levels in \[0, 255\], "
     r"got shape \(10, 28, 27\)"),
    (lambda: data.mnist_sample_split(np.full((10, 784), 300.0), np.zeros(10)),
     r"values from 300\.0 to 300\.0"),
    (lambda: data.mnist_sample_split(np.full((10, 784), np.nan), np.zeros(10)),
     r"images must be finite"),
    (lambda: data.mnist_sample_split(np.zeros((10, 784)), np.zeros(10), seed=-1),
     r"seed must be an integer >= 0, got -1"),
    (lambda: data.split_cats_vs_dogs("/nonexistent", "/tmp/x", n_test=0),
     r"n_test must be a positive integer, got 0"),
    (lambda: data.split_sizes("/nonexistent"), r"base_dir /nonexistent is not a cats-vs-dogs"),
    (lambda: data.cats_vs_dogs_datasets(0), r"image_size must be a positive integer, got 0"),
    (lambda: data.cats_vs_dogs_datasets(64, batch_size=2.5),
     r"batch_size must be a positive integer, got 2\.5", TypeError),
    (lambda: data.cats_vs_dogs_datasets(64, limit=0), r"limit must be a positive integer, got 0"),
    (lambda: data.load_photo(3), r"name must be a photo's name \(a string\), got 3", TypeError),
    (lambda: data.photo_path(["elephant"]),
     r"name must be a photo's name \(a string\), got \['elephant'\]", TypeError),
    (lambda: data.get_file("", "https://example.org/x"),
     r"fname must be a non-empty string, got ''"),
    (lambda: pretrained.efficientnet_lite0(input_shape=("224", 224, 3), weights=None),
     r"input_shape must be \(height, width, 3\) with sides >= 32", TypeError),
    (lambda: pretrained.efficientnet_lite0(input_shape=(224.0, 224, 3), weights=None),
     r"sides >= 32", TypeError),
    (lambda: pretrained.efficientnet_lite0(input_shape=224, weights=None), r"not 224", TypeError),
))
def test_data_and_pretrained_reject_bad_input(call, message, error):
    fails(call, message, error)


def test_include_top_and_base_dir_must_have_their_types():
    with pytest.raises(TypeError, match="include_top must be True or False, not 'no'"):
        pretrained.efficientnet_lite0(include_top="no", weights=None)
    fails(lambda: data.split_sizes(3), r"base_dir must be a path \(a str or pathlib.Path\), got 3",
          TypeError)


# --- the checks themselves -----------------------------------------------------------------------


def test_checks_accept_what_they_document():
    assert checks.integer("n", np.int64(3)) == 3 and isinstance(checks.integer("n", 3), int)
    assert checks.integer("n", 0, 0) == 0 and checks.integer("n", 5, 1, 5) == 5
    fails(lambda: checks.integer("n", 6, 1, 5), r"n must be an integer from 1 to 5, got 6")
    assert checks.number("a", 1, 0, 1) == 1.0 and checks.number("a", np.float32(0.5)) == 0.5
    fails(lambda: checks.number("a", 1, 0, 1, high_open=True),
          r"a must be a number in \[0, 1\), got 1")
    fails(lambda: checks.number("a", True), r"a must be a finite number, got True", TypeError)
    fails(lambda: checks.number("a", -1, 0), r"a must be a number >= 0, got -1")
    assert checks.array("m", [[True, False]], 2).dtype == np.uint8  # booleans are numbers
    assert checks.array("m", [np.nan, 1.0], 1, nan_ok=True).shape == (2,)
    fails(lambda: checks.array("m", [1 + 1j], 1), r"m must hold real numbers, got dtype complex128",
          TypeError)
    assert checks.array("m", [1 + 1j], 1, complex_ok=True).dtype == complex


def test_good_input_still_gives_figures():
    assert isinstance(plots.image_grid([np.zeros((2, 2), bool)], ncols=1), Figure)


# --- the silent answers of issue #25 -------------------------------------------------------------


def test_a_gaussian_too_narrow_to_compute_is_refused_not_all_nan():
    fails(lambda: kernels.gaussian(5, 1e-300), r"sigma must be at least 0\.1 pixels, got 1e-300")
    fails(lambda: kernels.gaussian(4, 0.01), r"sigma must be at least 0\.1 pixels, got 0\.01")
    for size in (1, 2, 4, 5):  # the narrowest accepted sigma still gives finite weights
        kernel = kernels.gaussian(size, kernels.MIN_SIGMA)
        assert np.isfinite(kernel).all() and kernel.sum() == pytest.approx(1.0)


def test_an_augmentation_factor_of_nan_is_refused_not_drawn():
    from course_utils import explorers

    image = np.full((8, 8, 3), 100.0)
    for factor in ("rotation", "translation", "zoom", "shear"):
        fails(lambda f=factor: explorers.augment(image, 2, **{f: math.nan}),
              rf"{factor} must be a number in \[0, 1\], got nan")
    fails(lambda: explorers.augment(image, 2, rotation="0.1"),
          r"rotation must be a number in \[0, 1\], got '0\.1'", TypeError)


def test_a_gabor_kernel_too_large_to_build_is_refused_at_once():
    import time

    start = time.perf_counter()
    fails(lambda: gabor.gabor_kernel(1e-3),
          r"sigma=562\.172 \(frequency 0\.001\) would make a 3375x3375 kernel; the largest is "
          r"255x255")
    assert time.perf_counter() - start < 0.1  # refused before building it
    assert gabor.gabor_kernel(0.05).shape == (69, 69)  # the book's lowest frequency still fits
    assert gabor.gabor_kernel(0.2, 0.0, 42.3).shape == (255, 255)  # the largest
    fails(lambda: gabor.gabor_kernel(0.2, 0.0, 42.4), r"would make a 257x257 kernel")
    # The guard predicts scikit-image's side at any angle: 3 sigma along x' or y'.
    for theta in (0.3, math.pi / 4, 2.0):
        half = math.ceil(3 * 30.0 * max(abs(math.cos(theta)), abs(math.sin(theta))))
        assert gabor.gabor_kernel(0.2, theta, 30.0).shape == (2 * half + 1,) * 2


def test_an_empty_explorer_image_is_named_not_a_numpy_reduction_error():
    from course_utils import explorers

    fails(lambda: explorers.kernel_explorer({"x": np.zeros((0, 5))}),
          r"image 'x' must not be empty, got shape \(0, 5\)")


@pytest.mark.parametrize(("value", "text"), [(-0.001, "0.00"), (-0.004999, "0.00"),
                                             (0.001, "0.00"), (-0.005001, "-0.01"),
                                             (-0.0, "0"), (-1e-300, "0.00")])
def test_format_number_never_shows_a_negative_zero(value, text):
    assert plots.format_number(value) == text
