"""Argument checks shared by course_utils: each error names the argument and what is accepted.

Every public function of the package checks what a reader passes it before doing any work,
so that a wrong answer never comes back silently and no error comes from deep inside NumPy or
Keras. One vocabulary throughout, each message naming the argument and what would do:

- ``TypeError``: a value of the wrong kind (a string, ``None``, ``True`` or ``2.0`` where an
  integer is due, a string where a number is, an array of text or complex numbers where real
  numbers are, a list where a menu's option is);
- ``ValueError``: a value of the right kind out of range (a negative size, NaN or infinity, an
  empty array, a wrong number of axes, an option that is not on the menu).
"""

from __future__ import annotations

import math
import os
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
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
        TypeError: for a value that is not an integer (``True``, ``2.0`` and ``"2"`` included).
        ValueError: for an integer out of range.
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be {_integer_range(minimum, maximum)}, got {value!r}")
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
    if minimum is None:
        return f"an integer <= {maximum}"
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
        TypeError: for a value that is not a real number (``True`` and ``"1"`` included).
        ValueError: for NaN, infinity or a number outside the interval.
    """
    accepted = _interval(low, high, low_open, high_open)
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be {accepted}, got {value!r}")
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


def choice(name: str, value: object, options: Sequence[object]) -> object:
    """Return ``value`` if it is one of ``options`` (a menu: strings, perhaps ``None``).

    >>> choice("padding", "same", ("valid", "same"))
    'same'

    Raises:
        TypeError: for a value of another kind than every option (``None`` or a list where
            the options are strings).
        ValueError: for a value of the options' kind that is not one of them.
    """
    listed = ", ".join(repr(o) for o in options[:-1]) + f" or {options[-1]!r}"
    if not any(isinstance(value, type(option)) for option in options):
        raise TypeError(f"{name} must be {listed}, got {value!r}")
    if value not in options:
        raise ValueError(f"{name} must be {listed}, got {value!r}")
    return value


def mapping(name: str, value: object) -> Mapping:
    """Return ``value`` if it is a mapping (``{"cat": image, ...}``), not a list or an array.

    Raises:
        TypeError: for anything else.
    """
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping from names to values, such as "
                        f"{{'cat': array}}, got {type(value).__name__}")
    return value


def path(name: str, value: object) -> Path:
    """Return ``value`` as a :class:`~pathlib.Path` if it is a non-empty ``str`` or path.

    Raises:
        TypeError: for anything else (a number, ``None``, bytes).
        ValueError: for an empty string.
    """
    if not isinstance(value, str | os.PathLike):
        raise TypeError(f"{name} must be a path (a str or pathlib.Path), got {value!r}")
    if not str(value):
        raise ValueError(f"{name} must be a path, got an empty string")
    return Path(value).expanduser()


def numbers(name: str, value: object, complex_ok: bool = False) -> np.ndarray:
    """Return ``np.asarray(value)`` if it holds numbers (booleans become ``uint8``).

    The first step of :func:`array` and :func:`image`, for a function that checks the shape
    itself before them.

    Raises:
        TypeError: for text, ``None`` or other objects, a ragged list, or complex numbers
            unless ``complex_ok``.
    """
    try:
        values = np.asarray(value)
    except ValueError:  # a ragged nested list
        raise TypeError(f"{name} must be an array of numbers, got a ragged "
                        f"{type(value).__name__}") from None
    if values.dtype == bool:
        values = values.astype(np.uint8)
    if not np.issubdtype(values.dtype, np.number) or (
        np.iscomplexobj(values) and not complex_ok
    ):
        kind = "numbers" if complex_ok else "real numbers"
        raise TypeError(f"{name} must hold {kind}, got dtype {values.dtype}")
    return values


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
        TypeError: for something that is not an array of numbers (text, ``None``, a ragged
            list; complex numbers unless ``complex_ok``). Booleans are numbers.
        ValueError: for another number of axes, an empty axis, or NaN or infinity.
    """
    values = numbers(name, value, complex_ok)
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


#: The layouts :func:`image` accepts: the channel counts (``None``: a 2-D grey image) and
#: their description.
IMAGE_LAYOUTS: dict[str, tuple[tuple[int | None, ...], str]] = {
    "grey": ((None,), "2-D (grey)"),
    "RGB": ((3,), "RGB (h, w, 3)"),
    "grey or RGB": ((None, 3), "a grey (h, w) or RGB (h, w, 3) image"),
    "drawable": ((None, 1, 3, 4), "(h, w), (h, w, 1), (h, w, 3) or (h, w, 4)"),
    "photo": ((None, 1, 2, 3, 4), "a grey (h, w) or (h, w, 1), grey and alpha (h, w, 2), "
                                  "RGB (h, w, 3) or RGBA (h, w, 4) photo"),
}


def image(name: str, value: ArrayLike, layout: str = "grey or RGB",
          nan_ok: bool = False) -> np.ndarray:
    """Return ``value`` as an array if it is one non-empty, finite image of ``layout``.

    The one image check of the package: every function that takes an image calls it.

    Args:
        name: the argument's name (``"image 'cat'"`` for an image of a mapping), for the
            message.
        value: what was passed.
        layout: a key of :data:`IMAGE_LAYOUTS`: ``"grey"`` (``(h, w)``), ``"RGB"``
            (``(h, w, 3)``), ``"grey or RGB"``, or ``"drawable"`` (what ``imshow`` draws:
            grey ``(h, w)`` or ``(h, w, 1)``, RGB, RGBA), or ``"photo"`` (those and grey with
            alpha ``(h, w, 2)``).
        nan_ok: accept NaN pixels (drawn blank); infinity is still refused.

    >>> image("image", np.zeros((2, 3))).shape
    (2, 3)

    Raises:
        TypeError: for something that is not an array of real numbers.
        ValueError: for another layout (a colour image where a grey one is due names the
            conversion), an empty image, or NaN (unless ``nan_ok``) or infinity.
    """
    channels, words = IMAGE_LAYOUTS[layout]
    values = numbers(name, value)
    found = None if values.ndim == 2 else values.shape[-1] if values.ndim == 3 else "no"
    if found not in channels:
        hint = ("; convert a colour photo with skimage.color.rgb2gray"
                if layout == "grey" and values.ndim == 3 else "")
        raise ValueError(f"{name} must be {words}, got shape {values.shape}{hint}")
    return array(name, values, values.ndim, words, nan_ok=nan_ok)


def model(name: str, value: object) -> keras.Model:
    """Return ``value`` if it is a Keras model.

    Raises:
        TypeError: for anything else (a layer, a path to a saved model, ``None``).
    """
    import keras

    if not isinstance(value, keras.Model):
        raise TypeError(f"{name} must be a keras.Model, got {type(value).__name__}")
    return value


def model_image(name: str, image: ArrayLike, model_: keras.Model) -> np.ndarray:
    """Return ``image`` as an array if it is one finite ``(h, w, c)`` image ``model_`` takes.

    Raises:
        TypeError: for a ``model_`` that is not a Keras model, or an image that is not an
            array of real numbers.
        ValueError: for another shape than the model's input (``None`` sides take any size),
            an empty image, or NaN or infinity.
    """
    model("model", model_)
    array_ = array(name, image, 3, "one image (height, width, channels)")
    expected = tuple(model_.input_shape[1:])
    if len(expected) != 3 or any(
        e is not None and e != got for e, got in zip(expected, array_.shape, strict=True)
    ):
        raise ValueError(f"{name} has shape {array_.shape}; the model takes one image of "
                         f"shape {expected} (None: any size)")
    return array_


def layer_output(model_: keras.Model, name: str) -> keras.KerasTensor:
    """Return the symbolic output of ``model_``'s layer ``name``.

    Raises:
        TypeError: for a ``model_`` that is not a Keras model or a ``name`` that is not a
            string.
        ValueError: if ``model_`` has no such layer; the message lists its layers.
    """
    model("model", model_)
    if not isinstance(name, str):
        raise TypeError(f"the layer name must be a string, got {name!r}")
    known = [layer.name for layer in model_.layers]
    if name not in known:
        shown = known if len(known) <= 12 else [*known[:6], "...", *known[-6:]]
        raise ValueError(f"model {model_.name!r} has no layer {name!r}; its layers: "
                         f"{', '.join(shown)}")
    return model_.get_layer(name).output
