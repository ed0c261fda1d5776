"""Benchmark (not a test): the in-browser convnet engine's training speed against Keras's ``fit``.

``python -m course_utils.site.engine_benchmark`` trains the same model (``--filters`` 3x3 or 5x5
filters, max pooling, a dense layer to 10; Adam, batches of 32) on chapter 4's 4,000 training
digits, in one run:

* Keras's ``model.fit`` (compiled as ``compile`` does by default, the first epoch's tracing
  left out of the timing);
* the engine under Node (``convnet_node.js bench``), single-threaded;
* the engine in a Web Worker of headless Chromium (a page opened from ``file://`` that loads the
  data script on demand and builds the worker from a Blob URL, as the site will), when Chromium
  and Playwright are there (``$CHROMIUM`` names the binary; default ``/usr/bin/chromium``).
  It also reports the seconds of training until the test accuracy first reaches 0.90
  (measured after each epoch).

It prints images per second of each and their ratios to Keras's. It needs a checkout of the
book (Node for the engine runs) and takes about a minute on 2 cores.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from course_utils.site import training_data

HERE = Path(__file__).resolve().parent
NODE_CLI = HERE / "convnet_node.js"
ENGINE_JS, WORKER_JS = HERE / "js" / "convnet_engine.js", HERE / "js" / "convnet_worker.js"

PAGE = """<!doctype html><meta charset="utf-8"><title>engine benchmark</title><script>
const ENGINE = %(engine)s, WORKER = %(worker)s, SETTINGS = %(settings)s;
window.run = () => new Promise((resolve, reject) => {
  const script = document.createElement("script");  // the data loads on demand
  script.src = %(data)s;
  script.onerror = () => reject(new Error("the data script did not load"));
  script.onload = () => {
    const url = URL.createObjectURL(new Blob([ENGINE, "\\n", WORKER], {type: "text/javascript"}));
    const worker = new Worker(url), epochs = [];
    let last = null;
    worker.onerror = (event) => reject(new Error(event.message));
    worker.onmessage = ({data: m}) => {
      if (m.type === "ready") { worker.postMessage({type: "start"}); }
      else if (m.type === "step") { last = m; }
      else if (m.type === "epoch") { epochs.push({epoch: m.epoch, seconds: m.seconds,
                                                  accuracy: m.accuracy}); }
      else if (m.type === "done") { resolve({last, epochs}); }
      else if (m.type === "error") { reject(new Error(m.message)); }
    };
    worker.postMessage({type: "init", data: self.ConvnetTrainingData, settings: SETTINGS});
  };
  document.head.appendChild(script);
});
</script>"""


def keras_fit(split, filters: int, kernel_size: int, learning_rate: float, epochs: int) -> dict:
    """Images per second of Keras's ``fit`` on the same model (after a traced warm-up epoch)."""
    import keras

    keras.utils.set_random_seed(1)
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(filters, kernel_size, activation="relu"),
        keras.layers.MaxPooling2D(2), keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x = (split.x_train[..., np.newaxis] / 255.0).astype("float32")
    model.fit(x, split.y_train, batch_size=32, epochs=1, verbose=0)  # tracing, warm-up
    started = time.perf_counter()
    model.fit(x, split.y_train, batch_size=32, epochs=epochs, verbose=0)
    seconds = time.perf_counter() - started
    x_test = (split.x_test[..., np.newaxis] / 255.0).astype("float32")
    accuracy = model.evaluate(x_test, split.y_test, verbose=0)[1]
    return {"imagesPerSecond": epochs * len(x) / seconds, "seconds": seconds,
            "testAccuracy": float(accuracy), "epochs": epochs + 1}


def node_bench(data: Path, settings: dict, images: int) -> dict:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("the benchmark needs node (Debian: apt-get install npm)")
    done = subprocess.run([node, str(NODE_CLI), "bench", str(data), json.dumps(settings),
                           str(images)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def chromium_bench(data: Path, settings: dict, epochs: int) -> dict | None:
    """The engine in a Chromium worker, ``epochs`` epochs; ``None`` without Chromium."""
    binary = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path(binary).is_file():
        return None
    page_file = data.parent.parent / "benchmark.html"
    page_file.write_text(PAGE % {
        "engine": json.dumps(ENGINE_JS.read_text(encoding="utf-8")),
        "worker": json.dumps(WORKER_JS.read_text(encoding="utf-8")),
        "settings": json.dumps({**settings, "epochs": epochs}),
        "data": json.dumps(data.relative_to(page_file.parent).as_posix())}, encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=binary, args=[
            "--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri())
            result = page.evaluate("run()")
        finally:
            browser.close()
    reached = [e["seconds"] for e in result["epochs"] if e["accuracy"] >= 0.90]
    return {"imagesPerSecond": result["last"]["imagesPerSecond"],
            "seconds": result["last"]["seconds"], "epochs": result["epochs"],
            "secondsTo090": reached[0] if reached else None}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filters", type=int, default=8, choices=(4, 8, 16))
    parser.add_argument("--kernel-size", type=int, default=3, choices=(3, 5))
    parser.add_argument("--learning-rate", type=float, default=0.005)
    parser.add_argument("--epochs", type=int, default=4, help="timed epochs of each")
    args = parser.parse_args(argv)
    settings = {"filters": args.filters, "kernelSize": args.kernel_size,
                "learningRate": args.learning_rate, "batchSize": 32, "seed": 1}
    split = training_data.chapter4_split()
    with tempfile.TemporaryDirectory() as tmp:
        data = training_data.write_training_data(Path(tmp) / "_static", split)
        keras_run = keras_fit(split, args.filters, args.kernel_size, args.learning_rate,
                              args.epochs)
        node_run = node_bench(data, settings, args.epochs * len(split.y_train))
        browser_run = chromium_bench(data, settings, args.epochs)
    keras_speed = keras_run["imagesPerSecond"]
    print(f"model: {args.filters} filters {args.kernel_size}x{args.kernel_size}, max pooling, "
          f"dense to 10; Adam {args.learning_rate}, batches of 32, {len(split.y_train):,} "
          f"training digits, {os.cpu_count()} CPUs")
    print(f"Keras fit:          {keras_speed:7.0f} images/s (test accuracy "
          f"{keras_run['testAccuracy']:.3f} after {keras_run['epochs']} epochs)")
    print(f"engine, Node:       {node_run['imagesPerSecond']:7.0f} images/s, "
          f"{node_run['imagesPerSecond'] / keras_speed:.2f} x Keras")
    if browser_run is None:
        print("engine, Chromium:   not measured (no Chromium or Playwright)")
    else:
        print(f"engine, Chromium:   {browser_run['imagesPerSecond']:7.0f} images/s (a worker), "
              f"{browser_run['imagesPerSecond'] / keras_speed:.2f} x Keras; test accuracy "
              + ", ".join(f"{e['accuracy']:.3f} at {e['seconds']:.1f} s"
                          for e in browser_run["epochs"])
              + "; 0.90 first reached after "
              + (f"{browser_run['secondsTo090']:.1f} s" if browser_run["secondsTo090"] else "-"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
