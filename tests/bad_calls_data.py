"""Rows of the validation table (tests/test_validation_table.py): data, cache, run set-up and
the explorers (as :mod:`bad_calls_arrays`)."""

import numpy as np
from bad_calls_arrays import INF, NAN, spoiled
from bad_calls_models import GREY, K3, NOWHERE, tiny

from course_utils import config, data, explorers, figure_alt, keras_cache, training

RGB = np.full((8, 8, 3), 100.0)


def read(path):
    return path.read_bytes()


ROWS = {
    # --- data -----------------------------------------------------------------------------
    "data.seed_keras_cache": [
        (TypeError, "src must be a path", lambda: data.seed_keras_cache(3, NOWHERE)),
        (TypeError, "dest must be a path", lambda: data.seed_keras_cache(None, 3)),
        (TypeError, "fashion_mnist_dir must be a path",
         lambda: data.seed_keras_cache(None, NOWHERE, fashion_mnist_dir=1)),
        (ValueError, "is not laid out like a Keras cache", lambda: data.seed_keras_cache(
            NOWHERE, NOWHERE + "-dest", None)),
    ],
    "data.mnist_sample_split": [
        (TypeError, "images must hold real numbers",
         lambda: data.mnist_sample_split("x", np.zeros(10))),
        (TypeError, "seed must be an integer >= 0, got 0.5",
         lambda: data.mnist_sample_split(np.zeros((10, 784)), np.zeros(10), seed=0.5)),
        (ValueError, "images must be finite",
         lambda: data.mnist_sample_split(np.full((10, 784), INF), np.zeros(10))),
        (ValueError, "labels must not be empty",
         lambda: data.mnist_sample_split(np.zeros((10, 784)), [])),
        (ValueError, "test_fraction must be a number in (0, 1), got nan",
         lambda: data.mnist_sample_split(np.zeros((10, 784)), np.zeros(10), NAN)),
    ],
    "data.split_cats_vs_dogs": [
        (TypeError, "original must be a path", lambda: data.split_cats_vs_dogs(None, NOWHERE)),
        (TypeError, "n_test must be a positive integer, got 2.5",
         lambda: data.split_cats_vs_dogs(NOWHERE, NOWHERE, 2.5)),
        (ValueError, "n_test must be a positive integer, got 0",
         lambda: data.split_cats_vs_dogs(NOWHERE, NOWHERE, 0)),
    ],
    "data.split_sizes": [
        (TypeError, "base_dir must be a path", lambda: data.split_sizes(3)),
        (ValueError, f"base_dir {NOWHERE} is not a cats-vs-dogs layout",
         lambda: data.split_sizes(NOWHERE)),
    ],
    "data.cats_vs_dogs_datasets": [
        (TypeError, "image_size must be a positive integer, got '64'",
         lambda: data.cats_vs_dogs_datasets("64")),
        (TypeError, "limit must be a positive integer, got nan",
         lambda: data.cats_vs_dogs_datasets(64, limit=NAN)),
        (ValueError, "batch_size must be a positive integer, got 0",
         lambda: data.cats_vs_dogs_datasets(64, 0)),
    ],
    "data.photo_path": [
        (TypeError, "name must be a photo's name (a string), got ['elephant']",
         lambda: data.photo_path(["elephant"])),
        (ValueError, "unknown photo 'zebra'", lambda: data.photo_path("zebra")),
    ],
    "data.load_photo": [
        (TypeError, "name must be a photo's name (a string), got None",
         lambda: data.load_photo(None)),
        (ValueError, "unknown photo 'zebra'", lambda: data.load_photo("zebra")),
    ],
    # --- keras_cache ----------------------------------------------------------------------
    "keras_cache.read_cached": [
        (TypeError, "path must be a path", lambda: keras_cache.read_cached(3, read)),
        (TypeError, "read must be a function of the path",
         lambda: keras_cache.read_cached(NOWHERE, "imread")),
        (FileNotFoundError, f"path {NOWHERE} is not a file",
         lambda: keras_cache.read_cached(NOWHERE, read)),
    ],
    "keras_cache.copy_if_changed": [
        (TypeError, "source must be a path", lambda: keras_cache.copy_if_changed(None, NOWHERE)),
        (TypeError, "target must be a path", lambda: keras_cache.copy_if_changed(NOWHERE, 3)),
        (FileNotFoundError, f"source {NOWHERE} is not a file",
         lambda: keras_cache.copy_if_changed(NOWHERE, NOWHERE + "-copy")),
    ],
    "keras_cache.get_file": [
        (TypeError, "fname must be a non-empty string, got None",
         lambda: keras_cache.get_file(None, "http://127.0.0.1:9/x")),
        (ValueError, "origin must be a non-empty string, got ''",
         lambda: keras_cache.get_file("x.zip", "")),
    ],
    # --- config and training --------------------------------------------------------------
    "config.seed_everything": [
        (TypeError, "seed must be an integer from 0 to 4294967295, got '3'",
         lambda: config.seed_everything("3")),
        (ValueError, "seed must be an integer from 0 to 4294967295, got -1",
         lambda: config.seed_everything(-1)),
    ],
    "training.save_history": [
        (TypeError, "history must be", lambda: training.save_history(3, NOWHERE)),
        (TypeError, "path must be", lambda: training.save_history({"loss": [1.0]}, 3)),
        (TypeError, "history['loss'] must hold real numbers",
         lambda: training.save_history({"loss": ["a"]}, NOWHERE)),
        (FileNotFoundError, NOWHERE,
         lambda: training.save_history({"loss": [1.0]}, f"{NOWHERE}/history.json")),
    ],
    "training.load_history": [
        (TypeError, "path must be", lambda: training.load_history(None)),
        (FileNotFoundError, NOWHERE, lambda: training.load_history(NOWHERE)),
    ],
    "figure_alt.describe": [
        (TypeError, "fig must be a matplotlib Figure, got str", lambda: figure_alt.describe("f")),
        (TypeError, "fig must be a matplotlib Figure, got NoneType",
         lambda: figure_alt.describe(None)),
    ],
    "figure_alt.register": [
        (TypeError, "shell must be an IPython shell", lambda: figure_alt.register("shell")),
    ],
    "training.smooth": [
        (TypeError, "factor must be", lambda: training.smooth([1.0], "0.5")),
        (TypeError, "values must hold real numbers", lambda: training.smooth(["a"])),
        (ValueError, "factor must be a number in [0, 1), got nan",
         lambda: training.smooth([1.0], NAN)),
        (ValueError, "cannot smooth a curve containing inf", lambda: training.smooth([INF])),
    ],
    "training.saved_model_file": [
        (TypeError, "name must be a string, got 3", lambda: training.saved_model_file(3, "ch")),
        (ValueError, "made_by must not be empty", lambda: training.saved_model_file("m", " ")),
    ],
    # --- explorers ------------------------------------------------------------------------
    "explorers.augmentation_layers": [
        (TypeError, "flip must be True or False, got 'yes'",
         lambda: explorers.augmentation_layers(flip="yes")),
        (ValueError, "rotation must be a number in [0, 1], got nan",
         lambda: explorers.augmentation_layers(rotation=NAN)),
        (ValueError, "zoom must be a number in [0, 1], got -0.5",
         lambda: explorers.augmentation_layers(zoom=-0.5)),
    ],
    "explorers.augment": [
        (TypeError, "image must hold real numbers", lambda: explorers.augment("x", 2)),
        (TypeError, "copies must be a positive integer, got 2.0",
         lambda: explorers.augment(RGB, 2.0)),
        (ValueError, "rotation must be a number in [0, 1], got nan",
         lambda: explorers.augment(RGB, 2, rotation=NAN)),
        (ValueError, "shear must be a number in [0, 1], got inf",
         lambda: explorers.augment(RGB, 2, shear=INF)),
        (ValueError, "image must not be empty", lambda: explorers.augment(np.ones((0, 8, 3)), 2)),
        (ValueError, "image must be RGB (h, w, 3)", lambda: explorers.augment(GREY, 2)),
    ],
    "explorers.draw_augmentations": [
        (TypeError, "image must hold real numbers", lambda: explorers.draw_augmentations(None)),
        (ValueError, "image must be finite", lambda: explorers.draw_augmentations(
            spoiled((8, 8, 3)))),
        (ValueError, "translation must be a number in [0, 1], got 2",
         lambda: explorers.draw_augmentations(RGB, 2, translation=2)),
    ],
    "explorers.augmentation_grid": [
        (TypeError, "steps must hold real numbers", lambda: explorers.augmentation_grid("abc")),
        (TypeError, "each seed must be an integer, got 0.5",
         lambda: explorers.augmentation_grid(seeds=[0.5])),
        (ValueError, "steps must be finite", lambda: explorers.augmentation_grid([NAN])),
        (ValueError, "steps must not be empty", lambda: explorers.augmentation_grid([])),
        (ValueError, "each of steps and start must be a number in [0, 0.5], got 0.9",
         lambda: explorers.augmentation_grid(start=0.9)),
    ],
    "explorers.augmentation_explorer": [
        (TypeError, "images must be a mapping", lambda: explorers.augmentation_explorer([RGB])),
        (ValueError, "needs at least one image", lambda: explorers.augmentation_explorer({})),
        (ValueError, "image 'a' must not be empty",
         lambda: explorers.augmentation_explorer({"a": np.zeros((0, 5, 3))})),
        (ValueError, "image 'a' must be finite",
         lambda: explorers.augmentation_explorer({"a": spoiled((8, 8, 3))})),
    ],
    "explorers.grey_image": [
        (TypeError, "image 'a' must hold real numbers", lambda: explorers.grey_image("a", "x")),
        (ValueError, "image 'a' must not be empty",
         lambda: explorers.grey_image("a", np.zeros((0, 5)))),
        (ValueError, "image 'a' must be finite",
         lambda: explorers.grey_image("a", spoiled((4, 4)))),
        (ValueError, "image 'a' must be 2-D (grey)", lambda: explorers.grey_image("a", RGB)),
    ],
    "explorers.prepare_drawing": [
        (TypeError, "ink must hold real numbers", lambda: explorers.prepare_drawing("x")),
        (ValueError, "ink must not be empty", lambda: explorers.prepare_drawing(np.zeros((0, 3)))),
        (ValueError, "ink must be finite", lambda: explorers.prepare_drawing(spoiled((4, 4)))),
        (ValueError, "ink must lie in [0, 1]", lambda: explorers.prepare_drawing(GREY * 2)),
    ],
    "explorers.digit_explorer": [
        (TypeError, "digits must hold real numbers", lambda: explorers.digit_explorer(None, "x")),
        (TypeError, "model must be a keras.Sequential",
         lambda: explorers.digit_explorer(None, np.zeros((1, 28, 28)))),
        (ValueError, "digits must be finite",
         lambda: explorers.digit_explorer(None, spoiled((1, 28, 28)))),
        (ValueError, "digits must be 1 to 10 images of 28x28",
         lambda: explorers.digit_explorer(None, np.zeros((1, 27, 27)))),
    ],
    "explorers.draw_gabor_view": [
        (TypeError, "images must be a mapping",
         lambda: explorers.draw_gabor_view([GREY], 0.2, 0.0, 1.0)),
        (TypeError, "frequency (cycles per pixel) must be",
         lambda: explorers.draw_gabor_view({"a": GREY}, "0.2", 0.0, 1.0)),
        (ValueError, "theta (radians) must be a finite number, got nan",
         lambda: explorers.draw_gabor_view({"a": GREY}, 0.2, NAN, 1.0)),
        (ValueError, "image 'a' must not be empty",
         lambda: explorers.draw_gabor_view({"a": np.ones((0, 4))}, 0.2, 0.0, 1.0)),
    ],
    "explorers.gabor_explorer": [
        (TypeError, "frequency must be a number in [0.05, 0.5], got '0.2'",
         lambda: explorers.gabor_explorer({"a": GREY}, "0.2")),
        (ValueError, "sigma must be a number in [1, 8], got nan",
         lambda: explorers.gabor_explorer({"a": GREY}, sigma=NAN)),
        (ValueError, "image 'a' must be finite",
         lambda: explorers.gabor_explorer({"a": spoiled((4, 4), INF)})),
        (ValueError, "image 'a' must not be empty",
         lambda: explorers.gabor_explorer({"a": np.ones((4, 0))})),
    ],
    "explorers.draw_gradcam_view": [
        (TypeError, "photo 'photo' must hold real numbers",
         lambda: explorers.draw_gradcam_view(tiny(), "x", "conv_b")),
        (TypeError, "model must be a keras.Model",
         lambda: explorers.draw_gradcam_view(None, RGB, "conv_b")),
        (ValueError, "photo 'photo' must be finite",
         lambda: explorers.draw_gradcam_view(tiny(), spoiled((8, 8, 3)), "conv_b")),
        (ValueError, "photo 'photo' must not be empty",
         lambda: explorers.draw_gradcam_view(tiny(), np.ones((0, 8, 3)), "conv_b")),
    ],
    "explorers.gradcam_explorer": [
        (TypeError, "photos must be a mapping",
         lambda: explorers.gradcam_explorer(tiny(), [RGB], ["conv_b"])),
        (TypeError, "top must be an integer from 1 to 20, got 5.0",
         lambda: explorers.gradcam_explorer(tiny(), {"a": RGB}, ["conv_b"], top=5.0)),
        (ValueError, "photo 'a' must not be empty",
         lambda: explorers.gradcam_explorer(tiny(), {"a": np.ones((0, 8, 3))}, ["conv_b"])),
        (ValueError, "photo 'a' must be finite",
         lambda: explorers.gradcam_explorer(tiny(), {"a": spoiled((8, 8, 3))}, ["conv_b"])),
    ],
    "explorers.output_limits": [
        (TypeError, "output must hold real numbers", lambda: explorers.output_limits("o", K3)),
        (ValueError, "output must be finite", lambda: explorers.output_limits(spoiled((3, 3)), K3)),
        (ValueError, "output must not be empty",
         lambda: explorers.output_limits(np.ones((0, 3)), K3)),
        (ValueError, "kernel must be 2-D", lambda: explorers.output_limits(GREY, [1.0])),
    ],
    "explorers.draw_kernel_view": [
        (TypeError, "kernel must hold real numbers", lambda: explorers.draw_kernel_view(GREY, "k")),
        (ValueError, "image must be finite", lambda: explorers.draw_kernel_view(
            spoiled((6, 6)), K3)),
        (ValueError, "image must not be empty",
         lambda: explorers.draw_kernel_view(np.ones((0, 6)), K3)),
        (ValueError, "padding must be 'valid' or 'same', got 'full'",
         lambda: explorers.draw_kernel_view(GREY, K3, padding="full")),
    ],
    "explorers.kernel_explorer": [
        (TypeError, "images must be a mapping", lambda: explorers.kernel_explorer(GREY)),
        (TypeError, "padding must be one of ('valid', 'same'), got None",
         lambda: explorers.kernel_explorer({"x": GREY}, padding=None)),
        (ValueError, "image 'x' must not be empty, got shape (0, 5)",
         lambda: explorers.kernel_explorer({"x": np.zeros((0, 5))})),
        (ValueError, "image 'x' must be finite",
         lambda: explorers.kernel_explorer({"x": spoiled((5, 5))})),
    ],
    "explorers.window_coverage": [
        (TypeError, "input size n must be an integer, got '5'",
         lambda: explorers.window_coverage("5", 3)),
        (ValueError, "sizes must be positive, got input 0 and kernel 3",
         lambda: explorers.window_coverage(0, 3)),
    ],
    "explorers.draw_windows": [
        (TypeError, "padding must be 'valid' or 'same', got None",
         lambda: explorers.draw_windows(5, 3, None)),
        (ValueError, "a 7-wide kernel does not fit in a 5-wide input",
         lambda: explorers.draw_windows(5, 7)),
    ],
    "explorers.padding_stride_explorer": [
        (TypeError, "n must be an integer from 1 to 9, got nan",
         lambda: explorers.padding_stride_explorer(n=NAN)),
        (TypeError, "padding must be one of ('valid', 'same'), got None",
         lambda: explorers.padding_stride_explorer(padding=None)),
        (ValueError, "stride must be an integer from 1 to 4, got 0",
         lambda: explorers.padding_stride_explorer(stride=0)),
    ],
    "explorers.photo_explorer": [
        (TypeError, "alpha must be a number in [0, 1], got '0.5'",
         lambda: explorers.photo_explorer("0.5")),
        (ValueError, "alpha must be a number in [0, 1], got nan",
         lambda: explorers.photo_explorer(NAN)),
    ],
    "explorers.training_explorer": [
        (TypeError, "filters must be 4, 8 or 16, got '8'",
         lambda: explorers.training_explorer(filters="8")),
        (ValueError, "kernel_size must be 3 or 5, got 7",
         lambda: explorers.training_explorer(kernel_size=7)),
        (ValueError, "learning_rate must be a number in [0.001, 0.02], got nan",
         lambda: explorers.training_explorer(learning_rate=NAN)),
        (TypeError, "batch_size must be an integer from 8 to 128, got 32.0",
         lambda: explorers.training_explorer(batch_size=32.0)),
        (ValueError, "seed must be an integer from 0 to 4294967295, got -1",
         lambda: explorers.training_explorer(seed=-1)),
        (ValueError, "epsilon must be a number in [0, 0.3], got inf",
         lambda: explorers.training_explorer(epsilon=INF)),
        (ValueError, "digit must be an integer from 0 to 999, got 1000",
         lambda: explorers.training_explorer(digit=1000)),
    ],
    "explorers.convolution_step": [
        (TypeError, "position must be an integer, got '1'",
         lambda: explorers.convolution_step(GREY, K3, "1")),
        (TypeError, "image must hold real numbers", lambda: explorers.convolution_step("x", K3, 1)),
        (ValueError, "image must be finite",
         lambda: explorers.convolution_step(spoiled((6, 6)), K3, 1)),
        (ValueError, "position must be in 0..15 for a 4x4 output, got 16",
         lambda: explorers.convolution_step(GREY, K3, 16)),
    ],
    "explorers.draw_convolution_step": [
        (TypeError, "position must be an integer, got 1.5",
         lambda: explorers.draw_convolution_step(GREY, K3, 1.5)),
        (ValueError, "kernel must not be empty",
         lambda: explorers.draw_convolution_step(GREY, np.ones((0, 3)), 1)),
        (ValueError, "position must be in 0..15 for a 4x4 output, got -1",
         lambda: explorers.draw_convolution_step(GREY, K3, -1)),
    ],
    "explorers.convolution_stepper": [
        (TypeError, "position must be an integer, got '1'",
         lambda: explorers.convolution_stepper(GREY, K3, position="1")),
        (TypeError, "kernel must hold real numbers",
         lambda: explorers.convolution_stepper(GREY, None)),
        (ValueError, "image 'image' must not be empty",
         lambda: explorers.convolution_stepper(np.ones((0, 5)), K3)),
        (ValueError, "kernel must be finite",
         lambda: explorers.convolution_stepper(GREY, spoiled((3, 3), INF))),
    ],
}
