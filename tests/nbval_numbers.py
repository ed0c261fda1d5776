"""nbval compares numbers at the precision the book claims, not to the last digit.

TensorFlow's oneDNN picks its kernels per CPU, so the same seeded computation prints
``0.7451161300062662`` on one machine and ``0.7451160896793235`` on another (and differs
more on macOS arm64 and Linux aarch64). nbval compares outputs as text, so such noise fails
a cell that says nothing wrong. This plugin makes nbval compare each output as text in which
every *decimal* number (one with a point or an exponent) may differ within
:data:`RELATIVE` of its size, or within :data:`ABSOLUTE` near zero; everything else (words,
shapes, counts, parameter numbers, labels: integers included) must match exactly.

:data:`RELATIVE` is 5e-4: two values agree when they share about four significant digits, so
last-digit noise passes and a change in the third significant digit fails
(``tests/test_nbval_numbers.py`` shows both, through nbval itself). :data:`ABSOLUTE` is 1e-6:
below it, a float32 computation's result is round-off (a "maximum difference" of 2e-8 on one
CPU may be 5e-8 on another).

``tests/conftest.py`` installs it for ``make test``; ``pytest -p nbval_numbers`` does the same
for a run outside this repository's tests (tests/ on ``sys.path``).
"""

from __future__ import annotations

import math
import re

import pytest

#: Relative tolerance: about four significant digits.
RELATIVE = 5e-4
#: Absolute tolerance: float32 round-off near zero.
ABSOLUTE = 1e-6

# A decimal number: digits with a point (``0.75``, ``-3.``, ``.5``) or an exponent (``1e-05``),
# not part of a longer word or number (``v1.2.3``, ``x0.5`` stay text).
_DECIMAL = re.compile(
    r"(?<![\w.])[-+]?(?:\d+\.\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+)(?![\w.])"
)


def agree(reference: str, test: str, relative: float = RELATIVE,
          absolute: float = ABSOLUTE) -> bool:
    """Whether two outputs say the same at the book's precision.

    The texts between decimal numbers must be equal; each pair of decimal numbers must satisfy
    ``|a - b| <= relative * max(|a|, |b|) + absolute`` (NaN equals NaN, infinities equal
    themselves).

    >>> agree("p = 0.7451161300062662", "p = 0.7451160896793235")
    True
    >>> agree("p = 0.745", "p = 0.746")
    False
    >>> agree("55,744 parameters", "55,745 parameters")
    False
    """
    reference_numbers = _DECIMAL.findall(reference)
    test_numbers = _DECIMAL.findall(test)
    if len(reference_numbers) != len(test_numbers):
        return False
    if _DECIMAL.split(reference) != _DECIMAL.split(test):
        return False
    return all(_close(float(a), float(b), relative, absolute)
               for a, b in zip(reference_numbers, test_numbers, strict=True))


def _close(a: float, b: float, relative: float, absolute: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= relative * max(abs(a), abs(b)) + absolute


class NumericText(str):
    """An output string that equals another when :func:`agree` says they say the same."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and agree(str(self), str(other))

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__


def install() -> None:
    """Make nbval's cells compare their outputs as :class:`NumericText`.

    nbval sanitizes every reference and test output through ``IPyNbCell.sanitize`` before it
    compares them with ``!=``; wrapping that method's strings is enough, and nbval's own
    sanitize patterns (``--nbval-sanitize-with``) still apply first.
    """
    from nbval.plugin import IPyNbCell

    original = IPyNbCell.sanitize
    if getattr(original, "numeric_text", False):
        return

    def sanitize(self: IPyNbCell, s: object) -> object:
        s = original(self, s)
        return NumericText(s) if isinstance(s, str) else s

    sanitize.numeric_text = True  # type: ignore[attr-defined]
    IPyNbCell.sanitize = sanitize


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Install the comparison when this module is loaded as a plugin (``-p nbval_numbers``)."""
    install()
