import math

import numpy as np
import pytest

from course_utils import training


def test_smooth_matches_values_computed_by_hand():
    # 0.8 * 1 + 0.2 * 2 = 1.2, then 0.8 * 1.2 + 0.2 * 0 = 0.96, then 0.8 * 0.96 + 0.2 * 4 = 1.568
    assert training.smooth([1, 2, 0, 4]) == pytest.approx([1.0, 1.2, 0.96, 1.568])
    assert training.smooth([0.0, 1.0, 1.0], factor=0.5) == pytest.approx([0.0, 0.5, 0.75])


def test_the_first_point_is_kept_and_the_length_too():
    values = [0.61, 0.70, 0.66, 0.74, 0.72]
    smoothed = training.smooth(values, factor=0.9)
    assert smoothed[0] == values[0]
    assert len(smoothed) == len(values)


def test_factor_zero_returns_the_values():
    values = [0.5, 0.9, 0.1, 0.7]
    assert training.smooth(values, factor=0.0) == values


def test_a_constant_curve_stays_constant():
    assert training.smooth([0.97] * 6, factor=0.8) == pytest.approx([0.97] * 6)


def test_smoothing_lowers_the_variance_of_a_noisy_curve():
    rng = np.random.default_rng(0)
    trend = np.linspace(0.6, 0.95, 100)
    noisy = trend + rng.normal(0, 0.05, trend.shape)
    smoothed = np.array(training.smooth(noisy, factor=0.8))
    assert np.var(np.diff(smoothed)) < np.var(np.diff(noisy)) / 10
    # ... while still following the trend once the average has caught up
    assert np.abs(smoothed[20:] - trend[20:]).mean() < np.abs(noisy[20:] - trend[20:]).mean()


def test_a_larger_factor_smooths_more():
    values = [0.0, 1.0] * 10
    swing = {f: np.ptp(training.smooth(values, factor=f)[10:]) for f in (0.5, 0.8, 0.95)}
    assert swing[0.5] > swing[0.8] > swing[0.95]


def test_accepts_numpy_values_and_returns_plain_floats():
    smoothed = training.smooth(np.array([1.0, 3.0], dtype=np.float32), factor=0.5)
    assert smoothed == [1.0, 2.0]
    assert all(type(v) is float for v in smoothed)


def test_an_empty_curve_gives_an_empty_list():
    assert training.smooth([]) == []


@pytest.mark.parametrize("factor", [-0.1, 1.0, 1.5])
def test_a_factor_outside_zero_to_one_is_refused(factor):
    with pytest.raises(ValueError, match="factor"):
        training.smooth([1.0, 2.0], factor=factor)


def test_a_nan_is_refused():
    with pytest.raises(ValueError, match="nan"):
        training.smooth([1.0, math.nan])
