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


def course_output_dir() -> Path:
    """Return (and create) the folder where notebooks save models and histories.

    ``$COURSE_OUTPUT_DIR`` when set, else ``course_outputs/`` in the working directory
    (ignored by git: trained models are outputs, never committed).
    """
    folder = Path(os.environ.get("COURSE_OUTPUT_DIR") or "course_outputs").expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_history(history: Mapping[str, Sequence[float]], path: str | Path) -> Path:
    """Write a ``History.history`` dict to ``path`` as JSON (numbers as plain floats)."""
    path = Path(path)
    path.write_text(json.dumps({k: [float(v) for v in vals] for k, vals in history.items()}))
    return path


def load_history(path: str | Path) -> History:
    """Read a history written by :func:`save_history`."""
    return {k: [float(v) for v in vals] for k, vals in json.loads(Path(path).read_text()).items()}


def smooth(values: Sequence[float], factor: float = 0.8) -> list[float]:
    """Return the exponential moving average of a curve, to read a noisy learning curve's trend.

    ``smoothed[0] = values[0]`` and ``smoothed[i] = factor * smoothed[i - 1]
    + (1 - factor) * values[i]``: each point keeps ``factor`` of the previous smoothed point
    and takes the rest from the new value. ``factor=0`` returns the values unchanged; the
    closer ``factor`` is to 1, the smoother (and the later to follow a real change) the curve.

    >>> smooth([1.0, 0.0, 0.0], factor=0.5)
    [1.0, 0.5, 0.25]

    Raises:
        ValueError: if ``factor`` is not in ``[0, 1)`` or a value is not a finite number.
    """
    if not 0 <= factor < 1:
        raise ValueError(f"factor must be in [0, 1), got {factor!r}")
    smoothed: list[float] = []
    for value in values:
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"cannot smooth a curve containing {value!r}")
        smoothed.append(value if not smoothed else factor * smoothed[-1] + (1 - factor) * value)
    return smoothed
