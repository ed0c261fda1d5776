"""The in-browser convnet engine (``course_utils/site/js/convnet_engine.js``) against Keras.

On the same weights and batch, the engine's feature maps, probabilities, loss, every weight's
gradient, the input's gradient, FGSM images and two Adam steps (Keras's ``train_on_batch``)
equal Keras's to 1e-5 (``|engine - keras| <= 1e-5 * max(1, |keras|)``), run under Node by
``course_utils/site/convnet_node.js``. Trained with a fixed seed for :data:`EPOCHS` epochs on
chapter 4's 4,000 training digits (:mod:`course_utils.site.training_data`), the engine reaches
0.90 test accuracy on the 1,000 test digits; with its weights loaded into Keras, Keras predicts
the same digits, and the share of correctly read test digits that FGSM flips at
:data:`EPSILONS` agrees with Keras's within :data:`FGSM_TOLERANCE`.

Without Node these tests are skipped, except in CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from course_utils.site import training_data

REPO = Path(__file__).resolve().parents[1]
NODE_CLI = REPO / "course_utils" / "site" / "convnet_node.js"
#: The seeded run the accuracy check trains (about 3 s of training under Node on 2 cores).
SETTINGS = {"filters": 8, "kernelSize": 3, "learningRate": 0.005, "batchSize": 32, "seed": 1}
EPOCHS = 3
EPSILONS = (0.1, 0.2)
#: FGSM: engine and Keras flip the same share of test digits within 1 percentage point.
FGSM_TOLERANCE = 0.01
#: Adam's learning rates: applying given gradients, and whole train_on_batch steps (Keras's
#: default; Adam's first steps turn float32 rounding of near-zero gradients into differences
#: of up to ~lr * 1e-3, so larger rates would blur the 1e-5 check with rounding).
ADAM_ALONE_RATE, TRAIN_STEP_RATE = 0.01, 0.001


@pytest.fixture(scope="module")
def node() -> str:
    """The ``node`` executable (Node 18 or later); skipped without one outside CI."""
    found = shutil.which("node")
    if found is None:
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail("CI runs the engine's checks under Node, but node is not installed "
                        "(Debian: apt-get install npm)")
        pytest.skip("node is not installed (Debian: apt-get install npm)")
    return found


@pytest.fixture(scope="module")
def split():
    return training_data.chapter4_split()


def run_node(node: str, *args: str, timeout: float = 300) -> dict:
    done = subprocess.run([node, str(NODE_CLI), *args], capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert done.stdout.strip(), f"node printed nothing; stderr:\n{done.stderr}"
    report = json.loads(done.stdout)
    report["returncode"] = done.returncode
    return report


def keras_model(filters: int, kernel_size: int):
    import keras

    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(filters, kernel_size, activation="relu", name="conv"),
        keras.layers.MaxPooling2D(2, name="pool"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(10, activation="softmax", name="dense"),
    ])


def flat(values) -> list[float]:
    return np.asarray(values, dtype=np.float32).ravel().tolist()


def fgsm(model, x: np.ndarray, y: np.ndarray, epsilon: float) -> np.ndarray:
    """Keras's FGSM images: clip(x + epsilon * sign(dLoss/dx), 0, 1)."""
    import keras
    import tensorflow as tf

    images = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(images)
        loss = keras.losses.SparseCategoricalCrossentropy()(y, model(images))
    return tf.clip_by_value(images + epsilon * tf.sign(tape.gradient(loss, images)),
                            0.0, 1.0).numpy()


def reference_case(split, filters: int, kernel_size: int, seed: int) -> dict:
    """Keras's results for one model: Glorot-initialised (seeded), with random biases."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    model = keras_model(filters, kernel_size)
    rng = np.random.default_rng(seed)
    weights = model.get_weights()
    weights[1] = rng.uniform(-0.1, 0.1, weights[1].shape).astype("float32")  # conv biases
    weights[3] = rng.uniform(-0.1, 0.1, weights[3].shape).astype("float32")  # dense biases
    model.set_weights(weights)
    pick = rng.choice(len(split.y_test), 24, replace=False)
    x = (split.x_test[pick, ..., np.newaxis] / 255.0).astype("float32")
    x[-2:] = rng.uniform(0, 1, x[-2:].shape)  # two noise images: no background zeros
    y = split.y_test[pick]
    x, y, x2, y2 = x[:12], y[:12], x[12:], y[12:]
    conv = model.get_layer("conv")(x)
    pooled, probs = model.get_layer("pool")(conv), model(x)
    images = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(images)
        loss = keras.losses.SparseCategoricalCrossentropy()(y, model(images))
    grads = tape.gradient(loss, [*model.trainable_weights, images])
    # The optimizer alone: Keras's Adam applying these gradients, then the batch-2 gradients,
    # to copies of the weights.
    with tf.GradientTape() as tape:
        loss2 = keras.losses.SparseCategoricalCrossentropy()(y2, model(x2))
    grads2 = tape.gradient(loss2, model.trainable_weights)
    variables = [tf.Variable(w) for w in weights]
    adam = keras.optimizers.Adam(ADAM_ALONE_RATE)
    updates = []
    for gradients in (grads[:-1], grads2):
        adam.apply_gradients(zip(gradients, variables, strict=True))
        updates.append({"grads": [flat(g) for g in gradients],
                        "weights": [flat(v.numpy()) for v in variables]})
    # Whole training steps: Keras's train_on_batch on batch 1, then batch 2.
    model.compile(optimizer=keras.optimizers.Adam(TRAIN_STEP_RATE),
                  loss="sparse_categorical_crossentropy", jit_compile=False)
    steps = []
    for bx, by in ((x, y), (x2, y2)):
        model.reset_metrics()
        step_loss = model.train_on_batch(bx, by)
        steps.append({"x": flat(bx), "labels": by.tolist(), "loss": float(step_loss),
                      "weights": [flat(w) for w in model.get_weights()]})
    model.set_weights(weights)
    return {
        "name": f"{filters} filters {kernel_size}x{kernel_size}",
        "settings": {"filters": filters, "kernelSize": kernel_size},
        "weights": [flat(w) for w in weights], "x": flat(x), "labels": y.tolist(),
        "expected": {
            "conv": flat(conv), "pooled": flat(pooled), "probabilities": flat(probs),
            "loss": float(loss), "grads": [flat(g) for g in grads[:-1]],
            "inputGrad": flat(grads[-1]), "adamAlone": {"learningRate": ADAM_ALONE_RATE,
                                                         "updates": updates},
            "learningRate": TRAIN_STEP_RATE, "steps": steps,
            "fgsm": [{"epsilon": eps, "x": flat(fgsm(model, x, y, eps))} for eps in EPSILONS],
        },
    }


def test_engine_equals_keras(node, split, tmp_path):
    cases = [reference_case(split, 8, 3, seed=1), reference_case(split, 4, 5, seed=2),
             reference_case(split, 16, 3, seed=3)]
    reference = tmp_path / "reference.json"
    reference.write_text(json.dumps({"cases": cases}))
    report = run_node(node, "compare", str(reference))
    worst = {name: max(case[name]["scaled"] for case in report["cases"].values())
             for name in next(iter(report["cases"].values()))}
    print("largest |engine - keras| / max(1, |keras|):",
          {name: f"{value:.1e}" for name, value in worst.items()})
    assert report["failed"] == [] and report["returncode"] == 0, report["failed"]
    assert max(worst.values()) <= 1e-5
    assert {"grad_convKernel", "grad_input", "adam2_denseKernel", "step2_denseKernel",
            "fgsm_0.2"} <= set(worst)


def test_compare_fails_on_a_wrong_gradient(node, split, tmp_path):
    case = reference_case(split, 4, 3, seed=4)
    case["expected"]["grads"][0][0] += 1e-4  # one conv kernel gradient off by 1e-4
    reference = tmp_path / "reference.json"
    reference.write_text(json.dumps({"cases": [case]}))
    report = run_node(node, "compare", str(reference))
    assert report["returncode"] == 1 and report["failed"] == ["4 filters 3x3: grad_convKernel"]


def test_training_data_is_chapter_4s_split(split, tmp_path):
    path = training_data.write_training_data(tmp_path)
    text = path.read_text(encoding="utf-8")
    header = json.loads(re.search(r"= (\{.*\});", text).group(1))
    assert (header["train"], header["test"]) == (4000, 1000)
    raw = gzip.decompress(base64.b64decode(header["gzipBase64"]))
    data = np.frombuffer(raw, np.uint8)
    cut = [4000 * 784, 4000, 1000 * 784, 1000]
    parts = np.split(data, np.cumsum(cut)[:-1])
    np.testing.assert_array_equal(parts[0].reshape(-1, 28, 28), split.x_train)
    np.testing.assert_array_equal(parts[1], split.y_train)
    np.testing.assert_array_equal(parts[2].reshape(-1, 28, 28), split.x_test)
    np.testing.assert_array_equal(parts[3], split.y_test)
    size = training_data.sizes(text)
    print(f"training data: {len(raw):,} bytes raw, {len(base64.b64decode(header['gzipBase64'])):,}"
          f" gzipped, script {size['bytes']:,} bytes, {size['gzip_bytes']:,} gzip-compressed")
    assert size["gzip_bytes"] <= training_data.MAX_GZIP_BYTES


def test_seeded_training_reaches_090_and_fgsm_agrees_with_keras(node, split, tmp_path):
    data = training_data.write_training_data(tmp_path)
    weights_file = tmp_path / "weights.json"
    started = time.perf_counter()
    run = run_node(node, "train", str(data), json.dumps(SETTINGS), str(EPOCHS),
                   ",".join(map(str, EPSILONS)), str(weights_file))
    print(f"engine: {EPOCHS} epochs of 4,000 digits in {run['seconds']:.1f} s of training "
          f"({time.perf_counter() - started:.1f} s with loading), "
          f"{run['imagesPerSecond']:.0f} images/s, test accuracy {run['testAccuracy']:.3f}")
    assert run["returncode"] == 0
    assert run["testAccuracy"] >= 0.90

    model = keras_model(SETTINGS["filters"], SETTINGS["kernelSize"])
    model.set_weights([np.asarray(w, np.float32).reshape(v.shape)
                       for w, v in zip(json.loads(weights_file.read_text()),
                                       model.get_weights(), strict=True)])
    x = (split.x_test[..., np.newaxis] / 255.0).astype("float32")
    predicted = model.predict(x, verbose=0, batch_size=250).argmax(axis=1)
    assert np.mean(predicted == np.asarray(run["predicted"])) >= 0.999
    assert abs(np.mean(predicted == split.y_test) - run["testAccuracy"]) <= 0.001
    right = predicted == split.y_test
    for attack in run["fgsm"]:
        adversarial = np.concatenate([
            fgsm(model, x[i:i + 250], split.y_test[i:i + 250], attack["epsilon"])
            for i in range(0, len(x), 250)])
        attacked = model.predict(adversarial, verbose=0, batch_size=250).argmax(axis=1)
        keras_share = float(np.mean(attacked[right] != split.y_test[right]))
        print(f"FGSM epsilon {attack['epsilon']}: engine flips {attack['share']:.3f} of "
              f"{attack['correct']} correct digits, Keras {keras_share:.3f} of {right.sum()}")
        assert abs(attack["share"] - keras_share) <= FGSM_TOLERANCE


def test_node_engine_checks_pass(node):
    """The engine-only checks (``tests/js/``, Node's built-in test runner) run and pass."""
    done = subprocess.run([node, "--test", str(REPO / "tests" / "js")], capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert re.search(r"^# pass [1-9]", done.stdout, re.MULTILINE) and "# fail 0" in done.stdout
