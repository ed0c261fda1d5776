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


# --- convolve2d: the NumPy reference convolution ----------------------------------------------


def random_pair(shape, kernel_shape, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=shape), rng.normal(size=kernel_shape)


def test_convolve2d_by_hand_on_a_tiny_image():
    image = np.array([[1, 2, 0], [0, 1, 3], [4, 0, 1]])
    kernel = np.array([[1, 0], [0, -1]])
    # Each output is image[r, c] - image[r + 1, c + 1]: no flip of the kernel.
    expected = np.array([[1 - 1, 2 - 3], [0 - 0, 1 - 1]])
    out = kernels.convolve2d(image, kernel)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, expected)


def test_convolve2d_is_cross_correlation_not_flipped_convolution():
    image, kernel = random_pair((6, 7), (3, 3))
    from scipy import signal

    flipped = signal.convolve2d(image, kernel, mode="valid")
    assert not np.allclose(kernels.convolve2d(image, kernel), flipped)
    np.testing.assert_allclose(kernels.convolve2d(image, kernel[::-1, ::-1]), flipped)


@pytest.mark.parametrize(("shape", "kernel_shape"), [
    ((9, 9), (3, 3)), ((8, 13), (3, 5)), ((10, 7), (2, 4)), ((5, 5), (5, 5)), ((6, 4), (1, 1)),
])
def test_convolve2d_valid_matches_scipy(shape, kernel_shape):
    from scipy import signal

    image, kernel = random_pair(shape, kernel_shape)
    np.testing.assert_allclose(kernels.convolve2d(image, kernel),
                               signal.correlate2d(image, kernel, mode="valid"), atol=1e-12)


@pytest.mark.parametrize(("shape", "kernel_shape"), [
    ((9, 9), (3, 3)), ((8, 13), (3, 5)), ((7, 11), (5, 5)), ((4, 6), (1, 3)),
])
def test_convolve2d_same_matches_scipy_for_odd_kernels(shape, kernel_shape):
    from scipy import signal

    image, kernel = random_pair(shape, kernel_shape)
    np.testing.assert_allclose(kernels.convolve2d(image, kernel, padding="same"),
                               signal.correlate2d(image, kernel, mode="same"), atol=1e-12)


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("kernel_shape", [(3, 3), (4, 4), (2, 3), (5, 2)])
def test_convolve2d_matches_tensorflow(padding, stride, kernel_shape):
    import tensorflow as tf

    for seed, shape in enumerate([(9, 13), (10, 7), (6, 6)]):
        image, kernel = random_pair(shape, kernel_shape, seed)
        expected = tf.nn.conv2d(image[None, :, :, None].astype("float32"),
                                kernel[:, :, None, None].astype("float32"),
                                stride, padding.upper()).numpy()[0, :, :, 0]
        ours = kernels.convolve2d(image, kernel, padding, stride)
        assert ours.shape == expected.shape, (shape, kernel_shape)
        np.testing.assert_allclose(ours, expected, atol=1e-4)


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_convolve2d_output_shape_matches_output_size(padding, stride):
    for (h, w), (kh, kw) in [((28, 28), (3, 3)), ((7, 12), (4, 2)), ((5, 9), (5, 1))]:
        out = kernels.convolve2d(np.ones((h, w)), np.ones((kh, kw)), padding, stride)
        assert out.shape == (kernels.output_size(h, kh, padding, stride),
                             kernels.output_size(w, kw, padding, stride))


def test_convolve2d_same_pads_with_zeros_and_the_odd_pixel_after():
    # A 2x2 window of ones on a 3x3 image of ones: the last row and column see the padding.
    out = kernels.convolve2d(np.ones((3, 3)), np.ones((2, 2)), padding="same")
    np.testing.assert_array_equal(out, [[4, 4, 2], [4, 4, 2], [2, 2, 1]])


def test_convolve2d_accepts_lists_and_integers():
    out = kernels.convolve2d([[1, 2], [3, 4]], [[1]])
    np.testing.assert_array_equal(out, [[1.0, 2.0], [3.0, 4.0]])
    assert out.dtype == np.float64


@pytest.mark.parametrize(("image", "kernel", "kwargs", "message"), [
    (np.ones((4, 4, 3)), np.ones((3, 3)), {},
     r"image must be 2-D \(grey\), got shape \(4, 4, 3\); convert a colour photo"),
    (np.ones((4, 4)), np.ones(3), {}, r"kernel must be 2-D, got shape \(3,\)"),
    (np.ones((4, 4)), np.ones((3, 3)), {"stride": 0}, "stride must be at least 1, got 0"),
    (np.ones((4, 4)), np.ones((3, 3)), {"padding": "full"},
     "padding must be 'valid' or 'same', got 'full'"),
    (np.ones((3, 8)), np.ones((5, 5)), {},
     r"a 5-wide kernel does not fit in a 3-wide input with padding='valid'; use a smaller "
     r"kernel or padding='same' \(along the height: image \(3, 8\), kernel \(5, 5\)\)"),
    (np.ones((8, 3)), np.ones((2, 4)), {},
     r"a 4-wide kernel does not fit in a 3-wide input .* \(along the width"),
])
def test_convolve2d_says_what_is_wrong(image, kernel, kwargs, message):
    with pytest.raises(ValueError, match=message):
        kernels.convolve2d(image, kernel, **kwargs)


def test_convolve2d_same_accepts_a_kernel_larger_than_the_image():
    import tensorflow as tf

    image, kernel = random_pair((3, 4), (5, 5))
    expected = tf.nn.conv2d(image[None, :, :, None].astype("float32"),
                            kernel[:, :, None, None].astype("float32"), 1, "SAME")
    np.testing.assert_allclose(kernels.convolve2d(image, kernel, "same"),
                               expected.numpy()[0, :, :, 0], atol=1e-4)


# --- classic kernels ---------------------------------------------------------------------------


def test_classic_kernels_are_3x3_and_read_only():
    assert len(kernels.CLASSIC_KERNELS) == 13
    for name, kernel in kernels.CLASSIC_KERNELS.items():
        assert kernel.shape == (3, 3), name
        assert not kernel.flags.writeable, name
        with pytest.raises(ValueError):
            kernel[1, 1] = 7.0


@pytest.mark.parametrize("name", ["identity", "box blur", "Gaussian blur", "sharpen", "emboss"])
def test_brightness_keeping_kernels_sum_to_one(name):
    assert kernels.CLASSIC_KERNELS[name].sum() == pytest.approx(1.0)


@pytest.mark.parametrize("name", [
    "horizontal edge", "vertical edge", "diagonal edge \\", "diagonal edge /", "Sobel x",
    "Sobel y", "Laplacian", "outline",
])
def test_edge_kernels_sum_to_zero_and_ignore_flat_regions(name):
    kernel = kernels.CLASSIC_KERNELS[name]
    assert kernel.sum() == pytest.approx(0.0)
    np.testing.assert_allclose(kernels.convolve2d(np.full((6, 6), 9.0), kernel), 0.0)


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8])
def test_blurs_sum_to_one_and_keep_a_flat_image(size):
    for kernel in (kernels.box_blur(size), kernels.gaussian(size, 1.5)):
        assert kernel.shape == (size, size)
        assert kernel.sum() == pytest.approx(1.0)
        np.testing.assert_allclose(kernels.convolve2d(np.full((9, 9), 3.0), kernel), 3.0)


def test_gaussian_is_symmetric_peaks_in_the_centre_and_widens_with_sigma():
    narrow, wide = kernels.gaussian(5, 0.5), kernels.gaussian(5, 2.0)
    for kernel in (narrow, wide):
        np.testing.assert_allclose(kernel, kernel.T)
        np.testing.assert_allclose(kernel, kernel[::-1, ::-1])
        assert kernel.argmax() == 12  # the centre of a 5x5 grid
    assert narrow[2, 2] > wide[2, 2] and narrow[0, 0] < wide[0, 0]


@pytest.mark.parametrize(("call", "message"), [
    (lambda: kernels.gaussian(0), r"size must be a positive integer, got 0"),
    (lambda: kernels.gaussian(3, 0.0), "sigma must be a positive number, got 0.0"),
    (lambda: kernels.box_blur(0), r"size must be a positive integer, got 0"),
])
def test_bad_kernel_parameters_say_what_is_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_identity_leaves_an_image_unchanged():
    image, _ = random_pair((7, 9), (1, 1))
    np.testing.assert_allclose(kernels.convolve2d(image, kernels.IDENTITY, "same"), image)


def test_edge_kernels_point_the_documented_way():
    left_to_right = np.tile([0.0, 0.0, 0.0, 1.0, 1.0, 1.0], (6, 1))  # dark left, bright right
    top_to_bottom = left_to_right.T
    assert kernels.convolve2d(left_to_right, kernels.VERTICAL_EDGE).max() == 3
    assert kernels.convolve2d(left_to_right[:, ::-1], kernels.VERTICAL_EDGE).min() == -3
    assert kernels.convolve2d(left_to_right, kernels.SOBEL_X).max() == 4
    np.testing.assert_allclose(kernels.convolve2d(left_to_right, kernels.HORIZONTAL_EDGE), 0)
    assert kernels.convolve2d(top_to_bottom, kernels.HORIZONTAL_EDGE).max() == 3
    assert kernels.convolve2d(top_to_bottom, kernels.SOBEL_Y).max() == 4
    # A "\" edge, bright above-right, answers one diagonal kernel and not the other.
    upper_right = np.triu(np.ones((6, 6)), 1)
    down = kernels.convolve2d(upper_right, kernels.DIAGONAL_EDGE_DOWN)
    assert down.min() == 0 and down.max() == 3
    np.testing.assert_allclose(kernels.convolve2d(upper_right, kernels.DIAGONAL_EDGE_UP), 0)
    # A "/" edge, bright below-right: the other way round.
    lower_right = np.flipud(upper_right)
    up = kernels.convolve2d(lower_right, kernels.DIAGONAL_EDGE_UP)
    assert up.min() == 0 and up.max() == 3
    np.testing.assert_allclose(kernels.convolve2d(lower_right, kernels.DIAGONAL_EDGE_DOWN), 0)


def test_laplacian_is_zero_on_a_ramp_but_not_on_a_corner():
    ramp = np.tile(np.arange(6.0), (6, 1))
    np.testing.assert_allclose(kernels.convolve2d(ramp, kernels.LAPLACIAN), 0.0)
    assert np.abs(kernels.convolve2d(np.triu(np.ones((6, 6))), kernels.LAPLACIAN)).max() > 0


def test_sharpen_is_identity_plus_the_laplacian_detail():
    np.testing.assert_allclose(kernels.SHARPEN, kernels.IDENTITY - kernels.LAPLACIAN)
