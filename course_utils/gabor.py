"""Gabor filters, filter banks, their responses on images, and pooled bank features.

A Gabor filter is a complex sinusoid under a Gaussian envelope (scikit-image's convention)::

    g(x, y) = exp(-(x'^2 + y'^2) / (2 sigma^2)) * exp(2 pi i f x') / (2 pi sigma^2)
    x' = x cos(theta) + y sin(theta),    y' = -x sin(theta) + y cos(theta)

``frequency`` ``f`` is in cycles per pixel, ``theta`` (radians) is the direction the wave
travels (``theta = 0``: the wave runs along x, so its stripes are vertical; image rows grow
downwards, so a positive ``theta`` turns clockwise on screen), and ``sigma`` (pixels) is the
width of the envelope. The real part is an even, cosine-like filter, the imaginary part an
odd, sine-like one; the *magnitude* of the two responses, ``sqrt(real^2 + imag^2)``, says
"there is a stripe pattern of this frequency and orientation here" whatever its phase.

Responses are cross-correlations (what a convnet layer computes), done with FFTs over whole
batches so that a bank of 16 filters over 10,000 28x28 images takes seconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.fft import irfft2, next_fast_len, rfft2
from skimage.filters import gabor_kernel as _skimage_gabor_kernel

from course_utils import checks

#: scikit-image's envelope width for a one-octave bandwidth: ``sigma = this / frequency``.
ONE_OCTAVE_SIGMA_FACTOR = math.sqrt(math.log(2) / 2) / math.pi * 3.0
#: The highest frequency a pixel grid can show (Nyquist): one stripe every two pixels.
MAX_FREQUENCY = 0.5
#: The largest kernel side :func:`gabor_kernel` builds, in pixels: larger than any image the
#: book filters (a default-sigma kernel reaches it below about 0.013 cycles per pixel).
MAX_KERNEL_SIDE = 255


def default_sigma(frequency: float) -> float:
    """Return the envelope width that gives a one-octave bandwidth (scikit-image's default).

    About 0.56 wavelengths: the envelope shows one or two stripes on each side of the centre.

    >>> round(default_sigma(0.25), 3)
    2.249
    """
    return ONE_OCTAVE_SIGMA_FACTOR / _check_frequency(frequency)


def _check_frequency(frequency: float) -> float:
    """A frequency in ``(0, 0.5]`` cycles per pixel: above 0.5 the stripes alias."""
    return checks.number("frequency (cycles per pixel)", frequency, 0, MAX_FREQUENCY,
                         low_open=True)


def gabor_kernel(frequency: float, theta: float = 0.0, sigma: float | None = None) -> np.ndarray:
    """Return the complex Gabor kernel for ``(frequency, theta, sigma)``.

    This is :func:`skimage.filters.gabor_kernel` with the same ``sigma`` in both directions
    (``sigma=None``: :func:`default_sigma`). The kernel is square with an odd side of
    ``2 * ceil(3 * sigma * max(|cos theta|, |sin theta|)) + 1`` pixels (at least 3), centred
    on its middle pixel: ``2 * ceil(3 * sigma) + 1`` for vertical or horizontal stripes.

    >>> k = gabor_kernel(0.25, theta=0.0, sigma=2.0)
    >>> k.shape, k.dtype
    ((13, 13), dtype('complex128'))

    Raises:
        TypeError: for an argument that is not a number.
        ValueError: if ``frequency`` is not in ``(0, 0.5]`` (cycles per pixel), ``sigma``
            not a positive number, ``theta`` not a finite angle, or the kernel would be
            wider than :data:`MAX_KERNEL_SIDE` pixels (a tiny frequency's default sigma, or a
            huge sigma).
    """
    _check_frequency(frequency)
    if sigma is None:
        sigma = default_sigma(frequency)
    checks.number("sigma", sigma, 0, low_open=True)
    checks.number("theta (radians)", theta)
    # scikit-image's half-side: 3 sigma along the wave or across it, at least 1 pixel.
    half = math.ceil(max(3 * sigma * abs(math.cos(theta)), 3 * sigma * abs(math.sin(theta)), 1))
    if 2 * half + 1 > MAX_KERNEL_SIDE:
        raise ValueError(
            f"sigma={sigma:g} (frequency {frequency:g}) would make a {2 * half + 1}x"
            f"{2 * half + 1} kernel; the largest is {MAX_KERNEL_SIDE}x{MAX_KERNEL_SIDE}: "
            "raise the frequency or pass a smaller sigma")
    return _skimage_gabor_kernel(frequency, theta=theta, sigma_x=sigma, sigma_y=sigma)


@dataclass(frozen=True, eq=False)
class GaborFilter:
    """One filter of a bank: its parameters and its complex kernel."""

    frequency: float
    theta: float
    sigma: float
    kernel: np.ndarray

    @property
    def label(self) -> str:
        """Short title such as ``"f=0.25, θ=22.5°, σ=2.2"`` (the angle in degrees)."""
        degrees = round(math.degrees(self.theta), 2) + 0.0
        return f"f={self.frequency:.2f}, θ={degrees:g}°, σ={self.sigma:.1f}"


def gabor_filter(frequency: float, theta: float = 0.0, sigma: float | None = None) -> GaborFilter:
    """Return a :class:`GaborFilter` holding the parameters and :func:`gabor_kernel`."""
    kernel = gabor_kernel(frequency, theta, sigma)
    sigma = default_sigma(frequency) if sigma is None else float(sigma)
    return GaborFilter(float(frequency), float(theta), sigma, kernel)


def orientations(n: int) -> np.ndarray:
    """Return ``n`` evenly spaced angles in ``[0, pi)``: a Gabor magnitude repeats after pi.

    >>> np.degrees(orientations(4)).round().tolist()
    [0.0, 45.0, 90.0, 135.0]
    """
    checks.integer("the number of orientations", n)
    return np.arange(n) * np.pi / n


def gabor_bank(
    frequencies: Sequence[float],
    n_orientations: int = 8,
    sigmas: Sequence[float] | None = None,
) -> list[GaborFilter]:
    """Return a bank: every frequency at ``n_orientations`` angles, frequency-major order.

    Args:
        frequencies: the frequencies (cycles per pixel), one row of the bank each.
        n_orientations: how many angles in ``[0, pi)`` (:func:`orientations`).
        sigmas: one envelope width per frequency; ``None`` uses :func:`default_sigma`.

    >>> bank = gabor_bank([0.1, 0.25], n_orientations=4)
    >>> len(bank), bank[5].label
    (8, 'f=0.25, θ=45°, σ=2.2')

    Raises:
        TypeError: for ``frequencies`` or ``sigmas`` that are not lists of numbers.
        ValueError: for no frequencies, a mismatched number of sigmas, or bad parameters.
    """
    frequencies = _number_list("frequencies", frequencies)
    if not frequencies:
        raise ValueError("frequencies: a Gabor bank needs at least one frequency")
    if sigmas is None:
        sigmas = [None] * len(frequencies)  # type: ignore[list-item]
    elif len(_number_list("sigmas", sigmas)) != len(frequencies):
        raise ValueError(f"sigmas: got {len(sigmas)} sigmas for {len(frequencies)} frequencies")
    angles = orientations(n_orientations)
    return [
        gabor_filter(freq, float(theta), sigma)
        for freq, sigma in zip(frequencies, sigmas, strict=True)
        for theta in angles
    ]


def _number_list(name: str, values: object) -> list:
    """``values`` as a list, refusing a lone number or string (a list of them is due)."""
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a list of numbers, such as [0.1, 0.25], got {values!r}")
    return list(values)


def _as_batch(images: np.ndarray) -> tuple[np.ndarray, bool]:
    """Return ``images`` as a float ``(n, h, w)`` batch and whether it was a single image.

    NaN and infinity are refused: the FFTs would spread one bad pixel over the whole output.
    """
    images = checks.numbers("images", images)
    if images.ndim not in (2, 3):
        raise ValueError(
            "images: expected one grey image (h, w) or a batch of grey images (n, h, w), "
            f"got an array of shape {images.shape}"
        )
    checks.array("images", images, (2, 3), "(h, w) or (n, h, w)")
    single = images.ndim == 2
    batch = images[np.newaxis] if single else images
    return batch.astype(np.float64, copy=False), single


def _as_kernel(kernel: GaborFilter | np.ndarray) -> np.ndarray:
    kernel = checks.numbers("kernel", kernel.kernel if isinstance(kernel, GaborFilter)
                            else kernel, complex_ok=True)
    if kernel.ndim != 2 or kernel.shape[0] % 2 == 0 or kernel.shape[1] % 2 == 0:
        raise ValueError(
            f"kernel must be a 2-D array with odd sides (so it has a centre), got shape "
            f"{kernel.shape}"
        )
    return checks.array("kernel", kernel, 2, complex_ok=True)


def _correlations(batch: np.ndarray, kernels: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
    """Yield the complex "same" cross-correlation of a real ``(n, h, w)`` batch with each kernel.

    Zeros surround the image, as in ``scipy.ndimage.correlate(..., mode="constant")``. The
    work is done with FFTs: the batch's spectrum is computed once per FFT size and shared by
    every kernel of that size, so a bank costs one inverse FFT pair per filter.
    """
    _, h, w = batch.shape
    spectra: dict[tuple[int, int], np.ndarray] = {}
    for kernel in kernels:
        kh, kw = kernel.shape
        # Weights farther than h - 1 rows (w - 1 columns) from the centre never meet a pixel.
        ch, cw = min(kh // 2, h - 1), min(kw // 2, w - 1)
        kernel = kernel[kh // 2 - ch : kh // 2 + ch + 1, kw // 2 - cw : kw // 2 + cw + 1]
        # A circular correlation of this size never wraps onto the h x w output we keep.
        shape = (next_fast_len(h + ch, real=True), next_fast_len(w + cw, real=True))
        if shape not in spectra:
            spectra[shape] = rfft2(batch, s=shape)
        # Correlation is convolution with the flipped kernel; centre it on pixel (0, 0).
        placed = np.zeros(shape, dtype=kernel.dtype)
        placed[: 2 * ch + 1, : 2 * cw + 1] = kernel[::-1, ::-1]
        placed = np.roll(placed, (-ch, -cw), axis=(0, 1))
        spectrum = spectra[shape]
        real = irfft2(spectrum * rfft2(placed.real), s=shape)[:, :h, :w]
        imag = irfft2(spectrum * rfft2(placed.imag), s=shape)[:, :h, :w]
        yield real + 1j * imag


def gabor_response(images: np.ndarray, kernel: GaborFilter | np.ndarray) -> np.ndarray:
    """Return the complex response of one image ``(h, w)`` or a batch ``(n, h, w)``.

    The real part is the cross-correlation of the images with the kernel's real part, the
    imaginary part with its imaginary part, both with zeros outside the image and the output
    the size of the input: ``scipy.ndimage.correlate(..., mode="constant")``, done with FFTs.

    >>> img = np.zeros((9, 9)); img[4, 4] = 1.0
    >>> k = gabor_kernel(0.25, sigma=1.0)  # 7x7
    >>> bool(np.allclose(gabor_response(img, k)[1:8, 1:8], k[::-1, ::-1]))
    True

    Raises:
        ValueError: for an array that is not one image or a batch of finite real numbers
            (one NaN would spread over the whole FFT output), or a kernel without a centre.
    """
    batch, single = _as_batch(images)
    response = next(_correlations(batch, [_as_kernel(kernel)]))
    return response[0] if single else response


def gabor_magnitude(images: np.ndarray, kernel: GaborFilter | np.ndarray) -> np.ndarray:
    """Return ``sqrt(real^2 + imag^2)`` of :func:`gabor_response`: phase-free pattern energy."""
    return np.abs(gabor_response(images, kernel))


def _bank_kernels(bank: Sequence[GaborFilter]) -> list[np.ndarray]:
    if not isinstance(bank, Sequence) or not all(isinstance(f, GaborFilter) for f in bank):
        raise TypeError(f"bank must be a list of GaborFilter objects (as gabor_bank returns "
                        f"them), got {type(bank).__name__}")
    if len(bank) == 0:
        raise ValueError("bank: the bank is empty")
    return [_as_kernel(f) for f in bank]


def bank_magnitudes(images: np.ndarray, bank: Sequence[GaborFilter]) -> np.ndarray:
    """Return the magnitude of every filter on a few images, shape ``(n, len(bank), h, w)``.

    Meant for figures; for many images use :func:`bank_features`, which keeps memory small.
    """
    batch, _ = _as_batch(images)
    return np.stack([np.abs(r) for r in _correlations(batch, _bank_kernels(bank))], axis=1)


def average_pool(maps: np.ndarray, grid: int) -> np.ndarray:
    """Average ``(n, h, w)`` maps over non-overlapping blocks into ``(n, grid, grid)``.

    >>> average_pool(np.arange(16.0).reshape(1, 4, 4), 2)[0].tolist()
    [[2.5, 4.5], [10.5, 12.5]]

    Raises:
        ValueError: if ``maps`` is not a 3-D array of finite numbers, or ``grid`` not a
            positive integer dividing the height and width.
    """
    maps = checks.array("maps", maps, 3, "(n, h, w)")
    n, h, w = maps.shape
    checks.integer("grid", grid)
    if h % grid or w % grid:
        raise ValueError(f"grid={grid} does not divide the {h}x{w} maps into equal blocks")
    return maps.reshape(n, grid, h // grid, grid, w // grid).mean(axis=(2, 4))


def bank_features(
    images: np.ndarray,
    bank: Sequence[GaborFilter],
    grid: int = 7,
    batch_size: int = 1000,
) -> np.ndarray:
    """Return hand-made features: each filter's magnitude pooled to ``grid x grid``, flattened.

    For ``n`` images the result has shape ``(n, len(bank) * grid * grid)``, ordered filter
    by filter (then row, column). Images go through in chunks of ``batch_size`` so memory
    stays small; each chunk is filtered by the whole bank with batched FFTs.

    >>> feats = bank_features(np.zeros((3, 28, 28)), gabor_bank([0.25], 4), grid=7)
    >>> feats.shape
    (3, 196)

    Raises:
        TypeError: for images that are not numbers, or a ``grid`` or ``batch_size`` that is
            not an integer.
        ValueError: for a single image (pass a batch), an empty batch or bank, NaN or
            infinity, a ``grid`` that does not divide the image, or a non-positive
            ``batch_size``.
    """
    images = checks.numbers("images", images)
    if images.ndim != 3:
        raise ValueError(f"images: bank_features expects a batch (n, h, w), got shape "
                         f"{images.shape}")
    checks.array("images", images, 3, "a batch (n, h, w)")
    kernels = _bank_kernels(bank)
    checks.integer("batch_size", batch_size)
    average_pool(np.zeros((1, *images.shape[1:])), grid)  # validates grid before any work
    chunks = []
    for start in range(0, len(images), batch_size):
        chunk, _ = _as_batch(images[start : start + batch_size])
        pooled = [average_pool(np.abs(r), grid) for r in _correlations(chunk, kernels)]
        chunks.append(np.stack(pooled, axis=1).reshape(len(chunk), -1))
    return np.concatenate(chunks)
