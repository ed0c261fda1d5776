"""Argument checks shared by course_utils: each error names the argument and what is accepted.

Every public function of the package checks what a reader passes it before doing any work,
so that a wrong shape, a NaN or a size out of range gets a ``ValueError`` (or, for a value
of the wrong kind, a ``TypeError``) that says which argument is wrong and what would do,
rather than a silent wrong answer or an error from deep inside NumPy or Keras.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

if TYPE_CHECKING:
    import keras


def integer(name: str, value: object, minimum: int | None = 1, maximum: int | None = None) -> int:
    """Return ``value`` as an ``int`` if it is an integer in ``[minimum, maximum]``.

    >>> integer("stride", 2)
    2

    Raises:
        ValueError: for a non-integer (``True`` and ``2.0`` included) or one out of range.
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be {_integer_range(minimum, maximum)}, got {value!r}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {_integer_range(minimum, maximum)}, got {value!r}")
    return int(value)


def _integer_range(minimum: int | None, maximum: int | None) -> str:
    if minimum == 1 and maximum is None:
        return "a positive integer"
    if minimum == 0 and maximum is None:
        return "an integer >= 0"
    if maximum is None:
        return f"an integer >= {minimum}" if minimum is not None else "an integer"
    return f"an integer from {minimum} to {maximum}"


def number(
    name: str,
    value: object,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a ``float`` if it is a finite real number in the given interval.

    ``low_open`` / ``high_open`` leave an end out: ``number("alpha", a, 0, 1)`` accepts
    ``[0, 1]``, ``number("sigma", s, 0, low_open=True)`` any positive number.

    Raises:
        ValueError: for a non-number, NaN, infinity or a number outside the interval.
    """
    accepted = _interval(low, high, low_open, high_open)
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be {accepted}, got {value!r}")
    x = float(value)
    below = low is not None and (x <= low if low_open else x < low)
    above = high is not None and (x >= high if high_open else x > high)
    if not math.isfinite(x) or below or above:
        raise ValueError(f"{name} must be {accepted}, got {value!r}")
    return x


def _interval(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    if low is None and high is None:
        return "a finite number"
    if high is None:
        if low == 0 and low_open:
            return "a positive number"
        return f"a number {'>' if low_open else '>='} {low:g}"
    if low is None:
        return f"a number {'<' if high_open else '<='} {high:g}"
    return (f"a number in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}")


def array(
    name: str,
    value: ArrayLike,
    ndim: int | Collection[int],
    what: str | None = None,
    complex_ok: bool = False,
    nan_ok: bool = False,
) -> np.ndarray:
    """Return ``np.asarray(value)`` if it is a non-empty, finite, real array of ``ndim`` axes.

    Args:
        name: the argument's name, for the message.
        value: what was passed.
        ndim: the accepted number(s) of axes.
        what: the accepted layout in words, such as ``"(height, width)"``, for the message.
        complex_ok: accept complex numbers too.
        nan_ok: accept NaN (infinity is still rejected).

    Raises:
        ValueError: for a non-numeric array (booleans are numbers), another number of axes, an
            empty axis, or NaN or infinity.
    """
    values = np.asarray(value)
    if values.dtype == bool:
        values = values.astype(np.uint8)
    if not np.issubdtype(values.dtype, np.number) or (
        np.iscomplexobj(values) and not complex_ok
    ):
        kind = "numbers" if complex_ok else "real numbers"
        raise ValueError(f"{name} must hold {kind}, got dtype {values.dtype}")
    accepted = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    layout = what or " or ".join(f"{n}-D" for n in accepted)
    if values.ndim not in accepted:
        raise ValueError(f"{name} must be {layout}, got shape {values.shape}")
    if values.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {values.shape}")
    bad = np.isinf(values) if nan_ok else ~np.isfinite(values)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} must be finite, got {values[where]} at index {where}"
            f"{' (NaN is accepted)' if nan_ok else ''}"
        )
    return values


def model_image(name: str, image: ArrayLike, model: keras.Model) -> np.ndarray:
    """Return ``image`` as an array if it is one finite ``(h, w, c)`` image ``model`` takes.

    Raises:
        ValueError: for another shape than the model's input (``None`` sides take any size),
            an empty image, or NaN or infinity.
    """
    array_ = array(name, image, 3, "one image (height, width, channels)")
    expected = tuple(model.input_shape[1:])
    if len(expected) != 3 or any(
        e is not None and e != got for e, got in zip(expected, array_.shape, strict=True)
    ):
        raise ValueError(f"{name} has shape {array_.shape}; the model takes one image of "
                         f"shape {expected} (None: any size)")
    return array_


def layer_output(model: keras.Model, name: str) -> keras.KerasTensor:
    """Return the symbolic output of ``model``'s layer ``name``.

    Raises:
        ValueError: if ``model`` has no such layer; the message lists its layers.
    """
    known = [layer.name for layer in model.layers]
    if name not in known:
        shown = known if len(known) <= 12 else [*known[:6], "...", *known[-6:]]
        raise ValueError(f"model {model.name!r} has no layer {name!r}; its layers: "
                         f"{', '.join(shown)}")
    return model.get_layer(name).output
