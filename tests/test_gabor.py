import math

import numpy as np
import pytest
from scipy import ndimage
from skimage.filters import gabor_kernel as skimage_gabor_kernel

from course_utils import gabor


def vertical_stripes(frequency: float, size: int = 32) -> np.ndarray:
    """Stripes that run up and down: intensity varies along x (columns) only."""
    x = np.arange(size)
    return np.tile(np.cos(2 * np.pi * frequency * x), (size, 1))


@pytest.mark.parametrize(
    ("frequency", "theta", "sigma"), [(0.25, 0.0, 2.0), (0.1, 0.7, 4.5), (0.4, 2.5, 1.2)]
)
def test_kernel_is_skimage_gabor_kernel_with_equal_sigmas(frequency, theta, sigma):
    expected = skimage_gabor_kernel(frequency, theta=theta, sigma_x=sigma, sigma_y=sigma)
    kernel = gabor.gabor_kernel(frequency, theta, sigma)
    assert kernel.shape == expected.shape
    np.testing.assert_allclose(kernel, expected)


def test_default_sigma_is_skimage_one_octave_default():
    np.testing.assert_allclose(gabor.gabor_kernel(0.2), skimage_gabor_kernel(0.2))
    assert gabor.gabor_filter(0.2).sigma == pytest.approx(gabor.default_sigma(0.2))


def test_kernel_parameters_show_in_the_kernel():
    # The real part is an even (cosine) filter, the imaginary part an odd (sine) one.
    kernel = gabor.gabor_kernel(0.25, 0.0, 2.0)
    np.testing.assert_allclose(kernel.real, kernel.real[::-1, ::-1])
    np.testing.assert_allclose(kernel.imag, -kernel.imag[::-1, ::-1])
    # A larger sigma gives a larger kernel: 2 * ceil(3 * sigma) + 1 pixels.
    assert gabor.gabor_kernel(0.25, 0.0, 4.0).shape == (25, 25)


@pytest.mark.parametrize(
    ("kernel_args", "shape"), [((0.25, 0.3, 2.0), (20, 17)), ((0.08, 1.2, 8.0), (16, 16))]
)
def test_response_is_ndimage_correlate_on_real_and_imaginary_parts(kernel_args, shape):
    # The second case has a kernel (49x49) larger than the image: it must still match.
    rng = np.random.default_rng(0)
    images = rng.random((3, *shape))
    kernel = gabor.gabor_kernel(*kernel_args)
    response = gabor.gabor_response(images, kernel)
    assert response.shape == images.shape
    for image, got in zip(images, response, strict=True):
        np.testing.assert_allclose(
            got.real, ndimage.correlate(image, kernel.real, mode="constant"), atol=1e-12
        )
        np.testing.assert_allclose(
            got.imag, ndimage.correlate(image, kernel.imag, mode="constant"), atol=1e-12
        )


def test_response_is_correlation_not_convolution_for_an_asymmetric_kernel():
    image = np.zeros((7, 7))
    image[3, 3] = 1.0
    kernel = np.arange(9.0).reshape(3, 3) + 1j * np.ones((3, 3))
    # Correlating an impulse gives the kernel flipped in both directions.
    np.testing.assert_allclose(gabor.gabor_response(image, kernel)[2:5, 2:5], kernel[::-1, ::-1])


def test_single_image_and_filter_object_give_the_same_response_as_a_batch():
    image = np.random.default_rng(1).random((12, 12))
    filt = gabor.gabor_filter(0.3, 0.5, 1.5)
    single = gabor.gabor_response(image, filt)
    batch = gabor.gabor_response(image[np.newaxis], filt.kernel)
    assert single.shape == (12, 12)
    np.testing.assert_allclose(single, batch[0])


def test_magnitude_is_the_modulus_of_the_response():
    image = np.random.default_rng(2).random((10, 10))
    kernel = gabor.gabor_kernel(0.2, 1.0, 2.0)
    response = gabor.gabor_response(image, kernel)
    np.testing.assert_allclose(
        gabor.gabor_magnitude(image, kernel), np.sqrt(response.real**2 + response.imag**2)
    )


def test_vertical_stripes_excite_the_matching_filter_most():
    image = vertical_stripes(0.25)
    bank = gabor.gabor_bank([0.125, 0.25], n_orientations=8, sigmas=[3.0, 3.0])
    energy = [gabor.gabor_magnitude(image, f)[8:24, 8:24].mean() for f in bank]
    best = bank[int(np.argmax(energy))]
    assert (best.frequency, best.theta) == (0.25, 0.0)
    # Horizontal filters (theta = 90 degrees) barely respond to vertical stripes.
    across = next(f for f in bank if f.frequency == 0.25 and math.isclose(f.theta, np.pi / 2))
    assert energy[bank.index(across)] < 0.05 * max(energy)


def test_horizontal_stripes_excite_the_ninety_degree_filter():
    image = vertical_stripes(0.125).T
    bank = gabor.gabor_bank([0.125, 0.25], n_orientations=4, sigmas=[3.0, 3.0])
    energy = [gabor.gabor_magnitude(image, f)[8:24, 8:24].mean() for f in bank]
    best = bank[int(np.argmax(energy))]
    assert best.frequency == 0.125
    assert best.theta == pytest.approx(np.pi / 2)


def test_bank_is_frequency_major_with_evenly_spaced_orientations():
    bank = gabor.gabor_bank([0.1, 0.3], n_orientations=8, sigmas=[4.0, 1.5])
    assert len(bank) == 16
    assert [f.frequency for f in bank] == [0.1] * 8 + [0.3] * 8
    np.testing.assert_allclose([f.theta for f in bank[:8]], np.arange(8) * np.pi / 8)
    assert [f.sigma for f in bank[::8]] == [4.0, 1.5]
    assert bank[10].label == "f=0.30, θ=45°, σ=1.5"
    assert bank[9].label == "f=0.30, θ=22.5°, σ=1.5"
    np.testing.assert_allclose(bank[10].kernel, gabor.gabor_kernel(0.3, np.pi / 4, 1.5))


def test_bank_magnitudes_and_features_shapes_and_values():
    rng = np.random.default_rng(3)
    images = rng.random((5, 28, 28))
    bank = gabor.gabor_bank([0.1, 0.25], n_orientations=4)
    maps = gabor.bank_magnitudes(images, bank)
    assert maps.shape == (5, 8, 28, 28)
    np.testing.assert_allclose(maps[2, 6], gabor.gabor_magnitude(images[2], bank[6]))
    features = gabor.bank_features(images, bank, grid=7, batch_size=2)
    assert features.shape == (5, 8 * 7 * 7)
    # Filter 6's pooled map sits at [6 * 49, 7 * 49); its first cell is the top-left 4x4 mean.
    assert features[2, 6 * 49] == pytest.approx(maps[2, 6, :4, :4].mean())
    np.testing.assert_allclose(features, gabor.bank_features(images, bank, grid=7))
    assert gabor.bank_features(images, bank, grid=4).shape == (5, 8 * 16)


def test_average_pool_blocks():
    maps = np.arange(2 * 4 * 6, dtype=float).reshape(2, 4, 6)
    pooled = gabor.average_pool(maps, 2)
    assert pooled.shape == (2, 2, 2)
    assert pooled[1, 0, 1] == pytest.approx(maps[1, :2, 3:].mean())


FREQUENCY_RANGE = r"frequency \(cycles per pixel\) must be a number in \(0, 0\.5\]"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: gabor.gabor_kernel(0.0), FREQUENCY_RANGE + r", got 0\.0"),
        (lambda: gabor.gabor_kernel(-0.2), FREQUENCY_RANGE),
        (lambda: gabor.gabor_kernel(0.6), FREQUENCY_RANGE + r", got 0\.6"),
        (lambda: gabor.gabor_kernel(0.2, 0.0, 0.0), r"sigma must be a positive number, got 0\.0"),
        (lambda: gabor.gabor_kernel(0.2, 0.0, float("nan")), r"sigma must be a positive"),
        (
            lambda: gabor.gabor_kernel(0.2, float("inf")),
            r"theta \(radians\) must be a finite number, got inf",
        ),
        (lambda: gabor.orientations(0), r"orientations must be a positive integer, got 0"),
        (lambda: gabor.gabor_bank([]), r"needs at least one frequency"),
        (lambda: gabor.gabor_bank([0.1, 0.2], sigmas=[1.0]), r"got 1 sigmas for 2 frequencies"),
        (
            lambda: gabor.gabor_response(np.zeros((2, 3, 4, 4)), gabor.gabor_kernel(0.2)),
            r"one grey image \(h, w\) or a batch .* got an array of shape \(2, 3, 4, 4\)",
        ),
        (
            lambda: gabor.gabor_response(np.zeros(5), gabor.gabor_kernel(0.2)),
            r"got an array of shape \(5,\)",
        ),
        (
            lambda: gabor.gabor_response(np.zeros((5, 5)), np.ones((4, 4))),
            r"odd sides .* got shape \(4, 4\)",
        ),
        (
            lambda: gabor.bank_features(np.zeros((28, 28)), gabor.gabor_bank([0.2], 2)),
            r"expects a batch \(n, h, w\), got shape \(28, 28\)",
        ),
        (lambda: gabor.bank_features(np.zeros((1, 28, 28)), []), r"the bank is empty"),
        (lambda: gabor.bank_magnitudes(np.zeros((1, 8, 8)), []), r"the bank is empty"),
        (
            lambda: gabor.bank_features(np.zeros((1, 28, 28)), gabor.gabor_bank([0.2], 2), 5),
            r"grid=5 does not divide the 28x28 maps",
        ),
        (
            lambda: gabor.bank_features(
                np.zeros((1, 28, 28)), gabor.gabor_bank([0.2], 2), batch_size=0
            ),
            r"batch_size must be a positive integer, got 0",
        ),
    ],
)
def test_bad_input_raises_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
