import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import binomtest

from course_utils import stats


def test_counts_the_discordant_images():
    a = np.array([True, True, False, False, True, False])
    b = np.array([True, False, True, False, False, False])
    result = stats.mcnemar_exact(a, b)
    assert (result.only_a, result.only_b, result.discordant) == (2, 1, 3)
    assert result.p_value == pytest.approx(1.0)


def test_a_known_p_value():
    # 10 discordant images, all favouring A: 2 * 0.5**10.
    a = np.ones(25, dtype=bool)
    b = np.r_[np.zeros(10, dtype=bool), np.ones(15, dtype=bool)]
    result = stats.mcnemar_exact(a, b)
    assert (result.only_a, result.only_b) == (10, 0)
    assert result.p_value == pytest.approx(2 * 0.5**10)


def test_no_disagreement_gives_p_one():
    same = np.array([1, 0, 1, 1])
    result = stats.mcnemar_exact(same, same)
    assert (result.only_a, result.only_b, result.p_value) == (0, 0, 1.0)


def test_accepts_zero_one_integers_like_booleans():
    a, b = [1, 1, 0, 1, 0], [0, 1, 1, 0, 0]
    as_ints = stats.mcnemar_exact(a, b)
    as_bools = stats.mcnemar_exact(np.array(a, bool), np.array(b, bool))
    assert as_ints == as_bools


def test_swapping_the_models_swaps_the_counts():
    rng = np.random.default_rng(0)
    a, b = rng.random(200) < 0.8, rng.random(200) < 0.7
    ab, ba = stats.mcnemar_exact(a, b), stats.mcnemar_exact(b, a)
    assert (ab.only_a, ab.only_b) == (ba.only_b, ba.only_a)
    assert ab.p_value == ba.p_value


def test_a_large_test_set_stays_exact():
    # 3,000 against 2,800 discordant images: far beyond float-safe factorials.
    p = stats.binomial_two_sided_p(3_000, 5_800)
    assert p == pytest.approx(binomtest(3_000, 5_800, 0.5).pvalue, rel=1e-9)
    assert 0 < p < 0.02


@given(st.integers(min_value=0, max_value=400), st.data())
def test_matches_scipy_binomtest(trials, data):
    successes = data.draw(st.integers(min_value=0, max_value=trials))
    p = stats.binomial_two_sided_p(successes, trials)
    expected = binomtest(successes, trials, 0.5).pvalue if trials else 1.0
    assert p == pytest.approx(expected, rel=1e-9, abs=1e-300)


@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=300))
def test_mcnemar_matches_scipy_on_any_pairing(pairs):
    a = np.array([p[0] for p in pairs])
    b = np.array([p[1] for p in pairs])
    result = stats.mcnemar_exact(a, b)
    assert result.only_a == int(np.sum(a & ~b))
    assert result.only_b == int(np.sum(~a & b))
    n = result.discordant
    expected = binomtest(result.only_a, n, 0.5).pvalue if n else 1.0
    assert result.p_value == pytest.approx(expected, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize(("a", "b", "error", "message"), [
    ([0.5, 1.0], [1, 0], TypeError, "correct_a must be booleans or 0/1 integers"),
    ([1, 0], ["yes", "no"], TypeError, "correct_b must be booleans or 0/1 integers"),
    ([1, 2], [1, 0], ValueError, "correct_a must hold only 0 and 1"),
    ([], [], ValueError, "correct_a must not be empty"),
    (None, [1], TypeError, "correct_a must be booleans or 0/1 integers"),
    ([[1, 0]], [[1, 0]], ValueError, "correct_a must be a non-empty 1-D array"),
    ([1, 0, 1], [1, 0], ValueError, "lengths 3 and 2"),
])
def test_bad_input_names_the_argument(a, b, error, message):
    with pytest.raises(error, match=message):
        stats.mcnemar_exact(a, b)


@pytest.mark.parametrize(("successes", "trials", "error", "message"), [
    (1.0, 3, TypeError, "successes must be an integer"),
    (1, True, TypeError, "trials must be an integer"),
    ("2", 3, TypeError, "successes must be an integer"),
    (0, -1, ValueError, "trials must be an integer >= 0, got -1"),
    (4, 3, ValueError, "successes must be an integer from 0 to 3, got 4"),
    (-1, 3, ValueError, "successes must be an integer from 0 to 3, got -1"),
])
def test_binomial_bad_input(successes, trials, error, message):
    with pytest.raises(error, match=message):
        stats.binomial_two_sided_p(successes, trials)


def test_verdict_follows_the_p_value():
    assert stats.verdict(stats.McNemarResult(30, 5, 1e-5)) == (
        "a split of the discordant images too uneven to be chance")
    assert stats.verdict(stats.McNemarResult(12, 10, 0.83)) == (
        "a split of the discordant images that chance alone could produce")
    assert stats.verdict(stats.McNemarResult(0, 0, 1.0)) == (
        "the two never disagree on an image")
    # The threshold is the caller's: p = 0.03 is chance at alpha = 0.01.
    assert "chance alone" in stats.verdict(stats.McNemarResult(20, 8, 0.03), alpha=0.01)


@pytest.mark.parametrize(("result", "alpha", "error", "message"), [
    ((3, 1, 0.6), 0.05, TypeError, "result must be a McNemarResult"),
    (stats.McNemarResult(3, 1, 0.6), 0.0, ValueError, "alpha must be"),
    (stats.McNemarResult(3, 1, 0.6), 1.5, ValueError, "alpha must be"),
    (stats.McNemarResult(3, 1, 0.6), True, TypeError, "alpha must be"),
    (stats.McNemarResult(3, 1, 0.6), "0.05", TypeError, "alpha must be"),
    (stats.McNemarResult(3, 1, 0.6), float("nan"), ValueError, "alpha must be"),
])
def test_verdict_bad_input_names_the_argument(result, alpha, error, message):
    with pytest.raises(error, match=message):
        stats.verdict(result, alpha=alpha)
