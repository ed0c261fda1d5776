import json

import keras
import numpy as np

from course_utils import training


def test_epoch_timer_puts_seconds_in_the_history():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.zeros((8, 3), "float32")
    history = model.fit(x, x[:, :1], epochs=3, verbose=0, callbacks=[training.EpochTimer()])
    seconds = history.history["seconds"]
    assert len(seconds) == 3 and all(s > 0 for s in seconds)


def test_history_round_trips_through_json(tmp_path):
    history = {"loss": [np.float32(0.5), 0.25], "val_accuracy": [0.75, np.float64(0.875)]}
    path = training.save_history(history, tmp_path / "h.json")
    assert json.loads(path.read_text()) == {"loss": [0.5, 0.25], "val_accuracy": [0.75, 0.875]}
    assert training.load_history(path) == {"loss": [0.5, 0.25], "val_accuracy": [0.75, 0.875]}


def test_course_output_dir_is_created(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_OUTPUT_DIR", str(tmp_path / "out"))
    assert training.course_output_dir() == tmp_path / "out"
    assert (tmp_path / "out").is_dir()


def test_device_summary_names_the_cpu_when_no_gpu_is_visible(monkeypatch):
    import tensorflow as tf

    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: [])
    monkeypatch.setattr("os.cpu_count", lambda: 6)
    assert training.device_summary() == (
        f"device: CPU, 6 cores (no GPU visible to TensorFlow), TensorFlow {tf.__version__}")


def test_device_summary_names_each_gpu(monkeypatch):
    import tensorflow as tf

    gpu = tf.config.PhysicalDevice(name="/physical_device:GPU:0", device_type="GPU")
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: [gpu])
    monkeypatch.setattr(tf.config.experimental, "get_device_details",
                        lambda device: {"device_name": "NVIDIA H200"})
    assert training.device_summary() == (
        f"device: 1 GPU (NVIDIA H200), TensorFlow {tf.__version__}")
