"""Paired comparison of two classifiers on one shared test set.

Two models scored on the *same* test images are not two independent samples: most images are
right (or wrong) for both, and only the images on which they disagree say anything about which
model is better. McNemar's test looks at exactly those *discordant* images. If the models were
equally good, each discordant image would be equally likely to favour either one, so the count
favouring model A is Binomial(n, 1/2) with n the number of discordant images; the exact
two-sided p-value is the probability of a split at least as uneven as the one observed::

    result = stats.mcnemar_exact(pred_a == y_test, pred_b == y_test)
    result.only_a, result.only_b, result.p_value

The binomial tail is summed with exact integer arithmetic (no SciPy needed), so it stays
correct for any test-set size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from course_utils import checks


@dataclass(frozen=True)
class McNemarResult:
    """The discordant counts of two paired classifiers and the exact two-sided p-value.

    Attributes:
        only_a: images that model A gets right and model B gets wrong.
        only_b: images that model B gets right and model A gets wrong.
        p_value: exact two-sided McNemar p-value (1.0 when the models never disagree).
    """

    only_a: int
    only_b: int
    p_value: float

    @property
    def discordant(self) -> int:
        """The number of images on which exactly one of the two models is right."""
        return self.only_a + self.only_b


def _as_correct(name: str, values: object) -> np.ndarray:
    # A 1-D boolean array of "this image was classified correctly", from bools or 0/1 integers.
    array = np.asarray(values)
    if array.dtype != bool and not np.issubdtype(array.dtype, np.integer) and array.size:
        raise TypeError(
            f"{name} must be booleans or 0/1 integers (one per test image), got dtype {array.dtype}"
        )
    array = checks.array(name, array, 1, "a non-empty 1-D array (one entry per test image)")
    if not np.isin(array, (0, 1)).all():
        raise ValueError(f"{name} must hold only 0 and 1 (or True and False)")
    return array.astype(bool)


def binomial_two_sided_p(successes: int, trials: int) -> float:
    """Exact two-sided p-value of ``successes`` out of ``trials`` under Binomial(trials, 1/2).

    Twice the smaller tail, capped at 1: the symmetric distribution makes this the same as
    summing every outcome no more likely than the one observed.

    Raises:
        TypeError: if an argument is not an integer.
        ValueError: if ``trials`` is negative or ``successes`` is not in ``0..trials``.
    """
    trials = checks.integer("trials", trials, 0)
    successes = checks.integer("successes", successes, 0, trials)
    smaller = min(successes, trials - successes)
    tail = sum(math.comb(trials, i) for i in range(smaller + 1))
    return min(1.0, 2 * tail / 2**trials)


def mcnemar_exact(correct_a: object, correct_b: object) -> McNemarResult:
    """McNemar's exact test for two classifiers scored on the same test images.

    Args:
        correct_a: one entry per test image, true where model A is right (bools or 0/1).
        correct_b: the same for model B, on the same images in the same order.

    Returns:
        The discordant counts and the exact two-sided p-value.

    Raises:
        TypeError: if an argument holds anything but booleans or integers.
        ValueError: if an argument is empty, not 1-D, holds integers other than 0 and 1, or
            the two have different lengths.
    """
    a = _as_correct("correct_a", correct_a)
    b = _as_correct("correct_b", correct_b)
    if a.shape != b.shape:
        raise ValueError(
            f"correct_a and correct_b must score the same test images: lengths {a.size} "
            f"and {b.size}"
        )
    only_a = int(np.sum(a & ~b))
    only_b = int(np.sum(b & ~a))
    return McNemarResult(only_a, only_b, binomial_two_sided_p(only_a, only_a + only_b))


def verdict(result: McNemarResult, alpha: float = 0.05) -> str:
    """Say in words what a McNemar test shows, for prose that must follow the run.

    A chapter glues this phrase instead of typing "a real gain" or "chance", so that a re-run
    whose split of the discordant images changes cannot leave a stale sentence behind.

    Args:
        result: what :func:`mcnemar_exact` returned.
        alpha: the p-value below which the split counts as too uneven to be chance.

    Raises:
        TypeError: if ``result`` is not a :class:`McNemarResult` or ``alpha`` not a number.
        ValueError: if ``alpha`` is not strictly between 0 and 1.
    """
    if not isinstance(result, McNemarResult):
        raise TypeError(f"result must be a McNemarResult, got {type(result).__name__}")
    checks.number("alpha", alpha, 0, 1, low_open=True, high_open=True)
    if result.discordant == 0:
        return "the two never disagree on an image"
    if result.p_value < alpha:
        return "a split of the discordant images too uneven to be chance"
    return "a split of the discordant images that chance alone could produce"
