import numpy as np
import pytest

from course_utils import kernels, layers


def _random(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


# --- patches -------------------------------------------------------------------------------


def test_extract_patches_lists_each_window_row_by_row_channels_innermost():
    x = np.arange(5 * 5 * 2).reshape(5, 5, 2)
    patches = layers.extract_patches(x, 3)
    assert patches.shape == (3, 3, 18)
    for i in range(3):
        for j in range(3):
            np.testing.assert_array_equal(patches[i, j], x[i:i + 3, j:j + 3, :].reshape(-1))


def test_extract_patches_steps_by_the_stride_and_pads_same_with_zeros():
    x = np.arange(1, 26, dtype=float).reshape(5, 5, 1)
    strided = layers.extract_patches(x, 3, stride=2)
    assert strided.shape == (2, 2, 9)
    np.testing.assert_array_equal(strided[1, 1], x[2:5, 2:5, 0].reshape(-1))
    same = layers.extract_patches(x, 3, padding="same")
    assert same.shape == (5, 5, 9)
    # the top-left window hangs one pixel over the top and the left: those are zeros
    np.testing.assert_array_equal(same[0, 0].reshape(3, 3), [[0, 0, 0], [0, 1, 2], [0, 6, 7]])


@pytest.mark.parametrize("n", [5, 6, 9])
@pytest.mark.parametrize("k", [1, 2, 3, 4])
@pytest.mark.parametrize("padding", kernels.PADDINGS)
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_extract_patches_shape_follows_the_output_size_formula(n, k, padding, stride):
    patches = layers.extract_patches(np.zeros((2, n, n + 1, 3)), k, stride, padding)
    expected = (2, kernels.output_size(n, k, padding, stride),
                kernels.output_size(n + 1, k, padding, stride), k * k * 3)
    assert patches.shape == expected


# --- equality with Keras ---------------------------------------------------------------------


@pytest.mark.parametrize(("kernel_size", "stride", "padding"), [
    (3, 1, "valid"), (3, 1, "same"), (3, 2, "valid"), (3, 2, "same"),
    (5, 1, "same"), (4, 3, "same"), (2, 2, "valid"), (1, 1, "valid"),
])
def test_conv2d_as_matmul_equals_keras_conv2d(kernel_size, stride, padding):
    import keras

    x = np.random.default_rng(0).uniform(size=(1, 28, 28, 3)).astype("float32")
    layer = keras.layers.Conv2D(8, kernel_size, strides=stride, padding=padding,
                                kernel_initializer=keras.initializers.GlorotUniform(seed=1),
                                bias_initializer=keras.initializers.RandomNormal(seed=2))
    layer.build(x.shape)
    kernel, bias = layer.get_weights()
    assert np.abs(bias).min() > 0  # a bias that takes part in the comparison
    expected = keras.ops.convert_to_numpy(layer(x))
    ours = layers.conv2d_as_matmul(x, kernel, bias, stride=stride, padding=padding)
    assert ours.shape == expected.shape
    np.testing.assert_allclose(ours, expected, atol=1e-5)
    # one image in, one image out
    np.testing.assert_allclose(layers.conv2d_as_matmul(x[0], kernel, bias, stride, padding),
                               expected[0], atol=1e-5)


def test_conv2d_as_matmul_is_not_fooled_by_a_transposed_kernel():
    """The comparison can fail: the same weights in the wrong order give another answer."""
    import keras

    x = _random((1, 10, 10, 3))
    kernel = _random((3, 3, 3, 4), seed=1)
    layer = keras.layers.Conv2D(4, 3, use_bias=False)
    layer.build(x.shape)
    layer.set_weights([kernel])
    expected = keras.ops.convert_to_numpy(layer(x))
    wrong = layers.conv2d_as_matmul(x, kernel.transpose(1, 0, 2, 3))
    assert not np.allclose(wrong, expected, atol=1e-5)


@pytest.mark.parametrize(("pool_size", "stride", "padding"), [
    (2, None, "valid"), (3, None, "valid"), (3, 2, "valid"), (2, 1, "valid"),
    (2, None, "same"), (3, 2, "same"), (3, None, "same"),
])
@pytest.mark.parametrize("mode", layers.POOL_MODES)
def test_pool2d_equals_keras_pooling(pool_size, stride, padding, mode):
    import keras

    x = _random((2, 27, 27, 3))
    cls = keras.layers.MaxPooling2D if mode == "max" else keras.layers.AveragePooling2D
    expected = keras.ops.convert_to_numpy(cls(pool_size, strides=stride, padding=padding)(x))
    ours = layers.pool2d(x, pool_size, stride, mode, padding)
    assert ours.shape == expected.shape
    np.testing.assert_allclose(ours, expected, atol=1e-5)


def test_pool2d_defaults_are_keras_defaults():
    x = np.arange(36.0).reshape(6, 6, 1)
    assert layers.pool2d(x).shape == (3, 3, 1)
    assert layers.pool2d(x, 4).shape == (1, 1, 1)  # the leftover 2 rows are dropped
    assert layers.pool2d(x, 4)[0, 0, 0] == 21.0


# --- receptive fields ------------------------------------------------------------------------


@pytest.mark.parametrize(("stack", "expected"), [
    ([(3, 1)], (3, 1)),
    ([(3, 1)] * 2, (5, 1)),
    ([(3, 1)] * 3, (7, 1)),
    ([(3, 1), (2, 2)], (4, 2)),
    ([(3, 1), (2, 2), (3, 1)], (8, 2)),
    ([(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)], (18, 4)),
    ([(5, 2), (3, 2)], (9, 4)),
    ([(2, 2)] * 3, (8, 8)),
])
def test_receptive_field(stack, expected):
    assert layers.receptive_field(stack) == expected


def _measured_receptive_field(stack, n=40):
    """Side of the input square whose pixels change the centre output unit (a gradient test).

    Convolutions with all-one weights and average pooling keep every path positive, so a pixel
    has a non-zero gradient exactly when it lies in the unit's receptive field.
    """
    import keras
    import tensorflow as tf

    model = keras.Sequential([keras.Input((n, n, 1))])
    for k, s in stack:
        if s == 1:
            model.add(keras.layers.Conv2D(1, k, kernel_initializer="ones", use_bias=False))
        else:
            model.add(keras.layers.AveragePooling2D(k, strides=s))
    x = tf.zeros((1, n, n, 1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = model(x)
        centre = y[0, y.shape[1] // 2, y.shape[2] // 2, 0]
    grad = tape.gradient(centre, x).numpy()[0, :, :, 0]
    rows = np.flatnonzero(grad.any(axis=1))
    cols = np.flatnonzero(grad.any(axis=0))
    assert rows.size and cols.size
    assert rows.max() - rows.min() == cols.max() - cols.min()
    return int(rows.max() - rows.min() + 1)


@pytest.mark.parametrize("stack", [
    [(3, 1)], [(3, 1)] * 2, [(3, 1)] * 3, [(5, 1), (3, 1)],
    [(3, 1), (2, 2), (3, 1)], [(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)],
])
def test_receptive_field_agrees_with_a_gradient_test(stack):
    assert _measured_receptive_field(stack) == layers.receptive_field(stack).size


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("call", "message"), [
    (lambda: layers.extract_patches(np.zeros((5, 5)), 3),
     r"expected an image \(h, w, c\) or a batch \(n, h, w, c\), got an array of shape \(5, 5\)"),
    (lambda: layers.extract_patches(np.zeros((3, 3, 1)), 5),
     "a 5-wide kernel does not fit in a 3-wide input with padding='valid'"),
    (lambda: layers.extract_patches(np.zeros((5, 5, 1)), 3, padding="full"),
     "padding must be 'valid' or 'same', got 'full'"),
    (lambda: layers.extract_patches(np.zeros((5, 5, 1)), 0),
     "kernel_size must be a positive integer, got 0"),
    (lambda: layers.conv2d_as_matmul(np.zeros((5, 5, 1)), np.zeros((3, 3, 1))),
     r"kernel must have Keras's layout \(k, k, c_in, c_out\), got shape \(3, 3, 1\)"),
    (lambda: layers.conv2d_as_matmul(np.zeros((5, 5, 3)), np.zeros((3, 3, 1, 8))),
     r"the kernel expects 1 input channel\(s\), the input has 3"),
    (lambda: layers.conv2d_as_matmul(np.zeros((5, 5, 1)), np.zeros((3, 3, 1, 8)), np.zeros(4)),
     r"bias must have shape \(8,\), got \(4,\)"),
    (lambda: layers.pool2d(np.zeros((4, 4, 1)), mode="min"),
     "mode must be 'max' or 'average', got 'min'"),
    (lambda: layers.pool2d(np.zeros((4, 4, 1)), 2, stride=0),
     "stride must be a positive integer, got 0"),
    (lambda: layers.receptive_field([(3, 0)]),
     "layer 0 stride must be a positive integer, got 0"),
])
def test_bad_input_says_what_is_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call()
