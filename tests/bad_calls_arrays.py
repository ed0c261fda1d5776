"""Rows of the validation table (tests/test_validation_table.py): the array and number helpers.

Each row: the expected exception, a fragment of its message naming the argument, and the bad
call. Rows cover a wrong kind (``TypeError``), NaN and infinity, empty input and values out of
range (``ValueError``), where the function takes such an argument.
"""

import numpy as np

from course_utils import checks, claims, gabor, kernels, layers, plots, stats

NAN, INF = float("nan"), float("inf")
K3 = np.ones((3, 3))
GREY = np.ones((6, 6))
GABOR = gabor.gabor_kernel(0.25, sigma=1.0)
BANK = gabor.gabor_bank([0.25], 2, sigmas=[1.0])


def spoiled(shape, value=NAN, where=0):
    """Ones of ``shape`` with one ``value`` (NaN by default) at flat index ``where``."""
    array = np.ones(shape)
    array.flat[where] = value
    return array


def ax():
    return plots.new_figure(1, 1)[1][0, 0]


ROWS = {
    # --- checks ---------------------------------------------------------------------------
    "checks.integer": [
        (TypeError, "n must be a positive integer, got '3'", lambda: checks.integer("n", "3")),
        (TypeError, "n must be a positive integer, got 2.0", lambda: checks.integer("n", 2.0)),
        (TypeError, "n must be a positive integer, got True", lambda: checks.integer("n", True)),
        (ValueError, "n must be a positive integer, got 0", lambda: checks.integer("n", 0)),
        (ValueError, "n must be an integer <= 5, got 6", lambda: checks.integer("n", 6, None, 5)),
    ],
    "checks.number": [
        (TypeError, "a must be a finite number, got '1'", lambda: checks.number("a", "1")),
        (TypeError, "a must be a finite number, got None", lambda: checks.number("a", None)),
        (ValueError, "a must be a finite number, got nan", lambda: checks.number("a", NAN)),
        (ValueError, "a must be a number >= 0, got inf", lambda: checks.number("a", INF, 0)),
        (ValueError, "a must be a number in [0, 1], got 2", lambda: checks.number("a", 2, 0, 1)),
    ],
    "checks.choice": [
        (TypeError, "mode must be 'a' or 'b', got None",
         lambda: checks.choice("mode", None, ("a", "b"))),
        (TypeError, "mode must be 'a' or 'b', got ['a']",
         lambda: checks.choice("mode", ["a"], ("a", "b"))),
        (ValueError, "mode must be 'a' or 'b', got 'c'",
         lambda: checks.choice("mode", "c", ("a", "b"))),
    ],
    "checks.path": [
        (TypeError, "src must be a path", lambda: checks.path("src", 3)),
        (TypeError, "src must be a path", lambda: checks.path("src", b"dir")),
        (ValueError, "src must be a path, got an empty string", lambda: checks.path("src", "")),
    ],
    "checks.numbers": [
        (TypeError, "x must hold real numbers, got dtype <U1", lambda: checks.numbers("x", "a")),
        (TypeError, "x must hold real numbers, got dtype object",
         lambda: checks.numbers("x", None)),
        (TypeError, "x must be an array of numbers, got a ragged list",
         lambda: checks.numbers("x", [[1, 2], [3]])),
        (TypeError, "x must hold real numbers, got dtype complex128",
         lambda: checks.numbers("x", [1j])),
    ],
    "checks.array": [
        (TypeError, "m must hold real numbers", lambda: checks.array("m", ["a"], 1)),
        (ValueError, "m must be finite, got nan at index (1,)",
         lambda: checks.array("m", [1, NAN], 1)),
        (ValueError, "m must be finite, got inf", lambda: checks.array("m", [INF], 1, nan_ok=True)),
        (ValueError, "m must not be empty, got shape (0,)", lambda: checks.array("m", [], 1)),
        (ValueError, "m must be 2-D, got shape (2,)", lambda: checks.array("m", [1, 2], 2)),
    ],
    "checks.image": [
        (TypeError, "image must hold real numbers", lambda: checks.image("image", "cat")),
        (ValueError, "image must be finite, got nan",
         lambda: checks.image("image", spoiled((4, 4)))),
        (ValueError, "image must be finite, got inf",
         lambda: checks.image("image", spoiled((4, 4), INF), nan_ok=True)),
        (ValueError, "image must not be empty, got shape (0, 5)",
         lambda: checks.image("image", np.zeros((0, 5)))),
        (ValueError, "image must not be empty, got shape (0, 5, 3)",
         lambda: checks.image("image", np.zeros((0, 5, 3)), "RGB")),
        (ValueError, "image must be 2-D (grey), got shape (4, 4, 3); convert a colour photo",
         lambda: checks.image("image", np.ones((4, 4, 3)), "grey")),
        (ValueError, "image must be RGB (h, w, 3), got shape (4, 4)",
         lambda: checks.image("image", np.ones((4, 4)), "RGB")),
        (ValueError, "image must be a grey (h, w) or RGB (h, w, 3) image, got shape (4, 4, 2)",
         lambda: checks.image("image", np.ones((4, 4, 2)))),
        (ValueError, "image must be (h, w), (h, w, 1), (h, w, 3) or (h, w, 4), got shape (4,)",
         lambda: checks.image("image", np.ones(4), "drawable")),
    ],
    # --- claims ---------------------------------------------------------------------------
    "claims.check": [
        (TypeError, "sentence must be the claim", lambda: claims.check(True, 3)),
        (ValueError, "sentence must be the claim", lambda: claims.check(True, "  ")),
        (TypeError, "needs_full must be True or False, got 'yes'",
         lambda: claims.check(True, "it holds", needs_full="yes")),
        (TypeError, "condition must be one truth value, got an array of shape (2,)",
         lambda: claims.check(np.array([True, False]), "it holds")),
    ],
    # --- kernels --------------------------------------------------------------------------
    "kernels.check_window": [
        (TypeError, "padding must be 'valid' or 'same', got None",
         lambda: kernels.check_window(5, 3, None, 1)),
        (TypeError, "kernel size k must be an integer, got 3.0",
         lambda: kernels.check_window(5, 3.0, "valid", 1)),
        (ValueError, "padding must be 'valid' or 'same', got 'full'",
         lambda: kernels.check_window(5, 3, "full", 1)),
        (ValueError, "stride must be at least 1, got 0",
         lambda: kernels.check_window(5, 3, "same", 0)),
    ],
    "kernels.output_size": [
        (TypeError, "input size n must be an integer, got nan",
         lambda: kernels.output_size(NAN, 3)),
        (ValueError, "sizes must be positive, got input 0", lambda: kernels.output_size(0, 3)),
        (ValueError, "a 5-wide kernel does not fit", lambda: kernels.output_size(3, 5)),
    ],
    "kernels.same_padding": [
        (TypeError, "stride must be an integer, got '2'", lambda: kernels.same_padding(5, 3, "2")),
        (ValueError, "sizes must be positive, got input 5 and kernel -3",
         lambda: kernels.same_padding(5, -3)),
    ],
    "kernels.convolve2d": [
        (TypeError, "image must hold real numbers", lambda: kernels.convolve2d("cat", K3)),
        (TypeError, "kernel must hold real numbers", lambda: kernels.convolve2d(GREY, None)),
        (ValueError, "image must be finite, got nan",
         lambda: kernels.convolve2d(spoiled((6, 6)), K3)),
        (ValueError, "kernel must be finite, got inf",
         lambda: kernels.convolve2d(GREY, spoiled((3, 3), INF))),
        (ValueError, "image must not be empty", lambda: kernels.convolve2d(np.zeros((0, 6)), K3)),
        (ValueError, "kernel must not be empty",
         lambda: kernels.convolve2d(GREY, np.zeros((3, 0)))),
        (ValueError, "image must be 2-D (grey)",
         lambda: kernels.convolve2d(np.ones((6, 6, 3)), K3)),
        (ValueError, "stride must be at least 1, got -1",
         lambda: kernels.convolve2d(GREY, K3, stride=-1)),
    ],
    "kernels.box_blur": [
        (TypeError, "size must be a positive integer, got 2.5", lambda: kernels.box_blur(2.5)),
        (ValueError, "size must be a positive integer, got 0", lambda: kernels.box_blur(0)),
    ],
    "kernels.gaussian": [
        (TypeError, "sigma must be a positive number, got '1'", lambda: kernels.gaussian(3, "1")),
        (ValueError, "sigma must be a positive number, got nan", lambda: kernels.gaussian(3, NAN)),
        (ValueError, "sigma must be a positive number, got inf", lambda: kernels.gaussian(3, INF)),
        (ValueError, "sigma must be at least 0.1 pixels, got 1e-300",
         lambda: kernels.gaussian(5, 1e-300)),
        (ValueError, "size must be a positive integer, got 0", lambda: kernels.gaussian(0)),
    ],
    # --- layers ---------------------------------------------------------------------------
    "layers.extract_patches": [
        (TypeError, "x must hold real numbers", lambda: layers.extract_patches("x", 2)),
        (TypeError, "kernel_size must be a positive integer, got 2.0",
         lambda: layers.extract_patches(np.ones((4, 4, 1)), 2.0)),
        (ValueError, "x must be finite, got nan",
         lambda: layers.extract_patches(spoiled((4, 4, 1)), 2)),
        (ValueError, "x must not be empty", lambda: layers.extract_patches(np.ones((0, 4, 1)), 2)),
        (ValueError, "stride must be a positive integer, got 0",
         lambda: layers.extract_patches(np.ones((4, 4, 1)), 2, 0)),
    ],
    "layers.conv2d_as_matmul": [
        (TypeError, "kernel must hold real numbers",
         lambda: layers.conv2d_as_matmul(np.ones((4, 4, 1)), "k")),
        (TypeError, "bias must hold real numbers",
         lambda: layers.conv2d_as_matmul(np.ones((4, 4, 1)), np.ones((3, 3, 1, 1)), ["b"])),
        (ValueError, "kernel must be finite, got inf",
         lambda: layers.conv2d_as_matmul(np.ones((4, 4, 1)), spoiled((3, 3, 1, 1), INF))),
        (ValueError, "x must not be empty",
         lambda: layers.conv2d_as_matmul(np.ones((4, 0, 1)), np.ones((3, 3, 1, 1)))),
        (ValueError, "bias must have shape (1,), got (2,)",
         lambda: layers.conv2d_as_matmul(np.ones((4, 4, 1)), np.ones((3, 3, 1, 1)), [0, 0])),
    ],
    "layers.pool2d": [
        (TypeError, "mode must be 'max' or 'average', got None",
         lambda: layers.pool2d(np.ones((4, 4, 1)), mode=None)),
        (TypeError, "x must hold real numbers", lambda: layers.pool2d(None)),
        (ValueError, "x must be finite, got -inf", lambda: layers.pool2d(spoiled((4, 4, 1), -INF))),
        (ValueError, "x must not be empty", lambda: layers.pool2d(np.ones((0, 4, 4, 1)))),
        (ValueError, "pool_size must be a positive integer, got -2",
         lambda: layers.pool2d(np.ones((4, 4, 1)), -2)),
    ],
    "layers.receptive_field": [
        (TypeError, "stack must be a sequence of (kernel_size, stride) pairs, got 3",
         lambda: layers.receptive_field(3)),
        (TypeError, "layer 0 must be a (kernel_size, stride) pair, got 3",
         lambda: layers.receptive_field([3])),
        (ValueError, "layer 0 must be a (kernel_size, stride) pair, got (3,)",
         lambda: layers.receptive_field([(3,)])),
        (ValueError, "layer 0 stride must be a positive integer, got 0",
         lambda: layers.receptive_field([(3, 0)])),
    ],
    # --- gabor ----------------------------------------------------------------------------
    "gabor.default_sigma": [
        (TypeError, "frequency (cycles per pixel) must be", lambda: gabor.default_sigma("0.2")),
        (ValueError, "frequency (cycles per pixel) must be", lambda: gabor.default_sigma(NAN)),
        (ValueError, "frequency (cycles per pixel) must be", lambda: gabor.default_sigma(0.0)),
    ],
    "gabor.gabor_kernel": [
        (TypeError, "sigma must be a positive number, got '2'",
         lambda: gabor.gabor_kernel(0.2, 0.0, "2")),
        (ValueError, "theta (radians) must be a finite number, got nan",
         lambda: gabor.gabor_kernel(0.2, NAN)),
        (ValueError, "sigma must be a positive number, got inf",
         lambda: gabor.gabor_kernel(0.2, 0.0, INF)),
        (ValueError, "sigma=562.172 (frequency 0.001) would make a 3375x3375 kernel; the "
         "largest is 255x255", lambda: gabor.gabor_kernel(1e-3)),
        (ValueError, "sigma=100 (frequency 0.2) would make a 601x601 kernel",
         lambda: gabor.gabor_kernel(0.2, 0.0, 100.0)),
    ],
    "gabor.gabor_filter": [
        (TypeError, "frequency (cycles per pixel) must be", lambda: gabor.gabor_filter(None)),
        (ValueError, "frequency (cycles per pixel) must be a number in (0, 0.5], got 0.6",
         lambda: gabor.gabor_filter(0.6)),
    ],
    "gabor.orientations": [
        (TypeError, "the number of orientations must be a positive integer, got '4'",
         lambda: gabor.orientations("4")),
        (ValueError, "the number of orientations must be a positive integer, got 0",
         lambda: gabor.orientations(0)),
    ],
    "gabor.gabor_bank": [
        (TypeError, "frequencies must be a list of numbers, such as [0.1, 0.25], got 0.2",
         lambda: gabor.gabor_bank(0.2)),
        (TypeError, "sigmas must be a list of numbers", lambda: gabor.gabor_bank([0.2], 2, "3")),
        (ValueError, "frequencies: a Gabor bank needs at least one frequency",
         lambda: gabor.gabor_bank([])),
        (ValueError, "sigmas: got 2 sigmas for 1 frequencies",
         lambda: gabor.gabor_bank([0.2], 2, [1.0, 2.0])),
        (ValueError, "frequency (cycles per pixel) must be", lambda: gabor.gabor_bank([NAN])),
    ],
    "gabor.gabor_response": [
        (TypeError, "images must hold real numbers", lambda: gabor.gabor_response("im", GABOR)),
        (TypeError, "kernel must hold numbers", lambda: gabor.gabor_response(GREY, "k")),
        (ValueError, "images must be finite, got nan",
         lambda: gabor.gabor_response(spoiled((6, 6)), GABOR)),
        (ValueError, "images must not be empty",
         lambda: gabor.gabor_response(np.ones((0, 6)), GABOR)),
        (ValueError, "kernel must be a 2-D array with odd sides",
         lambda: gabor.gabor_response(GREY, np.ones((2, 2)))),
    ],
    "gabor.gabor_magnitude": [
        (TypeError, "images must hold real numbers", lambda: gabor.gabor_magnitude(None, GABOR)),
        (ValueError, "images must be finite, got inf",
         lambda: gabor.gabor_magnitude(spoiled((6, 6), INF), GABOR)),
        (ValueError, "images must not be empty",
         lambda: gabor.gabor_magnitude(np.ones((2, 0, 6)), GABOR)),
    ],
    "gabor.bank_magnitudes": [
        (TypeError, "bank must be a list of GaborFilter objects",
         lambda: gabor.bank_magnitudes(GREY, BANK[0])),
        (ValueError, "images must be finite", lambda: gabor.bank_magnitudes(spoiled((6, 6)), BANK)),
        (ValueError, "bank: the bank is empty", lambda: gabor.bank_magnitudes(GREY, [])),
    ],
    "gabor.average_pool": [
        (TypeError, "maps must hold real numbers", lambda: gabor.average_pool("maps", 2)),
        (TypeError, "grid must be a positive integer, got 2.0",
         lambda: gabor.average_pool(np.ones((1, 4, 4)), 2.0)),
        (ValueError, "maps must be finite", lambda: gabor.average_pool(spoiled((1, 4, 4)), 2)),
        (ValueError, "maps must not be empty", lambda: gabor.average_pool(np.ones((0, 4, 4)), 2)),
        (ValueError, "grid=3 does not divide", lambda: gabor.average_pool(np.ones((1, 4, 4)), 3)),
    ],
    "gabor.bank_features": [
        (TypeError, "images must hold real numbers", lambda: gabor.bank_features("x", BANK, 2)),
        (TypeError, "batch_size must be a positive integer, got 1.5",
         lambda: gabor.bank_features(np.ones((1, 4, 4)), BANK, 2, 1.5)),
        (ValueError, "images must be finite, got nan",
         lambda: gabor.bank_features(spoiled((1, 4, 4)), BANK, 2)),
        (ValueError, "images must not be empty, got shape (0, 4, 4)",
         lambda: gabor.bank_features(np.ones((0, 4, 4)), BANK, 2)),
        (ValueError, "grid must be a positive integer, got -1",
         lambda: gabor.bank_features(np.ones((1, 4, 4)), BANK, -1)),
    ],
    # --- plots ----------------------------------------------------------------------------
    "plots.new_figure": [
        (TypeError, "nrows must be a positive integer, got '1'", lambda: plots.new_figure("1", 1)),
        (ValueError, "size must be a positive number, got nan",
         lambda: plots.new_figure(1, 1, NAN)),
        (ValueError, "ncols must be a positive integer, got 0", lambda: plots.new_figure(1, 0)),
    ],
    "plots.plot_image": [
        (TypeError, "image must hold real numbers", lambda: plots.plot_image(ax(), "image")),
        (ValueError, "image must be finite, got inf at index (0, 0) (NaN is accepted)",
         lambda: plots.plot_image(ax(), spoiled((4, 4), INF))),
        (ValueError, "image must not be empty", lambda: plots.plot_image(ax(), np.ones((4, 0)))),
        (ValueError, "image must be (h, w), (h, w, 1), (h, w, 3) or (h, w, 4), got shape (4, 4, 2)",
         lambda: plots.plot_image(ax(), np.ones((4, 4, 2)))),
    ],
    "plots.format_number": [
        (TypeError, "value must be a finite number, got '3'", lambda: plots.format_number("3")),
        (ValueError, "value must be a finite number, got nan", lambda: plots.format_number(NAN)),
        (ValueError, "value must be a finite number, got inf", lambda: plots.format_number(INF)),
    ],
    "plots.plot_kernel": [
        (TypeError, "kernel must hold real numbers", lambda: plots.plot_kernel(ax(), "k")),
        (ValueError, "kernel must be finite", lambda: plots.plot_kernel(ax(), spoiled((3, 3)))),
        (ValueError, "kernel must not be empty", lambda: plots.plot_kernel(ax(), np.ones((0, 3)))),
        (ValueError, "a kernel must be 2-D, got shape (3,)",
         lambda: plots.plot_kernel(ax(), [1, 2, 3])),
    ],
    "plots.image_grid": [
        (TypeError, "images must be a list, one per image", lambda: plots.image_grid(3)),
        (TypeError, "titles must be a list, one per image, got 'ab'",
         lambda: plots.image_grid([GREY, GREY], titles="ab")),
        (ValueError, "images: image_grid needs at least one image", lambda: plots.image_grid([])),
        (ValueError, "image must be finite", lambda: plots.image_grid([spoiled((4, 4), INF)])),
        (ValueError, "ncols must be a positive integer, got 0",
         lambda: plots.image_grid([GREY], ncols=0)),
    ],
    "plots.plot_history": [
        (TypeError, "histories must be a mapping", lambda: plots.plot_history([{"loss": [1.0]}])),
        (TypeError, "metrics must be a non-empty list of metric names",
         lambda: plots.plot_history({"run": {"loss": [1.0]}}, metrics="loss")),
        (ValueError, "histories: plot_history needs at least one history",
         lambda: plots.plot_history({})),
        (ValueError, "metrics must be a non-empty list",
         lambda: plots.plot_history({"run": {"loss": [1.0]}}, metrics=[])),
    ],
    "plots.plot_confusion": [
        (TypeError, "class_names must be a non-empty list of names, got 'ab'",
         lambda: plots.plot_confusion(ax(), [0], [0], "ab")),
        (TypeError, "y_true must hold real numbers",
         lambda: plots.plot_confusion(ax(), ["a"], [0], ["a", "b"])),
        (ValueError, "y_pred must be finite",
         lambda: plots.plot_confusion(ax(), [0], [NAN], ["a"])),
        (ValueError, "y_true must not be empty", lambda: plots.plot_confusion(ax(), [], [], ["a"])),
        (ValueError, "y_true must hold class indices 0 to 1, got values from 0 to 2",
         lambda: plots.plot_confusion(ax(), [0, 2], [0, 1], ["a", "b"])),
    ],
    "plots.plot_top_predictions": [
        (TypeError, "predictions must be a list of (label, probability) rows",
         lambda: plots.plot_top_predictions(ax(), [("cat", "0.5")])),
        (ValueError, "predictions: probabilities must lie in [0, 1], got [nan]",
         lambda: plots.plot_top_predictions(ax(), [("cat", NAN)])),
        (ValueError, "predictions: plot_top_predictions needs at least one prediction",
         lambda: plots.plot_top_predictions(ax(), [])),
        (ValueError, "predictions: probabilities must lie in [0, 1], got [1.5]",
         lambda: plots.plot_top_predictions(ax(), [("cat", 1.5)])),
    ],
    # --- stats ----------------------------------------------------------------------------
    "stats.binomial_two_sided_p": [
        (TypeError, "successes must be an integer", lambda: stats.binomial_two_sided_p(1.0, 3)),
        (TypeError, "trials must be an integer", lambda: stats.binomial_two_sided_p(1, NAN)),
        (ValueError, "trials must be an integer >= 0, got -1",
         lambda: stats.binomial_two_sided_p(0, -1)),
        (ValueError, "successes must be an integer from 0 to 3, got 4",
         lambda: stats.binomial_two_sided_p(4, 3)),
    ],
    "stats.mcnemar_exact": [
        (TypeError, "correct_a must be booleans or 0/1 integers",
         lambda: stats.mcnemar_exact([0.5, NAN], [1, 0])),
        (TypeError, "correct_b must be booleans or 0/1 integers",
         lambda: stats.mcnemar_exact([1, 0], "10")),
        (ValueError, "correct_a must not be empty", lambda: stats.mcnemar_exact([], [])),
        (ValueError, "correct_b must hold only 0 and 1", lambda: stats.mcnemar_exact([1], [2])),
    ],
    "stats.verdict": [
        (TypeError, "result must be a McNemarResult", lambda: stats.verdict((1, 2, 0.5))),
        (TypeError, "alpha must be a number in (0, 1), got '0.05'",
         lambda: stats.verdict(stats.McNemarResult(1, 2, 0.5), "0.05")),
        (ValueError, "alpha must be a number in (0, 1), got nan",
         lambda: stats.verdict(stats.McNemarResult(1, 2, 0.5), NAN)),
        (ValueError, "alpha must be a number in (0, 1), got 1",
         lambda: stats.verdict(stats.McNemarResult(1, 2, 0.5), 1)),
    ],
}
