import random

import numpy as np
import pytest

from course_utils import config


@pytest.mark.parametrize(("value", "expected"), [
    (None, "full"), ("full", "full"), ("fast", "fast"), (" FAST ", "fast"), ("", "full"),
])
def test_profile_reads_the_environment(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv(config.PROFILE_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(config.PROFILE_VARIABLE, value)
    assert config.profile() == expected


def test_unknown_profile_is_an_error(monkeypatch):
    monkeypatch.setenv(config.PROFILE_VARIABLE, "quick")
    with pytest.raises(ValueError, match="'quick' is not a profile; use one of full, fast"):
        config.profile()


def test_by_profile_picks_the_size(monkeypatch):
    monkeypatch.setenv(config.PROFILE_VARIABLE, "fast")
    assert config.by_profile(full=30, fast=2) == 2
    monkeypatch.setenv(config.PROFILE_VARIABLE, "full")
    assert config.by_profile(full=30, fast=2) == 30


@pytest.mark.parametrize(("value", "expected"), [
    (None, False), ("", False), ("0", False), ("no", False), ("1", True), (" True ", True),
])
def test_site_frames_reads_the_environment(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv(config.SITE_FRAMES_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(config.SITE_FRAMES_VARIABLE, value)
    assert config.site_frames() is expected


def test_an_unknown_site_frames_value_is_an_error(monkeypatch):
    monkeypatch.setenv(config.SITE_FRAMES_VARIABLE, "always")
    with pytest.raises(ValueError, match="COURSE_SITE_FRAMES='always': use 1"):
        config.site_frames()


def test_seed_everything_repeats_python_numpy_and_tensorflow():
    import tensorflow as tf

    def draw():
        return random.random(), np.random.rand(), float(tf.random.uniform(()))

    config.seed_everything(7)
    first = draw()
    config.seed_everything(7)
    assert draw() == first
    config.seed_everything(8)
    assert draw() != first



def test_fit_on_a_dataset_does_not_warn_about_shuffle():
    # pytest resets warning filters in each test, so check a fresh interpreter, as a notebook.
    import subprocess
    import sys

    script = """
import numpy as np
from course_utils import config
import keras, tensorflow as tf
model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse")
dataset = tf.data.Dataset.from_tensor_slices((np.zeros((4, 2)), np.zeros((4, 1)))).batch(2)
model.fit(dataset, epochs=1, verbose=0)
print("fitted")
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120, check=True)
    assert run.stdout.strip() == "fitted"
    assert "shuffle=True" not in run.stderr
