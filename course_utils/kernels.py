"""Convolution arithmetic, a NumPy reference convolution, and classic kernels.

The size arithmetic here is Keras's: with ``padding="valid"`` a ``k``-wide window fits
``floor((n - k) / s) + 1`` times in ``n`` pixels at stride ``s``; with ``padding="same"`` the
output has ``ceil(n / s)`` pixels and the input is zero-padded just enough for that, the odd
pixel (if any) going after (bottom / right), as TensorFlow does.
"""

from __future__ import annotations

from typing import Literal

Padding = Literal["valid", "same"]
PADDINGS = ("valid", "same")


def check_window(n: int, k: int, padding: str, stride: int) -> None:
    """Raise ``ValueError`` unless a ``k``-wide window can slide over ``n`` pixels this way."""
    if padding not in PADDINGS:
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
    if stride < 1:
        raise ValueError(f"stride must be at least 1, got {stride}")
    if k < 1 or n < 1:
        raise ValueError(f"sizes must be positive, got input {n} and kernel {k}")
    if padding == "valid" and k > n:
        raise ValueError(
            f"a {k}-wide kernel does not fit in a {n}-wide input with padding='valid'; "
            "use a smaller kernel or padding='same'"
        )


def output_size(n: int, k: int, padding: Padding = "valid", stride: int = 1) -> int:
    """Return how many positions a ``k``-wide window takes over ``n`` pixels.

    >>> output_size(5, 3), output_size(5, 3, "same"), output_size(5, 3, "valid", 2)
    (3, 5, 2)
    """
    check_window(n, k, padding, stride)
    if padding == "same":
        return -(-n // stride)
    return (n - k) // stride + 1


def same_padding(n: int, k: int, stride: int = 1) -> tuple[int, int]:
    """Return the zeros ``(before, after)`` that ``padding="same"`` adds along one axis.

    >>> same_padding(5, 3), same_padding(6, 3, 2), same_padding(6, 4)
    ((1, 1), (0, 1), (1, 2))
    """
    out = output_size(n, k, "same", stride)
    total = max((out - 1) * stride + k - n, 0)
    return total // 2, total - total // 2
