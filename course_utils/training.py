"""Small training companions: the device training runs on, epoch timing, saving a training
history beside its model, and smoothing a noisy learning curve (:func:`smooth`).

Keras saves a model (``model.save("name.keras")``) but not the ``History`` that ``fit``
returns; :func:`save_history` and :func:`load_history` keep the curves as JSON so that a
reloaded model comes back with them, and nothing has to be trained twice.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import keras

from course_utils import checks, config

History = dict[str, list[float]]


def device_summary() -> str:
    """Say where TensorFlow trains: the GPUs it sees, else the CPU and its cores.

    Every training chapter prints this line, so that its epoch times can be read for what they
    are (a laptop CPU, CI's 2 cores or a GPU differ by orders of magnitude).
    """
    import tensorflow as tf  # imported here: Keras has already imported it

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        names = [tf.config.experimental.get_device_details(gpu).get("device_name", gpu.name)
                 for gpu in gpus]
        return f"device: {len(gpus)} GPU ({', '.join(names)}), TensorFlow {tf.__version__}"
    return (f"device: CPU, {os.cpu_count()} cores (no GPU visible to TensorFlow), "
            f"TensorFlow {tf.__version__}")


class EpochTimer(keras.callbacks.Callback):
    """Record each epoch's wall-clock seconds as ``seconds`` in the training logs.

    Passed to ``fit(callbacks=[EpochTimer()])``, the times land in ``history.history["seconds"]``
    next to the loss and metrics, so they are saved and plotted like any other curve.
    """

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if logs is not None:
            logs["seconds"] = time.perf_counter() - self._start


class InferenceAccuracy(keras.callbacks.Callback):
    """Log the accuracy on ``dataset`` in inference mode, after each of the last epochs.

    The training accuracy that ``fit`` prints is an average over the epoch's batches, each
    scored by the weights of that moment with augmentation and dropout active. Scored after the
    epoch with ``evaluate`` (augmentation and dropout off), the training images compare fairly
    with the validation images. Each score costs a pass over ``dataset``, so only the last
    ``last_epochs`` epochs are scored: ``history["inference_accuracy"]`` holds one value per
    scored epoch. The model must be compiled with ``metrics=["accuracy"]``.

    Raises:
        TypeError: if ``last_epochs`` is not an integer; ``ValueError``: if it is below 1.
    """

    def __init__(self, dataset: Any, last_epochs: int = 3) -> None:
        super().__init__()
        checks.integer("last_epochs", last_epochs, 1)
        self.dataset = dataset
        self.last_epochs = last_epochs

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if logs is not None and epoch >= self.params["epochs"] - self.last_epochs:
            scores = self.model.evaluate(self.dataset, verbose=0, return_dict=True)
            logs["inference_accuracy"] = float(scores["accuracy"])


def course_output_dir() -> Path:
    """Return (and create) the folder where notebooks save models and histories.

    ``$COURSE_OUTPUT_DIR`` when set, else ``course_outputs/`` in the working directory (ignored
    by git: trained models are outputs, never committed), with one subfolder per profile
    (``course_outputs/full/``, ``course_outputs/fast/``): a fast run (``make test``) never
    replaces a model that the full profile saved, and a chapter that loads another chapter's
    model (:func:`saved_model_file`) finds only one trained in its own profile.
    """
    base = Path(os.environ.get("COURSE_OUTPUT_DIR") or "course_outputs").expanduser()
    folder = base / config.profile()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def saved_model_file(name: str, made_by: str) -> Path:
    """Return the path of ``name``, a model that the chapter ``made_by`` saved in this profile.

    A chapter that builds on another chapter's model calls this before loading it, so that a
    missing model stops the chapter at once with what to run, rather than deep inside Keras.

    Raises:
        TypeError: if ``name`` or ``made_by`` is not a string (``ValueError``: an empty one).
        FileNotFoundError: if this profile's :func:`course_output_dir` has no ``name``; the
            message names ``made_by``, the profile to run it in, and says so when the other
            profile has one (models are kept per profile and never mixed).
    """
    for argument, value in (("name", name), ("made_by", made_by)):
        if not isinstance(value, str):
            raise TypeError(f"{argument} must be a string, got {value!r}")
        if not value.strip():
            raise ValueError(f"{argument} must not be empty")
    path = course_output_dir() / name
    if path.is_file():
        return path
    profile = config.profile()
    others = [other for other in config.PROFILES
              if other != profile and (path.parent.parent / other / name).is_file()]
    elsewhere = (f" (the {others[0]} profile's {others[0]}/{name} does not count: models are "
                 "kept per profile)") if others else ""
    raise FileNotFoundError(
        f"no {path}: run {made_by} in the {profile} profile first (COURSE_PROFILE={profile}), "
        f"it trains and saves this model{elsewhere}"
    )


def save_history(history: Mapping[str, Sequence[float]], path: str | Path) -> Path:
    """Write a ``History.history`` dict to ``path`` as JSON (numbers as plain floats).

    Raises:
        TypeError: if ``history`` is not a mapping of curves of numbers, or ``path`` is not a
            path.
    """
    checks.mapping("history", history)
    path = checks.path("path", path)
    curves = {str(k): checks.numbers(f"history[{k!r}]", vals).astype(float).ravel()
              for k, vals in history.items()}
    path.write_text(json.dumps({k: [float(v) for v in vals] for k, vals in curves.items()}))
    return path


def load_history(path: str | Path) -> History:
    """Read a history written by :func:`save_history`.

    Raises:
        TypeError: if ``path`` is not a path.
    """
    path = checks.path("path", path)
    return {k: [float(v) for v in vals] for k, vals in json.loads(path.read_text()).items()}


def smooth(values: Sequence[float], factor: float = 0.8) -> list[float]:
    """Return the exponential moving average of a curve, to read a noisy learning curve's trend.

    ``smoothed[0] = values[0]`` and ``smoothed[i] = factor * smoothed[i - 1]
    + (1 - factor) * values[i]``: each point keeps ``factor`` of the previous smoothed point
    and takes the rest from the new value. ``factor=0`` returns the values unchanged; the
    closer ``factor`` is to 1, the smoother (and the later to follow a real change) the curve.

    >>> smooth([1.0, 0.0, 0.0], factor=0.5)
    [1.0, 0.5, 0.25]

    Raises:
        TypeError: if ``factor`` is not a number or ``values`` does not hold numbers.
        ValueError: if ``factor`` is not in ``[0, 1)`` or a value is not a finite number.
    """
    factor = checks.number("factor", factor, 0, 1, high_open=True)
    smoothed: list[float] = []
    for value in checks.numbers("values", values).ravel():
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"cannot smooth a curve containing {value!r}")
        smoothed.append(value if not smoothed else factor * smoothed[-1] + (1 - factor) * value)
    return smoothed
