import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils import training


def test_epoch_timer_puts_seconds_in_the_history():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.zeros((8, 3), "float32")
    history = model.fit(x, x[:, :1], epochs=3, verbose=0, callbacks=[training.EpochTimer()])
    seconds = history.history["seconds"]
    assert len(seconds) == 3 and all(s > 0 for s in seconds)


def test_inference_accuracy_scores_the_last_epochs_without_dropout():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dropout(0.9, seed=0),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    scored = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    history = model.fit(x, y, epochs=4, batch_size=16, verbose=0,
                        callbacks=[training.InferenceAccuracy(scored, last_epochs=2)]).history
    assert len(history["inference_accuracy"]) == 2 and len(history["accuracy"]) == 4
    after = model.evaluate(x, y, verbose=0, return_dict=True)["accuracy"]
    assert history["inference_accuracy"][-1] == pytest.approx(after)
    assert history["inference_accuracy"][-1] != pytest.approx(history["accuracy"][-1])


def test_inference_accuracy_refuses_a_bad_number_of_epochs():
    with pytest.raises(TypeError, match="last_epochs must be"):
        training.InferenceAccuracy([], "3")
    with pytest.raises(ValueError, match="last_epochs must be"):
        training.InferenceAccuracy([], 0)


def test_history_round_trips_through_json(tmp_path):
    history = {"loss": [np.float32(0.5), 0.25], "val_accuracy": [0.75, np.float64(0.875)]}
    path = training.save_history(history, tmp_path / "h.json")
    assert json.loads(path.read_text()) == {"loss": [0.5, 0.25], "val_accuracy": [0.75, 0.875]}
    assert training.load_history(path) == {"loss": [0.5, 0.25], "val_accuracy": [0.75, 0.875]}


def test_course_output_dir_is_created_per_profile(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_OUTPUT_DIR", str(tmp_path / "out"))
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    assert training.course_output_dir() == tmp_path / "out" / "fast"
    monkeypatch.setenv("COURSE_PROFILE", "full")
    assert training.course_output_dir() == tmp_path / "out" / "full"
    assert (tmp_path / "out" / "fast").is_dir() and (tmp_path / "out" / "full").is_dir()


def test_a_fast_run_never_replaces_a_full_model(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_OUTPUT_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_PROFILE", "full")
    (training.course_output_dir() / "m.keras").write_text("full")
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    (training.course_output_dir() / "m.keras").write_text("fast")
    assert (tmp_path / "full" / "m.keras").read_text() == "full"


def test_saved_model_file_finds_this_profiles_model(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_OUTPUT_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_PROFILE", "full")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "m.keras").write_text("model")
    assert training.saved_model_file("m.keras", "chapter 6") == tmp_path / "full" / "m.keras"


def test_saved_model_file_names_the_chapter_and_profile_when_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_OUTPUT_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_PROFILE", "full")
    with pytest.raises(FileNotFoundError, match=r"run chapter 6 in the full profile first") as e:
        training.saved_model_file("m.keras", "chapter 6")
    assert "does not count" not in str(e.value)


def test_saved_model_file_refuses_the_other_profiles_model(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_OUTPUT_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    (training.course_output_dir() / "m.keras").write_text("a fast model")
    monkeypatch.setenv("COURSE_PROFILE", "full")
    with pytest.raises(FileNotFoundError, match=r"full profile first .*the fast profile's "
                                                r"fast/m.keras does not count"):
        training.saved_model_file("m.keras", "chapter 6")


@pytest.mark.parametrize(("name", "made_by", "error"),
                         [(3, "chapter 6", TypeError), ("m.keras", None, TypeError),
                          ("", "chapter 6", ValueError), ("m.keras", " ", ValueError)])
def test_saved_model_file_checks_its_arguments(name, made_by, error):
    with pytest.raises(error, match="name" if name != "m.keras" else "made_by"):
        training.saved_model_file(name, made_by)


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
