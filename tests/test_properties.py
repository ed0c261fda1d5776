"""Property-based checks of the NumPy twins against the references they claim to equal.

Hypothesis draws shapes, strides, paddings and values; each function is compared with an
independent reference: ``scipy.ndimage.correlate``, TensorFlow's own convolution and pooling,
or a brute-force loop. Few examples each, to keep the run short.
"""

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import ndimage

from course_utils import gabor, kernels, layers

FEW = settings(max_examples=25, deadline=None)
VALUES = st.floats(-10, 10, allow_nan=False, allow_infinity=False, width=32)


@st.composite
def image_and_kernel(draw, odd: bool = False):
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    sides = st.sampled_from([1, 3, 5]) if odd else st.integers(1, 5)
    kh, kw = draw(sides), draw(sides)
    image = draw(arrays(np.float64, (h, w), elements=VALUES))
    kernel = draw(arrays(np.float64, (kh, kw), elements=VALUES))
    return image, kernel


def brute_force_convolve(image, kernel, padding, stride):
    """The definition, one window at a time, padded as TensorFlow pads."""
    (h, w), (kh, kw) = image.shape, kernel.shape
    if padding == "same":
        (top, bottom), (left, right) = kernels.same_padding(h, kh, stride), kernels.same_padding(
            w, kw, stride)
        image = np.pad(image, ((top, bottom), (left, right)))
    rows = range(0, image.shape[0] - kh + 1, stride)
    cols = range(0, image.shape[1] - kw + 1, stride)
    return np.array([[np.sum(image[r:r + kh, c:c + kw] * kernel) for c in cols] for r in rows])


@FEW
@given(image_and_kernel(odd=True))
def test_convolve2d_same_is_scipy_correlate_with_zeros_around(pair):
    image, kernel = pair
    expected = ndimage.correlate(image, kernel, mode="constant", cval=0.0)
    np.testing.assert_allclose(kernels.convolve2d(image, kernel, "same"), expected,
                               rtol=1e-9, atol=1e-9)


@FEW
@given(image_and_kernel(), st.sampled_from(kernels.PADDINGS), st.integers(1, 4))
def test_convolve2d_is_the_brute_force_definition(pair, padding, stride):
    image, kernel = pair
    if padding == "valid" and (kernel.shape[0] > image.shape[0]
                               or kernel.shape[1] > image.shape[1]):
        with pytest.raises(ValueError, match="does not fit"):
            kernels.convolve2d(image, kernel, padding, stride)
        return
    result = kernels.convolve2d(image, kernel, padding, stride)
    np.testing.assert_allclose(result, brute_force_convolve(image, kernel, padding, stride),
                               rtol=1e-9, atol=1e-9)
    assert result.shape == tuple(
        kernels.output_size(n, k, padding, stride)
        for n, k in zip(image.shape, kernel.shape, strict=True))


@settings(max_examples=12, deadline=None)
@given(image_and_kernel(), st.sampled_from(kernels.PADDINGS), st.integers(1, 3))
def test_convolve2d_is_what_tensorflow_computes(pair, padding, stride):
    image, kernel = pair
    if padding == "valid" and (kernel.shape[0] > image.shape[0]
                               or kernel.shape[1] > image.shape[1]):
        return
    expected = tf.nn.conv2d(image[None, :, :, None], kernel[:, :, None, None], stride,
                            padding.upper()).numpy()[0, :, :, 0]
    np.testing.assert_allclose(kernels.convolve2d(image, kernel, padding, stride), expected,
                               rtol=1e-9, atol=1e-9)


@FEW
@given(st.integers(1, 40), st.integers(1, 12), st.integers(1, 6),
       st.sampled_from(kernels.PADDINGS))
def test_output_size_counts_the_window_positions(n, k, stride, padding):
    if padding == "valid" and k > n:
        with pytest.raises(ValueError, match=f"a {k}-wide kernel does not fit in a {n}-wide"):
            kernels.output_size(n, k, padding, stride)
        return
    before, after = kernels.same_padding(n, k, stride) if padding == "same" else (0, 0)
    padded = n + before + after
    positions = [start for start in range(0, padded, stride) if start + k <= padded]
    assert kernels.output_size(n, k, padding, stride) == len(positions)
    if padding == "same":
        assert len(positions) == -(-n // stride) and abs(before - after) <= 1


@st.composite
def batch_and_pool(draw):
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    x = draw(arrays(np.float32, (n, h, w, c), elements=VALUES))
    return x, draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(
        st.sampled_from(kernels.PADDINGS))


@settings(max_examples=20, deadline=None)
@given(batch_and_pool(), st.sampled_from(["max", "average"]))
def test_pool2d_is_what_tensorflow_pooling_computes(case, mode):
    x, k, stride, padding = case
    if padding == "valid" and k > min(x.shape[1:3]):
        with pytest.raises(ValueError, match="does not fit"):
            layers.pool2d(x, k, stride, mode, padding)
        return
    pool = tf.nn.max_pool2d if mode == "max" else tf.nn.avg_pool2d
    expected = pool(x, k, stride, padding.upper()).numpy()
    np.testing.assert_allclose(layers.pool2d(x, k, stride, mode, padding), expected,
                               rtol=1e-5, atol=1e-5)


@settings(max_examples=15, deadline=None)
@given(st.data())
def test_conv2d_as_matmul_is_what_tensorflow_computes(draw):
    h, w = draw.draw(st.integers(1, 7)), draw.draw(st.integers(1, 7))
    c_in, c_out, k = draw.draw(st.integers(1, 3)), draw.draw(st.integers(1, 3)), draw.draw(
        st.integers(1, 3))
    stride, padding = draw.draw(st.integers(1, 3)), draw.draw(st.sampled_from(kernels.PADDINGS))
    x = draw.draw(arrays(np.float32, (h, w, c_in), elements=VALUES))
    kernel = draw.draw(arrays(np.float32, (k, k, c_in, c_out), elements=VALUES))
    bias = draw.draw(arrays(np.float32, (c_out,), elements=VALUES))
    if padding == "valid" and k > min(h, w):
        return
    expected = tf.nn.conv2d(x[None], kernel, stride, padding.upper()).numpy()[0] + bias
    np.testing.assert_allclose(layers.conv2d_as_matmul(x, kernel, bias, stride, padding),
                               expected, rtol=1e-4, atol=1e-3)


@FEW
@given(st.lists(st.tuples(st.integers(1, 7), st.integers(1, 3)), max_size=6))
def test_receptive_field_is_the_backward_count(stack):
    # Backwards from one unit: a layer's k windows, s apart, widen what the layer above sees.
    size = 1
    for k, s in reversed(stack):
        size = (size - 1) * s + k
    jump = int(np.prod([s for _, s in stack])) if stack else 1
    assert layers.receptive_field(stack) == (size, jump)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12), st.floats(0.05, 0.5), st.floats(0, np.pi),
       st.floats(0.6, 3.0), st.integers(0, 2**16))
def test_gabor_response_is_scipy_correlate(h, w, frequency, theta, sigma, seed):
    image = np.random.default_rng(seed).normal(size=(h, w))
    kernel = gabor.gabor_kernel(frequency, theta, sigma)
    response = gabor.gabor_response(image, kernel)
    for part, got in ((kernel.real, response.real), (kernel.imag, response.imag)):
        expected = ndimage.correlate(image, part, mode="constant", cval=0.0)
        np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-9)


@FEW
@given(st.integers(1, 10), st.integers(1, 10), st.data(), st.sampled_from([np.nan, np.inf]))
def test_a_bad_pixel_anywhere_is_named(h, w, draw, bad):
    row, col = draw.draw(st.integers(0, h - 1)), draw.draw(st.integers(0, w - 1))
    image = np.zeros((h, w))
    image[row, col] = bad
    where = rf"at index \({row}, {col}\)"
    with pytest.raises(ValueError, match=rf"images must be finite, got {bad} {where}"):
        gabor.gabor_response(image, gabor.gabor_kernel(0.25))
    with pytest.raises(ValueError, match=rf"image must be finite, got {bad} {where}"):
        kernels.convolve2d(image, np.ones((1, 1)))


@FEW
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_format_number_is_the_value_to_two_decimals_and_never_negative_zero(value):
    from course_utils import plots

    text = plots.format_number(value)
    assert not text.startswith("-") or float(text) < 0
    if abs(value) < 1e15:  # the two decimals of a huge float are past its precision
        assert abs(float(text) - value) <= 0.005 + 1e-12 * abs(value)
