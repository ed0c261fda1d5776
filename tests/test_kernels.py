import numpy as np
import pytest

from course_utils import kernels


@pytest.mark.parametrize(("n", "k", "padding", "stride", "expected"), [
    (5, 3, "valid", 1, 3), (5, 3, "same", 1, 5), (5, 3, "valid", 2, 2), (5, 3, "same", 2, 3),
    (28, 3, "valid", 1, 26), (26, 2, "valid", 2, 13), (7, 7, "valid", 1, 1), (6, 4, "same", 3, 2),
])
def test_output_size(n, k, padding, stride, expected):
    assert kernels.output_size(n, k, padding, stride) == expected


def test_output_size_matches_keras_on_a_grid():
    import keras

    for n in (5, 6, 9):
        for k in (1, 2, 3, 5):
            for padding in kernels.PADDINGS:
                for stride in (1, 2, 3):
                    if padding == "valid" and k > n:
                        continue
                    layer = keras.layers.Conv2D(1, k, strides=stride, padding=padding)
                    shape = layer.compute_output_shape((1, n, n, 1))
                    assert shape[1] == kernels.output_size(n, k, padding, stride), \
                        (n, k, padding, stride)


@pytest.mark.parametrize(("n", "k", "stride", "expected"), [
    (5, 3, 1, (1, 1)), (5, 5, 1, (2, 2)), (6, 4, 1, (1, 2)), (6, 3, 2, (0, 1)), (5, 3, 2, (1, 1)),
    (4, 1, 1, (0, 0)),
])
def test_same_padding(n, k, stride, expected):
    assert kernels.same_padding(n, k, stride) == expected


def test_same_padding_matches_tensorflow():
    import tensorflow as tf

    rng = np.random.default_rng(0)
    for n, k, stride in [(6, 3, 2), (7, 4, 2), (6, 4, 1), (9, 5, 3)]:
        x = rng.normal(size=(1, n, n, 1)).astype("float32")
        w = rng.normal(size=(k, k, 1, 1)).astype("float32")
        same = tf.nn.conv2d(x, w, stride, "SAME").numpy()
        before, after = kernels.same_padding(n, k, stride)
        padded = np.pad(x, ((0, 0), (before, after), (before, after), (0, 0)))
        valid = tf.nn.conv2d(padded, w, stride, "VALID").numpy()
        np.testing.assert_allclose(same, valid, atol=1e-5)


@pytest.mark.parametrize(("args", "message"), [
    ((5, 3, "full", 1), "padding must be 'valid' or 'same', got 'full'"),
    ((5, 3, "valid", 0), "stride must be at least 1, got 0"),
    ((5, 0, "valid", 1), "sizes must be positive, got input 5 and kernel 0"),
    ((3, 5, "valid", 1), "a 5-wide kernel does not fit in a 3-wide input with padding='valid'"),
])
def test_bad_windows_say_what_is_wrong(args, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        kernels.output_size(*args)
